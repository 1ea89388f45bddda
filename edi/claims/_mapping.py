"""CSV exports of practice-management systems → encounters, by a column map in ``mappings/encounters/*.toml``.

An export has one row per service line; consecutive rows with the same value in the ``group_by`` column are one
encounter. A map names, for each encounter field (``[encounter]``, read from the encounter's rows) and each line
field (``[line]``, read from every row), the column that holds it, by the field's path in the encounter model
(``patient.birth_date``, ``coverages[1].payer.id``, ``modifiers[0]``); ``[constants]`` gives values every
encounter gets; ``[codes.NAME]`` tables translate the system's codes into the encounter's. A new system needs
a new map, not code. The schema of a map is documented in docs/encounters.md ("CSV column maps").

A field is given as a column name, or as a table with ``column`` and options:

- ``date_format``: strptime format of a date column (default: the map's ``date_format``);
- ``codes``: the ``[codes.NAME]`` table that translates the column's values (an untranslated value is an error);
- ``split``: the separator of a column holding a list (``"1,2"`` for ``diagnosis_pointers``);
- ``remove``: characters to drop (``"."`` from ``J06.9``; ``"-"`` from ``62701-0001``; ``"$,"`` from ``$1,250.00``);
- ``slice``: the characters to keep, as ``"start:end"`` (``"1:3"`` takes ``13`` from type of bill ``0131``);
- ``default``: the value of an empty cell.

``[line]`` also takes ``diagnosis_codes[0]`` … ``[3]``: ICD-10-CM codes listed on the row itself, as many
charge exports give them; they are added to the encounter's diagnoses (in order of first use, after any mapped
at encounter level) and become the line's diagnosis pointers.
"""

from __future__ import annotations

import csv
import functools
import re
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import msgspec

from edi._data import named_mapping, read_toml
from edi.claims._inputs import InputError, Item, checked, error_of
from edi.claims.encounter import Encounter, Line
from edi.errors import MappingError

MAP_SCHEMA = "edi-encounter-csv-map/1"
_STEP = re.compile(r"^(\w+)(?:\[(\d+)\])?$")
_DX = re.compile(r"^diagnosis_codes\[([0-3])\]$")
_OPTIONS = {"column", "date_format", "codes", "split", "remove", "slice", "default"}


@dataclass(frozen=True, slots=True)
class Column:
    """How one field is read: its path (parsed), column, and options."""

    path: str                              # "coverages[0].payer.id"
    steps: tuple[tuple[str, int | None], ...]
    column: str
    kind: str                              # "date", "list" or "text" (msgspec converts text to numbers)
    date_format: str = ""
    codes: dict[str, str] | None = None
    codes_name: str = ""
    split: str = ""
    remove: str = ""
    slice: tuple[int | None, int | None] = (None, None)
    default: str = ""

    @property
    def json(self) -> str:
        """The JSON path the value goes to ("$.coverages[0].payer.id"; inside a line for a [line] column)."""
        return _json_path(self.steps)

    @property
    def removed(self) -> dict[int, None]:
        return dict.fromkeys(map(ord, self.remove))


@dataclass
class Mapping:
    """A loaded column map (see the module docstring)."""

    name: str
    source: str
    group_by: str
    delimiter: str = ","
    encoding: str = "utf-8-sig"
    constants: dict[str, Any] = field(default_factory=dict)
    constant_steps: list[tuple[tuple[tuple[str, int | None], ...], Any]] = field(default_factory=list)
    encounter: list[Column] = field(default_factory=list)
    line: list[Column] = field(default_factory=list)
    line_diagnoses: list[Column] = field(default_factory=list)

    def read(self, path: Path) -> Iterator[Item]:
        """The encounters of a CSV export (valid ones and located errors, in order), row by row."""
        name = str(path)
        with path.open("r", encoding=self.encoding, newline="") as stream:
            yield from self.read_stream(stream, name)

    def read_stream(self, stream: Iterable[str], name: str) -> Iterator[Item]:
        """The encounters of CSV text given line by line (an open file, a generator), as :meth:`read`."""
        reader = csv.reader(stream, delimiter=self.delimiter)
        header = next(reader, None)
        if header is None:
            yield InputError(name, None, "", "the file is empty", "export with a header row")
            return
        index = {column.strip(): n for n, column in enumerate(header)}
        wanted = [self.group_by, *(c.column for c in (*self.encounter, *self.line, *self.line_diagnoses))]
        missing = sorted({c for c in wanted if c not in index})
        if missing:
            yield InputError(name, 1, "", f"the header has no column {', '.join(map(repr, missing))} "
                             f"(map {self.source})", f"columns are: {', '.join(map(repr, header))}; fix the map "
                             "or the export")
            return
        layout = _Layout([(c, index[c.column]) for c in self.encounter], [(c, index[c.column]) for c in self.line],
                         [index[c.column] for c in self.line_diagnoses])
        key = index[self.group_by]
        seen: dict[str, int] = {}
        group: list[tuple[int, list[str]]] = []
        current = None
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            line = reader.line_num
            ident = row[key].strip() if key < len(row) else ""
            if ident != current and group:
                yield from self._finish(group, current or "", name, layout, seen)
                group = []
            current = ident
            group.append((line, row))
        if group:
            yield from self._finish(group, current or "", name, layout, seen)

    def _finish(self, rows: list[tuple[int, list[str]]], ident: str, name: str, layout: _Layout,
                seen: dict[str, int]) -> Iterator[Item]:
        first = rows[0][0]
        if not ident:
            yield InputError(name, first, self._where(self.group_by, "id"), "the encounter id is empty",
                             f"every row needs its encounter's id in {self.group_by!r}")
            return
        if ident in seen:
            yield InputError(name, first, self._where(self.group_by, "id"),
                             f"rows of this encounter come apart: it began at line {seen[ident]} and comes back "
                             f"here, so lines {first}–{rows[-1][0]} were not read",
                             f"sort the export by {self.group_by!r}", ident)
            return
        seen[ident] = first
        built = _Assembler(self, name, layout, ident).assemble(rows)
        yield built if isinstance(built, InputError) else checked(built, name, first)

    @staticmethod
    def _where(column: str, path: str) -> str:
        return f"column {column!r} ({path})"


@dataclass(frozen=True, slots=True)
class _Layout:
    """A map's columns with their positions in one file's header."""

    encounter: list[tuple[Column, int]]
    line: list[tuple[Column, int]]
    diagnoses: list[int]


class _Assembler:
    """Builds one encounter's data from its rows: cells → nested builtins, then msgspec converts and validates.
    Where each value came from is kept as (line, column, line number in the encounter) and turned into JSON
    paths only when msgspec complains."""

    def __init__(self, mapping: Mapping, name: str, layout: _Layout, ident: str) -> None:
        self.m, self.name, self.layout, self.ident = mapping, name, layout, ident
        self.origins: list[tuple[int, Column, int | None]] = []

    def assemble(self, rows: list[tuple[int, list[str]]]) -> Encounter | InputError:
        m = self.m
        tree: dict[str, Any] = {}
        for steps, constant in m.constant_steps:
            _put(tree, steps, constant)
        for column, position in self.layout.encounter:
            found, line = "", rows[0][0]
            for at, row in rows:
                raw = _cell(row, position, column)
                if not raw:
                    continue
                if not found:
                    found, line = raw, at
                elif raw != found:
                    return self.error(at, column, f"{raw!r} differs from {found!r} on line {line} of the same "
                                      "encounter", "an encounter's rows must agree on its encounter-level columns")
            raw = found or column.default
            if raw:
                value = self.value(raw, column, line)
                if isinstance(value, InputError):
                    return value
                _put(tree, column.steps, value)
                self.origins.append((line, column, None))
        diagnoses = [d.get("code") for d in _listed(tree.get("diagnoses", {}))]
        lines = []
        for n, (line, row) in enumerate(rows):
            item: dict[str, Any] = {}
            for column, position in self.layout.line:
                raw = _cell(row, position, column) or column.default
                if not raw:
                    continue
                value = self.value(raw, column, line)
                if isinstance(value, InputError):
                    return value
                _put(item, column.steps, value)
                self.origins.append((line, column, n))
            pointers = []
            for position in self.layout.diagnoses:
                code = row[position].strip().replace(".", "") if position < len(row) else ""
                if code:
                    if code not in diagnoses:
                        diagnoses.append(code)
                    pointers.append(diagnoses.index(code) + 1)
            if pointers and "diagnosis_pointers" not in item:
                item["diagnosis_pointers"] = pointers
            lines.append(item)
        if self.layout.diagnoses:
            tree["diagnoses"] = {n: {"code": code} for n, code in enumerate(diagnoses)}
        tree["lines"] = dict(enumerate(lines))
        try:
            return msgspec.convert(_materialize(tree), Encounter, strict=False)
        except msgspec.ValidationError as exc:
            return self.validation(exc, rows[0][0])

    def value(self, raw: str, column: Column, line: int) -> Any:
        if column.codes is not None:
            translated = column.codes.get(raw)
            if translated is None:
                return self.error(line, column, f"{raw!r} is not in the code table [codes.{column.codes_name}]",
                                  f"add it to [codes.{column.codes_name}] in {self.m.source}")
            raw = translated
        if column.kind == "date":
            day = _date(raw, column.date_format)
            if day is None:
                return self.error(line, column, f"{raw!r} is not a date in the form {column.date_format}",
                                  "fix the cell, or the map's date_format")
            return day
        if column.kind == "list":
            return [part.strip() for part in raw.split(column.split)] if column.split else list(raw)
        return raw

    def error(self, line: int, column: Column, message: str, fix: str = "") -> InputError:
        return InputError(self.name, line, Mapping._where(column.column, column.path), message, fix, self.ident)

    def validation(self, exc: msgspec.ValidationError, first: int) -> InputError:
        """msgspec's complaint, located at the row and column the value came from (or would come from)."""
        found = error_of(exc, self.name, first, b"")
        for line, column, n in self.origins:
            path = column.json if n is None else f"$.lines[{n}]{column.json[1:]}"
            if path == found.field:
                return InputError(self.name, line, Mapping._where(column.column, column.path), found.message,
                                  found.fix, self.ident)
        unindexed = re.sub(r"^\$\.lines\[\d+\]", "$", found.field)
        mapped = next((c for c in (*self.m.encounter, *self.m.line) if c.json in (found.field, unindexed)), None)
        where = f"{found.field} (column {mapped.column!r})" if mapped is not None else \
            f"{found.field} (no column is mapped to it)"
        return InputError(self.name, first, where, found.message,
                          found.fix if mapped is not None else "map a column to it, or give it in [constants]",
                          self.ident)


def _cell(row: list[str], position: int, column: Column) -> str:
    raw = row[position].strip() if position < len(row) else ""
    if raw and column.remove:
        raw = raw.translate(column.removed)
    if raw and column.slice != (None, None):
        raw = raw[column.slice[0]:column.slice[1]]
    return raw


@functools.lru_cache(maxsize=8192)  # dates repeat (a day's visits, a patient's birth date on each row)
def _date(raw: str, fmt: str) -> date | None:
    try:
        return datetime.strptime(raw, fmt).date()
    except ValueError:
        return None


# -- nested data from field paths -----------------------------------------------------------------------------
def _steps(path: str) -> tuple[tuple[str, int | None], ...]:
    steps = []
    for part in path.split("."):
        found = _STEP.match(part)
        if found is None:
            raise ValueError(part)
        steps.append((found[1], int(found[2]) if found[2] is not None else None))
    return tuple(steps)


def _json_path(steps: tuple[tuple[str, int | None], ...]) -> str:
    return "$" + "".join(f".{name}" + (f"[{n}]" if n is not None else "") for name, n in steps)


def _put(tree: dict[str, Any], steps: tuple[tuple[str, int | None], ...], value: Any) -> None:
    node: Any = tree
    for i, (name, n) in enumerate(steps):
        last = i == len(steps) - 1
        if n is None:
            if last:
                node[name] = value
            else:
                node = node.setdefault(name, {})
        else:
            items = node.setdefault(name, {})
            if last:
                items[n] = value
            else:
                node = items.setdefault(n, {})


def _listed(items: dict[int, Any] | Any) -> list[Any]:
    return [items[n] for n in sorted(items)] if isinstance(items, dict) else list(items)


def _materialize(node: Any) -> Any:
    """Dicts keyed by list positions → lists in position order (positions may skip: an unused coverage)."""
    if isinstance(node, dict):
        if node and all(isinstance(k, int) for k in node):
            return [_materialize(node[k]) for k in sorted(node)]
        return {k: _materialize(v) for k, v in node.items()}
    return node


# -- loading a map --------------------------------------------------------------------------------------------
def load_mapping(name_or_path: Path | str) -> Mapping:
    """A column map by name (``mappings/encounters/NAME.toml``) or path; a MappingError names what is wrong."""
    path = named_mapping("encounters", name_or_path, "column map")
    return parse_mapping(read_toml(path), str(path))


def parse_mapping(data: dict[str, Any], source: str) -> Mapping:
    head = data.get("mapping")
    if not isinstance(head, dict):
        raise MappingError("needs a [mapping] table (name, group_by …)", source)
    unknown = set(data) - {"mapping", "constants", "encounter", "line", "codes"}
    if unknown:
        raise MappingError(f"unknown table(s) {sorted(unknown)}", source)
    if head.get("schema", MAP_SCHEMA) != MAP_SCHEMA:
        raise MappingError(f"schema {head.get('schema')!r} is not {MAP_SCHEMA!r}", source, "mapping.schema")
    group_by = head.get("group_by")
    if not isinstance(group_by, str) or not group_by:
        raise MappingError("names no column (the encounter id column)", source, "mapping.group_by")
    codes = data.get("codes", {})
    default_date = head.get("date_format", "%Y-%m-%d")
    m = Mapping(name=head.get("name", Path(source).stem), source=source, group_by=group_by,
                delimiter=head.get("delimiter", ","), encoding=head.get("encoding", "utf-8-sig"))
    for path, value in data.get("constants", {}).items():
        _check_path(Encounter, path, source, "constants")
        m.constants[path] = value
        m.constant_steps.append((_steps(path), value))
    for section, root, target in (("encounter", Encounter, m.encounter), ("line", Line, m.line)):
        for path, spec in data.get(section, {}).items():
            if section == "line" and _DX.match(path):
                m.line_diagnoses.append(_column(path, spec, (), "text", default_date, codes, source, section))
                continue
            kind = _check_path(root, path, source, section)
            target.append(_column(path, spec, _steps(path), kind, default_date, codes, source, section))
    if not any(c.path == "id" for c in m.encounter) and "id" not in m.constants:
        m.encounter.insert(0, Column("id", (("id", None),), group_by, "text"))
    return m


def _column(path: str, spec: Any, steps: tuple[tuple[str, int | None], ...], kind: str, default_date: str,
            codes: dict[str, Any], source: str, section: str) -> Column:
    key = f"{section}.{path}"
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, dict) or not isinstance(spec.get("column"), str):
        raise MappingError("give a column name, or a table with column = \"…\"", source, key)
    extra = set(spec) - _OPTIONS
    if extra:
        raise MappingError(f"unknown option(s) {sorted(extra)}; options are {sorted(_OPTIONS)}", source, key)
    table = None
    if "codes" in spec:
        table = codes.get(spec["codes"])
        if not isinstance(table, dict):
            raise MappingError(f"no table [codes.{spec['codes']}]", source, key)
        table = {str(k): str(v) for k, v in table.items()}
    return Column(path, steps, spec["column"], kind, spec.get("date_format", default_date), table,
                  spec.get("codes", ""), spec.get("split", ""), spec.get("remove", ""),
                  _slice(spec.get("slice", ":"), source, key), str(spec.get("default", "")))


def _slice(text: str, source: str, key: str) -> tuple[int | None, int | None]:
    start, sep, end = str(text).partition(":")
    try:
        if not sep:
            raise ValueError(text)
        return (int(start) if start else None, int(end) if end else None)
    except ValueError:
        raise MappingError(f"slice {text!r} is not \"start:end\" (e.g. \"1:3\")", source, key) from None


def _check_path(root: type, path: str, source: str, section: str) -> str:
    """The kind of value a field path takes ("date", "list", "text"); a MappingError when the model has no such
    field."""
    try:
        steps = _steps(path)
    except ValueError:
        raise MappingError("not a field path (like patient.birth_date or coverages[1].payer.id)", source,
                           f"{section}.{path}") from None
    tp: Any = root
    kind = "text"
    for i, (name, n) in enumerate(steps):
        fields = {f.name: f.type for f in msgspec.structs.fields(tp)} if _is_struct(tp) else {}
        if name not in fields:
            near = ", ".join(sorted(fields)) if fields else "none"
            raise MappingError(f"the encounter model has no field {name!r} here (fields: {near})", source,
                               f"{section}.{path}")
        tp = fields[name]
        listed = _sequence_item(tp)
        if n is not None:
            if listed is None:
                raise MappingError(f"{name!r} is not a list: leave out [{n}]", source, f"{section}.{path}")
            tp = listed
        elif listed is not None and i == len(steps) - 1:
            kind = "list"
        tp = _unwrapped(tp)
    if tp is date:
        kind = "date"
    elif _is_struct(tp):
        raise MappingError("names a group of fields, not one: map its fields (e.g. patient.last_name)", source,
                           f"{section}.{path}")
    return kind


def _unwrapped(tp: Any) -> Any:
    """The type inside Annotated[...] and ``X | None``."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0] if len(args) == 1 else tp
            if len(args) != 1:
                return tp
        else:
            return tp


def _sequence_item(tp: Any) -> Any:
    tp = _unwrapped(tp)
    if typing.get_origin(tp) is tuple:
        return typing.get_args(tp)[0]
    return None


def _is_struct(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, msgspec.Struct)
