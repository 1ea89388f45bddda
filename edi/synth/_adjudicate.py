"""A pretend payer: turns an encounter into the payment an 835 reports, balancing exactly.

Per line: SVC02 − SVC03 = Σ line CAS. Per claim: CLP03 − CLP04 = Σ claim CAS + Σ line CAS. Amounts are
Decimal cents throughout; a reversal (CLP02 22) is a whole adjudication with every amount negated.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from edi.synth._encounter import Encounter, Line
from edi.synth._random import money, share

ZERO = Decimal(0)
Adjustment = tuple[str, str, Decimal]     # (group code, CARC reason code, amount)

# (CARC, RARC) pairs: line denials, claim denials, and remarks on paid lines (codes from pyx12's code lists).
LINE_DENIALS = (("97", "M15"), ("96", "N130"), ("18", "M86"), ("151", "N115"), ("204", "N130"))
CLAIM_DENIALS = (("29", None), ("27", None), ("16", "MA130"), ("197", "N4"), ("109", "N19"))
PAID_REMARKS = ("N59", "N362", "MA01", "N522", "N290")
DOWNCODES = {"99214": "99213", "99204": "99203"}


@dataclass(frozen=True, slots=True)
class LinePayment:
    line: Line
    code: str                             # SVC01 procedure as adjudicated
    submitted: str | None                 # SVC06 procedure as billed, when the payer changed it
    charge: Decimal
    paid: Decimal
    allowed: Decimal | None               # AMT*B6
    adjustments: tuple[Adjustment, ...]
    remark: str | None                    # LQ*HE


@dataclass(frozen=True, slots=True)
class ClaimPayment:
    claim: Encounter
    status: str                           # CLP02: 1 primary, 2 secondary, 4 denied, 22 reversal
    filing: str                           # CLP06 claim filing indicator
    charge: Decimal
    paid: Decimal
    adjustments: tuple[Adjustment, ...]   # claim-level CAS
    lines: tuple[LinePayment, ...]        # empty when the payer adjudicated at claim level only
    payer_claim: str                      # CLP07
    remark: str | None                    # MOA03
    inpatient: bool                       # send MIA instead of MOA

    @property
    def patient(self) -> Decimal:
        """CLP05: every PR adjustment, claim and line level."""
        everything = [*self.adjustments, *(a for line in self.lines for a in line.adjustments)]
        return sum((value for group, _, value in everything if group == "PR"), ZERO)


def adjudicate(claim: Encounter, seed: int, filing: str, paid_so_far: Decimal) -> ClaimPayment:
    """Pay, deny or reverse ``claim`` as a payer with claim filing indicator ``filing`` (CLP06; MB adds
    sequestration). A reversal is only chosen when ``paid_so_far`` in this transaction covers it, so the
    transaction's total payment never goes negative."""
    rng = random.Random(f"{seed}/{claim.index}/835")
    status = _status(rng, claim)
    if status == "4":
        return _denied(rng, claim, filing)
    lines = tuple(_pay_line(rng, line, status, filing) for line in claim.lines)
    payment = _claim_payment(rng, claim, "2" if status == "2" else "1", filing, lines)
    if rng.random() < 0.08:
        payment = _claim_level_only(payment)
    if status == "22" and payment.paid <= paid_so_far:
        payment = _reversed(payment)
    return payment


def _status(rng: random.Random, claim: Encounter) -> str:
    roll = rng.random()
    if claim.other is not None:
        return "2"
    return "4" if roll < 0.05 else "22" if roll < 0.08 else "1"


def _claim_payment(rng: random.Random, claim: Encounter, status: str, filing: str,
                   lines: tuple[LinePayment, ...]) -> ClaimPayment:
    paid = sum((line.paid for line in lines), ZERO)
    remark = rng.choice(PAID_REMARKS) if rng.random() < 0.1 else None
    inpatient = claim.place == "21" and rng.random() < 0.5
    return ClaimPayment(claim, status, filing, claim.charge, paid, (), lines, _payer_claim(claim), remark, inpatient)


def _payer_claim(claim: Encounter) -> str:
    return f"SYNC{claim.index + 1:09d}{claim.pcn[-4:]}"


def _denied(rng: random.Random, claim: Encounter, filing: str) -> ClaimPayment:
    reason, remark = rng.choice(CLAIM_DENIALS)
    number = _payer_claim(claim)
    if rng.random() < 0.5:
        adjustments: tuple[Adjustment, ...] = (("CO", reason, claim.charge),)
        return ClaimPayment(claim, "4", filing, claim.charge, ZERO, adjustments, (), number, remark, False)
    lines = tuple(_denied_line(line, reason, None) for line in claim.lines)
    return ClaimPayment(claim, "4", filing, claim.charge, ZERO, (), lines, number, remark, False)


def _denied_line(line: Line, reason: str, remark: str | None) -> LinePayment:
    return LinePayment(line, line.code, None, line.charge, ZERO, None, (("CO", reason, line.charge),), remark)


def _pay_line(rng: random.Random, line: Line, status: str, filing: str) -> LinePayment:
    if rng.random() < 0.06:
        return _denied_line(line, *rng.choice(LINE_DENIALS))
    code, submitted = _procedure(rng, line)
    allowed = share(line.charge, rng, 0.45, 0.92)
    adjustments = [("CO", "45", line.charge - allowed)]
    remaining = allowed
    for adjustment in _patient_and_prior_payer(rng, line, status, remaining):
        adjustments.append(adjustment)
        remaining -= adjustment[2]
    if filing == "MB" and remaining > 0:
        sequestration = money(remaining * Decimal("0.02"))
        adjustments.append(("CO", "253", sequestration))
        remaining -= sequestration
    remark = rng.choice(PAID_REMARKS) if rng.random() < 0.08 else None
    kept = tuple(a for a in adjustments if a[2] != 0)
    return LinePayment(line, code, submitted, line.charge, remaining, allowed, kept, remark)


def _procedure(rng: random.Random, line: Line) -> tuple[str, str | None]:
    lower = DOWNCODES.get(line.code)
    if lower and rng.random() < 0.05:
        return lower, line.code
    return line.code, None


def _patient_and_prior_payer(rng: random.Random, line: Line, status: str, allowed: Decimal) -> list[Adjustment]:
    """OA-23 (what a primary payer already covered), then deductible, copay or coinsurance, within ``allowed``."""
    out: list[Adjustment] = []
    left = allowed
    if status == "2":
        out.append(("OA", "23", share(left, rng, 0.6, 0.85)))
        left -= out[-1][2]
    if rng.random() < 0.15:
        out.append(("PR", "1", min(left, money(rng.randint(10, 150)))))
        left -= out[-1][2]
    if line.code.startswith("992") and rng.random() < 0.3:
        out.append(("PR", "3", min(left, money(rng.choice((20, 25, 40))))))
    elif rng.random() < 0.5:
        out.append(("PR", "2", share(left, rng, 0.2, 0.2)))
    return out


def _claim_level_only(payment: ClaimPayment) -> ClaimPayment:
    """The same payment with every line adjustment rolled up to the claim and no service lines."""
    totals: dict[tuple[str, str], Decimal] = {}
    for line in payment.lines:
        for group, reason, value in line.adjustments:
            totals[group, reason] = totals.get((group, reason), ZERO) + value
    adjustments = tuple((group, reason, value) for (group, reason), value in totals.items())
    return replace(payment, adjustments=adjustments, lines=())


def _reversed(payment: ClaimPayment) -> ClaimPayment:
    lines = tuple(_negated_line(line) for line in payment.lines)
    return replace(payment, status="22", charge=-payment.charge, paid=-payment.paid,
                   adjustments=_negated(payment.adjustments), lines=lines, remark=None, inpatient=False)


def _negated_line(line: LinePayment) -> LinePayment:
    allowed = None if line.allowed is None else -line.allowed
    return replace(line, charge=-line.charge, paid=-line.paid, allowed=allowed,
                   adjustments=_negated(line.adjustments))


def _negated(adjustments: Iterable[Adjustment]) -> tuple[Adjustment, ...]:
    return tuple((group, reason, -value) for group, reason, value in adjustments)
