"""``Remittance`` → the built segments between ST and SE, in the order of the guide (pyx12's map ``pos`` values).

Header: BPR, TRN, CUR, REF*EV, REF*F2, DTM*405; 1000A N1*PR N3 N4 REF PER; 1000B N1*PE N3 N4 REF RDM. Per LX (2000):
LX, TS3, TS2; per claim (2100): CLP, CAS, NM1 QC/IL/74/82/TT/PR/GB, MIA, MOA, REF, DTM 232/233/036/050, PER, AMT,
QTY; per line (2110): SVC, DTM 150/151/472, CAS, REF (service ids, 6R, then the others), AMT, QTY, LQ. Then PLB.
A loop's ``extra`` segments follow its own segments, before its child loops. Consecutive adjustments of one group
share a CAS (six to a segment), so the adjustments read back in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from itertools import groupby
from typing import TYPE_CHECKING, Any

from edi.models._base import RawSegment, text
from edi.models.common import Adjustment, Amount, Reference, cas_segments, name_segments
from edi.x12._writer import Built

if TYPE_CHECKING:
    from edi.models.remittance import (ClaimPayment, HeaderNumber, ProcedureIdentifier, ProviderAdjustment,
                                       Remittance, ServicePayment, SupplementalQuantity)

# 2110 REF*… that the guide puts before REF*6R ("Service Identification")
SERVICE_ID_REFS = frozenset({"1S", "APC", "BB", "E9", "G1", "G3", "LU", "RB"})


def remittance_segments(remit: Remittance) -> Iterator[Built]:
    yield from _present(("BPR", *table_elements(remit.BPR, remit)))
    yield from _present(("TRN", *table_elements(remit.TRN, remit)))
    yield from _present(("CUR", remit.currency_entity, remit.currency_code))
    yield from _present(("REF", "EV", remit.receiver_id), 2)
    yield from _present(("REF", "F2", remit.version_id), 2)
    yield from _present(("DTM", "405", text(remit.production_date)), 2)
    yield from _raw(remit.extra)
    if remit.payer is not None:
        yield from name_segments(remit.payer, n1=True)
    yield from _raw(remit.payer_extra)
    if remit.payee is not None:
        yield from name_segments(remit.payee, n1=True)
    if remit.remittance_delivery is not None:
        yield ("RDM", *table_elements(remit.remittance_delivery.ELEMENTS, remit.remittance_delivery))
    yield from _raw(remit.payee_extra)
    for n, header in enumerate(remit.headers, 1):
        yield from header_segments(header, str(n))
    for plb in remit.provider_adjustments:
        yield provider_adjustment_segment(plb)
    yield from _raw(remit.footer_extra)


def header_segments(header: HeaderNumber, default_number: str) -> Iterator[Built]:
    yield ("LX", header.number or default_number)
    if header.provider_summary is not None:
        yield ("TS3", *table_elements(header.provider_summary.ELEMENTS, header.provider_summary))
    if header.supplemental_summary is not None:
        yield ("TS2", *table_elements(header.supplemental_summary.ELEMENTS, header.supplemental_summary))
    yield from _raw(header.extra)
    for claim in header.claims:
        yield from claim_segments(claim)


def claim_segments(claim: ClaimPayment) -> Iterator[Built]:
    yield ("CLP", claim.patient_control_number, claim.status_code, text(claim.total_charge),
           text(claim.paid_amount), text(claim.patient_responsibility), claim.filing_indicator_code,
           claim.payer_claim_control_number, claim.facility_type_code, claim.frequency_code, "", claim.drg_code,
           text(claim.drg_weight), text(claim.discharge_fraction))
    yield from adjustment_segments(claim.adjustments)
    for party in (claim.patient, claim.insured, claim.corrected_patient, claim.service_provider,
                  claim.crossover_carrier, claim.corrected_priority_payer, claim.other_subscriber):
        if party is not None:
            yield from name_segments(party)
    if claim.inpatient is not None:
        yield ("MIA", *table_elements(claim.inpatient.ELEMENTS, claim.inpatient))
    if claim.outpatient is not None:
        yield ("MOA", *table_elements(claim.outpatient.ELEMENTS, claim.outpatient))
    yield from _references(claim.references)
    for qualifier, when in (("232", claim.statement_from), ("233", claim.statement_to),
                            ("036", claim.coverage_expiration), ("050", claim.received_date)):
        if when is not None:
            yield ("DTM", qualifier, text(when))
    for contact in claim.contacts:
        yield ("PER", contact.function, contact.name, *[v for pair in contact.channels for v in pair])
    yield from _amounts(claim.amounts, claim.quantities)
    yield from _raw(claim.extra)
    for service in claim.services:
        yield from service_segments(service)


def service_segments(service: ServicePayment) -> Iterator[Built]:
    original = service.original_procedure
    yield ("SVC", _procedure(service.procedure), text(service.charge), text(service.paid_amount),
           service.revenue_code, text(service.units), _procedure(original) if original is not None else "",
           text(service.original_units))
    for qualifier, when in (("150", service.service_from), ("151", service.service_to),
                            ("472", service.service_date)):
        if when is not None:
            yield ("DTM", qualifier, text(when))
    yield from adjustment_segments(service.adjustments)
    refs = service.references
    lead = 0
    while lead < len(refs) and refs[lead].qualifier in SERVICE_ID_REFS:
        lead += 1
    yield from _references(refs[:lead])
    if service.line_item_control_number:
        yield ("REF", "6R", service.line_item_control_number)
    yield from _references(refs[lead:])
    yield from _amounts(service.amounts, service.quantities)
    for qualifier, code in service.remarks:
        yield ("LQ", qualifier, code)
    yield from _raw(service.extra)


def provider_adjustment_segment(plb: ProviderAdjustment) -> Built:
    pairs: list[Any] = []
    for item in plb.items:
        pairs += [(item.reason, item.reference), text(item.amount)]
    return ("PLB", plb.provider_id, text(plb.fiscal_period_date), *pairs)


def adjustment_segments(adjustments: Iterable[Adjustment]) -> Iterator[Built]:
    """CAS segments: one per run of adjustments with the same group code (six triplets to a segment)."""
    for _, run in groupby(adjustments, key=lambda adj: adj.group):
        yield from cas_segments(run)


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


def _references(refs: Iterable[Reference]) -> Iterator[Built]:
    for ref in refs:
        yield ("REF", ref.qualifier, ref.value, ref.description)


def _amounts(amounts: Iterable[Amount], quantities: Iterable[SupplementalQuantity]) -> Iterator[Built]:
    for amount in amounts:
        yield ("AMT", amount.qualifier, text(amount.amount))
    for qty in quantities:
        yield ("QTY", qty.qualifier, text(qty.quantity))


def _present(seg: tuple[str | Decimal | date, ...], start: int = 1) -> Iterator[Built]:
    """The segment, unless every element from ``start`` on is empty (an absent segment stays absent)."""
    if any(seg[start:]):
        yield seg  # type: ignore[misc]


def _raw(extra: Iterable[RawSegment]) -> Iterator[Built]:
    for seg in extra:
        yield seg.elements
