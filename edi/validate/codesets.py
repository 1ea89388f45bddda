"""External code sets for SNIP 5, kept as data with their versions and effective dates.

Place of service, CARC, RARC, states and countries come from CSV tables in ``mappings/codes/``; the NPI check digit
is computed. ICD-10-CM (by release, on the date of service) lives in ``edi.codes``, shared with the scrubber.
Sources, versions and how to update each table: docs/code-sets.md.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from pathlib import Path

from edi._data import mappings_dir, table_day
from edi.errors import MappingError

__all__ = ["CodeEntry", "CodeSet", "CodeStatus", "carc", "codes_dir", "countries", "known_codes", "known_table",
           "mappings_dir", "npi_check_digit", "npi_problem", "place_of_service", "rarc", "states"]


def codes_dir() -> Path:
    return mappings_dir() / "codes"


# -- dated code tables (POS, CARC, RARC) ----------------------------------------------------------------------
class CodeStatus(str, Enum):
    IN_EFFECT = "in effect"
    UNKNOWN = "unknown"                  # not in the table (the table may be incomplete)
    NOT_YET = "not yet in effect"        # the date is before the code's start
    ENDED = "ended"                      # the date is on or after the code's stop
    DEACTIVATED = "deactivated"          # deactivated on a date the table does not record


@dataclass(frozen=True, slots=True)
class CodeEntry:
    code: str
    name: str                    # CMS name (POS); "" where the list's text is not ours to copy (CARC, RARC)
    start: date | None           # first day in effect; None: long before any 5010 transaction
    stop: date | None            # first day no longer in effect; None: still in effect (or stop unrecorded)
    deactivated: bool = False    # True when the list marks it deactivated, with or without a stop date


@dataclass(frozen=True)
class CodeSet:
    name: str                    # "CARC"
    version: str                 # "X12 CARC list 2026-08-17": goes into findings as details["code_set"]
    entries: Mapping[str, CodeEntry]

    def __contains__(self, code: object) -> bool:
        return code in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def lookup(self, code: str) -> CodeEntry | None:
        return self.entries.get(code)

    def status(self, code: str, on: date) -> CodeStatus:
        """Whether ``code`` may be used on ``on``."""
        entry = self.entries.get(code)
        if entry is None:
            return CodeStatus.UNKNOWN
        if entry.start is not None and on < entry.start:
            return CodeStatus.NOT_YET
        if entry.stop is not None and on >= entry.stop:
            return CodeStatus.ENDED
        if entry.deactivated and entry.stop is None:
            return CodeStatus.DEACTIVATED
        return CodeStatus.IN_EFFECT


def _read_table(path: Path, columns: tuple[str, ...]) -> tuple[str, list[dict[str, str]]]:
    """(version from the '# version:' comment, rows) of a CSV whose '#' lines are comments."""
    version = ""
    lines: list[str] = []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(f"cannot read the code table: {exc.strerror}", str(path)) from exc
    for line in text.splitlines():
        if line.startswith("#"):
            if line[1:].strip().lower().startswith("version:"):
                version = line.split(":", 1)[1].strip()
            continue
        lines.append(line)
    reader = csv.DictReader(lines)
    if tuple(reader.fieldnames or ()) != columns:
        raise MappingError(f"the header must be {','.join(columns)}", str(path), "header")
    return version, list(reader)


@functools.cache
def place_of_service() -> CodeSet:
    """The CMS place-of-service codes (837P CLM05-1, SV105) with effective and end dates."""
    path = codes_dir() / "place-of-service.csv"
    version, rows = _read_table(path, ("code", "name", "effective_date", "end_date"))
    entries = {}
    for n, row in enumerate(rows, start=1):
        end = table_day(row["end_date"], path, f"row {n} end_date")
        entries[row["code"]] = CodeEntry(row["code"], row["name"], table_day(row["effective_date"], path,
                                         f"row {n} effective_date"), end + timedelta(days=1) if end else None)
    return CodeSet("Place of Service", version or "CMS POS code set", entries)


def _x12_list(file: str, name: str) -> CodeSet:
    path = codes_dir() / file
    version, rows = _read_table(path, ("code", "start_date", "stop_date", "status"))
    entries = {}
    for n, row in enumerate(rows, start=1):
        if row["status"] not in ("current", "deactivated"):
            raise MappingError(f"status {row['status']!r} must be current or deactivated", str(path), f"row {n} status")
        entries[row["code"]] = CodeEntry(row["code"], "", table_day(row["start_date"], path, f"row {n} start_date"),
                                         table_day(row["stop_date"], path, f"row {n} stop_date"),
                                         row["status"] == "deactivated")
    return CodeSet(name, version or f"X12 {name} list", entries)


@functools.cache
def carc() -> CodeSet:
    """Claim Adjustment Reason Codes (835 CAS), X12 code source 139."""
    return _x12_list("carc.csv", "CARC")


@functools.cache
def rarc() -> CodeSet:
    """Remittance Advice Remark Codes (835 LQ*HE, MOA, MIA), X12 code source 411."""
    return _x12_list("rarc.csv", "RARC")


def _named_list(file: str, name: str, columns: tuple[str, ...]) -> CodeSet:
    """A table of codes with names and status current / retired (withdrawn): states, countries."""
    path = codes_dir() / file
    version, rows = _read_table(path, columns)
    entries = {}
    for n, row in enumerate(rows, start=1):
        if row["status"] not in ("current", "retired", "withdrawn"):
            raise MappingError(f"status {row['status']!r} must be current, retired or withdrawn", str(path),
                               f"row {n} status")
        entries[row["code"]] = CodeEntry(row["code"], row["name"], table_day(row["start_date"], path, f"row {n} start_date"),
                                         table_day(row["stop_date"], path, f"row {n} stop_date"), row["status"] != "current")
    return CodeSet(name, version or name, entries)


@functools.cache
def states() -> CodeSet:
    """US states, territories and military codes (USPS) and Canadian provinces and territories (Canada Post):
    N402, CLM11-04."""
    return _named_list("states.csv", "states and provinces",
                       ("code", "name", "country", "start_date", "stop_date", "status"))


@functools.cache
def countries() -> CodeSet:
    """ISO 3166-1 alpha-2 country codes: N404, CLM11-05 …"""
    return _named_list("countries.csv", "countries", ("code", "name", "start_date", "stop_date", "status"))


# pyx12 codes.xml list name → (our table, whether codes no longer in effect still belong to it for the element
# check: yes where a SNIP 5 rule reports them with their dates, no where membership is the whole check)
_TABLES = {"pos": (place_of_service, True), "remark_code": (rarc, True), "states": (states, False),
           "country": (countries, False)}


def known_table(list_name: str) -> CodeSet | None:
    """Our table for a pyx12 codes.xml list name ("pos", "remark_code", "states", "country"), else None."""
    table = _TABLES.get(list_name)
    return table[0]() if table is not None else None


def known_codes(list_name: str) -> frozenset[str] | None:
    """The codes an element naming this pyx12 codes.xml list accepts, from our table; None when we keep none."""
    table = _TABLES.get(list_name)
    if table is None:
        return None
    codes, keep_ended = table[0](), table[1]
    return frozenset(code for code, entry in codes.entries.items() if keep_ended or not entry.deactivated)


# -- NPI -------------------------------------------------------------------------------------------------------
PROCEDURE = re.compile(r"[0-9]{5}|[0-9]{4}[FTU]|[A-Z][0-9]{4}")  # CPT; CPT Cat II/III, PLA; HCPCS Level II
"""A CPT/HCPCS code's shape (format only: CPT is the AMA's); SNIP 5 and the scrubber share it."""
TAXONOMY = re.compile(r"[0-9A-Z]{9}X")
"""A NUCC Health Care Provider Taxonomy code's shape (format only: the NUCC list is not shipped); SNIP 5 and the
scrubber share it."""


def npi_check_digit(first_nine: str) -> int:
    """The Luhn check digit of an NPI, computed over the prefix 80840 and the first nine digits."""
    total = 0
    for n, char in enumerate(reversed("80840" + first_nine)):
        digit = int(char)
        if n % 2 == 0:              # every second digit from the right, starting with the rightmost, is doubled
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return (10 - total % 10) % 10


@functools.lru_cache(maxsize=8192)
def npi_problem(value: str) -> tuple[str, str] | None:
    """("format" | "check_digit", explanation) when ``value`` is not a valid NPI, else None."""
    if len(value) != 10 or not value.isascii() or not value.isdigit():
        return "format", f"{value!r} is not an NPI: an NPI is exactly 10 digits"
    expected = npi_check_digit(value[:9])
    if int(value[9]) != expected:
        return "check_digit", (f"NPI {value} fails its check digit: the last digit should be {expected} (Luhn over "
                               "80840 + the first nine digits); the number is mistyped")
    return None
