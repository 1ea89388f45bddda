"""``Remittance`` → the built segments between ST and SE, in the order of the guide (pyx12's map ``pos`` values).

Header: BPR, TRN, CUR, REF*EV, REF*F2, DTM*405; 1000A N1*PR N3 N4 REF PER; 1000B N1*PE N3 N4 REF RDM. Per LX (2000):
LX, TS3, TS2; per claim (2100): CLP, CAS, NM1 QC/IL/74/82/TT/PR/GB, MIA, MOA, REF, DTM 232/233/036/050, PER, AMT,
QTY; per line (2110): SVC, DTM 150/151/472, CAS, REF (service ids, 6R, then the others), AMT, QTY, LQ. Then PLB.
A loop's ``extra`` segments follow its own segments, before its child loops. Consecutive adjustments of one group
share a CAS (six to a segment), so adjustments read back in the order they were written.

Claims are built into a list each (``out.append``) and yielded one claim at a time: nested generators per line
cost more than the segments themselves on a large remittance.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from edi.models._base import NO_NUMBER, RawSegment, fill, number_text, text
from edi.models.common import Adjustment, Amount, Reference, cas_segments, name_segments
from edi.x12._writer import Built

if TYPE_CHECKING:
    from edi.models.remittance import (ClaimPayment, HeaderNumber, ProcedureIdentifier, ProviderAdjustment,
                                       Remittance, ServicePayment, SupplementalQuantity)

# 2110 REF*… that the guide puts before REF*6R ("Service Identification")
SERVICE_ID_REFS = frozenset({"1S", "APC", "BB", "E9", "G1", "G3", "LU", "RB"})
Out = list[Built]


def remittance_segments(remit: Remittance) -> Iterator[Built]:
    yield from head_segments(remit)
    for n, header in enumerate(remit.headers, 1):
        yield from header_segments(header, str(n))
    yield from tail_segments(remit.provider_adjustments, remit.footer_extra)


def head_segments(remit: Remittance) -> Out:
    """BPR … DTM*405, the header's extra segments, payer (1000A) and payee (1000B)."""
    out: Out = []
    u = remit.unheld
    _present(out, fill(("BPR", *table_elements(remit.BPR, remit)), u))
    _present(out, fill(("TRN", *table_elements(remit.TRN, remit)), u))
    _present(out, fill(("CUR", remit.currency_entity, remit.currency_code), u))
    _present(out, ("REF", "EV", remit.receiver_id), 2)
    _present(out, ("REF", "F2", remit.version_id), 2)
    _present(out, ("DTM", "405", _day(remit.production_date)), 2)
    _raw(out, remit.extra)
    if remit.payer is not None:
        out += name_segments(remit.payer, n1=True)
    _raw(out, remit.payer_extra)
    if remit.payee is not None:
        out += name_segments(remit.payee, n1=True)
    rdm = remit.remittance_delivery
    if rdm is not None:
        out.append(fill(("RDM", *table_elements(rdm.ELEMENTS, rdm)), rdm.unheld))
    _raw(out, remit.payee_extra)
    return out


def tail_segments(plbs: Iterable[ProviderAdjustment], footer_extra: Iterable[RawSegment]) -> Iterator[Built]:
    for plb in plbs:
        yield provider_adjustment_segment(plb)
    yield from footer_extra


def header_segments(header: HeaderNumber, default_number: str) -> Iterator[Built]:
    number = header.number or ("" if NO_NUMBER in header.unheld else default_number)
    out: Out = [fill(("LX", number), header.unheld) if header.unheld else ("LX", number)]
    for summary in (header.provider_summary, header.supplemental_summary):
        if summary is not None:
            seg_id = "TS3" if summary is header.provider_summary else "TS2"
            out.append(fill((seg_id, *table_elements(summary.ELEMENTS, summary)), summary.unheld))
    _raw(out, header.extra)
    yield from out
    for claim in header.claims:
        out = []
        claim_segments(claim, out)
        yield from out


def claim_segments(claim: ClaimPayment, out: Out) -> None:
    append = out.append
    clp = ("CLP", claim.patient_control_number, claim.status_code, _num(claim.total_charge),
           _num(claim.paid_amount), _num(claim.patient_responsibility), claim.filing_indicator_code,
           claim.payer_claim_control_number, claim.facility_type_code, claim.frequency_code, "", claim.drg_code,
           _num(claim.drg_weight), _num(claim.discharge_fraction))
    append(fill(clp, claim.unheld) if claim.unheld else clp)
    if claim.adjustments:
        adjustment_segments(claim.adjustments, out)
    for party in (claim.patient, claim.insured, claim.corrected_patient, claim.service_provider,
                  claim.crossover_carrier, claim.corrected_priority_payer, claim.other_subscriber):
        if party is not None:
            out += name_segments(party)
    for adjudication, seg_id in ((claim.inpatient, "MIA"), (claim.outpatient, "MOA")):
        if adjudication is not None:
            append(fill((seg_id, *table_elements(adjudication.ELEMENTS, adjudication)), adjudication.unheld))
    _references(out, claim.references)
    for qualifier, when in (("232", claim.statement_from), ("233", claim.statement_to),
                            ("036", claim.coverage_expiration), ("050", claim.received_date)):
        if when is not None:
            append(("DTM", qualifier, _day(when)))
    for contact in claim.contacts:
        append(("PER", contact.function, contact.name, *[v for pair in contact.channels for v in pair]))
    _amounts(out, claim.amounts, claim.quantities)
    _raw(out, claim.extra)
    for service in claim.services:
        service_segments(service, out)


def service_segments(service: ServicePayment, out: Out) -> None:
    append = out.append
    original = service.original_procedure
    svc = ("SVC", _procedure(service.procedure), _num(service.charge), _num(service.paid_amount),
           service.revenue_code, _num(service.units), _procedure(original) if original is not None else "",
           _num(service.original_units))
    append(fill(svc, service.unheld) if service.unheld else svc)
    for qualifier, when in (("150", service.service_from), ("151", service.service_to),
                            ("472", service.service_date)):
        if when is not None:
            append(("DTM", qualifier, _day(when)))
    if service.adjustments:
        adjustment_segments(service.adjustments, out)
    refs = service.references
    lead = 0
    while lead < len(refs) and refs[lead].qualifier in SERVICE_ID_REFS:
        lead += 1
    _references(out, refs[:lead])
    if service.line_item_control_number:
        append(("REF", "6R", service.line_item_control_number))
    _references(out, refs[lead:])
    _amounts(out, service.amounts, service.quantities)
    for qualifier, code in service.remarks:
        append(("LQ", qualifier, code))
    _raw(out, service.extra)


def provider_adjustment_segment(plb: ProviderAdjustment) -> Built:
    pairs: list[Any] = []
    for item in plb.items:
        pairs += [(item.reason, item.reference), _num(item.amount)]
    return ("PLB", plb.provider_id, _day(plb.fiscal_period_date), *pairs)


def adjustment_segments(adjustments: tuple[Adjustment, ...], out: Out) -> None:
    """CAS segments: one per run of adjustments with the same group code (six triplets to a segment)."""
    if len(adjustments) == 1:  # the usual case, without cas_segments' grouping
        adj = adjustments[0]
        out.append(("CAS", adj.group, adj.reason, _num(adj.amount), _num(adj.quantity)))
    else:
        out += cas_segments(adjustments)


def table_elements(table: Any, model: Any) -> list[Any]:
    """A flat segment's elements (after the id) from a model, per its ELEMENTS table (see ``remittance.Table``)."""
    out: list[Any] = []
    for name, at, kind in table:
        value = getattr(model, name)
        if kind == "r":
            for i, code in zip(at, value):
                _put(out, i, code)
        else:
            _put(out, at, value if kind == "s" else text(value))
    return out


def _put(out: list[Any], position: int, value: str) -> None:
    if value:
        if len(out) < position:
            out.extend([""] * (position - len(out)))
        out[position - 1] = value


def _procedure(proc: ProcedureIdentifier | None) -> tuple[str, ...] | str:
    if proc is None:
        return ""
    if proc.description:
        return (proc.qualifier, proc.code, *(proc.modifiers + ("", "", "", ""))[:4], proc.description)
    return (proc.qualifier, proc.code, *proc.modifiers)


def _references(out: Out, refs: Iterable[Reference]) -> None:
    for ref in refs:
        out.append(("REF", ref.qualifier, ref.value, ref.description))


def _amounts(out: Out, amounts: Iterable[Amount], quantities: Iterable[SupplementalQuantity]) -> None:
    for amount in amounts:
        out.append(("AMT", amount.qualifier, _num(amount.amount)))
    for qty in quantities:
        out.append(("QTY", qty.qualifier, _num(qty.quantity)))


def _present(out: Out, seg: tuple[str, ...], start: int = 1) -> None:  # type: ignore[type-arg]
    """Add the segment unless every element from ``start`` on is empty (an absent segment stays absent)."""
    if any(seg[start:]):
        out.append(seg)


def _raw(out: Out, extra: Iterable[RawSegment]) -> None:
    for seg in extra:
        out.append(seg)


def _num(value: Decimal | None) -> str:
    """``text`` for a Decimal (digits kept), without its type tests: this runs for every amount."""
    return "" if value is None else number_text(value)


@lru_cache(maxsize=1 << 12)
def _ccyymmdd(value: date) -> str:
    return text(value)


def _day(value: date | None) -> str:
    return "" if value is None else _ccyymmdd(value)
