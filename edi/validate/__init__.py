"""Validation by WEDI SNIP type: findings with locations, never exceptions on bad data."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from edi.validate import (snip2_dates, snip2_hierarchy, snip3_balancing, snip4_835,  # noqa: F401  (rules)
                          snip4_837, snip5_codes)
from edi.validate._engine import Report, TransactionResult, Validator
from edi.logging import get_logger
from edi.validate._finding import Finding, Location, Severity
from edi.validate.profiles import PayerProfile, load_profile
from edi.x12 import Source

ALL_SNIPS = (1, 2, 3, 4, 5, 7)


__all__ = ["ALL_SNIPS", "Finding", "Location", "PayerProfile", "Report", "Severity", "TransactionResult",
           "load_profile", "validate", "validate_files"]


def validate(source: Source, *, snips: Iterable[int] = ALL_SNIPS, name: str | None = None,
             profiles: Sequence[PayerProfile] = ()) -> Report:
    """Check a file (Path or bytes) and return every finding; raises nothing on bad data. ``profiles`` add the
    trading-partner rules (SNIP 7) of payer profiles from mappings/payers/."""
    validator = Validator(snips, profiles)
    report = validator.run(source, name=name or (str(source) if isinstance(source, Path) else None))
    # events carry file names, counts and control numbers: never PHI
    get_logger("edi.validate").info("validated", file=report.file, transactions=len(report.transactions), claims=report.claims,
              errors=len(report.errors), warnings=len(report.warnings), fatal=report.fatal is not None,
              controls=[t.transaction.control for t in report.transactions][:20])
    return report


def _validate_path(args: tuple[Path, tuple[int, ...], tuple[PayerProfile, ...]]) -> Report:
    path, snips, profiles = args
    return validate(path, snips=snips, profiles=profiles)


def validate_files(paths: Iterable[Path], *, snips: Iterable[int] = ALL_SNIPS, jobs: int | None = None,
                   profiles: Sequence[PayerProfile] = ()) -> list[Report]:
    """Validate several files, in parallel processes when there is more than one (one per core by default)."""
    work = [(path, tuple(snips), tuple(profiles)) for path in paths]
    if len(work) <= 1 or jobs == 1:
        return [_validate_path(args) for args in work]
    from concurrent.futures import ProcessPoolExecutor

    workers = min(len(work), jobs or os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_validate_path, work))
