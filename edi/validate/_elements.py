"""Element checks (SNIP 1, 2 and 5): presence, usage, data type, length, code values, syntax rules.

Each segment spec compiles once into a checker; identical segments (same spec, same text) are checked once.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from edi.guide import ElementSpec, SegmentSpec
from edi.guide._loader import from_disk_cache, map_dir
from edi.validate._problem import ElementProblem
from edi.validate.snip1_syntax import trailing_separators
from edi.x12 import Delimiters

if TYPE_CHECKING:
    from edi.validate._fastpath import Clean

# ASCII digits only: ``\d`` would also take other scripts' digits ("１２", "١٢"), which X12 data cannot hold.
_DECIMAL = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_INTEGER = re.compile(r"-?[0-9]+")
_TIME = re.compile(r"([01][0-9]|2[0-3])[0-5][0-9](?:[0-5][0-9](?:[0-9]{1,2})?)?")


@functools.cache
def external_codes() -> dict[str, frozenset[str]]:
    """pyx12's codes.xml: external code lists by name (states, country, pos …) with their codes."""
    return from_disk_cache(map_dir() / "codes.xml", _read_codes, dict)


def _read_codes() -> dict[str, frozenset[str]]:
    from lxml import etree

    root = etree.parse(str(map_dir() / "codes.xml")).getroot()
    lists: dict[str, frozenset[str]] = {}
    for code_list in root.iter("codeset"):
        name = (code_list.findtext("id") or "").strip()
        values = frozenset(c.text.strip() for c in code_list.iter("code") if c.text)
        if name:
            lists[name] = values
    return lists


@functools.cache
def _external(name: str) -> frozenset[str] | None:
    """Our dated tables where we keep one (place of service, RARC), else pyx12's codes.xml list."""
    from edi.validate.codesets import known_codes

    return known_codes(name) or external_codes().get(name)


@functools.lru_cache(maxsize=4096)  # amounts repeat (0, common charges); a Decimal is immutable
def amount(raw: str) -> Decimal | None:
    """An X12 decimal (type R) as Decimal, or None when empty or not a number (SNIP 2 reports that)."""
    return Decimal(raw) if raw and _DECIMAL.fullmatch(raw) else None


def real_date(text: str) -> bool:
    """CCYYMMDD or YYMMDD naming a calendar date from 1800 on (earlier years are typing errors, as pyx12 holds)."""
    if not (text.isascii() and text.isdigit()) or len(text) not in (6, 8):
        return False
    try:
        if len(text) == 6:
            date(2000 + int(text[:2]), int(text[2:4]), int(text[4:]))
            return True
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])).year >= 1800
    except ValueError:
        return False


def check_value(value: str, spec: ElementSpec) -> tuple[str, int, str] | None:
    """(IK403 code, SNIP type, message) for a present value that breaks its spec, else None."""
    kind = spec.data_type
    if kind == "R":
        if not _DECIMAL.fullmatch(value):
            return "6", 2, f"{value!r} is not a decimal number (type R)"
        length = len(value) - value.count("-") - value.count(".")
    elif kind.startswith("N"):
        if not _INTEGER.fullmatch(value):
            return "6", 2, f"{value!r} is not a whole number (type {kind})"
        length = len(value.lstrip("-"))
    elif kind == "DT":
        if not real_date(value):
            return "8", 2, f"{value!r} is not a valid date (CCYYMMDD)"
        length = len(value)
    elif kind == "TM":
        if not _TIME.fullmatch(value):
            return "9", 2, f"{value!r} is not a valid time (HHMM, HHMMSS or HHMMSSDD)"
        length = len(value)
    else:
        if not (value.isascii() and value.isprintable()):
            return "6", 1, f"{_first_outside(value)} is outside the X12 basic and extended character sets"
        length = len(value)
    if length < spec.min_len:
        return "4", 2, f"{value!r} is {_chars(length)}; the minimum is {spec.min_len}"
    if length > spec.max_len:
        return "5", 2, f"{value!r} is {_chars(length)}; the maximum is {spec.max_len}"
    if spec.codes and value not in spec.codes:
        listed = ", ".join(sorted(spec.codes)[:12]) + (" …" if len(spec.codes) > 12 else "")
        return "7", 2, f"{value!r} is not a valid code here; the guide allows {listed}"
    if spec.external:
        codes = _external(spec.external)
        if codes is not None and value not in codes:
            return "7", 5, _not_listed(spec.external, value)
    if spec.regex and not re.fullmatch(spec.regex, value):
        return "I12", 2, f"{value!r} does not match the pattern the guide requires ({spec.regex})"
    return None


def _not_listed(list_name: str, value: str) -> str:
    """Why ``value`` is not in an external code list: the table it was checked against, and what became of a
    code that was in it (PQ: replaced by QC; AN: withdrawn 2010-12-15)."""
    from edi.validate.codesets import known_table

    table = known_table(list_name)
    if table is None:
        return f"{value!r} is not in the {list_name!r} code list (pyx12 codes.xml)"
    entry = table.lookup(value)
    if entry is not None and entry.deactivated:
        when = f" on {entry.stop}" if entry.stop else ""
        return f"{value!r} ({entry.name}) was withdrawn{when}; it is not in the {table.name} ({table.version})"
    return f"{value!r} is not in the {table.name} ({table.version})"


def _chars(n: int) -> str:
    return f"{n} character" if n == 1 else f"{n} characters"


SEEN_FIRST = 32    # clean segments every spec remembers (its file's common ones)
SEEN_LIMIT = 1024  # … and at most, for specs whose segments do repeat (remembered ones are seen again)


class SegmentChecker:
    """Checks every element of segments of one spec."""

    def __init__(self, spec: SegmentSpec) -> None:
        self.spec = spec
        self.rules = [_syntax_rule(text) for text in spec.syntax]
        self._memo: dict[tuple[str, ...], list[ElementProblem]] = {}
        self.seen: set[tuple[str, ...]] = set()   # segments found clean, written with the delimiters ``seen_with``
        self.seen_with: Delimiters | None = None
        self.hits = 0                              # segments passed because they were in ``seen``
        self._clean: Clean | None = None          # the fast test for ``seen_with``'s separators

    def clean(self, elements: tuple[str, ...], d: Delimiters) -> bool:
        """The fast test (edi.validate._fastpath): True only for a segment the full check finds nothing in."""
        if d is not self.seen_with:
            self._switch(d)
        return bool(self._clean(elements))  # type: ignore[misc]

    def _switch(self, d: Delimiters) -> None:
        """Another delimiters object (another interchange): the same delimiters keep what was seen; other ones get
        a fast test for their separators, and what was seen with the old ones is forgotten."""
        from edi.validate._fastpath import compile_clean

        old = self.seen_with
        if old is None or (d.element, d.component) != (old.element, old.component):
            self._clean = compile_clean(self.spec, d.element, d.component)
            self._memo.clear()  # its problems were found with other separators
        if old is None or d != old:
            self.seen.clear()
        self.seen_with = d  # adopted: later segments of its interchange pass the identity test

    def check(self, elements: tuple[str, ...], d: Delimiters) -> list[ElementProblem]:
        seen = self.seen
        if d is not self.seen_with:  # the first segment, or one of another interchange
            self._switch(d)
        if elements in seen:
            self.hits += 1
            return []  # dates, adjustment codes, line numbers: a file repeats the same segments a lot
        return self.check_unseen(elements, d)

    def check_unseen(self, elements: tuple[str, ...], d: Delimiters) -> list[ElementProblem]:
        """:meth:`check` for a caller that has made sure ``d is seen_with`` and the segment is not in ``seen``
        (the validator tests both inline, once per segment)."""
        if self._clean(elements):  # type: ignore[misc]
            seen = self.seen
            size = len(seen)
            if size < SEEN_FIRST or (size < SEEN_LIMIT and self.hits > size):
                seen.add(elements)  # names, amounts and ids rarely repeat: their specs stop remembering early
            return []
        memo = self._memo
        found = memo.get(elements)
        if found is None:
            found = self._check(elements, d)
            if len(memo) > 20000:
                memo.clear()
            memo[elements] = found
        return found

    def _check(self, elements: tuple[str, ...], d: Delimiters) -> list[ElementProblem]:
        spec = self.spec
        problems: list[ElementProblem] = []
        count = len(elements) - 1
        for n, element in enumerate(spec.elements, start=1):
            value = elements[n] if n <= count else ""
            if not value:
                if element.usage == "R":
                    problems.append(ElementProblem(n, 0, 0, element, "1", 2,
                                                   f"{element.id} {element.name} is required but missing", ""))
                continue
            if element.usage == "N":
                problems.append(ElementProblem(n, 0, 0, element, "I10", 2,
                                               f"{element.id} {element.name} is not used in this guide; remove it",
                                               value))
                continue
            problems.extend(self._element(n, value, element, d))
        for n in range(len(spec.elements) + 1, count + 1):
            if elements[n]:
                problems.append(ElementProblem(n, 0, 0, None, "3", 2,
                                               f"{spec.id} has {count} elements; the guide defines "
                                               f"{len(spec.elements)}", elements[n]))
        for rule in self.rules:
            problem = rule(elements, spec)
            if problem is not None:
                problems.append(problem)
        problems.extend(trailing_separators(elements, d.component))
        return problems

    def _element(self, n: int, value: str, element: ElementSpec, d: Delimiters) -> list[ElementProblem]:
        problems: list[ElementProblem] = []
        repeats = value.split(d.repetition) if element.repeat > 1 and d.repetition else [value]
        if len(repeats) > element.repeat:
            problems.append(ElementProblem(n, 0, 0, element, "12", 2, f"{element.id} repeats {len(repeats)} times; "
                                           f"at most {element.repeat} allowed", value))
        for r, item in enumerate(repeats, start=1 if len(repeats) > 1 else 0):
            if element.is_composite:
                problems.extend(self._composite(n, r, item, element, d))
            elif d.component in item and element.data_type not in ("AN",):
                problems.append(ElementProblem(n, 0, r, element, "13", 2, f"{element.id} is not a composite but "
                                               f"holds the component separator {d.component!r}", item))
            else:
                bad = check_value(item, element)
                if bad is not None:
                    problems.append(ElementProblem(n, 0, r, element, bad[0], bad[1],
                                                   f"{element.id} {element.name}: {bad[2]}", item))
        return problems

    def _composite(self, n: int, r: int, value: str, element: ElementSpec, d: Delimiters) -> list[ElementProblem]:
        parts = value.split(d.component)
        problems: list[ElementProblem] = []
        if len(parts) > len(element.components):
            problems.append(ElementProblem(n, len(parts), r, element, "13", 2, f"{element.id} has {len(parts)} "
                                           f"components; the guide defines {len(element.components)}", value))
        for k, component in enumerate(element.components, start=1):
            part = parts[k - 1] if k <= len(parts) else ""
            if not part:
                if component.usage == "R":
                    problems.append(ElementProblem(n, k, r, component, "1", 2,
                                                   f"{component.id} {component.name} is required but missing", ""))
                continue
            if component.usage == "N":
                problems.append(ElementProblem(n, k, r, component, "I10", 2,
                                               f"{component.id} {component.name} is not used in this guide", part))
                continue
            bad = check_value(part, component)
            if bad is not None:
                problems.append(ElementProblem(n, k, r, component, bad[0], bad[1],
                                               f"{component.id} {component.name}: {bad[2]}", part))
        return problems


def _syntax_rule(text: str):  # type: ignore[no-untyped-def]
    """X12 syntax notes: P paired, R required (at least one), E exclusion, C conditional, L list conditional."""
    kind, digits = text[0], text[1:]
    positions = [int(digits[i:i + 2]) for i in range(0, len(digits), 2)]

    def present(elements: tuple[str, ...], n: int) -> bool:
        return n < len(elements) and elements[n] != ""

    def problem(elements: tuple[str, ...], spec: SegmentSpec, n: int, ik403: str, message: str) -> ElementProblem:
        element = spec.element(n)
        return ElementProblem(n, 0, 0, element, ik403, 2, f"{spec.id} syntax rule {text}: {message}",
                              elements[n] if n < len(elements) else "")

    def check(elements: tuple[str, ...], spec: SegmentSpec) -> ElementProblem | None:
        here = [present(elements, n) for n in positions]
        first, rest = positions[0], positions[1:]
        refs = ", ".join(f"{spec.id}{n:02d}" for n in positions)
        if kind == "P" and any(here) and not all(here):
            missing = next(n for n, ok in zip(positions, here) if not ok)
            return problem(elements, spec, missing, "2", f"{refs} must be present together")
        if kind == "R" and not any(here):
            return problem(elements, spec, first, "2", f"at least one of {refs} is required")
        if kind == "E" and sum(here) > 1:
            second = [n for n, ok in zip(positions, here) if ok][1]
            return problem(elements, spec, second, "10", f"only one of {refs} may be present")
        if kind == "C" and here[0] and not all(here[1:]):
            missing = next(n for n, ok in zip(rest, here[1:]) if not ok)
            return problem(elements, spec, missing, "2", f"when {spec.id}{first:02d} is present, "
                           f"{', '.join(f'{spec.id}{n:02d}' for n in rest)} are required")
        if kind == "L" and here[0] and not any(here[1:]):
            return problem(elements, spec, rest[0], "2", f"when {spec.id}{first:02d} is present, one of "
                           f"{', '.join(f'{spec.id}{n:02d}' for n in rest)} is required")
        return None

    return check


def _first_outside(value: str) -> str:
    """The first character of ``value`` (read as ISO-8859-1) outside the X12 character sets, as a person would
    name it: a UTF-8 sequence ("JOSÉ" arrives as 'JOSÃ\x89') is shown as its character with its bytes."""
    at = next(i for i, c in enumerate(value) if not (c.isascii() and c.isprintable()))
    for width in (2, 3, 4):
        try:
            char = value[at:at + width].encode("latin-1").decode("utf-8")
        except (UnicodeDecodeError, UnicodeEncodeError):
            continue
        return f"{char!r} (UTF-8, bytes {value[at:at + width].encode('latin-1').hex(' ').upper()})"
    return repr(value[at])

