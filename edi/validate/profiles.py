"""Payer profiles (SNIP 7): a trading partner's companion-guide rules as data in ``mappings/payers/*.toml``.

A profile is checked against its schema when it is loaded; anything wrong raises :class:`MappingError` naming the
file and the key (``mappings/payers/x.toml: rules.value_restrictions[1].element: …``). The schema, with an example,
is in docs/code-sets.md ("Payer profiles").
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from edi.errors import MappingError
from edi.guide import LoopSpec, SegmentSpec, load_guide
from edi._data import mappings_dir

__all__ = ["TRANSACTIONS", "ForbiddenQualifier", "PayerProfile", "RequiredSegment", "ValueRestriction", "load_profile",
           "load_profiles", "parse_profile", "payers_dir"]

TRANSACTIONS = {"837P": "837.5010.X222.A1.xml", "837I": "837Q3.I.5010.X223.A1.xml", "835": "835.5010.X221.A1.xml"}
_SEGMENT = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_ELEMENT = re.compile(r"([A-Z][A-Z0-9]{1,2})(\d{2})(?:-(\d{1,2}))?")     # "CLM05-1", "SBR09"
_PAYER_KEYS = {"name", "ids", "applies_to"}
_RULE_KEYS = {"max_lines_per_claim", "max_claim_charge", "required_segments", "forbidden_qualifiers",
              "value_restrictions"}


@dataclass(frozen=True, slots=True)
class RequiredSegment:
    loop: str                    # "2300": every instance of this loop must carry the segment
    segment: str                 # "REF"
    qualifier: str | None        # element 01 (its first component), e.g. "G1"; None: any
    message: str                 # the payer's reason, shown in the finding


@dataclass(frozen=True, slots=True)
class ForbiddenQualifier:
    segment: str
    qualifier: str               # element 01 value the payer rejects
    loop: str | None             # only in this loop; None: anywhere
    message: str


@dataclass(frozen=True, slots=True)
class ValueRestriction:
    element: str                 # as written: "CLM05-1"
    segment: str                 # "CLM"
    position: int                # 5
    component: int               # 1; 0 for a simple element
    allowed: frozenset[str]
    loop: str | None
    message: str


@dataclass(frozen=True, slots=True)
class PayerProfile:
    name: str
    ids: frozenset[str]          # payer ids: 837 2010BB NM109 or GS03; 835 1000A N104 / REF*2U or GS02
    applies_to: frozenset[str]   # "837P", "837I", "835"
    source: str                  # the file it came from
    max_lines_per_claim: int | None = None
    max_claim_charge: Decimal | None = None
    required_segments: tuple[RequiredSegment, ...] = ()
    forbidden_qualifiers: tuple[ForbiddenQualifier, ...] = ()
    value_restrictions: tuple[ValueRestriction, ...] = ()

    def matches(self, ids: set[str]) -> bool:
        """True when any of the transaction's or claim's payer ids is one of this profile's."""
        return not self.ids.isdisjoint(ids)


def payers_dir() -> Path:
    return mappings_dir() / "payers"


def load_profile(path_or_name: Path | str) -> PayerProfile:
    """A profile from a file (a Path) or by name (a str: ``mappings/payers/<name>.toml``)."""
    path = path_or_name if isinstance(path_or_name, Path) else payers_dir() / f"{path_or_name}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in payers_dir().glob("*.toml")))
        raise MappingError(f"no payer profile here (profiles in {payers_dir()}: {known or 'none'})", str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise MappingError(f"not UTF-8 text (byte {exc.start}): a TOML file is expected", str(path)) from None
    return parse_profile(text, str(path))


def load_profiles(directory: Path | None = None) -> list[PayerProfile]:
    """Every profile in a folder (default ``mappings/payers``), in file-name order."""
    return [load_profile(p) for p in sorted((directory or payers_dir()).glob("*.toml"))]


def parse_profile(text: str, source: str = "<profile>") -> PayerProfile:
    """Read and check a profile's TOML text; ``source`` names it in errors."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"not valid TOML: {exc}", source) from exc
    check = _Checker(source)
    check.keys(doc, {"payer", "rules", "scrub", "adjudication"}, "")   # [scrub]: edi.claims.scrub._profiles; [adjudication]: edi.payer
    payer = check.table(doc, "payer", required=True)
    check.keys(payer, _PAYER_KEYS, "payer")
    applies = frozenset(check.strings(payer, "applies_to", "payer", required=False) or TRANSACTIONS)
    for label in applies - TRANSACTIONS.keys():
        check.fail("payer.applies_to", f"{label!r} is not one of {', '.join(TRANSACTIONS)}")
    rules = check.table(doc, "rules", required=False)
    check.keys(rules, _RULE_KEYS, "rules")
    guides = _Guides(tuple(sorted(applies)))
    return PayerProfile(
        name=check.string(payer, "name", "payer"), ids=frozenset(check.strings(payer, "ids", "payer", required=True)),
        applies_to=applies, source=source, max_lines_per_claim=check.positive_int(rules, "max_lines_per_claim"),
        max_claim_charge=check.amount(rules, "max_claim_charge"),
        required_segments=tuple(_required(check, item, key, guides)
                                for key, item in check.items(rules, "required_segments")),
        forbidden_qualifiers=tuple(_forbidden(check, item, key, guides)
                                   for key, item in check.items(rules, "forbidden_qualifiers")),
        value_restrictions=tuple(_restriction(check, item, key, guides)
                                 for key, item in check.items(rules, "value_restrictions")))


def _required(check: _Checker, item: dict[str, Any], key: str, guides: _Guides) -> RequiredSegment:
    check.keys(item, {"loop", "segment", "qualifier", "message"}, key)
    loop = guides.loop(check, item, key, required=True)
    segment = guides.segment(check, item, key, loop)
    qualifier = check.optional_string(item, "qualifier", key)
    guides.codes_allow(check, f"{key}.qualifier", segment, 1, 1, loop, [qualifier] if qualifier else [])
    return RequiredSegment(loop or "", segment, qualifier, check.optional_string(item, "message", key) or "")


def _forbidden(check: _Checker, item: dict[str, Any], key: str, guides: _Guides) -> ForbiddenQualifier:
    check.keys(item, {"loop", "segment", "qualifier", "message"}, key)
    loop = guides.loop(check, item, key, required=False)
    segment = guides.segment(check, item, key, loop)
    qualifier = check.string(item, "qualifier", key)
    guides.codes_allow(check, f"{key}.qualifier", segment, 1, 1, loop, [qualifier])
    return ForbiddenQualifier(segment, qualifier, loop, check.optional_string(item, "message", key) or "")


def _restriction(check: _Checker, item: dict[str, Any], key: str, guides: _Guides) -> ValueRestriction:
    check.keys(item, {"element", "allowed", "loop", "message"}, key)
    ref = check.string(item, "element", key)
    match = _ELEMENT.fullmatch(ref)
    if match is None or int(match.group(2)) == 0 or (match.group(3) is not None and int(match.group(3)) == 0):
        check.fail(f"{key}.element", f"{ref!r} is not an element reference like 'SBR09' or 'CLM05-1'")
    assert match is not None
    loop = guides.loop(check, item, key, required=False)
    segment = guides.segment(check, {"segment": match.group(1)}, key, loop, field="element")
    position, component = int(match.group(2)), int(match.group(3) or 0)
    allowed = check.strings(item, "allowed", key, required=True)
    guides.codes_allow(check, f"{key}.allowed", segment, position, component, loop, allowed)
    return ValueRestriction(ref, segment, position, component, frozenset(allowed), loop,
                            check.optional_string(item, "message", key) or "")


class _Checker:
    """Typed reads from a parsed TOML document that fail with the file and the key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, message: str) -> None:
        raise MappingError(message, self.source, key)

    def keys(self, table: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in sorted(set(table) - allowed):
            self.fail(f"{where}.{key}" if where else key, f"unknown key; expected one of {', '.join(sorted(allowed))}")

    def table(self, doc: dict[str, Any], key: str, required: bool) -> dict[str, Any]:
        value = doc.get(key, {} if not required else None)
        if not isinstance(value, dict):
            self.fail(key, "a table is required" if value is None else "must be a table")
        return value  # type: ignore[return-value]

    def string(self, table: dict[str, Any], key: str, where: str) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where}.{key}", "a non-empty string is required")
        return value  # type: ignore[return-value]

    def optional_string(self, table: dict[str, Any], key: str, where: str) -> str | None:
        return self.string(table, key, where) if key in table else None

    def strings(self, table: dict[str, Any], key: str, where: str, required: bool) -> list[str]:
        value = table.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            self.fail(f"{where}.{key}", "a non-empty list of non-empty strings is required")
        return value  # type: ignore[return-value]

    def positive_int(self, table: dict[str, Any], key: str) -> int | None:
        value = table.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            self.fail(f"rules.{key}", f"{value!r} must be a whole number of at least 1")
        return value

    def amount(self, table: dict[str, Any], key: str) -> Decimal | None:
        value = table.get(key)
        if value is None:
            return None
        try:
            if not isinstance(value, str):
                raise InvalidOperation
            amount = Decimal(value)
        except InvalidOperation:
            self.fail(f"rules.{key}", f"{value!r} must be a decimal amount written as a string, e.g. \"99999.99\"")
        return amount

    def items(self, table: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
        value = table.get(key, [])
        if not isinstance(value, list):
            self.fail(f"rules.{key}", "must be a list of inline tables")
        for n, item in enumerate(value):
            if not isinstance(item, dict):
                self.fail(f"rules.{key}[{n}]", "must be an inline table like {segment = \"REF\", …}")
        return [(f"rules.{key}[{n}]", item) for n, item in enumerate(value)]


class _Guides:
    """What the implementation guides of a profile's transactions allow: loop ids, segments per loop, codes."""

    def __init__(self, labels: tuple[str, ...]) -> None:
        self.labels = labels
        self.specs = _segment_specs(labels)

    def loop(self, check: _Checker, item: dict[str, Any], key: str, required: bool) -> str | None:
        loop = check.string(item, "loop", key) if required or "loop" in item else None
        if loop is not None and not any(loop == owner for owner, _ in self.specs):
            check.fail(f"{key}.loop", f"{loop!r} is not a loop of the {'/'.join(self.labels)} guides")
        return loop

    def segment(self, check: _Checker, item: dict[str, Any], key: str, loop: str | None, field: str = "segment") -> str:
        segment = check.string(item, "segment", key)
        if not _SEGMENT.fullmatch(segment) or not any(s.id == segment and loop in (None, owner)
                                                       for owner, s in self.specs):
            where = f"loop {loop}" if loop else "any loop"
            check.fail(f"{key}.{field}", f"{segment!r} is not a segment of {where} in the {'/'.join(self.labels)} "
                       "guides")
        return segment

    def codes_allow(self, check: _Checker, key: str, segment: str, n: int, k: int, loop: str | None,
                    values: list[str]) -> None:
        """When every matching guide element lists its codes, the profile's values must be among them."""
        codes: set[str] = set()
        for owner, spec in self.specs:
            if spec.id != segment or loop not in (None, owner):
                continue
            element = spec.element(n)
            if element is None:
                return
            if k and k <= len(element.components):
                part = element.components[k - 1]
            else:
                part = None if element.is_composite else element
            if part is None or not part.codes:
                return                   # free text or an external list somewhere: nothing to check against
            codes |= part.codes
        unknown = [v for v in values if v not in codes]
        if codes and unknown:
            check.fail(key, f"{', '.join(map(repr, unknown))} not allowed by the guide here; it allows "
                       f"{', '.join(sorted(codes))}")


@functools.cache
def _segment_specs(labels: tuple[str, ...]) -> tuple[tuple[str, SegmentSpec], ...]:
    """(owning guide loop id, segment spec) for every segment of these transactions' guides."""
    found: list[tuple[str, SegmentSpec]] = []
    for label in labels:
        guide = load_guide(TRANSACTIONS[label])
        for node in guide.nodes:
            if isinstance(node, SegmentSpec):
                owner: LoopSpec | None = guide.parent(node)
                while owner is not None and owner.kind:
                    owner = guide.parent(owner)
                found.append((owner.id if owner is not None else "", node))
    return tuple(found)
