"""835 loop tree → ``Remittance``: one pass over each loop's children, models built straight from the segments.

Only segments the guide placed (``node.spec`` set) fill typed fields; the others, and repeats a single field
cannot hold, go to the loop model's ``extra`` in file order. Reading never raises on bad data.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from edi.guide import FoldedLoop, Loop, SegmentNode, TransactionTree
from edi.models import _base
from edi.models._base import RawSegment, Source
from edi.models._raw import envelope_of, envelope_source, transaction_source
from edi.models.common import Adjustment, Amount, Party, Reference, contact_of, party_of
from edi.models.remittance import (ClaimPayment, HeaderNumber, InpatientAdjudication, OutpatientAdjudication,
                                   ProcedureIdentifier, ProviderAdjustment, ProviderAdjustmentItem, ProviderSummary,
                                   ProviderSupplementalSummary, Remittance, RemittanceDelivery, ServicePayment,
                                   SupplementalQuantity, Table)
from edi.x12 import Segment, Transaction

# NM1 entity code → ClaimPayment field
CLAIM_NAMES = {"QC": "patient", "IL": "insured", "74": "corrected_patient", "82": "service_provider",
               "TT": "crossover_carrier", "PR": "corrected_priority_payer", "GB": "other_subscriber"}
CLAIM_DATES = {"232": "statement_from", "233": "statement_to", "036": "coverage_expiration", "050": "received_date"}
SERVICE_DATES = {"150": "service_from", "151": "service_to", "472": "service_date"}
HEADER_REFS = {"EV": "receiver_id", "F2": "version_id"}
ZERO = Decimal(0)
# Amounts and dates repeat a lot in a remittance; Decimal and date are immutable, so parsed values are shared.
money = lru_cache(maxsize=1 << 12)(_base.money)
day = lru_cache(maxsize=1 << 12)(_base.day)


def fold_claim(loop: Loop, envelope: Transaction) -> ClaimPayment:
    """A 2100 loop into its ClaimPayment the moment it closes (see edi.guide.walk_file's ``folds``)."""
    return _claim(loop, envelope_source(envelope))


FOLDS = {"2100": fold_claim}


def read_835(tree: TransactionTree) -> Remittance:
    """The typed remittance of one 835 transaction tree (from ``edi.guide.iter_transactions``)."""
    txn = transaction_source(tree)
    headers: list[HeaderNumber] = []
    plbs: list[ProviderAdjustment] = []
    footer_extra: list[RawSegment] = []
    fields, extra = head_fields(tree.root.children, txn)
    for child in tree.root.children:
        if child.__class__ is not Loop:
            continue
        kind = child.spec.id  # type: ignore[union-attr]
        if kind == "DETAIL":
            for loop in child.children:  # type: ignore[union-attr]
                if isinstance(loop, Loop) and loop.spec.id == "2000":
                    headers.append(_header_number(loop, txn))
                else:
                    extra += _raw(loop)
        elif kind == "FOOTER":  # each PLB may come in a FOOTER of its own
            _footer(child, txn, plbs, footer_extra)  # type: ignore[arg-type]
    return Remittance(**fields, extra=tuple(extra), headers=tuple(headers), provider_adjustments=tuple(plbs),
                      footer_extra=tuple(footer_extra), source=txn, envelope=envelope_of(tree.envelope))


def head_fields(children: list[Loop | SegmentNode], txn: Source) -> tuple[dict[str, Any], list[RawSegment]]:
    """The remittance's own fields from the transaction's children but DETAIL and FOOTER: BPR … DTM*405, payer,
    payee, and the segments no field covers (ST and SE are the envelope's)."""
    fields: dict[str, Any] = {}
    extra: list[RawSegment] = []
    for child in children:
        if isinstance(child, Loop):
            kind = child.spec.id
            if kind == "HEADER":
                _header(child, txn, fields, extra)
            elif kind not in ("DETAIL", "FOOTER"):
                extra += _raw(child)
        elif child.segment.id not in ("ST", "SE"):
            extra.append(RawSegment(elements=child.segment.elements))
    return fields, extra


# -- header: BPR … DTM*405, payer, payee ------------------------------------------------------------------
def _header(loop: Loop, txn: Source, fields: dict[str, Any], extra: list[RawSegment]) -> None:
    for child in loop.children:
        if isinstance(child, Loop):
            if child.spec.id == "1000A" and "payer" not in fields:
                fields["payer"] = party_of(child, txn)
                fields["payer_extra"] = _party_extra(child, fields)
            elif child.spec.id == "1000B" and "payee" not in fields:
                fields["payee"] = party_of(child, txn)
                fields["payee_extra"] = _party_extra(child, fields)
            else:
                extra += _raw(child)
            continue
        seg = child.segment
        if child.spec is None or not _header_segment(seg, fields):
            extra.append(RawSegment(elements=seg.elements))


def _header_segment(seg: Segment, fields: dict[str, Any]) -> bool:
    """Put a header segment into ``fields``; False when it has no field (or its field is already taken)."""
    sid = seg.id
    if sid == "BPR" and "total_actual_provider_payment" not in fields:
        fields.update(table_fields(Remittance.BPR, seg.elements))
    elif sid == "TRN" and "trace_type_code" not in fields:
        fields.update(table_fields(Remittance.TRN, seg.elements))
    elif sid == "CUR" and "currency_entity" not in fields:
        fields["currency_entity"], fields["currency_code"] = seg[1], seg[2]
    elif sid == "REF" and seg[1] in HEADER_REFS and HEADER_REFS[seg[1]] not in fields:
        fields[HEADER_REFS[seg[1]]] = seg[2]
    elif sid == "DTM" and seg[1] == "405" and "production_date" not in fields:
        fields["production_date"] = day(seg[2])
    else:
        return False
    return True


def _party_extra(loop: Loop, fields: dict[str, Any]) -> tuple[RawSegment, ...]:
    """The segments of a 1000A/1000B loop that ``party_of`` (and RDM) did not take: repeats of N3/N4, others."""
    children = [c for c in loop.children[1:] if isinstance(c, SegmentNode)]
    last = {c.segment.id: i for i, c in enumerate(children)}
    extra = []
    for i, child in enumerate(children):
        sid = child.segment.id
        if sid in ("REF", "PER") or (sid in ("N3", "N4") and last[sid] == i):
            continue
        if sid == "RDM" and child.spec is not None and "remittance_delivery" not in fields:
            fields["remittance_delivery"] = RemittanceDelivery(
                **table_fields(RemittanceDelivery.ELEMENTS, child.segment.elements))
            continue
        extra.append(RawSegment(elements=child.segment.elements))
    return tuple(extra)


def _footer(loop: Loop, txn: Source, plbs: list[ProviderAdjustment], extra: list[RawSegment]) -> None:
    for child in loop.children:
        if isinstance(child, SegmentNode):
            if child.spec is not None and child.segment.id == "PLB":
                plbs.append(_plb(child.segment, txn))
            else:
                extra.append(RawSegment(elements=child.segment.elements))


def _plb(seg: Segment, txn: Source) -> ProviderAdjustment:
    items = []
    for n in range(3, len(seg.elements), 2):
        reason = seg.components(n)
        amount = seg[n + 1]
        if reason[0] or amount or len(reason) > 1:
            items.append(ProviderAdjustmentItem(reason=reason[0], reference=reason[1] if len(reason) > 1 else "",
                                                amount=money(amount)))
    return ProviderAdjustment(provider_id=seg[1], fiscal_period_date=day(seg[2]), items=tuple(items),
                              source=_source(seg, txn))


# -- 2000 header number ----------------------------------------------------------------------------------
def _header_number(loop: Loop, txn: Source, with_claims: bool = True) -> HeaderNumber:
    """Loop 2000: LX, TS3, TS2 and (``with_claims``) its claim payments; the streaming reader emits the claims
    on their own."""
    lx = loop.children[0].segment  # type: ignore[union-attr]
    claims: list[ClaimPayment] = []
    extra: list[RawSegment] = []
    ts3 = ts2 = None
    for child in loop.children[1:]:
        if isinstance(child, Loop):
            if with_claims:
                claims.append(child.value if isinstance(child, FoldedLoop) else _claim(child, txn))  # type: ignore[arg-type]
            continue
        seg = child.segment
        if child.spec is not None and seg.id == "TS3" and ts3 is None:
            ts3 = ProviderSummary(**table_fields(ProviderSummary.ELEMENTS, seg.elements), source=_source(seg, txn))
        elif child.spec is not None and seg.id == "TS2" and ts2 is None:
            ts2 = ProviderSupplementalSummary(**table_fields(ProviderSupplementalSummary.ELEMENTS, seg.elements),
                                              source=_source(seg, txn))
        else:
            extra.append(RawSegment(elements=seg.elements))
    return HeaderNumber(number=lx[1], provider_summary=ts3, supplemental_summary=ts2, claims=tuple(claims),
                        extra=tuple(extra), source=_source(lx, txn))


# -- 2100 claim payment ----------------------------------------------------------------------------------
# The two hot loops below index padded element tuples instead of calling ``Segment.__getitem__``: a 10k-claim
# file has ~200k segments, and the call per element was a fifth of the read time.
PAD = ("", "", "", "")


def _claim(loop: Loop, txn: Source) -> ClaimPayment:
    children = loop.children
    clp = children[0].segment  # type: ignore[union-attr]
    e = clp.elements
    if len(e) < 14:
        e = e + ("",) * (14 - len(e))
    fields: dict[str, Any] = {}
    adjustments: list[Adjustment] = []
    references: list[Reference] = []
    amounts: list[Amount] = []
    quantities: list[SupplementalQuantity] = []
    contacts = []
    services: list[ServicePayment] = []
    extra: list[RawSegment] = []
    for child in children[1:]:
        if child.__class__ is Loop:
            services.append(_service(child, txn))  # type: ignore[arg-type]
            continue
        seg = child.segment  # type: ignore[union-attr]
        el = seg.elements
        if len(el) < 4:
            el = el + PAD
        sid = el[0]
        if child.spec is None:  # type: ignore[union-attr]
            extra.append(RawSegment(elements=seg.elements))
        elif sid == "CAS":
            adjustments.extend(_adjustments(el))
        elif sid == "NM1" and el[1] in CLAIM_NAMES and CLAIM_NAMES[el[1]] not in fields:
            fields[CLAIM_NAMES[el[1]]] = _name(seg, txn)
        elif sid == "DTM" and el[1] in CLAIM_DATES and CLAIM_DATES[el[1]] not in fields:
            fields[CLAIM_DATES[el[1]]] = day(el[2])
        elif sid == "REF":
            references.append(Reference(qualifier=el[1], value=el[2], description=el[3]))
        elif sid == "AMT":
            amounts.append(_amt(el))
        elif sid == "QTY":
            quantities.append(SupplementalQuantity(qualifier=el[1], quantity=money(el[2])))
        elif sid == "PER":
            contacts.append(contact_of(seg))
        elif sid == "MIA" and "inpatient" not in fields:
            fields["inpatient"] = InpatientAdjudication(**table_fields(InpatientAdjudication.ELEMENTS, el),
                                                        source=_source(seg, txn))
        elif sid == "MOA" and "outpatient" not in fields:
            fields["outpatient"] = OutpatientAdjudication(**table_fields(OutpatientAdjudication.ELEMENTS, el),
                                                          source=_source(seg, txn))
        else:
            extra.append(RawSegment(elements=seg.elements))
    return ClaimPayment(
        patient_control_number=e[1], status_code=e[2], total_charge=money(e[3]), paid_amount=money(e[4]),
        patient_responsibility=money(e[5]), filing_indicator_code=e[6], payer_claim_control_number=e[7],
        facility_type_code=e[8], frequency_code=e[9], drg_code=e[11], drg_weight=money(e[12]),
        discharge_fraction=money(e[13]), adjustments=tuple(adjustments), references=tuple(references),
        contacts=tuple(contacts), amounts=tuple(amounts), quantities=tuple(quantities), services=tuple(services),
        extra=tuple(extra), source=_source(clp, txn), **fields)


def _name(seg: Segment, txn: Source) -> Party:
    """An NM1 that stands alone in its loop (the 835's 2100 names) as a Party."""
    e = seg.elements
    if len(e) < 10:
        e = e + ("",) * (10 - len(e))
    return Party(entity=e[1], entity_type=e[2], last_name=e[3], first_name=e[4], middle_name=e[5], suffix=e[7],
                 id_qualifier=e[8], id=e[9], source=_source(seg, txn))


# -- 2110 service payment --------------------------------------------------------------------------------
def _service(loop: Loop, txn: Source) -> ServicePayment:
    children = loop.children
    svc = children[0].segment  # type: ignore[union-attr]
    e = svc.elements
    if len(e) < 8:
        e = e + ("",) * (8 - len(e))
    fields: dict[str, Any] = {}
    adjustments: list[Adjustment] = []
    references: list[Reference] = []
    amounts: list[Amount] = []
    quantities: list[SupplementalQuantity] = []
    remarks: list[tuple[str, str]] = []
    extra: list[RawSegment] = []
    for child in children[1:]:
        seg = child.segment  # type: ignore[union-attr]
        el = seg.elements
        if len(el) < 4:
            el = el + PAD
        sid = el[0]
        if child.spec is None:  # type: ignore[union-attr]
            extra.append(RawSegment(elements=seg.elements))
        elif sid == "DTM" and el[1] in SERVICE_DATES and SERVICE_DATES[el[1]] not in fields:
            fields[SERVICE_DATES[el[1]]] = day(el[2])
        elif sid == "CAS":
            adjustments.extend(_adjustments(el))
        elif sid == "REF" and el[1] == "6R" and "line_item_control_number" not in fields:
            fields["line_item_control_number"] = el[2]
        elif sid == "REF":
            references.append(Reference(qualifier=el[1], value=el[2], description=el[3]))
        elif sid == "AMT":
            amounts.append(_amt(el))
        elif sid == "QTY":
            quantities.append(SupplementalQuantity(qualifier=el[1], quantity=money(el[2])))
        elif sid == "LQ":
            remarks.append((el[1], el[2]))
        else:
            extra.append(RawSegment(elements=seg.elements))
    return ServicePayment(
        procedure=_procedure(svc, 1), charge=money(e[2]), paid_amount=money(e[3]), revenue_code=e[4],
        units=money(e[5]), original_procedure=_procedure(svc, 6) if e[6] else None, original_units=money(e[7]),
        adjustments=tuple(adjustments), references=tuple(references), amounts=tuple(amounts),
        quantities=tuple(quantities), remarks=tuple(remarks), extra=tuple(extra), source=_source(svc, txn),
        **fields)


def _procedure(seg: Segment, n: int) -> ProcedureIdentifier | None:
    return _procedure_of(seg[n], seg.delimiters.component if seg.delimiters else ":")


@lru_cache(maxsize=4096)  # procedures repeat (a fee schedule's codes); a ProcedureIdentifier is immutable
def _procedure_of(value: str, sep: str) -> ProcedureIdentifier | None:
    parts = tuple(value.split(sep))
    if len(parts) == 1:
        return ProcedureIdentifier(qualifier=parts[0]) if parts[0] else None
    modifiers = parts[2:6]
    while modifiers and not modifiers[-1]:
        modifiers = modifiers[:-1]
    return ProcedureIdentifier(qualifier=parts[0], code=parts[1], modifiers=modifiers,
                               description=parts[6] if len(parts) > 6 else "")


# -- small parts -----------------------------------------------------------------------------------------
def _adjustments(e: tuple[str, ...]) -> list[Adjustment]:
    """``common.adjustments_of`` with cached parsing: CAS is the most frequent segment of a large 835."""
    if len(e) < 20:
        e = e + ("",) * (20 - len(e))
    out = []
    for n in (2, 5, 8, 11, 14, 17):
        if e[n]:
            amount = money(e[n + 1])
            out.append(Adjustment(group=e[1], reason=e[n], amount=ZERO if amount is None else amount,
                                  quantity=money(e[n + 2])))
    return out


def _amt(el: tuple[str, ...]) -> Amount:
    value = money(el[2])
    return Amount(qualifier=el[1], amount=value if value is not None else ZERO)


def _raw(node: Loop | SegmentNode) -> list[RawSegment]:
    """Everything in a loop (or one segment) that no model field can take, kept as raw segments."""
    nodes = node.segments() if isinstance(node, Loop) else (node,)
    return [RawSegment(elements=n.segment.elements) for n in nodes]


def _source(seg: Segment, txn: Source) -> Source:
    return Source(interchange=txn.interchange, group=txn.group, transaction=txn.transaction, segment=seg.index)


def table_fields(table: Table, elements: tuple[str, ...]) -> dict[str, Any]:
    """Fields from a flat segment's elements per a model's ELEMENTS table (see ``remittance.Table``)."""
    size = len(elements)
    out: dict[str, Any] = {}
    for name, at, kind in table:
        if kind == "r":
            codes = [elements[i] if i < size else "" for i in at]  # type: ignore[union-attr]
            while codes and not codes[-1]:
                codes.pop()
            out[name] = tuple(codes)
            continue
        raw = elements[at] if at < size else ""  # type: ignore[operator]
        out[name] = raw if kind == "s" else money(raw) if kind == "n" else day(raw)
    return out
