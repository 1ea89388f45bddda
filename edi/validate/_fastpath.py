"""A compiled "is this segment clean?" test per segment spec: one generated function whose checks are inlined
constants, so the common case — a segment with nothing wrong — costs a few operations per element. Anything it
is not sure of goes to the full checker (edi.validate._elements), which alone writes findings."""

from __future__ import annotations

from collections.abc import Callable

from edi.guide import ElementSpec, SegmentSpec
from edi.validate._elements import _DECIMAL, _INTEGER, _TIME, _external, real_date

Clean = Callable[[tuple[str, ...], str], bool]


def compile_clean(spec: SegmentSpec) -> Clean:
    """Generate ``clean(elements, component_separator) -> bool`` for one segment spec.

    Elements past the segment's last one are never looked at: once no later element is required, the checks of
    each further element sit inside ``if n > k:``, so a short segment of a long spec (CAS with one adjustment of
    six) costs only what it holds."""
    names: dict[str, object] = {"DEC": _DECIMAL.fullmatch, "INT": _INTEGER.fullmatch, "TIME": _TIME.fullmatch,
                                "real_date": real_date}
    lines = ["def clean(e, c):", "    n = len(e)", f"    if n > {len(spec.elements) + 1} or (n > 1 and e[-1] == ''):",
             "        return False"]
    required = [element.usage == "R" for element in spec.elements]
    depth = 1
    for seq, element in enumerate(spec.elements, start=1):
        if any(required[seq - 1:]):
            lines.append("    " * depth + f"if n <= {seq}: return False")   # a required element is still to come
        else:
            lines.append("    " * depth + f"if n > {seq}:")
            depth += 1
        lines += ["    " * depth + line for line in _element_lines(seq, element, names)]
    for k, rule in enumerate(spec.syntax):
        lines += _syntax_lines(rule, k)
    lines.append("    return True")
    namespace: dict[str, object] = dict(names)
    exec("\n".join(lines), namespace)  # noqa: S102  (source generated from the guide's spec, no input data)
    return namespace["clean"]  # type: ignore[return-value]


def _element_lines(seq: int, element: ElementSpec, names: dict[str, object]) -> list[str]:
    """The checks of element ``seq`` (present in the segment: ``n > seq``), without indentation."""
    if element.usage == "N":
        return [f"if e[{seq}]: return False"]
    head = [f"v = e[{seq}]"]
    if element.usage == "R":
        head.append("if not v: return False")
    if element.repeat > 1:
        return head + ["if v: return False"]  # repetitions: leave them to the full checker
    if element.is_composite:
        body = ["if v:", "    if v[-1] == c: return False",
                "    p = v.split(c)", f"    if len(p) > {len(element.components)}: return False",
                "    m = len(p)"]
        for k, comp in enumerate(element.components, start=1):
            test = _value_test("w", comp, names, f"e{seq}_{k}")
            body.append(f"    w = p[{k - 1}] if m > {k - 1} else ''")
            if comp.usage == "R":
                body.append("    if not w: return False")
            if comp.usage == "N":
                body.append("    if w: return False")
            elif test:
                body.append(f"    if w and not ({test}): return False")
        return head + body
    test = _value_test("v", element, names, f"e{seq}")
    lines = head + ["if v and c in v: return False"] if element.data_type != "AN" else head + \
        ["if v and v[-1] == c: return False"]
    if test:
        lines.append(f"if v and not ({test}): return False")
    return lines


def _value_test(var: str, spec: ElementSpec, names: dict[str, object], key: str) -> str:
    """A Python expression true when ``var`` (non-empty) is fine for ``spec``; "" to check nothing."""
    kind = spec.data_type
    low, high = spec.min_len, spec.max_len
    if spec.regex:
        return "False"
    if kind == "R":
        test = f"DEC({var}) and {low} <= len({var}) - {var}.count('-') - {var}.count('.') <= {high}"
    elif kind.startswith("N"):
        test = f"INT({var}) and {low} <= len({var}.lstrip('-')) <= {high}"
    elif kind == "DT":
        test = f"real_date({var}) and {low} <= len({var}) <= {high}"
    elif kind == "TM":
        test = f"TIME({var}) and {low} <= len({var}) <= {high}"
    else:
        test = f"{var}.isascii() and {var}.isprintable() and {low} <= len({var}) <= {high}"
    if spec.codes:
        names[f"codes_{key}"] = spec.codes
        test += f" and {var} in codes_{key}"
    if spec.external:
        codes = _external(spec.external)
        if codes is not None:
            names[f"ext_{key}"] = codes
            test += f" and {var} in ext_{key}"
    return test


def _syntax_lines(rule: str, k: int) -> list[str]:
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
