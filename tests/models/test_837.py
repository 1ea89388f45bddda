"""837P / 837I models: reading the corpus, round trips, byte-identical rewriting, pyx12 validation, synthetic 837I."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from conftest import CORPUS, SAMPLES, corpus_files, corpus_id
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import edi.synth._envelope
from edi.guide import iter_transactions
from edi.models._base import RawSegment
from edi.errors import EdiError
from edi.models._read_837 import (CLAIM_FIELDS, FOLDS, INSTITUTIONAL_FIELDS, LINE_FIELDS, PARTY_FIELDS,
                                  PROFESSIONAL_FIELDS, read_837)
from edi.models.claim import (BillingProvider, ClaimTransaction, Contract, DateReference, Drug, HealthCareCode,
                              InstitutionalClaim, InstitutionalClaimTransaction, LineAdjudication, Note, OtherPayer,
                              Patient, PatientInformation, Person, ProfessionalClaim, ProfessionalClaimTransaction,
                              Provider, ServiceLine, Subscriber)
from edi.models.codes import ClaimFrequency
from edi.models.common import Address, Adjustment, Amount, Contact, Party, Reference
from edi.synth._837i import synth_837i
from edi.synth._envelope import DELIMITERS
from edi.x12 import (ControlNumbers, Delimiters, GroupContent, InterchangeHeader, TransactionContent,
                     build_interchange, write)
from edi.x12 import Party as EnvelopeParty

SAMPLE_837 = [SAMPLES / "837p-office-visits.x12", SAMPLES / "837i-inpatient.x12"]
ALL_837 = [pytest.param(p, marks=pytest.mark.corpus, id=corpus_id(p)) for p in corpus_files("837p", "837i")] + [
    pytest.param(p, id=p.name) for p in SAMPLE_837]


# -- helpers ------------------------------------------------------------------------------------------------
def read(data: bytes | Path) -> list[ClaimTransaction]:
    return [read_837(tree) for tree in iter_transactions(data) if tree.envelope.set_id == "837"]


def to_x12(models: list[ClaimTransaction], header: InterchangeHeader | None = None,
           numbers: ControlNumbers | None = None) -> bytes:
    kind = type(models[0])
    txns = [TransactionContent(kind.SET_ID, m.body(), kind.GUIDE) for m in models]
    header = header or InterchangeHeader(EnvelopeParty("ZZ", "SENDER"), EnvelopeParty("ZZ", "RECEIVER"))
    segments = build_interchange([GroupContent(kind.FUNCTIONAL_ID, kind.GUIDE, txns)], header,
                                 numbers or ControlNumbers(), Delimiters())
    return write(segments, Delimiters())


def without_sources(value: object) -> Any:
    """Models as plain data with every ``source`` left out (positions differ after a rewrite); every other field
    is kept, defaults too, and a Decimal as its text, so "100.00" and "100" differ."""
    if isinstance(value, msgspec.Struct):
        fields = value.__struct_fields__
        return (type(value).__name__, {f: without_sources(getattr(value, f)) for f in fields
                                       if f not in ("source", "envelope")})
    if isinstance(value, (list, tuple)):
        return [without_sources(v) for v in value]
    if isinstance(value, Decimal):
        return ("Decimal", str(value))
    return value


def same_envelope(path: Path) -> tuple[InterchangeHeader, ControlNumbers]:
    """The ISA/GS/ST header values of a one-interchange file, to rebuild it byte for byte."""
    env = next(iter_transactions(path)).envelope
    assert env.group is not None
    interchange = env.group.interchange
    isa = interchange.header
    header = InterchangeHeader(EnvelopeParty(*interchange.sender), EnvelopeParty(*interchange.receiver),
                               usage=interchange.usage, ack_requested=isa[14],
                               created=datetime.strptime(isa[9] + isa[10], "%y%m%d%H%M"))
    return header, ControlNumbers(int(interchange.control), int(env.group.control), int(env.control))


def pyx12_errors(data: bytes, tmp_path: Path) -> tuple[bool, list[str]]:
    """pyx12's verdict on an interchange and the error messages it found (from its JSON report)."""
    import pyx12.params
    import pyx12.x12n_document

    logging.getLogger("pyx12").disabled = True
    path = tmp_path / "check.x12"
    path.write_bytes(data)
    report = io.StringIO()
    valid = pyx12.x12n_document.x12n_document(param=pyx12.params.params(), src_file=str(path), fd_997=None,
                                              fd_html=None, fd_json=report)

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for err in node.get("errors", ()):
                yield f"{node.get('seg_id', '')} {err.get('err_cde')} {err.get('err_str')}"
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)
    return bool(valid), list(walk(json.loads(report.getvalue())))


# -- corpus and samples -------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ALL_837)
def test_every_837_reads_into_models(path: Path) -> None:
    """Every corpus 837 reads into claim models, one per CLM, the right variant for its guide."""
    models = read(path)
    clm_count = sum(1 for tree in iter_transactions(path) for node in tree.segments() if node.segment.id == "CLM")
    assert clm_count == sum(len(m.claims) for m in models)
    for model in models:
        expected = InstitutionalClaim if "837i" in str(path) else ProfessionalClaim
        assert all(type(claim) is expected for claim in model.claims)


@pytest.mark.parametrize("path", ALL_837)
def test_models_round_trip_through_x12(path: Path) -> None:
    """Models → X12 → models gives equal models (all but the source positions)."""
    models = read(path)
    assert without_sources(models) == without_sources(read(to_x12(models)))


@pytest.mark.parametrize("path", ALL_837)
def test_written_x12_is_canonical(path: Path) -> None:
    """What we write reads and writes back byte for byte: write(read(write(read(f)))) == write(read(f))."""
    once = to_x12(read(path))
    assert once == to_x12(read(once))


@pytest.mark.parametrize("path", SAMPLE_837, ids=corpus_id)
def test_samples_write_back_byte_identical(path: Path) -> None:
    """The bundled samples are in guide order, so reading and writing them gives their exact bytes."""
    header, numbers = same_envelope(path)
    assert path.read_bytes() == to_x12(read(path), header, numbers)


@pytest.mark.parametrize("path", SAMPLE_837, ids=corpus_id)
def test_what_we_write_for_the_samples_validates_with_pyx12(path: Path, tmp_path: Path) -> None:
    """pyx12 finds no error in the X12 written from the samples' models."""
    assert (True, []) == pyx12_errors(to_x12(read(path)), tmp_path)


class TestReaderContract:
    def test_an_hl_without_claims_is_kept_and_written_back(self) -> None:
        """A subscriber HL whose claim was removed is kept raw, written after the claims, and stays put."""
        text = SAMPLE_837[0].read_text()
        start = text.index("CLM*PCN1002")
        cut = text[:start] + text[text.index("HL*", start):]
        (model,) = read(cut.encode())
        assert ["PCN1001", "PCN1003"] == [c.patient_control_number for c in model.claims]
        assert ("HL", "3", "1", "22", "1") == model.after_claims[0].elements
        assert 13 == len(model.after_claims)  # HL, SBR, NM1, N3, N4, DMG, NM1 / HL, PAT, NM1, N3, N4, DMG
        once = to_x12([model])
        assert once == to_x12(read(once))
        assert cut.count("~") - 3 == once.count(b"~") - 3   # ST … SE: the same number of segments

    @pytest.mark.parametrize("path", ALL_837)
    def test_claims_folded_as_their_loops_close_read_the_same(self, path: Path) -> None:
        """Folding each 2300 into its claim as it closes (flat memory) gives the same models as a whole-tree read,
        and the claims of one HL share its context objects."""
        trees = list(iter_transactions(path, folds=lambda guide: FOLDS))
        folded = [read_837(tree) for tree in trees if tree.envelope.set_id == "837"]
        assert repr(read(path)) == repr(folded)
        assert not any(node.segment.id == "CLM" for tree in trees for node in tree.segments())
        for model in folded:
            for a, b in zip(model.claims, model.claims[1:]):
                assert a.billing_provider is b.billing_provider or a.billing_provider != b.billing_provider

    def test_other_transactions_are_refused(self) -> None:
        """read_837 on a 999 is a misuse and raises EdiError."""
        tree = next(iter_transactions(SAMPLES / "999-ack.x12"))
        with pytest.raises(EdiError, match="837"):
            read_837(tree)

    @pytest.mark.parametrize(("model", "fields"), [
        (Party, PARTY_FIELDS), (ProfessionalClaim, CLAIM_FIELDS + PROFESSIONAL_FIELDS),
        (InstitutionalClaim, CLAIM_FIELDS + INSTITUTIONAL_FIELDS), (ServiceLine, LINE_FIELDS)])
    def test_positional_construction_matches_the_field_order(self, model: type, fields: tuple[str, ...]) -> None:
        """The reader builds wide models positionally: their field order must be the one it assumes."""
        assert fields == model.__struct_fields__


# -- hand-checked values ------------------------------------------------------------------------------------
@pytest.mark.corpus
class TestGoldenInstitutional:
    """stupidedi's 837I institutional claim, values read by eye from the file."""

    path = CORPUS / "837i" / "stupidedi__837-institutional-claim.edi"

    @pytest.fixture()
    def claim(self) -> InstitutionalClaim:
        (model,) = read(self.path)
        assert isinstance(model, InstitutionalClaimTransaction)
        (claim,) = model.claims
        return claim

    def test_header(self) -> None:
        """BHT*0019*00*0123*19960918*0932*CH; NM1*41*2*JONES HOSPITAL*****46*12345; NM1*40*2*MEDICARE."""
        (model,) = read(self.path)
        assert ("0123", date(1996, 9, 18), "0932", "CH") == (model.originator_id, model.creation_date,
                                                             model.creation_time, model.transaction_type)
        assert model.submitter is not None and model.receiver is not None
        assert ("JONES HOSPITAL", "12345", "MEDICARE") == (model.submitter.last_name, model.submitter.id,
                                                          model.receiver.last_name)

    def test_claim(self, claim: InstitutionalClaim) -> None:
        """CLM*756048Q*89.93***14:A:1**A*Y*Y and CL1*3**01."""
        assert ("756048Q", Decimal("89.93"), "14", "A", ClaimFrequency.ORIGINAL) == (
            claim.patient_control_number, claim.total_charge, claim.facility_type, claim.facility_code_qualifier,
            claim.frequency)
        assert ("3", "", "01") == (claim.admission_type, claim.admission_source, claim.patient_status)
        assert Decimal("89.93") == claim.lines_total

    def test_context(self, claim: InstitutionalClaim) -> None:
        """NM1*85 … XX*9876540809, PRV*BI*PXC*203BA0200N, REF*EI*567891234; SBR*P*18*******MB; DMG 19261111."""
        billing = claim.billing_provider
        assert ("9876540809", "567891234", "203BA0200N") == (billing.npi, billing.tax_id, billing.taxonomy)
        assert ("P", "18", "MB") == (claim.subscriber.payer_responsibility, claim.subscriber.relationship,
                                     claim.subscriber.claim_filing_indicator)
        member = claim.subscriber.member
        assert member is not None
        assert ("DOE", "030005074A", date(1926, 11, 11), "M") == (member.name.last_name, member.name.id,
                                                                  member.birth_date, member.gender)
        assert claim.payer is not None and claim.patient is None
        assert ("MEDICARE B", "00435", "330127") == (claim.payer.last_name, claim.payer.id,
                                                     claim.payer.reference("G2"))

    def test_health_care_codes(self, claim: InstitutionalClaim) -> None:
        """HI*BK:3669, HI*BF:4019*BF:79431, four BH occurrences, HI*BE:A2:::15.31, HI*BG:09."""
        assert "3669" == claim.principal_diagnosis
        assert ("3669", "4019", "79431") == claim.diagnoses
        occurrences = [(c.code, c.start) for c in claim.health_care_codes if c.qualifier == "BH"]
        assert [("A1", date(1926, 11, 11)), ("A2", date(1991, 11, 1)), ("B1", date(1926, 11, 11)),
                ("B2", date(1987, 1, 1))] == occurrences
        assert [("A2", Decimal("15.31"))] == [(c.code, c.amount) for c in claim.health_care_codes
                                              if c.qualifier == "BE"]
        assert ("09",) == claim.codes("BG")

    def test_statement_date_with_one_date_is_kept_raw(self, claim: InstitutionalClaim) -> None:
        """DTP*434*RD8*19960911 is not a valid range: it stays as a raw segment, nothing is lost."""
        assert claim.statement_from is None
        assert (RawSegment(elements=("DTP", "434", "RD8", "19960911")),) == claim.extra

    def test_attending_cob_and_lines(self, claim: InstitutionalClaim) -> None:
        """NM1*71*1*JONES*JOHN*J + REF*1G*B99937; SBR*S*01*351630*STATE TEACHERS; SV2*0730*HC:93005*76.54*UN*3."""
        (attending,) = claim.providers
        assert ("attending", "JONES", "B99937") == (attending.role, attending.party.last_name,
                                                    attending.party.reference("1G"))
        (other,) = claim.other_payers
        assert ("S", "01", "351630", "STATE TEACHERS", "CI") == (
            other.payer_responsibility, other.relationship, other.group_number, other.group_name,
            other.claim_filing_indicator)
        assert other.payer is not None and other.subscriber is not None
        assert ("1135", "222004433") == (other.payer.id, other.subscriber.id)
        second = claim.lines[1]
        assert ("0730", "HC", "93005", Decimal("76.54"), "UN", Decimal("3"), date(1996, 9, 11)) == (
            second.revenue_code, second.procedure_qualifier, second.procedure_code, second.charge,
            second.unit_basis, second.units, second.service_date)


@pytest.mark.corpus
class TestGoldenProfessionalCob:
    """badX12's 837P COB claim from the billing provider to payer B, values read by eye from the file."""

    @pytest.fixture()
    def claim(self) -> ProfessionalClaim:
        (model,) = read(CORPUS / "837p" / "badX12__X222-COB-claim-from-billing-provider-to-payer-b.edi")
        (claim,) = model.claims
        assert isinstance(claim, ProfessionalClaim)
        return claim

    def test_claim_and_patient(self, claim: ProfessionalClaim) -> None:
        """CLM*26407789*79.04***11:B:1*Y*A*Y*I; HL*3*2*23*0 PAT*19 NM1*QC*1*SMITH*TED DMG*D8*19730501*M."""
        assert ("26407789", Decimal("79.04"), "11", "Y", "A", "Y", "I") == (
            claim.patient_control_number, claim.total_charge, claim.place_of_service, claim.provider_signature,
            claim.assignment, claim.benefits_assignment, claim.release_of_information)
        assert claim.patient is not None and claim.patient.person is not None
        assert ("19", "TED", date(1973, 5, 1)) == (claim.patient.relationship, claim.patient.person.name.first_name,
                                                   claim.patient.person.birth_date)
        assert ("4779", "2724", "2780", "53081") == claim.diagnoses

    def test_billing_and_pay_to(self, claim: ProfessionalClaim) -> None:
        """NM1*85*1*KILDARE*BEN****XX*1999996666 … PER*IC*CONNIE*TE*3055551234; NM1*87*2 N3*2345*OCEAN BLVD."""
        billing = claim.billing_provider
        assert billing.provider is not None and billing.pay_to_address is not None
        assert ("1999996666", (Contact(function="IC", name="CONNIE", channels=(("TE", "3055551234"),)),)) == (
            billing.npi, billing.provider.contacts)
        assert Address(line1="2345", line2="OCEAN BLVD", city="MIAMI", state="FL",
                       postal_code="3111") == billing.pay_to_address.address

    def test_claim_providers(self, claim: ProfessionalClaim) -> None:
        """NM1*82 … PRV*PE*PXC*204C00000X REF*G2*88877; NM1*77*2*KILDARE ASSOCIATES … N3*2345 OCEAN BLVD."""
        rendering, facility = claim.providers
        assert ("rendering", "PE", "204C00000X", "88877") == (rendering.role, rendering.specialty,
                                                             rendering.taxonomy, rendering.party.reference("G2"))
        assert claim.service_facility is facility
        assert facility.party.address is not None and "2345 OCEAN BLVD" == facility.party.address.line1

    def test_other_payer(self, claim: ProfessionalClaim) -> None:
        """SBR*P*01*******CI; CAS*PR*1*21.89**2*15; AMT*D*39.15; AMT*EAF*36.89; OI***Y*P**Y."""
        (other,) = claim.other_payers
        assert [Adjustment(group="PR", reason="1", amount=Decimal("21.89")),
                Adjustment(group="PR", reason="2", amount=Decimal("15"))] == list(other.adjustments)
        assert (Decimal("39.15"), Decimal("36.89"), None) == (other.paid_amount, other.remaining_patient_liability,
                                                              other.non_covered_amount)
        assert ("Y", "P", "Y") == (other.benefits_assignment, other.patient_signature_source,
                                   other.release_of_information)

    def test_lines_and_line_adjudication(self, claim: ProfessionalClaim) -> None:
        """SV1*HC:99213*43*UN*1***1:2:3:4; SVD*999996666*40*HC:99213**1; CAS*CO*42*3; DTP*573*D8*20051015."""
        first = claim.lines[0]
        assert ("99213", (), Decimal("43"), Decimal("1"), (1, 2, 3, 4), date(2005, 10, 3)) == (
            first.procedure_code, first.modifiers, first.charge, first.units, first.diagnosis_pointers,
            first.service_date)
        (adjudication,) = first.adjudications
        assert ("999996666", Decimal("40"), "99213", Decimal("1"), date(2005, 10, 15)) == (
            adjudication.payer_id, adjudication.paid_amount, adjudication.procedure_code, adjudication.paid_units,
            adjudication.adjudication_date)
        assert (Adjustment(group="CO", reason="42", amount=Decimal("3")),) == adjudication.adjustments
        assert Decimal("79.04") == claim.lines_total


# -- synthetic 837I -----------------------------------------------------------------------------------------
class TestSynth837I:
    def test_thirty_claims_validate_clean_with_pyx12(self, tmp_path: Path) -> None:
        """A 30-claim synthetic 837I has no pyx12 error."""
        assert (True, []) == pyx12_errors(write(synth_837i(30, 11), DELIMITERS), tmp_path)

    def test_same_seed_same_bytes(self) -> None:
        """The generator is deterministic: a seed always gives the same interchange."""
        assert write(synth_837i(20, 5), DELIMITERS) == write(synth_837i(20, 5), DELIMITERS)
        assert write(synth_837i(20, 5), DELIMITERS) != write(synth_837i(20, 6), DELIMITERS)

    def test_reads_back_with_the_variety_it_promises(self) -> None:
        """Its claims read back as 837I models with COB, dependents, inpatient stays and the HI kinds."""
        models = read(write(synth_837i(200, 2), DELIMITERS))
        claims = [c for m in models for c in m.claims]
        assert 200 == len(claims)
        assert all(c.total_charge == c.lines_total for c in claims)
        assert any(c.other_payers for c in claims) and any(c.patient for c in claims)
        qualifiers = {code.qualifier for c in claims for code in c.health_care_codes}
        assert {"ABK", "ABJ", "APR", "ABF", "BBR", "BH", "BE", "BG"} <= qualifiers
        assert {"434", "435", "096"} <= {d.qualifier for c in claims for d in c.dates}
        for claim in claims:
            for other in claim.other_payers:
                adjusted = sum((a.amount for a in other.adjustments), Decimal(0))
                assert claim.total_charge == other.paid_amount + adjusted  # type: ignore[operator]

    def test_transactions_hold_at_most_the_maximum_claims(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Claims are split into transactions of at most MAX_CLAIMS_PER_TRANSACTION (5,000; 10 here)."""
        monkeypatch.setattr(edi.synth._envelope, "MAX_CLAIMS_PER_TRANSACTION", 10)
        assert [10, 10, 5] == [len(m.claims) for m in read(write(synth_837i(25, 1), DELIMITERS))]


# -- property: random valid models round-trip ---------------------------------------------------------------
TEXT = st.text(alphabet="ABCXYZ0123456789 .-", min_size=1, max_size=8).map(str.strip).filter(bool)
OPTIONAL_TEXT = st.one_of(st.just(""), TEXT)
MONEY = st.integers(0, 10**7).map(lambda c: Decimal(f"{c // 100}.{c % 100:02d}"))
DAYS = st.dates(date(1990, 1, 1), date(2030, 12, 31))
HOUR = st.integers(0, 2359).map(lambda n: f"{n:04d}")


def parties(entity: str | st.SearchStrategy[str]) -> st.SearchStrategy[Party]:
    addresses = st.builds(Address, line1=TEXT, line2=OPTIONAL_TEXT, city=TEXT, state=st.sampled_from(["IL", "TX"]),
                          postal_code=st.sampled_from(["62701", "627010001"]))
    return st.builds(Party, entity=entity if isinstance(entity, st.SearchStrategy) else st.just(entity),
                     entity_type=st.sampled_from("12"), last_name=TEXT, first_name=OPTIONAL_TEXT,
                     id_qualifier=st.sampled_from(["XX", "MI", "PI", "46"]), id=TEXT,
                     address=st.one_of(st.none(), addresses),
                     references=st.lists(st.builds(Reference, qualifier=st.sampled_from(["EI", "G2", "SY"]),
                                                   value=TEXT), max_size=2).map(tuple),
                     contacts=st.lists(st.builds(Contact, function=st.just("IC"), name=TEXT,
                                                 channels=st.just((("TE", "5555550100"),))), max_size=1).map(tuple))


def dates(qualifiers: list[str]) -> st.SearchStrategy[DateReference]:
    q = st.sampled_from(qualifiers)
    return st.one_of(st.builds(DateReference, qualifier=q, format=st.just("D8"), start=DAYS),
                     st.builds(DateReference, qualifier=q, format=st.just("RD8"), start=DAYS, end=DAYS),
                     st.builds(DateReference, qualifier=q, format=st.just("DT"), start=DAYS, time=HOUR),
                     st.builds(DateReference, qualifier=q, format=st.just("TM"), time=HOUR))


def providers(entities: list[str]) -> st.SearchStrategy[tuple[Provider, ...]]:
    """At most one provider per entity code, in the guide's order of the loops."""
    def build(chosen: list[str]) -> st.SearchStrategy[tuple[Provider, ...]]:
        return st.tuples(*[st.builds(Provider, party=parties(e), specialty=OPTIONAL_TEXT, taxonomy=OPTIONAL_TEXT)
                           for e in sorted(chosen, key=entities.index)])
    return st.lists(st.sampled_from(entities), unique=True, max_size=2).flatmap(build)


def adjustments() -> st.SearchStrategy[tuple[Adjustment, ...]]:
    """CAS triplets grouped by group code, as CAS segments carry them."""
    one = st.builds(Adjustment, group=st.sampled_from(["CO", "PR"]), reason=TEXT, amount=MONEY,
                    quantity=st.one_of(st.none(), MONEY))
    return st.lists(one, max_size=3).map(lambda items: tuple(sorted(items, key=lambda a: a.group)))


def lines(institutional: bool) -> st.SearchStrategy[ServiceLine]:
    procedure = dict(procedure_qualifier=st.sampled_from(["HC", "IV"]), procedure_code=TEXT,
                     procedure_modifiers=st.lists(TEXT, max_size=4).map(tuple), description=OPTIONAL_TEXT)
    adjudication = st.builds(LineAdjudication, payer_id=TEXT, paid_amount=MONEY, **procedure,
                             paid_units=MONEY, bundled_line=st.one_of(st.none(), st.integers(1, 9)),
                             adjustments=adjustments(),
                             adjudication_date=st.one_of(st.none(), DAYS),
                             remaining_patient_liability=st.one_of(st.none(), MONEY))
    common = dict(**procedure, charge=MONEY, unit_basis=st.sampled_from(["UN", "MJ", "DA"]), units=MONEY,
                  dates=st.lists(dates(["472", "471"]), max_size=2).map(tuple),
                  references=st.lists(st.builds(Reference, qualifier=st.sampled_from(["6R", "9B"]), value=TEXT),
                                      max_size=2).map(tuple),
                  amounts=st.lists(st.builds(Amount, qualifier=st.sampled_from(["GT", "T"]), amount=MONEY),
                                   max_size=1).map(tuple),
                  notes=st.lists(st.builds(Note, qualifier=st.just("TPO"), text=TEXT), max_size=1).map(tuple),
                  drug=st.one_of(st.none(), st.builds(Drug, code=TEXT, quantity=MONEY, unit=st.just("UN"))),
                  providers=providers(["72", "ZZ", "82", "DN"] if institutional else ["82", "QB", "77", "DQ", "DK"]),
                  adjudications=st.lists(adjudication, max_size=2).map(tuple),
                  extra=st.sampled_from([(), (RawSegment(elements=("HCP", "00", "50")),)]))
    if institutional:
        return st.builds(ServiceLine, revenue_code=TEXT, non_covered_charge=st.one_of(st.none(), MONEY), **common)
    return st.builds(ServiceLine, place_of_service=OPTIONAL_TEXT, emergency=st.sampled_from(["", "Y"]),
                     diagnosis_pointers=st.lists(st.integers(1, 12), max_size=4).map(tuple), **common)


def claims(institutional: bool) -> st.SearchStrategy[ProfessionalClaim | InstitutionalClaim]:
    person = st.builds(Person, name=parties(st.just("IL")), birth_date=st.one_of(st.none(), DAYS),
                       gender=st.sampled_from(["", "F", "M"]))
    billing = st.builds(BillingProvider, provider=parties("85"), specialty=st.just("BI"), taxonomy=TEXT,
                        pay_to_address=st.one_of(st.none(), parties("87")))
    subscriber = st.builds(Subscriber, payer_responsibility=st.sampled_from("PST"), relationship=OPTIONAL_TEXT,
                           group_number=OPTIONAL_TEXT, claim_filing_indicator=TEXT, member=person,
                           patient_information=st.none() if institutional else st.one_of(
                               st.none(), st.builds(PatientInformation, death_date=DAYS, weight_unit=st.just("01"),
                                                    weight=MONEY)))
    patient = st.builds(Patient, relationship=st.sampled_from(["19", "01"]),
                        person=st.builds(Person, name=parties("QC"), birth_date=DAYS, gender=st.just("F")))
    other_providers = ["71", "72", "ZZ", "77", "82", "DN", "85"] if institutional else ["DN", "82", "77", "DQ", "85"]
    other = st.builds(OtherPayer, payer_responsibility=st.sampled_from("PST"), relationship=st.just("18"),
                      claim_filing_indicator=TEXT, adjustments=adjustments(),
                      amounts=st.lists(st.builds(Amount, qualifier=st.sampled_from(["D", "EAF"]), amount=MONEY),
                                       max_size=2).map(tuple),
                      benefits_assignment=st.just("Y"), release_of_information=st.just("Y"),
                      subscriber=parties("IL"), payer=parties("PR"), adjudication_date=st.one_of(st.none(), DAYS),
                      providers=providers(other_providers).map(lambda ps: tuple(p.party for p in ps)))
    codes = st.builds(HealthCareCode, qualifier=st.sampled_from(["ABK", "ABF", "ABJ", "BH", "BE", "BG", "ZZZ"]),
                      code=TEXT, date_format=st.sampled_from(["", "D8"]), start=st.one_of(st.none(), DAYS),
                      amount=st.one_of(st.none(), MONEY), present_on_admission=st.sampled_from(["", "Y"]))
    common = dict(billing_provider=billing, subscriber=subscriber, payer=st.one_of(st.none(), parties("PR")),
                  patient=st.one_of(st.none(), patient), patient_control_number=TEXT, total_charge=MONEY,
                  facility_code=TEXT, facility_code_qualifier=st.just("A" if institutional else "B"),
                  frequency_code=st.sampled_from("178"), assignment=st.just("A"), delay_reason=OPTIONAL_TEXT,
                  dates=st.lists(dates(["434", "435", "096", "431"]), max_size=3).map(tuple),
                  contract=st.one_of(st.none(), st.builds(Contract, contract_type=st.just("02"), amount=MONEY)),
                  references=st.lists(st.builds(Reference, qualifier=st.sampled_from(["G1", "F8", "D9", "EA"]),
                                                value=TEXT), max_size=3).map(tuple),
                  file_information=st.lists(TEXT, max_size=1).map(tuple),
                  health_care_codes=st.lists(codes, min_size=1, max_size=14).map(tuple),
                  providers=providers(["71", "72", "ZZ", "82", "77", "DN"] if institutional
                                      else ["DN", "82", "77", "DQ", "PW", "45"]),
                  other_payers=st.lists(other, max_size=2).map(tuple),
                  lines=st.lists(lines(institutional), min_size=1, max_size=3).map(tuple),
                  extra=st.sampled_from([(), (RawSegment(elements=("HCP", "00", "100")),)]))
    if institutional:
        return st.builds(InstitutionalClaim, admission_type=st.sampled_from("123"), patient_status=st.just("01"),
                         **common)
    return st.builds(ProfessionalClaim, related_causes=st.lists(st.sampled_from(["AA", "EM"]), max_size=2).map(tuple),
                     accident_state=OPTIONAL_TEXT, special_program=OPTIONAL_TEXT, **common)


def transactions(institutional: bool) -> st.SearchStrategy[ClaimTransaction]:
    kind = InstitutionalClaimTransaction if institutional else ProfessionalClaimTransaction
    return st.builds(kind, originator_id=TEXT, creation_date=DAYS, creation_time=HOUR,
                     transaction_type=st.just("CH"), submitter=parties("41"), receiver=parties("40"),
                     claims=st.lists(claims(institutional), min_size=1, max_size=3).map(tuple))


@pytest.mark.parametrize("institutional", [False, True], ids=["837p", "837i"])
def test_random_models_round_trip(institutional: bool) -> None:
    """Any valid model written as X12 reads back equal (sources aside)."""
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(transactions(institutional))
    def check(model: ClaimTransaction) -> None:
        assert without_sources([model]) == without_sources(read(to_x12([model])))
    check()
