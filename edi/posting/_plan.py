"""One claim payment as journal entries: the money (line payments, claim-level remainder, interest), every CAS as
an adjustment (PR by kind onto the patient), denial work items routed by root cause, and the claim's own
balance check (CLP03 = CLP04 + Σ CAS, with AMT*I interest allowed inside CLP04). Rows only: _post inserts them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from edi.posting._match import ClaimMatch, LineMatch
from edi.posting._policy import WRITE_OFF_GROUPS, PayerPolicy
from edi.posting._rules import Rules

if TYPE_CHECKING:
    from edi.models import Adjustment, ClaimPayment

ZERO = Decimal(0)
CENT = Decimal("0.01")
PATIENT_KIND = {"1": "deductible", "2": "coinsurance", "3": "copay"}
GROUP_KIND = {"CO": "contractual", "OA": "other", "PI": "payer-initiated", "CR": "correction"}


@dataclass(slots=True)
class PaymentPlan:
    """What posting one CLP adds; ``postings`` and ``work_items`` are rows without their ids."""

    ordinal: int
    clp01: str
    match: ClaimMatch
    paid: Decimal
    postings: list[dict[str, Any]] = field(default_factory=list)
    work_items: list[dict[str, Any]] = field(default_factory=list)
    finding: str | None = None        # the claim does not balance in itself
    status: str | None = None         # the claim status event it makes
    reverses: int | None = None       # claim_payments.id it reverses

    @property
    def suspense(self) -> Decimal:
        return sum((p["amount"] for p in self.postings if p["account"] == "suspense"), ZERO)


def where(cp: ClaimPayment) -> str:
    return f"CLP {cp.patient_control_number} (segment {cp.source.segment + 1})" if cp.source and \
        cp.source.segment >= 0 else f"CLP {cp.patient_control_number}"


def plan_payment(ordinal: int, cp: ClaimPayment, match: ClaimMatch, line_matches: list[LineMatch],
                 rules: Rules, force: bool, policy: PayerPolicy | None = None) -> PaymentPlan:
    paid = cp.paid_amount or ZERO
    plan = PaymentPlan(ordinal, cp.patient_control_number, match, paid)
    finding = _fractional_cents(cp) or _balance(cp)
    if finding is not None:
        plan.finding = f"{where(cp)}: {finding}"
    if match.claim_id is None:    # the exception queue: its dollars in suspense, never dropped
        plan.postings.append(_row("suspense", match.method if match.method == "ambiguous" else "unmatched", paid))
        plan.work_items.append({"queue": "exception", "root_cause": "matching", "action": "match",
                                "amount": paid, "note": f"{where(cp)}: {match.why}"[:500]})
        return plan
    claim_remarks = _claim_remarks(cp)
    line_paid = ZERO
    for n, (svc, lm) in enumerate(zip(cp.services, line_matches), 1):
        line = {"claim_line_id": lm.line_id, "line_ref": n, "line_match": lm.method}
        amount = svc.paid_amount or ZERO
        line_paid += amount
        plan.postings.append(_row("payment", "line", amount, line=line))
        remarks = ",".join(svc.remark_codes) or None
        for adj in svc.adjustments:
            plan.postings.append(_adjustment(adj, remarks, line))
        zero_paid = amount == ZERO and (svc.charge or ZERO) > ZERO
        if zero_paid or cp.is_denied:
            _route(plan, svc.adjustments, svc.remark_codes, rules, n)
    interest = cp.interest or ZERO
    remainder = paid - line_paid
    if cp.services and interest and remainder == interest:
        plan.postings.append(_row("interest", "interest", interest))
    elif not cp.services and interest and paid - interest >= ZERO:
        plan.postings.append(_row("payment", "claim", paid - interest))
        plan.postings.append(_row("interest", "interest", interest))
    elif remainder:
        plan.postings.append(_row("payment", "claim", remainder))
    for adj in cp.adjustments:
        plan.postings.append(_adjustment(adj, ",".join(claim_remarks) or None))
    if cp.is_denied:
        _route(plan, cp.adjustments, claim_remarks, rules, None)
    if finding is not None and force:
        plan.postings.append(_row("adjustment", "unbalanced", _difference(cp), flagged=1))
    plan.status = _status(cp)
    if policy is not None:
        _review(plan, cp, policy)
    return plan


def _review(plan: PaymentPlan, cp: ClaimPayment, policy: PayerPolicy) -> None:
    """The payer's automation policy: write-offs above their CARC's limit are posted flagged, each with a review
    work item; a CARC the policy always reviews, or a post-and-review payer, adds one review item for the claim."""
    if policy.mode == "post" and not policy.review_carcs and not policy.write_off_limits:
        return    # the default: nothing to look at (posting 100k claims pays nothing for the policy)
    reasons: list[str] = []
    if policy.mode != "post":
        reasons.append(f"payer {policy.payer}: {policy.mode}")
    carcs = sorted({p["reason_code"] for p in plan.postings if p["group_code"] and p["reason_code"] in
                    policy.review_carcs})
    reasons += [f"CARC {carc} is always reviewed" for carc in carcs]
    if reasons:
        plan.work_items.append({"queue": "review", "root_cause": "policy", "action": "review", "amount": plan.paid,
                                "note": "; ".join(reasons)[:500]})
    for row in plan.postings:
        limit = policy.limit(row["reason_code"]) if row["group_code"] in WRITE_OFF_GROUPS else None
        if limit is not None and row["amount"] > limit:
            row["flagged"] = 1
            plan.work_items.append({"queue": "review", "root_cause": "policy", "action": "review-write-off",
                                    "group_code": row["group_code"], "reason_code": row["reason_code"],
                                    "amount": row["amount"], "line_ref": row["line_ref"],
                                    "note": f"{row['group_code']}-{row['reason_code']} write-off {row['amount']:.2f} "
                                            f"above the automatic limit {limit:.2f}"})


NO_LINE = {"claim_line_id": None, "line_ref": None, "line_match": None}


def _row(account: str, kind: str, amount: Decimal, flagged: int = 0, *, group: str | None = None,
         reason: str | None = None, remarks: str | None = None, quantity: Decimal | None = None,
         line: dict[str, Any] = NO_LINE) -> dict[str, Any]:
    return {"account": account, "kind": kind, "amount": amount, "group_code": group, "reason_code": reason,
            "remarks": remarks, "quantity": quantity, "reference": None, "flagged": flagged,
            "claim_line_id": line["claim_line_id"], "line_ref": line["line_ref"], "line_match": line["line_match"]}


def _adjustment(adj: Adjustment, remarks: str | None, line: dict[str, Any] = NO_LINE) -> dict[str, Any]:
    if adj.group == "PR":
        account, kind = "patient", PATIENT_KIND.get(adj.reason, "patient-other")
    else:
        account, kind = "adjustment", GROUP_KIND.get(adj.group, adj.group[:20])
    return _row(account, kind, adj.amount, group=adj.group[:2], reason=adj.reason[:5],
                remarks=remarks[:200] if remarks else None, quantity=adj.quantity, line=line)


def _route(plan: PaymentPlan, adjustments: tuple[Adjustment, ...], remarks: tuple[str, ...], rules: Rules,
           line_ref: int | None) -> None:
    for adj in adjustments:
        rule = rules.route(adj.group, adj.reason, remarks)
        if rule.action == "none":
            continue
        plan.work_items.append({"queue": "denial", "root_cause": rule.root_cause, "action": rule.action,
                                "group_code": adj.group[:2], "reason_code": adj.reason[:5],
                                "remark_code": remarks[0][:10] if remarks else None, "amount": adj.amount,
                                "line_ref": line_ref, "note": rule.note[:500] or None})


def _claim_remarks(cp: ClaimPayment) -> tuple[str, ...]:
    found: list[str] = []
    for adjudication in (cp.outpatient, cp.inpatient):
        if adjudication is not None:
            found.extend(adjudication.remarks)
    return tuple(found)


def _difference(cp: ClaimPayment) -> Decimal:
    """CLP03 − CLP04 − Σ CAS: what the claim's adjustments lack for charge = paid + Σ adjustments."""
    return (cp.total_charge or ZERO) - (cp.paid_amount or ZERO) - cp.adjustment_total


def _fractional_cents(cp: ClaimPayment) -> str | None:
    """The ledger keeps amounts to the cent and never rounds: an amount with more decimals refuses the ERA."""
    amounts = [cp.total_charge, cp.paid_amount, cp.patient_responsibility, cp.interest,
               *(a.amount for a in cp.adjustments)]
    for svc in cp.services:
        amounts += [svc.charge, svc.paid_amount, *(a.amount for a in svc.adjustments)]
    for amount in amounts:
        if amount is not None and amount != amount.quantize(CENT):
            return f"amount {amount} has fractions of a cent; the ledger keeps amounts exact and does not round"
    return None


def _balance(cp: ClaimPayment) -> str | None:
    difference = _difference(cp)
    interest = cp.interest or ZERO
    if difference == ZERO or (interest and difference == -interest):
        return None
    return (f"charge {cp.total_charge or ZERO} ≠ paid {cp.paid_amount or ZERO} + adjustments {cp.adjustment_total}"
            f" (off by {difference}); the payer's 835 does not balance")


def _status(cp: ClaimPayment) -> str:
    if cp.is_reversal:
        return "reversed"
    if cp.is_denied:
        return "denied"
    if cp.is_forwarded:
        return "forwarded"
    # a line paid nothing is denied unless the patient owes it (all to the deductible: processed, the patient pays)
    # or an earlier payer's adjudication took it (OA-23, a secondary claim)
    if any((s.paid_amount or ZERO) == ZERO and (s.charge or ZERO) > ZERO and
           not any(a.group == "PR" or (a.group, a.reason) == ("OA", "23") for a in s.adjustments)
           for s in cp.services):
        return "partially_paid" if (cp.paid_amount or ZERO) > ZERO else "denied"
    return "paid"
