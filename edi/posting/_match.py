"""Matching an 835's claim payments to the claims the ledger holds, and its service lines to the claim's lines;
each match says how (method) and how sure (score, 1 exact … 0 none).

Claims: CLP01 = CLM01 (score 1; several claims with that CLM01: the payer order CLP02 names and an equal charge
decide, else ambiguous; a reversal, CLP02 22, goes to the claim whose earlier payment its CLP07 names; a denial,
CLP02 4, to the claim sent last); CLP07 = the payer claim number of an earlier payment of the claim (0.95, for later
ERAs on the same claim: reversals, corrections); CLP01 a prefix of one CLM01 (0.8: the payer cut it short).
Lines: REF*6R = the line's control number (1); else procedure (SVC06's, the code as billed, when the payer
changed it) + modifiers in any order + date of service + charge (0.9), tolerant of one dropped modifier (0.8);
for 837I revenue-code lines, revenue code + date + charge (0.85). A payer that unbundled a line into several
service payments (the same REF*6R, or SVC06 naming the line's procedure with the payments' charges adding up to
its charge) has each matched to that line (0.9 / 0.8, "unbundled"); one that bundled lines into one payment (its
charge the sum of two or three lines of the date, SVC06 or SVC01 one of their procedures) has it matched to that
line, the others named in ``bundled`` (0.75).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from edi.ledger._posting import KnownClaim, KnownLine
    from edi.models import ClaimPayment, ServicePayment

REVERSAL = "22"
DENIED = "4"
PAYER_ORDER = {"1": 1, "19": 1, "2": 2, "20": 2, "3": 3, "21": 3}   # CLP02 → which payer adjudicated


@dataclass(frozen=True, slots=True)
class ClaimMatch:
    claim_id: int | None
    method: str          # clm01, payer-claim-number, clm01-prefix, ambiguous, none
    score: Decimal
    why: str = ""


@dataclass(frozen=True, slots=True)
class LineMatch:
    line_id: int | None
    method: str          # 6r, procedure, dropped-modifier, svc06, revenue, unbundled, bundled, none
    score: Decimal
    bundled: tuple[int, ...] = ()   # other claim lines the payer bundled into this service payment


NONE = ClaimMatch(None, "none", Decimal(0), "no claim with this CLM01 or payer claim number in the ledger")


def match_claim(cp: ClaimPayment, exact: list[KnownClaim], by_payer_number: int | None,
                prefixed: list[KnownClaim]) -> ClaimMatch:
    if exact and cp.status_code == REVERSAL and by_payer_number is not None and \
            any(k.claim_id == by_payer_number for k in exact):
        # a reversal takes back the payment its CLP07 names: that claim's, not the newest resubmission's
        return ClaimMatch(by_payer_number, "payer-claim-number", Decimal("0.95"))
    if exact:
        chosen = _choose(cp, exact)
        if chosen is not None:
            return ClaimMatch(chosen.claim_id, "clm01", Decimal(1))
        if by_payer_number is not None and any(k.claim_id == by_payer_number for k in exact):
            return ClaimMatch(by_payer_number, "payer-claim-number", Decimal("0.95"))
        return ClaimMatch(None, "ambiguous", Decimal(0),
                          f"{len(exact)} claims have CLM01 {cp.patient_control_number}; payer order and charge do "
                          "not single one out")
    if by_payer_number is not None:
        return ClaimMatch(by_payer_number, "payer-claim-number", Decimal("0.95"))
    if len(prefixed) == 1:
        return ClaimMatch(prefixed[0].claim_id, "clm01-prefix", Decimal("0.8"))
    if len(prefixed) > 1:
        return ClaimMatch(None, "ambiguous", Decimal(0),
                          f"CLP01 {cp.patient_control_number} begins {len(prefixed)} claims' CLM01")
    return NONE


def _choose(cp: ClaimPayment, candidates: list[KnownClaim]) -> KnownClaim | None:
    if len(candidates) == 1:
        return candidates[0]
    order = PAYER_ORDER.get(cp.status_code)
    narrowed = [k for k in candidates if order is None or k.payer_order == order] or candidates
    if len(narrowed) > 1 and cp.total_charge is not None:
        narrowed = [k for k in narrowed if k.total_charge == cp.total_charge] or narrowed
    if len(narrowed) > 1 and order is None and cp.status_code == DENIED:
        # a denial does not say which payer in the order denied: the claim sent last (a next payer's claim is
        # sent only after the earlier payer's answer) is the one answered
        return narrowed[-1]
    if len(narrowed) > 1:   # resubmissions of one claim (same CLM01, e.g. frequency 7): the newest
        if len({(k.payer_order, k.total_charge) for k in narrowed}) == 1:
            return narrowed[-1]
        return None
    return narrowed[0]


def match_lines(services: tuple[ServicePayment, ...], lines: list[KnownLine]) -> list[LineMatch]:
    """One match per service payment; a claim line is matched at most once (split claims: per CLP)."""
    taken: set[int] = set()
    by_6r = {line.line_control_number: line for line in lines}
    out: list[LineMatch] = []
    for svc in services:
        found = by_6r.get(svc.line_item_control_number) if svc.line_item_control_number else None
        if found is not None:
            if found.line_id not in taken:
                taken.add(found.line_id)
                out.append(LineMatch(found.line_id, "6r", Decimal(1)))
            else:   # a second payment for the same line: the payer split (unbundled) it
                out.append(LineMatch(found.line_id, "unbundled", Decimal("0.9")))
            continue
        best: tuple[Decimal, str, KnownLine] | None = None
        for line in lines:
            if line.line_id in taken:
                continue
            scored = _score(svc, line)
            if scored is not None and (best is None or scored[0] > best[0]):
                best = (scored[0], scored[1], line)
        if best is not None:
            taken.add(best[2].line_id)
            out.append(LineMatch(best[2].line_id, best[1], best[0]))
            continue
        out.append(_unbundled(svc, services, lines) or _bundled(svc, lines, taken) or
                   LineMatch(None, "none", Decimal(0)))
    return out


def _billed_code(svc: ServicePayment) -> str:
    billed = svc.original_procedure or svc.procedure
    return billed.code if billed is not None else ""


def _on(svc: ServicePayment, line: KnownLine) -> bool:
    dos = svc.service_date or svc.service_from
    return dos is None or line.service_from is None or dos == line.service_from


def _unbundled(svc: ServicePayment, services: tuple[ServicePayment, ...], lines: list[KnownLine]) -> LineMatch | None:
    """The line whose procedure the payment's SVC06 names, when the payments naming it that day add up to its
    charge (one billed line paid as several)."""
    if svc.original_procedure is None:
        return None
    code = svc.original_procedure.code
    parts = [s for s in services if s.original_procedure is not None and s.original_procedure.code == code
             and (s.service_date or s.service_from) == (svc.service_date or svc.service_from)]
    total = sum((s.charge or Decimal(0) for s in parts), Decimal(0))
    for line in lines:
        if line.procedure_code == code and _on(svc, line) and len(parts) > 1 and total == line.charge:
            return LineMatch(line.line_id, "unbundled", Decimal("0.8"))
    return None


def _bundled(svc: ServicePayment, lines: list[KnownLine], taken: set[int]) -> LineMatch | None:
    """Two or three unmatched lines of the date whose charges add up to the payment's, one of them the procedure
    the payment names (SVC06, else SVC01): the payer paid them as one."""
    from itertools import combinations

    code, charge = _billed_code(svc), svc.charge
    free = [line for line in lines if line.line_id not in taken and _on(svc, line)]
    if not code or charge is None:
        return None
    for size in (2, 3):
        for group in combinations(free, size):
            if sum((line.charge for line in group), Decimal(0)) != charge:
                continue
            head = next((line for line in group if line.procedure_code == code), None)
            if head is None:
                continue
            taken.update(line.line_id for line in group)
            return LineMatch(head.line_id, "bundled", Decimal("0.75"),
                             tuple(line.line_id for line in group if line is not head))
    return None


def _score(svc: ServicePayment, line: KnownLine) -> tuple[Decimal, str] | None:
    dos = svc.service_date or svc.service_from
    if dos is not None and line.service_from is not None and dos != line.service_from:
        return None
    if svc.charge is not None and svc.charge != line.charge:
        return None
    billed = svc.original_procedure or svc.procedure
    if billed is None or billed.qualifier in ("NU",):
        code = (billed.code if billed else "") or svc.revenue_code
        if code and code == line.revenue_code:
            return Decimal("0.85"), "revenue"
        return None
    if billed.code != line.procedure_code:
        return None
    method = "svc06" if svc.original_procedure is not None else "procedure"
    theirs = {m for m in billed.modifiers if m}
    ours = set(line.modifiers)
    if theirs == ours:
        return Decimal("0.9"), method
    if theirs < ours and len(ours - theirs) == 1:
        return Decimal("0.8"), method if method == "svc06" else "dropped-modifier"
    return None
