"""835 remittance models: reading, writing in guide order, round trips, hand-checked goldens, pyx12's opinion."""

from __future__ import annotations

import io
import logging
import string
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pyx12.error_handler
import pyx12.params
import pyx12.x12n_document
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyx12_errors import pyx12_errors as shared_pyx12_errors
from conftest import CORPUS, SAMPLES, corpus_files, corpus_id
from edi.guide import iter_transactions
from edi.models._base import RawSegment
from edi.models._read_835 import CLAIM_PAYMENT_FIELDS, SERVICE_PAYMENT_FIELDS, read_835
from edi.models.codes import ClaimStatus, PaymentMethod, TransactionHandling
from edi.models.common import Address, Adjustment, Amount, Contact, Party, Reference
from edi.models.remittance import (ClaimPayment, HeaderNumber, InpatientAdjudication, OutpatientAdjudication,
                                   ProcedureIdentifier, ProviderAdjustment, ProviderAdjustmentItem, ProviderSummary,
                                   ProviderSupplementalSummary, Remittance, RemittanceDelivery, ServicePayment,
                                   SupplementalQuantity)
from edi.synth import write_synth
from edi.x12 import (ControlNumbers, Delimiters, GroupContent, InterchangeHeader, TransactionContent,
                     build_interchange, tokenize, write)
from edi.x12 import Party as EnvelopeParty

FILES = corpus_files("835")
SAMPLE = SAMPLES / "835-remittance.x12"
HEADER = InterchangeHeader(EnvelopeParty("ZZ", "SENDER"), EnvelopeParty("ZZ", "RECEIVER"))
M = Remittance


# -- helpers -----------------------------------------------------------------------------------------------
def read(source: Path | bytes) -> list[Remittance]:
    return [read_835(tree) for tree in iter_transactions(source)]


def interchange(models: list[Remittance], header: InterchangeHeader = HEADER,
                numbers: ControlNumbers | None = None, delimiters: Delimiters | None = None) -> bytes:
    """The models as one interchange of one HP group (the call the brief gives for writing a transaction)."""
    d = delimiters or Delimiters()
    group = GroupContent(M.FUNCTIONAL_ID, M.GUIDE,
                         [TransactionContent(M.SET_ID, m.body(), M.GUIDE if M.USES_ST03 else None) for m in models])
    return write(build_interchange([group], header, numbers or ControlNumbers(), d), d)


def like_file(data: bytes) -> tuple[InterchangeHeader, ControlNumbers, Delimiters]:
    """Envelope values of a one-interchange, one-group, one-transaction file, to write it back as it was."""
    segments = list(tokenize(data))
    isa, gs, st_ = (next(s for s in segments if s.id == sid) for sid in ("ISA", "GS", "ST"))
    header = InterchangeHeader(EnvelopeParty(isa[5], isa[6].strip()), EnvelopeParty(isa[7], isa[8].strip()),
                               usage=isa[15], ack_requested=isa[14], version=isa[12],
                               created=datetime.strptime(isa[9] + isa[10], "%y%m%d%H%M"))
    numbers = ControlNumbers(int(isa[13]), int(gs[6]), int(st_[2]))
    own = isa.delimiters
    assert own is not None
    line_break = isa.tail[1:]
    return header, numbers, Delimiters(own.element, own.component, own.repetition, own.segment, line_break)


def plain(value: Any) -> Any:
    """A model (or a list or tuple of them) with every ``source`` set to None: sources point into the file a
    model was read from, so two reads of the same content differ only there."""
    if isinstance(value, msgspec.Struct):
        fields = {name: None if name in ("source", "envelope") else plain(getattr(value, name))
                  for name in value.__struct_fields__}
        return type(value)(**fields)
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    return value


def pyx12_errors(path: Path) -> list[str]:
    """Every error item pyx12's validator records for a file (tests/pyx12_errors.py; no 999 is written)."""
    return [f"{seg_id}: {message}" for _, seg_id, _, message in shared_pyx12_errors(str(path))]


# -- the corpus --------------------------------------------------------------------------------------------
@pytest.mark.corpus
@pytest.mark.parametrize("path", FILES, ids=corpus_id)
def test_corpus_file_reads_with_every_claim(path: Path) -> None:
    """Every 835 of the corpus reads into models, with one ClaimPayment per CLP segment in the file."""
    models = read(path)
    expected = sum(1 for seg in tokenize(path.read_bytes()) if seg.id == "CLP")
    assert expected == sum(len(m.claims) for m in models)
    assert models and all(m.payer is not None and m.payee is not None for m in models)


@pytest.mark.corpus
@pytest.mark.parametrize("path", FILES, ids=corpus_id)
def test_corpus_models_round_trip(path: Path) -> None:
    """Models → X12 → models gives the same models (sources aside)."""
    models = read(path)
    assert plain(models) == plain(read(interchange(models)))


@pytest.mark.corpus
@pytest.mark.parametrize("path", FILES, ids=corpus_id)
def test_written_x12_is_canonical(path: Path) -> None:
    """What we write reads and writes back to the same bytes: write(read(write(read(f)))) == write(read(f))."""
    once = interchange(read(path))
    assert once == interchange(read(once))


@pytest.mark.corpus
@pytest.mark.parametrize("path", FILES, ids=corpus_id)
def test_written_x12_has_no_more_pyx12_errors_than_the_file(path: Path, tmp_path: Path) -> None:
    """pyx12 finds no more errors in what we write than in the file we read (a UTF-8 byte-order mark, which pyx12
    cannot read, is dropped from the file first)."""
    original = tmp_path / "original.835"
    original.write_bytes(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    out = tmp_path / "written.835"
    out.write_bytes(interchange(read(path)))
    assert len(pyx12_errors(out)) <= len(pyx12_errors(original)), pyx12_errors(out)


def _other_835s() -> list[Path]:
    """Corpus files outside the 835 folder whose MANIFEST type is 835 (4010, masked GS08 …)."""
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    rows = [line.split("\t") for line in manifest.read_text().splitlines()]
    return [CORPUS / row[0] for row in rows if len(row) > 5 and row[5] == "835" and not row[0].startswith("835/")]


@pytest.mark.corpus
@pytest.mark.parametrize("path", _other_835s(), ids=corpus_id)
def test_other_835s_read_and_write_without_raising(path: Path) -> None:
    """835s of other versions or unknown guides read and write without raising; what is not placed is kept."""
    trees = [tree for tree in iter_transactions(path) if tree.envelope.set_id == "835"]
    if not trees:
        pytest.skip("no ST*835 is framed in this file (the syntax layer's tests say why)")
    for tree in trees:
        model = read_835(tree)
        kept = sum(len(c.extra) for c in model.claims) + len(model.extra) + len(model.footer_extra)
        assert kept or model.claims
        assert list(model.body())


# -- the bundled sample ------------------------------------------------------------------------------------
def test_sample_writes_back_byte_for_byte() -> None:
    """samples/835-remittance.x12 is in guide order: read and written with its own envelope, it is the same bytes."""
    data = SAMPLE.read_bytes()
    header, numbers, delimiters = like_file(data)
    assert data == interchange(read(SAMPLE), header, numbers, delimiters)


def test_sample_as_written_validates_clean_with_pyx12(tmp_path: Path) -> None:
    """pyx12 finds no error in the sample as we write it."""
    out = tmp_path / "sample.835"
    out.write_bytes(interchange(read(SAMPLE)))
    assert [] == pyx12_errors(out)


def test_synthetic_835_writes_back_byte_for_byte_and_validates(tmp_path: Path) -> None:
    """A synthetic 835 (edi.synth, with the payer's technical contact) reads and writes back to the same bytes."""
    stream = io.BytesIO()
    write_synth("835", 40, 7, stream, payer_contact=True)
    data = stream.getvalue()
    header, numbers, delimiters = like_file(data)
    out = tmp_path / "synth.835"
    out.write_bytes(interchange(read(data), header, numbers, delimiters))
    assert data == out.read_bytes()
    assert [] == pyx12_errors(out)


class TestSampleProperties:
    """The sample's claims, read through the typed properties."""

    @pytest.fixture(scope="class")
    @classmethod
    def remit(cls) -> Remittance:
        return read(SAMPLE)[0]

    def test_payment_header(self, remit: Remittance) -> None:
        """BPR*I*42.64*C*ACH*CCP*… and TRN*1*EFT2025020500017*1999999999."""
        assert TransactionHandling.REMITTANCE_INFORMATION_ONLY == remit.transaction_handling
        assert PaymentMethod.ACH == remit.payment_method
        assert Decimal("42.64") == remit.total_actual_provider_payment
        assert date(2025, 2, 5) == remit.payment_effective_date
        assert ("EFT2025020500017", "1999999999") == (remit.trace_number, remit.originating_company_id)

    def test_claim_status_properties(self, remit: Remittance) -> None:
        """PCN1001 paid as primary, PCN0987 denied (CLP02=4), PCN0950 a reversal (22), PCN1003 as secondary."""
        claims = {c.patient_control_number: c for c in remit.claims}
        assert ClaimStatus.PRIMARY == claims["PCN1001"].status
        assert (True, False) == (claims["PCN0987"].is_denied, claims["PCN0987"].is_reversal)
        assert (True, False) == (claims["PCN0950"].is_reversal, claims["PCN0950"].is_denied)
        assert ClaimStatus.SECONDARY == claims["PCN1003"].status
        assert not any(c.is_forwarded for c in claims.values())

    def test_every_claim_balances(self, remit: Remittance) -> None:
        """CLP03 − CLP04 = Σ claim CAS + Σ line CAS, for every claim of the sample."""
        for claim in remit.claims:
            assert claim.total_charge - claim.paid_amount == claim.adjustment_total, claim.patient_control_number

    def test_transaction_balances_with_provider_adjustments(self, remit: Remittance) -> None:
        """BPR02 = Σ CLP04 − Σ PLB: 67.22 − (25 − 0.42) = 42.64."""
        paid = sum(c.paid_amount for c in remit.claims)
        assert Decimal("24.58") == remit.provider_adjustment_total
        assert remit.total_actual_provider_payment == paid - remit.provider_adjustment_total

    def test_line_fields(self, remit: Remittance) -> None:
        """SVC*HC:97140:GP*80*0**2 with REF*6R*1003L2, AMT*B6*0 and LQ*HE*M15."""
        line = remit.claims[3].services[1]
        assert ProcedureIdentifier(qualifier="HC", code="97140", modifiers=("GP",)) == line.procedure
        assert (Decimal(80), Decimal(0), Decimal(2)) == (line.charge, line.paid_amount, line.units)
        assert ("1003L2", Decimal(0), ("M15",)) == (line.line_item_control_number, line.allowed, line.remark_codes)


def test_sample_round_trips_through_json() -> None:
    """A remittance encodes to JSON and decodes back to an equal model (Decimal amounts as strings)."""
    remit = read(SAMPLE)[0]
    assert remit == msgspec.json.decode(msgspec.json.encode(remit), type=Remittance)


class TestWritingHandBuiltModels:
    """What the writer fills in and groups for a model built by hand."""

    def test_header_numbers_default_to_their_position(self) -> None:
        """A HeaderNumber without a number is written as LX*n, n its position; a given number is kept."""
        claim = ClaimPayment(patient_control_number="A1", status_code="1")
        remit = Remittance(headers=(HeaderNumber(claims=(claim,)), HeaderNumber(number="77", claims=(claim,)),
                                    HeaderNumber(claims=(claim,))))
        assert [("LX", "1"), ("LX", "77"), ("LX", "3")] == [seg for seg in remit.body() if seg[0] == "LX"]

    def test_adjustments_of_one_group_share_a_cas(self) -> None:
        """CO-45, CO-253, PR-2 give CAS*CO*45*10**253*1.5 and CAS*PR*2*20."""
        adjustments = (Adjustment(group="CO", reason="45", amount=Decimal("10")),
                       Adjustment(group="CO", reason="253", amount=Decimal("1.5")),
                       Adjustment(group="PR", reason="2", amount=Decimal("20")))
        remit = Remittance(headers=(HeaderNumber(claims=(ClaimPayment(adjustments=adjustments),)),))
        expected = [("CAS", "CO", "45", "10", "", "253", "1.5", ""), ("CAS", "PR", "2", "20", "")]
        assert expected == [tuple(seg) for seg in remit.body() if seg[0] == "CAS"]


def test_unplaced_segment_is_kept_in_its_loop_and_written_back() -> None:
    """A segment the guide does not place (ZZZ after a CLP) lands in that claim's extra and is written there."""
    data = SAMPLE.read_bytes().replace(b"CLP*PCN0987*4*950*0*0*12*EXHP2411270044*11*1~\n",
                                       b"CLP*PCN0987*4*950*0*0*12*EXHP2411270044*11*1~\nZZZ*KEPT~\n")
    claim = read(data)[0].claims[1]
    assert (RawSegment(elements=("ZZZ", "KEPT")),) == claim.extra
    text = interchange(read(data)).decode()
    assert "DTM*050*20241201~\nZZZ*KEPT~\nCLP*PCN0950" in text


def test_repeated_name_goes_to_extra() -> None:
    """A second NM1*QC in a claim cannot be the patient: it is kept in extra, the first stays the patient."""
    data = SAMPLE.read_bytes().replace(b"NM1*QC*1*DOE*JUNE****MI*FAKE00000004~\n",
                                       b"NM1*QC*1*DOE*JUNE****MI*FAKE00000004~\nNM1*QC*1*ROE*RAY~\n")
    claim = read(data)[0].claims[1]
    assert "JUNE" == claim.patient.first_name
    assert (RawSegment(elements=("NM1", "QC", "1", "ROE", "RAY")),) == claim.extra


# -- goldens read by eye -----------------------------------------------------------------------------------
@pytest.mark.corpus
class TestStupidediMultipleClaimsSingleCheck:
    """stupidedi's multiple-claims-single-check.edi: one check, nine LX groups of one dental claim each."""

    @pytest.fixture(scope="class")
    @classmethod
    def remit(cls) -> Remittance:
        return read(CORPUS / "835" / "stupidedi__multiple-claims-single-check.edi")[0]

    def test_payment_and_parties(self, remit: Remittance) -> None:
        """BPR*I*810.8*C*CHK************20140331, TRN*1*12345*1512345678, REF*EV*XYZ CLEARINGHOUSE,
        N1*PR*DENTAL OF ABC / N4*CENTERVILLE*PA*17111 / PER*BL*JANE DOE*TE*9005555555,
        N1*PE*BAN DDS LLC*FI*999994703."""
        r = remit
        assert ("I", Decimal("810.8"), "C", "CHK") == (r.transaction_handling_code, r.total_actual_provider_payment,
                                                       r.credit_debit_flag, r.payment_method_code)
        assert date(2014, 3, 31) == r.payment_effective_date
        assert ("1", "12345", "1512345678") == (r.trace_type_code, r.trace_number, r.originating_company_id)
        assert "XYZ CLEARINGHOUSE" == r.receiver_id
        assert "DENTAL OF ABC" == r.payer.last_name
        assert Address(line1="225 MAIN STREET", city="CENTERVILLE", state="PA", postal_code="17111") == r.payer.address
        assert (Contact(function="BL", name="JANE DOE", channels=(("TE", "9005555555"),)),) == r.payer.contacts
        assert ("PE", "BAN DDS LLC", "FI", "999994703") == (r.payee.entity, r.payee.last_name, r.payee.id_qualifier,
                                                            r.payee.id)

    def test_header_numbers(self, remit: Remittance) -> None:
        """LX*1 … LX*9, one CLP under each."""
        assert [str(n) for n in range(1, 10)] == [h.number for h in remit.headers]
        assert [1] * 9 == [len(h.claims) for h in remit.headers]

    def test_claim_amounts(self, remit: Remittance) -> None:
        """CLP*7722337*1*226*132**12*119932404007801 (LX*1), CLP*7722337*1*226*108*24*12*… (LX*3),
        CLP*7722337*1*1145*14*902*12*… (LX*4), CLP*7722337*1*348*16.8*44.2*12*… (LX*5)."""
        c = remit.claims
        assert ("7722337", "1", Decimal(226), Decimal(132), None, "12", "119932404007801") == (
            c[0].patient_control_number, c[0].status_code, c[0].total_charge, c[0].paid_amount,
            c[0].patient_responsibility, c[0].filing_indicator_code, c[0].payer_claim_control_number)
        assert (Decimal(226), Decimal(108), Decimal(24)) == (c[2].total_charge, c[2].paid_amount,
                                                            c[2].patient_responsibility)
        assert (Decimal(1145), Decimal(14), Decimal(902)) == (c[3].total_charge, c[3].paid_amount,
                                                             c[3].patient_responsibility)
        assert (Decimal("16.8"), Decimal("44.2")) == (c[4].paid_amount, c[4].patient_responsibility)

    def test_names(self, remit: Remittance) -> None:
        """LX*2: NM1*QC*1*DOE*SALLY****MI*SJD11111, NM1*IL*1*DOE*JOHN****MI*123456,
        NM1*82*1*BAN*ERIN****XX*1811901945, AMT*AU*74."""
        claim = remit.claims[1]
        assert ("DOE", "SALLY", "MI", "SJD11111") == (claim.patient.last_name, claim.patient.first_name,
                                                      claim.patient.id_qualifier, claim.patient.id)
        assert ("JOHN", "123456") == (claim.insured.first_name, claim.insured.id)
        assert "1811901945" == claim.service_provider.npi
        assert (Amount(qualifier="AU", amount=Decimal(74)),) == claim.amounts

    def test_cas_triplets_of_lines(self, remit: Remittance) -> None:
        """LX*4, line 2: SVC*AD:D2790*940*0, DTM*472*20140324, CAS*PR*3*756, CAS*CO*131*184 (no AMT*B6)."""
        line = remit.claims[3].services[1]
        assert ProcedureIdentifier(qualifier="AD", code="D2790") == line.procedure
        assert (Decimal(940), Decimal(0), date(2014, 3, 24)) == (line.charge, line.paid_amount, line.service_date)
        assert (Adjustment(group="PR", reason="3", amount=Decimal(756)),
                Adjustment(group="CO", reason="131", amount=Decimal(184))) == line.adjustments
        assert None is line.allowed

    def test_balances(self, remit: Remittance) -> None:
        """Every claim balances (CLP03 − CLP04 = Σ CAS), and BPR02 810.8 = Σ CLP04 (no PLB)."""
        assert all(c.total_charge - c.paid_amount == c.adjustment_total for c in remit.claims)
        assert remit.total_actual_provider_payment == sum(c.paid_amount for c in remit.claims)
        assert () == remit.provider_adjustments


@pytest.mark.corpus
class TestBadX12DollarsAndDataSentTogether:
    """badX12's X221-dollars-and-data-sent-together.edi: institutional claims with TS3/TS2, MIA, MOA and a PLB."""

    @pytest.fixture(scope="class")
    @classmethod
    def remit(cls) -> Remittance:
        return read(CORPUS / "835" / "badX12__X221-dollars-and-data-sent-together.edi")[0]

    def test_payment(self, remit: Remittance) -> None:
        """BPR*C*150000*C*ACH*CTX*01*999999992*DA*123456*1512345678**01*999988880*DA*98765*20020913,
        DTM*405*20020916."""
        r = remit
        assert ("C", Decimal(150000), "ACH", "CTX") == (r.transaction_handling_code, r.total_actual_provider_payment,
                                                        r.payment_method_code, r.payment_format_code)
        assert ("01", "999999992", "DA", "123456", "1512345678", "") == (
            r.sender_dfi_qualifier, r.sender_dfi_id, r.sender_account_qualifier, r.sender_account_number,
            r.payer_identifier, r.payer_supplemental_code)
        assert ("01", "999988880", "DA", "98765") == (r.receiver_dfi_qualifier, r.receiver_dfi_id,
                                                      r.receiver_account_qualifier, r.receiver_account_number)
        assert (date(2002, 9, 13), date(2002, 9, 16)) == (r.payment_effective_date, r.production_date)

    def test_header_numbers_with_summaries(self, remit: Remittance) -> None:
        """LX*110212, TS3*6543210903*11*20021231*1*211366.97********138018.4**73348.57,
        TS2*2178.45*1919.71**56.82*197.69*4.23; then LX*130212 with a TS3 and no TS2."""
        first, second = remit.headers
        assert ("110212", "130212") == (first.number, second.number)
        assert ProviderSummary(provider_id="6543210903", facility_type_code="11", fiscal_period_date=date(2002, 12, 31),
                               total_claim_count=Decimal(1), total_claim_charge=Decimal("211366.97"),
                               total_msp_payer_amount=Decimal("138018.4"),
                               total_non_lab_charge=Decimal("73348.57")) == msgspec.structs.replace(
            first.provider_summary, source=None)
        assert ProviderSupplementalSummary(total_drg_amount=Decimal("2178.45"),
                                           total_federal_specific=Decimal("1919.71"),
                                           total_disproportionate_share=Decimal("56.82"),
                                           total_capital=Decimal("197.69"),
                                           total_indirect_medical_education=Decimal("4.23")) == msgspec.structs.replace(
            first.supplemental_summary, source=None)
        assert None is second.supplemental_summary

    def test_inpatient_claim(self, remit: Remittance) -> None:
        """CLP*666123*1*211366.97*138018.4**MA*1999999444444*11*1, CAS*CO*45*73348.57, MIA*0***138018.4,
        DTM*232*20020816, DTM*233*20020824, QTY*CA*8."""
        claim = remit.claims[0]
        assert ("666123", Decimal("211366.97"), Decimal("138018.4"), "MA", "11", "1") == (
            claim.patient_control_number, claim.total_charge, claim.paid_amount, claim.filing_indicator_code,
            claim.facility_type_code, claim.frequency_code)
        assert (Adjustment(group="CO", reason="45", amount=Decimal("73348.57")),) == claim.adjustments
        assert (Decimal(0), Decimal("138018.4"), None) == (claim.inpatient.covered_days_or_visits,
                                                           claim.inpatient.claim_drg_amount,
                                                           claim.inpatient.pps_operating_outlier)
        assert (date(2002, 8, 16), date(2002, 8, 24)) == (claim.statement_from, claim.statement_to)
        assert (SupplementalQuantity(qualifier="CA", quantity=Decimal(8)),) == claim.quantities

    def test_outpatient_claim(self, remit: Remittance) -> None:
        """CLP*777777*1*15000*11980.33**MB*1999999444445*13*1, NM1*QC*1*BORDER*LIZ*E***HN*996669999B, MOA***MA02."""
        claim = remit.claims[1]
        assert (Decimal(15000), Decimal("11980.33")) == (claim.total_charge, claim.paid_amount)
        assert ("BORDER", "LIZ", "E", "HN", "996669999B") == (
            claim.patient.last_name, claim.patient.first_name, claim.patient.middle_name, claim.patient.id_qualifier,
            claim.patient.id)
        assert (None, None, ("MA02",)) == (claim.outpatient.reimbursement_rate, claim.outpatient.claim_hcpcs_payable,
                                           claim.outpatient.remarks)

    def test_provider_adjustment(self, remit: Remittance) -> None:
        """PLB*6543210903*20021231*CV:CP*-1.27; BPR02 150000 = Σ CLP04 149998.73 − (−1.27)."""
        (plb,) = remit.provider_adjustments
        assert ("6543210903", date(2002, 12, 31)) == (plb.provider_id, plb.fiscal_period_date)
        assert (ProviderAdjustmentItem(reason="CV", reference="CP", amount=Decimal("-1.27")),) == plb.items
        paid = sum(c.paid_amount for c in remit.claims)
        assert remit.total_actual_provider_payment == paid - remit.provider_adjustment_total


# -- random models round-trip ------------------------------------------------------------------------------
CODE = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=8)
OPT = st.one_of(st.just(""), CODE)
MONEY = st.decimals(min_value=-99999, max_value=99999, places=2, allow_nan=False, allow_infinity=False)
OPT_MONEY = st.none() | MONEY
DAY = st.dates(date(1990, 1, 1), date(2099, 12, 31))
OPT_DAY = st.none() | DAY


def codes(*values: str) -> st.SearchStrategy[str]:
    return st.sampled_from(values)


def few(strategy: st.SearchStrategy[Any], most: int = 3) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(strategy, max_size=most).map(tuple)


def refs(*qualifiers: str) -> st.SearchStrategy[tuple[Reference, ...]]:
    return few(st.builds(Reference, qualifier=codes(*qualifiers), value=CODE))


def person(entity: str) -> st.SearchStrategy[Party]:
    return st.builds(Party, entity=st.just(entity), entity_type=codes("1", "2"), last_name=OPT, first_name=OPT,
                     middle_name=OPT, suffix=OPT, id_qualifier=OPT, id=OPT)


ADDRESS = st.builds(Address, line1=CODE, line2=OPT, city=CODE, state=OPT, postal_code=OPT, country=OPT,
                    country_subdivision=OPT)
ADJUSTMENTS = few(st.builds(Adjustment, group=codes("CO", "OA", "PI", "PR"), reason=CODE, amount=MONEY,
                            quantity=OPT_MONEY), 8)
PROCEDURE = st.builds(ProcedureIdentifier, qualifier=codes("AD", "ER", "HC", "HP", "IV", "N4", "N6", "NU"),
                      code=CODE, modifiers=few(CODE, 4), description=OPT)
SERVICE = st.builds(
    ServicePayment, procedure=PROCEDURE, charge=OPT_MONEY, paid_amount=OPT_MONEY, revenue_code=OPT, units=OPT_MONEY,
    original_procedure=st.none() | PROCEDURE, original_units=OPT_MONEY, service_from=OPT_DAY, service_to=OPT_DAY,
    service_date=OPT_DAY, adjustments=ADJUSTMENTS, line_item_control_number=OPT,
    references=refs("1S", "APC", "BB", "E9", "G1", "G3", "LU", "RB", "0B", "1A", "1B", "1C", "1D", "1G", "1H", "1J",
                    "D3", "G2", "HPI", "SY", "TJ", "0K"),
    amounts=few(st.builds(Amount, qualifier=codes("B6", "KH", "T", "T2", "ZK", "ZL", "ZM", "ZN", "ZO"),
                          amount=MONEY)),
    quantities=few(st.builds(SupplementalQuantity, qualifier=codes("ZK", "ZL", "ZM", "ZN", "ZO"),
                             quantity=OPT_MONEY)),
    remarks=few(st.tuples(codes("HE", "RX"), CODE)))
CLAIM = st.builds(
    ClaimPayment, patient_control_number=CODE, status_code=codes("1", "2", "3", "4", "19", "20", "21", "22", "23"),
    total_charge=OPT_MONEY, paid_amount=OPT_MONEY, patient_responsibility=OPT_MONEY, filing_indicator_code=OPT,
    payer_claim_control_number=OPT, facility_type_code=OPT, frequency_code=OPT, drg_code=OPT, drg_weight=OPT_MONEY,
    discharge_fraction=OPT_MONEY, adjustments=ADJUSTMENTS, patient=person("QC"), insured=st.none() | person("IL"),
    corrected_patient=st.none() | person("74"), service_provider=st.none() | person("82"),
    crossover_carrier=st.none() | person("TT"), corrected_priority_payer=st.none() | person("PR"),
    other_subscriber=st.none() | person("GB"),
    inpatient=st.none() | st.builds(InpatientAdjudication, covered_days_or_visits=OPT_MONEY,
                                    claim_drg_amount=OPT_MONEY, remark_codes=few(CODE, 5),
                                    pps_capital_exception=OPT_MONEY),
    outpatient=st.none() | st.builds(OutpatientAdjudication, reimbursement_rate=OPT_MONEY,
                                     claim_hcpcs_payable=OPT_MONEY, remark_codes=few(CODE, 5)),
    references=refs("1L", "1W", "28", "6P", "9A", "9C", "BB", "CE", "EA", "F8", "G1", "G3", "IG", "SY", "0B", "1A",
                    "D3", "G2", "LU"),
    statement_from=OPT_DAY, statement_to=OPT_DAY, coverage_expiration=OPT_DAY, received_date=OPT_DAY,
    contacts=few(st.builds(Contact, function=st.just("CX"), name=OPT,
                           channels=st.lists(st.tuples(codes("TE", "EM", "FX"), CODE), min_size=1,
                                             max_size=3).map(tuple)), 2),
    amounts=few(st.builds(Amount, qualifier=codes("AU", "D8", "DY", "F5", "I", "NL", "T", "T2", "ZK"), amount=MONEY)),
    quantities=few(st.builds(SupplementalQuantity, qualifier=codes("CA", "CD", "LA", "LE", "NE", "VS", "ZK"),
                             quantity=OPT_MONEY)),
    services=few(SERVICE, 2))
HEADER_NUMBER = st.builds(
    HeaderNumber, number=st.integers(1, 999999).map(str),
    provider_summary=st.none() | st.builds(ProviderSummary, provider_id=CODE, facility_type_code=OPT,
                                           fiscal_period_date=OPT_DAY, total_claim_count=OPT_MONEY,
                                           total_claim_charge=OPT_MONEY, total_pip_adjustment=OPT_MONEY),
    supplemental_summary=st.none() | st.builds(ProviderSupplementalSummary, total_drg_amount=OPT_MONEY,
                                               average_drg_weight=OPT_MONEY, total_pps_dsh_drg=OPT_MONEY),
    claims=st.lists(CLAIM, min_size=1, max_size=2).map(tuple))
REMITTANCE = st.builds(
    Remittance, transaction_handling_code=codes("C", "D", "H", "I", "P", "U", "X"),
    total_actual_provider_payment=MONEY, credit_debit_flag=codes("C", "D"),
    payment_method_code=codes("ACH", "BOP", "CHK", "FWT", "NON"), payment_format_code=OPT, sender_dfi_id=OPT,
    receiver_account_number=OPT, payment_effective_date=DAY, trace_type_code=st.just("1"), trace_number=CODE,
    originating_company_id=CODE, originating_company_supplemental_code=OPT, currency_entity=st.just("PR"),
    currency_code=OPT, receiver_id=OPT, version_id=OPT, production_date=OPT_DAY,
    payer=st.builds(Party, entity=st.just("PR"), last_name=CODE, id_qualifier=OPT, id=OPT, address=ADDRESS,
                    references=refs("2U", "EO", "HI", "NF"),
                    contacts=few(st.builds(Contact, function=codes("CX", "BL"), name=OPT,
                                           channels=st.lists(st.tuples(codes("TE", "EM", "UR"), CODE), min_size=1,
                                                             max_size=3).map(tuple))
                                 | st.builds(Contact, function=st.just("IC"), channels=st.tuples(
                                     st.tuples(st.just("UR"), CODE))))),
    payee=st.builds(Party, entity=st.just("PE"), last_name=CODE, id_qualifier=codes("FI", "XV", "XX"), id=CODE,
                    address=st.none() | ADDRESS, references=refs("0B", "D3", "PQ", "TJ")),
    remittance_delivery=st.none() | st.builds(RemittanceDelivery, transmission_code=codes("BM", "EM", "FT", "OL"),
                                              name=OPT, communication_number=OPT),
    headers=few(HEADER_NUMBER, 2),
    provider_adjustments=few(st.builds(
        ProviderAdjustment, provider_id=CODE, fiscal_period_date=DAY,
        items=st.lists(st.builds(ProviderAdjustmentItem, reason=codes("WO", "FB", "L6", "72", "CS", "J1"),
                                 reference=OPT, amount=MONEY), min_size=1, max_size=6).map(tuple)), 2))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(REMITTANCE)
def test_random_models_round_trip(remit: Remittance) -> None:
    """Any valid remittance → X12 → models gives it back, and the X12 it writes is canonical."""
    once = interchange([remit])
    (again,) = read(once)
    assert plain(remit) == plain(again)
    assert once == interchange([again])


@pytest.mark.parametrize(("model", "fields"), [(ClaimPayment, CLAIM_PAYMENT_FIELDS),
                                               (ServicePayment, SERVICE_PAYMENT_FIELDS)])
def test_positional_construction_matches_the_field_order(model: type, fields: tuple[str, ...]) -> None:
    """The reader builds the wide models positionally: their field order must be the one it assumes."""
    assert fields == model.__struct_fields__
