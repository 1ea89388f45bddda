"""Scrubbing files (what ``edi claims scrub`` runs): encounters read from JSON Lines, JSON, CSV (with a column map)
or 837 files, scrubbed one at a time, with a report that counts every input — clean, held (errors), warned, or
invalid input (a located error) — and renders as text or JSON."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edi.claims.encounter import Encounter
from edi.claims.scrub._edit import RootCause, ScrubFinding
from edi.errors import EdiError

if TYPE_CHECKING:
    from edi.claims._inputs import InputError
    from edi.claims.scrub._context import References

Flagged = tuple[str, tuple[ScrubFinding, ...]]     # an encounter's id and its findings


@dataclass
class ScrubReport:
    """Counts of one run, and what to show: encounters with findings, invalid inputs, unreadable files."""

    encounters: int = 0            # read and scrubbed
    clean: int = 0                 # no finding
    held: int = 0                  # at least one error: would not be batched
    warned: int = 0                # warnings only
    invalid: list[InputError] = field(default_factory=list)     # inputs that could not be read as encounters
    unreadable: list[str] = field(default_factory=list)         # whole files that could not be read
    by_code: Counter[str] = field(default_factory=Counter)
    by_root_cause: Counter[str] = field(default_factory=Counter)
    flagged: list[Flagged] = field(default_factory=list)        # encounters with findings (kept for rendering)

    def add(self, encounter: Encounter, findings: tuple[ScrubFinding, ...]) -> None:
        self.encounters += 1
        if not findings:
            self.clean += 1
            return
        if any(f.is_error for f in findings):
            self.held += 1
        else:
            self.warned += 1
        for f in findings:
            self.by_code[f.code] += 1
            self.by_root_cause[f.root_cause.value] += 1
        self.flagged.append((encounter.id, findings))

    @property
    def exit_code(self) -> int:
        """2 when an input could not be read, 1 when something would be held (errors, invalid input), else 0."""
        if self.unreadable:
            return 2
        return 1 if self.held or self.invalid else 0

    def summary(self) -> dict[str, Any]:
        return {"encounters": self.encounters + len(self.invalid), "scrubbed": self.encounters, "clean": self.clean,
                "held": self.held, "warnings_only": self.warned, "invalid": len(self.invalid),
                "unreadable_files": len(self.unreadable), "by_root_cause": dict(sorted(self.by_root_cause.items())),
                "by_code": dict(sorted(self.by_code.items()))}


def scrub_inputs(paths: Iterable[Path], refs: References, *, mapping: Path | str | None = None,
                 progress: Callable[[int], None] | None = None) -> ScrubReport:
    """Read every file's encounters (format by name or content; a CSV needs ``mapping``), scrub them, and
    return the report; ``progress`` is told how many encounters were read so far."""
    from edi.claims.scrub import scrub

    report = ScrubReport()
    encounters = _encounters(paths, report, mapping)
    for n, (encounter, findings) in enumerate(scrub(encounters, refs), start=1):
        report.add(encounter, findings)
        if progress is not None and n % 100 == 0:
            progress(n)
    if progress is not None:
        progress(report.encounters)
    return report


def _encounters(paths: Iterable[Path], report: ScrubReport, mapping: Path | str | None) -> Iterator[Encounter]:
    from edi.claims._inputs import InputError, read_encounters

    for path in paths:
        try:
            for item in read_encounters(path, mapping=mapping):
                if isinstance(item, InputError):
                    if item.line is None and item.item is None and not item.encounter_id:
                        report.unreadable.append(str(item))
                    else:
                        report.invalid.append(item)
                else:
                    yield item
        except (OSError, EdiError) as exc:
            report.unreadable.append(f"{path}: {getattr(exc, 'strerror', None) or exc}")
        except (UnicodeError, csv.Error) as exc:     # a CSV that is not text in its map's encoding
            report.unreadable.append(f"{path}: cannot read as text: {exc}; save it as UTF-8")


# -- rendering --------------------------------------------------------------------------------------------------
_ORDER = [cause.value for cause in RootCause]


def render_text(report: ScrubReport) -> str:
    """A table grouped by encounter, then root cause (code, severity, field, message), and the counts."""
    out: list[str] = []
    for problem in report.unreadable:
        out.append(f"cannot read {problem}")
    for error in report.invalid:
        out.append(f"invalid input: {error}")
    for encounter_id, findings in report.flagged:
        errors = sum(f.is_error for f in findings)
        state = "held" if errors else "warnings"
        out.append(f"{encounter_id}  {state}: {errors} error(s), {len(findings) - errors} warning(s)")
        for cause in _ORDER:
            mine = [f for f in findings if f.root_cause.value == cause]
            if not mine:
                continue
            out.append(f"  {cause}")
            width = max(len(f.code) for f in mine)
            fwidth = max(len(f.field) for f in mine)
            for f in mine:
                out.append(f"    {f.code:<{width}}  {f.severity.value:<7}  {f.field:<{fwidth}}  {f.message}"
                           + (f"  [{f.prevents}; {f.source}]" if f.source else f"  [{f.prevents}]"))
    s = report.summary()
    out.append(f"{s['encounters']} encounter(s): {s['clean']} clean, {s['held']} held, {s['warnings_only']} with "
               f"warnings only, {s['invalid']} invalid input" + (f"; {s['unreadable_files']} file(s) unreadable"
                                                                 if s["unreadable_files"] else ""))
    if report.by_root_cause:
        out.append("by root cause: " + ", ".join(f"{k} {v}" for k, v in s["by_root_cause"].items()))
        out.append("by edit: " + ", ".join(f"{k} {v}" for k, v in s["by_code"].items()))
    return "\n".join(out)


def render_json(report: ScrubReport) -> str:
    doc = {"summary": report.summary(),
           "unreadable": report.unreadable,
           "invalid": [e.as_dict() for e in report.invalid],
           "encounters": [{"id": e, "held": any(f.is_error for f in fs), "findings": [f.as_dict() for f in fs]}
                          for e, fs in report.flagged]}
    return json.dumps(doc, indent=2)
