"""Control numbers for the acknowledgments we send, persisted between runs so no two runs ever repeat an ISA13,
GS06 or ST02: the ledger's counters when a ledger is given (:class:`LedgerCounter`, per sender–receiver pair),
else a counter file in the output folder (:class:`ControlCounter`).

Safe against several processes: each reservation holds an exclusive ``fcntl`` lock on a lock file beside the
counter while it reads the counter and replaces it atomically (written to a temporary file, then renamed), so a
crash never leaves a half-written counter and two runs never take the same numbers.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from edi.errors import EdiError
from edi.x12 import ControlNumbers, Party

if TYPE_CHECKING:
    from edi.ledger import Ledger

COUNTER_FILE = ".edi-control-numbers.json"
LIMIT = 999_999_999     # ISA13 is 9 digits; GS06 and ST02 at most 9: past it, numbering starts again at 1
KINDS = ("interchange", "group", "transaction")


class Counter(Protocol):
    def reserve(self, groups: int = 0, transactions: int = 0, *, sender: Party | None = None,
                receiver: Party | None = None) -> ControlNumbers: ...


class LedgerCounter:
    """The ledger's control-number counters for the interchanges we send from ``sender`` to ``receiver``."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def reserve(self, groups: int = 0, transactions: int = 0, *, sender: Party | None = None,
                receiver: Party | None = None) -> ControlNumbers:
        """One interchange number and ``groups`` / ``transactions`` consecutive numbers, never handed out before
        for this pair (ISA13 is unique per sender–receiver)."""
        if sender is None or receiver is None:
            raise EdiError("the ledger keeps control numbers per sender and receiver: name both")
        taken = self.ledger.reserve_block({"interchange": 1, "group": groups, "transaction": transactions},
                                          sender=f"{sender.qualifier}:{sender.id}",
                                          receiver=f"{receiver.qualifier}:{receiver.id}")
        return ControlNumbers(**{kind: taken[kind].start if taken[kind] else 1 for kind in KINDS})


class ControlCounter:
    """The next ISA13, GS06 and ST02 to send, kept in ``folder / COUNTER_FILE`` (one sequence for every pair)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / COUNTER_FILE
        self._lock = folder / (COUNTER_FILE + ".lock")

    def reserve(self, groups: int = 0, transactions: int = 0, *, sender: Party | None = None,
                receiver: Party | None = None) -> ControlNumbers:
        """Take one interchange number, ``groups`` group numbers and ``transactions`` transaction numbers: the
        returned ControlNumbers start at the first of each (``build_interchange`` takes them in order). The
        parties are not used: one sequence serves all, which keeps each pair's numbers unique too."""
        wanted = {"interchange": 1, "group": groups, "transaction": transactions}
        with self._locked():
            current = self._read()
            taken = {kind: 1 if current[kind] + wanted[kind] - 1 > LIMIT else current[kind] for kind in KINDS}
            self._write({kind: _next(taken[kind] + wanted[kind]) for kind in KINDS})
        return ControlNumbers(**taken)

    def peek(self) -> ControlNumbers:
        """The numbers the next reservation starts with (for display; reserve to use them)."""
        with self._locked():
            return ControlNumbers(**self._read())

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self._lock, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self) -> dict[str, int]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return dict.fromkeys(KINDS, 1)
        except (OSError, ValueError) as exc:
            raise EdiError(f"{self.path}: cannot read the control-number counter ({exc}); fix or remove it "
                           "(numbers then start again at 1)") from None
        if not isinstance(data, dict) or not all(isinstance(data.get(k), int) and 0 < data[k] <= LIMIT
                                                 for k in KINDS):
            raise EdiError(f"{self.path}: the control-number counter must hold "
                           f"{{{', '.join(f'{k!r}: 1..{LIMIT}' for k in KINDS)}}}")
        return {k: data[k] for k in KINDS}

    def _write(self, values: dict[str, int]) -> None:
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(values) + "\n")
        os.replace(tmp, self.path)


def _next(value: int) -> int:
    return value if value <= LIMIT else 1
