"""Validation by WEDI SNIP type: findings with locations, never exceptions on bad data."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from edi.validate import snip2_dates, snip2_hierarchy, snip3_balancing  # noqa: F401  (they register their rules)
from edi.validate._engine import Report, TransactionResult, Validator
from edi.validate._finding import Finding, Location, Severity
from edi.x12 import Source

ALL_SNIPS = (1, 2, 3, 4, 5, 7)

__all__ = ["ALL_SNIPS", "Finding", "Location", "Report", "Severity", "TransactionResult", "validate"]


def validate(source: Source, *, snips: Iterable[int] = ALL_SNIPS, name: str | None = None) -> Report:
    """Check a file (Path or bytes) and return every finding; raises nothing on bad data."""
    validator = Validator(snips)
    return validator.run(source, name=name or (str(source) if isinstance(source, Path) else None))
