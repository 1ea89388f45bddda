"""Control-number counters: each number handed out once per sender–receiver pair, also to processes reserving at
the same moment; every block journaled."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from edi.errors import EdiError
from edi.ledger import Ledger
from edi.ledger import _schema as t
from edi.ledger._counters import LIMIT
from edi.ledger._engine import create, ensure_schema

WORKER = Path(__file__).with_name("worker.py")
PAIR = {"sender": "ZZ:CLINIC", "receiver": "ZZ:CLEARINGHOUSE"}


class TestReserve:
    def test_blocks_follow_each_other_from_one(self, ledger: Ledger) -> None:
        assert range(1, 4) == ledger.reserve("transaction", 3, **PAIR)
        assert range(4, 5) == ledger.reserve("transaction", 1, **PAIR)
        assert {"interchange": range(1, 2), "group": range(1, 3), "transaction": range(5, 45)} == \
            ledger.reserve_block({"interchange": 1, "group": 2, "transaction": 40}, **PAIR)

    def test_each_sender_receiver_pair_counts_on_its_own(self, ledger: Ledger) -> None:
        """ISA13 is unique per sender and receiver: another pair starts at 1."""
        ledger.reserve("interchange", 5, **PAIR)
        assert range(1, 2) == ledger.reserve("interchange", 1, sender="ZZ:CLINIC", receiver="ZZ:OTHER")
        assert range(6, 7) == ledger.reserve("interchange", 1, **PAIR)

    def test_a_block_that_would_pass_nine_digits_starts_again_at_one(self, ledger: Ledger) -> None:
        ledger.reserve("interchange", LIMIT - 2, **PAIR)
        assert range(LIMIT - 1, LIMIT + 1) == ledger.reserve("interchange", 2, **PAIR)
        assert range(1, 4) == ledger.reserve("interchange", 3, **PAIR)

    def test_every_block_is_journaled(self, ledger: Ledger) -> None:
        ledger.reserve_block({"interchange": 1, "transaction": 7}, **PAIR)
        with ledger.engine.connect() as conn:
            rows = conn.execute(select(t.control_counters.c.counter, t.control_number_reservations.c.first_value,
                                       t.control_number_reservations.c.last_value)
                                .join(t.control_counters).order_by(t.control_counters.c.counter)).all()
        assert [("interchange", 1, 1), ("transaction", 1, 7)] == [tuple(r) for r in rows]

    @pytest.mark.parametrize("n", [-1, LIMIT + 1])
    def test_impossible_sizes_are_refused(self, ledger: Ledger, n: int) -> None:
        with pytest.raises(EdiError, match="cannot reserve"):
            ledger.reserve("interchange", n, **PAIR)


def test_processes_reserving_at_once_never_share_a_number(db_url: str, tmp_path: Path) -> None:
    """Three processes start reserving at the same moment, 25 blocks each of random sizes: every number of each
    counter is handed out exactly once, with no gap (nothing failed)."""
    ensure_schema(create(db_url))
    go = tmp_path / "go"
    workers = [subprocess.Popen([sys.executable, str(WORKER), "reserve", db_url, str(go), "25"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    go.touch()
    outputs = [worker.communicate(timeout=300) for worker in workers]
    assert [0, 0, 0] == [worker.returncode for worker in workers], [err for _, err in outputs]
    blocks = [json.loads(line) for out, _ in outputs for line in out.splitlines()]
    assert 75 == len(blocks)
    for counter in ("interchange", "group", "transaction"):
        numbers = [n for block in blocks for n in range(*block[counter])]
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), counter
