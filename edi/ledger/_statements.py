"""What each patient owes, from the journal (``edi ledger statements``): per claim number (CLM01), the patient
responsibility the last payer that adjudicated it posted (PR-1 deductible, PR-2 coinsurance, PR-3 copay, other
PR by CARC), net of reversals — earlier payers' PR is superseded by the next payer's adjudication (COB). A claim
whose next payer was billed, or to which its payer crossed it over (CLP02 19/20/21/23), and which that payer has
not answered yet, is listed as waiting, with nothing owed yet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select

from edi.ledger import _schema as t

ZERO = Decimal("0.00")


@dataclass(slots=True)
class ClaimDue:
    clm01: str
    service_from: date
    charge: Decimal
    payer: str                       # the payer whose adjudication counts (or the one waited on)
    insurance_paid: Decimal          # Σ payments and interest of every payer
    owed: Decimal
    why: dict[tuple[str, str], Decimal] = field(default_factory=dict)   # (kind, CARC) → amount
    waiting: bool = False


@dataclass(slots=True)
class PatientDue:
    account_id: int
    person: dict[str, Any]
    claims: list[ClaimDue] = field(default_factory=list)

    @property
    def owed(self) -> Decimal:
        return sum((c.owed for c in self.claims if not c.waiting), ZERO)


def patients_due(conn: Connection) -> list[PatientDue]:
    c, e, p, a, cp = t.claims.c, t.encounters.c, t.postings.c, t.accounts.c, t.claim_payments.c
    claims: dict[str, list[Any]] = {}
    for row in conn.execute(select(c.id, c.patient_control_number, c.payer_order, c.payer_id, c.total_charge,
                                   c.service_from, e.patient_account_id)
                            .join(t.encounters, e.id == c.encounter_id).order_by(c.id)):
        claims.setdefault(row.patient_control_number, []).append(row)
    adjudicated = set(conn.execute(select(cp.claim_id).where(cp.claim_id.is_not(None)).distinct()).scalars())
    reversed_ids = set(conn.execute(select(cp.reverses_id).where(cp.reverses_id.is_not(None))).scalars())
    crossed = {claim_id for pay_id, claim_id in conn.execute(
        select(cp.id, cp.claim_id).where(cp.status_code.in_(("19", "20", "21", "23")))) if pay_id not in reversed_ids}
    sums: dict[int, dict[tuple[str, str, str], Decimal]] = {}
    for claim_id, account, kind, reason, total in conn.execute(
            select(p.claim_id, p.account, p.kind, p.reason_code, func.sum(p.amount))
            .where(p.claim_id.is_not(None), p.account.in_(("payment", "interest", "patient")))
            .group_by(p.claim_id, p.account, p.kind, p.reason_code)):
        sums.setdefault(claim_id, {})[(account, kind, reason or "")] = total
    patients: dict[int, PatientDue] = {}
    for clm01, rows in claims.items():
        done = [r for r in rows if r.id in adjudicated]
        if not done:
            continue
        last = max(done, key=lambda r: (r.payer_order, r.id))
        later = [r for r in rows if r.payer_order > last.payer_order]
        paid = sum((v for r in done for (acct, _, _), v in sums.get(r.id, {}).items() if acct != "patient"), ZERO)
        why = {(kind, reason): v for (acct, kind, reason), v in sums.get(last.id, {}).items()
               if acct == "patient" and v != ZERO}
        waiting_on = later[0].payer_id if later else "the payer it was forwarded to" if last.id in crossed else None
        due = ClaimDue(clm01, last.service_from, last.total_charge, waiting_on or last.payer_id, paid,
                       sum(why.values(), ZERO), why, waiting=waiting_on is not None)
        if due.owed == ZERO and not due.waiting:
            continue
        patients.setdefault(last.patient_account_id, PatientDue(last.patient_account_id, {})).claims.append(due)
    if patients:
        for row in conn.execute(select(a.id, a.last_name, a.first_name, a.middle_name, a.name_suffix,
                                       a.address_line_1, a.address_line_2, a.city, a.state, a.postal_code)
                                .where(a.id.in_(list(patients)))):
            patients[row.id].person = dict(row._mapping)
    return [patients[k] for k in sorted(patients) if patients[k].owed != ZERO]   # owing nothing yet: no statement
