"""SNIP 4 — situational rules of the 835 (005010X221A1): what the payment, claim status and dates say about
each other. The payment date (BPR16) is kept in ``ctx.state``; trace numbers (TRN02) are compared across the
file's transactions by a file rule, since a payment is traced once per file whatever transaction carries it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from edi.guide import Loop, SegmentNode
from edi.validate._elements import amount
from edi.validate._engine import Context, TransactionResult
from edi.validate._finding import Finding, Severity
from edi.validate._rules import file_rule, loop_rule, segment_rule
from edi.validate.snip4_situational import (OLDEST, element_finding, in_future, parse_date, segment_finding,
                                            segments)

WARNING = Severity.WARNING
FORWARDED = {"19": "primary", "20": "secondary", "21": "tertiary"}
TRANSFERS = ("ACH", "BOP", "FWT")
BANK_ELEMENTS = (6, 7, 8, 9, 12, 13, 14, 15)    # sender and receiver DFI ids and accounts
SERVICE_DATES = {"472": "service date", "150": "service period start", "151": "service period end"}


def _dtm(loop: Loop, qualifier: str) -> SegmentNode | None:
    return _dtms(loop, qualifier, qualifier)[0]


def _dtms(loop: Loop, first: str, second: str) -> tuple[SegmentNode | None, SegmentNode | None]:
    """The first DTM with qualifier ``first`` and the first with ``second`` directly in a loop, in one pass."""
    a = b = None
    for child in loop.children:
        if child.__class__ is SegmentNode:
            e = child.segment.elements  # type: ignore[union-attr]
            if e[0] == "DTM" and len(e) > 1:
                if a is None and e[1] == first:
                    a = child
                if b is None and e[1] == second:
                    b = child
    return a, b  # type: ignore[return-value]


# -- payment (BPR, TRN) -----------------------------------------------------------------------------------
@segment_rule("BPR", snip=4)
def payment_amount_matches_handling(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """BPR01 H (notification only) and BPR04 NON (non-payment data) move no money, so BPR02 is zero; a zero
    payment is sent with BPR04 NON. Keeps BPR16 for the received-date rule."""
    if ctx.kind != "835":
        return
    seg = node.segment
    ctx.state["snip4.payment_date"] = parse_date(seg[16]) if len(seg[16]) == 8 else None
    total = amount(seg[2])
    if total is None:
        return
    if seg[1] == "H" and total != 0:
        yield element_finding(ctx, "snip4.payment.notification_amount", f"BPR01 is H (notification only) but BPR02 "
                              f"pays {seg[2]}; a notification carries BPR02 = 0, else use BPR01 C or I", node, 2,
                              ik403="I12")
    if seg[4] == "NON" and total != 0:
        yield element_finding(ctx, "snip4.payment.non_payment_amount", f"BPR04 is NON (non-payment data) but BPR02 "
                              f"is {seg[2]}; name how the money moves (ACH, CHK, BOP, FWT) or set BPR02 to 0",
                              node, 4, ik403="7")
    elif total == 0 and seg[4] and seg[4] != "NON":
        yield element_finding(ctx, "snip4.payment.zero_method", f"BPR02 is 0 but BPR04 is {seg[4]}; no money moves, "
                              "so use BPR04 NON", node, 4, ik403="7", severity=WARNING)


@segment_rule("BPR", snip=4)
def bank_data_for_transfers(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """BPR06–BPR09 (sender bank) and BPR12–BPR15 (receiver bank): "Required when BPR04 is ACH, BOP or FWT"."""
    seg = node.segment
    if ctx.kind != "835" or seg[4] not in TRANSFERS:
        return
    for n in BANK_ELEMENTS:
        if not seg[n]:
            spec = node.element_spec(n)
            name = spec.name if spec is not None else f"BPR{n:02d}"
            yield element_finding(ctx, "snip4.payment.bank_data_required", f"BPR04 is {seg[4]} (an electronic "
                                  f"transfer) but BPR{n:02d} {name} is empty; send the bank routing and account "
                                  "data of both sides", node, n, ik403="I9")


@segment_rule("TRN", snip=4)
def trace_number(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """Keep TRN02 with TRN03 for :func:`trace_number_unique`, with the finding to give if it is used twice."""
    seg = node.segment
    if ctx.kind == "835" and seg[2]:
        ctx.facts["snip4.trace"] = ((seg[3], seg[2]), element_finding(
            ctx, "snip4.trace.duplicate", "", node, 2, ik403="I12"))
    return iter(())


@file_rule(snip=4)
def trace_number_unique(results: list[TransactionResult]) -> Iterator[tuple[TransactionResult, Finding]]:
    """TRN02 (check or EFT trace number) with TRN03 (payer) identifies one payment: it appears once in a file."""
    first: dict[tuple[str, str], TransactionResult] = {}
    for result in results:
        fact = result.facts.get("snip4.trace")
        if fact is None:
            continue
        (payer, trace), finding = fact  # type: ignore[misc]
        earlier = first.setdefault((payer, trace), result)
        if earlier is not result:
            yield result, replace(finding, message=(
                f"trace number {trace!r} of payer {payer!r} was already used by transaction "
                f"{earlier.transaction.control} of this file; each payment needs its own TRN02 (posting it twice "
                "would double the payment)"))


# -- claim payment (2100 CLP) --------------------------------------------------------------------------------
@segment_rule("CLP", snip=4)
def reversal_amounts(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """CLP02 22 (reversal of previous payment) carries the original amounts negated: CLP03 and CLP04 ≤ 0."""
    seg = node.segment
    if ctx.kind != "835" or seg[2] != "22":
        return
    for n, what in ((3, "charge"), (4, "payment")):
        value = amount(seg[n])
        if value is not None and value > 0:
            yield element_finding(ctx, "snip4.reversal.positive_amount", f"CLP02 is 22 (reversal) but the {what} "
                                  f"CLP0{n} is {seg[n]}; a reversal repeats the original claim's amounts with "
                                  "negative signs", node, n, ik403="I12")


@segment_rule("CLP", snip=4)
def unpaid_status_pays_nothing(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """CLP02 4 (denied) and 25 (predetermination pricing only, no payment) should carry CLP04 = 0."""
    seg = node.segment
    paid = amount(seg[4])
    if ctx.kind != "835" or seg[2] not in ("4", "25") or paid is None or paid == 0:
        return
    code, what = ("snip4.denial.paid_amount", "denied") if seg[2] == "4" else \
        ("snip4.predetermination.paid_amount", "predetermination only")
    yield element_finding(ctx, code, f"CLP02 is {seg[2]} ({what}) but CLP04 pays {seg[4]}; a claim that is not "
                          "paid carries CLP04 = 0 (use CLP02 1, 2 or 3 when it is paid)", node, 4, ik403="I12",
                          severity=WARNING)


@loop_rule("2100", snip=4)
def crossover_carrier_named(ctx: Context, claim: Loop) -> Iterator[Finding]:
    """2100 NM1*TT crossover carrier: required when the claim was forwarded to another payer (CLP02 19, 20, 21)."""
    clp = claim.first("CLP")
    if ctx.kind != "835" or clp is None or clp.segment[2] not in FORWARDED or segments(claim, "NM1", "TT"):
        return
    yield segment_finding(ctx, "snip4.crossover.carrier_missing", f"CLP02 {clp.segment[2]} says the claim was "
                          f"processed as {FORWARDED[clp.segment[2]]} and forwarded, but no crossover carrier is "
                          "named; send NM1*TT with the payer it went to", clp, ik304="I6", severity=WARNING,
                          missing="NM1*TT")


@loop_rule("2100", snip=4)
def service_dates_present(ctx: Context, claim: Loop) -> Iterator[Finding]:
    """2110 DTM: "When claim dates are not provided, service dates are required for every service line"."""
    if ctx.kind != "835" or any(_dtms(claim, "232", "233")):
        return
    for line in claim.children:
        svc = line.first("SVC") if isinstance(line, Loop) and line.spec.id == "2110" else None
        if svc is not None and not any(_dtm(line, q) for q in SERVICE_DATES):
            yield segment_finding(ctx, "snip4.service.date_missing", "the claim has no statement dates (DTM*232/233) "
                                  "and this service line has no service date; send DTM*472 (or DTM*150/151) on "
                                  "the line, or the claim dates", svc, ik304="I6", missing="DTM*472")


@loop_rule("2100", snip=4)
@loop_rule("2110", snip=4)
def period_ends_after_start(ctx: Context, loop: Loop) -> Iterator[Finding]:
    """A period given as two DTMs ends on or after it starts: claim statement 232–233, service 150–151."""
    start_q, end_q = ("232", "233") if loop.spec.id == "2100" else ("150", "151")
    start, end = _dtms(loop, start_q, end_q)
    if start is None or end is None or ctx.kind != "835":
        return
    first, last = parse_date(start.segment[2]), parse_date(end.segment[2])
    if first and last and last < first:
        yield element_finding(ctx, "snip4.date.range_order", f"DTM*{end_q} {end.segment[2]} ends before DTM*{start_q} "
                              f"{start.segment[2]} starts; swap or correct the dates", end, 2, ik403="8")


@segment_rule("DTM", snip=4)
def remittance_dates_plausible(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """835 service dates (DTM*472, 150, 151) are not in the future nor before 1900; a claim is not received
    (DTM*050) after the payment that pays it (BPR16)."""
    seg = node.segment
    e = seg.elements
    day = parse_date(e[2]) if len(e) > 2 and len(e[2]) == 8 and ctx.kind == "835" else None
    if day is None:
        return
    what = SERVICE_DATES.get(e[1])
    if what and in_future(day):
        yield element_finding(ctx, "snip4.date.future", f"the {what} {seg[2]} is in the future; correct the date",
                              node, 2, ik403="8")
    if what and day < OLDEST:
        yield element_finding(ctx, "snip4.date.too_old", f"the {what} {seg[2]} is before 1900; correct the year",
                              node, 2, ik403="8")
    paid = ctx.state.get("snip4.payment_date")
    if seg[1] == "050" and paid and day > paid:  # type: ignore[operator]
        yield element_finding(ctx, "snip4.payment.date_before_received", f"the claim was received on {seg[2]}, "
                              f"after the payment date BPR16 {paid:%Y%m%d}; a payment cannot predate the claim it "
                              "pays: correct BPR16 or the received date", node, 2, ik403="8")
