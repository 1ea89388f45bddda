"""Validation by WEDI SNIP type: findings with locations, never exceptions on bad data."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from edi.validate import (snip2_dates, snip2_hierarchy, snip3_balancing, snip4_835,  # noqa: F401  (rules)
                          snip4_837, snip4_claim_ids, snip5_codes)
from edi.validate._duplicates import InterchangeRegistry, mark_duplicate_interchanges
from edi.validate._engine import Report, Sink, TransactionResult, Validator, replay
from edi.validate._parallel import parts_for, run_parallel
from edi.logging import get_logger
from edi.validate._finding import Finding, Location, Severity
from edi.validate.profiles import PayerProfile, load_profile
from edi.x12 import Source

ALL_SNIPS = (1, 2, 3, 4, 5, 7)


__all__ = ["ALL_SNIPS", "Finding", "Location", "PayerProfile", "Report", "Severity", "Sink", "TransactionResult",
           "load_profile", "validate", "validate_files", "validate_into", "validate_run"]


def validate(source: Source, *, snips: Iterable[int] = ALL_SNIPS, name: str | None = None,
             profiles: Sequence[PayerProfile] = (), jobs: int | None = None) -> Report:
    """Check a file (Path or bytes) and return every finding; raises nothing on bad data. ``profiles`` add the
    trading-partner rules (SNIP 7) of payer profiles from mappings/payers/. A big file with several transactions
    is checked on up to ``jobs`` cores (default: all); the report is the same as with ``jobs=1``."""
    validator = Validator(snips, profiles)
    label = name or (str(source) if isinstance(source, Path) else None)
    parts = parts_for(source, jobs)
    if parts > 1:
        report = run_parallel(validator, source, label, parts)  # type: ignore[arg-type]
    else:
        report = validator.run(source, name=label)
    _log(report, parts, len(report.errors), len(report.warnings))
    return report


def validate_into(source: Source, sink: Sink, *, snips: Iterable[int] = ALL_SNIPS, name: str | None = None,
                  profiles: Sequence[PayerProfile] = (), jobs: int | None = None) -> Report:
    """Check a file (Path, bytes or a binary stream such as standard input) and give each finding to ``sink`` as
    it is found, in file order, and each transaction when it ends (:class:`Sink`). In one process (``jobs=1``,
    a small file, a stream) memory stays flat whatever the number of claims and findings; a big file checked on
    several cores is reported when all parts are done, in the same order. The report returned carries the counts,
    not the findings."""
    validator = Validator(snips, profiles)
    label = name or (str(source) if isinstance(source, Path) else None)
    parts = parts_for(source, jobs)
    if parts > 1:
        report = run_parallel(validator, source, label, parts)  # type: ignore[arg-type]
        replay(report, sink)
    else:
        report = validator.stream(source, sink, name=label)
    _log(report, parts)
    return report


def _log(report: Report, parts: int, errors: int | None = None, warnings: int | None = None) -> None:
    # events carry file names, counts and control numbers: never PHI
    get_logger("edi.validate").info("validated", file=report.file, transactions=len(report.transactions),
                                    claims=report.claims, errors=errors, warnings=warnings,
                                    fatal=report.fatal is not None, processes=parts,
                                    controls=[t.transaction.control for t in report.transactions][:20])


def _validate_path(args: tuple[Source, str | None, tuple[int, ...], tuple[PayerProfile, ...]]) -> Report:
    source, name, snips, profiles = args
    return validate(source, snips=snips, profiles=profiles, jobs=1, name=name)


def validate_files(paths: Iterable[Source], *, snips: Iterable[int] = ALL_SNIPS, jobs: int | None = None,
                   profiles: Sequence[PayerProfile] = (), names: Sequence[str | None] | None = None,
                   registry: InterchangeRegistry | None = None) -> list[Report]:
    """Validate several files (Paths or bytes), in parallel processes when there is more than one (one per core by
    default); a single big file is split across the cores by transaction instead. An interchange control number
    that an earlier file of the run used is reported in the later file (``snip1.envelope.isa13.duplicate``, TA1
    025); pass a ``registry`` to carry that across calls."""
    sources = list(paths)
    labels = list(names) if names is not None else [None] * len(sources)
    work = [(source, label, tuple(snips), tuple(profiles)) for source, label in zip(sources, labels)]
    if len(work) == 1:
        source, label, snips_, profiles_ = work[0]
        reports = [validate(source, snips=snips_, profiles=profiles_, jobs=jobs, name=label)]
    elif not work or jobs == 1:
        reports = [_validate_path(args) for args in work]
    else:
        from concurrent.futures import ProcessPoolExecutor

        workers = min(len(work), jobs or os.cpu_count() or 1)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            reports = list(pool.map(_validate_path, work))
    mark_duplicate_interchanges(reports, registry)   # ISA13s used again by another file of the run
    return reports


from edi.validate._run import validate_run  # noqa: E402  (it calls validate_files and validate_into above)
