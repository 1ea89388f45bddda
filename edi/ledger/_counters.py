"""Control-number counters: blocks of ISA13, GS06 and ST02 numbers handed out once, per sender–receiver pair.

A reservation is its own committed transaction, taken before the numbers are used: a build that fails after
reserving leaves a gap, never a number used twice. Two processes reserving at once are serialized by the
database — the counter row is read ``FOR UPDATE`` on PostgreSQL, and SQLite's ``BEGIN IMMEDIATE`` holds the
write lock — and every block is also journaled in ``control_number_reservations``. Counters are locked in name
order, so two builds reserving several counters cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, insert, select, update

from edi.errors import EdiError
from edi.ledger import _schema as t
from edi.ledger._journal import insert_ignore
from edi.ledger._types import utc_now
from edi.logging import get_logger

LIMIT = 999_999_999     # ISA13 is 9 digits; GS06 and ST02 at most 9: past it, numbering starts again at 1
COUNTERS = ("interchange", "group", "transaction")


def reserve_block(conn: Connection, counts: Mapping[str, int], sender: str, receiver: str,
                  run_id: int | None = None) -> dict[str, range]:
    """Take ``counts[name]`` consecutive numbers from each named counter of the pair, in this transaction."""
    taken: dict[str, range] = {}
    for name in sorted(counts):
        n = counts[name]
        if not 0 <= n <= LIMIT:
            raise EdiError(f"cannot reserve {n} {name} control numbers (0 to {LIMIT})")
        if not name or len(name) > 20 or len(sender) > 40 or len(receiver) > 40:
            raise EdiError(f"counter {name!r} for {sender!r} → {receiver!r}: names of at most 20, parties of at "
                           "most 40 characters")
        taken[name] = _take(conn, name, n, sender, receiver, run_id) if n else range(0)
    return {name: taken[name] for name in counts}


def _take(conn: Connection, name: str, n: int, sender: str, receiver: str, run_id: int | None) -> range:
    counters = t.control_counters
    where = (counters.c.counter == name, counters.c.sender == sender, counters.c.receiver == receiver)
    row = conn.execute(select(counters.c.id, counters.c.next_value).where(*where).with_for_update()).first()
    if row is None:
        insert_ignore(conn, counters, [{"counter": name, "sender": sender, "receiver": receiver, "next_value": 1}],
                      ["counter", "sender", "receiver"])
        row = conn.execute(select(counters.c.id, counters.c.next_value).where(*where).with_for_update()).one()
    first = row.next_value if row.next_value + n - 1 <= LIMIT else 1
    following = first + n if first + n <= LIMIT else 1
    conn.execute(update(counters).where(counters.c.id == row.id).values(next_value=following))
    conn.execute(insert(t.control_number_reservations).values(counter_id=row.id, first_value=first,
                                                              last_value=first + n - 1, run_id=run_id,
                                                              recorded_at=utc_now()))
    get_logger(__name__).info("ledger.reserved", counter=name, first=first, last=first + n - 1)
    return range(first, first + n)
