"""One big file checked on several cores: each process takes every n-th transaction (the tokenizer passes over
the others' bodies unsplit), part 0 also the envelope; :func:`edi.validate._engine.finish` joins the parts.

Worth it from a few MiB up, where a file usually holds several transactions (the guides advise at most 5,000
claims per 837 transaction): a file of one transaction is checked by one process whatever ``jobs`` says.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from edi.validate._engine import Report, Validator, finish

SPLIT_BYTES = 2 << 20          # smaller files are checked in one process: forking costs more than it saves
_FORKED: Validator | None = None   # the validator forked children use (rule lists need not be picklable)


def parts_for(source: object, jobs: int | None, split_bytes: int | None = None) -> int:
    """How many processes to check ``source`` with: 1 unless it is a big file and more than one core is free."""
    if jobs == 1 or not isinstance(source, Path) or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        size = source.stat().st_size
    except OSError:
        return 1  # the tokenizer reports why it cannot be read
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(jobs or cores, cores, 1 + size // max(split_bytes or SPLIT_BYTES, 1)))


def run_parallel(validator: Validator, path: Path, name: str | None, parts: int) -> Report:
    """Check ``path`` in ``parts`` processes: this one takes part 0, forked children the others."""
    from concurrent.futures import ProcessPoolExecutor

    global _FORKED
    _FORKED = validator
    try:
        with ProcessPoolExecutor(max_workers=parts - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_run_part, path, name, (k, parts)) for k in range(1, parts)]
            mine = validator.run_part(path, name, (0, parts))
            return finish(validator, [mine, *(future.result() for future in futures)])
    finally:
        _FORKED = None


def _run_part(path: Path, name: str | None, part: tuple[int, int]) -> Report:
    assert _FORKED is not None, "run in a child forked by run_parallel"
    return _FORKED.run_part(path, name, part)
