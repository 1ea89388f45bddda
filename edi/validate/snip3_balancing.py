"""SNIP 3 — balancing: the amounts a transaction states add up.

837: CLM02 = Σ line charges (SV102 / SV203); COB: for each other payer, CLM02 = AMT*D paid + Σ 2320 CAS + Σ
2430 CAS, and each 2430 balances its line (SV102/SV203 − SVD02 − Σ CAS = 0).
835: each service SVC02 − SVC03 = Σ its CAS; each claim CLP03 − CLP04 = Σ claim CAS + Σ service CAS; CLP05 =
Σ PR adjustments; the transaction BPR02 = Σ CLP04 − Σ PLB amounts.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from edi.guide import Loop, SegmentNode
from edi.validate._elements import amount
from edi.validate._engine import Context, TransactionResult
from edi.validate._finding import Finding, Severity
from edi.validate._rules import loop_rule, segment_rule, transaction_rule
from edi.x12 import Segment

ZERO = Decimal(0)



def cas_totals(loop: Loop) -> tuple[Decimal, Decimal]:
    """(Σ all CAS amounts, Σ PR amounts) directly in a loop."""
    total = patient = ZERO
    for child in loop.children:
        if child.__class__ is SegmentNode:
            elements = child.segment.elements  # type: ignore[union-attr]
            if elements[0] != "CAS":
                continue
            subtotal = ZERO
            for raw in elements[3:20:3]:  # CAS03, 06 … 18
                value = amount(raw)
                if value is not None:
                    subtotal += value
            total += subtotal
            if len(elements) > 1 and elements[1] == "PR":
                patient += subtotal
    return total, patient


def cas_total(loop: Loop) -> Decimal:
    return cas_totals(loop)[0]


def _line_charge(line: Loop) -> tuple[Segment, int, Decimal] | None:
    for seg_id, n in (("SV1", 2), ("SV2", 3)):
        seg = line.first(seg_id)
        if seg is not None:
            value = amount(seg.segment[n])
            return (seg.segment, n, value) if value is not None else None
    return None


def _unbalanced(ctx: Context, code: str, seg: Segment, loop: Loop, element: str, name: str, position: tuple[int, int, int],
                data_element: str, message: str, stated: Decimal, computed: Decimal,
                severity: Severity = Severity.ERROR) -> Finding:
    return ctx.finding(code, 3, message, ctx.at(seg, loop, 0, element, name, position, data_element),
                       value=str(stated), ik304="8", severity=severity,
                       stated=str(stated), computed=str(computed), difference=str(stated - computed))


# -- 837 -------------------------------------------------------------------------------------------------
def _claim_total(claim: Loop) -> tuple[SegmentNode, Decimal] | None:
    """The claim's CLM and its CLM02, when both are there."""
    clm = claim.first("CLM")
    total = amount(clm.segment[2]) if clm is not None else None
    return (clm, total) if clm is not None and total is not None else None


@loop_rule("2300", snip=3)
def claim_charge_equals_line_charges(ctx: Context, claim: Loop) -> Iterable[Finding]:
    """CLM02 (total claim charge) equals the sum of the service line charges (SV102 or SV203)."""
    found = _claim_total(claim)
    if found is None:
        return
    clm, total = found
    charges = [_line_charge(c) for c in claim.children if isinstance(c, Loop) and c.spec.id == "2400"]
    if not charges or any(c is None for c in charges):
        return
    lines = sum((c[2] for c in charges if c is not None), ZERO)
    if lines != total:
        field = "SV102" if charges[0] and charges[0][0].id == "SV1" else "SV203"
        yield _unbalanced(ctx, "snip3.balance.clm02", clm.segment, claim, "CLM02", "Total Claim Charge Amount",
                          (2, 0, 0), "782", f"CLM02 is {total} but the {len(charges)} service line(s) add up to "
                          f"{lines} (Σ {field}); correct CLM02 or the line charges", total, lines)


@loop_rule("2300", snip=3)
def other_payer_accounts_for_the_charge(ctx: Context, claim: Loop) -> Iterable[Finding]:
    """For each other payer (2320): CLM02 = AMT*D paid + Σ its claim-level CAS + Σ its line-level (2430) CAS."""
    found = _claim_total(claim)
    if found is None:
        return
    total = found[1]
    for other in claim.loops("2320"):
        paid_node = next((c for c in other.children if isinstance(c, SegmentNode) and c.segment.id == "AMT"
                          and c.segment[1] == "D"), None)
        payer = next(iter(other.loops("2330B")), None)
        payer_id = payer.first("NM1").segment[9] if payer is not None and payer.first("NM1") else ""
        paid = amount(paid_node.segment[2]) if paid_node else ZERO
        line_cas = sum((cas_total(adj) for line in claim.loops("2400") for adj in line.loops("2430")
                        if adj.first("SVD") and adj.first("SVD").segment[1] == payer_id), ZERO)
        accounted = (paid or ZERO) + cas_total(other) + line_cas
        if accounted != total and paid_node is not None:
            yield _unbalanced(ctx, "snip3.balance.cob", paid_node.segment, other, "AMT02", "Payer Paid Amount",
                              (2, 0, 0), "782", f"other payer {payer_id or '?'}: paid {paid} + claim adjustments "
                              f"{cas_total(other)} + line adjustments {line_cas} = {accounted}, but CLM02 is "
                              f"{total}; the prior payer's adjudication must account for the whole charge",
                              accounted, total)


@loop_rule("2430", snip=3)
def line_adjudication_balances(ctx: Context, adjudication: Loop) -> Iterable[Finding]:
    """Each 2430: the line charge − SVD02 (paid) − Σ 2430 CAS = 0."""
    svd = adjudication.first("SVD")
    line = adjudication.parent
    charge = _line_charge(line) if line is not None else None
    paid = amount(svd.segment[2]) if svd is not None else None
    if svd is None or charge is None or paid is None:
        return
    adjusted = cas_total(adjudication)
    if charge[2] - paid != adjusted:
        yield _unbalanced(ctx, "snip3.balance.svd", svd.segment, adjudication, "SVD02", "Service Line Paid Amount",
                          (2, 0, 0), "782", f"line charge {charge[2]} − paid {paid} = {charge[2] - paid}, but the "
                          f"line adjustments (CAS) add up to {adjusted}", charge[2] - paid, adjusted)


# -- 835 -------------------------------------------------------------------------------------------------
@loop_rule("2110", snip=3)
def service_payment_balances(ctx: Context, service: Loop) -> Iterable[Finding]:
    """SVC02 (charge) − SVC03 (paid) = Σ the service's CAS amounts."""
    totals = cas_totals(service)
    claim = service.parent
    held = ctx.state.get("snip3.service_cas")  # for claim_payment_balances, when the claim closes
    if isinstance(held, tuple) and held[0] is claim:
        held[1].append(totals)
    else:
        ctx.state["snip3.service_cas"] = (claim, [totals])
    svc = service.first("SVC")
    charge, paid = (amount(svc.segment[2]), amount(svc.segment[3])) if svc is not None else (None, None)
    if svc is None or charge is None or paid is None:
        return
    adjusted = totals[0]
    if charge - paid != adjusted:
        yield _unbalanced(ctx, "snip3.balance.svc", svc.segment, service, "SVC03", "Line Item Provider Payment Amount",
                          (3, 0, 0), "782", f"SVC02 {charge} − SVC03 {paid} = {charge - paid}, but the service's "
                          f"adjustments (CAS) add up to {adjusted}", charge - paid, adjusted)


@loop_rule("2100", snip=3)
def claim_payment_balances(ctx: Context, claim: Loop) -> Iterable[Finding]:
    """CLP03 (charge) − CLP04 (paid) = Σ claim CAS + Σ service CAS; CLP05 = Σ PR adjustments; Σ CLP04 kept."""
    clp = claim.first("CLP")
    if clp is None:
        return
    charge, paid, patient = amount(clp.segment[3]), amount(clp.segment[4]), amount(clp.segment[5])
    if paid is not None:
        ctx.state["clp04_total"] = ctx.state.get("clp04_total", ZERO) + paid  # type: ignore[operator]
    if charge is None or paid is None:
        return
    claim_total, claim_patient = cas_totals(claim)
    held = ctx.state.get("snip3.service_cas")  # what service_payment_balances summed as each 2110 closed
    service_totals = held[1] if isinstance(held, tuple) and held[0] is claim else [
        cas_totals(s) for s in claim.children if isinstance(s, Loop) and s.spec.id == "2110"]
    adjusted = claim_total + sum((t for t, _ in service_totals), ZERO)
    if charge - paid != adjusted:
        yield _unbalanced(ctx, "snip3.balance.clp", clp.segment, claim, "CLP04", "Claim Payment Amount", (4, 0, 0),
                          "782", f"CLP03 {charge} − CLP04 {paid} = {charge - paid}, but the claim and service "
                          f"adjustments (CAS) add up to {adjusted}", charge - paid, adjusted)
    if patient is not None:
        responsibility = claim_patient + sum((p for _, p in service_totals), ZERO)
        if patient != responsibility:
            yield _unbalanced(ctx, "snip3.balance.clp05", clp.segment, claim, "CLP05",
                              "Patient Responsibility Amount", (5, 0, 0), "782",
                              f"CLP05 is {patient} but the PR (patient responsibility) adjustments add up to "
                              f"{responsibility}", patient, responsibility, Severity.WARNING)


@segment_rule("BPR", snip=3)
def remember_total_payment(ctx: Context, node: SegmentNode) -> Iterable[Finding]:
    ctx.state["bpr"] = node
    return ()


@segment_rule("PLB", snip=3)
def add_provider_adjustments(ctx: Context, node: SegmentNode) -> Iterable[Finding]:
    seg = node.segment
    total = sum((amount(seg[n]) or ZERO for n in range(4, 15, 2)), ZERO)
    ctx.state["plb_total"] = ctx.state.get("plb_total", ZERO) + total  # type: ignore[operator]
    return ()


@transaction_rule(snip=3)
def total_payment_balances(ctx: Context, result: TransactionResult) -> Iterable[Finding]:
    """BPR02 (total actual provider payment) = Σ CLP04 − Σ PLB adjustment amounts."""
    bpr = ctx.state.get("bpr")
    if not isinstance(bpr, SegmentNode):
        return
    stated = amount(bpr.segment[2])
    if stated is None:
        return
    paid = ctx.state.get("clp04_total", ZERO)
    plb = ctx.state.get("plb_total", ZERO)
    computed = paid - plb  # type: ignore[operator]
    if stated != computed:
        yield _unbalanced(ctx, "snip3.balance.bpr02", bpr.segment, bpr.loop, "BPR02",
                          "Total Actual Provider Payment Amount", (2, 0, 0), "782",
                          f"BPR02 is {stated} but Σ CLP04 ({paid}) − Σ PLB ({plb}) = {computed}; a positive PLB "
                          "amount reduces the payment, a negative one increases it", stated, computed)
