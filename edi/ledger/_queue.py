"""The work queue (``edi ledger queue``): work items with their state derived, never updated. A work item —
a denial routed by root cause, an exception (a payment matched to nothing), a policy review — stays open until a
later event in the ledger closes it:

- ``resubmitted``: a replacement claim (frequency 7) with the same CLM01 recorded after the item's ERA;
- ``paid``: a later claim payment (a later ERA, or later in the same one) of a claim with the same CLM01 that
  paid something and is not a reversal.

Exceptions with no claim (unmatched payments in suspense) have no such event yet and stay open. Rows are read
with three queries and joined here: the queue is small beside the journal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from edi.ledger import _schema as t

ZERO = Decimal("0.00")
REVERSAL = "22"


@dataclass(frozen=True, slots=True)
class WorkItem:
    item: int
    queue: str                 # denial | exception | review
    root_cause: str
    action: str                # the next action
    payer: str
    clm01: str | None          # the claim's CLM01 (CLP01 for an unmatched payment)
    claim_id: int | None
    line: int | None
    group: str | None
    reason: str | None
    remark: str | None
    amount: Decimal | None
    note: str | None
    era: int
    posted_at: datetime
    closed_by: str | None      # None: open; "paid" / "resubmitted" and where


def work_items(conn: Connection) -> list[WorkItem]:
    """Every work item, oldest first, each open or closed by the first later event that closes it."""
    w, e, c, cp = t.work_items.c, t.eras.c, t.claims.c, t.claim_payments.c
    clm01_of: dict[int, str] = {}
    replacements: dict[str, list[tuple[datetime, int]]] = {}
    for claim_id, clm01, frequency, recorded in conn.execute(
            select(c.id, c.patient_control_number, c.frequency_code, c.recorded_at)):
        clm01_of[claim_id] = clm01
        if frequency == "7":
            replacements.setdefault(clm01, []).append((recorded, claim_id))
    paid_later: dict[str, list[tuple[int, str]]] = {}   # CLM01 → (claim payment id, trace) that paid something
    for pay_id, claim_id, status, paid, trace in conn.execute(
            select(cp.id, cp.claim_id, cp.status_code, cp.paid, e.trace_number).join(t.eras, e.id == cp.era_id)
            .where(cp.claim_id.is_not(None))):
        if status != REVERSAL and paid > ZERO:
            paid_later.setdefault(clm01_of[claim_id], []).append((pay_id, trace))
    out = []
    for row in conn.execute(select(w.id, w.queue, w.root_cause, w.action, w.claim_id, w.claim_payment_id,
                                   w.line_ref, w.group_code, w.reason_code, w.remark_code, w.amount, w.note,
                                   e.id.label("era"), e.payer_id, e.recorded_at, cp.patient_control_number)
                            .join(t.eras, e.id == w.era_id)
                            .outerjoin(t.claim_payments, cp.id == w.claim_payment_id).order_by(w.id)):
        clm01 = clm01_of.get(row.claim_id) if row.claim_id is not None else row.patient_control_number
        closed = None
        if row.claim_id is not None and clm01 is not None:
            closed = _closed_by(clm01, row.claim_payment_id or 0, row.recorded_at, replacements, paid_later)
        out.append(WorkItem(row.id, row.queue, row.root_cause, row.action, row.payer_id, clm01, row.claim_id,
                            row.line_ref, row.group_code, row.reason_code, row.remark_code, row.amount, row.note,
                            row.era, row.recorded_at, closed))
    return out


def _closed_by(clm01: str, payment_id: int, posted_at: datetime,
               replacements: dict[str, list[tuple[datetime, int]]],
               paid_later: dict[str, list[tuple[int, str]]]) -> str | None:
    for recorded, claim_id in replacements.get(clm01, ()):
        if recorded > posted_at:
            return f"resubmitted as claim #{claim_id} (frequency 7)"
    for pay_id, trace in paid_later.get(clm01, ()):
        if pay_id > payment_id:
            return f"paid by claim payment #{pay_id} (trace {trace})"
    return None


def queue_summary(items: list[WorkItem]) -> dict[str, Any]:
    """Open items grouped by queue, root cause and payer (count, amount), and how many each event closed."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for item in items:
        if item.closed_by is not None:
            continue
        g = groups.setdefault((item.queue, item.root_cause, item.payer),
                              {"queue": item.queue, "root_cause": item.root_cause, "payer": item.payer,
                               "items": 0, "amount": ZERO})
        g["items"] += 1
        g["amount"] += item.amount or ZERO
    closed: dict[str, int] = {}
    for item in items:
        if item.closed_by is not None:
            kind = item.closed_by.split(" ", 1)[0]
            closed[kind] = closed.get(kind, 0) + 1
    open_items = [i for i in items if i.closed_by is None]
    return {"open": len(open_items), "open_amount": sum((i.amount or ZERO for i in open_items), ZERO),
            "closed": closed, "groups": [groups[k] for k in sorted(groups)]}
