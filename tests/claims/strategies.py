"""Hypothesis strategies for valid coded encounters: every part the model has, in the combinations the guides
allow, with values from real code lists (billable ICD-10-CM codes, CPT/HCPCS formats, NUCC taxonomies, CARCs,
valid NPIs) and balanced prior payments, so that what they build must pass SNIP 1–5 and pyx12."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from edi.claims.encounter import (Address, Adjustment, Attachment, Contact, Coverage, DateEntry, Diagnosis, Drug,
                                  Encounter, InpatientProcedure, Line, LinePayment, Note, Occurrence, OccurrenceSpan,
                                  Patient, Payer, Person, PriorPayment, Provider, Providers, Reference, ValueCode)
from edi.synth import _random as fake

DIAGNOSES = ("I10", "E119", "E782", "J020", "H6121", "B070", "L821", "R051", "K219", "F411", "L723", "M1711",
             "M25561", "S83241A", "M19011", "I2510", "I480", "R0789", "R002", "I5022", "J13", "N170", "I214")
PROCEDURES = ("99213", "99214", "99203", "36415", "85025", "81002", "87880", "93000", "20610", "69210", "73560",
              "11102", "17110", "90471", "90686", "J3301", "G0463", "80053")
MODIFIERS = ("25", "59", "RT", "LT", "QW", "GP", "XS", "76", "91", "TC", "26")
TAXONOMIES = ("207Q00000X", "207X00000X", "207RC0000X", "208000000X", "207R00000X", "208600000X")
PLACES = ("11", "22", "21", "23", "02", "10", "19", "12", "20", "81")
FILING = ("CI", "MB", "MC", "BL", "HM", "12", "CH")
DEPENDENTS = ("01", "19", "20", "21", "39", "40", "53", "G8")
REVENUE = ("0250", "0300", "0320", "0450", "0510", "0730", "0270")
FIRST_DAY, LAST_DAY = date(2025, 10, 1), date(2026, 6, 30)   # dates of service in ICD-10-CM FY2026

names = st.sampled_from(fake.SURNAMES)
firsts = st.sampled_from([f for f, _ in fake.FIRST_NAMES])
npis = st.integers(0, 2**32).map(lambda seed: fake.npi(random.Random(seed)))
money = st.integers(1, 500_000).map(lambda cents: Decimal(cents) / 100)
days = st.dates(FIRST_DAY, LAST_DAY)


@st.composite
def addresses(draw: st.DrawFn, zip_digits: int = 5) -> Address:
    city, state = draw(st.sampled_from(fake.CITIES))
    return Address(line1=f"{draw(st.integers(1, 9999))} {draw(st.sampled_from(fake.STREETS))} ST",
                   line2=draw(st.sampled_from(("", "SUITE 2"))), city=city, state=state,
                   postal_code="".join(draw(st.lists(st.sampled_from("0123456789"), min_size=zip_digits,
                                                     max_size=zip_digits))))


@st.composite
def people(draw: st.DrawFn, born: tuple[int, int] = (1940, 2020), kind: type = Person) -> Person:
    return kind(last_name=draw(names), first_name=draw(firsts), middle_name=draw(st.sampled_from(("", "Q"))),
                suffix=draw(st.sampled_from(("", "JR"))), birth_date=date(draw(st.integers(*born)), 1, 1)
                + timedelta(days=draw(st.integers(0, 364))), sex=draw(st.sampled_from("FMU")),
                address=draw(addresses()))


@st.composite
def clinicians(draw: st.DrawFn, with_address: bool = False) -> Provider:
    return Provider(npi=draw(npis), name=draw(names), first_name=draw(firsts), taxonomy=draw(st.sampled_from(TAXONOMIES)),
                    address=draw(addresses(9)) if with_address else None)


@st.composite
def organizations(draw: st.DrawFn, zip_digits: int = 9) -> Provider:
    return Provider(npi=draw(npis), name=f"{draw(names)} CLINIC", taxonomy=draw(st.sampled_from(TAXONOMIES)),
                    tax_id="99" + str(draw(st.integers(1000000, 9999999))), address=draw(addresses(zip_digits)),
                    contacts=draw(st.sampled_from(((), (Contact(name="BILLING", phone="5555550100",
                                                                email="BILLING@EXAMPLE.COM"),)))))


@st.composite
def lines(draw: st.DrawFn, institutional: bool, diagnoses: int, day: date) -> Line:
    code = draw(st.sampled_from(PROCEDURES))
    units = Decimal(draw(st.integers(1, 3)))
    own_date = draw(st.booleans())
    fields: dict[str, object] = {}
    if institutional:
        fields.update(revenue_code=draw(st.sampled_from(REVENUE)))
        if draw(st.booleans()):
            fields.update(procedure_code=code, modifiers=tuple(draw(st.lists(st.sampled_from(MODIFIERS),
                                                                              max_size=2, unique=True))))
    else:
        fields.update(procedure_code=code, diagnosis_pointers=tuple(draw(st.lists(
            st.integers(1, diagnoses), min_size=1, max_size=min(4, diagnoses), unique=True))),
            modifiers=tuple(draw(st.lists(st.sampled_from(MODIFIERS), max_size=4, unique=True))),
            place_of_service=draw(st.sampled_from(("", "", "22"))))
        if code == "J3301":
            fields["drug"] = Drug(ndc="00003029305", quantity=units, unit="ML")
        if draw(st.integers(0, 5)) == 0:
            fields["providers"] = Providers(rendering=draw(clinicians()))
    return Line(id=draw(st.sampled_from(("", f"CHG{draw(st.integers(1, 10**9))}"))), charge=draw(money), units=units,
                service_date=day if own_date else None,
                prior_authorization=draw(st.sampled_from(("", "", "LPA123"))), **fields)  # type: ignore[arg-type]


def _prior_payment(total: Decimal, paid_share: int, when: date) -> PriorPayment:
    paid = (total * paid_share / 100).quantize(Decimal("0.01"))
    patient = ((total - paid) / 3).quantize(Decimal("0.01"))
    return PriorPayment(paid=paid, date=when, adjustments=(Adjustment(group="CO", reason="45", amount=total - paid
                                                                      - patient),
                                                           Adjustment(group="PR", reason="2", amount=patient)))


@st.composite
def encounters(draw: st.DrawFn) -> Encounter:
    institutional = draw(st.booleans())
    day = draw(days)
    dx = draw(st.lists(st.sampled_from(DIAGNOSES), min_size=1, max_size=12, unique=True))
    items = draw(st.lists(lines(institutional, len(dx), day), min_size=1, max_size=6))
    total = sum((line.charge for line in items), Decimal(0))
    patient = draw(people(kind=Patient))
    relationship = draw(st.sampled_from(("18", "18", *DEPENDENTS)))
    subscriber = None if relationship == "18" else draw(people(born=(1940, 2000)))
    count = draw(st.integers(1, 3))
    billed = draw(st.integers(1, count))
    coverages = []
    for n in range(count):
        payer = Payer(name=f"{draw(names)} HEALTH PLAN", id=f"PAYER{n}{draw(st.integers(10, 99))}",
                      address=draw(st.sampled_from((None, draw(addresses())))))
        prior = _prior_payment(total, draw(st.integers(0, 90)), day + timedelta(days=3)) if n < billed - 1 else None
        own = relationship if n == billed - 1 else draw(st.sampled_from(("18", "01")))
        insured = subscriber if n == billed - 1 else None if own == "18" else draw(people(born=(1940, 2000)))
        coverages.append(Coverage(payer=payer, member_id=f"M{draw(st.integers(10**6, 10**9))}",
                                  relationship=own, subscriber=insured,
                                  group_number=draw(st.sampled_from(("", "GRP1"))),
                                  claim_filing_indicator=draw(st.sampled_from(FILING)), prior_payment=prior,
                                  insurance_type="12" if n > 0 and n == billed - 1 and draw(st.booleans()) else ""))
    if billed > 1 and not institutional and draw(st.booleans()):   # the primary paid line by line instead
        first = coverages[0]
        items = [_line_paid(line, first.payer.id, day) for line in items]
        paid = sum((p.prior_payments[0].paid for p in items), Decimal(0))
        coverages[0] = Coverage(**{**{f: getattr(first, f) for f in first.__struct_fields__},
                                   "prior_payment": PriorPayment(paid=paid, date=day + timedelta(days=3))})
    frequency = draw(st.sampled_from(("1", "1", "7", "8")))
    fields: dict[str, object] = dict(
        id=f"ENC{draw(st.integers(1, 10**12))}", claim_type="institutional" if institutional else "professional",
        patient=patient, coverages=tuple(coverages), billed_coverage=billed,
        billing_provider=draw(organizations()), frequency=frequency,
        original_claim_number="" if frequency == "1" else f"PAYERCLM{draw(st.integers(1, 10**9))}",
        service_date=day, diagnoses=tuple(Diagnosis(code=c, present_on_admission="Y" if institutional else "")
                                          for c in dx),
        lines=tuple(items), prior_authorization=draw(st.sampled_from(("", "PA123456"))),
        referral_number=draw(st.sampled_from(("", "REF7"))),
        medical_record_number=draw(st.sampled_from(("", "MRN1"))),
        notes=draw(st.sampled_from(((), (Note(text="SEE ATTACHED"),)))),
        attachments=draw(st.sampled_from(((), (Attachment(report_type="09", transmission="FX",
                                                          control_number="ATT1"),)))),
        references=draw(st.sampled_from(((), (Reference(qualifier="D9", value="TRACE1"),)))))
    if institutional:
        inpatient = draw(st.booleans())
        start = day - timedelta(days=draw(st.integers(0, 3)) if inpatient else 0)
        facility = draw(st.sampled_from((None, draw(organizations()))))
        providers = Providers(attending=draw(clinicians()), operating=draw(st.sampled_from((None, draw(clinicians())))),
                              referring=draw(st.sampled_from((None, draw(clinicians())))), service_facility=facility)
        fields.update(
            facility_type="11" if inpatient else "13", statement_from=start, statement_to=day, patient_status="01",
            providers=providers,
            occurrences=draw(st.sampled_from(((), (Occurrence(code="11", date=start - timedelta(days=2)),)))),
            values=draw(st.sampled_from(((), (ValueCode(code="80", amount=Decimal(1)),)))),
            conditions=draw(st.sampled_from(((), ("39",)))),
            occurrence_spans=draw(st.sampled_from(((), (OccurrenceSpan(code="74", start=start, end=day),)))))
        if inpatient:
            fields.update(admission_date=start, admission_hour="0830", admission_type="2", admission_source="1",
                          discharge_hour="1400", admitting_diagnosis=dx[0],
                          procedures=draw(st.sampled_from(((), (InpatientProcedure(code="0DTJ4ZZ", date=start),)))))
        else:
            fields.update(reason_for_visit=(dx[0],))
    else:
        fields.update(
            place_of_service=draw(st.sampled_from(PLACES)),
            providers=Providers(rendering=draw(st.sampled_from((None, draw(clinicians())))),
                                referring=draw(st.sampled_from((None, draw(clinicians())))),
                                supervising=draw(st.sampled_from((None, draw(clinicians())))),
                                service_facility=draw(st.sampled_from((None, draw(organizations()))))),
            onset_date=draw(st.sampled_from((None, day - timedelta(days=5)))),
            related_causes=draw(st.sampled_from(((), ("EM",), ("AA",)))),
            dates=draw(st.sampled_from(((), (DateEntry(qualifier="304", date=day - timedelta(days=30)),)))),
            patient_paid=draw(st.sampled_from((None, Decimal("20.00")))))
        if fields["related_causes"] == ("AA",):
            fields.update(accident_state="IL", accident_date=day - timedelta(days=1))
        elif fields["related_causes"] == ("EM",):
            fields.update(accident_date=day - timedelta(days=1))
    return Encounter(**fields)  # type: ignore[arg-type]


def _line_paid(line: Line, payer: str, day: date) -> Line:
    paid = (line.charge * Decimal("0.6")).quantize(Decimal("0.01"))
    payment = LinePayment(payer_id=payer, paid=paid, units=line.units, date=day + timedelta(days=3),
                          adjustments=(Adjustment(group="CO", reason="45", amount=line.charge - paid),))
    return Line(**{**{f: getattr(line, f) for f in line.__struct_fields__}, "prior_payments": (payment,)})
