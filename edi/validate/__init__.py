"""Validation by WEDI SNIP type: findings with locations, never exceptions on bad data."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from edi.validate import snip2_dates, snip2_hierarchy, snip3_balancing, snip4_835, snip4_837  # noqa: F401  (rules)
from edi.validate._engine import Report, TransactionResult, Validator
from edi.validate._finding import Finding, Location, Severity
from edi.x12 import Source

ALL_SNIPS = (1, 2, 3, 4, 5, 7)

__all__ = ["ALL_SNIPS", "Finding", "Location", "Report", "Severity", "TransactionResult", "validate",
           "validate_files"]


def validate(source: Source, *, snips: Iterable[int] = ALL_SNIPS, name: str | None = None) -> Report:
    """Check a file (Path or bytes) and return every finding; raises nothing on bad data."""
    validator = Validator(snips)
    return validator.run(source, name=name or (str(source) if isinstance(source, Path) else None))


def _validate_path(args: tuple[Path, tuple[int, ...]]) -> Report:
    path, snips = args
    return validate(path, snips=snips)


def validate_files(paths: Iterable[Path], *, snips: Iterable[int] = ALL_SNIPS, jobs: int | None = None) -> list[Report]:
    """Validate several files, in parallel processes when there is more than one (one per core by default)."""
    paths = list(paths)
    chosen = tuple(snips)
    if len(paths) <= 1 or jobs == 1:
        return [validate(path, snips=chosen) for path in paths]
    from concurrent.futures import ProcessPoolExecutor

    workers = min(len(paths), jobs or os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_validate_path, [(path, chosen) for path in paths]))
