"""Bank deposits and their reconciliation with ERAs.

``load_deposits``: a bank CSV with columns ``date`` (YYYY-MM-DD), ``amount`` and ``trace`` (the EFT trace or check
number; any order, case ignored, other columns ignored) — each deposit keyed by SHA-256 of date, amount and trace,
inserted ON CONFLICT DO NOTHING, so a statement loaded again (or overlapping an earlier one) adds only what is new.
A bad row stops the load (nothing of the file is loaded) with the file, row (header = row 1) and column.

``reconcile``: each deposit matched to the ERAs whose TRN02 is its trace and whose BPR02s add up to its amount;
a trace whose ERAs add up to another amount is listed as differing; the rest are deposits without ERAs, and ERAs
paying money (BPR02 > 0, not BPR04 NON) that no deposit matched are ERAs without deposits.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from edi.errors import EdiError
from edi.ledger import _schema as t
from edi.ledger._bulk import bulk_insert
from edi.ledger._records import Source
from edi.ledger._types import utc_now

if TYPE_CHECKING:
    from edi.ledger._ledger import Ledger

CENT = Decimal("0.01")
COLUMNS = ("date", "amount", "trace")


@dataclass(frozen=True, slots=True)
class DepositLoad:
    rows: int
    new: int


def load_deposits(ledger: Ledger, path: Path) -> DepositLoad:
    rows = list(_read(path))
    source = Source.of_file(path, "deposits")
    with ledger.transaction() as journal:
        run_id = journal.start_run("ledger deposits")
        source_id = journal.source_ids([source])[source.sha256]
        keys = [r["deposit_key"] for r in rows]
        before = set(journal.conn.execute(select(t.deposits.c.deposit_key)
                                          .where(t.deposits.c.deposit_key.in_(keys or [""]))).scalars())
        fresh = [r | {"source_id": source_id, "run_id": run_id, "recorded_at": utc_now()} for r in rows
                 if r["deposit_key"] not in before]
        unique = list({r["deposit_key"]: r for r in fresh}.values())
        if unique:
            bulk_insert(journal.conn, t.deposits, unique, ("deposit_key",))
    return DepositLoad(len(rows), len(unique))


def _read(path: Path) -> Any:
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            reader = csv.reader(stream)
            header = [h.strip().lower() for h in next(reader, [])]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise EdiError(f"{path}: row 1: no column {missing[0]!r}; the header needs date, amount, trace")
            at = {c: header.index(c) for c in COLUMNS}
            for n, row in enumerate(reader, 2):
                if not any(cell.strip() for cell in row):
                    continue
                yield _row(path, n, {c: (row[i].strip() if i < len(row) else "") for c, i in at.items()})
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise EdiError(f"{path}: {exc}") from None


def _row(path: Path, n: int, cells: dict[str, str]) -> dict[str, Any]:
    try:
        day = date.fromisoformat(cells["date"])
    except ValueError:
        raise EdiError(f"{path}: row {n}: date {cells['date']!r}: use YYYY-MM-DD") from None
    try:
        amount = Decimal(cells["amount"].replace(",", "").lstrip("$"))
    except InvalidOperation:
        raise EdiError(f"{path}: row {n}: amount {cells['amount']!r}: give a number, e.g. 1234.56") from None
    if amount != amount.quantize(CENT) or not amount.is_finite():
        raise EdiError(f"{path}: row {n}: amount {cells['amount']!r} has fractions of a cent")
    trace = cells["trace"]
    if not trace or len(trace) > 50:
        raise EdiError(f"{path}: row {n}: trace {trace!r}: give the EFT trace or check number (1-50 characters)")
    key = hashlib.sha256(f"{day.isoformat()}|{amount.quantize(CENT)}|{trace}".encode()).hexdigest()
    return {"deposit_key": key, "deposit_date": day, "amount": amount.quantize(CENT), "trace_number": trace,
            "source_ref": f"row {n}"}


@dataclass(slots=True)
class Reconciliation:
    matched: list[dict[str, Any]] = field(default_factory=list)      # deposit + the ERAs it pays
    differing: list[dict[str, Any]] = field(default_factory=list)    # trace found, amounts differ
    deposits_without_eras: list[dict[str, Any]] = field(default_factory=list)
    eras_without_deposits: list[dict[str, Any]] = field(default_factory=list)


def reconcile(conn: Connection) -> Reconciliation:
    d, e = t.deposits.c, t.eras.c
    eras_by_trace: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute(select(e.id, e.payer_id, e.trace_number, e.payment_amount, e.payment_date,
                                   e.payment_method).order_by(e.id)):
        eras_by_trace.setdefault(row.trace_number, []).append(
            {"era": row.id, "payer": row.payer_id, "trace": row.trace_number, "bpr02": row.payment_amount,
             "payment_date": row.payment_date, "method": row.payment_method})
    out = Reconciliation()
    used: set[int] = set()
    for row in conn.execute(select(d.id, d.deposit_date, d.amount, d.trace_number).order_by(d.deposit_date, d.id)):
        deposit = {"deposit": row.id, "date": row.deposit_date, "amount": row.amount, "trace": row.trace_number}
        eras = [x for x in eras_by_trace.get(row.trace_number, []) if x["era"] not in used]
        total = sum((x["bpr02"] for x in eras), Decimal(0))
        if eras and total == row.amount:
            used.update(x["era"] for x in eras)
            out.matched.append(deposit | {"eras": [x["era"] for x in eras]})
        elif eras:
            out.differing.append(deposit | {"eras": [x["era"] for x in eras], "eras_total": total,
                                            "difference": row.amount - total})
            used.update(x["era"] for x in eras)
        else:
            out.deposits_without_eras.append(deposit)
    out.eras_without_deposits = [x for group in eras_by_trace.values() for x in group
                                 if x["era"] not in used and x["bpr02"] > 0 and x["method"] != "NON"]
    out.eras_without_deposits.sort(key=lambda x: x["era"])
    return out
