"""NCCI procedure-to-procedure (PTP) edits, medically unlikely edits (MUE) and add-on code (AOC) edits, dated.

CMS publishes each quarterly as full files (``edi.codes.cms_files`` reads them). What ships in ``mappings/codes/``
is an *extract*: real rows for the procedure codes our samples and ``edi synth`` bill, each with the CMS file and
quarter it came from, and ``mappings/codes/ncci.toml`` saying for which codes the extract is complete. A lookup
that finds nothing for a code the extract is not complete for means "no data", not "no edit": ask ``covers()``.
"""

from __future__ import annotations

import csv
import functools
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from edi._data import mapping_path, table_day
from edi.errors import MappingError

PTP_MODIFIERS = frozenset({"59", "XE", "XS", "XP", "XU", "24", "25", "57", "58", "78", "79", "91", "E1", "E2", "E3",
                           "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "LC", "LD", "LM", "LT",
                           "RC", "RI", "RT", "TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "27"})
"""NCCI PTP-associated modifiers (NCCI Policy Manual, chapter I, section E): with modifier indicator 1 one of these
on either code may bypass the edit when the documentation supports it."""


@dataclass(frozen=True, slots=True)
class PtpEdit:
    """One NCCI PTP edit: ``column2`` is not paid with ``column1`` (same patient, provider and date)."""

    column1: str
    column2: str
    effective: date
    deleted: date | None             # last day the edit applies; None: in effect
    modifier: int                    # 0 never bypassed, 1 bypassed by an NCCI-associated modifier, 9 not applicable
    rationale: str
    source: str                      # the CMS file the row came from, e.g. "ccipra-v313r0-f1.TXT"
    quarter: str                     # "2025Q4"

    def in_effect(self, on: date) -> bool:
        return self.effective <= on and (self.deleted is None or on <= self.deleted) and self.modifier != 9

    def bypassed_by(self, modifiers: Iterable[str]) -> bool:
        """Whether modifiers on the claim lines may bypass this edit (indicator 1 and an associated modifier)."""
        return self.modifier == 1 and any(m in PTP_MODIFIERS for m in modifiers)


@dataclass(frozen=True, slots=True)
class MueEdit:
    """One practitioner MUE: at most ``value`` units of ``code`` per line (MAI 1) or per date of service (2, 3)."""

    code: str
    value: int
    mai: int                         # 1 line edit, 2 date-of-service edit (policy), 3 date-of-service edit (clinical)
    rationale: str
    effective: date                  # the quarter's first day (CMS's file is effective from then)
    source: str
    quarter: str

    @property
    def per_day(self) -> bool:
        return self.mai in (2, 3)


@dataclass(frozen=True, slots=True)
class AddOnEdit:
    """One add-on code edit: ``addon`` is paid only with ``primary`` (or, type 2 with primary "CCCCC", with the
    primaries the Medicare contractor defines)."""

    addon: str
    primary: str
    type: int                        # 1 listed primaries only, 2 contractor-defined primaries, 3 listed + contractor
    effective: date
    deleted: date | None             # last day the edit applies; None: in effect
    source: str
    quarter: str

    def in_effect(self, on: date) -> bool:
        return self.effective <= on and (self.deleted is None or on <= self.deleted)


@dataclass(frozen=True, slots=True)
class AddOnRule:
    """What ``addon()`` answers: the add-on's type and the primaries it may be billed with on the date."""

    code: str
    type: int
    primaries: tuple[str, ...]       # "CCCCC" stands for contractor-defined primaries (type 2)
    edits: tuple[AddOnEdit, ...]


@dataclass(frozen=True)
class Coverage:
    """Which codes an extract holds every row for, and where its rows came from (for findings and docs)."""

    complete_for: frozenset[str]
    quarter: str
    source: str
    note: str = ""

    def covers(self, code: str) -> bool:
        return code in self.complete_for


class NcciTables:
    """PTP, MUE and add-on edits indexed for lookup by code and date."""

    def __init__(self, ptp: Iterable[PtpEdit] = (), mue: Iterable[MueEdit] = (), addon: Iterable[AddOnEdit] = (),
                 coverage: dict[str, Coverage] | None = None) -> None:
        self._ptp: dict[tuple[str, str], list[PtpEdit]] = {}
        for edit in ptp:
            self._ptp.setdefault((edit.column1, edit.column2), []).append(edit)
        self._mue: dict[str, list[MueEdit]] = {}
        for row in mue:
            self._mue.setdefault(row.code, []).append(row)
        for rows in self._mue.values():
            rows.sort(key=lambda r: r.effective)
        self._addon: dict[str, list[AddOnEdit]] = {}
        for aoc in addon:
            self._addon.setdefault(aoc.addon, []).append(aoc)
        self.coverage = coverage or {}

    def covers(self, kind: str, code: str) -> bool:
        """Whether the tables hold every ``kind`` ("ptp", "mue", "addon") row for ``code``."""
        found = self.coverage.get(kind)
        return found is not None and found.covers(code)

    def ncci_pair(self, column1: str, column2: str, on: date) -> PtpEdit | None:
        """The PTP edit bundling ``column2`` into ``column1`` in effect on ``on``, else None."""
        return next((e for e in self._ptp.get((column1, column2), ()) if e.in_effect(on)), None)

    def mue(self, code: str, on: date) -> MueEdit | None:
        """The MUE of the latest quarter effective on or before ``on``, else None."""
        rows = [r for r in self._mue.get(code, ()) if r.effective <= on]
        return rows[-1] if rows else None

    def addon(self, code: str, on: date) -> AddOnRule | None:
        """The primaries ``code`` may be billed with on ``on`` if it is an add-on code, else None."""
        edits = tuple(e for e in self._addon.get(code, ()) if e.in_effect(on))
        if not edits:
            return None
        return AddOnRule(code, min(e.type for e in edits), tuple(sorted({e.primary for e in edits})), edits)


# -- the shipped extract -----------------------------------------------------------------------------------------
_COLUMNS = {
    "ptp": ("column1", "column2", "effective", "deleted", "modifier", "rationale", "source", "quarter"),
    "mue": ("code", "value", "mai", "rationale", "effective", "source", "quarter"),
    "addon": ("addon", "primary", "type", "effective", "deleted", "source", "quarter"),
}


def _rows(path: Path, kind: str) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(f"cannot read the {kind} extract: {exc.strerror}", str(path)) from exc
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line and not line.startswith("#")]
    reader = csv.reader(line for _, line in lines)
    header = next(reader, None)
    if tuple(header or ()) != _COLUMNS[kind]:
        raise MappingError(f"the header must be {','.join(_COLUMNS[kind])}", str(path), "header")
    for (n, _), values in zip(lines[1:], reader, strict=True):
        if len(values) != len(header):
            raise MappingError(f"{len(values)} fields, expected {len(header)}", str(path), f"line {n}")
        yield n, dict(zip(header, values, strict=True))


def _int(raw: str, allowed: Iterable[int] | None, path: Path, where: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise MappingError(f"{raw!r} is not a number", str(path), where) from None
    if allowed is not None and value not in allowed:
        raise MappingError(f"{value} must be one of {sorted(allowed)}", str(path), where)
    return value


def read_extract(folder: Path) -> NcciTables:
    """The PTP, MUE and add-on extracts (``ncci-ptp.csv``, ``ncci-mue.csv``, ``ncci-addon.csv``) and their
    manifest ``ncci.toml`` in ``folder``."""
    manifest = folder / "ncci.toml"
    try:
        meta = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(str(exc), str(manifest)) from exc
    coverage = {}
    for kind in _COLUMNS:
        entry = meta.get(kind)
        if not isinstance(entry, dict) or not isinstance(entry.get("complete_for", []), list):
            raise MappingError("needs a table with file, quarter, source and complete_for", str(manifest), kind)
        coverage[kind] = Coverage(frozenset(entry.get("complete_for", [])), str(entry.get("quarter", "")),
                                  str(entry.get("source", "")), str(entry.get("note", "")))
    files = {kind: folder / str(meta[kind].get("file", f"ncci-{kind}.csv")) for kind in _COLUMNS}
    ptp = [PtpEdit(r["column1"], r["column2"], table_day(r["effective"], files["ptp"], f"line {n} effective") or date.min,
                   table_day(r["deleted"], files["ptp"], f"line {n} deleted"),
                   _int(r["modifier"], (0, 1, 9), files["ptp"], f"line {n} modifier"), r["rationale"], r["source"],
                   r["quarter"]) for n, r in _rows(files["ptp"], "ptp")]
    mue = [MueEdit(r["code"], _int(r["value"], None, files["mue"], f"line {n} value"),
                   _int(r["mai"], (1, 2, 3), files["mue"], f"line {n} mai"), r["rationale"],
                   table_day(r["effective"], files["mue"], f"line {n} effective") or date.min, r["source"], r["quarter"])
           for n, r in _rows(files["mue"], "mue")]
    addon = [AddOnEdit(r["addon"], r["primary"], _int(r["type"], (1, 2, 3), files["addon"], f"line {n} type"),
                       table_day(r["effective"], files["addon"], f"line {n} effective") or date.min,
                       table_day(r["deleted"], files["addon"], f"line {n} deleted"), r["source"], r["quarter"])
             for n, r in _rows(files["addon"], "addon")]
    return NcciTables(ptp, mue, addon, coverage)


@functools.cache
def ncci_tables() -> NcciTables:
    """The extract shipped in mappings/codes/ (cached)."""
    return read_extract(mapping_path("codes"))


def ncci_pair(column1: str, column2: str, on: date) -> PtpEdit | None:
    """The shipped PTP edit bundling ``column2`` into ``column1`` on ``on`` (see ``NcciTables.covers``)."""
    return ncci_tables().ncci_pair(column1, column2, on)


def mue(code: str, on: date) -> MueEdit | None:
    """The shipped practitioner MUE for ``code`` on ``on`` (see ``NcciTables.covers``)."""
    return ncci_tables().mue(code, on)


def addon(code: str, on: date) -> AddOnRule | None:
    """The shipped add-on code edit for ``code`` on ``on``: its type and primaries (see ``NcciTables.covers``)."""
    return ncci_tables().addon(code, on)
