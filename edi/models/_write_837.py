"""837 models → built segments (between ST and SE), in guide order, with HL and LX numbers filled in.

Claims are grouped as they come: consecutive claims with an equal billing provider share one 2000A HL, and
consecutive claims with an equal subscriber and payer share one 2000B HL — its own claims first, then its
patients' 2000C loops (a subscriber's own claim after a patient's opens a new 2000B, as 2300 stands before 2000C
in the guide); consecutive claims of an equal patient share one 2000C. A 2000B's child code (HL04) comes from
its first claim (the file's own when it was read otherwise). A model's ``extra`` segments are merged in at their
position in the pyx12 map (see :func:`placed`); values no field holds (``unheld``) are put back in place.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence

from edi.guide import LoopSpec, SegmentSpec, guide_named
from edi.models._base import RawSegment, Unheld, absent, fill, text
from edi.models.claim import (BillingProvider, Claim, ClaimTransaction, DateReference, Drug, HealthCareCode,
                              InstitutionalClaim, LineAdjudication, OtherPayer, Patient, PatientInformation, Person,
                              ProfessionalClaim, Provider, ServiceLine, Subscriber)
from edi.models.common import Party, cas_segments, holds, name_segments
from edi.x12._writer import Built

Parts = list[tuple[int, Iterable[Built]]]


def transaction_body(t: ClaimTransaction) -> Iterator[Built]:
    """BHT, 1000A, 1000B, extra segments, the HL hierarchy with its claims, then HL levels that hold no claim."""
    guide = guide_of(t)
    ids = [raw.id for raw in t.extra]
    split = ids.index("HL") if "HL" in ids else len(ids)  # (models read before after_claims kept them here)
    yield from head_segments(t, t.extra[:split])
    yield from hierarchy(t.claims, guide)
    yield from t.extra[split:]
    yield from t.after_claims


def guide_of(t: ClaimTransaction) -> str:
    return "837i" if t.INSTITUTIONAL else "837p"


def head_segments(t: ClaimTransaction, extra: Iterable[RawSegment]) -> Iterator[Built]:
    """BHT, 1000A, 1000B and the extra segments: what comes before the hierarchy."""
    if not absent(t.unheld, "BHT"):
        yield fill(("BHT", t.hierarchical_structure, t.purpose, t.originator_id, text(t.creation_date),
                    t.creation_time, t.transaction_type), t.unheld)
    for party in (t.submitter, t.receiver):
        if party is not None:
            yield from name_segments(party)
    yield from extra


def _same(a: object, b: object) -> bool:
    return a is b or a == b


def hierarchy(claims: Iterable[Claim], guide: str) -> Iterator[Built]:
    hl = 0
    billing_hl = subscriber_hl = ""
    billing: BillingProvider | None = None
    subscriber: tuple[object, ...] = ()
    patient: Patient | None = None
    for claim in claims:
        new_billing = billing is None or not _same(claim.billing_provider, billing)
        if new_billing:
            hl += 1
            billing = claim.billing_provider
            billing_hl = _number(billing.unheld, hl)
            yield from _billing(billing, hl, guide)
        key = (claim.subscriber, claim.payer)
        new_subscriber = new_billing or not all(_same(a, b) for a, b in zip(key, subscriber)) or (
            claim.patient is None and patient is not None)
        if new_subscriber:
            hl += 1
            subscriber, patient = key, None
            subscriber_hl = _number(claim.subscriber.unheld, hl)
            yield from _subscriber(claim.subscriber, claim.payer, claim.patient is not None, hl, billing_hl, guide)
        if claim.patient is not None and (patient is None or not _same(claim.patient, patient)):
            hl += 1
            patient = claim.patient
            yield from _patient(patient, hl, subscriber_hl, guide)
        yield from _claim(claim, guide)


HL_DERIVED = frozenset({"HL01", "HL02", "HL03", "HL04"})  # numbered by the writer, unless the file had others
DERIVED = HL_DERIVED | {"LX01", "PAT05"}


def _number(unheld: Unheld, hl: int) -> str:
    """The HL01 a level is written with: as read when the file numbered it otherwise, else ``hl``."""
    return next((text for ref, text in unheld if ref == "HL01"), str(hl)) if unheld else str(hl)


def _hl(hl: int, parent: str, level: str, child: str, unheld: Unheld) -> Built:
    built = ("HL", str(hl), parent, level, child)
    return fill(built, unheld, DERIVED) if unheld else built


# -- placing extra segments ---------------------------------------------------------------------------------
@functools.cache
def positions(guide: str, loop_id: str) -> tuple[dict[str, int], int]:
    """Segment id → pyx12 map position in a loop (child loops by their first segment), and the loop's first one."""
    spec = guide_named(guide).loop(loop_id)
    assert spec is not None, f"{guide} has no loop {loop_id}"
    table: dict[str, int] = {}
    for child in spec.children:
        if isinstance(child, SegmentSpec):
            table.setdefault(child.id, child.pos)
    for child in spec.children:
        if isinstance(child, LoopSpec):
            trigger = next(c for c in child.children if isinstance(c, SegmentSpec))
            table.setdefault(trigger.id, child.pos)
    return table, min(table.values())


def placed(parts: Parts, extra: tuple[RawSegment, ...], guide: str, loop_id: str) -> Iterator[Built]:
    """The parts, each (map position, segments), with the extra segments merged in at their map positions.

    Extras keep their order: one the map does not place in this loop, or places before the extra ahead of
    it, follows that extra (the first one follows the loop's first segment), as a segment reader would see it.
    """
    if not extra:
        for _, segments in parts:
            yield from segments
        return
    table, previous = positions(guide, loop_id)
    queue: list[tuple[int, Built]] = []
    for raw in extra:
        previous = max(previous, table.get(raw.id, previous))
        queue.append((previous, raw))
    i = 0
    for pos, segments in parts:
        while i < len(queue) and queue[i][0] < pos:
            yield queue[i][1]
            i += 1
        yield from segments
    for _, elements in queue[i:]:
        yield elements


# -- hierarchy levels ---------------------------------------------------------------------------------------
def _billing(b: BillingProvider, hl: int, guide: str) -> Iterator[Built]:
    prv = [("PRV", b.specialty, "PXC", b.taxonomy)] if b.specialty or b.taxonomy else []
    cur = [("CUR", "85", b.currency)] if b.currency else []
    names = [name_segments(p) for p in (b.provider, b.pay_to_address, b.pay_to_plan) if p is not None]
    parts: Parts = [(10, [_hl(hl, "", "20", "1", b.unheld)]), (30, prv), (100, cur),
                    (150, (s for segments in names for s in segments))]
    return placed(parts, b.extra, guide, "2000A")


def _sbr(s: Subscriber | OtherPayer) -> Built:
    sbr = ("SBR", s.payer_responsibility, s.relationship, s.group_number, s.group_name, s.insurance_type, "", "",
           "", s.claim_filing_indicator)
    return fill(sbr, s.unheld) if s.unheld else sbr


def _pat(p: PatientInformation, unheld: Unheld) -> Built:
    pat = ("PAT", p.relationship, "", "", "", "D8" if p.death_date else "", text(p.death_date), p.weight_unit,
           text(p.weight), p.pregnant)
    return fill(pat, unheld, DERIVED) if unheld else pat


def _subscriber(s: Subscriber, payer: Party | None, has_patient: bool, hl: int, parent: str,
                guide: str) -> Iterator[Built]:
    pat = [_pat(s.patient_information, s.unheld)] if s.patient_information is not None else []
    sbr = [] if absent(s.unheld, "SBR") else [_sbr(s)]
    names: list[Built] = [*_person(s.member), *(name_segments(payer) if payer is not None else ())]
    parts: Parts = [(10, [_hl(hl, parent, "22", "1" if has_patient else "0", s.unheld)]), (50, sbr),
                    (70, pat), (150, names)]
    return placed(parts, s.extra, guide, "2000B")


def _patient(p: Patient, hl: int, parent: str, guide: str) -> Iterator[Built]:
    pat = [] if absent(p.unheld, "PAT") else [_pat(p, p.unheld)]
    parts: Parts = [(10, [_hl(hl, parent, "23", "0", p.unheld)]), (70, pat), (150, _person(p.person))]
    return placed(parts, p.extra, guide, "2000C")


def _inserted(segments: Iterable[Built], insert: Sequence[Built]) -> Iterator[Built]:
    """Name segments with ``insert`` placed after the address (before the first REF or PER)."""
    pending = bool(insert)
    for seg in segments:
        if pending and seg[0] in ("REF", "PER"):
            yield from insert
            pending = False
        yield seg
    if pending:
        yield from insert


def _person(p: Person | None) -> Iterator[Built]:
    if p is None:
        return
    dmg = [("DMG", "D8", text(p.birth_date), p.gender)] if p.birth_date or p.gender else []
    yield from _inserted(name_segments(p.name), dmg)
    for raw in p.extra:
        yield raw


def _provider(p: Provider) -> Iterator[Built]:
    segments = name_segments(p.party)
    yield next(segments)
    if p.specialty or p.taxonomy:
        yield ("PRV", p.specialty, "PXC", p.taxonomy)
    yield from segments
    for raw in p.extra:
        yield raw


# -- claim --------------------------------------------------------------------------------------------------
def _claim(c: Claim, guide: str) -> Iterator[Built]:
    table = positions(guide, "2300")[0]
    parts: Parts = [(1300, [fill(_clm(c), c.unheld)]), (1350, [dtp(d) for d in c.dates])]
    if isinstance(c, InstitutionalClaim) and (c.admission_type or c.admission_source or c.patient_status
                                              or holds(c.unheld, "CL1")):
        parts.append((1400, [fill(("CL1", c.admission_type, c.admission_source, c.patient_status), c.unheld)]))
    parts += [
        (1550, [("PWK", a.report_type, a.transmission, "", "", a.id_qualifier, a.control_number)
                for a in c.attachments]),
        (1600, [fill(_cn1(c), c.unheld)] if c.contract is not None else []),
        (1750, [("AMT", a.qualifier, text(a.amount)) for a in c.amounts]),
        (1800, [("REF", r.qualifier, r.value, r.description) for r in c.references]),
        (1850, [("K3", k3) for k3 in c.file_information]),
        (1900, [("NTE", n.qualifier, n.text) for n in c.notes]),
        (2310, _hi_segments(c.health_care_codes, guide)),
        (table.get("NM1", 2500), (s for p in c.providers for s in _provider(p))),
        (table.get("SBR", 2900), (s for o in c.other_payers for s in _other_payer(o, guide))),
        (table.get("LX", 3650), (s for n, line in enumerate(c.lines, 1) for s in _line(line, n, guide))),
    ]
    return placed(parts, c.extra, guide, "2300")


def _clm(c: Claim) -> Built:
    clm: list[str | tuple[str, ...]] = [
        "CLM", c.patient_control_number, text(c.total_charge), "", "",
        (c.facility_code, c.facility_code_qualifier, c.frequency_code), c.provider_signature, c.assignment,
        c.benefits_assignment, c.release_of_information]
    if isinstance(c, ProfessionalClaim):
        causes = (*c.related_causes, "", "", "")[:3]
        clm += [c.patient_signature_source, (*causes, c.accident_state, c.accident_country), c.special_program]
    if c.delay_reason:
        clm += [""] * (20 - len(clm)) + [c.delay_reason]
    return tuple(clm)


def _cn1(c: Claim) -> Built:
    k = c.contract
    assert k is not None
    return ("CN1", k.contract_type, text(k.amount), text(k.percent), k.code, text(k.terms_discount), k.version)


def dtp(d: DateReference) -> Built:
    if d.format == "RD8":
        value = f"{text(d.start)}-{text(d.end)}" if d.start is not None or d.end is not None else ""
    elif d.format == "DT":
        value = text(d.start) + d.time
    elif d.format == "TM":
        value = d.time
    else:
        value = text(d.start)
    return ("DTP", d.qualifier, d.format, value)


@functools.cache
def hi_groups(guide: str) -> dict[str, tuple[int, int]]:
    """HI qualifier → (which HI segment of the guide carries it, how many composites that HI holds)."""
    spec = guide_named(guide).loop("2300")
    assert spec is not None
    his = [c for c in spec.children if isinstance(c, SegmentSpec) and c.id == "HI"]
    groups: dict[str, tuple[int, int]] = {}
    for n, hi in enumerate(his):
        used = [e for e in hi.elements if e.usage != "N"]
        for element in used:
            for code in element.components[0].codes if element.components else ():
                groups.setdefault(code, (n, len(used)))
    return groups


def _hi_segments(codes: tuple[HealthCareCode, ...], guide: str) -> Iterator[Built]:
    for group in hi_segments_of(codes, hi_groups(guide)):
        yield ("HI", *(_hi_composite(code) for code in group))


def hi_segments_of(codes: Iterable[HealthCareCode], groups: dict[str, tuple[int, int]]) -> list[list[HealthCareCode]]:
    """The HI segments of ``codes``: where a code is marked ``new_segment`` when any is (as read), else where the
    guide's HI of the qualifier changes or a segment is full."""
    codes = tuple(codes)
    marked = any(code.new_segment for code in codes)
    out: list[list[HealthCareCode]] = []
    key: object = None
    capacity = 12
    for code in codes:
        if marked:
            starts = code.new_segment or not out
        else:
            group, size = groups.get(code.qualifier, (code.qualifier, 12))
            starts = not out or group != key or len(out[-1]) >= capacity
            if starts:
                key, capacity = group, size
        if starts:
            out.append([])
        out[-1].append(code)
    return out


def _hi_composite(c: HealthCareCode) -> tuple[str, ...]:
    if c.date_format == "RD8" and c.end is not None:
        when = f"{text(c.start)}-{text(c.end)}"
    else:
        when = text(c.start)
    return (c.qualifier, c.code, c.date_format, when, text(c.amount), text(c.quantity), c.version, c.industry_code,
            c.present_on_admission)


def _other_payer(o: OtherPayer, guide: str) -> Iterator[Built]:
    oi = [fill(("OI", "", "", o.benefits_assignment, o.patient_signature_source, "", o.release_of_information),
               o.unheld)]
    names: list[Built] = []
    if o.subscriber is not None:
        names += name_segments(o.subscriber)
    if o.payer is not None:
        paid = [("DTP", "573", "D8", text(o.adjudication_date))] if o.adjudication_date else []
        names += _inserted(name_segments(o.payer), paid)
    for party in o.providers:
        names += name_segments(party)
    parts: Parts = [(2900, [_sbr(o)]), (2950, cas_segments(o.adjustments)),
                    (3000, [("AMT", a.qualifier, text(a.amount)) for a in o.amounts]),
                    (3100, oi if o.benefits_assignment or o.patient_signature_source or o.release_of_information
                     or holds(o.unheld, "OI") else []),
                    (3250, names)]
    return placed(parts, o.extra, guide, "2320")


# -- service line -------------------------------------------------------------------------------------------
def _procedure(qualifier: str, code: str, modifiers: tuple[str, ...], description: str) -> tuple[str, ...] | str:
    if description:
        return (qualifier, code, *(modifiers + ("", "", "", ""))[:4], description)
    if modifiers:
        return (qualifier, code, *modifiers)
    return (qualifier, code) if code else qualifier


def _service(line: ServiceLine, guide: str) -> Built:
    procedure = _procedure(line.procedure_qualifier, line.procedure_code, line.procedure_modifiers,
                           line.description)
    if guide == "837i":
        return ("SV2", line.revenue_code, procedure, text(line.charge), line.unit_basis, text(line.units), "",
                text(line.non_covered_charge))
    pointers = tuple(str(p) for p in line.diagnosis_pointers)
    return ("SV1", procedure, text(line.charge), line.unit_basis, text(line.units), line.place_of_service, "",
            pointers, "", line.emergency, "", line.epsdt, line.family_planning, "", "", line.copay_status)


def _line(line: ServiceLine, number: int, guide: str) -> Iterator[Built]:
    table = positions(guide, "2400")[0]
    u = line.unheld
    service = "SV2" if guide == "837i" else "SV1"
    parts: Parts = [
        (3650, [fill(("LX", str(number)), u, DERIVED) if u else ("LX", str(number))]),
        (table[service], [] if absent(u, service) else [fill(_service(line, guide), u)]),
        (4550, [dtp(d) for d in line.dates]),
        (4700, [("REF", r.qualifier, r.value, r.description) for r in line.references]),
        (4750, [("AMT", a.qualifier, text(a.amount)) for a in line.amounts]),
        (4850, [("NTE", n.qualifier, n.text) for n in line.notes]),
        (table["LIN"], _drug(line.drug) if line.drug is not None else []),
        (table["NM1"], (s for p in line.providers for s in _provider(p))),
        (table["SVD"], (s for a in line.adjudications for s in _adjudication(a))),
    ]
    return placed(parts, line.extra, guide, "2400")


def _drug(d: Drug) -> Iterator[Built]:
    yield fill(("LIN", "", d.qualifier, d.code), d.unheld)
    if not absent(d.unheld, "CTP"):
        yield fill(("CTP", "", "", text(d.unit_price), text(d.quantity), (d.unit,)), d.unheld)
    for r in d.references:
        yield ("REF", r.qualifier, r.value, r.description)
    for raw in d.extra:
        yield raw


def _adjudication(a: LineAdjudication) -> Iterator[Built]:
    procedure = _procedure(a.procedure_qualifier, a.procedure_code, a.procedure_modifiers, a.description)
    yield fill(("SVD", a.payer_id, text(a.paid_amount), procedure, a.revenue_code, text(a.paid_units),
                "" if a.bundled_line is None else str(a.bundled_line)), a.unheld)
    yield from cas_segments(a.adjustments)
    if a.adjudication_date is not None:
        yield ("DTP", "573", "D8", text(a.adjudication_date))
    if a.remaining_patient_liability is not None:
        yield ("AMT", "EAF", text(a.remaining_patient_liability))
    for raw in a.extra:
        yield raw

