"""Synthetic 837P (005010X222A1) claims, written claim by claim.

Each transaction holds at most 5,000 claims. Consecutive claims of one billing provider share a 2000A HL;
every claim has its own subscriber HL (2000B) and, when the patient is a dependent, a patient HL (2000C).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta

from edi.synth._encounter import Encounter, Line, OtherCoverage, Provider, encounter, roster
from edi.synth._envelope import chunks, group, interchange
from edi.synth._random import Address, Person, amount, d8
from edi.x12._writer import Built

GUIDE = "005010X222A1"


def synth_837p(claims: int, seed: int) -> Iterator[Built]:
    """The segments (ISA … IEA) of an 837P interchange with ``claims`` claims, all fixed by ``seed``."""
    day = roster(seed).start + timedelta(days=130)
    bodies = (_transaction(seed, number, start, stop) for number, start, stop in chunks(claims))
    return interchange(group("HC", GUIDE, "837", GUIDE, bodies), seed, "SYNTHSUBMITTER", "SYNTHCLEARING", day)


def _transaction(seed: int, number: int, start: int, stop: int) -> Iterator[Built]:
    day = roster(seed).start + timedelta(days=130)
    yield ("BHT", "0019", "00", f"SYN{seed % 100000:05d}B{number + 1:04d}", d8(day), "0630", "CH")
    yield ("NM1", "41", "2", "SYNTHETIC BILLING SERVICE", "", "", "", "", "46", "SYNTHSUBMITTER")
    yield ("PER", "IC", "EDI DESK", "TE", "5555550100")
    yield ("NM1", "40", "2", "SYNTHETIC CLEARINGHOUSE", "", "", "", "", "46", "SYNTHCLEARING")
    hl = itertools.count(1)
    billing_hl, billing_index = 0, -1
    for index in range(start, stop):
        claim = encounter(seed, index)
        if roster(seed).billing_index(index) != billing_index:
            billing_hl, billing_index = next(hl), roster(seed).billing_index(index)
            yield from _billing_provider(billing_hl, claim.billing)
        yield from _subscriber(hl, billing_hl, claim)
        yield from _claim(claim)


def _billing_provider(hl: int, provider: Provider) -> Iterator[Built]:
    yield ("HL", str(hl), "", "20", "1")
    yield ("PRV", "BI", "PXC", provider.taxonomy)
    yield ("NM1", "85", "2", provider.name, "", "", "", "", "XX", provider.npi)
    yield from _address(provider.address)
    yield ("REF", "EI", provider.tax_id)


def _subscriber(hl: Iterator[int], parent: int, claim: Encounter) -> Iterator[Built]:
    own = next(hl)
    responsibility = "S" if claim.other else "P"
    relationship = "18" if claim.patient is None else ""
    # SBR05 is required when Medicare is the destination payer but not the primary one (12: working aged).
    medicare_secondary = "12" if claim.other and claim.payer.filing == "MB" else ""
    yield ("HL", str(own), str(parent), "22", "0" if claim.patient is None else "1")
    yield ("SBR", responsibility, relationship, claim.group, "", medicare_secondary, "", "", "", claim.payer.filing)
    yield from _person("IL", claim.subscriber, member_id=True)
    yield ("NM1", "PR", "2", claim.payer.name, "", "", "", "", "PI", claim.payer.id)
    if claim.patient is not None:
        yield ("HL", str(next(hl)), str(own), "23", "0")
        yield ("PAT", claim.relationship)
        yield from _person("QC", claim.patient, member_id=False)


def _person(entity: str, person: Person, member_id: bool) -> Iterator[Built]:
    ids = ("MI", person.member_id) if member_id else ()
    yield ("NM1", entity, "1", person.last, person.first, "", "", "", *ids)
    yield from _address(person.address)
    yield ("DMG", "D8", d8(person.birth), person.gender)


def _address(address: Address) -> Iterator[Built]:
    yield ("N3", address.street)
    yield ("N4", address.city, address.state, address.zip)


def _claim(claim: Encounter) -> Iterator[Built]:
    place = (claim.place, "B", claim.frequency)
    yield ("CLM", claim.pcn, amount(claim.charge), "", "", place, "Y", "A", "Y", "Y")
    if claim.onset:
        yield ("DTP", "431", "D8", d8(claim.onset))
    if claim.prior_auth:
        yield ("REF", "G1", claim.prior_auth)
    if claim.original_claim:
        yield ("REF", "F8", claim.original_claim)
    yield ("HI", ("ABK", claim.diagnoses[0]), *(("ABF", code) for code in claim.diagnoses[1:]))
    if claim.rendering:
        yield ("NM1", "82", "1", claim.rendering.name, claim.rendering.first, "", "", "", "XX", claim.rendering.npi)
        yield ("PRV", "PE", "PXC", claim.rendering.taxonomy)
    if claim.other:
        yield from _other_payer(claim, claim.other)
    for line in claim.lines:
        yield from _line(line)


def _other_payer(claim: Encounter, other: OtherCoverage) -> Iterator[Built]:
    """2320 with the primary payer's adjudication (AMT*D paid + Σ CAS = CLM02), 2330A insured, 2330B payer."""
    yield ("SBR", "P", claim.relationship, other.group, "", "", "", "", "", other.payer.filing)
    for group_code, reason, value in other.adjustments:
        yield ("CAS", group_code, reason, amount(value))
    yield ("AMT", "D", amount(other.paid))
    yield ("OI", "", "", "Y", "P", "", "Y")
    yield ("NM1", "IL", "1", claim.subscriber.last, claim.subscriber.first, "", "", "", "MI", other.member_id)
    yield ("NM1", "PR", "2", other.payer.name, "", "", "", "", "PI", other.payer.id)
    yield ("DTP", "573", "D8", d8(other.paid_on))


def _line(line: Line) -> Iterator[Built]:
    yield ("LX", str(line.number))
    yield ("SV1", ("HC", line.code, *line.modifiers), amount(line.charge), "UN", str(line.units), "", "",
           line.pointers)
    yield ("DTP", "472", "D8", d8(line.day))
    yield ("REF", "6R", line.control)
