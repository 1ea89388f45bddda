"""Models as JSON and back to X12 — ``edi to-json --models`` / ``edi from-json --models`` — both streamed.

Two forms carry the same records (see ``_stream``): a document, nested as the interchange is (interchanges →
groups → transactions → claims), and JSON Lines, one record per line. Both are written as the file is read and
read back as they are parsed, so a 5,000-claim transaction is never held whole; the layout is documented in
docs/models.md ("JSON"). Reading refuses, with the JSON path, whatever would not give back the models: a missing
key, a value of the wrong type, an invalid date, a delimiter that is not one character, a value that holds a
delimiter — never a traceback, never corrupt X12.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, Union

import msgspec

from edi.errors import EdiError
from edi.models._base import RawSegment, TransactionModel
from edi.models._encode import ValueNotWritable, iter_text
from edi.models._raw import RawTransaction
from edi.models._stream import (END_GROUP, END_INTERCHANGE, Head, Record, RecordError, Tail, iter_records,
                                record_segments)
from edi.models.acks import ClaimAcknowledgment, FunctionalAcknowledgment, FunctionalGroupAck, InterchangeAck
from edi.models.claim import (ClaimTransaction, InstitutionalClaim, InstitutionalClaimTransaction, ProfessionalClaim,
                              ProfessionalClaimTransaction)
from edi.models.envelope import GroupEnvelope, InterchangeEnvelope, interchange_problem
from edi.models.remittance import ClaimPayment, HeaderNumber, ProviderAdjustment, Remittance
from edi.x12 import Source

FORMAT = "edi-models-json/2"
LINES_FORMAT = "edi-models-json-lines/2"
AnyTransaction = Union[ProfessionalClaimTransaction, InstitutionalClaimTransaction, Remittance, FunctionalGroupAck,
                       ClaimAcknowledgment, FunctionalAcknowledgment, RawTransaction]
SCHEMAS: dict[str, Any] = {"837p": ProfessionalClaimTransaction, "837i": InstitutionalClaimTransaction,
                           "835": Remittance, "999": FunctionalGroupAck, "277ca": ClaimAcknowledgment,
                           "ta1": InterchangeAck, "997": FunctionalAcknowledgment}


class ClaimsTail(msgspec.Struct, forbid_unknown_fields=True):
    """What an 837 holds after its claims (``transaction_end`` record)."""

    after_claims: tuple[RawSegment, ...] = ()


class RemittanceTail(msgspec.Struct, forbid_unknown_fields=True):
    """What an 835 holds after its claim payments (``transaction_end`` record)."""

    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    footer_extra: tuple[RawSegment, ...] = ()


def stream_key(model: type) -> str | None:
    """The field whose items a streamed transaction writes one by one: an 837's claims, an 835's headers."""
    if issubclass(model, ClaimTransaction):
        return "claims"
    if issubclass(model, Remittance):
        return "headers"
    return None


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one model ("837p", "837i", "835", "999", "277ca", "ta1", "997")."""
    model = SCHEMAS.get(kind.lower())
    if model is None:
        raise EdiError(f"no model named {kind!r}; choose from {', '.join(SCHEMAS)}")
    return msgspec.json.schema(model)


# -- writing JSON ------------------------------------------------------------------------------------------
_ENCODER = msgspec.json.Encoder()


class _Out:
    """Buffered writes to a binary stream (a claim's JSON is small; the stream's write is not free)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.parts, self.size = stream, [], 0

    def __call__(self, data: bytes) -> None:
        self.parts.append(data)
        self.size += len(data)
        if self.size > 1 << 20:
            self.flush()

    def flush(self) -> None:
        self.stream.write(b"".join(self.parts))
        self.parts.clear()
        self.size = 0


def to_json(source: Source, stream: BinaryIO, *, name: str | None = None, lines: bool = False) -> None:
    """Write a file's models as JSON to a binary stream while it is read: a document, or JSON Lines."""
    out = _Out(stream)
    writer = _LinesWriter(out) if lines else _DocumentWriter(out)
    for record in iter_records(source, name=name):
        writer.add(record)
    writer.close()
    out.flush()


def _pretty(value: Any, depth: int) -> bytes:
    """``value`` as indented JSON (one space a level) to stand ``depth`` levels deep."""
    text = msgspec.json.format(_ENCODER.encode(value), indent=1)
    return text.replace(b"\n", b"\n" + b" " * depth) if depth else text


def _opened(value: Any, depth: int) -> bytes:
    """``value`` (an object) as indented JSON without its closing brace, for more keys to follow."""
    text = _pretty(value, depth)
    return text[:text.rindex(b"}")].rstrip()


def _key(name: str, depth: int) -> bytes:
    return b",\n" + b" " * depth + b'"' + name.encode() + b'": '


class _DocumentWriter:
    """``{"format", "interchanges": [{"header", "acknowledgments", "groups": [{"header", "transactions": [...]}],
    "trailing_acknowledgments", "segments"}], "segments"}``, written as the records come."""

    def __init__(self, out: _Out) -> None:
        self.out = out
        out(b'{\n "format": "' + FORMAT.encode() + b'",\n "interchanges": [')
        self.interchanges = 0
        self.interchange = False
        self.opened = ""            # the interchange's array being written: "acknowledgments", "groups"
        self.items = 0              # items written in the open array (for commas)
        self.group = False
        self.transactions = 0
        self.streaming = ""         # "claims" or "headers" while a transaction's items are written
        self.streamed = 0
        self.header_claims = -1     # claims written in the open 835 header number (-1: none open)
        self.trailing: list[InterchangeAck] = []
        self.strays: list[RawSegment] = []
        self.outside: list[RawSegment] = []  # strays outside any interchange

    def add(self, record: Record) -> None:
        out, kind = self.out, record.__class__
        if kind is ClaimPayment or isinstance(record, (ProfessionalClaim, InstitutionalClaim)):
            if self.header_claims >= 0:
                out((b",\n" if self.header_claims else b"\n") + b" " * 10 + _pretty(record, 10))
                self.header_claims += 1
            else:
                self._item(record, 8)
        elif kind is HeaderNumber:
            self._close_header()
            out((b",\n" if self.streamed else b"\n") + b" " * 8 + _opened(record, 8) + _key("claims", 9) + b"[")
            self.streamed += 1
            self.header_claims = 0
        elif kind is Head:
            self._head(record)  # type: ignore[arg-type]
        elif kind is Tail:
            self._tail(record)  # type: ignore[arg-type]
        elif kind is InterchangeEnvelope:
            self._open_interchange(record)  # type: ignore[arg-type]
        elif kind is GroupEnvelope:
            self._open_group(record)  # type: ignore[arg-type]
        elif record is END_GROUP:
            self._close_group()
        elif record is END_INTERCHANGE:
            self._close_interchange()
        elif kind is InterchangeAck:
            if not self.interchange:
                self._open_interchange(None)
            if self.opened in ("", "acknowledgments"):
                self._array("acknowledgments")
                self.out((b",\n" if self.items else b"\n") + b"    " + _pretty(record, 4))
                self.items += 1
            else:
                self.trailing.append(record)  # type: ignore[arg-type]
        elif kind is RawSegment:
            (self.strays if self.interchange else self.outside).append(record)  # type: ignore[arg-type]

    def _item(self, record: Any, depth: int) -> None:
        self.out((b",\n" if self.streamed else b"\n") + b" " * depth + _pretty(record, depth))
        self.streamed += 1

    # -- levels --------------------------------------------------------------------------------------------
    def _open_interchange(self, isa: InterchangeEnvelope | None) -> None:
        self._close_interchange()
        self.out((b",\n" if self.interchanges else b"\n") + b'  {\n   "header": ' + _pretty(isa, 3))
        self.interchanges += 1
        self.interchange, self.opened, self.items = True, "", 0

    def _array(self, name: str) -> None:
        if self.opened != name:
            if self.opened:
                self.out(b"\n   ]")
            self.out(_key(name, 3) + b"[")
            self.opened, self.items = name, 0

    def _open_group(self, gs: GroupEnvelope) -> None:
        self._close_group()
        if not self.interchange:
            self._open_interchange(None)
        self._array("groups")
        self.out((b",\n" if self.items else b"\n") + b'    {\n     "header": ' + _pretty(gs, 5)
                 + _key("transactions", 5) + b"[")
        self.items += 1
        self.group, self.transactions = True, 0

    def _head(self, head: Head) -> None:
        if not self.group:
            self._open_group(GroupEnvelope())
        model = head.model
        lead = (b",\n" if self.transactions else b"\n") + b" " * 6
        self.transactions += 1
        key = stream_key(type(model)) if head.streamed else None
        if key is None:
            self.out(lead + _pretty(model, 6))
            return
        self.out(lead + _opened(model, 6) + _key(key, 7) + b"[")
        self.streaming, self.streamed = key, 0

    def _close_header(self) -> None:
        if self.header_claims >= 0:
            self.out((b"\n" + b" " * 9 if self.header_claims else b"") + b"]\n" + b" " * 8 + b"}")
            self.header_claims = -1

    def _tail(self, tail: Tail) -> None:
        self._close_header()
        out = self.out
        out((b"\n" + b" " * 7 if self.streamed else b"") + b"]")
        for name, value in tail.fields.items():
            if value:
                out(_key(name, 7) + _pretty(value, 7))
        out(b"\n      }")
        self.streaming = ""

    def _close_group(self) -> None:
        if self.group:
            self.out((b"\n     " if self.transactions else b"") + b"]\n    }")
            self.group = False

    def _close_interchange(self) -> None:
        self._close_group()
        if not self.interchange:
            return
        if self.opened:
            self.out(b"\n   ]")
        for name, values in (("trailing_acknowledgments", self.trailing), ("segments", self.strays)):
            if values:
                self.out(_key(name, 3) + _pretty(values, 3))
                values.clear()
        self.out(b"\n  }")
        self.interchange, self.opened = False, ""

    def close(self) -> None:
        self._close_interchange()
        self.out((b"\n ]" if self.interchanges else b"]"))
        if self.outside:
            self.out(_key("segments", 1) + _pretty(self.outside, 1))
        self.out(b"\n}\n")


class _LinesWriter:
    """One record a line: ``{"interchange": …}``, ``{"acknowledgment": …}``, ``{"group": …}``,
    ``{"transaction": …}``, ``{"header_number": …}``, ``{"claim": …}``, ``{"transaction_end": …}``,
    ``{"group_end": {}}``, ``{"interchange_end": {}}``, ``{"segment": …}``; the first line names the format."""

    NAMES: dict[type, bytes] = {InterchangeEnvelope: b"interchange", InterchangeAck: b"acknowledgment",
                                GroupEnvelope: b"group", HeaderNumber: b"header_number", ClaimPayment: b"claim",
                                ProfessionalClaim: b"claim", InstitutionalClaim: b"claim", RawSegment: b"segment"}

    def __init__(self, out: _Out) -> None:
        self.out = out
        out(b'{"format":"' + LINES_FORMAT.encode() + b'"}\n')

    def add(self, record: Record) -> None:
        kind = record.__class__
        if kind is Head:
            name, value = b"transaction", record.model  # type: ignore[union-attr]
        elif kind is Tail:
            name, value = b"transaction_end", {k: v for k, v in record.fields.items() if v}  # type: ignore[union-attr]
        elif record is END_GROUP or record is END_INTERCHANGE:
            name, value = record.level.encode() + b"_end", {}  # type: ignore[union-attr]
        else:
            name, value = self.NAMES[kind], record
        self.out(b'{"' + name + b'":' + _ENCODER.encode(value) + b"}\n")

    def close(self) -> None:
        pass


def encode(source: Source, name: str | None = None, *, lines: bool = False) -> bytes:
    """The JSON of a (small) file's models, in memory (see :func:`to_json`)."""
    import io

    buffer = io.BytesIO()
    to_json(source, buffer, name=name, lines=lines)
    return buffer.getvalue()


# -- reading JSON ------------------------------------------------------------------------------------------
class JsonError(EdiError):
    """A models document or line that cannot be written as X12; the message leads with its JSON path."""


class _Where:
    """The record being written (its JSON path and its value as parsed), for errors found while writing it."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.path = "$"
        self.value: Any = None
        self.transaction: tuple[str, Any] = ("$", None)

    def at(self, path: str, value: Any, transaction: bool = False) -> None:
        self.path, self.value = path, value
        if transaction:
            self.transaction = (path, value)

    def error(self, path: str, message: str) -> JsonError:
        return JsonError(f"{self.label}: {path}: {message}")


def from_json(stream: BinaryIO, out: BinaryIO, *, name: str = "<json>") -> int:
    """Write the X12 a models document or JSON Lines stream holds, as it is read; return the bytes written."""
    where = _Where(name)
    head = stream.read(1 << 16)
    if not head.strip():
        raise where.error("$", "the input is empty: no models JSON to read")
    records = _lines(head, stream, where) if _is_lines(head) else _document(head, stream, where)
    written = 0
    try:
        for chunk in iter_text(record_segments(records)):
            out.write(chunk)
            written += len(chunk)
    except ValueNotWritable as exc:
        raise _located(exc, where) from None
    except RecordError as exc:
        raise where.error(where.path, str(exc)) from None
    except JsonError:
        raise
    except EdiError as exc:
        raise where.error(where.path, str(exc)) from None
    if not written:
        raise where.error("$", "holds no interchange: there is no X12 to write")
    return written


def from_document(text: bytes | str) -> bytes:
    """The X12 of a whole models JSON text (document or lines), in memory (see :func:`from_json`)."""
    import io

    out = io.BytesIO()
    from_json(io.BytesIO(text.encode() if isinstance(text, str) else text), out)
    return out.getvalue()


def _is_lines(head: bytes) -> bool:
    first = head.lstrip()[:200].split(b"\n", 1)[0]
    return b'"format"' in first and LINES_FORMAT.encode() in first


def _located(exc: ValueNotWritable, where: _Where) -> JsonError:
    """The JSON path of the value that cannot be written: searched for in the record being written, then in its
    transaction."""
    for path, value in ((where.path, where.value), where.transaction):
        for text in dict.fromkeys((exc.value, exc.value.rstrip(" "))):  # (an ISA field is written padded)
            found = _find(value, text, path)
            if found is not None:
                return where.error(found, exc.located())
    return where.error(where.path, exc.located())


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def step(path: str, key: str) -> str:
    """A JSON path one key further: ``$.a.b``, or ``$.a["odd key"]`` for a key that is no plain name."""
    return f"{path}.{key}" if _NAME.fullmatch(key) else f"{path}[{json.dumps(key)}]"


def _find(value: Any, text: str, path: str) -> str | None:
    if isinstance(value, msgspec.Struct):
        value = msgspec.to_builtins(value)
    if isinstance(value, str):
        return path if value == text else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _find(item, text, step(path, str(key)))
            if found is not None:
                return found
    elif isinstance(value, (list, tuple)):
        for n, item in enumerate(value):
            found = _find(item, text, f"{path}[{n}]")
            if found is not None:
                return found
    return None


def _convert(value: Any, kind: Any, path: str, where: _Where) -> Any:
    """``value`` (parsed JSON) as ``kind``, or a located error."""
    try:
        result = msgspec.convert(value, kind)
    except msgspec.ValidationError as exc:
        raise _validation(exc, path, where) from None
    if kind is InterchangeEnvelope:
        problem = interchange_problem(result)
        if problem is not None:
            raise where.error(step(path, problem[0]), problem[1])
    return result


def _validation(exc: msgspec.ValidationError, path: str, where: _Where) -> JsonError:
    message, _, at = str(exc).partition(" - at `")
    inner = at.rstrip("`")[1:] if at else ""
    missing = _MISSING.match(message)
    if missing:
        return where.error(step(f"{path}{inner}", missing[1]), "required key missing")
    unknown = _UNKNOWN.match(message)
    if unknown:
        return where.error(step(f"{path}{inner}", unknown[1]), "no such key here (misspelt, or in the wrong object?)")
    if inner.endswith(".type") and message.startswith("Invalid value"):
        message += f"; a transaction's type is one of {', '.join(_TYPES)}"
    return where.error(path + inner, _PLAIN.get(message, message))


_MISSING = re.compile(r"Object missing required field `(.+)`")
_UNKNOWN = re.compile(r"Object contains unknown field `(.+)`")
_PLAIN = {"Invalid RFC3339 encoded date": "not a valid date (write YYYY-MM-DD)",
          "Invalid decimal string": "not a number (write it as a string of digits, e.g. \"12.50\")"}
_TYPES = [t.__name__ for t in AnyTransaction.__args__]  # type: ignore[attr-defined]


# -- JSON Lines --------------------------------------------------------------------------------------------
_LINE = msgspec.json.Decoder(dict[str, msgspec.Raw])
_DECODERS: dict[Any, msgspec.json.Decoder[Any]] = {}


def _decoder(kind: Any) -> msgspec.json.Decoder[Any]:
    found = _DECODERS.get(kind)
    if found is None:
        found = _DECODERS[kind] = msgspec.json.Decoder(kind)
    return found


def _lines(head: bytes, stream: BinaryIO, where: _Where) -> Iterator[Record]:
    """Records from JSON Lines, one line at a time."""
    claim: Any = ProfessionalClaim
    tail: Any = ClaimsTail
    number = 0
    for line in _split_lines(head, stream):
        number += 1
        if not line.strip() or number == 1:
            continue
        path = f"line {number}: $"
        try:
            ((key, raw),) = _LINE.decode(line).items()
        except (msgspec.DecodeError, msgspec.ValidationError, ValueError) as exc:
            raise where.error(path, f"not a record (one JSON object with one key): {exc}") from None
        kind = _LINE_KINDS.get(key)
        if kind is None:
            raise where.error(step(path, key), f"unknown record {key!r}; records are {', '.join(_LINE_KINDS)}")
        if kind == "claim":
            kind = claim
        elif kind == "transaction_end":
            kind = tail
        path = step(path, key)
        try:
            value = _decoder(kind).decode(raw)
        except msgspec.ValidationError as exc:
            raise _validation(exc, path, where) from None
        except msgspec.DecodeError as exc:
            raise where.error(path, f"invalid JSON: {exc}") from None
        where.at(path, value, transaction=key == "transaction")
        if key == "transaction":
            claim, tail = _claim_type(type(value)), _tail_type(type(value))
            yield Head(value, stream_key(type(value)) is not None)
        elif key == "transaction_end":
            yield Tail({name: getattr(value, name) for name in value.__struct_fields__})
        elif key == "interchange":
            problem = interchange_problem(value)
            if problem is not None:
                raise where.error(step(path, problem[0]), problem[1])
            yield value
        elif key in ("group_end", "interchange_end"):
            yield END_GROUP if key == "group_end" else END_INTERCHANGE
        else:
            yield value


_LINE_KINDS: dict[str, Any] = {
    "interchange": InterchangeEnvelope, "acknowledgment": InterchangeAck, "group": GroupEnvelope,
    "transaction": AnyTransaction, "header_number": HeaderNumber, "claim": "claim",
    "transaction_end": "transaction_end", "group_end": dict[str, Any], "interchange_end": dict[str, Any],
    "segment": RawSegment}


def _claim_type(model: type) -> Any:
    if issubclass(model, Remittance):
        return ClaimPayment
    return InstitutionalClaim if getattr(model, "INSTITUTIONAL", False) else ProfessionalClaim


def _tail_type(model: type) -> Any:
    return RemittanceTail if issubclass(model, Remittance) else ClaimsTail


def _split_lines(head: bytes, stream: BinaryIO) -> Iterator[bytes]:
    pending = head
    while True:
        chunk = stream.read(1 << 16)
        if not chunk:
            break
        pending += chunk
        *complete, pending = pending.split(b"\n")
        yield from complete
    if pending:
        yield from pending.split(b"\n")


# -- the document ------------------------------------------------------------------------------------------
class _Events:
    """ijson's parse events (C backend: yajl2_c), with values of any size built by ijson's C builders."""

    SCALARS = frozenset({"string", "number", "boolean", "null"})

    def __init__(self, head: bytes, stream: BinaryIO, where: _Where) -> None:
        import ijson

        self._ijson = ijson
        self._backend = ijson.get_backend(ijson.backend)  # the C one (yajl2_c) when installed from a wheel
        self._events = ijson.parse(_Chained(head, stream), use_float=False)
        self._peeked: tuple[str, str, Any] | None = None
        self._builders: dict[str, tuple[Callable[[Any], None], list[Any]]] = {}
        self.where = where

    def next(self) -> tuple[str, str, Any]:
        if self._peeked is not None:
            event, self._peeked = self._peeked, None
            return event
        try:
            return next(self._events)
        except (StopIteration, self._ijson.JSONError) as exc:
            raise self._failed(exc) from None

    def _failed(self, exc: Exception) -> JsonError:
        if isinstance(exc, StopIteration):
            return self.where.error(self.where.path, "the document ends early (truncated JSON)")
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid JSON"
        return self.where.error(self.where.path, f"invalid JSON after this point: {reason}")

    def peek(self) -> tuple[str, str, Any]:
        if self._peeked is None:
            self._peeked = self.next()
        return self._peeked

    def value(self) -> Any:
        """The next value, whole."""
        prefix, event, value = self.next()
        if event in self.SCALARS:
            return value
        if event not in ("start_map", "start_array"):
            raise self.where.error(self.where.path, f"expected a value, found {event}")
        found = self._builders.get(prefix)
        if found is None:
            target: list[Any] = []
            found = self._builders[prefix] = (self._backend.items_basecoro(_Sink(target), prefix).send, target)
        send, target = found
        send((prefix, event, value))
        events = self._events  # (nothing is peeked inside a value: the events go straight to ijson's builder)
        try:
            while not target:
                send(next(events))
        except (StopIteration, self._ijson.JSONError) as exc:
            raise self._failed(exc) from None
        return target.pop()

    def keys(self, path: str) -> Iterator[str]:
        """The keys of the object that starts next; the caller takes each key's value before the next key."""
        _, event, _ = self.next()
        if event != "start_map":
            raise self.where.error(path, f"expected an object, found {_kind(event)}")
        while True:
            _, event, value = self.next()
            if event == "end_map":
                return
            yield value

    def items(self, path: str) -> Iterator[int]:
        """The positions of the array that starts next; the caller takes each item."""
        _, event, _ = self.next()
        if event != "start_array":
            raise self.where.error(path, f"expected an array, found {_kind(event)}")
        n = 0
        while self.peek()[1] != "end_array":
            yield n
            n += 1
        self.next()


def _kind(event: str) -> str:
    return {"start_map": "an object", "start_array": "an array", "end_map": "the end of an object",
            "end_array": "the end of an array", "string": "a string", "number": "a number", "boolean": "a boolean",
            "null": "null"}.get(event, event)


class _Sink:
    """A target for ijson's coroutines: the built values land in a list."""

    def __init__(self, target: list[Any]) -> None:
        self.send = target.append


class _Chained:
    """A binary stream whose first bytes were already read (to tell the two forms apart)."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self.head, self.stream = head, stream

    def read(self, size: int = -1) -> bytes:
        if self.head and size != 0:  # (ijson reads 0 bytes first to learn the stream's type)
            data, self.head = self.head, b""
            return data
        return self.stream.read(size)


def _document(head: bytes, stream: BinaryIO, where: _Where) -> Iterator[Record]:
    events = _Events(head, stream, where)
    for n, key in enumerate(events.keys("$")):
        path = step("$", key)
        if n == 0 and key != "format":
            raise where.error("$", f"not a models document: its first key must be \"format\" ({FORMAT!r}); "
                                   f"JSON Lines begin with a line {{\"format\": \"{LINES_FORMAT}\"}}")
        if key == "format":
            value = events.value()
            if value != FORMAT:
                hint = " (write it again with this version's `edi to-json --models`)" if str(value).startswith(
                    "edi-models-json/") else ""
                raise where.error(path, f"{value!r} is not a format this version reads ({FORMAT!r}){hint}")
        elif key == "interchanges":
            for i in events.items(path):
                yield from _interchange(events, f"{path}[{i}]", where)
        elif key == "segments":
            for i in events.items(path):
                yield _record(events, RawSegment, f"{path}[{i}]", where)
        else:
            raise where.error(path, "unknown key; a models document has format, interchanges and segments")


def _record(events: _Events, kind: Any, path: str, where: _Where, transaction: bool = False) -> Any:
    where.at(path, None, transaction)
    raw = events.value()
    value = _convert(raw, kind, path, where)
    where.at(path, raw, transaction)
    return value


def _interchange(events: _Events, path: str, where: _Where) -> Iterator[Record]:
    for key in events.keys(path):
        at = step(path, key)
        if key == "header":
            yield _record(events, InterchangeEnvelope, at, where)
        elif key in ("acknowledgments", "trailing_acknowledgments"):
            for i in events.items(at):
                yield _record(events, InterchangeAck, f"{at}[{i}]", where)
        elif key == "groups":
            for i in events.items(at):
                yield from _group(events, f"{at}[{i}]", where)
        elif key == "segments":
            for i in events.items(at):
                yield _record(events, RawSegment, f"{at}[{i}]", where)
        else:
            raise where.error(at, "unknown key; an interchange has header, acknowledgments, groups, "
                                  "trailing_acknowledgments and segments")
    where.at(path, None)
    yield END_INTERCHANGE


def _group(events: _Events, path: str, where: _Where) -> Iterator[Record]:
    for key in events.keys(path):
        at = step(path, key)
        if key == "header":
            yield _record(events, GroupEnvelope, at, where)
        elif key == "transactions":
            for i in events.items(at):
                yield from _transaction(events, f"{at}[{i}]", where)
        else:
            raise where.error(at, "unknown key; a group has header and transactions")
    where.at(path, None)
    yield END_GROUP


def _transaction(events: _Events, path: str, where: _Where) -> Iterator[Record]:
    """A transaction: its fields up to its stream key (an 837's claims, an 835's headers) make the ``Head``, each
    item is a record of its own, the fields after it make the ``Tail``."""
    fields: dict[str, Any] = {}
    tail: dict[str, Any] = {}
    model: TransactionModel | None = None
    where.at(path, fields, transaction=True)
    for key in events.keys(path):
        at = step(path, key)
        if model is None and key == _stream_key_named(fields) and events.peek()[1] == "start_array":
            model = _convert(fields, AnyTransaction, path, where)
            yield Head(model, True)
            for i in events.items(at):
                if key == "claims":
                    yield _record(events, _claim_type(type(model)), f"{at}[{i}]", where)
                else:
                    yield from _header_number(events, f"{at}[{i}]", where)
        elif model is not None:
            allowed = _tail_type(type(model)).__struct_fields__
            if key not in allowed and key != "source":
                raise where.error(at, f"comes after {_stream_key_named(fields)!r}: a transaction's fields come before "
                                      f"its {_stream_key_named(fields)} (only {', '.join(allowed)} may follow them)")
            tail[key] = events.value()
        else:
            fields[key] = events.value()
    if model is None:
        yield Head(_convert(fields, AnyTransaction, path, where), False)
        return
    tail.pop("source", None)
    where.at(path, tail)
    value = _convert(tail, _tail_type(type(model)), path, where)
    yield Tail({name: getattr(value, name) for name in value.__struct_fields__})


def _stream_key_named(fields: dict[str, Any]) -> str | None:
    """The stream key of the transaction type a JSON object names (see ``stream_key``)."""
    kind = fields.get("type")
    return _STREAM_KEYS.get(kind) if isinstance(kind, str) else None


_STREAM_KEYS = {kind.__name__: stream_key(kind) for kind in AnyTransaction.__args__}  # type: ignore[attr-defined]


def _header_number(events: _Events, path: str, where: _Where) -> Iterator[Record]:
    fields: dict[str, Any] = {}
    opened = False
    where.at(path, fields)
    for key in events.keys(path):
        at = step(path, key)
        if key == "claims" and not opened and events.peek()[1] == "start_array":
            opened = True
            yield _convert(fields, HeaderNumber, path, where)
            for i in events.items(at):
                yield _record(events, ClaimPayment, f"{at}[{i}]", where)
        elif opened:
            raise where.error(at, "comes after \"claims\": a header number's fields come before its claims")
        else:
            fields[key] = events.value()
    if not opened:
        yield _convert(fields, HeaderNumber, path, where)
