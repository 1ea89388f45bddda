"""`edi diff A B`: what changed between two X12 files, claim by claim — not a text diff.

Claims are the typed models (edi.models): an 837's claims keyed by CLM01, an 835's claim payments by CLP01 (the
n-th payment of a CLP01 pairs with the n-th in the other file: a reversal and its correction keep their order).
Lines pair by their line item control number (REF*6R) when both claims carry them, else by position. Each change
names the model field and the X12 place it holds (``total_charge (CLM02)``). Where a claim was read from (segment
positions, control numbers) is not a change; the envelopes' control numbers are reported once, apart.

Both files are read as streams side by side; a claim is held only until its partner turns up, so files in the
same claim order (a resubmission, two ERAs of one payer) diff in flat memory.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import zip_longest
from pathlib import Path
from typing import Any

import msgspec

from edi.models import iter_claims
from edi.models._docs import _comments

IGNORED = {"source"}                          # where a model was read from: not a change


@dataclass(frozen=True)
class Change:
    kind: str                  # "added", "removed", "changed"
    claim: str                 # "837P claim PCN1002", "835 claim payment PCN1001 #2"
    path: str = ""             # "lines[6R L2].procedure_code" — empty for a whole claim added or removed
    holds: str = ""            # the X12 place the field holds: "CLM02", "SV101-2"
    old: Any = None
    new: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "claim": self.claim, "path": self.path, "holds": self.holds,
                "old": _plain(self.old), "new": _plain(self.new)}


@dataclass
class DiffSummary:
    added: int = 0
    removed: int = 0
    changed: int = 0
    unchanged: int = 0
    controls: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)   # ISA13/ST02 of each file

    @property
    def differs(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def diff_files(a: Path, b: Path, summary: DiffSummary) -> Iterator[Change]:
    """Every change from ``a`` to ``b``, claim by claim, as soon as it is known; ``summary`` is filled as it goes
    (claims added, removed, changed, unchanged; the control numbers of each side)."""
    pending: tuple[dict[tuple[str, ...], Any], dict[tuple[str, ...], Any]] = ({}, {})
    seen: tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]] = ({}, {})
    controls: tuple[list[str], list[str]] = ([], [])
    for pair in zip_longest(iter_claims(a), iter_claims(b)):
        for side, claim in enumerate(pair):
            if claim is None:
                continue
            _note_controls(claim, controls[side])
            key = _key(claim, seen[side])
            other = pending[1 - side].pop(key, None)
            if other is None:
                pending[side][key] = claim
                continue
            old, new = (claim, other) if side == 0 else (other, claim)
            changes = list(_compare(old, new, _label(key), ""))
            if changes:
                summary.changed += 1
                yield from changes
            else:
                summary.unchanged += 1
    for key, claim in pending[0].items():
        summary.removed += 1
        yield Change("removed", _label(key), new=None, old=_headline(claim))
    for key, claim in pending[1].items():
        summary.added += 1
        yield Change("added", _label(key), old=None, new=_headline(claim))
    summary.controls = {"ISA13/ST02": controls}


def _key(claim: Any, seen: dict[tuple[str, str], int]) -> tuple[str, ...]:
    kind = "835 claim payment" if hasattr(claim, "services") else f"{_kind_837(claim)} claim"
    number = claim.patient_control_number
    n = seen.get((kind, number), 0) + 1
    seen[(kind, number)] = n
    return (kind, number, str(n))


def _kind_837(claim: Any) -> str:
    return "837I" if type(claim).__name__.startswith("Institutional") else "837P"


def _label(key: tuple[str, ...]) -> str:
    kind, number, n = key
    return f"{kind} {number}" + (f" #{n}" if n != "1" else "")


def _note_controls(claim: Any, into: list[str]) -> None:
    source = getattr(claim, "source", None)
    if source is not None:
        mark = f"{source.interchange}/{source.transaction}"
        if not into or into[-1] != mark:
            into.append(mark)


def _headline(claim: Any) -> str:
    if hasattr(claim, "services"):
        return f"charge {claim.total_charge}, paid {claim.paid_amount}, {len(claim.services)} service line(s)"
    return f"charge {claim.total_charge}, {len(claim.lines)} line(s)"


def _compare(old: Any, new: Any, claim: str, path: str, holds: str = "") -> Iterator[Change]:
    if isinstance(old, msgspec.Struct) and type(old) is type(new):
        comments = _field_comments(type(old))
        for name in old.__struct_fields__:
            if name in IGNORED:
                continue
            where = f"{path}.{name}" if path else name
            yield from _compare(getattr(old, name), getattr(new, name), claim, where,
                                _x12_place(comments.get(name, "")) or holds)
    elif isinstance(old, tuple) and isinstance(new, tuple):
        yield from _compare_items(old, new, claim, path, holds)
    elif old != new or type(old) is not type(new) and not _same_number(old, new):
        yield Change("changed", claim, path, holds, _headline_or(old), _headline_or(new))


def _compare_items(old: tuple[Any, ...], new: tuple[Any, ...], claim: str, path: str,
                   holds: str) -> Iterator[Change]:
    keys_old, keys_new = _line_keys(old), _line_keys(new)
    if keys_old is None or keys_new is None:       # by position
        for i, (a, b) in enumerate(zip_longest(old, new)):
            where = f"{path}[{i + 1}]"
            if a is None or b is None:
                yield Change("added" if a is None else "removed", claim, where, holds, _headline_or(a),
                             _headline_or(b))
            else:
                yield from _compare(a, b, claim, where, holds)
        return
    by_new = dict(zip(keys_new, new))
    for key, a in zip(keys_old, old):
        b = by_new.pop(key, None)
        where = f"{path}[6R {key}]"
        if b is None:
            yield Change("removed", claim, where, "REF*6R", _headline_or(a), None)
        else:
            yield from _compare(a, b, claim, where, holds)
    for key, b in by_new.items():
        yield Change("added", claim, f"{path}[6R {key}]", "REF*6R", None, _headline_or(b))


def _line_keys(items: tuple[Any, ...]) -> list[str] | None:
    """Service lines' REF*6R, when every line has one and they are unique."""
    if not items or not all(hasattr(i, "line_item_control_number") for i in items):
        return None
    keys = [i.line_item_control_number for i in items]
    return keys if all(keys) and len(set(keys)) == len(keys) else None


def _headline_or(value: Any) -> Any:
    if isinstance(value, msgspec.Struct):
        if hasattr(value, "line_item_control_number") or hasattr(value, "procedure"):
            return _line_headline(value)
        return msgspec.to_builtins(value)
    return value


def _line_headline(line: Any) -> str:
    procedure = getattr(line, "procedure", None) or getattr(line, "procedure_code", "")
    code = getattr(procedure, "code", procedure)
    charge = getattr(line, "charge", None)
    return " ".join(str(p) for p in (code, charge) if p not in (None, ""))


def _same_number(a: Any, b: Any) -> bool:
    return isinstance(a, Decimal) and isinstance(b, Decimal) and a == b


_PLACE = re.compile(r"^(?:\d{4}[A-Z]{0,2}(?: [A-Z][A-Z0-9]{1,2}\*\w+)?"              # 2010BB NM1*PR, 2400
                    r"|[A-Z][A-Z0-9]{1,2}(?:\d{2}(?:-\d+)?|\*\w+)(?: REF02)?"      # CLM02, SV101-2, REF*6R REF02
                    r"(?: / [A-Z][A-Z0-9]{1,2}\d{2}(?:-\d+)?)*"                     # … / SV202-2
                    r"|[A-Z][A-Z0-9]{1,2}(?=:))")                                   # DTP: …


def _x12_place(comment: str) -> str:
    """The X12 place a field's comment starts with ("CLM02", "2010BB NM1*PR", "SV101-2 / SV202-2"), or ""."""
    match = _PLACE.match(comment)
    return match.group(0) if match else ""


@functools.cache
def _field_comments(cls: type) -> dict[str, str]:
    return _comments(cls)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return msgspec.to_builtins(value) if isinstance(value, msgspec.Struct) else str(value)
