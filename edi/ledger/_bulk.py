"""Inserting many rows fast: the statement compiled once per table and column set, each value converted by its
column type's own bind processor (so a Decimal becomes exact cents on SQLite exactly as through SQLAlchemy's
usual path), then handed to the driver's ``executemany``. Through ``conn.execute(insert(table), rows)``
SQLAlchemy's per-row parameter handling cost three times the database's own work on a 100,000-claim batch."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect


def bulk_insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]],
                conflict: tuple[str, ...] = ()) -> None:
    """INSERT ``rows`` (dicts with the same keys) into ``table``; with ``conflict`` (the columns of a unique key),
    rows whose key is already there — also from a concurrent writer — are skipped (ON CONFLICT DO NOTHING)."""
    if not rows:
        return
    columns = tuple(rows[0])
    sql, order, processors = _compiled(conn.dialect, table, columns, conflict)
    pick = operator.itemgetter(*(order or columns))
    params: list[Any] = []
    for row in rows:
        values = list(pick(row)) if len(columns) > 1 else [pick(row)]
        for index, process in processors:
            values[index] = process(values[index])
        params.append(tuple(values) if order is not None else dict(zip(columns, values)))
    conn.exec_driver_sql(sql, params)


@functools.lru_cache(maxsize=128)
def _compiled(dialect: Dialect, table: Table, columns: tuple[str, ...], conflict: tuple[str, ...]) \
        -> tuple[str, tuple[str, ...] | None, tuple[tuple[int, Callable[[Any], Any]], ...]]:
    """The SQL, the order of its positional parameters (None: named), and (position, converter) of the columns
    whose type converts values."""
    statement: Any = (postgresql if dialect.name == "postgresql" else sqlite).insert(table) if conflict \
        else insert(table)
    if conflict:
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
    compiled = statement.compile(dialect=dialect, column_keys=list(columns))
    order = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup is not None else None
    processors = tuple((i, process) for i, c in enumerate(order or columns)
                       if (process := table.c[c].type.dialect_impl(dialect).bind_processor(dialect)) is not None)
    return str(compiled), order, processors
