"""Readers for CMS's released NCCI files, so a full quarter can be loaded (``edi codes load ncci-ptp|mue|addon FILE``):

* **ncci-ptp** — the practitioner PTP edit files ``ccipra-v###r#-f1..f4`` as text (``.TXT``, tab-delimited) or
  exported to CSV: a few preamble lines (copyright, column titles), then one edit per line: column 1, column 2,
  ``*`` if in existence before 1996, effective date, deletion date (``*`` = none), modifier indicator 0/1/9,
  rationale. Dates are YYYYMMDD.
* **mue** — the practitioner MUE table ``MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY.csv``: copyright lines, a
  header whose first title is "HCPCS/CPT Code" (CMS breaks it over two lines inside quotes), then code, MUE value,
  MAI ("1 Line Edit", "2 Date of Service Edit: Policy", "3 Date of Service Edit: Clinical"), rationale. The table
  applies from the date in its name.
* **addon** — the add-on code edit file ``AOC_V####Q#-MCR`` as text (tab-delimited) or CSV, columns found by their
  titles: Add-on Code, Primary Code, AOC Edit Type, AOC Edit Effective Date, AOC Edit Deletion Date.

Excel releases (``.xlsx``) are not read: export them to CSV first. A malformed file raises ``CmsFileError`` naming
the file, line and field.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from edi.codes._ncci import AddOnEdit, MueEdit, PtpEdit
from edi.errors import EdiError

KINDS = ("ncci-ptp", "mue", "addon")
_CODE = re.compile(r"[0-9A-Z]{5}")
_YMD = re.compile(r"[0-9]{8}")
_MUE_EFFECTIVE = re.compile(r"Eff_(\d{2})-(\d{2})-(\d{4})", re.IGNORECASE)
_AOC_QUARTER = re.compile(r"V(\d{4})Q([1-4])", re.IGNORECASE)


class CmsFileError(EdiError):
    """A CMS NCCI file that cannot be read as its kind, with the place: file, line, field."""

    def __init__(self, message: str, source: str, line: int | None = None, field: str | None = None) -> None:
        self.reason, self.source, self.line, self.field = message, source, line, field
        where = "".join(part for part in (f": line {line}" if line else "", f", {field}" if field else ""))
        super().__init__(f"{source}{where}: {message}")


def parse_cms_file(kind: str, path: Path, quarter: str | None = None) -> Iterator[PtpEdit | MueEdit | AddOnEdit]:
    """The edits of one CMS file of ``kind`` ("ncci-ptp", "mue" or "addon"), each naming the file and quarter.

    ``quarter`` ("2025Q4") defaults to the one the file name tells (MUE: Eff_MM-DD-YYYY; add-on: V2025Q4); a PTP file
    name does not tell it (its version number is not a quarter), so it is "" unless given."""
    if kind not in KINDS:
        raise CmsFileError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}", str(path))
    text = _text(path)
    if kind == "ncci-ptp":
        yield from _ptp(text, path.name, quarter or "")
    elif kind == "mue":
        yield from _mue(text, path.name, quarter)
    else:
        yield from _addon(text, path.name, quarter or _aoc_quarter(path.name))


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CmsFileError(f"cannot read: {exc.strerror}", str(path)) from exc
    if data[:2] == b"PK":
        raise CmsFileError("this is a zip or Excel file: unzip it, or export the sheet to CSV", path.name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # CMS's files are Windows text (the © in the preamble)


def _split(line: str) -> list[str]:
    if "\t" in line:
        return [cell.strip() for cell in line.split("\t")]
    return [cell.strip() for cell in next(csv.reader([line]), [])]


def _date(raw: str, source: str, line: int, field: str) -> date:
    if not _YMD.fullmatch(raw):
        raise CmsFileError(f"{raw!r} is not a date (YYYYMMDD)", source, line, field)
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        raise CmsFileError(f"{raw!r} is not a calendar date", source, line, field) from None


def _deletion(raw: str, source: str, line: int, field: str) -> date | None:
    """A deletion date: YYYYMMDD, or * / blank for none (the edit is in effect)."""
    return None if raw in ("", "*") else _date(raw, source, line, field)


def _ptp(text: str, source: str, quarter: str) -> Iterator[PtpEdit]:
    started = False
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = _split(line)
        if not started:
            if len(cells) >= 7 and _CODE.fullmatch(cells[0]) and _CODE.fullmatch(cells[1]):
                started = True
            else:
                continue  # the preamble: copyright and column titles
        if len(cells) < 7:
            raise CmsFileError(f"{len(cells)} fields, expected 7 (column 1, column 2, pre-1996, effective, deletion, "
                               "modifier, rationale)", source, n)
        for k, name in ((0, "column 1"), (1, "column 2")):
            if not _CODE.fullmatch(cells[k]):
                raise CmsFileError(f"{cells[k]!r} is not a HCPCS/CPT code", source, n, name)
        if cells[5] not in ("0", "1", "9"):
            raise CmsFileError(f"modifier indicator {cells[5]!r} must be 0, 1 or 9", source, n, "modifier")
        yield PtpEdit(cells[0], cells[1], _date(cells[3], source, n, "effective date"),
                      _deletion(cells[4], source, n, "deletion date"), int(cells[5]), cells[6], source, quarter)
    if not started:
        raise CmsFileError("no PTP edit found: expected lines of column 1, column 2, *, effective date, deletion "
                           "date, modifier, rationale", source)


def _mue(text: str, source: str, quarter: str | None) -> Iterator[MueEdit]:
    effective = _mue_effective(source, quarter)
    quarter = quarter or f"{effective.year}Q{(effective.month - 1) // 3 + 1}"
    reader = csv.reader(io.StringIO(text))
    header = False
    for cells in reader:
        n = reader.line_num
        cells = [cell.strip() for cell in cells]
        if not header:
            header = bool(cells) and re.sub(r"\s+", "", cells[0]).upper().startswith("HCPCS/CPT")
            continue
        if not any(cells):
            continue
        if len(cells) < 3:
            raise CmsFileError(f"{len(cells)} fields, expected code, MUE value, MAI, rationale", source, n)
        if not _CODE.fullmatch(cells[0]):
            raise CmsFileError(f"{cells[0]!r} is not a HCPCS/CPT code", source, n, "HCPCS/CPT Code")
        if not cells[1].isdigit():
            raise CmsFileError(f"MUE value {cells[1]!r} is not a whole number", source, n, "MUE value")
        if cells[2][:1] not in ("1", "2", "3"):
            raise CmsFileError(f"MUE adjudication indicator {cells[2]!r} must start with 1, 2 or 3", source, n, "MAI")
        yield MueEdit(cells[0], int(cells[1]), int(cells[2][0]), cells[3] if len(cells) > 3 else "", effective,
                      source, quarter)
    if not header:
        raise CmsFileError('no header row starting "HCPCS/CPT Code": not a CMS MUE table', source)


def _mue_effective(source: str, quarter: str | None) -> date:
    found = _MUE_EFFECTIVE.search(source)
    if found:
        month, day, year = (int(g) for g in found.groups())
        return date(year, month, day)
    if quarter and re.fullmatch(r"\d{4}Q[1-4]", quarter):
        return date(int(quarter[:4]), 3 * int(quarter[5]) - 2, 1)
    raise CmsFileError("cannot tell when this MUE table applies: keep CMS's file name (…_Eff_MM-DD-YYYY.csv) or "
                       "give the quarter (e.g. 2025Q4)", source)


def _aoc_quarter(name: str) -> str:
    found = _AOC_QUARTER.search(name)
    return f"{found.group(1)}Q{found.group(2)}" if found else ""


_AOC_FIELDS = {"addon": ("add-on code", "add on code", "addon code", "aoc"),
               "primary": ("primary code",),
               "type": ("aoc edit type", "edit type"),
               "effective": ("aoc edit effective date", "aoc edit eff date", "edit effective date"),
               "deleted": ("aoc edit deletion date", "aoc edit del date", "edit deletion date")}


def _addon(text: str, source: str, quarter: str) -> Iterator[AddOnEdit]:
    columns: dict[str, int] | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = _split(line)
        if columns is None:
            titles = [re.sub(r"\s+", " ", cell).strip().lower() for cell in cells]
            found = {field: next((k for k, t in enumerate(titles) if t in names), -1)
                     for field, names in _AOC_FIELDS.items()}
            if found["addon"] >= 0 and found["primary"] >= 0:
                missing = [field for field, k in found.items() if k < 0]
                if missing:
                    raise CmsFileError(f"the header lacks {', '.join(missing)}", source, n)
                columns = found
            continue
        cells += [""] * (max(columns.values()) + 1 - len(cells))
        code, primary, kind = cells[columns["addon"]], cells[columns["primary"]], cells[columns["type"]]
        if not _CODE.fullmatch(code):
            raise CmsFileError(f"{code!r} is not a HCPCS/CPT code", source, n, "Add-on Code")
        if not _CODE.fullmatch(primary):
            raise CmsFileError(f"{primary!r} is not a HCPCS/CPT code (or CCCCC)", source, n, "Primary Code")
        if kind not in ("1", "2", "3"):
            raise CmsFileError(f"AOC edit type {kind!r} must be 1, 2 or 3", source, n, "AOC Edit Type")
        yield AddOnEdit(code, primary, int(kind), _date(cells[columns["effective"]], source, n, "AOC Edit Effective Date"),
                        _deletion(cells[columns["deleted"]], source, n, "AOC Edit Deletion Date"), source, quarter)
    if columns is None:
        raise CmsFileError("no header row with Add-on Code and Primary Code columns: not a CMS add-on code file",
                           source)
