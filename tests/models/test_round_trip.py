"""X12 → models → X12 gives every segment back: in process (``read`` + ``write``; ``iter_records`` +
``write_records``) and through both JSON forms (``to-json --models`` document and ``--lines``).

What "the same segments" allows, and why:
- trailers (SE, GE, IEA) are not compared with the input's: the writer counts SE01/GE01/IEA01 and repeats the
  header's control number in SE02/GE02/IEA02, so a wrong count or a missing trailer in the input comes out right;
  instead the output is checked to frame with no count, control number or missing-trailer finding;
- trailing empty elements are dropped (X12 syntax: a segment ends after its last non-empty element; the guide
  treats the two as the same segment), and the ISA's fields are compared without their padding (its fields are
  fixed width by definition; the writer pads them).
Nothing else: element text, composites, repetitions and every other segment are compared as read, as a multiset
(models write a loop's segments in guide order, so a segment the file had out of place may move).
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest

from conftest import corpus_files, corpus_id
from edi.errors import FramingError
from edi.models import read, write
from edi.models._json import encode, from_document
from edi.models._stream import iter_records, write_records
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
        elements = [e.rstrip(" ") for e in seg.elements] if seg.id == "ISA" else list(seg.elements)
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
