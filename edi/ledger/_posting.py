"""The ledger side of ERA posting (edi.posting decides what to post; this stores it and answers its lookups):
ERAs by their key, claims by CLM01 (exact or prefix), lines of claims, earlier claim payments by payer claim
number, and the inserts of claim payments, postings and work items — all on one open connection, inside the
ERA's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select

from edi.ledger import _schema as t
from edi.ledger._bulk import bulk_insert
from edi.ledger._journal import CHUNK, _chunks, _dialect_insert, ids_by
from edi.ledger._types import utc_now


@dataclass(frozen=True, slots=True)
class KnownClaim:
    claim_id: int
    patient_control_number: str
    payer_order: int
    total_charge: Decimal


@dataclass(frozen=True, slots=True)
class KnownLine:
    line_id: int
    claim_id: int
    line_number: int
    line_control_number: str
    procedure_code: str | None
    modifiers: tuple[str, ...]
    revenue_code: str | None
    charge: Decimal
    service_from: Any


@dataclass(frozen=True, slots=True)
class KnownPayment:
    payment_id: int
    claim_id: int | None
    payer_claim_number: str | None
    status_code: str
    paid: Decimal
    reversed: bool


@dataclass(frozen=True, slots=True)
class PostedEra:
    era_id: int
    recorded_at: datetime
    run_id: int | None
    source_name: str
    payment_amount: Decimal
    payment_date: Any


def find_era(conn: Connection, key: str) -> PostedEra | None:
    row = conn.execute(select(t.eras.c.id, t.eras.c.recorded_at, t.eras.c.run_id, t.sources.c.name,
                              t.eras.c.payment_amount, t.eras.c.payment_date)
                       .join(t.sources, t.sources.c.id == t.eras.c.source_id)
                       .where(t.eras.c.era_key == key)).first()
    return PostedEra(*row) if row else None


def insert_era(conn: Connection, row: dict[str, Any]) -> int | None:
    """The ERA's row, or None when its key is there already (also when a concurrent poster just committed it)."""
    stmt = _dialect_insert(conn, t.eras).values(**row, recorded_at=utc_now()) \
        .on_conflict_do_nothing(index_elements=["era_key"]).returning(t.eras.c.id)
    return conn.execute(stmt).scalar()


def posted_file(conn: Connection, sha256: str) -> tuple[datetime, int | None] | None:
    row = conn.execute(select(t.posted_files.c.recorded_at, t.posted_files.c.run_id)
                       .join(t.sources, t.sources.c.id == t.posted_files.c.source_id)
                       .where(t.sources.c.sha256 == sha256)).first()
    return (row[0], row[1]) if row else None


def record_posted_file(conn: Connection, source_id: int, eras: int, run_id: int | None) -> None:
    bulk_insert(conn, t.posted_files, [{"source_id": source_id, "eras": eras, "run_id": run_id,
                                         "recorded_at": utc_now()}], ("source_id",))


def claims_by_number(conn: Connection, numbers: Sequence[str]) -> dict[str, list[KnownClaim]]:
    c = t.claims.c
    found: dict[str, list[KnownClaim]] = {}
    for chunk in _chunks(list(dict.fromkeys(numbers)), CHUNK):
        for row in conn.execute(select(c.id, c.patient_control_number, c.payer_order, c.total_charge)
                                .where(c.patient_control_number.in_(chunk)).order_by(c.id)):
            found.setdefault(row[1], []).append(KnownClaim(*row))
    return found


def claims_by_prefix(conn: Connection, prefix: str, limit: int = 5) -> list[KnownClaim]:
    """Claims whose CLM01 starts with ``prefix`` (a payer cut CLP01 short); at most ``limit``."""
    c = t.claims.c
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = select(c.id, c.patient_control_number, c.payer_order, c.total_charge) \
        .where(c.patient_control_number.like(f"{escaped}%", escape="\\"), c.patient_control_number != prefix)
    if conn.dialect.name == "sqlite":   # a range the CLM01 index serves (and SQLite's LIKE ignores case)
        query = query.where(c.patient_control_number > prefix, c.patient_control_number < prefix + "\U0010ffff")
    return [KnownClaim(*row) for row in conn.execute(query.order_by(c.id).limit(limit))]


def line_keys(conn: Connection, claim_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """``{claim_id: {line control number: line id}}``: enough to match lines by REF*6R (no amounts or dates
    converted), which is how most ERA lines match."""
    c = t.claim_lines.c
    found: dict[int, dict[str, int]] = {}
    for chunk in _chunks(list(dict.fromkeys(claim_ids)), CHUNK):
        for line_id, claim_id, key in conn.execute(select(c.id, c.claim_id, c.line_control_number)
                                                   .where(c.claim_id.in_(chunk))):
            found.setdefault(claim_id, {})[key] = line_id
    return found


def lines_of(conn: Connection, claim_ids: Iterable[int]) -> dict[int, list[KnownLine]]:
    c = t.claim_lines.c
    found: dict[int, list[KnownLine]] = {}
    for chunk in _chunks(list(dict.fromkeys(claim_ids)), CHUNK):
        for row in conn.execute(select(c.id, c.claim_id, c.line_number, c.line_control_number, c.procedure_code,
                                       c.modifier_1, c.modifier_2, c.modifier_3, c.modifier_4, c.revenue_code,
                                       c.charge, c.service_from).where(c.claim_id.in_(chunk))
                                .order_by(c.claim_id, c.line_number)):
            mods = tuple(m for m in row[5:9] if m)
            found.setdefault(row[1], []).append(KnownLine(row[0], row[1], row[2], row[3], row[4], mods, row[9],
                                                          row[10], row[11]))
    return found


def payments_by(conn: Connection, *, claim_ids: Sequence[int] = (),
                payer_numbers: Sequence[str] = ()) -> list[KnownPayment]:
    """Earlier claim payments of these claims or with these payer claim numbers (CLP07), oldest first, each
    saying whether a later reversal already names it."""
    cp = t.claim_payments.c
    reversals = t.claim_payments.alias("reversal")
    out: dict[int, KnownPayment] = {}
    for column, keys in ((cp.claim_id, claim_ids), (cp.payer_claim_number, payer_numbers)):
        for chunk in _chunks(list(dict.fromkeys(k for k in keys if k)), CHUNK):
            query = select(cp.id, cp.claim_id, cp.payer_claim_number, cp.status_code, cp.paid,
                           select(func.count()).select_from(reversals)
                           .where(reversals.c.reverses_id == cp.id).scalar_subquery()) \
                .where(column.in_(chunk)).order_by(cp.id)
            for row in conn.execute(query):
                out[row[0]] = KnownPayment(row[0], row[1], row[2], row[3], row[4], bool(row[5]))
    return sorted(out.values(), key=lambda p: p.payment_id)


def insert_claim_payments(conn: Connection, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert claim payments (ON CONFLICT on the fingerprint: a replay adds nothing); ids by fingerprint."""
    for chunk in _chunks(rows, CHUNK):
        bulk_insert(conn, t.claim_payments, chunk, ("fingerprint",))
    return ids_by(conn, t.claim_payments.c.fingerprint, [r["fingerprint"] for r in rows])


def insert_postings(conn: Connection, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows, CHUNK):
        bulk_insert(conn, t.postings, chunk)


def insert_work_items(conn: Connection, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows, CHUNK):
        bulk_insert(conn, t.work_items, chunk)


def era_totals(conn: Connection, era_id: int) -> dict[str, Decimal]:
    """Σ postings of an ERA by account (payment, interest, adjustment, patient, plb, suspense)."""
    p = t.postings.c
    return {account: total for account, total in conn.execute(
        select(p.account, func.sum(p.amount)).where(p.era_id == era_id).group_by(p.account))}


# ---------------------------------------------------------------- reading back: the report and a claim's history
MONEY_ACCOUNTS = ("payment", "interest", "plb", "suspense")


def era_report(conn: Connection) -> list[dict[str, Any]]:
    """Per ERA: payer, trace, BPR02, Σ posted to claims, Σ PLB, Σ suspense, claim payments, open exceptions, and
    whether the money adds up (it must: posting checks it before committing)."""
    e, p, cp, w = t.eras.c, t.postings.c, t.claim_payments.c, t.work_items.c
    sums: dict[int, dict[str, Decimal]] = {}
    for era_id, account, total in conn.execute(select(p.era_id, p.account, func.sum(p.amount))
                                               .group_by(p.era_id, p.account)):
        sums.setdefault(era_id, {})[account] = total
    claims = dict(conn.execute(select(cp.era_id, func.count()).group_by(cp.era_id)).all())
    exceptions = dict(conn.execute(select(w.era_id, func.count()).where(w.queue == "exception")
                                   .group_by(w.era_id)).all())
    out = []
    for row in conn.execute(select(e.id, e.payer_id, e.payer_name, e.trace_number, e.payment_amount,
                                   e.payment_date, e.forced, e.recorded_at, e.run_id).order_by(e.id)):
        s = sums.get(row.id, {})
        zero = Decimal("0.00")
        posted = s.get("payment", zero) + s.get("interest", zero)
        plb, suspense = s.get("plb", zero), s.get("suspense", zero)
        out.append({"era": row.id, "payer": row.payer_id, "payer_name": row.payer_name, "trace": row.trace_number,
                    "bpr02": row.payment_amount, "payment_date": row.payment_date, "posted": posted, "plb": plb,
                    "suspense": suspense, "claims": claims.get(row.id, 0),
                    "exceptions": exceptions.get(row.id, 0), "forced": bool(row.forced),
                    "balanced": posted + plb + suspense == row.payment_amount,
                    "recorded_at": row.recorded_at, "run": row.run_id})
    return out


def claim_history(conn: Connection, clm01: str) -> list[dict[str, Any]]:
    """Each claim with this CLM01: its charge and lines, status events (submitted, accepted, paid …), each ERA's
    payment of it with its entries, and its work items, oldest first."""
    c, ev, cp, p, w, e = (t.claims.c, t.claim_status_events.c, t.claim_payments.c, t.postings.c, t.work_items.c,
                          t.eras.c)
    out = []
    for claim in conn.execute(select(c.id, c.payer_id, c.payer_order, c.frequency_code, c.total_charge,
                                     c.service_from, c.recorded_at).where(c.patient_control_number == clm01)
                              .order_by(c.id)):
        events = [{"status": r.status, "at": r.occurred_at, "reason_code": r.reason_code, "reason": r.reason,
                   "where": r.source_ref}
                  for r in conn.execute(select(ev.status, ev.occurred_at, ev.reason_code, ev.reason, ev.source_ref)
                                        .where(ev.claim_id == claim.id).order_by(ev.occurred_at, ev.id))]
        payments = []
        for pay in conn.execute(select(cp.id, cp.status_code, cp.charge, cp.paid, cp.match_method, cp.match_score,
                                       cp.reverses_id, cp.payer_claim_number, e.trace_number, e.payer_id,
                                       e.recorded_at).join(t.eras, e.id == cp.era_id)
                                .where(cp.claim_id == claim.id).order_by(cp.id)):
            entries = [{"account": r.account, "kind": r.kind, "line": r.line_ref, "group": r.group_code,
                        "reason": r.reason_code, "remarks": r.remarks, "amount": r.amount}
                       for r in conn.execute(select(p.account, p.kind, p.line_ref, p.group_code, p.reason_code,
                                                    p.remarks, p.amount).where(p.claim_payment_id == pay.id)
                                             .order_by(p.id))]
            payments.append({"payment": pay.id, "clp02": pay.status_code, "charge": pay.charge, "paid": pay.paid,
                             "match": pay.match_method, "score": pay.match_score, "reverses": pay.reverses_id,
                             "payer_claim_number": pay.payer_claim_number, "trace": pay.trace_number,
                             "payer": pay.payer_id, "posted_at": pay.recorded_at, "entries": entries})
        plb = [{"kind": r.kind, "amount": r.amount, "reference": r.reference}
               for r in conn.execute(select(p.kind, p.amount, p.reference)
                                     .where(p.claim_id == claim.id, p.account == "plb").order_by(p.id))]
        items = [{"queue": r.queue, "root_cause": r.root_cause, "action": r.action, "group": r.group_code,
                  "reason": r.reason_code, "remark": r.remark_code, "amount": r.amount, "line": r.line_ref}
                 for r in conn.execute(select(w.queue, w.root_cause, w.action, w.group_code, w.reason_code,
                                              w.remark_code, w.amount, w.line_ref)
                                       .where(w.claim_id == claim.id).order_by(w.id))]
        out.append({"claim": claim.id, "payer": claim.payer_id, "payer_order": claim.payer_order,
                    "frequency": claim.frequency_code, "charge": claim.total_charge, "service_from": claim.service_from,
                    "recorded_at": claim.recorded_at, "events": events, "payments": payments, "plb": plb,
                    "work_items": items})
    return out


def submitted_claims(conn: Connection, receiver_id: str, *, interchange: str | None = None,
                     group: str | None = None, transaction: str | None = None) -> list[int]:
    """The claims of the newest submission to ``receiver_id`` (ISA08) with this ISA13, or with this GS06 (and
    ST02): what a TA1 or a 999 from that receiver acknowledges."""
    s, sc = t.submissions.c, t.submission_claims.c
    query = select(s.id).where(s.receiver_id == receiver_id)
    if interchange is not None:
        query = query.where(s.interchange_control_number == interchange.lstrip("0").rjust(9, "0"))
    if group is not None:
        query = query.where(s.id.in_(select(sc.submission_id).where(sc.group_control_number == group)))
    newest = conn.execute(query.order_by(s.id.desc()).limit(1)).scalar()
    if newest is None:
        return []
    claims = select(sc.claim_id).where(sc.submission_id == newest)
    if group is not None:
        claims = claims.where(sc.group_control_number == group)
    if transaction is not None:
        claims = claims.where(sc.transaction_control_number == transaction)
    return list(conn.execute(claims.order_by(sc.claim_id)).scalars())
