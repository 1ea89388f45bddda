"""A lossless JSON form of an interchange file, and back: ``from_json(to_json(f)) == f`` byte for byte.

Layout: ``{"format": "edi-x12-json/1", "children": [...]}`` where each child is a segment
(``{"id", "elements", "tail", ["lead"], ["name"], ["unexpected"]}``) or a container with its own ``children``:
an interchange (with its delimiters), a group, a transaction, or a loop. Reading back flattens the segments in
order, so envelopes, loops and names are for people and tools; the bytes come from elements, tails and leads.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from edi.errors import EdiError
from edi.guide import Loop, SegmentNode, TransactionTree, walk_file
from edi.x12 import Delimiters, Role, Segment, Source, write

FORMAT = "edi-x12-json/1"


def _segment(seg: Segment, name: str | None = None, unexpected: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"id": seg.id, "elements": list(seg.elements[1:]), "tail": seg.tail}
    if seg.lead:
        out["lead"] = seg.lead
    if name:
        out["name"] = name
    if unexpected:
        out["unexpected"] = True
    return out


def _loop(loop: Loop) -> dict[str, Any]:
    return {"loop": loop.id, "name": loop.name, "children": [
        _loop(c) if isinstance(c, Loop) else _node(c) for c in loop.children]}


def _node(node: SegmentNode) -> dict[str, Any]:
    return _segment(node.segment, node.spec.name if node.spec else None, node.spec is None)


def to_json(source: Source, out: IO[str], name: str | None = None, indent: int | None = 1) -> None:
    """Write the JSON form of a file to ``out``."""
    json.dump(to_document(source, name), out, indent=indent, ensure_ascii=False)
    out.write("\n")


def to_document(source: Source, name: str | None = None) -> dict[str, Any]:
    """The JSON form as Python objects: interchanges hold groups, groups hold transactions, those hold loops."""
    top: list[Any] = []
    interchange: dict[str, Any] | None = None
    group: dict[str, Any] | None = None
    for item in walk_file(source, name=name):
        if isinstance(item, TransactionTree):
            t = item.envelope
            (group or interchange or {"children": top})["children"].append(
                {"transaction": t.set_id, "control": t.control, "guide": t.guide,
                 "map": item.guide.map_name if item.guide else None,
                 "children": [_loop(c) if isinstance(c, Loop) else _node(c) for c in item.root.children]})
            continue
        seg, role = item.segment, item.role
        obj = _segment(seg)
        if role is Role.ISA:
            interchange = {"interchange": seg[13], "delimiters": seg.delimiters.as_dict() if seg.delimiters else None,
                           "children": [obj]}
            group = None
            top.append(interchange)
        elif role is Role.GS and interchange is not None:
            group = {"group": seg[6], "version": seg[8], "children": [obj]}
            interchange["children"].append(group)
        elif group is not None and role is not Role.IEA:
            group["children"].append(obj)
            if role is Role.GE:
                group = None
        elif interchange is not None:
            interchange["children"].append(obj)
            if role is Role.IEA:
                interchange = group = None
        else:
            obj["delimiters"] = seg.delimiters.as_dict() if seg.delimiters else None
            top.append(obj)
    return {"format": FORMAT, "children": top}


def from_json(text: str | bytes) -> bytes:
    """The exact bytes a JSON document (from :func:`to_json`) was made from."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EdiError(f"not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise EdiError(f"not an {FORMAT} document (its 'format' is {document.get('format') if isinstance(document, dict) else None!r})")
    return write(_segments(document["children"], None))


def _segments(children: list[Any], delimiters: Delimiters | None) -> Iterator[Segment]:
    for child in children:
        if "id" in child:
            if child.get("delimiters"):
                delimiters = Delimiters(**child["delimiters"])
            if delimiters is None:
                raise EdiError(f"segment {child['id']} stands outside an interchange with delimiters")
            yield Segment.of((child["id"], *child["elements"]), tail=child["tail"], lead=child.get("lead", ""),
                          delimiters=delimiters)
        else:
            d = child.get("delimiters")
            yield from _segments(child["children"], Delimiters(**d) if d else delimiters)
