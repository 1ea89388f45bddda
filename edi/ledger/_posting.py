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
    return [KnownClaim(*row) for row in conn.execute(
        select(c.id, c.patient_control_number, c.payer_order, c.total_charge)
        .where(c.patient_control_number.like(f"{escaped}%", escape="\\"),
               c.patient_control_number != prefix).order_by(c.id).limit(limit))]


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
