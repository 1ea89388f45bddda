"""`edi from-json`: the lossless JSON form (document or JSON Lines) back to X12, parsed as a stream (ijson).

Hand-edited JSON is checked as it is read, so that what is written is X12 a reader splits into exactly the
segments the JSON holds. Whatever would not be — a missing key, a number or null where text belongs, a delimiter
of two characters, a value holding a delimiter or the terminator, a character ISO-8859-1 cannot hold, segments
after an unterminated one — stops the conversion with one :class:`JsonInputError` naming the JSON path
(``$.children[0].children[2].elements[1]``; ``line 3: $…`` in JSON Lines).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

import ijson

from edi.errors import EdiError, FramingError
from edi.x12 import Delimiters, read_delimiters
from edi.x12._tokenizer import WHITESPACE

FORMAT = "edi-x12-json/1"
BOM = "\xef\xbb\xbf"  # a UTF-8 byte-order mark as the tokenizer keeps it: three ISO-8859-1 characters
_FLUSH = 4096          # segments per write
_SCALARS = {"string", "number", "boolean", "null"}
_KINDS = {"string": "text", "number": "a number", "boolean": "true/false", "null": "null",
          "start_map": "an object", "start_array": "an array"}
_SPECIAL_IDS = frozenset({"ISA", "IEA", "BIN"})  # checked each time: interchange bounds, binary data
_CHECKED = frozenset({"format", "delimiters"})  # keys looked at as soon as they are read
_DELIMITER_KEYS = ("element", "component", "repetition", "segment")


class JsonInputError(EdiError):
    """A JSON document that cannot be turned into X12, with the file and the JSON path at fault."""

    def __init__(self, message: str, where: str, source: str = "<input>") -> None:
        self.reason, self.where, self.source = message, where, source
        super().__init__(f"{source}: {where}: {message}")


class _Stop(Exception):
    """Raised inside the reader with (path, message); turned into a JsonInputError naming the file."""


def write_x12(stream: IO[bytes], out: IO[bytes], name: str = "<input>") -> None:
    """Read a JSON document or JSON Lines text from ``stream`` and write its X12 to ``out`` as it goes.

    On a :class:`JsonInputError` the X12 written so far is incomplete (everything before the fault)."""
    reader = _Reader(ijson.basic_parse(stream, multiple_values=True, use_float=True), out.write)
    try:
        reader.run()
    except _Stop as stop:
        raise JsonInputError(stop.args[1], reader.where(stop.args[0]), name) from None
    except ijson.JSONError as exc:
        problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise JsonInputError(f"not valid JSON: {problem}", reader.where(reader.path), name) from None


class _Reader:
    def __init__(self, events: Iterator[tuple[str, Any]], write: Callable[[bytes], Any]) -> None:
        self.events = events
        self.write = write
        self.path: list[str | int] = []       # where the reader is, for messages
        self.value_index = 0                  # which top-level JSON value (a line of JSON Lines)
        self.lines = False                    # JSON Lines: the first value was a header without children
        self.scopes: list[Delimiters | None] = [None]  # the delimiters in force, per open container
        self.active: Delimiters | None = None          # those of the last ISA written: what a reader splits by
        self.pieces: list[str] = []
        self.segments = 0
        self.after_iea = False                # the last segment was an IEA: an ISA may start a new interchange
        self.unterminated: list[str | int] | None = None  # path of a segment written without its terminator
        self.delimiter_cache: dict[tuple[Any, ...], Delimiters] = {}
        self.good_tails: set[str] = set()     # tails checked under the active delimiters (reset with them)
        self.good_ids: set[str] = set()       # segment ids checked (those with rules of their own never are)

    def where(self, path: list[str | int]) -> str:
        text = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
        return f"line {self.value_index + 1}: {text}" if self.lines or self.value_index else text

    def fail(self, message: str, *more: str | int) -> _Stop:
        return _Stop([*self.path, *more], message)

    # -- structure ---------------------------------------------------------------------------------------
    def run(self) -> None:
        seen_format = False
        for event, value in self.events:
            if event != "start_map":
                raise self.fail(f"expected an object, found {_KINDS.get(event, event)}")
            fields, had_children = self.node(top=True)
            if "format" in fields:
                seen_format = True
                self.lines = self.lines or not had_children and self.value_index == 0
            elif not seen_format:
                raise self.fail(f"not an {FORMAT} document: it has no 'format' (`edi to-json` writes "
                                f'{{"format": "{FORMAT}", …}} first)')
            self.value_index += 1
        if not seen_format:
            raise _Stop([], f"not an {FORMAT} document: the input holds no JSON value")
        if self.segments == 0:
            raise _Stop([], "the document holds no segments")
        self.flush()

    def node(self, top: bool = False) -> tuple[dict[str, Any], bool]:
        """Read one object (its start already read): a segment is written, a container's children are read."""
        fields: dict[str, Any] = {}
        had_children = False
        events = self.events
        path = self.path
        for event, key in events:
            if event == "end_map":
                break
            if key == "children":
                if "id" in fields:
                    raise self.fail("an object with 'id' is a segment; it cannot have 'children'", "children")
                had_children = True
                self.check_format(fields, top)
                scope = self.scopes[-1]
                if fields.get("delimiters") is not None:
                    path.append("delimiters")
                    scope = self.delimiters(fields["delimiters"])
                    path.pop()
                path.append("children")
                self.children(scope)
                path.pop()
                continue
            event, value = next(events)
            if event == "string":
                fields[key] = value
            else:
                path.append(key)
                fields[key] = self.value(event, value)
                path.pop()
            if key in _CHECKED:
                if key == "format":
                    self.check_format(fields, top)
                elif had_children:
                    raise self.fail("'delimiters' must come before 'children' (the document is read as a stream)",
                                    "delimiters")
        if had_children and "id" in fields:
            raise self.fail("an object with 'children' is a container; it cannot have an 'id'", "id")
        if not had_children:
            if "id" in fields:
                self.segment(fields)
            elif not (top and "format" in fields):
                raise self.fail("this object is neither a segment (it has no 'id') nor a container (no 'children')")
        return fields, had_children

    def check_format(self, fields: dict[str, Any], top: bool) -> None:
        if "format" not in fields:
            return
        if not top:
            raise self.fail("'format' belongs only at the top of the document", "format")
        if fields["format"] != FORMAT:
            raise self.fail(f"not an {FORMAT} document: its format is {fields['format']!r}", "format")

    def children(self, scope: Delimiters | None) -> None:
        event, _ = next(self.events)
        if event != "start_array":
            raise self.fail(f"'children' must be an array, found {_KINDS.get(event, event)}")
        self.scopes.append(scope)
        index = 0
        for event, _ in self.events:
            if event == "end_array":
                break
            self.path.append(index)
            if event != "start_map":
                raise self.fail(f"a child must be an object (a segment or a container), found {_KINDS.get(event, event)}")
            self.node()
            self.path.pop()
            index += 1
        self.scopes.pop()

    def value(self, event: str, value: Any) -> Any:
        """A small value (text, a list of elements, delimiters) as Python objects, with its kind kept for
        messages: a nested value that is not a scalar or a list/object of scalars is returned as _Kind."""
        if event in _SCALARS:
            return value
        if event == "start_array":
            items: list[Any] = []
            for event, value in self.events:
                if event == "end_array":
                    return items
                items.append(value if event in _SCALARS else self.value(event, value))
        if event == "start_map":
            obj: dict[str, Any] = {}
            for event, key in self.events:
                if event == "end_map":
                    return obj
                obj[key] = self.value(*next(self.events))
        raise self.fail(f"unexpected JSON event {event}")

    # -- segments ----------------------------------------------------------------------------------------
    def delimiters(self, raw: Any) -> Delimiters:
        if not isinstance(raw, dict):
            raise self.fail(f"must be an object with element, component, repetition and segment; found {_kind(raw)}")
        for key in raw:
            if key not in (*_DELIMITER_KEYS, "line_break"):
                raise self.fail(f"unknown key {key!r}; delimiters are {', '.join(_DELIMITER_KEYS)} and line_break", key)
        values = []
        for key in _DELIMITER_KEYS:
            value = raw.get(key)
            if key not in raw:
                raise self.fail(f"'{key}' is missing")
            if value is None and key == "repetition":
                values.append(None)
                continue
            if not isinstance(value, str) or len(value) != 1:
                shown = repr(value) if isinstance(value, str) else _kind(value)
                raise self.fail(f"must be one character, found {shown}", key)
            if ord(value) > 0xFF:
                raise self.fail(f"{value!r} (U+{ord(value):04X}) cannot be a delimiter: X12 delimiters are one byte "
                                "(ISO-8859-1)", key)
            values.append(value)
        line_break = raw.get("line_break", "")
        if not isinstance(line_break, str):
            raise self.fail(f"must be text, found {_kind(line_break)}", "line_break")
        key = (*values, line_break)
        cached = self.delimiter_cache.get(key)
        if cached is not None:
            return cached
        try:
            d = Delimiters(*values, line_break)  # type: ignore[arg-type]
        except ValueError as exc:
            raise self.fail(str(exc)) from None
        self.delimiter_cache[key] = d
        return d

    def segment(self, fields: dict[str, Any]) -> None:
        # The fast path: a well-formed segment like those before it (same delimiters, a tail seen before).
        d = self.active
        seg_id, elements, tail = fields.get("id"), fields.get("elements"), fields.get("tail")
        if (d is not None and d is self.scopes[-1] and tail.__class__ is str and tail in self.good_tails
                and seg_id.__class__ is str and seg_id in self.good_ids
                and elements.__class__ is list and len(fields) <= 4 and self.unterminated is None
                and ("name" in fields or len(fields) == 3)):
            try:
                body = d.element.join([seg_id, *elements])
            except TypeError:
                body = ""
            if body.count(d.element) == len(elements) and d.segment not in body and body.isascii():
                self.after_iea = False
                self.pieces.append(body + tail)
                self.segments += 1
                if len(self.pieces) >= _FLUSH:
                    self.flush()
                return
        self.slow_segment(fields)
        if self.active is not None and self.active is self.scopes[-1]:
            tail = fields["tail"]
            if tail.startswith(self.active.segment) and tail.isascii():
                self.good_tails.add(tail)
            if fields["id"] not in _SPECIAL_IDS and fields["id"].isascii():
                self.good_ids.add(fields["id"])

    def slow_segment(self, fields: dict[str, Any]) -> None:
        if fields.get("delimiters") is not None:
            self.path.append("delimiters")
            self.scopes[-1] = self.delimiters(fields["delimiters"])
            self.path.pop()
        d = self.scopes[-1]
        seg_id = fields["id"]
        if not isinstance(seg_id, str):
            raise self.fail(f"a segment id is text (\"CLM\"), found {_kind(seg_id)}", "id")
        if seg_id[:1] in WHITESPACE and seg_id and self.segments or seg_id.startswith("ISA") and seg_id != "ISA":
            raise self.fail(f"a segment id cannot begin with whitespace or 'ISA': {seg_id!r} would not read back",
                            "id")
        for key in ("elements", "tail"):
            if key not in fields:
                raise self.fail(f"segment {seg_id} has no '{key}'")
        elements = fields["elements"]
        if not isinstance(elements, list):
            raise self.fail(f"must be an array of text, found {_kind(elements)}", "elements")
        tail, lead = fields["tail"], fields.get("lead", "")
        for key, value in (("tail", tail), ("lead", lead)):
            if not isinstance(value, str):
                raise self.fail(f"must be text, found {_kind(value)}", key)
        if d is None:
            raise self.fail(f"segment {seg_id} has no delimiters: it must stand in an interchange that names "
                            "them (or name its own 'delimiters')")
        if self.unterminated is not None:
            raise _Stop(self.unterminated + ["tail"], "only the last segment may lack the segment terminator "
                        f"{d.segment!r}: a reader would join it with the next one")
        try:
            body = d.element.join([seg_id, *elements])
        except TypeError:
            bad = next(n for n, e in enumerate(elements) if not isinstance(e, str))
            raise self.fail(f"an element must be text, found {_kind(elements[bad])}", "elements", bad) from None
        if seg_id == "BIN":
            self.check_binary(elements)
        elif body.count(d.element) != len(elements) or d.segment in body:
            self.refuse_delimiter(seg_id, elements, d)
        self.check_tail(tail, d)
        if lead and (self.segments or (lead[len(BOM):] if lead.startswith(BOM) else lead).strip(WHITESPACE)):
            raise self.fail("a lead is only whitespace (or a byte-order mark) before the file's first segment", "lead")
        text = f"{lead}{body}{tail}"
        if not text.isascii():
            self.check_latin1(seg_id, elements, tail, lead)
        if seg_id == "ISA":
            self.check_isa(body + tail, d)
        elif self.active is None:
            raise self.fail(f"the X12 must begin with an ISA segment (it names the delimiters), found {seg_id}")
        elif d is not self.active and _four(d) != _four(self.active):
            raise self.fail(f"the delimiters here ({_shown_delimiters(d)}) differ from those of the ISA before it "
                            f"({_shown_delimiters(self.active)}); a reader splits segments by the ISA's")
        self.after_iea = seg_id == "IEA"
        if not tail.startswith(d.segment):
            if seg_id != "IEA":
                raise self.fail(f"the tail must begin with the segment terminator {d.segment!r}; only a file's "
                                "final IEA may lack it", "tail")
            self.unterminated = list(self.path)
        self.pieces.append(text)
        self.segments += 1
        if len(self.pieces) >= _FLUSH:
            self.flush()

    def refuse_delimiter(self, seg_id: str, elements: list[str], d: Delimiters) -> None:
        for n, element in enumerate(elements):
            for label, char in (("element separator", d.element), ("segment terminator", d.segment)):
                if char in element:
                    raise self.fail(f"{_shown(element)} contains the {label} {char!r}, which would split the "
                                    "segment; remove it or choose other delimiters", "elements", n)
        raise self.fail(f"the segment id {_shown(seg_id)} contains a delimiter", "id")

    def check_binary(self, elements: list[str]) -> None:
        """BIN01 is the length of BIN02, which may hold any bytes (delimiters too)."""
        if len(elements) != 2 or not elements[0].isdigit() or int(elements[0]) != len(elements[1]):
            raise self.fail("a BIN segment has two elements: BIN01, the number of characters of BIN02, and BIN02",
                            "elements")

    def check_tail(self, tail: str, d: Delimiters) -> None:
        gap = tail[1:] if tail.startswith(d.segment) else tail
        allowed = WHITESPACE if d.segment in "\r\n" else WHITESPACE.replace(d.segment, "")
        for char in (d.element, d.component, d.repetition):
            if char:
                allowed = allowed.replace(char, "")
        if d.segment in "\r\n":
            allowed += d.segment
        if gap.strip(allowed):
            raise self.fail(f"the tail is the segment terminator {d.segment!r} and whitespace after it, found "
                            f"{tail!r}", "tail")

    def check_latin1(self, seg_id: str, elements: list[str], tail: str, lead: str) -> None:
        for key, values in (("id", [seg_id]), ("elements", elements), ("tail", [tail]), ("lead", [lead])):
            for n, value in enumerate(values):
                try:
                    value.encode("latin-1")
                except UnicodeEncodeError as exc:
                    char = value[exc.start]
                    where = (key, n) if key == "elements" else (key,)
                    raise self.fail(f"{char!r} (U+{ord(char):04X}) cannot be written: X12 text here is one byte a "
                                    "character (ISO-8859-1)", *where) from None

    def check_isa(self, text: str, d: Delimiters) -> None:
        try:
            found = read_delimiters(text)
        except FramingError as exc:
            raise self.fail(f"this ISA cannot be read: {exc.reason}") from None
        if _four(found) != _four(d):
            raise self.fail(f"the ISA declares {_shown_delimiters(found)} but the delimiters given are "
                            f"{_shown_delimiters(d)}")
        if self.active is not None and not self.after_iea and _four(d) != _four(self.active):
            raise self.fail("an ISA with other delimiters starts a new interchange only right after an IEA: "
                            "a reader splits it by the delimiters of the interchange it stands in")
        if self.active is None or self.after_iea:
            if self.active is not d:
                self.good_tails.clear()
            self.active = d

    def flush(self) -> None:
        if self.pieces:
            self.write("".join(self.pieces).encode("latin-1"))
            self.pieces.clear()


def _four(d: Delimiters) -> tuple[str, str, str | None, str]:
    return d.element, d.component, d.repetition, d.segment


def _shown_delimiters(d: Delimiters) -> str:
    return (f"element {d.element!r}, component {d.component!r}, repetition {d.repetition!r}, "
            f"terminator {d.segment!r}")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return f"{value!r}"


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else _kind(value)
