"""Acknowledgment models (999, TA1, 277CA): corpus reads, round trips, pyx12 as a second opinion, golden values
read by eye, hypothesis round trips and the synthetic 999/277CA generators."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLES, corpus_files, corpus_id
from edi.guide import iter_transactions
from edi.models._base import TransactionModel
from edi.models._read_acks import iter_ta1, read_277ca, read_999
from edi.models._write_acks import ta1_interchange
from edi.models.acks import (AcknowledgedClaim, AcknowledgedLine, ClaimAcknowledgment, ElementError,
                             ErrorContext, FunctionalGroupAck, InformationReceiver, InformationSource,
                             InterchangeAck, Patient, ProviderOfService, SegmentError, Status, StatusInfo, Trace,
                             TransactionAck)
from edi.models.codes import AckCode
from edi.models.common import Party, Reference
from edi.synth import DELIMITERS, synth_837p
from edi.synth._acks import synth_277ca, synth_999
from edi.x12 import (ControlNumbers, Delimiters, GroupContent, InterchangeHeader, TransactionContent,
                     build_interchange, tokenize, write)
from edi.x12 import Party as EnvelopeParty
from pyx12_errors import pyx12_errors

CORPUS_FILES = corpus_files("999", "ta1", "277ca")
SAMPLE_999 = SAMPLES / "999-ack.x12"
SAMPLE_277CA = SAMPLES / "277ca-claim-ack.x12"
HEADER = InterchangeHeader(EnvelopeParty("ZZ", "SENDER"), EnvelopeParty("ZZ", "RECEIVER"))
# Transactions in the corpus folders that no acknowledgment model reads (their TA1s are read).
NOT_READ = {
    "ta1/pyx12__ele.997.base": ["997 004010"],        # a 4010 997, the 999's predecessor
    "ta1/pyx12__fail_no_IEA.997.base": ["997 004010"],
}


# -- helpers -----------------------------------------------------------------------------------------------
def read_models(data: bytes) -> tuple[list[TransactionModel], list[InterchangeAck], list[str]]:
    """The 999 and 277CA transactions and the TA1s of a file, and "ST01 version" of what was not read."""
    models: list[TransactionModel] = []
    skipped = []
    for tree in iter_transactions(data):
        envelope = tree.envelope
        if envelope.set_id == "999" and envelope.guide.startswith("005010X231"):
            models.append(read_999(tree))
        elif envelope.set_id == "277" and envelope.guide == "005010X214":
            models.append(read_277ca(tree))
        else:
            skipped.append(f"{envelope.set_id} {envelope.guide}")
    return models, list(iter_ta1(data)), skipped


def write_models(models: Iterable[TransactionModel], ta1s: Iterable[InterchangeAck] = (),
                 d: Delimiters = Delimiters()) -> bytes:
    """One interchange: the TA1s after the ISA, then one group per transaction (the brief's recipe)."""
    groups = [GroupContent(m.FUNCTIONAL_ID, m.GUIDE, [TransactionContent(m.SET_ID, m.body(), m.GUIDE)])
              for m in models]
    return write(ta1_interchange(ta1s, HEADER, ControlNumbers(), d, groups), d)


def in_own_envelope(data: bytes, models: list[TransactionModel]) -> bytes:
    """The models written inside an envelope rebuilt from the file's own ISA/GS/ST (one group)."""
    segments = list(tokenize(data))
    isa, gs = segments[0], segments[1]
    st02 = next(s for s in segments if s.id == "ST")[2]
    assert isa.delimiters is not None
    d = dataclasses.replace(isa.delimiters, line_break=isa.tail[1:])
    header = InterchangeHeader(EnvelopeParty(isa[5], isa[6].strip()), EnvelopeParty(isa[7], isa[8].strip()),
                               usage=isa[15], ack_requested=isa[14], version=isa[12],
                               created=datetime.strptime(isa[9] + isa[10], "%y%m%d%H%M"))
    content = [TransactionContent(m.SET_ID, m.body(), m.GUIDE) for m in models]
    groups = [GroupContent(gs[1], gs[8], content, sender=gs[2], receiver=gs[3])]
    return write(build_interchange(groups, header, ControlNumbers(int(isa[13]), int(gs[6]), int(st02)), d), d)


def unsourced(value: Any) -> Any:
    """Models as plain dicts of every field, without ``source`` (it differs between a file and its rewrite)."""
    if isinstance(value, msgspec.Struct):
        fields = {name: unsourced(getattr(value, name)) for name in value.__struct_fields__
                  if name not in ("source", "envelope")}
        return {"model": type(value).__name__, **fields}
    if isinstance(value, (list, tuple)):
        return [unsourced(v) for v in value]
    return value


def pyx12_clean(data: bytes, tmp_path: Path, name: str = "out.x12") -> list[tuple[int, str, str, str]]:
    path = tmp_path / name
    path.write_bytes(data)
    return pyx12_errors(str(path))


def only(models: list[TransactionModel], kind: type) -> Any:
    assert 1 == len(models) and isinstance(models[0], kind)
    return models[0]


# -- corpus ------------------------------------------------------------------------------------------------
@pytest.mark.corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=corpus_id)
def test_corpus_file_reads_into_models(path: Path) -> None:
    """Every 999, TA1 and 277CA file reads; only the 4010 997s (listed) are left to the raw model."""
    models, ta1s, skipped = read_models(path.read_bytes())
    assert models or ta1s
    assert NOT_READ.get(corpus_id(path), []) == skipped


@pytest.mark.corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=corpus_id)
def test_corpus_models_survive_writing(path: Path) -> None:
    """models → X12 → models gives the same models, and that X12 is canonical (writing it again is identical)."""
    models, ta1s, _ = read_models(path.read_bytes())
    written = write_models(models, ta1s)
    again, again_ta1s, _ = read_models(written)
    assert unsourced(models) == unsourced(again)
    assert unsourced(ta1s) == unsourced(again_ta1s)
    assert written == write_models(again, again_ta1s)


@pytest.mark.corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=corpus_id)
def test_corpus_models_keep_everything(path: Path) -> None:
    """The corpus files' segments are all covered by typed fields: nothing lands in ``extra``."""
    models, _, _ = read_models(path.read_bytes())
    assert "extra" not in str(msgspec.json.encode(models))


# -- samples -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [SAMPLE_999, SAMPLE_277CA], ids=lambda p: p.name)
def test_sample_writes_back_byte_for_byte(path: Path) -> None:
    """A bundled sample in guide order comes back byte for byte from its models (in its own envelope)."""
    data = path.read_bytes()
    models, _, _ = read_models(data)
    assert data == in_own_envelope(data, models)


@pytest.mark.parametrize("path", [SAMPLE_999, SAMPLE_277CA], ids=lambda p: p.name)
def test_written_sample_validates_with_pyx12(path: Path, tmp_path: Path) -> None:
    """What the models of a sample write validates with pyx12 without a single error."""
    models, _, _ = read_models(path.read_bytes())
    assert [] == pyx12_clean(write_models(models), tmp_path)


def test_ta1_only_interchange_validates_with_pyx12(tmp_path: Path) -> None:
    """A TA1-only interchange (ISA, TA1, IEA*0) passes pyx12's control map, and reads back."""
    ack = InterchangeAck(control_number="000004001", interchange_date=date(2025, 1, 15), interchange_time="0945",
                         code="R", note_code="022")
    data = write_models([], [ack])
    assert b"TA1*000004001*250115*0945*R*022~\nIEA*0*000000001~\n" in data
    assert [] == pyx12_clean(data, tmp_path)
    assert [ack] == [msgspec.structs.replace(a, source=None) for a in iter_ta1(data)]


def test_ta1_before_a_999_validates_with_pyx12(tmp_path: Path) -> None:
    """A TA1 followed by a 999 group in one interchange passes pyx12."""
    models, _, _ = read_models(SAMPLE_999.read_bytes())
    ack = InterchangeAck(control_number="000001001", interchange_date=date(2025, 1, 15), interchange_time="0930",
                         code="A", note_code="000")
    assert [] == pyx12_clean(write_models(models, [ack]), tmp_path)


# -- golden values, read by eye ----------------------------------------------------------------------------
class TestSample999:
    def test_accepts_the_837_group(self) -> None:
        """AK1*HC*1001*005010X222A1 / AK2*837*0001*005010X222A1 / IK5*A / AK9*A*1*1*1."""
        ack = only(read_models(SAMPLE_999.read_bytes())[0], FunctionalGroupAck)
        assert ("HC", "1001", "005010X222A1") == (ack.functional_id, ack.group_control_number, ack.version)
        assert [("837", "0001", "005010X222A1", "A")] == [(t.set_id, t.control_number, t.guide, t.code)
                                                          for t in ack.transactions]
        assert (AckCode.ACCEPTED, 1, 1, 1) == (ack.status, ack.included_count, ack.received_count,
                                               ack.accepted_count)
        assert (1, []) == (len(ack.accepted), ack.rejected)


@pytest.mark.corpus
class TestCorpus999:
    def test_rejection_with_segment_errors(self) -> None:
        """ta1/x12-parser__x12_999_accepted_ta1.txt: IK3*CLM*289*2010*6, IK3*CLM*381*2010*6, IK5*R*5, AK9*R*1*1*0."""
        path = next(p for p in corpus_files("ta1") if p.name == "x12-parser__x12_999_accepted_ta1.txt")
        data = path.read_bytes()
        models, ta1s, _ = read_models(data)
        ack = only(models, FunctionalGroupAck)
        (txn,) = ack.transactions
        assert ("837", "101", "R", ("5",)) == (txn.set_id, txn.control_number, txn.code, txn.error_codes)
        assert [("CLM", 289, "2010", "6"), ("CLM", 381, "2010", "6")] == [
            (e.segment_id, e.position, e.loop_id, e.code) for e in txn.segment_errors]
        assert (AckCode.REJECTED, 0, [txn]) == (ack.status, ack.accepted_count, ack.rejected)
        # TA1*101*241018*0307*A*000
        assert [("101", date(2024, 10, 18), "0307", "A", "000")] == [
            (t.control_number, t.interchange_date, t.interchange_time, t.code, t.note_code) for t in ta1s]

    def test_two_groups_of_two_999s(self) -> None:
        """999/pyx12__834_lui_id_5010.999.txt: four ST*999, each AK1*BE*13360001*005010X220A1, AK2*834*0001."""
        path = next(p for p in corpus_files("999") if p.name == "pyx12__834_lui_id_5010.999.txt")
        models, _, _ = read_models(path.read_bytes())
        assert [("BE", "13360001", "834", "0001", "A")] * 4 == [
            (m.functional_id, m.group_control_number, m.transactions[0].set_id, m.transactions[0].control_number,
             m.code) for m in models]
        assert ["344666205", "344666205", "102", "102"] == [m.source.group for m in models]


class TestSample277CA:
    @pytest.fixture()
    def ack(self) -> ClaimAcknowledgment:
        return only(read_models(SAMPLE_277CA.read_bytes())[0], ClaimAcknowledgment)

    def test_header_and_levels(self, ack: ClaimAcknowledgment) -> None:
        """BHT*0085*08*277CA20250116001*20250116*0800*TH; NM1*PR…EXHP1; TRN*2*BATCH20250115A; QTY*90*2; AMT*YY*125."""
        assert ("277CA20250116001", date(2025, 1, 16), "0800") == (ack.reference, ack.created, ack.created_time)
        (src,) = ack.information_sources
        assert ("PR", "EXHP1", "EXHPRCPT20250116") == (src.name.entity, src.name.id, src.trace.number)
        assert (date(2025, 1, 15), date(2025, 1, 16)) == (src.received, src.processed)
        (receiver,) = src.receivers
        assert ("BATCH20250115A", Decimal(2), Decimal(1), Decimal(435), Decimal(125)) == (
            receiver.trace.number, receiver.accepted_quantity, receiver.rejected_quantity, receiver.accepted_amount,
            receiver.rejected_amount)
        (provider,) = receiver.providers
        assert ("1234567893", Reference(qualifier="TJ", value="990000001")) == (provider.name.npi,
                                                                                provider.secondary_id)

    def test_claims_accepted_and_rejected(self, ack: ClaimAcknowledgment) -> None:
        """PCN1001 A2:20 (REF*1K*EXHP2501150001), PCN1002 A7:164:IL, PCN1003 A1:19 then A2:20."""
        rows = [(c.patient_control_number, c.accepted, c.rejected, c.payer_claim_control_number, c.total_charge)
                for c in ack.claims]
        assert [("PCN1001", True, False, "EXHP2501150001", Decimal(235)),
                ("PCN1002", False, True, "", Decimal(125)),
                ("PCN1003", True, False, "EXHP2501150003", Decimal(200))] == rows
        rejected = ack.claims[1]
        assert [StatusInfo(category="A7", status="164", entity="IL")] == list(rejected.codes)
        assert ("DOE", "JIMMY", "BATCH20250115A") == (rejected.patient.last_name, rejected.patient.first_name,
                                                      rejected.batch_trace_number)
        assert ["A1", "A2"] == [info.category for info in ack.claims[2].codes]


@pytest.mark.corpus
class TestCorpus277CA:
    def test_accepted_claim(self) -> None:
        """x12-parser__x12_277CA_accepted.txt: TRN*2*5781, STC*A2:20*20110311*WQ*125, REF*1K*1107000000014420."""
        path = next(p for p in corpus_files("277ca") if p.name == "x12-parser__x12_277CA_accepted.txt")
        ack = only(read_models(path.read_bytes())[0], ClaimAcknowledgment)
        assert ("000000674", date(2011, 3, 11), "100831") == (ack.reference, ack.created, ack.created_time)
        (claim,) = ack.claims
        assert ("5781", True, "1107000000014420", Decimal("125")) == (
            claim.patient_control_number, claim.accepted, claim.payer_claim_control_number, claim.total_charge)
        assert ("000000674", "1234567890", "NYSDOH") == (claim.batch_trace_number, claim.provider.npi,
                                                         claim.information_source.last_name)
        # STC*A1:20*20110311*WQ*125.0 at the receiver keeps its digits; the provider has no STC (a file error)
        receiver = ack.information_sources[0].receivers[0]
        assert (Decimal("125.0"), "125.0") == (receiver.statuses[0].charge, str(receiver.accepted_amount))
        assert () == receiver.providers[0].statuses
        assert (date(1001, 1, 1), date(1001, 1, 1)) == (claim.claim.service_from, claim.claim.service_to)

    def test_masked_codes_are_neither_accepted_nor_rejected(self) -> None:
        """X12Parser__277_Deidentified_from_nth.txt: three claims, each STC*X9:999:99 / X9:999:XX / X9:999:99."""
        path = next(p for p in corpus_files("277ca") if p.name.startswith("X12Parser"))
        ack = only(read_models(path.read_bytes())[0], ClaimAcknowledgment)
        assert [(False, False, 3)] * 3 == [(c.accepted, c.rejected, len(c.claim.statuses)) for c in ack.claims]
        assert [Decimal(220), Decimal(340), Decimal(340)] == [c.total_charge for c in ack.claims]
        assert [1, 2] == [len(p.patients) for p in ack.information_sources[0].receivers[0].providers]


@pytest.mark.corpus
class TestCorpusTA1:
    def test_other_delimiters(self) -> None:
        """X12Parser__…SampleFromJeffN825.txt: TA1>900000001>100624>1430>R>006> with '>' elements."""
        path = next(p for p in corpus_files("ta1") if "JeffN825" in p.name)
        (ack,) = iter_ta1(path.read_bytes())
        assert ("900000001", date(2010, 6, 24), "1430", AckCode.REJECTED, "006", False) == (
            ack.control_number, ack.interchange_date, ack.interchange_time, ack.status, ack.note_code, ack.accepted)

    def test_malformed_ta1s_read_without_error(self) -> None:
        """X12Parser__TechnicalAcknowledgment_Sample1.txt: TA1*0659*20110922*0512*A (8-digit date, no TA105)."""
        path = next(p for p in corpus_files("ta1") if "Sample1" in p.name)
        assert [("0659", None, "0512", "A", ""), ("0660", None, "0512", "A", "")] == [
            (a.control_number, a.interchange_date, a.interchange_time, a.code, a.note_code)
            for a in iter_ta1(path.read_bytes())]


# -- behaviour ---------------------------------------------------------------------------------------------
class TestBehaviour:
    def test_counts_are_filled_when_left_out(self) -> None:
        """AK902–AK904 left as None are counted from the transactions: 2 included, 2 received, 1 accepted."""
        ack = FunctionalGroupAck(functional_id="HC", group_control_number="7", code="P", transactions=(
            TransactionAck(set_id="837", control_number="0001", code="A"),
            TransactionAck(set_id="837", control_number="0002", code="R", error_codes=("5",))))
        assert ("AK9", "P", "2", "2", "1") == list(ack.body())[-1]

    def test_status_composites_keep_their_places(self) -> None:
        """STC01, STC10 and STC11 write to their own elements, STC12 after them."""
        status = Status(codes=(StatusInfo(category="A3", status="21"), StatusInfo(category="A3", status="158",
                                                                                  entity="QC")),
                        effective=date(2025, 1, 2), action="U", charge=Decimal("10.50"), message="DOB")
        claim = AcknowledgedClaim(trace=Trace(type="2", number="PCN9"), statuses=(status,))
        ack = ClaimAcknowledgment(information_sources=(InformationSource(
            name=Party(entity="PR", entity_type="2", last_name="P", id_qualifier="PI", id="1"),
            trace=Trace(type="1", number="R"), receivers=(InformationReceiver(
                name=Party(entity="41", entity_type="2", last_name="S", id_qualifier="46", id="2"),
                trace=Trace(type="2", number="B"), providers=(ProviderOfService(
                    name=Party(entity="85", entity_type="2", last_name="B", id_qualifier="XX", id="3"),
                    trace=Trace(type="1", number="0"), patients=(Patient(
                        name=Party(entity="QC", entity_type="1", last_name="L", id_qualifier="MI", id="4"),
                        claims=(claim,)),)),)),)),))
        stc = [s for s in ack.body() if s[0] == "STC"]
        assert b"STC*A3:21*20250102*U*10.50******A3:158:QC**DOB~\n" == write(stc, Delimiters())
        assert (True, False) == (ack.claims[0].rejected, ack.claims[0].accepted)

    def test_unknown_segments_are_kept_in_extra(self, tmp_path: Path) -> None:
        """A segment the guide does not expect in a claim is kept in that claim's ``extra`` and written back."""
        data = SAMPLE_277CA.read_bytes().replace(b"REF*1K*EXHP2501150001~", b"REF*1K*EXHP2501150001~\nMSG*HELLO~")
        data = data.replace(b"SE*43*", b"SE*44*")
        ack = only(read_models(data)[0], ClaimAcknowledgment)
        assert ["MSG"] == [raw.id for raw in ack.claims[0].claim.extra]
        assert b"MSG*HELLO~" in write_models([ack])


# -- hypothesis --------------------------------------------------------------------------------------------
TEXT = st.from_regex(r"[A-Z0-9]([A-Z0-9 ]{0,8}[A-Z0-9])?", fullmatch=True)
MAYBE_TEXT = st.one_of(st.just(""), TEXT)
POSITION = st.one_of(st.none(), st.integers(1, 99999))
MONEY = st.decimals(min_value=-9999, max_value=99999, places=2, allow_nan=False, allow_infinity=False)
MAYBE_MONEY = st.one_of(st.none(), MONEY)
DAYS = st.dates(date(1990, 1, 1), date(2099, 12, 31))
MAYBE_DAY = st.one_of(st.none(), DAYS)
COUNT = st.one_of(st.none(), st.integers(0, 999).map(Decimal))
PERIOD = st.one_of(st.just((None, None)), DAYS.map(lambda d: (d, d)), st.tuples(DAYS, DAYS))

contexts = st.builds(
    ErrorContext, name=st.sampled_from(["CLM01", "NM109", "TRN02", "SITUATIONAL TRIGGER"]), reference=MAYBE_TEXT,
    segment_id=MAYBE_TEXT, segment_position=POSITION, loop_id=MAYBE_TEXT, element_position=POSITION,
    component_position=POSITION, repetition_position=POSITION,
    element_reference=st.from_regex(r"([0-9]{1,4})?", fullmatch=True))
element_errors = st.builds(
    ElementError, code=st.sampled_from(["1", "7", "8", "I12", "I9"]), element_position=POSITION,
    component_position=POSITION, repetition_position=POSITION, element_reference=MAYBE_TEXT, bad_data=MAYBE_TEXT,
    contexts=st.lists(contexts, max_size=2).map(tuple))
segment_errors = st.builds(
    SegmentError, segment_id=TEXT, position=POSITION, loop_id=MAYBE_TEXT,
    code=st.sampled_from(["1", "2", "3", "8", "I4", "I9"]), contexts=st.lists(contexts, max_size=2).map(tuple),
    element_errors=st.lists(element_errors, max_size=2).map(tuple))
transaction_acks = st.builds(
    TransactionAck, set_id=st.sampled_from(["837", "835", "270"]), control_number=TEXT, guide=MAYBE_TEXT,
    segment_errors=st.lists(segment_errors, max_size=2).map(tuple), code=st.sampled_from("AEMRWX"),
    error_codes=st.lists(st.sampled_from(["1", "5", "I5"]), max_size=5).map(tuple))
functional_group_acks = st.builds(
    FunctionalGroupAck, functional_id=st.sampled_from(["HC", "HP", "BE"]), group_control_number=TEXT,
    version=MAYBE_TEXT, transactions=st.lists(transaction_acks, max_size=3).map(tuple),
    code=st.sampled_from("AEMPRWX"), included_count=st.integers(0, 999), received_count=st.integers(0, 999),
    accepted_count=st.integers(0, 999), error_codes=st.lists(st.sampled_from(["1", "4", "23"]), max_size=5).map(tuple))
interchange_acks = st.builds(
    InterchangeAck, control_number=st.from_regex(r"[0-9]{9}", fullmatch=True),
    interchange_date=st.dates(date(1969, 1, 1), date(2068, 12, 31)),
    interchange_time=st.from_regex(r"[0-9]{4}", fullmatch=True), code=st.sampled_from("AER"),
    note_code=st.from_regex(r"0[0-2][0-9]", fullmatch=True))

infos = st.builds(StatusInfo, category=st.sampled_from(["A1", "A2", "A3", "A7", "E0"]),
                  status=st.from_regex(r"[0-9]{1,3}", fullmatch=True), entity=st.sampled_from(["", "PR", "85", "IL"]))
statuses = st.builds(Status, codes=st.lists(infos, min_size=1, max_size=3).map(tuple), effective=MAYBE_DAY,
                     action=st.sampled_from(["WQ", "U"]), charge=MAYBE_MONEY, payment=MAYBE_MONEY,
                     adjudicated=MAYBE_DAY, payment_method=st.sampled_from(["", "CHK"]), check_issued=MAYBE_DAY,
                     check_number=MAYBE_TEXT, message=MAYBE_TEXT)
STATUSES = st.lists(statuses, max_size=2).map(tuple)


def parties(entity: str, qualifiers: list[str]) -> st.SearchStrategy[Party]:
    return st.builds(Party, entity=st.just(entity), entity_type=st.sampled_from(["1", "2"]), last_name=TEXT,
                     first_name=MAYBE_TEXT, middle_name=MAYBE_TEXT, suffix=MAYBE_TEXT,
                     id_qualifier=st.sampled_from(qualifiers), id=TEXT)


def traces(kind: str) -> st.SearchStrategy[Trace]:
    return st.builds(Trace, type=st.just(kind), number=TEXT)


def with_period(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.tuples(strategy, PERIOD).map(
        lambda pair: msgspec.structs.replace(pair[0], service_from=pair[1][0], service_to=pair[1][1]))


lines = with_period(st.builds(
    AcknowledgedLine, procedure=st.tuples(st.sampled_from(["HC", "NU"]), TEXT, st.sampled_from(["", "25", "59"]))
    .map(lambda p: tuple(x for x in p if x)), charge=MONEY, payment=MAYBE_MONEY,
    revenue_code=st.from_regex(r"([0-9]{4})?", fullmatch=True), units=COUNT, original_units=COUNT,
    statuses=STATUSES, line_item_control_number=MAYBE_TEXT, prescription_number=MAYBE_TEXT))
claims = with_period(st.builds(
    AcknowledgedClaim, trace=traces("2"), statuses=STATUSES, payer_claim_control_number=MAYBE_TEXT,
    clearinghouse_trace_number=MAYBE_TEXT, bill_type=MAYBE_TEXT, lines=st.lists(lines, max_size=2).map(tuple)))
patients = st.builds(Patient, name=parties("QC", ["MI", "II"]), claims=st.lists(claims, max_size=2).map(tuple))
providers = st.builds(
    ProviderOfService, name=parties("85", ["XX", "FI"]), trace=traces("1"), statuses=STATUSES,
    secondary_id=st.one_of(st.none(), st.builds(Reference, qualifier=st.sampled_from(["TJ", "0B"]), value=TEXT)),
    accepted_quantity=COUNT, rejected_quantity=COUNT, accepted_amount=MAYBE_MONEY, rejected_amount=MAYBE_MONEY,
    patients=st.lists(patients, max_size=2).map(tuple))
receivers = st.builds(
    InformationReceiver, name=parties("41", ["46"]), trace=traces("2"), statuses=STATUSES, accepted_quantity=COUNT,
    rejected_quantity=COUNT, accepted_amount=MAYBE_MONEY, rejected_amount=MAYBE_MONEY,
    providers=st.lists(providers, max_size=2).map(tuple))
sources = st.builds(InformationSource, name=parties("PR", ["PI", "46"]), trace=traces("1"), received=MAYBE_DAY,
                    processed=MAYBE_DAY, receivers=st.lists(receivers, max_size=1).map(tuple))
claim_acks = st.builds(ClaimAcknowledgment, reference=TEXT, created=MAYBE_DAY,
                       created_time=st.from_regex(r"[0-9]{4}([0-9]{2})?", fullmatch=True),
                       information_sources=st.lists(sources, min_size=1, max_size=2).map(tuple))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(functional_group_acks, claim_acks), min_size=1, max_size=2),
       st.lists(interchange_acks, max_size=2))
def test_random_models_round_trip(models: list[TransactionModel], ta1s: list[InterchangeAck]) -> None:
    """Random valid 999, 277CA and TA1 models → X12 → the same models."""
    again, again_ta1s, skipped = read_models(write_models(models, ta1s))
    assert ([], unsourced(models), unsourced(ta1s)) == (skipped, unsourced(again), unsourced(again_ta1s))


# -- synthetic acknowledgments -----------------------------------------------------------------------------
def _837p_facts(claims: int, seed: int) -> tuple[list[str], dict[str, Decimal]]:
    """(ST02 of each 837P transaction, CLM01 → CLM02), read straight from the 837P's segments."""
    segments = list(tokenize(write(synth_837p(claims, seed), DELIMITERS)))
    return ([s[2] for s in segments if s.id == "ST"], {s[1]: Decimal(s[2]) for s in segments if s.id == "CLM"})


class TestSynthetic:
    @pytest.mark.parametrize("seed", [1, 6, 11])
    def test_999_acknowledges_the_837p_and_validates(self, seed: int, tmp_path: Path) -> None:
        """The 999 names the 837P's ST02s, its CTX CLM01s are the 837P's claims, and pyx12 finds no error."""
        data = write(synth_999(40, seed), DELIMITERS)
        controls, charges = _837p_facts(40, seed)
        ack = only(read_models(data)[0], FunctionalGroupAck)
        assert controls == [t.control_number for t in ack.transactions]
        units = {c.reference for t in ack.transactions for e in t.segment_errors for c in e.contexts
                 if c.name == "CLM01"}
        assert units <= charges.keys()
        assert [] == pyx12_clean(data, tmp_path)

    @pytest.mark.parametrize("seed", [1, 6])
    def test_277ca_acknowledges_every_claim_and_validates(self, seed: int, tmp_path: Path) -> None:
        """Every CLM01 of the 837P comes back once with its CLM02 as STC04, and pyx12 finds no error."""
        data = write(synth_277ca(40, seed), DELIMITERS)
        _, charges = _837p_facts(40, seed)
        items = [c for m in read_models(data)[0] for c in m.claims]
        assert charges == {c.patient_control_number: c.total_charge for c in items}
        assert len(charges) == len(items)
        assert [] == pyx12_clean(data, tmp_path)

    def test_outcomes_vary_across_seeds(self) -> None:
        """Across seeds the 999 accepts, notes errors and rejects, and the 277CA rejects some claims."""
        codes = {t.code for seed in range(1, 12)
                 for t in only(read_models(write(synth_999(5, seed), DELIMITERS))[0], FunctionalGroupAck).transactions}
        items = [c for m in read_models(write(synth_277ca(200, 3), DELIMITERS))[0] for c in m.claims]
        assert {"A", "E", "R"} == codes
        assert 0 < sum(c.rejected for c in items) < len(items) // 4
        assert any(c.claim.lines for c in items if c.rejected)

    @pytest.mark.parametrize("seed", [4, 11])     # 11: a 999 with a situational trigger; 4: a line rejected
    @pytest.mark.parametrize("generator", [synth_999, synth_277ca], ids=lambda g: g.__name__)
    def test_deterministic_and_canonical(self, generator: Any, seed: int) -> None:
        """The same seed gives the same bytes, and reading them back and writing again changes nothing."""
        data = write(generator(60, seed), DELIMITERS)
        assert data == write(generator(60, seed), DELIMITERS)
        assert data == in_own_envelope(data, read_models(data)[0])
