"""The synthetic claims both generators share: claim ``i`` of seed ``s`` is the same encounter in the 837P and
in the 835, so a remittance generated with the same seed pays the claims of the 837P (CLP01 = CLM01, REF*6R
echoes the line item control numbers, SVC02 = SV102).
The 835 regroups them by transaction, each paid by one payer to one payee.

Every encounter is drawn from its own ``random.Random(f"{seed}/{index}")``, so one claim can be regenerated
without the ones before it, and a file can be written claim by claim in flat memory.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from edi.synth import _random as fake
from edi.synth._random import Address, Person

# ICD-10-CM leaf codes (public code set), written without the dot as X12 requires.
DIAGNOSES = ("J069", "R051", "R509", "J029", "I10", "E119", "E785", "R1030", "M25561", "M25562", "S83241A",
             "M1711", "Z0000", "Z23", "Z00129", "F419", "F329", "G4700", "R42", "K219", "N390", "J45909",
             "H6691", "L309", "M6281", "M5450", "R0602", "G43909", "E039", "Z1231")

# Per specialty: NUCC taxonomy and (procedure code, unit fee, modifier choices) rows. Codes only, no
# descriptions (CPT is AMA-copyrighted); fees are invented.
SPECIALTIES: dict[str, tuple[str, tuple[tuple[str, str, tuple[str, ...]], ...]]] = {
    "FAMILY PRACTICE": ("207Q00000X", (
        ("99213", "125", ("", "", "25")), ("99214", "185", ("", "25")), ("99203", "160", ("",)),
        ("36415", "15", ("",)), ("81002", "12", ("", "QW")), ("85025", "28", ("",)), ("90471", "30", ("",)),
        ("90686", "45", ("",)), ("93000", "60", ("", "59")), ("87880", "35", ("QW",)))),
    "PEDIATRICS": ("208000000X", (
        ("99392", "180", ("", "25")), ("99213", "125", ("",)), ("90460", "35", ("",)), ("90700", "55", ("",)),
        ("87880", "35", ("QW",)), ("96110", "20", ("", "59")))),
    "ORTHOPEDICS": ("207X00000X", (
        ("99204", "240", ("", "25")), ("99213", "125", ("",)), ("20610", "210", ("RT", "LT", "50")),
        ("73560", "90", ("RT", "LT")), ("73030", "80", ("RT", "LT")), ("29125", "150", ("RT", "LT")),
        ("J1030", "12", ("",)))),
    "PHYSICAL THERAPY": ("225100000X", (
        ("97161", "140", ("GP",)), ("97110", "40", ("GP",)), ("97140", "38", ("GP", "59")),
        ("97112", "42", ("GP",)), ("97530", "45", ("GP",)))),
    "NEUROLOGY": ("2084N0400X", (
        ("99204", "250", ("",)), ("99214", "185", ("", "95")), ("95816", "420", ("",)),
        ("95886", "180", ("26",)), ("95907", "260", ("",)))),
}
ORG_SUFFIX = {"FAMILY PRACTICE": "FAMILY PRACTICE", "PEDIATRICS": "CHILDRENS CLINIC",
              "ORTHOPEDICS": "BONE AND JOINT", "PHYSICAL THERAPY": "REHAB CENTER", "NEUROLOGY": "NEURO ASSOCIATES"}
PAYER_KINDS = (("HEALTH PLAN", "CI"), ("MEDICARE ADMIN", "MB"), ("MEDICAID PLAN", "MC"), ("PPO NETWORK", "12"),
               ("HMO", "HM"), ("BLUE PLAN", "BL"))
PLACES = ("11",) * 16 + ("02", "10", "22", "19", "12", "21", "23")   # place of service, mostly office


@dataclass(frozen=True, slots=True)
class Provider:
    name: str             # organization name, or a person's last name
    first: str            # a person's first name, "" for an organization
    npi: str
    taxonomy: str
    specialty: str
    address: Address
    tax_id: str


@dataclass(frozen=True, slots=True)
class Payer:
    name: str
    id: str               # payer id (NM1*PR ... PI)
    filing: str           # claim filing indicator (SBR09, CLP06)
    tax_id: str


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    code: str
    modifiers: tuple[str, ...]
    charge: Decimal       # SV102, for all units
    units: int
    pointers: tuple[str, ...]
    day: date
    control: str          # REF*6R line item control number


@dataclass(frozen=True, slots=True)
class OtherCoverage:
    """What the primary payer did with the claim (837P 2320/2330A/2330B); the claim goes to a secondary."""
    payer: Payer
    member_id: str                                      # the subscriber's id with that payer
    group: str
    paid: Decimal
    adjustments: tuple[tuple[str, str, Decimal], ...]   # (group code, reason code, amount); paid + Σ = charge
    paid_on: date


@dataclass(frozen=True, slots=True)
class Encounter:
    index: int
    pcn: str                      # CLM01 / CLP01
    billing: Provider
    rendering: Provider | None
    payer: Payer
    group: str                    # SBR03
    subscriber: Person
    patient: Person | None        # None when the subscriber is the patient
    relationship: str             # PAT01 (19 child, 01 spouse, G8 other), "18" when self
    place: str
    frequency: str                # 1 original, 7 replacement
    original_claim: str | None    # REF*F8, the payer's claim number that a replacement replaces
    prior_auth: str | None        # REF*G1
    onset: date | None
    diagnoses: tuple[str, ...]
    lines: tuple[Line, ...]
    other: OtherCoverage | None
    received: date

    @property
    def charge(self) -> Decimal:
        return sum((line.charge for line in self.lines), Decimal(0))

    @property
    def first_day(self) -> date:
        return min(line.day for line in self.lines)

    @property
    def last_day(self) -> date:
        return max(line.day for line in self.lines)


@dataclass(frozen=True)
class Roster:
    """The trading partners and dates of one seed."""
    seed: int
    start: date                   # earliest date of service
    billing: tuple[Provider, ...]
    clinicians: tuple[tuple[Provider, ...], ...]    # rendering providers per billing provider
    payers: tuple[Payer, ...]
    block: int                    # consecutive claims billed by one billing provider

    def billing_index(self, index: int) -> int:
        return (index // self.block * 3 + self.seed) % len(self.billing)


@functools.lru_cache(maxsize=8)
def roster(seed: int) -> Roster:
    rng = random.Random(f"{seed}/roster")
    start = date(2023, 1, 2) + timedelta(days=rng.randrange(700))
    specialties = list(SPECIALTIES) * 2
    rng.shuffle(specialties)
    billing = tuple(_organization(rng, specialty) for specialty in specialties[:8])
    clinicians = tuple(tuple(_clinician(rng, org) for _ in range(rng.randint(1, 4))) for org in billing)
    payers = tuple(_payer(rng, kind, filing) for kind, filing in PAYER_KINDS)
    return Roster(seed, start, billing, clinicians, payers, rng.randint(25, 120))


def _organization(rng: random.Random, specialty: str) -> Provider:
    name = f"{rng.choice(fake.SURNAMES)} {ORG_SUFFIX[specialty]}"
    return Provider(name, "", fake.npi(rng), SPECIALTIES[specialty][0], specialty, fake.address(rng, 9),
                    fake.tax_id(rng))


def _clinician(rng: random.Random, org: Provider) -> Provider:
    first, _ = rng.choice(fake.FIRST_NAMES)
    return Provider(rng.choice(fake.SURNAMES), first, fake.npi(rng), org.taxonomy, org.specialty, org.address,
                    org.tax_id)


def _payer(rng: random.Random, kind: str, filing: str) -> Payer:
    return Payer(f"{rng.choice(fake.SURNAMES)} {kind}", "SYNP" + fake.digits(rng, 5), filing, fake.tax_id(rng))


def encounter(seed: int, index: int) -> Encounter:
    """Claim ``index`` (0-based) of ``seed``."""
    team = roster(seed)
    rng = random.Random(f"{seed}/{index}")
    org = team.billing_index(index)
    billing = team.billing[org]
    rendering = rng.choice(team.clinicians[org]) if rng.random() < 0.7 else None
    payer = rng.choice(team.payers)
    group = "GRP" + fake.digits(rng, 6)
    subscriber, patient, relationship = _people(rng)
    day = team.start + timedelta(days=rng.randrange(120))
    onset = day - timedelta(days=rng.randrange(1, 30)) if rng.random() < 0.2 else None
    frequency = "7" if rng.random() < 0.03 else "1"
    original = "SYNC" + fake.digits(rng, 11) if frequency == "7" else None
    prior_auth = "PA" + fake.digits(rng, 9) if rng.random() < 0.15 else None
    diagnoses = tuple(rng.sample(DIAGNOSES, rng.choice((1, 1, 2, 2, 3, 4, 5, 6, 7, 8))))
    pcn = f"P{seed % 100000:05d}{index + 1:07d}"
    lines = _lines(rng, pcn, billing.specialty, day, len(diagnoses))
    other = _other_coverage(rng, team, payer, lines, day)
    received = max(line.day for line in lines) + timedelta(days=rng.randrange(2, 20))
    return Encounter(index, pcn, billing, rendering, payer, group, subscriber, patient, relationship,
                     rng.choice(PLACES), frequency, original, prior_auth, onset, diagnoses, lines, other, received)


def _people(rng: random.Random) -> tuple[Person, Person | None, str]:
    subscriber = fake.person(rng, 1945, 2003)
    if rng.random() >= 0.3:
        return subscriber, None, "18"
    if rng.random() < 0.7:
        return subscriber, fake.person(rng, 2006, 2023, subscriber.last, subscriber.address), "19"
    relationship = "01" if rng.random() < 0.9 else "G8"
    return subscriber, fake.person(rng, 1945, 2003, subscriber.last, subscriber.address), relationship


def _lines(rng: random.Random, pcn: str, specialty: str, day: date, diagnoses: int) -> tuple[Line, ...]:
    services = SPECIALTIES[specialty][1]
    count = rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6))
    lines = []
    for number in range(1, count + 1):
        code, fee, modifiers = rng.choice(services)
        units = rng.choice((1, 1, 1, 2, 3, 4)) if specialty == "PHYSICAL THERAPY" else 1
        modifier = rng.choice(modifiers)
        picked = rng.sample(range(1, diagnoses + 1), min(diagnoses, rng.randint(1, 4)))
        pointers = tuple(str(p) for p in sorted(picked))
        later = rng.choice((0, 0, 0, 7)) if specialty == "PHYSICAL THERAPY" else 0
        line = Line(number, code, (modifier,) if modifier else (), Decimal(fee) * units, units, pointers,
                    day + timedelta(days=later), f"{pcn}L{number}")
        lines.append(line)
    return tuple(lines)


def _other_coverage(rng: random.Random, team: Roster, payer: Payer, lines: tuple[Line, ...],
                    day: date) -> OtherCoverage | None:
    if rng.random() >= 0.12:
        return None
    primary = rng.choice([p for p in team.payers if p is not payer])
    charge = sum((line.charge for line in lines), Decimal(0))
    contractual = fake.share(charge, rng, 0.1, 0.4)
    patient = fake.share(charge - contractual, rng, 0.05, 0.3)
    reason = rng.choice(("1", "2", "3"))
    adjustments = (("CO", "45", contractual), ("PR", reason, patient))
    member_id, group = "SYN" + fake.digits(rng, 9), "GRP" + fake.digits(rng, 6)
    paid_on = day + timedelta(days=rng.randrange(10, 40))
    return OtherCoverage(primary, member_id, group, charge - contractual - patient, adjustments, paid_on)
