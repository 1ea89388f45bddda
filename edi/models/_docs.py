"""docs/models.md, generated from the model classes themselves (field, type, the guide element it holds), so the
documentation cannot drift from the code: ``python -m edi.models._docs > docs/models.md``; a test checks it."""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Iterator

import msgspec

from edi.models._json import SCHEMAS

_FIELD = re.compile(r"^\s+(\w+):[^#]*#\s*(.+)$")
TITLES = {"837p": "837P professional claims", "837i": "837I institutional claims", "835": "835 remittance",
          "999": "999 implementation acknowledgment", "277ca": "277CA claim acknowledgment",
          "ta1": "TA1 interchange acknowledgment", "997": "997 functional acknowledgment"}


def _comments(cls: type) -> dict[str, str]:
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        try:
            source = inspect.getsource(klass)
        except (OSError, TypeError):
            continue
        for line in source.splitlines():
            match = _FIELD.match(line)
            if match:
                found[match.group(1)] = match.group(2).strip()
    return found


def _type_name(tp: object) -> str:
    text = repr(tp) if not isinstance(tp, type) else tp.__name__
    return re.sub(r"\b(?:edi\.[\w.]+\.|typing\.|datetime\.|decimal\.)", "", text).replace("NoneType", "None")


def _structs(cls: type, seen: set[type]) -> Iterator[type]:
    if cls in seen:
        return
    seen.add(cls)
    yield cls
    for field in msgspec.structs.fields(cls):
        for arg in _flatten(field.type):
            if isinstance(arg, type) and issubclass(arg, msgspec.Struct):
                yield from _structs(arg, seen)


def _flatten(tp: object) -> Iterator[object]:
    yield tp
    for arg in typing.get_args(tp):
        yield from _flatten(arg)


def render_markdown() -> str:
    lines = ["# Models", "", "Generated from `edi/models/*.py` by `python -m edi.models._docs` (a test keeps it "
             "current). Money is `Decimal` (JSON: a string), dates are `date` (JSON: `YYYY-MM-DD`), codes are the "
             "raw strings of the file; `edi schema KIND` prints each model's JSON Schema.", ""]
    seen: set[type] = set()
    for kind, model in SCHEMAS.items():
        lines += [f"## {TITLES[kind]} — `{model.__name__}` (`edi schema {kind}`)", ""]
        for cls in _structs(model, seen):
            doc = (inspect.getdoc(cls) or "").split("\n")[0]
            lines += [f"### `{cls.__name__}`", "", doc, "", "| field | type | holds |", "|---|---|---|"]
            comments = _comments(cls)
            for field in msgspec.structs.fields(cls):
                holds = comments.get(field.name, "").replace("|", "\\|")
                kind_text = _type_name(field.type).replace("|", "\\|")
                lines.append(f"| `{field.name}` | `{kind_text}` | {holds} |")
            lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render_markdown())
