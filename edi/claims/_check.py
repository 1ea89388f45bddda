"""Checking what a build wrote (SNIP 1–5 and the payers' SNIP 7 profiles) before it is recorded and named.

A build of many files checks them in a worker process while it goes on writing the next ones (the two take about
as long, so a long build is nearly twice as fast on two cores); a build whose files are all written at the end
checks them in its own process, which costs no start-up. The worker is ``python -m edi.claims._check``: it reads
one file path per line and answers one JSON line per file, and ends when its input closes (so it never outlives
a killed build).
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import threading
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edi.claims._submit import FileToRecord
from edi.errors import EdiError

SNIPS = (1, 2, 3, 4, 5, 7)


@dataclass(frozen=True)
class Problem:
    """One error the check found, as the build reports it."""

    code: str
    message: str
    claim: str | None = None        # the CLM01 it is in (None: the file, the transaction)
    element: str | None = None


@dataclass(frozen=True)
class Checked:
    """What the check of one file found: ``fatal`` when it could not be read at all, else its errors."""

    fatal: str | None
    errors: list[Problem] = field(default_factory=list)
    recorded: list[dict[str, Any]] | None = None   # the manifest's entries, when the worker recorded the file

    @property
    def has_errors(self) -> bool:
        return self.fatal is not None or bool(self.errors)


@functools.cache
def _profiles() -> list[Any]:
    from edi.validate.profiles import load_profiles

    return load_profiles()


def check(path: str, name: str) -> Checked:
    """Check one file, here."""
    from edi.validate import validate

    report = validate(Path(path), name=name, snips=SNIPS, profiles=_profiles(), jobs=1)
    return Checked(report.fatal, [Problem(f.code, f"{f.message} ({f.location.describe()})", f.location.claim,
                                          f.location.element) for f in report.errors])


class Checker:
    """Hands files to :func:`check`: to the worker process once :meth:`start` was called, else right here."""

    def __init__(self, db: str) -> None:
        self.db = db                  # the ledger the worker records checked files in
        self.worker: subprocess.Popen[str] | None = None
        self.waiting: deque[Future[Checked]] = deque()
        self.reader: threading.Thread | None = None

    def start(self) -> None:
        if self.worker is None:
            self.worker = subprocess.Popen([sys.executable, "-m", "edi.claims._check"], stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE, text=True, encoding="utf-8")
            self.reader = threading.Thread(target=self._read, daemon=True)
            self.reader.start()

    def submit(self, path: Path, name: str, record: FileToRecord, run_id: int | None) -> Future[Checked]:
        """Check a file; in the worker, also record it when it passes (``Checked.recorded``)."""
        done: Future[Checked] = Future()
        if self.worker is None:
            done.set_result(check(str(path), name))
            return done
        assert self.worker.stdin is not None
        self.waiting.append(done)
        self.worker.stdin.write(json.dumps([str(path), name, self.db, run_id, record.as_json()]) + "\n")
        self.worker.stdin.flush()
        return done

    def _read(self) -> None:
        assert self.worker is not None and self.worker.stdout is not None
        for line in self.worker.stdout:
            answer = json.loads(line)
            if "failed" in answer:
                self.waiting.popleft().set_exception(EdiError(answer["failed"]))
                continue
            self.waiting.popleft().set_result(Checked(answer["fatal"], [Problem(**p) for p in answer["errors"]],
                                                      answer.get("recorded")))
        while self.waiting:
            self.waiting.popleft().set_exception(RuntimeError("the check's worker process ended early"))

    def close(self) -> None:
        if self.worker is not None:
            assert self.worker.stdin is not None
            self.worker.stdin.close()
            self.worker.wait()
            if self.reader is not None:
                self.reader.join()
            self.worker = None


def _serve() -> None:
    """The worker: check each file named on standard input; record the ones that pass; answer in JSON lines."""
    from edi import skip_final_collection
    from edi.claims._submit import record_file
    from edi.ledger import open_ledger

    skip_final_collection()
    ledgers: dict[str, Any] = {}
    for line in sys.stdin:
        path, name, db, run_id, record = json.loads(line)
        found = check(path, name)
        answer: dict[str, Any] = {"fatal": found.fatal, "errors": [vars(p) for p in found.errors]}
        if not found.has_errors:
            try:
                ledger = ledgers.get(db) or ledgers.setdefault(db, open_ledger(db))
                answer["recorded"] = record_file(ledger, run_id, FileToRecord.from_json(record))
            except EdiError as exc:
                answer = {"failed": str(exc)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _serve()
