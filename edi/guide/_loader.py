"""Compile pyx12's implementation-guide maps (XML, read with lxml) into frozen specs, cached on disk."""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from edi.errors import GuideError
from edi.guide._spec import UNBOUNDED, ElementSpec, LoopSpec, SegmentSpec, TransactionSpec
from edi.guide._versions import ALIASES, VERSION_ELEMENTS, with_aliases

if TYPE_CHECKING:
    from lxml import etree

T = TypeVar("T")
COMPILER_VERSION = "6"  # bump when the compiled form changes, so old caches are ignored


@functools.cache
def map_dir() -> Path:
    spec = find_spec("pyx12")  # found, not imported (importlib.resources would cost ~6 ms of start-up)
    if spec is None or not spec.submodule_search_locations:
        raise GuideError("pyx12 is not installed: its implementation-guide maps are needed (pip install pyx12)")
    return Path(next(iter(spec.submodule_search_locations))) / "map"


def cache_dir() -> Path:
    base = os.environ.get("EDI_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "edi-x12")
    return Path(base)


@functools.cache
def load_guide(map_name: str) -> TransactionSpec:
    """The compiled spec of one pyx12 map ("837.5010.X222.A1.xml"), from the disk cache when it is fresh."""
    source = map_dir() / map_name
    if not source.is_file():
        raise GuideError(f"pyx12 has no map named {map_name!r} (looked in {map_dir()})")
    return from_disk_cache(source, lambda: compile_guide(source), TransactionSpec)


def from_disk_cache(source: Path, build: Callable[[], T], kind: type[T]) -> T:
    """What ``build`` makes of a pyx12 file, kept on disk (pickled) until the file or the compiler changes: a
    fresh process reads it back instead of parsing XML (and never imports lxml when everything is cached)."""
    cached = cache_dir() / f"{_fingerprint(source)}.pickle"
    try:
        with cached.open("rb") as fh:
            value = pickle.load(fh)
        if isinstance(value, kind):
            return value
    except (OSError, pickle.PickleError, EOFError, AttributeError, TypeError):
        pass
    value = build()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cached)
    except OSError:
        pass  # a read-only home still works, just slower
    return value


def _fingerprint(source: Path) -> str:
    data = source.read_bytes() + (map_dir() / "dataele.xml").read_bytes() + repr(sorted(ALIASES.items())).encode()
    return f"{source.stem}-{hashlib.sha1(data + COMPILER_VERSION.encode()).hexdigest()[:16]}"


@functools.cache
def data_elements() -> dict[str, tuple[str, int, int]]:
    """Data element number → (data type, min length, max length), from pyx12's dataele.xml."""
    from lxml import etree

    root = etree.parse(str(map_dir() / "dataele.xml")).getroot()
    return {e.get("ele_num"): (e.get("data_type"), int(e.get("min_len")), int(e.get("max_len")))
            for e in root.iter("data_ele")}


def compile_guide(source: Path) -> TransactionSpec:
    from lxml import etree  # only when a map is compiled: the compiled form is cached on disk

    root = etree.parse(str(source)).getroot()
    if root.tag != "transaction":
        raise GuideError(f"{source.name}: not a pyx12 transaction map (root element <{root.tag}>)")
    builder = _Builder(data_elements(), renamed=RENAMED_IN_5010 if "5010" in source.name or "00501" in source.name
                       else {})
    tree = builder.loop(root, "", is_root=True)
    return TransactionSpec(root.get("xid") or "", _text(root, "name"), source.name, tree,
                           tuple(builder.nodes), tuple(builder.parents))


def _text(elem: etree._Element, tag: str, default: str = "") -> str:
    value = elem.findtext(tag)
    return value.strip() if value else default


def _count(value: str) -> int:
    value = value.strip()
    if not value or value in (">1", "&gt;1"):
        return UNBOUNDED
    return int(value)


# External code lists some pyx12 maps leave off an element that the guide fills from them: data element → list
# name in codes.xml (837P/837I 2010AA, 2010AC, 2310E/F, 2420G/H N402 name no list, the other N402s "states").
EXTERNAL_BY_DATA_ELEMENT = {"156": "states", "26": "country"}

# Elements some pyx12 5010 maps still describe as 4010 did: element id → (5010 data element, 5010 name); the
# 4010 code list goes with the 4010 meaning.
RENAMED_IN_5010 = {"ISA11": ("I65", "Repetition Separator")}   # 4010: I10 Interchange Control Standards Identifier


class _Builder:
    def __init__(self, elements: dict[str, tuple[str, int, int]],
                 renamed: dict[str, tuple[str, str]] | None = None) -> None:
        self.data = elements
        self.renamed = renamed or {}
        self.nodes: list[LoopSpec | SegmentSpec] = []
        self.parents: list[int] = []

    def _reserve(self, parent_uid: int) -> int:
        self.nodes.append(None)  # type: ignore[arg-type]
        self.parents.append(parent_uid)
        return len(self.nodes) - 1

    def loop(self, elem: etree._Element, parent_path: str, parent_uid: int = -1,
             is_root: bool = False) -> LoopSpec:
        uid = self._reserve(parent_uid)
        loop_id = elem.get("xid") or ""
        path = "" if is_root else f"{parent_path}/{loop_id}"
        loops = [self.loop(child, path, uid) for child in elem.findall("loop")]
        segments = [self.segment(child, path, uid) for child in elem.findall("segment")]
        children = tuple(sorted(loops + segments, key=lambda n: n.pos))  # stable: loops before segments
        spec = LoopSpec(uid, loop_id, _text(elem, "name"), _text(elem, "usage", "R"),
                        int(_text(elem, "pos", "0")), _count(_text(elem, "repeat", "1")),
                        "root" if is_root else (elem.get("type") or ""), children, path)
        self.nodes[uid] = spec
        return spec

    def segment(self, elem: etree._Element, parent_path: str, parent_uid: int) -> SegmentSpec:
        uid = self._reserve(parent_uid)
        seg_id = elem.get("xid") or ""
        elements = tuple(self.element(child) for child in elem if child.tag in ("element", "composite"))
        spec = SegmentSpec(uid, seg_id, _text(elem, "name"), _text(elem, "usage", "R"), int(_text(elem, "pos", "0")),
                           _count(_text(elem, "max_use", "1")), elements,
                           tuple(s.text.strip() for s in elem.findall("syntax") if s.text), _key(seg_id, elements),
                           f"{parent_path}/{seg_id}")
        self.nodes[uid] = spec
        return spec

    def element(self, elem: etree._Element) -> ElementSpec:
        data_ele, name = _text(elem, "data_ele"), _text(elem, "name")
        renamed = self.renamed.get(elem.get("xid") or "")
        data_ele, name = renamed or (data_ele, name)
        codes_elem = elem.find("valid_codes") if renamed is None else None   # 4010's codes ('U') do not apply
        codes = frozenset(c.text for c in codes_elem.findall("code") if c.text) if codes_elem is not None else frozenset()
        if data_ele in VERSION_ELEMENTS and codes:
            codes = with_aliases(codes)
        external = codes_elem.get("external") if codes_elem is not None else None
        if external is None and not codes:
            external = EXTERNAL_BY_DATA_ELEMENT.get(data_ele)
        components = tuple(self.element(c) for c in elem if c.tag == "element") if elem.tag == "composite" else ()
        data_type, min_len, max_len = self.data.get(data_ele, ("", 0, UNBOUNDED))
        if components:
            data_type = ""
        return ElementSpec(elem.get("xid") or "", name, _text(elem, "usage", "S"),
                           int(_text(elem, "seq", "0")), data_ele, data_type, min_len, max_len, codes, external,
                           elem.findtext("regex"), _count(_text(elem, "repeat", "1")), components)


def _key(seg_id: str, elements: tuple[ElementSpec, ...]) -> tuple[int, int, frozenset[str]] | None:
    """The qualifier that tells this segment from same-id siblings — the rule pyx12's segment matcher uses."""
    c0 = elements[0] if elements else None
    c1 = elements[1] if len(elements) > 1 else None
    c2 = elements[2] if len(elements) > 2 else None
    if c0 is not None and not c0.is_composite and c0.data_type == "ID" and c0.usage == "R" and c0.codes:
        return (1, 0, c0.codes)
    if seg_id == "ENT" and c1 is not None and not c1.is_composite and c1.data_type == "ID" and c1.codes:
        return (2, 0, c1.codes)
    if c0 is not None and c0.is_composite:
        first = c0.components[0]
        if first.codes and (first.data_type == "ID" or (seg_id == "CTX" and first.data_type == "AN")):
            return (1, 1, first.codes)
    if seg_id == "HL" and c2 is not None and not c2.is_composite and c2.codes:
        return (3, 0, c2.codes)
    return None
