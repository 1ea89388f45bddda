"""The ledger side of secondary claims (coordination of benefits): claims a payer has adjudicated, with what it
paid and adjusted per line and per claim (its reversed payments left out), and the encounter as given, so the
next payer's claim can be built (edi.posting._secondary)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from edi.ledger import _schema as t
from edi.ledger._journal import CHUNK, _chunks

CROSSED_OVER = frozenset({"19", "20", "21", "23"})
PROCESSED = frozenset({"1", "2", "3"})     # processed as primary, secondary, tertiary


@dataclass(slots=True)
class Adjudication:
    """One payer's adjudication of one claim, from the claim payments posted to it (reversed ones left out)."""

    claim_id: int
    clm01: str
    payer_order: int
    payer_id: str
    document: str | None
    statuses: list[str] = field(default_factory=list)   # CLP02 of the payments that stand
    forwarded: bool = False                              # CLP02 19/20/21/23, NM1*TT, or a "forwarded" event
    paid_on: date | None = None                          # the newest BPR16 of those payments
    entries: list[Any] = field(default_factory=list)     # their postings (account, kind, line_number, CAS, amount)


def adjudicated_claims(conn: Connection) -> Iterator[Adjudication]:
    """Claims with a posted payment that stands and no claim yet to the next payer (same CLM01, next payer order),
    oldest first."""
    c, e, cp, p, era, ln, ev = (t.claims.c, t.encounters.c, t.claim_payments.c, t.postings.c, t.eras.c,
                                t.claim_lines.c, t.claim_status_events.c)
    billed = {(clm01, order) for clm01, order in conn.execute(select(c.patient_control_number, c.payer_order))}
    forwarded = set(conn.execute(select(ev.claim_id).where(ev.status == "forwarded")).scalars())
    payments: dict[int, list[Any]] = {}
    reversed_ids: set[int] = set()
    for row in conn.execute(select(cp.id, cp.claim_id, cp.status_code, cp.reverses_id, era.payment_date)
                            .join(t.eras, era.id == cp.era_id).where(cp.claim_id.is_not(None)).order_by(cp.id)):
        payments.setdefault(row.claim_id, []).append(row)
        if row.reverses_id is not None:
            reversed_ids.add(row.reverses_id)
    for chunk in _chunks(list(payments), CHUNK):
        found: dict[int, Adjudication] = {}
        standing_of: dict[int, int] = {}     # claim payment id → claim id
        for claim in conn.execute(select(c.id, c.patient_control_number, c.payer_order, c.payer_id, e.document)
                                  .join(t.encounters, e.id == c.encounter_id).where(c.id.in_(chunk))
                                  .order_by(c.id)):
            if (claim.patient_control_number, claim.payer_order + 1) in billed:
                continue
            standing = [r for r in payments[claim.id] if r.status_code != "22" and r.id not in reversed_ids]
            if not standing:
                continue
            found[claim.id] = Adjudication(claim.id, claim.patient_control_number, claim.payer_order, claim.payer_id,
                                           claim.document, [r.status_code for r in standing],
                                           claim.id in forwarded or any(r.status_code in CROSSED_OVER
                                                                        for r in standing),
                                           max((r.payment_date for r in standing if r.payment_date), default=None))
            standing_of.update((r.id, claim.id) for r in standing)
        for ids in _chunks(list(standing_of), CHUNK):
            for entry in conn.execute(
                    select(p.claim_payment_id, p.account, p.kind, p.group_code, p.reason_code, p.amount, p.quantity,
                           p.line_ref, ln.line_number).outerjoin(t.claim_lines, ln.id == p.claim_line_id)
                    .where(p.claim_payment_id.in_(ids)).order_by(p.id)):
                found[standing_of[entry.claim_payment_id]].entries.append(entry)
        yield from (found[k] for k in sorted(found))
