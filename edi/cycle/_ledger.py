"""What the cycle asks the ledger: the dollars and claim payments of the ERAs a week posted, the denials to work
(with the encounter as sent and the payer's claim number), and how each encounter ended."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, func, select

from edi.claims.encounter import Encounter
from edi.ledger import _schema as t
from edi.ledger._queue import WorkItem, work_items

ZERO = Decimal("0.00")
PAID_ACCOUNTS = ("payment", "interest")     # an encounter insurance paid something for
BILL_PATIENT = "bill-patient"


@dataclass(frozen=True)
class EraTotals:
    paid_claims: int = 0
    denied_claims: int = 0
    paid: Decimal = ZERO
    adjusted: Decimal = ZERO
    patient: Decimal = ZERO
    interest_plb: Decimal = ZERO


def era_totals(conn: Connection, era_keys: Iterable[str]) -> EraTotals:
    """The claim payments and entries of the ERAs with these keys: claims paid (CLP04 > 0, not a reversal) and
    denied (CLP02 4); payments (for services, net of reversals), adjustments, patient responsibility, and
    interest with the provider-level adjustments (PLB: L6 interest, WO recoupments …)."""
    keys = sorted(set(era_keys))
    if not keys:
        return EraTotals()
    e, cp, p = t.eras.c, t.claim_payments.c, t.postings.c
    ids = [row[0] for row in conn.execute(select(e.id).where(e.era_key.in_(keys)))]
    paid = denied = 0
    for status, amount in conn.execute(select(cp.status_code, cp.paid).where(cp.era_id.in_(ids))):
        denied += status == "4"
        paid += status != "22" and amount > ZERO
    sums = dict(conn.execute(select(p.account, func.sum(p.amount)).where(p.era_id.in_(ids))
                             .group_by(p.account)).all())
    return EraTotals(paid, denied, sums.get("payment") or ZERO, sums.get("adjustment") or ZERO,
                     sums.get("patient") or ZERO, (sums.get("interest") or ZERO) + (sums.get("plb") or ZERO))


def _open_denial(item: WorkItem) -> bool:
    """An open denial work item that is not the patient's share (PR: bill the patient, a statement does that)."""
    return item.queue == "denial" and item.closed_by is None and item.action != BILL_PATIENT


@dataclass(frozen=True)
class Denial:
    clm01: str
    claim_id: int
    payer_id: str
    denials: frozenset[str]       # "CO-197", group-CARC of each open work item
    payer_claim_number: str       # CLP07 of the denying payment: REF*F8 of the replacement
    document: bytes               # the encounter as sent (JSON)


def open_denials(conn: Connection) -> list[Denial]:
    """Claims with open denial work items, oldest first, with what a replacement needs."""
    by_claim: dict[int, tuple[str, set[str]]] = {}
    for item in work_items(conn):
        if not _open_denial(item) or item.claim_id is None or item.clm01 is None:
            continue
        by_claim.setdefault(item.claim_id, (item.clm01, set()))[1].add(f"{item.group}-{item.reason}")
    if not by_claim:
        return []
    c, enc, cp = t.claims.c, t.encounters.c, t.claim_payments.c
    rows = conn.execute(select(c.id, c.payer_id, enc.document).join(t.encounters, enc.id == c.encounter_id)
                        .where(c.id.in_(sorted(by_claim)))).all()
    numbers = {claim_id: number for claim_id, number in conn.execute(
        select(cp.claim_id, cp.payer_claim_number).where(cp.claim_id.in_(sorted(by_claim)), cp.status_code != "22")
        .order_by(cp.id))}
    out = []
    for claim_id, payer_id, document in sorted(rows):
        clm01, codes = by_claim[claim_id]
        if document and numbers.get(claim_id):
            out.append(Denial(clm01, claim_id, payer_id, frozenset(codes), numbers[claim_id],
                              document.encode() if isinstance(document, str) else document))
    return out


def recorded(conn: Connection, encounters: Iterable[Encounter]) -> set[str]:
    """The ids of the encounters whose claim (CLM01) the ledger already holds, sent or held by an earlier run."""
    ids, column = sorted({e.id for e in encounters}), t.claims.c.patient_control_number
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        found.update(conn.execute(select(column).where(column.in_(ids[start:start + 500])).distinct()).scalars())
    return found


def outcomes(conn: Connection, encounter_ids: Iterable[str]) -> dict[str, str]:
    """How each encounter (by its id, CLM01) ended, the first that holds: ``paid`` (insurance paid something, net
    of reversals), ``patient-responsible`` (processed, nothing paid, the patient owes), ``denied`` (nothing paid or
    owed, an open denial work item), ``held`` (never sent: held with findings), ``pending`` (sent, no answer that
    settles it)."""
    c, p, ev = t.claims.c, t.postings.c, t.claim_status_events.c
    wanted = set(encounter_ids)
    sent: set[str] = set()
    held: set[str] = set()
    for clm01, status in conn.execute(select(c.patient_control_number, ev.status)
                                      .join(t.claim_status_events, ev.claim_id == c.id)):
        if status == "held":
            held.add(clm01)
        elif status == "submitted":
            sent.add(clm01)
    money: dict[tuple[str, str], Decimal] = {}
    for clm01, account, amount in conn.execute(
            select(c.patient_control_number, p.account, func.sum(p.amount)).join(t.claims, c.id == p.claim_id)
            .group_by(c.patient_control_number, p.account)):
        money[(clm01, account)] = amount or ZERO
    denied = {item.clm01 for item in work_items(conn) if _open_denial(item)}
    processed = {clm01 for (clm01, _) in money}
    ended = {}
    for clm01 in sorted(wanted):
        paid = sum((money.get((clm01, a), ZERO) for a in PAID_ACCOUNTS), ZERO)
        if clm01 not in sent:
            ended[clm01] = "held" if clm01 in held else "pending"
        elif paid > ZERO:
            ended[clm01] = "paid"
        elif clm01 in processed and money.get((clm01, "patient"), ZERO) > ZERO:
            ended[clm01] = "patient-responsible"
        elif clm01 in denied:
            ended[clm01] = "denied"
        else:
            ended[clm01] = "pending"
    return ended
