"""Synthetic coded encounters (``edi synth encounters``): realistic visits and stays with fake people, and, when
asked, one deliberate error per chosen encounter, labelled with the scrub edit expected to catch it.

Encounter ``i`` of seed ``s`` comes from its own ``random.Random(f"{s}/encounter/{i}")`` and dates count back from
``as_of`` (dates of service 5–60 days before it), so the same seed and ``as_of`` give the same encounters, and any
one can be made without the ones before it (the output streams in flat memory). Encounters come in runs of
:data:`BLOCK` from one provider, as a practice's or hospital's export would.

The world of a seed (:func:`world`): four practices (primary care, orthopedics, cardiology, and a second primary
care) and two hospitals, each with its clinicians; four payers with fixed ids — ``EXMCR`` Medicare-like (filing
MB/MA, member ids in the Medicare Beneficiary Identifier format), ``EXMCD`` Medicaid-like (MC, prior
authorization on every claim as its example profile asks), ``EXHP1`` commercial (CI, the example commercial
profile: no referring provider, places of service it contracts for) and ``EXBLUE`` Blue plan (BL). About one
encounter in seven has a second coverage (Medicare + Medicaid, commercial + Blue); one in twenty is billed to
the secondary payer with the primary's payment. Every clinician is enrolled with every payer from three years
before ``as_of`` (:func:`enrollment_roster`).

Clean encounters are built to pass every edit: billable, specific ICD-10-CM codes (no "unspecified" ones, none
tied to sex or age), pointers to existing diagnoses, modifier 25 on an E/M only with a minor procedure the same
day (:data:`MINOR_PROCEDURES`), no 59, units within MUE, add-on codes with their primary, prior authorization
where the payer needs it (:data:`PRIOR_AUTH_CODES`), coverage active on the date of service, dates of service
well within timely filing.

Injected errors (``--error-rate``), one per chosen encounter, each labelled in ``expected_edit`` (codes are CPT
and HCPCS codes and ICD-10-CM codes; no descriptions, CPT is AMA-copyrighted):

=================================== ==============================================================================
edit                                what is injected
=================================== ==============================================================================
coding.icd10.invalid                a diagnosis replaced by a code that is in no ICD-10-CM release (J0690, E1190,
                                    I109, M17110: a real code with a digit too many)
coding.icd10.not_billable           a diagnosis replaced by a category header (E11, J45, M17, I25)
coding.icd10.unspecified            a diagnosis replaced by an unspecified code with specific siblings (M25569,
                                    M179, I4891, J189, R109)
coding.icd10.sex                    N400 (benign prostatic hyperplasia, male) on a female patient, N952
                                    (postmenopausal atrophic vaginitis, female) on a male one
coding.icd10.age                    A33 (tetanus neonatorum, a newborn-only code in CMS's Medicare Code Editor age
                                    lists) on a patient three years or older (not a P code: ICD-10-CM lets
                                    perinatal conditions be coded at any age)
coding.dx_pointer.range             a line also points to diagnosis n + 1 of n
coding.dx_pointer.principal         no line points to the principal diagnosis
coding.ncci.ptp                     12002 (wound repair) with 64450 (nerve block) the same day, no modifier: the
                                    pair a published NCCI discussion cites with modifier indicator 1 (not
                                    checked here against a CMS table file; the scrubber's extract decides)
coding.mue                          a line's units raised to 9 (20610, 36415, 93000, 73560, 87880, 85025 or 81002:
                                    above any practitioner MUE these codes have had)
coding.addon.primary_missing        11103 without 11102, or 90472 without 90460/90471/90473
coding.modifier25.missing           an E/M without 25 billed with a minor procedure (20610, 69210, 11102, 17110)
coding.modifier25.without_procedure an E/M with 25 and no other line
coding.modifier59.no_edit           93000 with 59 beside an E/M (no NCCI edit pairs them)
coding.em.place_of_service          an office E/M (99202–99215) at place of service 21 or 23
billing.required                    the patient's (subscriber's) date of birth left out
billing.member_id.pattern           a Medicare member id in the retired HICN form (nine digits and a letter)
billing.zip9                        the billing provider's ZIP cut to five digits
billing.charge.not_positive         a line charge of 0
billing.clm01.too_long              an encounter id of 26 characters (payers keep 20)
billing.frequency.original_missing  frequency 7 (replacement) with no original claim number
billing.duplicate                   the previous encounter again (same patient, provider, dates, procedures) under
                                    a new id; only after a clean encounter
billing.timely_filing               every date moved 400 days back (past any payer's limit)
billing.pos.not_effective           place of service 29, a number CMS has never assigned
credentialing.npi.check_digit       the rendering (attending) NPI with its check digit changed
credentialing.not_enrolled          the rendering (attending) provider replaced by a clinician on no roster
credentialing.taxonomy              the rendering (attending) taxonomy cut to nine characters
coverage.inactive                   the billed coverage ended 30 days before the date of service
coverage.prior_auth.missing         73721 or 78452 (prior authorization by the commercial payers) with none
coverage.cob.order                  Medicaid listed and billed before the patient's other coverage (Medicaid pays
                                    last)
=================================== ==============================================================================
"""

from __future__ import annotations

import functools
import random
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from msgspec.structs import replace

from edi.claims.encounter import (Address, Adjustment, Coverage, Diagnosis, Drug, Encounter, InpatientProcedure,
                                  Line, Patient, Payer, Person, PriorPayment, Provider, Providers,
                                  ValueCode)
from edi.synth import _random as fake

EDITS = (
    "coding.icd10.invalid", "coding.icd10.not_billable", "coding.icd10.unspecified", "coding.icd10.sex",
    "coding.icd10.age", "coding.dx_pointer.range", "coding.dx_pointer.principal", "coding.ncci.ptp", "coding.mue",
    "coding.addon.primary_missing", "coding.modifier25.missing", "coding.modifier25.without_procedure",
    "coding.modifier59.no_edit", "coding.em.place_of_service", "billing.required", "billing.member_id.pattern",
    "billing.zip9", "billing.charge.not_positive", "billing.clm01.too_long", "billing.frequency.original_missing",
    "billing.duplicate", "billing.timely_filing", "billing.pos.not_effective", "credentialing.npi.check_digit",
    "credentialing.not_enrolled", "credentialing.taxonomy", "coverage.inactive", "coverage.prior_auth.missing",
    "coverage.cob.order")

# -- reference data (codes only; fees are invented) ----------------------------------------------------------------
OFFICE_EM = ("99202", "99203", "99204", "99205", "99212", "99213", "99214", "99215")
MINOR_PROCEDURES = ("11102", "12002", "17110", "20610", "29125", "69210")   # 0- or 10-day global surgery
PRIOR_AUTH_CODES = ("73721", "78452")        # prior authorization asked by the commercial payers (EXHP1, EXBLUE)
FEES = {
    "99202": 95, "99203": 140, "99204": 210, "99205": 280, "99212": 80, "99213": 125, "99214": 185,
    "99215": 250, "99396": 220, "36415": 15, "81002": 12, "85025": 28, "87880": 35, "90471": 30, "90472": 20,
    "90686": 45, "90715": 55, "93000": 60, "11102": 160, "11103": 85, "17110": 140, "20610": 210, "29125": 150,
    "69210": 95, "12002": 230, "64450": 190, "73560": 90, "73030": 80, "73721": 1100, "J3301": 4, "93306": 620,
    "93015": 340, "78452": 1450, "A9500": 120,
}
# Per specialty: NUCC taxonomy, the visit patterns (lines as (code, modifier, units)), and specific diagnoses.
# A "{side}" modifier or diagnosis takes RT/LT and the matching right/left code.
SPECIALTIES: dict[str, tuple[str, tuple[tuple[tuple[str, str, int], ...], ...], tuple[str, ...]]] = {
    "primary care": ("207Q00000X", (
        (("99213", "", 1),), (("99214", "", 1),), (("99203", "", 1),),
        (("99214", "", 1), ("36415", "", 1), ("85025", "", 1)), (("99213", "", 1), ("81002", "", 1)),
        (("99213", "", 1), ("87880", "QW", 1)), (("99213", "25", 1), ("69210", "", 1)),
        (("99214", "25", 1), ("11102", "", 1)), (("99214", "25", 1), ("11102", "", 1), ("11103", "", 1)),
        (("99213", "25", 1), ("17110", "", 1)), (("99396", "", 1), ("90471", "", 1), ("90686", "", 1)),
        (("99396", "", 1), ("90471", "", 1), ("90686", "", 1), ("90472", "", 1), ("90715", "", 1)),
        (("99214", "", 1), ("93000", "", 1))),
        ("I10", "E119", "E782", "J020", "H6121", "B070", "L821", "R051", "K219", "F411", "L723", "E1165", "R7303",
         "L570", "J301", "G43009")),
    "orthopedics": ("207X00000X", (
        (("99204", "", 1), ("73560", "{side}", 1)), (("99213", "", 1),), (("99214", "", 1), ("73030", "{side}", 1)),
        (("99213", "25", 1), ("20610", "{side}", 1), ("J3301", "", 4)), (("99203", "25", 1), ("29125", "{side}", 1)),
        (("99214", "25", 1), ("20610", "{side}", 1)), (("73721", "{side}", 1),)),
        ("M171{n}", "M2556{n}", "S8324{n}A", "M1901{n}", "M5416")),
    "cardiology": ("207RC0000X", (
        (("99214", "", 1), ("93000", "", 1)), (("99204", "", 1), ("93000", "", 1)), (("93306", "", 1),),
        (("99213", "", 1),), (("78452", "", 1), ("93015", "", 1), ("A9500", "", 1))),
        ("I10", "I2510", "I480", "R0789", "R002", "I5022", "R9431", "E782", "I4819")),
}
PRACTICES = ("primary care", "orthopedics", "cardiology", "primary care")
NDC = {"J3301": "00003029305"}       # triamcinolone acetonide 10 mg/mL, 5 mL vial; J3301 is per 10 mg (1 mL)
# Hospital lines: revenue code, HCPCS (or ""), unit fee, unit basis
ROOM = ("0120", "", 1450, "DA")
ANCILLARY = (("0250", "", 85, "UN"), ("0300", "80053", 48, "UN"), ("0300", "85025", 32, "UN"),
             ("0320", "71046", 210, "UN"), ("0730", "93005", 95, "UN"), ("0270", "", 140, "UN"))
VISITS = (("0450", "99284", 850, "UN"), ("0450", "99283", 520, "UN"), ("0510", "G0463", 260, "UN"))
INPATIENT_DX = ("J13", "N170", "I214", "K8020", "J441", "L03115", "E1165", "I5022")
OUTPATIENT_DX = ("R0789", "S61411A", "J020", "L03115", "R002", "M25561")
PCS = ("0FT44ZZ", "0DTJ4ZZ", "02703ZZ")   # ICD-10-PCS: cholecystectomy, appendectomy, coronary dilation

PAYERS = (("EXMCR", "EXAMPLE MEDICARE", "MB"), ("EXMCD", "EXAMPLE STATE MEDICAID", "MC"),
          ("EXHP1", "EXAMPLE HEALTH PLAN", "CI"), ("EXBLUE", "EXAMPLE BLUE PLAN", "BL"))
MBI_LETTERS = "".join(c for c in string.ascii_uppercase if c not in "SLOIBZ")


@dataclass(frozen=True)
class World:
    """The trading partners of one seed."""

    practices: tuple[tuple[str, Provider, tuple[Provider, ...]], ...]   # (specialty, billing, clinicians)
    hospitals: tuple[tuple[Provider, tuple[Provider, ...]], ...]        # (billing, attending physicians)
    payers: dict[str, Payer]
    enrolled_from: date


@functools.lru_cache(maxsize=8)
def world(seed: int, as_of: date) -> World:
    rng = random.Random(f"{seed}/world")
    practices = []
    for specialty in PRACTICES:
        taxonomy = SPECIALTIES[specialty][0]
        billing = _organization(rng, f"{rng.choice(fake.SURNAMES)} {specialty.upper()}", taxonomy)
        practices.append((specialty, billing, tuple(_clinician(rng, taxonomy) for _ in range(rng.randint(2, 4)))))
    hospitals = tuple((_organization(rng, f"{rng.choice(fake.SURNAMES)} GENERAL HOSPITAL", "282N00000X"),
                       tuple(_clinician(rng, t) for t in ("207R00000X", "207RC0000X", "208600000X")))
                      for _ in range(2))
    payers = {pid: Payer(name=name, id=pid) for pid, name, _ in PAYERS}
    return World(tuple(practices), hospitals, payers, as_of - timedelta(days=3 * 365))


def enrollment_roster(seed: int, as_of: date) -> Iterator[tuple[str, str, date]]:
    """(NPI, payer id, enrolled from) for every billing provider and clinician of the seed, with every payer."""
    w = world(seed, as_of)
    people = [p for _, billing, team in w.practices for p in (billing, *team)]
    people += [p for billing, team in w.hospitals for p in (billing, *team)]
    for provider in people:
        for payer in w.payers:
            yield provider.npi, payer, w.enrolled_from


def _organization(rng: random.Random, name: str, taxonomy: str) -> Provider:
    a = fake.address(rng, 9)
    return Provider(npi=fake.npi(rng), name=name, taxonomy=taxonomy, tax_id=fake.tax_id(rng),
                    address=Address(line1=a.street, city=a.city, state=a.state, postal_code=a.zip))


def _clinician(rng: random.Random, taxonomy: str) -> Provider:
    first, _ = rng.choice(fake.FIRST_NAMES)
    return Provider(npi=fake.npi(rng), name=rng.choice(fake.SURNAMES), first_name=first, taxonomy=taxonomy)


# -- encounters ------------------------------------------------------------------------------------------------
def synth_encounters(count: int, seed: int, *, as_of: date, error_rate: float = 0.0) -> Iterator[Encounter]:
    """``count`` encounters of ``seed``; a share ``error_rate`` (0–1) carries one labelled error each."""
    if not 0 <= error_rate <= 1:
        raise ValueError(f"error rate must be between 0 and 1, got {error_rate}")
    for index in range(count):
        yield encounter(seed, index, as_of, error_rate)


def encounter(seed: int, index: int, as_of: date, error_rate: float = 0.0) -> Encounter:
    """Encounter ``index`` (0-based) of ``seed``, with its injected error when it draws one."""
    clean = clean_encounter(seed, index, as_of)
    edit = _drawn_edit(seed, index, error_rate)
    if edit is None:
        return clean
    rng = random.Random(f"{seed}/error/{index}")
    applicable = [name for name in _candidates(edit, rng) if _applies(name, clean, seed, index, error_rate)]
    for name in applicable:
        changed = INJECT[name](clean, rng, _Context(seed, index, as_of, error_rate))
        if changed is not None:
            return replace(changed, expected_edit=name)
    return clean


def authorization_list(count: int, seed: int, as_of: date, error_rate: float = 0.0) -> Iterator[tuple[str, ...]]:
    """The prior authorizations the payers issued for the encounters of ``seed``, as the payer's portal lists them:
    (payer id, member id, procedure code — empty for an authorization of the visit as a whole, as Medicaid's every
    claim —, number, valid from, valid to). A ``coverage.prior_auth.missing`` encounter's authorization is here
    too: it was issued, only not put on the claim (what ``edi cycle``'s correction rule attaches)."""
    for index in range(count):
        enc = encounter(seed, index, as_of, error_rate)
        number = enc.prior_authorization
        if enc.expected_edit == "coverage.prior_auth.missing":
            number = "PA" + fake.digits(random.Random(f"{seed}/authorization/{index}"), 9)
        period = enc.service_period
        if not number or period is None:
            continue
        codes = sorted({line.procedure_code for line in enc.lines if line.procedure_code in PRIOR_AUTH_CODES})
        valid = ((period[0] - timedelta(days=30)).isoformat(), (period[1] + timedelta(days=60)).isoformat())
        for code in codes or [""]:
            yield (enc.billed.payer.id, enc.billed.member_id, code, number, *valid)


def _drawn_edit(seed: int, index: int, error_rate: float) -> str | None:
    if error_rate <= 0:
        return None
    rng = random.Random(f"{seed}/draw/{index}")
    return rng.choice(EDITS) if rng.random() < error_rate else None


def _candidates(first: str, rng: random.Random) -> list[str]:
    """The drawn edit first, then the others in a random order (when the drawn one does not fit)."""
    rest = [e for e in EDITS if e != first]
    rng.shuffle(rest)
    return [first, *rest]


BLOCK = 50   # encounters come in runs of one provider's, as exports do (and batches group them)


def clean_encounter(seed: int, index: int, as_of: date) -> Encounter:
    rng = random.Random(f"{seed}/encounter/{index}")
    w = world(seed, as_of)
    day = as_of - timedelta(days=rng.randint(5, 60))
    block = random.Random(f"{seed}/block/{index // BLOCK}")
    if block.random() < 0.2:
        return _hospital_encounter(rng, w, seed, index, day, w.hospitals[block.randrange(len(w.hospitals))])
    specialty, billing, team = w.practices[block.randrange(len(w.practices))]
    return _office_encounter(rng, w, seed, index, day, specialty, billing, team)


def _people(rng: random.Random, born: tuple[int, int]) -> tuple[Patient, Person | None, str]:
    """The patient, the subscriber when not the patient, and the patient's relationship to the subscriber."""
    holder = fake.person(rng, *born)
    if rng.random() < 0.75 or born[1] < 1970:
        return _patient(holder), None, "18"
    child = fake.person(rng, 2008, 2022, holder.last, holder.address)
    return _patient(child), _person(holder), "19"


def _person(p: fake.Person) -> Person:
    a = p.address
    return Person(last_name=p.last, first_name=p.first, birth_date=p.birth, sex=p.gender,
                  address=Address(line1=a.street, city=a.city, state=a.state, postal_code=a.zip))


def _patient(p: fake.Person) -> Patient:
    base = _person(p)
    return Patient(**{f: getattr(base, f) for f in base.__struct_fields__})


def _mbi(rng: random.Random) -> str:
    """A Medicare Beneficiary Identifier in CMS's published format (C A AN N A AN N A A N N), random."""
    alnum = MBI_LETTERS + string.digits

    def pick(kind: str) -> str:
        return rng.choice({"C": "123456789", "A": MBI_LETTERS, "N": string.digits, "X": alnum}[kind])
    return "".join(pick(k) for k in "CAXNAXNAANN")


def _member_id(rng: random.Random, payer: str) -> str:
    if payer == "EXMCR":
        return _mbi(rng)
    if payer == "EXMCD":
        return "MCD" + fake.digits(rng, 9)
    if payer == "EXBLUE":
        return "XYB" + fake.digits(rng, 9)
    return "SYN" + fake.digits(rng, 9)


def _coverages(rng: random.Random, w: World, day: date, patient: Patient, subscriber: Person | None,
               relationship: str, institutional: bool, total: Decimal) -> tuple[tuple[Coverage, ...], int]:
    """Coverages in payer order and the 1-based one billed (a secondary claim now and then)."""
    assert patient.birth_date is not None
    senior = patient.birth_date.year < day.year - 65
    first = "EXMCR" if senior else rng.choice(("EXMCD", "EXHP1", "EXHP1", "EXBLUE"))
    second = None
    if rng.random() < 0.15:
        second = "EXMCD" if first == "EXMCR" else "EXBLUE" if first == "EXHP1" else None
    since = date(day.year - rng.randint(1, 3), 1, 1)
    covs = []
    for payer in (first, second):
        if payer is None:
            continue
        filing = "MA" if payer == "EXMCR" and institutional else dict((p, f) for p, _, f in PAYERS)[payer]
        covs.append(Coverage(payer=w.payers[payer], member_id=_member_id(rng, payer), relationship=relationship,
                             subscriber=subscriber, group_number="" if payer in ("EXMCR", "EXMCD") else
                             "GRP" + fake.digits(rng, 6), claim_filing_indicator=filing, effective_date=since))
    billed = 1
    if len(covs) == 2 and rng.random() < 0.35:
        paid = fake.share(total, rng, 0.4, 0.7)
        contractual = fake.share(total - paid, rng, 0.3, 0.8)
        covs[0] = replace(covs[0], prior_payment=PriorPayment(
            paid=paid, date=day + timedelta(days=rng.randint(3, 4)),
            adjustments=(Adjustment(group="CO", reason="45", amount=contractual),
                         Adjustment(group="PR", reason=rng.choice(("1", "2")), amount=total - paid - contractual))))
        billed = 2
    return tuple(covs), billed


def _office_encounter(rng: random.Random, w: World, seed: int, index: int, day: date, specialty: str,
                      billing: Provider, team: tuple[Provider, ...]) -> Encounter:
    taxonomy, visits, diagnoses = SPECIALTIES[specialty]
    side = rng.choice(("1", "2"))
    modifier_side = "RT" if side == "1" else "LT"
    picked = [d.replace("{n}", side) for d in rng.sample(diagnoses, min(len(diagnoses), rng.randint(1, 4)))]
    visit = rng.choice(visits)
    lines = []
    for n, (code, modifier, units) in enumerate(visit):
        mod = modifier_side if modifier == "{side}" else modifier
        pointers = (1,) if n == 0 or len(picked) == 1 else tuple(sorted({1, rng.randint(1, len(picked))}))
        drug = Drug(ndc=NDC[code], quantity=Decimal(units), unit="ML") if code in NDC else None  # 10 mg/mL
        lines.append(Line(procedure_code=code, modifiers=(mod,) if mod else (), units=Decimal(units),
                          charge=Decimal(FEES[code] * units), diagnosis_pointers=pointers[:4], drug=drug))
    if len(picked) > 1 and not any(len(line.diagnosis_pointers) > 1 for line in lines):
        lines[0] = replace(lines[0], diagnosis_pointers=tuple(range(1, min(len(picked), 4) + 1)))
    born = (1940, 1958) if rng.random() < 0.3 else (1960, 2004)
    patient, subscriber, relationship = _people(rng, born)
    total = sum((line.charge for line in lines), Decimal(0))
    coverages, billed = _coverages(rng, w, day, patient, subscriber, relationship, False, total)
    payer = coverages[billed - 1].payer.id
    rendering = rng.choice(team)
    referring = rng.choice(w.practices[0][2]) if specialty != "primary care" and payer in ("EXMCR", "EXMCD") \
        and rng.random() < 0.5 else None
    needs_auth = payer == "EXMCD" or any(line.procedure_code in PRIOR_AUTH_CODES for line in lines)
    pos = "11"
    return Encounter(
        id=f"E{seed % 100000:05d}{index + 1:07d}", patient=patient, coverages=coverages, billed_coverage=billed,
        billing_provider=billing, providers=Providers(rendering=rendering, referring=referring),
        place_of_service=pos, service_date=day, diagnoses=tuple(Diagnosis(code=d) for d in picked),
        lines=tuple(lines), prior_authorization="PA" + fake.digits(rng, 9) if needs_auth else "",
        onset_date=day - timedelta(days=rng.randint(1, 20)) if rng.random() < 0.2 else None)


def _hospital_encounter(rng: random.Random, w: World, seed: int, index: int, day: date,
                        hospital: tuple[Provider, tuple[Provider, ...]]) -> Encounter:
    billing, physicians = hospital
    inpatient = rng.random() < 0.45
    stay = rng.randint(1, 5) if inpatient else 0
    first = day - timedelta(days=stay)
    rows: list[tuple[str, str, int, str, int, int]] = []    # revenue, code, fee, basis, units, day offset
    if inpatient:
        rows.append((*ROOM, stay, 0))
    else:
        rows.append((*rng.choice(VISITS), 1, 0))
    for revenue, code, fee, basis in rng.sample(ANCILLARY, rng.randint(1, 3)):
        rows.append((revenue, code, fee, basis, rng.choice((1, 1, 2)), rng.randint(0, stay)))
    lines = tuple(Line(revenue_code=revenue, procedure_code=code, charge=Decimal(fee * units), units=Decimal(units),
                       unit_basis=basis, service_date=None if inpatient and not code else first + timedelta(days=off))
                  for revenue, code, fee, basis, units, off in rows)
    codes = rng.sample(INPATIENT_DX if inpatient else OUTPATIENT_DX, rng.randint(2, 3))
    poa = "Y" if inpatient else ""
    patient, subscriber, relationship = _people(rng, (1940, 2004))
    total = sum((line.charge for line in lines), Decimal(0))
    coverages, billed = _coverages(rng, w, day, patient, subscriber, relationship, True, total)
    payer = coverages[billed - 1].payer.id
    surgery = inpatient and rng.random() < 0.3
    extra: dict[str, object] = {}
    if inpatient:
        extra = dict(admission_date=first, admission_hour=f"{rng.randint(0, 23):02d}{rng.choice(('00', '30'))}",
                     admission_type=rng.choice("1123"), admission_source=rng.choice("1124"),
                     patient_status=rng.choice(("01", "01", "01", "06")),
                     discharge_hour=f"{rng.randint(8, 18):02d}00", admitting_diagnosis=codes[0],
                     values=(ValueCode(code="80", amount=Decimal(stay)),))
        if surgery:
            extra["procedures"] = (InpatientProcedure(code=rng.choice(PCS), date=first + timedelta(days=min(1, stay))),)
    else:
        extra = dict(patient_status="01", reason_for_visit=(codes[0],))
    return Encounter(
        id=f"H{seed % 100000:05d}{index + 1:07d}", claim_type="institutional", patient=patient, coverages=coverages,
        billed_coverage=billed, billing_provider=billing,
        providers=Providers(attending=rng.choice(physicians),
                            operating=rng.choice(physicians) if surgery else None),
        facility_type="11" if inpatient else "13", statement_from=first, statement_to=day,
        diagnoses=tuple(Diagnosis(code=c, present_on_admission=poa) for c in codes), lines=lines,
        prior_authorization="PA" + fake.digits(rng, 9) if payer == "EXMCD" or inpatient else "",
        medical_record_number="" if payer == "EXMCD" else "MRN" + fake.digits(rng, 8), **extra)  # type: ignore[arg-type]


# -- error injection ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Context:
    seed: int
    index: int
    as_of: date
    error_rate: float


Inject = Callable[[Encounter, random.Random, _Context], "Encounter | None"]
INJECT: dict[str, Inject] = {}


def _injects(name: str) -> Callable[[Inject], Inject]:
    def register(fn: Inject) -> Inject:
        INJECT[name] = fn
        return fn
    return register


def _applies(name: str, enc: Encounter, seed: int, index: int, error_rate: float) -> bool:
    if name.startswith(("coding.dx_pointer", "coding.ncci", "coding.mue", "coding.addon", "coding.modifier",
                        "coding.em")) or name == "billing.pos.not_effective":
        return not enc.institutional
    return True


def _diagnosis(enc: Encounter, rng: random.Random, code: str) -> Encounter:
    n = rng.randrange(len(enc.diagnoses))
    dx = replace(enc.diagnoses[n], code=code)
    return replace(enc, diagnoses=(*enc.diagnoses[:n], dx, *enc.diagnoses[n + 1:]))


@_injects("coding.icd10.invalid")
def _invalid(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    return _diagnosis(enc, rng, rng.choice(("J0690", "E1190", "I109", "M17110")))


@_injects("coding.icd10.not_billable")
def _header(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    return _diagnosis(enc, rng, rng.choice(("E11", "J45", "M17", "I25")))


@_injects("coding.icd10.unspecified")
def _unspecified(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    return _diagnosis(enc, rng, rng.choice(("M25569", "M179", "I4891", "J189", "R109")))


@_injects("coding.icd10.sex")
def _sex(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    return _diagnosis(enc, rng, "N400" if enc.patient.sex == "F" else "N952")


@_injects("coding.icd10.age")
def _age(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    return _diagnosis(enc, rng, "A33")


@_injects("coding.dx_pointer.range")
def _pointer_range(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    n = rng.randrange(len(enc.lines))
    kept = enc.lines[n].diagnosis_pointers[:3]     # the line's own first pointers stay (the principal's too)
    line = replace(enc.lines[n], diagnosis_pointers=(*kept, len(enc.diagnoses) + 1))
    return replace(enc, lines=(*enc.lines[:n], line, *enc.lines[n + 1:]))


@_injects("coding.dx_pointer.principal")
def _pointer_principal(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    if len(enc.diagnoses) < 2:
        return None
    return replace(enc, lines=tuple(replace(line, diagnosis_pointers=(2,)) for line in enc.lines))


def _service(code: str, *modifiers: str) -> Line:
    """A line of one unit of ``code`` at its fee, for the principal diagnosis."""
    return Line(procedure_code=code, modifiers=modifiers, charge=Decimal(FEES[code]), diagnosis_pointers=(1,))


def _without_25(line: Line) -> Line:
    return replace(line, modifiers=tuple(m for m in line.modifiers if m != "25"))


def _em(enc: Encounter) -> Line | None:
    return next((line for line in enc.lines if line.procedure_code in OFFICE_EM), None)


def _visit(enc: Encounter, lines: list[Line]) -> Encounter:
    return replace(enc, lines=tuple(lines))


@_injects("coding.ncci.ptp")
def _ncci(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    side = rng.choice(("1", "2"))
    dx = (Diagnosis(code=f"S6141{side}A"), *enc.diagnoses[:3])
    em = _em(enc)
    lines = [] if em is None else [replace(em, modifiers=("25",), diagnosis_pointers=(1,))]
    lines += [_service("12002"), _service("64450")]
    return replace(enc, diagnoses=dx, lines=tuple(lines), prior_authorization=_auth_kept(enc, lines))


def _auth_kept(enc: Encounter, lines: list[Line]) -> str:
    """The prior authorization an encounter keeps after its lines changed (Medicaid wants one on every claim)."""
    return enc.prior_authorization if enc.billed.payer.id == "EXMCD" else ""


@_injects("coding.mue")
def _mue(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    targets = ("20610", "36415", "93000", "73560", "87880", "85025", "81002")
    for n, line in enumerate(enc.lines):
        if line.procedure_code in targets:
            big = replace(line, units=Decimal(9), charge=Decimal(FEES[line.procedure_code] * 9))
            return replace(enc, lines=(*enc.lines[:n], big, *enc.lines[n + 1:]))
    return None


@_injects("coding.addon.primary_missing")
def _addon(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    code = rng.choice(("11103", "90472"))
    primaries = {"11103": ("11102",), "90472": ("90460", "90471", "90473")}[code]
    em = _em(enc)
    lines = [_without_25(line) if line is em else line for line in enc.lines
             if line.procedure_code not in (*primaries, *MINOR_PROCEDURES, code)]
    return _visit(enc, [*lines, _service(code)]) if lines else None


@_injects("coding.modifier25.missing")
def _mod25_missing(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    em = _em(enc)
    if em is None:
        return None
    lines = [_without_25(line) if line is em else line for line in enc.lines]
    if not any(line.procedure_code in MINOR_PROCEDURES for line in lines):
        lines.append(_service(rng.choice(("69210", "17110"))))
    return _visit(enc, lines)


@_injects("coding.modifier25.without_procedure")
def _mod25_alone(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    em = _em(enc)
    if em is None:
        return None
    return replace(_visit(enc, [replace(em, modifiers=("25",))]), prior_authorization=_auth_kept(enc, [em]))


@_injects("coding.modifier59.no_edit")
def _mod59(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    em = _em(enc)
    if em is None:
        return None
    lines = [replace(em, modifiers=()), _service("93000", "59")]
    return replace(_visit(enc, lines), prior_authorization=_auth_kept(enc, lines))


@_injects("coding.em.place_of_service")
def _em_pos(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    if _em(enc) is None:
        return None
    return replace(enc, place_of_service=rng.choice(("21", "23")))


@_injects("billing.required")
def _required(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    return replace(enc, patient=replace(enc.patient, birth_date=None),
                   coverages=tuple(replace(c, subscriber=None if c.subscriber is None else
                                           replace(c.subscriber, birth_date=None)) for c in enc.coverages))


@_injects("billing.member_id.pattern")
def _member_pattern(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    n = enc.billed_coverage - 1
    cov = enc.coverages[n]
    if cov.payer.id != "EXMCR":
        return None
    wrong = replace(cov, member_id=fake.digits(rng, 9) + "A")
    return replace(enc, coverages=(*enc.coverages[:n], wrong, *enc.coverages[n + 1:]))


@_injects("billing.zip9")
def _zip5(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    b = enc.billing_provider
    assert b.address is not None
    return replace(enc, billing_provider=replace(b, address=replace(b.address, postal_code=b.address.postal_code[:5])))


@_injects("billing.charge.not_positive")
def _zero_charge(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    n = rng.randrange(len(enc.lines))
    return replace(enc, lines=(*enc.lines[:n], replace(enc.lines[n], charge=Decimal("0.00")), *enc.lines[n + 1:]))


@_injects("billing.clm01.too_long")
def _long_id(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    return replace(enc, id=f"{enc.id}-VISIT{fake.digits(rng, 7)}")


@_injects("billing.frequency.original_missing")
def _no_original(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    return replace(enc, frequency="7", original_claim_number="")


@_injects("billing.duplicate")
def _duplicate(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    if ctx.index == 0 or _drawn_edit(ctx.seed, ctx.index - 1, ctx.error_rate) is not None:
        return None
    previous = clean_encounter(ctx.seed, ctx.index - 1, ctx.as_of)
    return replace(previous, id=enc.id)


@_injects("billing.timely_filing")
def _late(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    back = timedelta(days=400)

    def earlier(d: date | None) -> date | None:
        return None if d is None else d - back
    lines = tuple(replace(line, service_date=earlier(line.service_date)) for line in enc.lines)
    coverages = tuple(replace(c, effective_date=earlier(c.effective_date), prior_payment=None if c.prior_payment is None
                              else replace(c.prior_payment, date=earlier(c.prior_payment.date)))
                      for c in enc.coverages)
    procedures = tuple(replace(p, date=earlier(p.date)) for p in enc.procedures)
    return replace(enc, lines=lines, coverages=coverages, procedures=procedures,
                   service_date=earlier(enc.service_date), statement_from=earlier(enc.statement_from),
                   statement_to=earlier(enc.statement_to), admission_date=earlier(enc.admission_date),
                   onset_date=earlier(enc.onset_date))


@_injects("billing.pos.not_effective")
def _pos(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    return replace(enc, place_of_service="29")


def _with_clinician(enc: Encounter, change: Callable[[Provider], Provider]) -> Encounter:
    p = enc.providers
    role = "attending" if enc.institutional else "rendering"
    current = getattr(p, role)
    assert current is not None
    return replace(enc, providers=replace(p, **{role: change(current)}))


@_injects("credentialing.npi.check_digit")
def _npi(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    def mistyped(p: Provider) -> Provider:
        last = str((int(p.npi[-1]) + rng.randint(1, 9)) % 10)
        return replace(p, npi=p.npi[:-1] + last)
    return _with_clinician(enc, mistyped)


@_injects("credentialing.not_enrolled")
def _not_enrolled(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    locum = _clinician(rng, "207Q00000X")
    return _with_clinician(enc, lambda p: replace(locum, taxonomy=p.taxonomy))


@_injects("credentialing.taxonomy")
def _taxonomy(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    return _with_clinician(enc, lambda p: replace(p, taxonomy=p.taxonomy[:9]))


@_injects("coverage.inactive")
def _inactive(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    n = enc.billed_coverage - 1
    period = enc.service_period
    first = period[0] if period else ctx.as_of
    ended = replace(enc.coverages[n], end_date=first - timedelta(days=30))
    return replace(enc, coverages=(*enc.coverages[:n], ended, *enc.coverages[n + 1:]))


@_injects("coverage.prior_auth.missing")
def _no_auth(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    if enc.institutional or enc.billed.payer.id not in ("EXHP1", "EXBLUE"):
        return None
    return replace(enc, lines=(*enc.lines, _service(rng.choice(PRIOR_AUTH_CODES))), prior_authorization="")


@_injects("coverage.cob.order")
def _cob(enc: Encounter, rng: random.Random, ctx: _Context) -> Encounter | None:
    primary = enc.coverages[0]
    if primary.payer.id == "EXMCD":
        return None
    medicaid = Coverage(payer=Payer(name="EXAMPLE STATE MEDICAID", id="EXMCD"), member_id=_member_id(rng, "EXMCD"),
                        relationship=primary.relationship, subscriber=primary.subscriber, claim_filing_indicator="MC",
                        effective_date=primary.effective_date)
    return replace(enc, coverages=(medicaid, replace(primary, prior_payment=None)), billed_coverage=1,
                   prior_authorization=enc.prior_authorization or "PA" + fake.digits(rng, 9),
                   medical_record_number="")  # the Medicaid profile refuses REF*EA
