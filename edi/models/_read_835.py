"""835 loop tree → ``Remittance``: one pass over each loop's children, models built straight from the segments.

Only segments the guide placed (``node.spec`` set) fill typed fields; the others, repeats a single field
cannot hold, and repeating segments a model cannot give back as read (a REF with REF04, an AMT of ".5", a DTM
with a time) go to the loop model's ``extra`` in file order. What a single segment holds beyond its fields (an
element the guide does not use, an invalid date) goes to its model's ``unheld``. Reading never raises on bad data.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from edi.guide import FoldedLoop, Loop, SegmentNode, TransactionTree
from edi.models import _base
from edi.models._base import (LOOSE, NO_NUMBER, Held, RawSegment, Source, Unheld, bare, canonical, core,
                              has_separators, numbers_exact, separators)
from edi.models._raw import envelope_of, envelope_source, transaction_source
from edi.models.common import NM1, Adjustment, Amount, Party, Reference, cas_adjustments, exact_contact, party_of
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
    known, txn = _latest
    if known is not envelope:  # the claims of a transaction come one after another: its source is made once
        txn = envelope_source(envelope)
        _latest[:] = (envelope, txn)
    return _claim(loop, txn)


_latest: list[Any] = [None, None]  # the transaction envelope of the latest claim folded, and its Source


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
CUR = Held("CUR", "s", "s")


def _header(loop: Loop, txn: Source, fields: dict[str, Any], extra: list[RawSegment]) -> None:
    unheld: list[tuple[str, str]] = []
    for child in loop.children:
        if isinstance(child, Loop):
            name = _PARTIES.get(child.spec.id, "")
            if name and name not in fields:
                rest: list[RawSegment] = []
                fields[name] = party_of(child, txn, rest)
                fields[f"{name}_extra"] = _party_extra(rest, fields) if name == "payee" else tuple(rest)
            else:
                extra += _raw(child)
            continue
        seg = child.segment
        if child.spec is None or not _header_segment(seg, fields, unheld):
            extra.append(RawSegment(elements=seg.elements))
    if unheld:
        fields["unheld"] = tuple(unheld)


_PARTIES = {"1000A": "payer", "1000B": "payee"}


def _header_segment(seg: Segment, fields: dict[str, Any], unheld: list[tuple[str, str]]) -> bool:
    """Put a header segment into ``fields``; False when it has no field (or its field is already taken, or it is
    present but empty, or a repeating one the field cannot hold as read)."""
    sid = seg.id
    e = core(seg.elements)
    if bare(seg):
        return False
    if sid == "BPR" and "transaction_handling_code" not in fields:
        found, more = table_fields(Remittance.BPR, seg)
        fields.update(found)
        unheld += more
    elif sid == "TRN" and "trace_type_code" not in fields:
        found, more = table_fields(Remittance.TRN, seg)
        fields.update(found)
        unheld += more
    elif sid == "CUR" and "currency_entity" not in fields:
        fields["currency_entity"], fields["currency_code"] = seg[1], seg[2]
        unheld += CUR.unheld(e, *separators(seg))
    elif sid == "REF" and seg[1] in HEADER_REFS and HEADER_REFS[seg[1]] not in fields:
        if len(e) != 3 or has_separators(seg):
            return False
        fields[HEADER_REFS[seg[1]]] = seg[2]
    elif sid == "DTM" and seg[1] == "405" and "production_date" not in fields:
        produced = day(seg[2])
        if produced is None or len(e) != 3:
            return False
        fields["production_date"] = produced
    else:
        return False
    return True


def _party_extra(rest: list[RawSegment], fields: dict[str, Any]) -> tuple[RawSegment, ...]:
    """What ``party_of`` did not take from the 1000B loop, but its RDM."""
    kept = []
    for raw in rest:
        if raw.id == "RDM" and "remittance_delivery" not in fields:
            found, unheld = table_fields(RemittanceDelivery.ELEMENTS, Segment.of(raw.elements))
            fields["remittance_delivery"] = RemittanceDelivery(**found, unheld=tuple(unheld))
        else:
            kept.append(raw)
    return tuple(kept)


def _footer(loop: Loop, txn: Source, plbs: list[ProviderAdjustment], extra: list[RawSegment]) -> None:
    for child in loop.children:
        if isinstance(child, SegmentNode):
            plb = _plb(child.segment, txn) if child.spec is not None and child.segment.id == "PLB" else None
            if plb is not None:
                plbs.append(plb)
            else:
                extra.append(RawSegment(elements=child.segment.elements))
        else:
            extra += _raw(child)


def _plb(seg: Segment, txn: Source) -> ProviderAdjustment | None:
    """A PLB, or None when its model cannot give it back as read (then it is kept raw): an empty pair before a
    filled one, a reason with more than two components, an amount or date not written as read."""
    e = core(seg.elements)
    if len(e) < 3 or (e[2] and day(e[2]) is None) or seg.delimiters is None:
        return None
    component, repetition = separators(seg)
    if component in e[1] or component in e[2] or (repetition and any(repetition in v for v in e[1:])):
        return None
    items = []
    closed = False
    for n in range(3, len(e), 2):
        reason = seg.components(n)
        amount = seg[n + 1]
        if reason == ("",) and not amount:
            closed = True
            continue
        if closed or len(reason) > 2 or (amount and not canonical(amount)):
            return None
        items.append(ProviderAdjustmentItem(reason=reason[0], reference=reason[1] if len(reason) > 1 else "",
                                            amount=money(amount)))
    return ProviderAdjustment(provider_id=e[1], fiscal_period_date=day(e[2]), items=tuple(items),
                              source=_source(seg, txn))


# -- 2000 header number ----------------------------------------------------------------------------------
LX = Held("LX", "s")


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
                claims.append(child.value if isinstance(child, FoldedLoop)  # type: ignore[arg-type]
                              else _claim(child, txn))
            continue
        seg = child.segment
        if child.spec is not None and seg.id == "TS3" and ts3 is None:
            found, unheld = table_fields(ProviderSummary.ELEMENTS, seg)
            ts3 = ProviderSummary(**found, unheld=unheld, source=_source(seg, txn))
        elif child.spec is not None and seg.id == "TS2" and ts2 is None:
            found, unheld = table_fields(ProviderSupplementalSummary.ELEMENTS, seg)
            ts2 = ProviderSupplementalSummary(**found, unheld=unheld, source=_source(seg, txn))
        else:
            extra.append(RawSegment(elements=seg.elements))
    number = lx[1]
    held = LX.unheld(lx.elements, *separators(lx)) if len(lx.elements) > 2 or has_separators(lx) else ()
    return HeaderNumber(number=number, provider_summary=ts3, supplemental_summary=ts2, claims=tuple(claims),
                        extra=tuple(extra), unheld=held if number else (NO_NUMBER, *held),
                        source=_source(lx, txn))


# -- 2100 claim payment ----------------------------------------------------------------------------------
# The two hot loops below index padded element tuples instead of calling ``Segment.__getitem__``: a 10k-claim
# file has ~200k segments, and the call per element was a fifth of the read time. A segment a field cannot give
# back as read is checked for with a few cheap tests first (lengths, cached number checks, one scan for
# separators); only then is it looked at element by element.
PAD = ("", "", "", "")
CLP = Held("CLP", "s", "s", "n", "n", "n", "s", "s", "s", "s", "", "s", "n", "n")
SVC = Held("SVC", "csssssss", "n", "n", "s", "n", "csssssss", "n")


def _claim(loop: Loop, txn: Source) -> ClaimPayment:
    children = loop.children
    clp = children[0].segment  # type: ignore[union-attr]
    e0 = clp.elements
    e = e0 + ("",) * (14 - len(e0)) if len(e0) < 14 else e0
    component, repetition = separators(clp)
    repeat = repetition or component  # (a second look for the component separator when there is no repetition one)
    join = "".join
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
            services.append(_service(child, txn, component, repeat))  # type: ignore[arg-type]
            continue
        seg = child.segment  # type: ignore[union-attr]
        el = seg.elements
        if not el[-1]:
            el = core(el)
        size = len(el)
        if size < 4:
            el = el + PAD
        sid = el[0]
        found: Any = None
        if child.spec is None:  # type: ignore[union-attr]
            pass
        elif sid == "DTM":  # (a date and a qualifier matched exactly hold no separator)
            if el[1] in CLAIM_DATES and CLAIM_DATES[el[1]] not in fields and size == 3:
                found = day(el[2])
                if found is not None:
                    fields[CLAIM_DATES[el[1]]] = found
        elif component in (text := join(el)) or repeat in text:
            pass  # kept raw: a separator where a field would hold it
        elif sid == "CAS":
            found = cas_adjustments(el[:size], adjustments[-1].group if adjustments else None)
            if found is not None:
                adjustments += found
        elif sid == "NM1" and el[1] in CLAIM_NAMES and CLAIM_NAMES[el[1]] not in fields:
            found = fields[CLAIM_NAMES[el[1]]] = _name(seg, txn)
        elif sid == "REF":
            if 2 <= size <= 4:
                found = Reference(el[1], el[2], el[3])
                references.append(found)
        elif sid == "AMT":
            value = money(el[2]) if size == 3 else None
            if value is not None and (not LOOSE.seen or numbers_exact(el[2])):
                found = Amount(el[1], value)
                amounts.append(found)
        elif sid == "QTY":
            found = _quantity(el, size)
            if found is not None:
                quantities.append(found)
        elif sid == "PER":
            found = exact_contact(seg)
            if found is not None:
                contacts.append(found)
        elif sid == "MIA" and "inpatient" not in fields:
            values, unheld = table_fields(InpatientAdjudication.ELEMENTS, seg)
            found = fields["inpatient"] = InpatientAdjudication(**values, unheld=unheld, source=_source(seg, txn))
        elif sid == "MOA" and "outpatient" not in fields:
            values, unheld = table_fields(OutpatientAdjudication.ELEMENTS, seg)
            found = fields["outpatient"] = OutpatientAdjudication(**values, unheld=unheld, source=_source(seg, txn))
        if found is None:
            extra.append(RawSegment(elements=seg.elements))
    total, paid, patient, weight, fraction = money(e[3]), money(e[4]), money(e[5]), money(e[12]), money(e[13])
    text = join(e0)
    suspect = len(e0) > 14 or e[10] or (LOOSE.seen and not numbers_exact(e[3], e[4], e[5], e[12], e[13])) \
        or component in text or repeat in text
    get = fields.get
    # positional, in CLAIM_PAYMENT_FIELDS order (a wide keyword call costs ~5x more in msgspec)
    return ClaimPayment(
        e[1], e[2], total, paid, patient, e[6], e[7], e[8], e[9], e[11], weight, fraction, tuple(adjustments),
        get("patient"), get("insured"), get("corrected_patient"), get("service_provider"), get("crossover_carrier"),
        get("corrected_priority_payer"), get("other_subscriber"), get("inpatient"), get("outpatient"),
        tuple(references), get("statement_from"), get("statement_to"), get("coverage_expiration"),
        get("received_date"), tuple(contacts), tuple(amounts), tuple(quantities), tuple(services), tuple(extra),
        CLP.unheld(e0, component, repetition) if suspect else (), _source(clp, txn))


def _name(seg: Segment, txn: Source) -> Party:
    """An NM1 that stands alone in its loop (the 835's 2100 names) as a Party (its caller checked separators)."""
    e = seg.elements
    unheld = NM1.unheld(e, *separators(seg)) if len(e) > 10 or (len(e) > 6 and e[6]) else ()
    if len(e) < 10:
        e = e + ("",) * (10 - len(e))
    return Party(e[1], e[2], e[3], e[4], e[5], e[7], e[8], e[9], None, (), (), unheld, _source(seg, txn))


def _quantity(el: tuple[str, ...], size: int) -> SupplementalQuantity | None:
    """A QTY as read (QTY01, QTY02), else None; ``el`` without trailing empty elements (``size`` of them)."""
    if not 2 <= size <= 3:
        return None
    value = money(el[2])
    if (el[2] and value is None) or not numbers_exact(el[2]):
        return None
    return SupplementalQuantity(qualifier=el[1], quantity=value)


# -- 2110 service payment --------------------------------------------------------------------------------
def _service(loop: Loop, txn: Source, component: str, repeat: str) -> ServicePayment:
    children = loop.children
    svc = children[0].segment  # type: ignore[union-attr]
    e0 = svc.elements
    e = e0 + ("",) * (8 - len(e0)) if len(e0) < 8 else e0
    join = "".join
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
        if not el[-1]:
            el = core(el)
        size = len(el)
        if size < 4:
            el = el + PAD
        sid = el[0]
        found: Any = None
        if child.spec is None:  # type: ignore[union-attr]
            pass
        elif sid == "DTM":
            if el[1] in SERVICE_DATES and SERVICE_DATES[el[1]] not in fields and size == 3:
                found = day(el[2])
                if found is not None:
                    fields[SERVICE_DATES[el[1]]] = found
        elif component in (text := join(el)) or repeat in text:
            pass
        elif sid == "CAS":
            found = cas_adjustments(el[:size], adjustments[-1].group if adjustments else None)
            if found is not None:
                adjustments += found
        elif sid == "REF":
            if 2 <= size <= 4:
                if el[1] == "6R" and el[2] and "line_item_control_number" not in fields and size == 3:
                    found = fields["line_item_control_number"] = el[2]
                else:
                    found = Reference(el[1], el[2], el[3])
                    references.append(found)
        elif sid == "AMT":
            value = money(el[2]) if size == 3 else None
            if value is not None and (not LOOSE.seen or numbers_exact(el[2])):
                found = Amount(el[1], value)
                amounts.append(found)
        elif sid == "QTY":
            found = _quantity(el, size)
            if found is not None:
                quantities.append(found)
        elif sid == "LQ":
            if 2 <= size <= 3:
                found = (el[1], el[2])
                remarks.append(found)
        if found is None:
            extra.append(RawSegment(elements=seg.elements))
    charge, paid, units, original = money(e[2]), money(e[3]), money(e[5]), money(e[7])
    text = join(e0)
    first = e[1].count(component)
    suspect = len(e0) > 8 or first > 6 or (LOOSE.seen and not numbers_exact(e[2], e[3], e[5], e[7])) or (
        repeat != component and repeat in text) or (text.count(component) != first and _odd_procedures(
            e0, component, repeat))
    get = fields.get
    # positional, in SERVICE_PAYMENT_FIELDS order
    return ServicePayment(
        _procedure(svc, 1), charge, paid, e[4], units, _procedure(svc, 6) if e[6] else None, original,
        get("service_from"), get("service_to"), get("service_date"), tuple(adjustments),
        get("line_item_control_number", ""), tuple(references), tuple(amounts), tuple(quantities), tuple(remarks),
        tuple(extra), SVC.unheld(e0, component, repeat if repeat != component else None) if suspect else (),
        _source(svc, txn))


# The two wide models are built with positional arguments; these are the field orders the reader relies on
# (checked by the tests).
CLAIM_PAYMENT_FIELDS = (
    "patient_control_number", "status_code", "total_charge", "paid_amount", "patient_responsibility",
    "filing_indicator_code", "payer_claim_control_number", "facility_type_code", "frequency_code", "drg_code",
    "drg_weight", "discharge_fraction", "adjustments", "patient", "insured", "corrected_patient", "service_provider",
    "crossover_carrier", "corrected_priority_payer", "other_subscriber", "inpatient", "outpatient", "references",
    "statement_from", "statement_to", "coverage_expiration", "received_date", "contacts", "amounts", "quantities",
    "services", "extra", "unheld", "source")
SERVICE_PAYMENT_FIELDS = (
    "procedure", "charge", "paid_amount", "revenue_code", "units", "original_procedure", "original_units",
    "service_from", "service_to", "service_date", "adjustments", "line_item_control_number", "references",
    "amounts", "quantities", "remarks", "extra", "unheld", "source")


def _odd_procedures(e: tuple[str, ...], component: str, repeat: str) -> bool:
    """Whether a component separator stands anywhere but between the components of SVC01 and SVC06 (up to seven
    each)."""
    first = e[1].count(component)
    sixth = e[6].count(component) if len(e) > 6 else 0
    return first + sixth != "".join(e).count(component) or first > 6 or sixth > 6


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
def _raw(node: Loop | SegmentNode) -> list[RawSegment]:
    """Everything in a loop (or one segment) that no model field can take, kept as raw segments."""
    nodes = node.segments() if isinstance(node, Loop) else (node,)
    return [RawSegment(elements=n.segment.elements) for n in nodes]


def _source(seg: Segment, txn: Source) -> Source:
    return Source(txn.interchange, txn.group, txn.transaction, seg.index)  # positional: the cheapest call


def table_fields(table: Table, seg: Segment) -> tuple[dict[str, Any], Unheld]:
    """Fields from a flat segment's elements per a model's ELEMENTS table (see ``remittance.Table``), and what
    they cannot hold as read."""
    elements = seg.elements
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
    return out, _held(seg.id, table).unheld(elements, *separators(seg))


@lru_cache(maxsize=None)
def _held(seg_id: str, table: Table) -> Held:
    kinds: dict[int, str] = {}
    for _, at, kind in table:
        for position in (at if isinstance(at, tuple) else (at,)):
            kinds[position] = "s" if kind == "r" else kind
    return Held(seg_id, *(kinds.get(n, "") for n in range(1, max(kinds) + 1)))
