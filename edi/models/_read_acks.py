"""Loop trees → acknowledgment models: ``read_999`` and ``read_277ca`` per transaction, ``read_ta1`` per TA1
segment and ``iter_ta1`` over a file.

Each level takes the segments it models by id (and qualifier, e.g. ``QTY*90``) when it can give them back as
read; everything else in the loop, and every segment of a child loop it does not model, goes to that level's
``extra`` in file order. What a single segment holds beyond its fields (an element the guide does not use, an
invalid date, a count that is no plain number) goes to its model's ``unheld``, and so do the HL numbers when they
are not the ones the writer would give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal

from edi.errors import EdiError
from edi.guide import Loop, SegmentNode, TransactionTree
from edi.models._base import (ABSENT, Held, RawSegment, Source, Unheld, bare, canonical, core, day,
                              has_separators, number, period, separators)
from edi.models._raw import envelope_of, transaction_source
from edi.models.acks import (AcknowledgedClaim, AcknowledgedLine, ClaimAcknowledgment, ElementError,
                             ErrorContext, FunctionalGroupAck, InformationReceiver, InformationSource,
                             InterchangeAck, Patient, ProviderOfService, SegmentError, Status, StatusInfo, Trace,
                             TransactionAck)
from edi.models.common import Party, exact_reference, party_of, source_of
from edi.x12 import Framer, Role, Segment, tokenize
from edi.x12 import Source as Input

Found = dict[str, list[Segment]]
_NO_NAME = Party(entity="")


# -- generic -----------------------------------------------------------------------------------------------
def _parts(loop: Loop) -> tuple[list[SegmentNode], list[Loop]]:
    """The loop's own segments and its child loops, wrapper loops (HEADER, DETAIL) opened."""
    segments: list[SegmentNode] = []
    loops: list[Loop] = []
    for child in loop.children:
        if isinstance(child, SegmentNode):
            segments.append(child)
        elif child.spec.kind == "wrapper":
            inner_segments, inner_loops = _parts(child)
            segments += inner_segments
            loops += inner_loops
        else:
            loops.append(child)
    return segments, loops


def _raw(seg: Segment) -> RawSegment:
    return RawSegment(elements=seg.elements)


def _flatten(loop: Loop) -> list[RawSegment]:
    return [_raw(node.segment) for node in loop.segments()]


def _sort(nodes: list[SegmentNode], keys: Mapping[str, bool], extra: list[RawSegment]) -> Found:
    """Segments by key ("TRN", "QTY*90"); ``keys`` says which repeat. The rest (repeats of a single segment, and
    segments their model would not give back as read: see ``EXACT``) go to ``extra``."""
    found: Found = {}
    for node in nodes:
        seg = node.segment
        key = f"{seg.id}*{seg[1]}"
        if key not in keys:
            key = seg.id
        exact = EXACT.get(key)
        if key in keys and (keys[key] or key not in found) and (exact is None or exact(seg)):
            found.setdefault(key, []).append(seg)
        else:
            extra.append(_raw(seg))
    return found


def _value_ref(seg: Segment) -> bool:
    """REF*1K*value (…*D9, BLT, FJ, XZ): held as the value alone."""
    e = core(seg.elements)
    return len(e) == 3 and not has_separators(seg)


def _total(seg: Segment) -> bool:
    """QTY*90*n, AMT*YU*n …: held as the number alone."""
    e = core(seg.elements)
    return len(e) == 3 and canonical(e[2]) and not has_separators(seg)


def _dtp_d8(seg: Segment) -> bool:
    e = core(seg.elements)
    return len(e) == 4 and e[2] == "D8" and day(e[3]) is not None and not has_separators(seg)


def _dtp_period(seg: Segment) -> bool:
    """DTP*472 as the writer gives it back: D8, or RD8 of two different dates."""
    e = core(seg.elements)
    if len(e) != 4 or has_separators(seg):
        return False
    if e[2] == "D8":
        return day(e[3]) is not None
    start, end = period(e[2], e[3])
    return e[2] == "RD8" and len(e[3]) == 17 and start is not None and end is not None and start != end


def _not_bare(seg: Segment) -> bool:
    return not bare(seg)


# Keys whose segments a model holds only when it gives them back as read (the others stay in ``extra``).
EXACT: dict[str, Callable[[Segment], bool]] = {
    **dict.fromkeys(("REF*1K", "REF*D9", "REF*BLT", "REF*FJ", "REF*XZ"), _value_ref),
    **dict.fromkeys(("QTY*90", "QTY*AA", "QTY*QA", "QTY*QC", "AMT*YU", "AMT*YY"), _total),
    **dict.fromkeys(("DTP*050", "DTP*009"), _dtp_d8), "DTP*472": _dtp_period,
    "REF": lambda seg: exact_reference(seg) is not None,
    **dict.fromkeys(("AK1", "AK9", "AK2", "IK5", "IK3", "IK4", "BHT", "TRN", "SVC"), _not_bare),
}
AK1 = Held("AK1", "s", "s", "s")
AK9 = Held("AK9", "s", "x", "x", "x", "s", "s", "s", "s", "s")
AK2 = Held("AK2", "s", "s", "s")
IK5 = Held("IK5", "s", "s", "s", "s", "s", "s")
IK3 = Held("IK3", "s", "i", "s", "s")
IK4 = Held("IK4", "ciii", "s", "s", "s")
CTX = Held("CTX", "css", "s", "i", "s", "ciii", "cs")
TA1 = Held("TA1", "s", "y", "s", "s", "s")
BHT = Held("BHT", "s", "s", "s", "d", "s", "s")
TRN = Held("TRN", "s", "s", "s", "s")
STC = Held("STC", "cssss", "d", "s", "n", "n", "d", "s", "d", "s", "cssss", "cssss", "s")
SVC = Held("SVC", "x", "n", "n", "s", "n", "", "n")
HL = Held("HL", "x", "x", "x", "x")
DERIVED = frozenset({"HL01", "HL02", "HL03", "HL04", "AK902", "AK903", "AK904"})  # the writer's own values


def _unheld(held: Held, seg: Segment | None, seg_id: str = "") -> Unheld:
    """What a single segment holds beyond its model's fields; for a missing one, the mark that it was absent."""
    if seg is None:
        return ((seg_id or held.seg_id, ABSENT),)
    return held.unheld(seg.elements, *separators(seg))


def _leaf(loop: Loop, keys: Mapping[str, bool], extra: list[RawSegment]) -> Found:
    """A loop without modeled child loops: its segments sorted, any nested loop's segments kept as extra."""
    segments, loops = _parts(loop)
    found = _sort(segments, keys, extra)
    for child in loops:
        extra += _flatten(child)
    return found


def _first(found: Found, key: str) -> Segment | None:
    segments = found.get(key)
    return segments[0] if segments else None


def _src(loop: Loop, txn: Source) -> Source | None:
    head = loop.children[0] if loop.children else None
    return source_of(head, txn) if isinstance(head, SegmentNode) else None


def _int(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() else None


def _counts(ak9: Segment) -> Unheld:
    """AK902–AK904 as read when the writer would not write them so (it counts an empty one)."""
    e = ak9.elements + ("",) * 5
    return tuple((f"AK90{n}", e[n]) for n in (2, 3, 4) if _int(e[n]) is None or str(_int(e[n])) != e[n])


def _held(held: Held, seg: Segment, suspect: bool) -> Unheld:
    return held.unheld(seg.elements, *separators(seg)) if suspect or has_separators(seg) else ()


def _codes(seg: Segment, first: int, last: int) -> tuple[str, ...]:
    values = [seg[n] for n in range(first, last + 1)]
    while values and not values[-1]:
        values.pop()
    return tuple(values)


def _name(loop: Loop, txn: Source, extra: list[RawSegment]) -> Party:
    """The party a 2100 loop names; segments a Party does not hold as read go to ``extra`` (an empty NM1 too: the
    writer writes no name for an empty party)."""
    segments, loops = _parts(loop)
    if bare(segments[0].segment):
        extra += _flatten(loop)
        return _NO_NAME
    rest: list[RawSegment] = []
    name = party_of(loop, txn, rest)
    extra += rest
    return name


# -- 999 ---------------------------------------------------------------------------------------------------
def read_999(tree: TransactionTree) -> FunctionalGroupAck:
    """A 999 transaction (005010X231 / X231A1) as a :class:`FunctionalGroupAck`."""
    txn = transaction_source(tree)
    extra: list[RawSegment] = []
    segments, loops = _parts(tree.root)
    found = _sort([n for n in segments if n.segment.id not in ("ST", "SE")], {"AK1": False, "AK9": False}, extra)
    transactions = []
    for loop in loops:
        if loop.id == "2000":
            transactions.append(_transaction_ack(loop, txn))
        else:
            extra += _flatten(loop)
    ak1, ak9 = _first(found, "AK1"), _first(found, "AK9")
    unheld = _unheld(AK1, ak1) + (_unheld(AK9, ak9) + _counts(ak9) if ak9 is not None else _unheld(AK9, None))
    ak1 = ak1 or Segment.of(("AK1",))
    ak9 = ak9 or Segment.of(("AK9",))
    return FunctionalGroupAck(functional_id=ak1[1], group_control_number=ak1[2], version=ak1[3],
                              transactions=tuple(transactions), code=ak9[1], included_count=_int(ak9[2]),
                              received_count=_int(ak9[3]), accepted_count=_int(ak9[4]),
                              error_codes=_codes(ak9, 5, 9), extra=tuple(extra), unheld=unheld, source=txn,
                              envelope=envelope_of(tree.envelope))


def _transaction_ack(loop: Loop, txn: Source) -> TransactionAck:
    extra: list[RawSegment] = []
    segments, loops = _parts(loop)
    found = _sort(segments, {"AK2": False, "IK5": False}, extra)
    errors = []
    for child in loops:
        if child.id == "2100":
            errors.append(_segment_error(child, txn))
        else:
            extra += _flatten(child)
    ak2, ik5 = _first(found, "AK2"), _first(found, "IK5")
    unheld = _unheld(AK2, ak2) + _unheld(IK5, ik5)
    ak2 = ak2 or Segment.of(("AK2",))
    ik5 = ik5 or Segment.of(("IK5",))
    return TransactionAck(set_id=ak2[1], control_number=ak2[2], guide=ak2[3], segment_errors=tuple(errors),
                          code=ik5[1], error_codes=_codes(ik5, 2, 6), extra=tuple(extra), unheld=unheld,
                          source=_src(loop, txn))


def _segment_error(loop: Loop, txn: Source) -> SegmentError:
    extra: list[RawSegment] = []
    segments, loops = _parts(loop)
    found = _sort(segments, {"IK3": False, "CTX": True}, extra)
    elements = []
    for child in loops:
        if child.id == "2110":
            elements.append(_element_error(child, txn))
        else:
            extra += _flatten(child)
    ik3 = _first(found, "IK3")
    unheld = _unheld(IK3, ik3)
    ik3 = ik3 or Segment.of(("IK3",))
    return SegmentError(segment_id=ik3[1], position=_int(ik3[2]), loop_id=ik3[3], code=ik3[4],
                        contexts=_contexts(found, txn, extra), element_errors=tuple(elements), extra=tuple(extra),
                        unheld=unheld, source=_src(loop, txn))


def _element_error(loop: Loop, txn: Source) -> ElementError:
    extra: list[RawSegment] = []
    found = _leaf(loop, {"IK4": False, "CTX": True}, extra)
    ik4 = _first(found, "IK4")
    unheld = _unheld(IK4, ik4)
    ik4 = ik4 or Segment.of(("IK4",))
    return ElementError(code=ik4[3], element_position=_int(ik4.component(1, 1)),
                        component_position=_int(ik4.component(1, 2)), repetition_position=_int(ik4.component(1, 3)),
                        element_reference=ik4[2], bad_data=ik4[4], contexts=_contexts(found, txn, extra),
                        extra=tuple(extra), unheld=unheld, source=_src(loop, txn))


def _contexts(found: Found, txn: Source, extra: list[RawSegment]) -> tuple[ErrorContext, ...]:
    """CTX segments; one whose CTX01 repeats is kept whole in ``extra``."""
    contexts = []
    for ctx in found.get("CTX", ()):
        if len(ctx.repetitions(1)) > 1:
            extra.append(_raw(ctx))
            continue
        contexts.append(ErrorContext(
            name=ctx.component(1, 1), reference=ctx.component(1, 2), segment_id=ctx[2],
            segment_position=_int(ctx[3]), loop_id=ctx[4], element_position=_int(ctx.component(5, 1)),
            component_position=_int(ctx.component(5, 2)), repetition_position=_int(ctx.component(5, 3)),
            element_reference=ctx.component(6, 1), unheld=_unheld(CTX, ctx), source=source_of(ctx, txn)))
    return tuple(contexts)


# -- TA1 ---------------------------------------------------------------------------------------------------
def read_ta1(seg: Segment, interchange: str = "") -> InterchangeAck:
    """A TA1 segment as an :class:`InterchangeAck`; ``interchange`` is the ISA13 of the envelope around it."""
    if seg.id != "TA1":
        raise EdiError(f"read_ta1 needs a TA1 segment, got {seg.id}")
    return InterchangeAck(control_number=seg[1], interchange_date=_yymmdd(seg[2]), interchange_time=seg[3],
                          code=seg[4], note_code=seg[5], unheld=_unheld(TA1, seg),
                          source=Source(interchange=interchange, segment=seg.index))


def iter_ta1(source: Input) -> Iterator[InterchangeAck]:
    """Every TA1 of a file (those between ISA and IEA, outside functional groups), in file order."""
    for role, seg, _, framed in Framer(tokenize(source)).events():
        if role is Role.TA1 and framed is not None:
            yield read_ta1(seg, framed.interchange.control if framed.interchange else "")


def _yymmdd(raw: str) -> date | None:
    if len(raw) != 6 or not raw.isdigit():
        return None
    try:
        return datetime.strptime(raw, "%y%m%d").date()
    except ValueError:
        return None


# -- 277CA -------------------------------------------------------------------------------------------------
def read_277ca(tree: TransactionTree) -> ClaimAcknowledgment:
    """A 277CA transaction (005010X214) as a :class:`ClaimAcknowledgment`."""
    txn = transaction_source(tree)
    extra: list[RawSegment] = []
    segments, loops = _parts(tree.root)
    found = _sort([n for n in segments if n.segment.id not in ("ST", "SE")], {"BHT": False}, extra)
    sources = []
    numbers = _Numbers()
    for loop in loops:
        if loop.id == "2000A":
            sources.append(_information_source(loop, txn, numbers))
        else:
            extra += _flatten(loop)
    bht = _first(found, "BHT")
    unheld = _unheld(BHT, bht)
    bht = bht or Segment.of(("BHT",))
    return ClaimAcknowledgment(structure=bht[1], purpose=bht[2], reference=bht[3], created=day(bht[4]),
                               created_time=bht[5], transaction_type=bht[6], information_sources=tuple(sources),
                               extra=tuple(extra), unheld=unheld, source=txn, envelope=envelope_of(tree.envelope))


class _Numbers:
    """The HL numbers the writer gives the levels, one after another in file order."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return str(self.count)


def _level(loop: Loop, extra: list[RawSegment]) -> tuple[Segment, list[Loop]]:
    """An HL level's HL and child loops; its other own segments go to ``extra``."""
    segments, loops = _parts(loop)
    _sort(segments[1:], {}, extra)
    return segments[0].segment, loops


def _hl(seg: Segment, expected: tuple[str, ...]) -> Unheld:
    """The HL's elements 01–04 as read where they are not what the writer would give, and HL05 on."""
    read = (seg.elements + ("",) * 5)[1:5]
    found = tuple((f"HL0{n}", value) for n, (value, want) in enumerate(zip(read, expected + ("",)), 1)
                  if value != want)
    return found + (HL.unheld(seg.elements, *separators(seg)) if len(seg.elements) > 5 else ())


def _information_source(loop: Loop, txn: Source, numbers: _Numbers) -> InformationSource:
    extra: list[RawSegment] = []
    name, receipt, receivers = None, None, []
    head, kids = _level(loop, extra)
    unheld = _hl(head, (numbers.next(), "", "20", "1"))
    for child in kids:
        if child.id == "2100A" and name is None:
            name = _name(child, txn, extra)
        elif child.id == "2200A" and receipt is None:
            receipt = _leaf(child, {"TRN": False, "DTP*050": False, "DTP*009": False}, extra)
        elif child.id == "2000B":
            receivers.append(_receiver(child, txn, numbers, head[1]))
        else:
            extra += _flatten(child)
    receipt = receipt or {}
    return InformationSource(name=name or _NO_NAME, trace=_trace(_first(receipt, "TRN"), txn),
                             received=_date(_first(receipt, "DTP*050")), processed=_date(_first(receipt, "DTP*009")),
                             receivers=tuple(receivers), extra=tuple(extra), unheld=unheld, source=_src(loop, txn))


def _receiver(loop: Loop, txn: Source, numbers: _Numbers, parent: str) -> InformationReceiver:
    extra: list[RawSegment] = []
    name, found, providers = None, None, []
    keys = {"TRN": False, "STC": True, "QTY*90": False, "QTY*AA": False, "AMT*YU": False, "AMT*YY": False}
    head, kids = _level(loop, extra)
    number = numbers.next()
    for child in kids:
        if child.id == "2100B" and name is None:
            name = _name(child, txn, extra)
        elif child.id == "2200B" and found is None:
            found = _leaf(child, keys, extra)
        elif child.id == "2000C":
            providers.append(_provider(child, txn, numbers, head[1]))
        else:
            extra += _flatten(child)
    found = found or {}
    return InformationReceiver(name=name or _NO_NAME, trace=_trace(_first(found, "TRN"), txn),
                               statuses=_statuses(found, txn), **_totals(found, "QTY*90", "QTY*AA"),
                               providers=tuple(providers), extra=tuple(extra),
                               unheld=_hl(head, (number, parent, "21", "1" if providers else "0")),
                               source=_src(loop, txn))


def _provider(loop: Loop, txn: Source, numbers: _Numbers, parent: str) -> ProviderOfService:
    extra: list[RawSegment] = []
    name, found, patients = None, None, []
    keys = {"TRN": False, "STC": True, "REF": False, "QTY*QA": False, "QTY*QC": False, "AMT*YU": False,
            "AMT*YY": False}
    head, kids = _level(loop, extra)
    unheld = _hl(head, (numbers.next(), parent, "19", "1"))
    for child in kids:
        if child.id == "2100C" and name is None:
            name = _name(child, txn, extra)
        elif child.id == "2200C" and found is None:
            found = _leaf(child, keys, extra)
        elif child.id == "2000D":
            patients.append(_patient(child, txn, numbers, head[1]))
        else:
            extra += _flatten(child)
    found = found or {}
    ref = _first(found, "REF")
    secondary = exact_reference(ref) if ref is not None else None
    return ProviderOfService(name=name or _NO_NAME, trace=_trace(_first(found, "TRN"), txn),
                             statuses=_statuses(found, txn), secondary_id=secondary,
                             **_totals(found, "QTY*QA", "QTY*QC"), patients=tuple(patients), extra=tuple(extra),
                             unheld=unheld, source=_src(loop, txn))


def _patient(loop: Loop, txn: Source, numbers: _Numbers, parent: str) -> Patient:
    extra: list[RawSegment] = []
    name, claims = None, []
    head, kids = _level(loop, extra)
    unheld = _hl(head, (numbers.next(), parent, "PT"))
    for child in kids:
        if child.id == "2100D" and name is None:
            name = _name(child, txn, extra)
        elif child.id == "2200D":
            claims.append(_claim(child, txn))
        else:
            extra += _flatten(child)
    return Patient(name=name or _NO_NAME, claims=tuple(claims), extra=tuple(extra), unheld=unheld,
                   source=_src(loop, txn))


def _claim(loop: Loop, txn: Source) -> AcknowledgedClaim:
    extra: list[RawSegment] = []
    segments, loops = _parts(loop)
    keys = {"TRN": False, "STC": True, "REF*1K": False, "REF*D9": False, "REF*BLT": False, "DTP*472": False}
    found = _sort(segments, keys, extra)
    lines = []
    for child in loops:
        if child.id == "2220D":
            lines.append(_line(child, txn))
        else:
            extra += _flatten(child)
    start, end = _period(_first(found, "DTP*472"))
    return AcknowledgedClaim(trace=_trace(_first(found, "TRN"), txn), statuses=_statuses(found, txn),
                             payer_claim_control_number=_value(found, "REF*1K"),
                             clearinghouse_trace_number=_value(found, "REF*D9"), bill_type=_value(found, "REF*BLT"),
                             service_from=start, service_to=end, lines=tuple(lines), extra=tuple(extra),
                             source=_src(loop, txn))


def _line(loop: Loop, txn: Source) -> AcknowledgedLine:
    extra: list[RawSegment] = []
    keys = {"SVC": False, "STC": True, "REF*FJ": False, "REF*XZ": False, "DTP*472": False}
    found = _leaf(loop, keys, extra)
    svc = _first(found, "SVC")
    unheld = _unheld(SVC, svc) if svc is None or len(svc.elements) > 8 or svc[6] or has_separators(svc) and (
        any(c in v for v in svc.elements[2:] for c in separators(svc) if c)) or not all(
        not v or canonical(v) for v in (svc[2], svc[3], svc[5], svc[7])) else ()
    svc = svc or Segment.of(("SVC",))
    procedure = list(svc.components(1))
    while procedure and not procedure[-1]:
        procedure.pop()
    start, end = _period(_first(found, "DTP*472"))
    return AcknowledgedLine(procedure=tuple(procedure), charge=number(svc[2]), payment=number(svc[3]),
                            revenue_code=svc[4], units=number(svc[5]), original_units=number(svc[7]),
                            statuses=_statuses(found, txn), line_item_control_number=_value(found, "REF*FJ"),
                            prescription_number=_value(found, "REF*XZ"), service_from=start, service_to=end,
                            extra=tuple(extra), unheld=unheld, source=_src(loop, txn))


def _trace(trn: Segment | None, txn: Source) -> Trace | None:
    if trn is None:
        return None
    return Trace(type=trn[1], number=trn[2], originator=trn[3], reference=trn[4],
                 unheld=_held(TRN, trn, len(trn.elements) > 5), source=source_of(trn, txn))


def _date(dtp: Segment | None) -> date | None:
    return day(dtp[3]) if dtp is not None else None


def _period(dtp: Segment | None) -> tuple[date | None, date | None]:
    return period(dtp[2], dtp[3]) if dtp is not None else (None, None)


def _value(found: Found, key: str) -> str:
    ref = _first(found, key)
    return ref[2] if ref is not None else ""


def _totals(found: Found, accepted: str, rejected: str) -> dict[str, Decimal | None]:
    def amount(key: str) -> Decimal | None:
        seg = _first(found, key)
        return number(seg[2]) if seg is not None else None

    return {"accepted_quantity": amount(accepted), "rejected_quantity": amount(rejected),
            "accepted_amount": amount("AMT*YU"), "rejected_amount": amount("AMT*YY")}


def _statuses(found: Found, txn: Source) -> tuple[Status, ...]:
    return tuple(_status(stc, txn) for stc in found.get("STC", ()))


def _status(stc: Segment, txn: Source) -> Status:
    codes = [_info(stc, n) for n in (1, 10, 11)]
    while len(codes) > 1 and codes[-1] == StatusInfo(category=""):
        codes.pop()
    e = stc.elements + ("",) * 13
    suspect = len(stc.elements) > 13 or not all(not v or canonical(v) for v in (e[4], e[5])) or any(
        v and day(v) is None for v in (e[2], e[6], e[8]))
    return Status(codes=tuple(codes), effective=day(stc[2]), action=stc[3], charge=number(stc[4]),
                  payment=number(stc[5]), adjudicated=day(stc[6]), payment_method=stc[7], check_issued=day(stc[8]),
                  check_number=stc[9], message=stc[12], unheld=_held(STC, stc, suspect), source=source_of(stc, txn))


def _info(stc: Segment, n: int) -> StatusInfo:
    return StatusInfo(category=stc.component(n, 1), status=stc.component(n, 2), entity=stc.component(n, 3),
                      code_list_qualifier=stc.component(n, 4))
