"""The fast "is this segment clean?" test per segment spec and delimiters.

One regular expression over the segment's text (its elements joined again by the element separator) checks in C
what the full checker would check in Python: how many elements, required and not-used ones, each element's and
component's data type, length and characters, short code lists, no trailing separators. Long code lists and the
segment's syntax rules (P, R, E, C, L) are checked after the match in a few generated Python lines. The test is
sound — whenever it says clean, the full checker (edi.validate._elements) finds nothing; whatever it is not sure
of (a 29 February, a repeated element, a pattern the guide gives) goes to the full checker, which alone writes
findings. The elements must come from the tokenizer: none holds the element separator.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from edi.guide import ElementSpec, SegmentSpec
from edi.validate._elements import _external

Clean = Callable[[tuple[str, ...]], object]   # truthy when the segment is clean

INLINE_CODES = 64   # code lists up to this size go into the expression; longer ones are checked after it
NEVER = "(?!)"
_MONTH_DAY = ("(?:(?:0[13578]|1[02])(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)(?:0[1-9]|[12][0-9]|30)"
              "|02(?:0[1-9]|1[0-9]|2[0-8]))")     # 29 February is left to the full checker (leap years)
_HOUR_MINUTE = "(?:[01][0-9]|2[0-3])[0-5][0-9]"
_TIMES = {4: _HOUR_MINUTE, 6: _HOUR_MINUTE + "[0-5][0-9]", 7: _HOUR_MINUTE + "[0-5][0-9][0-9]",
          8: _HOUR_MINUTE + "[0-5][0-9][0-9][0-9]"}   # HHMM, HHMMSS, HHMMSSD, HHMMSSDD


def compile_clean(spec: SegmentSpec, element_separator: str = "*", component_separator: str = ":") -> Clean:
    """``clean(elements)`` for segments of ``spec`` written with these separators."""
    builder = _Builder(element_separator, component_separator)
    items = [builder.element(n, element) for n, element in enumerate(spec.elements, start=1)]
    required = max((n for n, e in enumerate(spec.elements, start=1) if e.usage == "R"), default=0)
    text = re.escape(spec.id) + _sequence(items, required, element_separator) + _not_after(element_separator)
    match, join = re.compile(text).fullmatch, element_separator.join
    if not builder.after and not spec.syntax:
        return lambda elements: match(join(elements))
    names: dict[str, Any] = {"match": match, "join": join, "c": component_separator}
    lines = ["def clean(e):", "    if not match(join(e)): return False", "    n = len(e)"]
    for k, (n, component, codes) in enumerate(builder.after):
        names[f"codes_{k}"] = codes
        lines.append(f"    v = e[{n}] if n > {n} else ''")
        if component:
            lines.append(f"    p = v.split(c); v = p[{component - 1}] if len(p) >= {component} else ''")
        lines.append(f"    if v and v not in codes_{k}: return False")
    for rule in spec.syntax:
        lines += _syntax_lines(rule)
    lines.append("    return True")
    exec("\n".join(lines), names)  # noqa: S102  (source generated from the guide's spec, no input data)
    return names["clean"]  # type: ignore[no-any-return]


class _Builder:
    """Builds the expression's parts for one pair of separators; ``after`` collects the long code lists to check
    after the match: (element position, component position or 0, codes)."""

    def __init__(self, element_separator: str, component_separator: str) -> None:
        self.e, self.c = element_separator, component_separator
        self.after: list[tuple[int, int, frozenset[str]]] = []

    def element(self, n: int, spec: ElementSpec) -> str:
        """The element's text between separators; it may be empty unless the element is required."""
        if spec.usage == "N" or spec.repeat > 1:  # repetitions are left to the full checker
            return NEVER if spec.usage == "R" else ""
        if spec.components:
            return self.composite(n, spec)
        value = self.value(spec, n, 0)
        return value if spec.usage == "R" else f"(?:{value})?"

    def composite(self, n: int, spec: ElementSpec) -> str:
        parts = []
        for k, component in enumerate(spec.components, start=1):
            if component.usage == "N":
                parts.append("")
            else:
                value = self.value(component, n, k)
                parts.append(value if component.usage == "R" else f"(?:{value})?")
        required = max((k for k, c in enumerate(spec.components, start=1) if c.usage == "R"), default=0)
        body = parts[0] + _sequence(parts[1:], required - 1, self.c) + _not_after(self.c)
        present = f"(?=[^{re.escape(self.e)}]){body}"   # a composite that is there has some text
        return present if spec.usage == "R" else f"(?:{present})?"

    def value(self, spec: ElementSpec, n: int, k: int) -> str:
        """A present (non-empty) value of a simple element (k = 0) or of component k."""
        if spec.regex:
            return NEVER
        typed = self.typed(spec, inside=k > 0)
        codes: frozenset[str] | None = spec.codes or None
        if spec.external:
            listed = _external(spec.external)
            if listed is not None:
                codes = listed if codes is None else codes & listed
        if codes is None:
            return typed
        if len(codes) > INLINE_CODES:
            self.after.append((n, k, codes))
            return typed
        fits = re.compile(typed).fullmatch
        kept = sorted(code for code in codes if fits(code))
        return _alternatives(kept) if kept else NEVER

    def typed(self, spec: ElementSpec, inside: bool = False) -> str:
        """A value of the element's data type and length, whatever its codes (``inside`` a composite: no
        component separator at all)."""
        kind, low, high = spec.data_type, spec.min_len, spec.max_len
        if kind == "R":  # -?(digits[.digits] | .digits), counting digits only
            return (rf"(?=-?\.?(?:[0-9]\.?){{{max(low, 1)},{high}}}(?![0-9.]))"
                    r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
        if kind.startswith("N"):
            return rf"-?[0-9]{{{max(low, 1)},{high}}}"
        if kind == "DT":
            dates = ([f"(?:1[89]|[2-9][0-9])[0-9][0-9]{_MONTH_DAY}"] if low <= 8 <= high else []) + (
                [f"[0-9][0-9]{_MONTH_DAY}"] if low <= 6 <= high else [])
            return f"(?:{'|'.join(dates)})" if dates else NEVER
        if kind == "TM":
            times = [pattern for size, pattern in _TIMES.items() if low <= size <= high]
            return f"(?:{'|'.join(times)})" if times else NEVER
        if kind == "AN" and not inside:  # any printable ASCII; the component separator may stand inside, not last
            return f"{_printable_but(self.e)}{{{max(low, 1)},{high}}}{_not_after(self.c)}"
        if kind in ("AN", "ID"):
            return f"{_printable_but(self.e + self.c)}{{{max(low, 1)},{high}}}"
        return NEVER  # a type the full checker knows better (binary …)


def _sequence(items: list[str], required: int, separator: str) -> str:
    """Each item after its separator, in order; items past position ``required`` may be left off at the end."""
    out = ""
    sep = re.escape(separator)
    for k in range(len(items), 0, -1):
        piece = sep + items[k - 1] + out
        out = piece if k <= required else f"(?:{piece})?"
    return out


def _not_after(separator: str) -> str:
    """The text so far does not end with the separator (no trailing separators)."""
    return f"(?<!{re.escape(separator)})"


@functools.lru_cache(maxsize=64)
def _printable_but(excluded: str) -> str:
    """One printable ASCII character (space to tilde: the X12 basic and extended sets) other than ``excluded``,
    as a class of ranges ("[ -)+-~]" for "*")."""
    allowed = [c for c in range(0x20, 0x7F) if chr(c) not in excluded]
    ranges: list[list[int]] = []
    for c in allowed:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])

    def char(c: int) -> str:
        return "\\" + chr(c) if chr(c) in "\\]^-[" else chr(c)
    return "[" + "".join(char(a) if a == b else f"{char(a)}-{char(b)}" for a, b in ranges) + "]"


def _alternatives(codes: list[str]) -> str:
    """Literal codes as one alternation shaped like a prefix tree (a code list of 60 tries few branches)."""
    tree: dict[str, Any] = {}
    for code in codes:
        node = tree
        for ch in code:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + emit(tree) + ")"


def _syntax_lines(rule: str) -> list[str]:
    """The X12 syntax rule ("P0304", "C0102", …) as generated lines over ``e`` and ``n`` (lookaheads in the
    expression were slower: each one scans the text again)."""
    kind, digits = rule[0], rule[1:]
    positions = [int(digits[i:i + 2]) for i in range(0, len(digits), 2)]
    here = [f"(n > {p} and e[{p}] != '')" for p in positions]
    first, rest = here[0], here[1:]
    if kind == "P":   # all or none
        return [f"    if ({' or '.join(here)}) and not ({' and '.join(here)}): return False"]
    if kind == "R":   # at least one
        return [f"    if not ({' or '.join(here)}): return False"]
    if kind == "E":   # at most one
        return [f"    if ({' + '.join(here)}) > 1: return False"]
    if kind == "C" and rest:   # if the first, then all the others
        return [f"    if {first} and not ({' and '.join(rest)}): return False"]
    if kind == "L" and rest:   # if the first, then at least one other
        return [f"    if {first} and not ({' or '.join(rest)}): return False"]
    return ["    return False"]  # a rule kind we do not know: let the full checker look
