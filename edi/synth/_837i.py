"""Synthetic 837I (005010X223A2) hospital claims, built as :mod:`edi.models.claim` models and written by them.

Inpatient stays (bill type 11x: room and board days, ancillaries, admission and discharge hours, admitting
diagnosis, principal procedure, value codes) and outpatient visits (13x: emergency or clinic visit with HCPCS
lines, reason for visit). Some claims go to a secondary payer with the primary's adjudication (2320/2330A/2330B,
AMT*D + Σ CAS = CLM02), some are for a dependent (2000C), some are replacements (frequency 7 with REF*F8).
Every value comes from one ``random.Random(seed)``: the same seed gives the same bytes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from msgspec.structs import replace

from edi.models.claim import (INSTITUTIONAL, BillingProvider, DateReference, Drug, HealthCareCode, InstitutionalClaim,
                              InstitutionalClaimTransaction, Note, OtherPayer, Patient, Person, Provider, ServiceLine,
                              Subscriber)
from edi.models.common import Address, Adjustment, Amount, Contact, Party, Reference
from edi.synth import _random as fake
from edi.synth._encounter import DIAGNOSES
from edi.synth._envelope import chunks, group, interchange
from edi.x12._writer import Built

START = date(2025, 1, 6)
HOSPITALS = (("GENERAL HOSPITAL", "282N00000X"), ("MEDICAL CENTER", "282N00000X"),
             ("COMMUNITY HOSPITAL", "282NC0060X"), ("BEHAVIORAL HOSPITAL", "283Q00000X"))
PAYERS = (("MEDICARE ADMIN", "MA"), ("MEDICAID PLAN", "MC"), ("HEALTH PLAN", "CI"), ("BLUE PLAN", "BL"),
          ("HMO", "HM"))
PHYSICIANS = ("207R00000X", "207P00000X", "208600000X", "207Q00000X", "207RC0000X")
PROCEDURES = ("0FT44ZZ", "0DTJ4ZZ", "0SRC0J9", "02703ZZ", "0QS604Z")     # ICD-10-PCS
# Revenue code, HCPCS (or ""), unit fee, modifiers to choose from.
ANCILLARY = (("0250", "", "85.40", ("",)), ("0300", "80053", "48", ("",)), ("0300", "85025", "32", ("",)),
             ("0320", "71046", "210", ("",)), ("0320", "73030", "180", ("RT", "LT")), ("0730", "93005", "95", ("",)),
             ("0636", "J1885", "22.5", ("",)), ("0270", "", "140", ("",)))
VISITS = (("0450", "99284", "850", ("", "25")), ("0450", "99283", "520", ("",)), ("0510", "G0463", "260", ("",)))
NDC = {"J1885": "00409379601"}


@dataclass(frozen=True)
class _World:
    """The trading partners of one seed: hospitals, payers, physicians."""

    hospitals: tuple[BillingProvider, ...]
    payers: tuple[Party, ...]
    filing: dict[str, str]                 # payer id → claim filing indicator
    physicians: tuple[Provider, ...]       # as attending (71); operating copies use entity 72


def synth_837i(claims: int, seed: int) -> Iterator[Built]:
    """The segments (ISA … IEA) of an 837I interchange with ``claims`` claims, all fixed by ``seed``."""
    rng = random.Random(seed)
    world = _world(rng)
    day = START + timedelta(days=130)
    models = (_transaction(rng, world, seed, number, start, stop) for number, start, stop in chunks(claims))
    bodies = (model.body() for model in models)
    return interchange(group("HC", INSTITUTIONAL, "837", INSTITUTIONAL, bodies), seed, "SYNTHHOSPITAL",
                       "SYNTHCLEARING", day)


def _world(rng: random.Random) -> _World:
    hospitals = tuple(_hospital(rng, *rng.choice(HOSPITALS)) for _ in range(4))
    payers = tuple(_party(rng, "PR", f"{rng.choice(fake.SURNAMES)} {kind}", "PI", "SYNP" + fake.digits(rng, 5))
                   for kind, _ in PAYERS)
    filing = {p.id: f for p, (_, f) in zip(payers, PAYERS)}
    physicians = tuple(_physician(rng, taxonomy) for taxonomy in PHYSICIANS * 2)
    return _World(hospitals, payers, filing, physicians)


def _address(a: fake.Address) -> Address:
    return Address(line1=a.street, city=a.city, state=a.state, postal_code=a.zip)


def _party(rng: random.Random, entity: str, name: str, qualifier: str, id: str) -> Party:
    return Party(entity=entity, entity_type="2", last_name=name, id_qualifier=qualifier, id=id)


def _hospital(rng: random.Random, kind: str, taxonomy: str) -> BillingProvider:
    name = f"{rng.choice(fake.SURNAMES)} {kind}"
    provider = Party(entity="85", entity_type="2", last_name=name, id_qualifier="XX", id=fake.npi(rng),
                     address=_address(fake.address(rng, 9)), references=(Reference(qualifier="EI",
                                                                                   value=fake.tax_id(rng)),))
    return BillingProvider(provider=provider, specialty="BI", taxonomy=taxonomy)


def _physician(rng: random.Random, taxonomy: str) -> Provider:
    first, _ = rng.choice(fake.FIRST_NAMES)
    party = Party(entity="71", entity_type="1", last_name=rng.choice(fake.SURNAMES), first_name=first,
                  id_qualifier="XX", id=fake.npi(rng))
    return Provider(party=party, specialty="AT", taxonomy=taxonomy)


def _person(entity: str, p: fake.Person, member_id: bool) -> Person:
    ids = {"id_qualifier": "MI", "id": p.member_id} if member_id else {}
    name = Party(entity=entity, entity_type="1", last_name=p.last, first_name=p.first, address=_address(p.address),
                 **ids)
    return Person(name=name, birth_date=p.birth, gender=p.gender)


def _transaction(rng: random.Random, world: _World, seed: int, number: int, start: int,
                 stop: int) -> InstitutionalClaimTransaction:
    submitter = Party(entity="41", entity_type="2", last_name="SYNTHETIC HOSPITAL BILLING", id_qualifier="46",
                      id="SYNTHHOSPITAL", contacts=(Contact(function="IC", name="EDI DESK",
                                                            channels=(("TE", fake.phone(rng)),)),))
    receiver = Party(entity="40", entity_type="2", last_name="SYNTHETIC CLEARINGHOUSE", id_qualifier="46",
                     id="SYNTHCLEARING")
    return InstitutionalClaimTransaction(
        originator_id=f"SYI{seed % 100000:05d}B{number + 1:04d}", creation_date=START + timedelta(days=130),
        creation_time="0630", transaction_type="CH", submitter=submitter, receiver=receiver,
        claims=tuple(_claims(rng, world, seed, start, stop)))


def _claims(rng: random.Random, world: _World, seed: int, start: int, stop: int) -> Iterator[InstitutionalClaim]:
    hospital = rng.choice(world.hospitals)
    coverage = None
    for index in range(start, stop):
        if rng.random() < 0.2:
            hospital = rng.choice(world.hospitals)
        if coverage is None or rng.random() >= 0.1:       # now and then a second claim for the same people
            coverage = _coverage(rng, world)
        yield _claim(rng, world, hospital, coverage, f"H{seed % 100000:05d}{index + 1:08d}")


def _coverage(rng: random.Random, world: _World) -> tuple[Subscriber, Party, Patient | None, OtherPayer | None]:
    payer = rng.choice(world.payers)
    holder = fake.person(rng, 1940, 2000)
    patient = None
    if rng.random() < 0.2:
        dependent = fake.person(rng, 2005, 2022, holder.last, holder.address)
        patient = Patient(relationship="19", person=_person("QC", dependent, member_id=False))
    other = _other_payer(rng, world, payer, holder, patient) if rng.random() < 0.15 else None
    subscriber = Subscriber(payer_responsibility="S" if other else "P", relationship="" if patient else "18",
                            group_number="GRP" + fake.digits(rng, 6), claim_filing_indicator=world.filing[payer.id],
                            member=_person("IL", holder, member_id=True))
    return subscriber, payer, patient, other


def _other_payer(rng: random.Random, world: _World, payer: Party, holder: fake.Person,
                 patient: Patient | None) -> OtherPayer:
    primary = rng.choice([p for p in world.payers if p is not payer])
    insured = Party(entity="IL", entity_type="1", last_name=holder.last, first_name=holder.first, id_qualifier="MI",
                    id="SYN" + fake.digits(rng, 9))
    return OtherPayer(payer_responsibility="P", relationship="19" if patient else "18",
                      group_number="GRP" + fake.digits(rng, 6), claim_filing_indicator=world.filing[primary.id],
                      benefits_assignment="Y", release_of_information="Y", subscriber=insured, payer=primary)


def _claim(rng: random.Random, world: _World, hospital: BillingProvider,
           coverage: tuple[Subscriber, Party, Patient | None, OtherPayer | None], pcn: str) -> InstitutionalClaim:
    subscriber, payer, patient, other = coverage
    inpatient = rng.random() < 0.45
    first = START + timedelta(days=rng.randrange(100))
    stay = rng.randint(1, 6) if inpatient else 0
    surgery = inpatient and rng.random() < 0.4
    lines = _lines(rng, pcn, inpatient, surgery, first, stay)
    total = sum((line.charge for line in lines if line.charge is not None), Decimal(0))
    frequency = "7" if rng.random() < 0.04 else "1"
    references = [Reference(qualifier="EA", value="MRN" + fake.digits(rng, 8))]
    if frequency == "7":
        references.insert(0, Reference(qualifier="F8", value="SYNC" + fake.digits(rng, 11)))
    if rng.random() < 0.2:
        references.insert(0, Reference(qualifier="G1", value="PA" + fake.digits(rng, 9)))
    attending = rng.choice(world.physicians)
    providers = [attending]
    if surgery:
        surgeon = rng.choice(world.physicians)
        providers.append(Provider(party=replace(surgeon.party, entity="72")))
    status = rng.choice(("01", "01", "01", "02", "03", "06", "30")) if inpatient else "01"
    return InstitutionalClaim(
        billing_provider=hospital, subscriber=subscriber, payer=payer, patient=patient, patient_control_number=pcn,
        total_charge=total, facility_code="11" if inpatient else "13", facility_code_qualifier="A",
        frequency_code=frequency, assignment="A", benefits_assignment="Y", release_of_information="Y",
        dates=tuple(_dates(rng, inpatient, status, first, stay)), admission_type=rng.choice("1123") if inpatient
        else "1", admission_source=rng.choice("1124"), patient_status=status, references=tuple(references),
        health_care_codes=_codes(rng, inpatient, surgery, first, stay), providers=tuple(providers),
        other_payers=(_adjudicated(rng, other, total, first + timedelta(days=stay)),) if other else (),
        lines=lines, notes=(Note(qualifier="ADD", text="SYNTHETIC CLAIM FOR TESTING"),) if rng.random() < 0.1 else ())


def _dates(rng: random.Random, inpatient: bool, status: str, first: date, stay: int) -> Iterator[DateReference]:
    hour = f"{rng.randint(0, 23):02d}{rng.choice(('00', '15', '30', '45'))}"
    if inpatient and status != "30":
        yield DateReference(qualifier="096", format="TM", time=f"{rng.randint(8, 18):02d}00")
    yield DateReference(qualifier="434", format="RD8", start=first, end=first + timedelta(days=stay))
    if inpatient:
        yield DateReference(qualifier="435", format="DT", start=first, time=hour)


def _codes(rng: random.Random, inpatient: bool, surgery: bool, first: date, stay: int) -> tuple[HealthCareCode, ...]:
    picked = rng.sample(DIAGNOSES, rng.randint(2, 5))
    poa = {"present_on_admission": "Y"} if inpatient else {}
    codes = [HealthCareCode(qualifier="ABK", code=picked[0], **poa)]
    if inpatient:
        codes.append(HealthCareCode(qualifier="ABJ", code=picked[1]))
    else:
        codes.append(HealthCareCode(qualifier="APR", code=picked[1]))
    codes += [HealthCareCode(qualifier="ABF", code=code, **poa) for code in picked[2:]]
    if surgery:
        codes.append(HealthCareCode(qualifier="BBR", code=rng.choice(PROCEDURES), date_format="D8",
                                    start=first + timedelta(days=min(1, stay))))
    if rng.random() < 0.5:
        codes.append(HealthCareCode(qualifier="BH", code="11", date_format="D8",
                                    start=first - timedelta(days=rng.randint(1, 10))))
    if inpatient:
        codes.append(HealthCareCode(qualifier="BE", code="80", amount=Decimal(stay)))
        codes.append(HealthCareCode(qualifier="BE", code="01", amount=Decimal(fake.amount(Decimal("1450")))))
    if rng.random() < 0.3:
        codes.append(HealthCareCode(qualifier="BG", code=rng.choice(("09", "39", "07"))))
    return tuple(codes)


def _lines(rng: random.Random, pcn: str, inpatient: bool, surgery: bool, first: date,
           stay: int) -> tuple[ServiceLine, ...]:
    rows: list[tuple[str, str, str, tuple[str, ...], int, int]] = []   # revenue, code, fee, mods, units, day
    if inpatient:
        rows.append(("0120", "", "1450", ("",), stay, 0))
        if surgery:
            rows += [("0360", "", "3200", ("",), 1, min(1, stay)), ("0370", "", "900", ("",), 1, min(1, stay))]
    else:
        rows.append(rng.choice(VISITS) + (1, 0))
    for revenue, code, fee, mods in rng.sample(ANCILLARY, rng.randint(1, 3)):
        rows.append((revenue, code, fee, mods, rng.choice((1, 1, 2)), rng.randint(0, stay)))
    return tuple(_line(rng, pcn, n, row, inpatient, first) for n, row in enumerate(rows, 1))


def _line(rng: random.Random, pcn: str, number: int, row: tuple[str, str, str, tuple[str, ...], int, int],
          inpatient: bool, first: date) -> ServiceLine:
    revenue, code, fee, mods, units, offset = row
    modifier = rng.choice(mods)
    dates = () if inpatient and not code else (DateReference(qualifier="472", start=first + timedelta(days=offset)),)
    drug = None
    if code in NDC:
        drug = Drug(code=NDC[code], quantity=Decimal(units), unit="UN")
    return ServiceLine(revenue_code=revenue, procedure_qualifier="HC" if code else "", procedure_code=code,
                       procedure_modifiers=(modifier,) if modifier else (),
                       charge=Decimal(fake.amount(Decimal(fee) * units)), unit_basis="DA" if revenue == "0120" else "UN",
                       units=Decimal(units), dates=dates, references=(Reference(qualifier="6R",
                                                                                value=f"{pcn}L{number}"),),
                       drug=drug)


def _adjudicated(rng: random.Random, other: OtherPayer, total: Decimal, last: date) -> OtherPayer:
    """The primary's adjudication of this claim: paid + CO-45 + PR (deductible, coinsurance) = the charge."""
    contractual = fake.share(total, rng, 0.1, 0.4)
    patient = fake.share(total - contractual, rng, 0.05, 0.3)
    paid = total - contractual - patient
    reason = rng.choice(("1", "2"))
    return replace(other, adjustments=(Adjustment(group="CO", reason="45", amount=contractual),
                                       Adjustment(group="PR", reason=reason, amount=patient)),
                   amounts=(Amount(qualifier="D", amount=paid), Amount(qualifier="EAF", amount=patient)),
                   adjudication_date=last + timedelta(days=rng.randint(10, 40)))

