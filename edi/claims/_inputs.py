"""Reading encounters: JSON Lines, a JSON array, a CSV export mapped by ``mappings/encounters/*.toml``, or an 837.

:func:`read_encounters` yields each valid :class:`Encounter` and each :class:`InputError` as it reads, in input
order, so one bad record never costs the others: an error names the file, the line (JSONL line, CSV line, array
item), the field (JSON path, or CSV column and field) and what is wrong, with the fix when it is known. Every
format streams: a JSON array through ijson, a CSV row by row (an encounter's rows must be consecutive), an 837
claim by claim.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import msgspec

from edi.claims.encounter import SCHEMA, Encounter
from edi.errors import EdiError

FORMATS = ("jsonl", "json", "csv", "x12")
_AT = re.compile(r"^(?P<message>.*?)(?: - at `(?P<path>[^`]*)`)?$", re.S)
_FIELD = re.compile(r"field `(\w+)`")


@dataclass(frozen=True, slots=True)
class InputError:
    """One encounter (or a whole file) that could not be read, and where."""

    file: str
    line: int | None        # 1-based line of the file (JSONL line, CSV line); None for a whole-file problem
    field: str              # JSON path ("$.lines[0].charge"), or "column 'DOB' (patient.birth_date)"; "" for none
    message: str            # what is wrong, in words
    fix: str = ""           # how to fix it, when known
    encounter_id: str = ""  # the encounter's id when it could be read
    item: int | None = None  # 0-based position in a JSON array (where lines are not known)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        elif self.item is not None:
            where += f": item {self.item}"
        parts = [where]
        if self.encounter_id:
            parts.append(f"encounter {self.encounter_id}")
        if self.field:
            parts.append(self.field)
        text = ": ".join(parts) + f": {self.message}"
        return f"{text}; {self.fix}" if self.fix else text

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__ if getattr(self, k) not in (None, "")}


Item = Encounter | InputError


def read_encounters(path: Path, *, mapping: Path | str | None = None, fmt: str | None = None) -> Iterator[Item]:
    """Every encounter of a file, valid ones and located errors side by side, in order.

    ``fmt`` is one of ``FORMATS``; by default it comes from the file name (``.jsonl``/``.ndjson``, ``.json``,
    ``.csv``, ``.x12``/``.837``/``.edi``) or, failing that, from the first bytes. A CSV needs ``mapping``: a
    name in mappings/encounters/ or a .toml path.
    """
    name = str(path)
    kind = fmt or _sniff(path)
    if kind == "csv":
        if mapping is None:
            yield InputError(name, None, "", "a CSV export needs a column map",
                             "name one from mappings/encounters/ (--mapping NAME) or give a .toml path")
            return
        from edi.claims._mapping import load_mapping
        yield from load_mapping(mapping).read(path)
        return
    if kind == "x12":
        from edi.claims._extract import extract
        for found in extract(path, name=name):
            yield found.encounter
        return
    with path.open("rb") as stream:
        yield from (_read_array(stream, name) if kind == "json" else read_lines(stream, name))


def _sniff(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    if suffix in (".x12", ".837", ".edi"):
        return "x12"
    with path.open("rb") as stream:
        head = stream.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"ISA"):
        return "x12"
    return "json" if head.startswith(b"[") else "jsonl"


# -- JSON ---------------------------------------------------------------------------------------------------------
_DECODER = msgspec.json.Decoder(Encounter)


def read_lines(stream: BinaryIO, name: str) -> Iterator[Item]:
    """JSON Lines: one encounter per line; blank lines are skipped."""
    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        try:
            enc = _DECODER.decode(raw)
        except msgspec.DecodeError as exc:
            yield error_of(exc, name, number, raw)
            continue
        yield checked(enc, name, number)


def _read_array(stream: BinaryIO, name: str) -> Iterator[Item]:
    """A JSON array of encounters, item by item (ijson), so a large array is never held whole."""
    import ijson

    index = -1
    try:
        for index, obj in enumerate(ijson.items(stream, "item")):
            try:
                enc = msgspec.convert(obj, Encounter)
            except msgspec.ValidationError as exc:
                yield error_of(exc, name, None, obj, item=index)
                continue
            found = checked(enc, name, None)
            yield (found if isinstance(found, Encounter) else
                   InputError(found.file, None, found.field, found.message, found.fix, found.encounter_id, index))
    except ijson.JSONError as exc:
        yield InputError(name, None, "", f"not a valid JSON array after item {index}: {exc}",
                         "fix the JSON syntax there; the items after it were not read", item=index + 1)


def error_of(exc: msgspec.DecodeError, name: str, line: int | None, raw: bytes | Any,
           item: int | None = None) -> InputError:
    """A located error from msgspec's message ("Expected `decimal`, got `str` - at `$.lines[0].charge`")."""
    found = _AT.match(str(exc))
    assert found is not None
    message, path = found["message"], found["path"] or "$"
    ident = _id_of(raw)
    if not isinstance(exc, msgspec.ValidationError):
        return InputError(name, line, "", f"not valid JSON: {message}", "each line must hold one JSON object",
                          ident, item)
    field = _FIELD.search(message)
    if field is not None and ("missing required field" in message or "unknown field" in message):
        path = f"{path}.{field.group(1)}"
    return InputError(name, line, path, message, _fix(message, path), ident, item)


def _id_of(raw: bytes | Any) -> str:
    try:
        obj = msgspec.json.decode(raw) if isinstance(raw, (bytes, str)) else raw
    except msgspec.DecodeError:
        return ""
    ident = obj.get("id") if isinstance(obj, dict) else None
    return ident if isinstance(ident, str) else ""


def _fix(message: str, path: str) -> str:
    if "unknown field" in message:
        name = path.rsplit(".", 1)[-1]
        known = _fields_at(path)
        close = difflib.get_close_matches(name, known, n=1)
        return (f"did you mean {close[0]!r}? " if close else "") + "remove it or check its spelling " \
                                                                 "(fields: docs/encounters.md)"
    if "missing required field" in message:
        return "add it (docs/encounters.md lists every field)"
    if "date" in message:
        return "write dates as YYYY-MM-DD"
    if "decimal" in message:
        return "write amounts as numbers, e.g. 125.00 or \"125.00\""
    if path == "$.schema":
        return f"this engine reads {SCHEMA}"
    if "enum value" in message:
        return "docs/encounters.md lists the values"
    return ""


def _fields_at(path: str) -> list[str]:
    """The field names of the struct a JSON path ends in (for "did you mean")."""
    tp: Any = Encounter
    for part in re.findall(r"\.(\w+)", path)[:-1]:
        fields = {f.name: f.type for f in msgspec.structs.fields(tp)}
        if part not in fields:
            return []
        tp = _struct_in(fields[part])
        if tp is None:
            return []
    return [f.name for f in msgspec.structs.fields(tp)]


def _struct_in(tp: Any) -> Any:
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        return tp
    for arg in typing.get_args(tp):
        found = _struct_in(arg)
        if found is not None:
            return found
    return None


# -- checks msgspec's types cannot express ------------------------------------------------------------------------
def problems(enc: Encounter) -> list[tuple[str, str, str]]:
    """(JSON path, what is wrong, fix) for an encounter whose parts do not fit together well enough to make a claim.

    Only what the mapping to an 837 needs; whether the claim would be paid is the scrubber's business."""
    found = []
    n = enc.billed_coverage
    if n > len(enc.coverages):
        found.append(("$.billed_coverage", f"is {n} but there are {len(enc.coverages)} coverage(s)",
                      "give the 1-based position of the coverage this claim is billed to"))
    for index, cov in enumerate(enc.coverages):
        if cov.relationship != "18" and cov.subscriber is None:
            found.append((f"$.coverages[{index}].subscriber",
                          f"is missing: the patient is not the subscriber (relationship {cov.relationship})",
                          "name the subscriber, or set relationship to 18 when the patient is the subscriber"))
    return found


def checked(enc: Encounter, name: str, line: int | None) -> Item:
    """The encounter, or an InputError for its first problem (see :func:`problems`)."""
    found = problems(enc)
    if not found:
        return enc
    path, message, fix = found[0]
    return InputError(name, line, path, message, fix, enc.id)


def require(enc: Encounter) -> Encounter:
    """The encounter when :func:`problems` finds nothing, else an EdiError naming the first problem."""
    found = problems(enc)
    if found:
        raise EdiError(f"encounter {enc.id}: {found[0][0]} {found[0][1]}; {found[0][2]}")
    return enc
