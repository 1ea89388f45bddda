"""External code sets for SNIP 5, kept as data with their versions and effective dates.

ICD-10-CM comes from the ``simple-icd-10-cm`` package (one fiscal year's release, named in
``mappings/codes/icd-10-cm.toml``); place of service, CARC, RARC, states and countries from CSV tables in
``mappings/codes/``; the NPI
check digit is computed. Sources, versions and how to update each table: docs/code-sets.md.
"""

from __future__ import annotations

import csv
import functools
import tomllib
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from pathlib import Path

from edi._data import mappings_dir
from edi.errors import MappingError

__all__ = ["CodeEntry", "CodeSet", "CodeStatus", "Icd10Release", "Icd10Status", "carc", "codes_dir", "countries",
           "icd10_children", "icd10_release", "icd10_status", "known_codes", "known_table", "mappings_dir",
           "npi_check_digit", "npi_problem", "place_of_service", "rarc", "states"]


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


def _date(raw: str, path: Path, key: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise MappingError(f"{raw!r} is not a date (YYYY-MM-DD)", str(path), key) from None


@functools.cache
def place_of_service() -> CodeSet:
    """The CMS place-of-service codes (837P CLM05-1, SV105) with effective and end dates."""
    path = codes_dir() / "place-of-service.csv"
    version, rows = _read_table(path, ("code", "name", "effective_date", "end_date"))
    entries = {}
    for n, row in enumerate(rows, start=1):
        end = _date(row["end_date"], path, f"row {n} end_date")
        entries[row["code"]] = CodeEntry(row["code"], row["name"], _date(row["effective_date"], path,
                                         f"row {n} effective_date"), end + timedelta(days=1) if end else None)
    return CodeSet("Place of Service", version or "CMS POS code set", entries)


def _x12_list(file: str, name: str) -> CodeSet:
    path = codes_dir() / file
    version, rows = _read_table(path, ("code", "start_date", "stop_date", "status"))
    entries = {}
    for n, row in enumerate(rows, start=1):
        if row["status"] not in ("current", "deactivated"):
            raise MappingError(f"status {row['status']!r} must be current or deactivated", str(path), f"row {n} status")
        entries[row["code"]] = CodeEntry(row["code"], "", _date(row["start_date"], path, f"row {n} start_date"),
                                         _date(row["stop_date"], path, f"row {n} stop_date"),
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
        entries[row["code"]] = CodeEntry(row["code"], row["name"], _date(row["start_date"], path, f"row {n} start_date"),
                                         _date(row["stop_date"], path, f"row {n} stop_date"), row["status"] != "current")
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


# -- ICD-10-CM ---------------------------------------------------------------------------------------------------
class Icd10Status(str, Enum):
    BILLABLE = "billable"            # a leaf code
    NOT_BILLABLE = "not billable"    # a category or subcategory with codes below it
    INVALID = "invalid"              # not an ICD-10-CM code (or a chapter/block range, or written with a dot)


@dataclass(frozen=True, slots=True)
class Icd10Release:
    version: str                     # "ICD-10-CM FY2026"
    package: str                     # "simple-icd-10-cm 1.5.0"
    fiscal_year: int | None          # None: the installed package version is not in mappings/codes/icd-10-cm.toml
    update: str = ""                 # "2026-04-01" for the April update

    @property
    def period(self) -> tuple[date, date] | None:
        """First and last day of the fiscal year (October 1 to September 30)."""
        if self.fiscal_year is None:
            return None
        return date(self.fiscal_year - 1, 10, 1), date(self.fiscal_year, 9, 30)

    def covers(self, day: date) -> bool:
        period = self.period
        return period is not None and period[0] <= day <= period[1]


@functools.cache
def icd10_release() -> Icd10Release | None:
    """The ICD-10-CM release the installed simple-icd-10-cm carries; None when the package is not installed."""
    from importlib import metadata  # ~10 ms to import: only files with diagnoses need it

    try:
        installed = metadata.version("simple-icd-10-cm")
    except metadata.PackageNotFoundError:
        return None
    path = codes_dir() / "icd-10-cm.toml"
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("releases", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(str(exc), str(path)) from exc
    release = table.get(installed)
    package = f"simple-icd-10-cm {installed}"
    if not isinstance(release, dict) or not isinstance(release.get("fiscal_year"), int):
        return Icd10Release(f"ICD-10-CM ({package}, release not recorded)", package, None)
    year = release["fiscal_year"]
    return Icd10Release(f"ICD-10-CM FY{year}", package, year, str(release.get("update", "")))


ICD10_TABLE = "icd-10-cm.txt"


class _Icd10Table:
    """Every ICD-10-CM category and code: the text of mappings/codes/icd-10-cm.txt itself (one sorted line per
    code, "A01 N" when not billable), searched by bisection over its lines. Loading is one read of ~0.7 MB —
    no per-line work, no list of 98,000 strings (a dict took ~10 MiB; parsing the lines took ~0.2 s of every
    process that checked a diagnosis)."""

    def __init__(self, text: str) -> None:
        while text.startswith("#"):  # the header comment
            text = text[text.find("\n") + 1:] if "\n" in text else ""
        self.text = text if text.endswith("\n") or not text else text + "\n"

    def _first_at_or_after(self, code: str) -> int:
        """The offset of the first line whose code is ``code`` or sorts after it (len(text) when none)."""
        text = self.text
        lo, hi = 0, len(text)  # both always at a line start (or the end)
        while lo < hi:
            start = text.rfind("\n", 0, (lo + hi) // 2) + 1
            start = max(start, lo)
            end = text.index("\n", start)
            if text[start:end].partition(" ")[0] < code:
                lo = end + 1
            else:
                hi = start
        return lo

    def _line(self, offset: int) -> tuple[str, bool]:
        line = self.text[offset:self.text.index("\n", offset)]
        return line.partition(" ")[0], not line.endswith(" N")

    def billable(self, code: str) -> bool | None:
        """True / False for a code in the table (billable or not), None for one that is not."""
        offset = self._first_at_or_after(code)
        if offset < len(self.text):
            found, billable = self._line(offset)
            if found == code:
                return billable
        return None

    def codes_from(self, code: str) -> Iterator[tuple[str, bool]]:
        """(code, billable) for the codes at or after ``code`` in sorted order."""
        offset, size = self._first_at_or_after(code), len(self.text)
        while offset < size:
            yield self._line(offset)
            offset = self.text.index("\n", offset) + 1


@functools.cache
def _icd10() -> _Icd10Table | None:
    """The table of mappings/codes/icd-10-cm.txt (exported from simple-icd-10-cm: it loads in a millisecond and
    under a MiB, where the package takes ~2 s and ~150 MiB). Its lines must stay sorted (a test checks it)."""
    path = codes_dir() / ICD10_TABLE
    if not path.is_file():
        return None
    return _Icd10Table(path.read_text(encoding="ascii"))


@functools.lru_cache(maxsize=4096)  # a batch repeats its diagnoses; the table is fixed once loaded
def icd10_status(code: str) -> Icd10Status | None:
    """BILLABLE, NOT_BILLABLE or INVALID for an X12 diagnosis code (no dot: J209); None without the table."""
    table = _icd10()
    if table is None:
        return None
    billable = table.billable(code) if 3 <= len(code) <= 7 and "\n" not in code else None
    if billable is None:
        return Icd10Status.INVALID
    return Icd10Status.BILLABLE if billable else Icd10Status.NOT_BILLABLE


def icd10_children(code: str, limit: int = 3) -> list[str]:
    """A few billable codes under a category, to suggest in a finding."""
    table = _icd10()
    found: list[str] = []
    for candidate, billable in table.codes_from(code) if table is not None else ():
        if not candidate.startswith(code) or len(found) >= limit:
            break
        if candidate != code and billable:
            found.append(candidate)
    return found


def export_icd10(path: Path) -> int:
    """Write the ICD-10-CM table from the installed simple-icd-10-cm (run when CMS publishes a new year)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as cm  # noqa: PLC0415
    codes = sorted(c for c in cm.get_all_codes(with_dots=False) if not cm.is_chapter_or_block(c))
    release = icd10_release()
    with path.open("w", encoding="ascii") as fh:
        fh.write(f"# {release.version if release else 'ICD-10-CM'} codes (categories and codes, no dots), from "
                 f"{release.package if release else 'simple-icd-10-cm'}.\n# A code followed by ' N' is not billable "
                 "(it has codes below it); all others are billable.\n# Regenerate: python -m edi.validate.codesets "
                 "--export-icd10 (see docs/code-sets.md).\n")
        for code in codes:
            fh.write(code + ("" if cm.is_leaf(code) else " N") + "\n")
    return len(codes)



# -- NPI -------------------------------------------------------------------------------------------------------
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


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--export-icd10"]:
        print(export_icd10(codes_dir() / ICD10_TABLE), "codes written")
