"""`edi to-xml`: the loop tree as XML (lxml), with loop, segment and element names as attributes."""

from __future__ import annotations

from lxml import etree

from edi.guide import Loop, SegmentNode, SegmentSpec, TransactionTree, control_segment, walk_file
from edi.x12 import Role, Segment, Source


def to_xml(source: Source, name: str | None = None) -> bytes:
    root = etree.Element("x12", file=name or str(source) if not isinstance(source, bytes) else "<bytes>")
    interchange = group = None
    for item in walk_file(source, name=name):
        if isinstance(item, TransactionTree):
            t = item.envelope
            parent = group if group is not None else interchange if interchange is not None else root
            txn = etree.SubElement(parent, "transaction", set=t.set_id, control=t.control, guide=t.guide)
            for child in item.root.children:
                _add(txn, child)
            continue
        seg, role = item.segment, item.role
        if role is Role.ISA:
            interchange = etree.SubElement(root, "interchange", control=seg[13])
            group = None
            _segment(interchange, seg, None)
        elif role is Role.GS and interchange is not None:
            group = etree.SubElement(interchange, "group", control=seg[6], version=seg[8])
            _segment(group, seg, None)
        else:
            parent = group if group is not None and role is not Role.IEA else interchange if interchange is not None else root
            _segment(parent, seg, None)
            if role is Role.GE:
                group = None
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")


def _add(parent: etree._Element, child: Loop | SegmentNode) -> None:
    if isinstance(child, Loop):
        loop = etree.SubElement(parent, "loop", id=child.id, name=child.name)
        for grandchild in child.children:
            _add(loop, grandchild)
    else:
        _segment(parent, child.segment, child)


def _segment(parent: etree._Element, seg: Segment, node: SegmentNode | None) -> None:
    attrs = {"id": seg.id, "index": str(seg.index + 1)}
    spec: SegmentSpec | None = node.spec if node is not None else control_segment(seg.id)
    if spec is not None:
        attrs["name"] = spec.name
    elif node is not None:
        attrs["unexpected"] = "true"
    element = etree.SubElement(parent, "segment", attrs)
    spec_of_segment = spec
    for n in range(1, len(seg.elements)):
        value = seg.elements[n]
        if not value:
            continue
        spec = spec_of_segment.element(n) if spec_of_segment is not None else None
        ref = spec.id if spec is not None else f"{seg.id}{n:02d}"
        el = etree.SubElement(element, "element", id=ref, **({"name": spec.name} if spec is not None else {}))
        if spec is not None and spec.is_composite:
            for k, part in enumerate(seg.components(n), start=1):
                if part:
                    sub = spec.components[k - 1] if k <= len(spec.components) else None
                    comp = etree.SubElement(el, "component", id=sub.id if sub else f"{ref}-{k:02d}",
                                            **({"name": sub.name} if sub else {}))
                    comp.text = _clean(part)
        else:
            el.text = _clean(value)


def _clean(text: str) -> str:
    """XML 1.0 cannot hold control characters; show them as \\xNN."""
    return "".join(c if c >= " " or c in "\t\n\r" else f"\\x{ord(c):02x}" for c in text)
