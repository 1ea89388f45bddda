"""X12 → models → X12 gives every segment back: in process (``read`` + ``write``; ``iter_records`` +
``write_records``) and through both JSON forms (``to-json --models`` document and ``--lines``).

What "the same segments" allows, and why:
- trailers (SE, GE, IEA) are not compared with the input's: the writer counts SE01/GE01/IEA01 and repeats the
  header's control number in SE02/GE02/IEA02, so a wrong count or a missing trailer in the input comes out right;
  instead the output is checked to frame with no count, control number or missing-trailer finding;
- trailing empty elements and components are dropped (X12 syntax: a segment ends after its last non-empty
  element, a composite after its last non-empty component; the guide treats the two as the same), and the ISA's
  fields are compared without their padding (its fields are fixed width by definition; the writer pads them).
Nothing else: element text, composites, repetitions and every other segment are compared as read, as a multiset
(models write a loop's segments in guide order, so a segment the file had out of place may move).
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import corpus_files, corpus_id
from edi.errors import EdiError, FramingError
from edi.models import iter_records, read, write, write_records
from edi.models._json import encode, from_document
from edi.x12 import Framer, Role, tokenize

TRAILERS = frozenset({"SE", "GE", "IEA"})
TRAILER_FINDINGS = ("envelope.se01", "envelope.se02", "envelope.ge01", "envelope.ge02", "envelope.iea01",
                    "envelope.iea02", "envelope.se.missing", "envelope.ge.missing", "envelope.iea.missing")
CORPUS = corpus_files()


def segments(data: bytes) -> Counter[tuple[str, ...]]:
    """The segments of an interchange as the property compares them (see the module's docstring)."""
    found: Counter[tuple[str, ...]] = Counter()
    for seg in tokenize(data):
        if seg.id in TRAILERS:
            continue
        sep = seg.delimiters.component if seg.delimiters else ":"
        elements = [e.rstrip(" ") for e in seg.elements] if seg.id == "ISA" else [
            e.rstrip(sep) if e.endswith(sep) else e for e in seg.elements]
        while len(elements) > 1 and not elements[-1]:
            elements.pop()
        found[tuple(elements)] += 1
    return found


def assert_same_segments(original: bytes, written: bytes) -> None:
    before, after = segments(original), segments(written)
    lost, gained = before - after, after - before
    assert not lost and not gained, f"lost {dict(lost)}, gained {dict(gained)}"
    framer = Framer(tokenize(written))
    for _ in framer:
        pass
    wrong = [f"{f.code}: {f.message}" for f in framer.findings if f.code.startswith(TRAILER_FINDINGS)]
    assert not wrong, wrong


def readable(path: Path) -> bytes:
    data = path.read_bytes()
    try:
        for _ in tokenize(data):
            pass
    except FramingError as exc:
        pytest.skip(f"not read (the syntax layer's tests say why): {exc}")
    return data


def whole_transactions_only(data: bytes) -> bool:
    """Every interchange and group holds a transaction, and nothing stands outside one but the envelope: what
    ``read`` (transactions only) can give back."""
    levels: list[int] = []
    for framed in Framer(tokenize(data)):
        if framed.role in (Role.TA1, Role.STRAY):
            return False
        if framed.role in (Role.ISA, Role.GS):
            levels.append(0)
        elif framed.role is Role.ST:
            levels = [n + 1 for n in levels]
        elif framed.role in (Role.GE, Role.IEA) and levels and levels.pop() == 0:
            return False
    return not levels or all(levels)


@pytest.mark.corpus
@pytest.mark.parametrize("path", CORPUS, ids=corpus_id)
class TestEveryCorpusFileGivesItsSegmentsBack:
    def test_in_process_records(self, path: Path) -> None:
        data = readable(path)
        assert_same_segments(data, write_records(iter_records(data)))

    def test_in_process_read_and_write(self, path: Path) -> None:
        data = readable(path)
        if not whole_transactions_only(data):
            pytest.skip("TA1s, strays or an empty group or interchange: read() yields transactions only")
        assert_same_segments(data, write(read(data)))

    def test_through_the_json_document(self, path: Path) -> None:
        data = readable(path)
        if wider_than_the_isa_allows(data):
            assert_refused_at_the_isa_field(lambda: from_document(encode(data)))
            return
        assert_same_segments(data, from_document(encode(data)))

    def test_through_json_lines(self, path: Path) -> None:
        data = readable(path)
        if wider_than_the_isa_allows(data):
            assert_refused_at_the_isa_field(lambda: from_document(encode(data, lines=True)))
            return
        assert_same_segments(data, from_document(encode(data, lines=True)))


def wider_than_the_isa_allows(data: bytes) -> bool:
    """A file read although an ISA field is longer than its fixed width (tolerant reading): its models come back
    in process, but JSON — which may be hand-edited — is held to the fixed width when written."""
    from edi.x12._delimiters import ISA_WIDTHS

    return any(len(value.rstrip(" ")) > width for seg in tokenize(data) if seg.id == "ISA"
               for value, width in zip(seg.elements[1:16], ISA_WIDTHS))


def assert_refused_at_the_isa_field(convert: Callable[[], bytes]) -> None:
    with pytest.raises(EdiError, match=r"\$\.interchange\S*\.\w+: .* \(the ISA is fixed width\)"):
        convert()


def corpus(name: str) -> bytes:
    path = next((p for p in CORPUS if corpus_id(p) == name), None)
    if path is None:
        pytest.skip(f"corpus file {name} not found")
    return path.read_bytes()


def through_json(data: bytes) -> bytes:
    return from_document(encode(data))


@pytest.mark.corpus
class TestTheEnvelopeIsKept:
    """Each of these came back changed from `to-json --models | from-json --models` before."""

    def test_gs02_and_gs03_are_not_replaced_by_the_isa_ids(self) -> None:
        data = corpus("999/x12-parser__x12_999_accepted.txt")
        assert b"GS*FA*RCVR1*SNDR12345*" in data
        assert b"GS*FA*RCVR1*SNDR12345*20200415*102497*1*X*005010X231A1~" in through_json(data)

    def test_isa01_to_isa04_are_kept(self) -> None:
        data = corpus("837p/x12-parser__x12_valid.txt")
        assert data.startswith(b"ISA*00*          *01*SECRET    *")
        assert through_json(data).startswith(b"ISA*00*          *01*SECRET    *ZZ*SUBMITTERS.ID  *")

    def test_errata_versions_in_gs08_and_st03_are_kept(self) -> None:
        written = through_json(corpus("837p/x12__demo.837"))
        assert b"*X*005010X222A2~" in written and b"ST*837*0021*005010X222A2~" in written

    def test_an_st_without_st03_stays_without(self) -> None:
        written = through_json(corpus("999/pyx12__834_ls_le_ls_5010.999.txt"))
        assert b"ST*999*0001*005010X231~" in written  # as read: X231, not X231A1

    def test_groups_and_their_transactions_stay_as_read(self) -> None:
        data = corpus("999/pyx12__834_lui_id_5010.999.txt")
        written = through_json(data)
        assert [s.id for s in tokenize(data) if s.id in ("GS", "ST", "GE")] == \
               [s.id for s in tokenize(written) if s.id in ("GS", "ST", "GE")]

    def test_ta1s_are_kept_where_they_stood(self) -> None:
        data = corpus("ta1/X12Parser__TechnicalAcknowledgment_Sample1.txt")
        written = through_json(data)
        assert [s.id for s in tokenize(written)] == ["ISA", "TA1", "TA1", "IEA"]

    def test_a_ta1_after_a_group_is_kept(self) -> None:
        data = corpus("ta1/pyx12__ele.997.base")
        assert [s.text() for s in tokenize(data) if s.id == "TA1"] == \
               [s.text() for s in tokenize(through_json(data)) if s.id == "TA1"]

    def test_wrong_counts_are_written_right(self) -> None:
        data = corpus("837p/x12-parser__x12_writer_test.txt")
        assert b"SE*25*987654~" in data
        written = through_json(data)
        se = next(s for s in tokenize(written) if s.id == "SE")
        st = next(s for s in tokenize(written) if s.id == "ST")
        assert (str(se.index - st.index + 1), "987654") == (se[1], se[2])


class TestJsonForms:
    @pytest.mark.parametrize("lines", [False, True], ids=["document", "lines"])
    @pytest.mark.parametrize("sample", sorted(Path(__file__).resolve().parents[2].joinpath("samples").glob("*.x12")),
                             ids=lambda p: p.name)
    def test_samples_come_back_byte_for_byte(self, sample: Path, lines: bool) -> None:
        assert sample.read_bytes() == from_document(encode(sample, lines=lines))

    def test_json_lines_hold_one_claim_a_line(self) -> None:
        sample = Path(__file__).resolve().parents[2] / "samples" / "835-remittance.x12"
        keys = [line.split(b'"', 2)[1] for line in encode(sample, lines=True).splitlines()]
        assert [b"format", b"interchange", b"group", b"transaction", b"header_number", b"claim", b"claim", b"claim",
                b"claim", b"transaction_end", b"group_end", b"interchange_end"] == keys

    def test_the_document_is_one_json_value(self) -> None:
        import json

        sample = Path(__file__).resolve().parents[2] / "samples" / "837p-office-visits.x12"
        document = json.loads(encode(sample))
        (interchange,) = document["interchanges"]
        (group,) = interchange["groups"]
        (transaction,) = group["transactions"]
        assert ("edi-models-json/2", "EXAMPLEFP", "HC", "ProfessionalClaimTransaction", 3) == (
            document["format"], interchange["header"]["sender_id"], group["header"]["functional_id"],
            transaction["type"], len(transaction["claims"]))

    def test_to_json_writes_as_it_reads(self) -> None:
        """Output reaches the stream before the input is read to its end (a claim at a time)."""
        from edi.models._json import to_json
        from edi.synth import write_synth

        source = io.BytesIO()
        write_synth("835", 3000, 3, source)
        source.seek(0)
        reads: list[int] = []

        class Watched(io.BytesIO):
            def write(self, data: bytes) -> int:  # type: ignore[override]
                reads.append(source.tell())
                return super().write(data)

        to_json(source, Watched(), lines=True)
        assert reads and reads[0] < len(source.getvalue())  # the tokenizer reads 1 MiB at a time


# -- any content -------------------------------------------------------------------------------------------
SAMPLES = sorted(Path(__file__).resolve().parents[2].joinpath("samples").glob("*.x12"))
ENVELOPE = frozenset({"ISA", "GS", "ST", "SE", "GE", "IEA"})
# Element text a file may hold: codes, amounts (canonical or not), dates (valid or not), composites (":"),
# repetitions ("^"), spaces, and whatever hypothesis makes of these characters.
TOKENS = ["", "", "", "1", "2", "01", "007", "12.50", ".5", "-3", "1.", "+4", "1E2", "20250115", "20250230",
          "20250101-20250131", "2025011", "D8", "RD8", "HC", "HC:99213:25", "ABK:J020", "BK:1234:D8",
          "1:2:3:4", "A^B", "CO", "PR", "45", "XX", "X", "Y", "N", "0930", "A:B:C:D:E:F:G:H", " PAD "]


def element_text() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(TOKENS), st.text(alphabet="AZ09.-: ^", max_size=9))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_segment_content_comes_back(sample: Path, data: st.DataObject) -> None:
    """Whatever one body segment of a file holds — a qualifier kept or changed, any number of elements, values
    that are or are not the numbers, dates and composites its guide expects — the file's segments come back from
    the models (in process and through JSON Lines)."""
    segments_read = list(tokenize(sample.read_bytes()))
    body = [n for n, seg in enumerate(segments_read) if seg.id not in ENVELOPE]
    n = data.draw(st.sampled_from(body), label="segment")
    seg = segments_read[n]
    keep = data.draw(st.integers(0, min(2, len(seg.elements) - 1)), label="elements kept")
    elements = (*seg.elements[:keep + 1],
                *data.draw(st.lists(element_text(), max_size=14), label="elements"))
    text = "".join(
        ("*".join(elements) if i == n else "*".join(s.elements)) + "~\n" for i, s in enumerate(segments_read))
    changed = text.encode("latin-1")
    assert_same_segments(changed, write_records(iter_records(changed)))
    assert_same_segments(changed, from_document(encode(changed, lines=True)))


# -- what typed fields do not hold comes back in place --------------------------------------------------------
SAMPLES_DIR = Path(__file__).resolve().parents[2] / "samples"


def changed(sample: str, old: str, new: str) -> bytes:
    """A bundled sample with one segment's text replaced (``new`` may hold several segments)."""
    text = (SAMPLES_DIR / sample).read_text()
    assert text.count(old + "~") == 1, old
    return text.replace(old + "~", new + "~").encode()


def comes_back(data: bytes) -> list[object]:
    """The file's segments come back in process and through both JSON forms; the transaction models read."""
    assert_same_segments(data, write(read(data)))
    assert_same_segments(data, from_document(encode(data)))
    assert_same_segments(data, from_document(encode(data, lines=True)))
    return list(read(data))


class TestTheBodyComesBack:
    """Each of these came back changed (or not at all) from the typed models before."""

    def test_cas_segments_of_one_group_are_not_merged(self) -> None:
        (remit,) = comes_back(changed("835-remittance.x12", "CAS*CO*45*40", "CAS*CO*45*30~CAS*CO*253*10"))
        adjustments = remit.claims[0].services[0].adjustments
        assert [("CO", "45", False), ("CO", "253", True), ("PR", "2", False)] == [
            (a.group, a.reason, a.new_segment) for a in adjustments]

    def test_an_invalid_bpr16_date_is_kept_and_the_payment_read(self) -> None:
        bpr = "BPR*I*42.64*C*ACH*CCP*01*999999992*DA*1234567*1999999999**01*999999991*DA*7654321*"
        (remit,) = comes_back(changed("835-remittance.x12", bpr + "20250205", bpr + "20250230"))
        assert (Decimal("42.64"), None, (("BPR16", "20250230"),)) == (
            remit.total_actual_provider_payment, remit.payment_effective_date, remit.unheld)

    def test_ts3_elements_past_ts305_are_kept(self) -> None:
        ts3 = "TS3*1234567893*11*20251231*4*1265"
        (remit,) = comes_back(changed("835-remittance.x12", ts3, ts3 + "*1*2*3*4*5*6*7*800"))
        summary = remit.headers[0].provider_summary
        assert (Decimal("1265"), Decimal("800")) == (summary.total_claim_charge, summary.total_msp_payer_amount)
        assert ("TS306", "1") == summary.unheld[0]

    @pytest.mark.parametrize("pointers", ["1:A", "01:2", "1::2", "1:2:3:4:1"])
    def test_sv107_diagnosis_pointers_are_kept(self, pointers: str) -> None:
        (claims,) = comes_back(changed("837p-office-visits.x12", "SV1*HC:87880:QW*35*UN*1***4",
                                       f"SV1*HC:87880:QW*35*UN*1***{pointers}"))
        line = claims.claims[0].lines[1]
        assert ("87880", Decimal("35")) == (line.procedure_code, line.charge)

    def test_an_837_without_bht_gets_none(self) -> None:
        comes_back(changed("837p-office-visits.x12", "BHT*0019*00*BATCH20250115A*20250115*0930*CH", "REF*87*X"))

    def test_bht_elements_past_bht06_are_kept(self) -> None:
        comes_back(changed("837p-office-visits.x12", "BHT*0019*00*BATCH20250115A*20250115*0930*CH",
                           "BHT*0019*00*BATCH20250115A*20250115*0930*CH*EXTRA"))

    def test_a_malformed_hi_is_not_split(self) -> None:
        (claims,) = comes_back(changed("837p-office-visits.x12", "HI*ABK:J069*ABF:R051*ABF:R509*ABF:J029",
                                       "HI*BK*8901*BF*87200*BF:5559"))
        assert ["BK", "8901", "BF", "87200", "BF"] == [c.qualifier for c in claims.claims[0].health_care_codes]

    def test_his_of_one_kind_are_not_merged(self) -> None:
        comes_back(changed("837p-office-visits.x12", "HI*ABK:J069*ABF:R051*ABF:R509*ABF:J029",
                           "HI*ABK:J069*ABF:R051~HI*ABF:R509*ABF:J029"))

    def test_hl_and_lx_numbers_as_read(self) -> None:
        data = changed("837p-office-visits.x12", "HL*2*1*22*0", "HL*7*1*22*1")
        comes_back(data.replace(b"LX*2~", b"LX*9~"))

    def test_a_subscriber_without_claims_is_kept(self) -> None:
        """An HL with no claim under it is kept raw and written after the claims (the HLs after it keep their
        numbers)."""
        text = (SAMPLES_DIR / "837p-office-visits.x12").read_text()
        start = text.index("CLM*PCN1002")
        comes_back((text[:start] + text[text.index("HL*", start):]).encode())

    def test_sbr06_to_sbr08_are_kept(self) -> None:
        comes_back(changed("837p-office-visits.x12", "SBR*P*18*GRP0001******12", "SBR*P*18*GRP0001***1*2*3*12"))

    def test_a_subscriber_with_own_claims_and_patients_keeps_one_hl(self) -> None:
        """A 2000B holding both its subscriber's claims and a 2000C patient's (the guide allows both)."""
        text = (SAMPLES_DIR / "837p-office-visits.x12").read_text()
        second = text.index("HL*3*1*22*1~")
        patient = text.index("HL*4*3*23*0~")
        comes_back((text[:second] + text[patient:]).replace("HL*4*3*23*0", "HL*3*2*23*0").encode())

    def test_clean_files_read_without_marks(self) -> None:
        """Files the models hold exactly carry no ``unheld`` value and no segment marks."""
        for sample in SAMPLES:
            assert b'"unheld"' not in encode(sample, lines=True)
            assert b'"new_segment"' not in encode(sample, lines=True)

    @pytest.mark.parametrize(("sample", "old", "new"), [
        ("835-remittance.x12", "CLP*PCN1001*1*235*125.22*", "CLP*PCN1001*1*235.*.22*"),
        ("835-remittance.x12", "SVC*HC:99214:25*150*88", "SVC*HC:99214:25*0150*88"),
        ("835-remittance.x12", "CAS*CO*45*40", "CAS*CO*45*+40"),
        ("837p-office-visits.x12", "SV1*HC:87880:QW*35*UN*1***4", "SV1*HC:87880:QW*35.*UN*01***4"),
    ])
    def test_numbers_not_written_as_their_decimal_writes_them(self, sample: str, old: str, new: str) -> None:
        """".22", "0150", "+40" come back as written — also in a fresh process, where they are the first such
        numbers read (the readers check numbers one by one only once one was seen)."""
        text = (SAMPLES_DIR / sample).read_text()
        assert text.count(old) == 1
        data = text.replace(old, new).encode()
        comes_back(data)
        script = ("import sys; from edi.models import read, write; data = sys.stdin.buffer.read(); "
                  "sys.stdout.buffer.write(write(read(data)))")
        written = subprocess.run([sys.executable, "-c", script], input=data, capture_output=True, check=True)
        assert_same_segments(data, written.stdout)


class Sink:
    """An output that keeps nothing (so that only the writer's own memory is measured)."""

    def write(self, data: bytes) -> int:
        return len(data)


class TestFlatMemory:
    """to-json --models and from-json --models hold one claim at a time: the peak of Python's allocations does not
    grow with the number of claims (of one transaction: synth writes up to 5,000 claims to a transaction). The
    tokenizer reads 64 KiB at a time here (its chunk, 1 MiB by default, sets the peak of reading)."""

    @staticmethod
    def peak(run: Callable[[], object]) -> int:
        import tracemalloc

        tracemalloc.start()
        try:
            run()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    @pytest.mark.parametrize("kind", ["835", "837p"])
    def test_peak_does_not_grow_with_the_claims(self, kind: str) -> None:
        from edi.models._json import from_json, to_json
        from edi.synth import write_synth

        peaks = []
        for claims in (1000, 4000):
            source = io.BytesIO()
            write_synth(kind, claims, 7, source)
            data = source.getvalue()
            to_peak = self.peak(lambda: to_json(Framer(tokenize(data, chunk_size=1 << 16)), Sink(),  # type: ignore
                                                lines=True))
            document = io.BytesIO(encode(data))
            from_peak = self.peak(lambda: from_json(document, Sink()))  # type: ignore[arg-type]
            peaks.append((to_peak, from_peak))
        (small_to, small_from), (big_to, big_from) = peaks
        assert big_to - small_to < 1 << 20 and big_from - small_from < 1 << 20, peaks
