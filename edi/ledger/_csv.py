"""Simple CSV readers for the ledger's reference data: the provider-enrollment roster, and code-table rows in our
own columns (CMS's released formats are read by their own parsers, which hand ``load_rows`` the same rows).

Columns are found by their header names (any order, case and spaces ignored; extra columns ignored). Dates are
``YYYY-MM-DD`` or CMS's ``YYYYMMDD``; an empty date, ``*`` or ``99991231`` is none (open-ended). A bad row stops
the read with the file, the row number (as a spreadsheet shows it: the header is row 1) and the column — and as
loads are all or nothing, nothing of the file is loaded. Formats: docs/ledger.md.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edi.errors import EdiError
from edi.ledger._records import Source
from edi.ledger._reference import AddonRow, EnrollmentRow, LoadResult, MueRow, PtpRow, Row

if TYPE_CHECKING:
    from edi.ledger._ledger import Ledger

_OPEN = {"", "*", "99991231", "9999-12-31"}


class _Field:
    def __init__(self, name: str, parse: Callable[[str], Any], required: bool = True) -> None:
        self.name, self.parse, self.required = name, parse, required


def _text(value: str) -> str:
    return value


def _optional_text(value: str) -> str | None:
    return value or None


def _code(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9]{5}", value):
        raise ValueError("expected a 5-character CPT/HCPCS code")
    return value.upper()


def _optional_code(value: str) -> str | None:
    return _code(value) if value else None


def _npi(value: str) -> str:
    if not re.fullmatch(r"\d{10}", value):
        raise ValueError("expected a 10-digit NPI")
    return value


def _tax_id(value: str) -> str | None:
    digits = value.replace("-", "")
    if value and not re.fullmatch(r"\d{9}", digits):
        raise ValueError("expected a 9-digit tax id (EIN or SSN)")
    return digits or None


def _date(value: str) -> date:
    for pattern in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError("expected a date as YYYY-MM-DD (or YYYYMMDD)")


def _optional_date(value: str) -> date | None:
    return None if value in _OPEN else _date(value)


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value.lower() not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}")
        return value.lower()
    return parse


def _int_in(*allowed: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        if not value.isdigit() or int(value) not in allowed:
            raise ValueError(f"expected one of {', '.join(map(str, allowed))}")
        return int(value)
    return parse


def _count(value: str) -> int:
    if not value.isdigit():
        raise ValueError("expected a whole number of units")
    return int(value)


def _mai(value: str) -> int:
    return _int_in(1, 2, 3)(value.strip()[:1])   # CMS writes "2 Date of Service Edit: Policy"


FORMATS: dict[str, tuple[type, tuple[_Field, ...]]] = {
    "enrollment": (EnrollmentRow, (
        _Field("npi", _npi), _Field("payer_id", _text), _Field("effective_from", _date),
        _Field("effective_to", _optional_date, False), _Field("tax_id", _tax_id, False),
        _Field("name", _optional_text, False))),
    "ncci-ptp": (PtpRow, (
        _Field("column_1", _code), _Field("column_2", _code), _Field("effective_from", _date),
        _Field("modifier_indicator", _choice("0", "1", "9")), _Field("deleted_on", _optional_date, False),
        _Field("setting", _choice("practitioner", "hospital"), False), _Field("rationale", _optional_text, False))),
    "mue": (MueRow, (
        _Field("code", _code), _Field("max_units", _count), _Field("adjudication_indicator", _mai),
        _Field("setting", _choice("practitioner", "hospital", "dme"), False),
        _Field("rationale", _optional_text, False), _Field("effective_from", _optional_date, False),
        _Field("deleted_on", _optional_date, False))),
    "addon": (AddonRow, (
        _Field("addon_code", _code), _Field("edit_type", _int_in(1, 2, 3)), _Field("effective_from", _date),
        _Field("primary_code", _optional_code, False), _Field("deleted_on", _optional_date, False))),
}


def load_csv(ledger: Ledger, kind: str, path: Path, quarter: str | None = None) -> LoadResult:
    """Load a file of ``kind`` into the ledger (what ``edi codes load`` and ``edi ledger roster`` do): a CSV in our
    columns, or — for ncci-ptp, mue and addon — CMS's released file as CMS ships it (read by
    :func:`edi.codes.parse_cms_file`; the quarter from the file name where CMS's name tells it)."""
    if kind != "enrollment" and not is_simple_csv(kind, path):
        rows, found = read_cms_rows(kind, path, quarter)
        return ledger.load_rows(kind, rows, Source.of_file(path, kind), quarter or found)
    return ledger.load_rows(kind, read_rows(kind, path), Source.of_file(path, kind), quarter)


def is_simple_csv(kind: str, path: Path) -> bool:
    """Whether the file's first line is a header in our columns for ``kind`` (else it is taken for CMS's file)."""
    try:
        with path.open(newline="", encoding="utf-8-sig", errors="replace") as stream:
            header = next(csv.reader([stream.readline()]), [])
    except OSError as exc:
        raise EdiError(f"{path}: cannot read: {exc.strerror}") from None
    names = {re.sub(r"[\s-]+", "_", h.strip().lower()) for h in header}
    return all(f.name in names for f in FORMATS[kind][1] if f.required)


def read_cms_rows(kind: str, path: Path, quarter: str | None) -> tuple[Iterator[Row], str | None]:
    """The rows of CMS's released ``kind`` file, and the quarter its name tells (read ahead to the first row)."""
    from edi.codes import parse_cms_file

    edits = parse_cms_file(kind, path, quarter)
    first = next(edits, None)

    def rows() -> Iterator[Row]:
        if first is not None:
            yield _row_of(first)
        for edit in edits:
            yield _row_of(edit)

    return rows(), (first.quarter or None) if first is not None else None


def _row_of(edit: Any) -> Row:
    """A ledger row from an edi.codes PtpEdit, MueEdit or AddOnEdit (CMS's practitioner files)."""
    from edi.codes import MueEdit, PtpEdit

    if isinstance(edit, PtpEdit):
        return PtpRow(edit.column1, edit.column2, edit.effective, str(edit.modifier), edit.deleted, "practitioner",
                      edit.rationale or None)
    if isinstance(edit, MueEdit):
        return MueRow(edit.code, edit.value, edit.mai, "practitioner", edit.rationale or None, edit.effective)
    return AddonRow(edit.addon, edit.type, edit.effective, None if edit.primary == "CCCCC" else edit.primary,
                    edit.deleted)


def read_rows(kind: str, path: Path) -> Iterator[Row]:
    """The rows of a CSV file of ``kind`` (enrollment, ncci-ptp, mue, addon), as they are read."""
    if kind not in FORMATS:
        raise EdiError(f"{kind!r}: CSV formats are {', '.join(FORMATS)}")
    row_type, fields = FORMATS[kind]
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            reader = csv.reader(stream)
            header = next(reader, None)
            if header is None:
                raise EdiError(f"{path}: empty file; a {kind} CSV starts with a header row "
                               f"({', '.join(f.name for f in fields)})")
            columns = _columns(path, kind, header, fields)
            for number, values in enumerate(reader, start=2):
                if not any(v.strip() for v in values):
                    continue
                row = row_type(**dict(_values(path, number, fields, values, columns)))
                if isinstance(row, EnrollmentRow) and row.effective_to and row.effective_to < row.effective_from:
                    raise EdiError(f"{path}: row {number}, column effective_to: {row.effective_to} is before "
                                   f"effective_from {row.effective_from}")
                yield row
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise EdiError(f"{path}: cannot read the {kind} CSV: {exc}") from None


def _columns(path: Path, kind: str, header: list[str], fields: tuple[_Field, ...]) -> dict[str, int]:
    normalized = [re.sub(r"[\s-]+", "_", h.strip().lower()) for h in header]
    missing = [f.name for f in fields if f.required and f.name not in normalized]
    if missing:
        raise EdiError(f"{path}: row 1: the {kind} CSV lacks the column(s) {', '.join(missing)} "
                       f"(columns: {', '.join(f.name for f in fields)}; docs/ledger.md)")
    return {name: i for i, name in enumerate(normalized) if name in {f.name for f in fields}}


def _values(path: Path, number: int, fields: tuple[_Field, ...], values: list[str],
            columns: dict[str, int]) -> Iterator[tuple[str, Any]]:
    """(field, value) for each field the row gives; an optional field left empty keeps its default."""
    for field in fields:
        index = columns.get(field.name, len(values))
        value = values[index].strip() if index < len(values) else ""
        if not value and not field.required:
            continue
        if not value:
            raise EdiError(f"{path}: row {number}, column {field.name}: empty, but required")
        try:
            yield field.name, field.parse(value)
        except ValueError as exc:
            raise EdiError(f"{path}: row {number}, column {field.name}: {value!r}: {exc}") from None
