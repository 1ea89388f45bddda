"""SNIP 1 — the interchange header: each ISA element judged against X12.5, reported at the element with the TA1
note code (TA105) a receiver would answer with.

The reader takes any ISA whose delimiters it can find (``edi.x12._delimiters``): fields that are not padded, or
padded too long, and an ISA11 that cannot be a repetition separator. Judging them is done here, one finding per
element at most (the first of: unreadable characters, blank, not a valid value, wrong width). Names, data types,
lengths and code lists come from pyx12's control map for the interchange's version (``x12.control.00501.xml``, or
``x12.control.00401.xml`` for 0040x).

TA105 for a field of the wrong width is the note code of that element (005-020, 027), not 022 (Invalid Control
Structure) or 026 (Invalid Data Element Separator): X12.5 defines each ISA element with equal minimum and maximum
length, so a field of another width is an invalid value of that element, and naming it tells the sender which
field to pad. The interchange's structure (16 elements, IEA) and its separators are still sound — that is why
the reader could read it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from edi.guide import ElementSpec, SegmentSpec, load_guide
from edi.validate._elements import real_date
from edi.validate._finding import Finding, Location, Severity
from edi.x12 import Segment

# TA105 (data element I18, "Interchange Note Code") for a problem with each ISA element: its "Invalid … Value" code.
TA105 = {1: "010", 2: "011", 3: "012", 4: "013", 5: "005", 6: "006", 7: "007", 8: "008", 9: "014", 10: "015",
         11: "016", 12: "017", 13: "018", 14: "019", 15: "020", 16: "027"}
CONTROL_MAPS = {"0040": "x12.control.00401.xml"}   # by the first four characters of ISA12; else the 00501 map
DEFAULT_CONTROL_MAP = "x12.control.00501.xml"
REPETITION_SEPARATOR = "Repetition Separator"       # ISA11's name from 00501 on (pyx12's map keeps the 4010 name)
SEPARATORS = frozenset({11, 16})   # ISA11 from 00501 on, and ISA16: one character, which may be anything
REQUIRED = frozenset({5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})   # ISA02/ISA04 may be blank (ISA01/03 = 00)
_TIME = re.compile(r"([01][0-9]|2[0-3])[0-5][0-9]")


def isa_spec(version: str) -> SegmentSpec:
    """The control map's ISA spec for an interchange of ISA12 ``version``."""
    guide = load_guide(CONTROL_MAPS.get(version[:4], DEFAULT_CONTROL_MAP))
    return next(node for node in guide.nodes if isinstance(node, SegmentSpec) and node.id == "ISA")


def isa_findings(seg: Segment, file: str) -> list[Finding]:
    """Every problem with the elements of one ISA segment (none when it does not have its 16 elements: the
    envelope reports that, and the elements cannot be told apart)."""
    if len(seg.elements) != 17:
        return []
    spec = isa_spec(seg[12])
    findings = []
    for n, element in enumerate(spec.elements, start=1):
        problem = _problem(seg, n, element)
        if problem is not None:
            code, message = problem
            name = _name(element, seg)
            location = Location(file, (seg[13], None, None), seg.index, seg.line, "ISA", "", "", 0, element.id,
                                name, (n, 0, 0), element.data_ele, seg.text())
            findings.append(Finding(f"snip1.envelope.{code}", 1, Severity.ERROR, f"{element.id} {name} {message}",
                                    location, seg[n], ta1_note=TA105[n]))
    return findings


def _name(element: ElementSpec, seg: Segment) -> str:
    return REPETITION_SEPARATOR if element.seq == 11 and seg[12] >= "00501" else element.name


def _problem(seg: Segment, n: int, element: ElementSpec) -> tuple[str, str] | None:
    """(finding code without its prefix, what is wrong and the fix) for element n, or None."""
    raw = seg[n]
    value = raw if n in SEPARATORS else raw.strip(" ")  # a space is a (poor) separator, but a blank id is none
    return next(_checks(seg, n, raw, value, element), None)


def _checks(seg: Segment, n: int, raw: str, value: str, element: ElementSpec) -> Iterator[tuple[str, str]]:
    """The checks of one element, most telling first (the caller keeps the first problem)."""
    bad = next((c for c in raw if not (c.isascii() and c.isprintable())), None)
    if bad is not None:
        yield "isa.invalid_character", (f"holds {bad!r}, which is outside the X12 basic and extended character "
                                        "sets; ISA fields hold printable characters only")
    if not value and n in REQUIRED:
        yield "isa.blank", f"is blank; X12 requires it ({element.min_len} characters)"
    if n == 11 and seg[12] >= "00501":
        yield from _repetition_separator(seg, raw)
    elif n == 16:
        if raw == " ":
            yield "isa.component_separator", ("is a space, which data uses; choose a punctuation character "
                                              "such as ':' or '>'")
    elif n == 9 and not (len(value) == 6 and real_date(value)):
        yield "isa.date", f"{raw!r} is not a valid date (YYMMDD)"
    elif n == 10 and not (len(value) == 4 and _TIME.fullmatch(value)):
        yield "isa.time", f"{raw!r} is not a valid time (HHMM)"
    elif n == 12 and value not in element.codes:
        yield "isa.version", (f"{raw!r} is not an interchange control version we read ({', '.join(known_versions())}"
                              "); HIPAA 5010 interchanges carry 00501")
    elif n == 13 and not (len(value) == 9 and value.isascii() and value.isdigit()):
        yield "isa13.format", f"{raw!r} must be a 9-digit interchange control number"
    elif element.codes and value and value not in element.codes:
        yield "isa.code", f"{raw!r} is not a valid code; allowed: {', '.join(sorted(element.codes))}"
    if len(raw) != element.min_len:
        yield "isa.width", _width(raw, value, element)


@functools.cache
def known_versions() -> tuple[str, ...]:
    """The ISA12 versions the control maps list."""
    return tuple(sorted({code for version in ("00401", "00501") for code in isa_spec(version).elements[11].codes}))


def _repetition_separator(seg: Segment, raw: str) -> Iterator[tuple[str, str]]:
    """ISA11 from 00501 on: a delimiter of its own, or the reader takes the interchange as having none."""
    d = seg.delimiters
    used = {"element separator": seg.text()[3], "component separator (ISA16)": seg[16],
            "segment terminator": d.segment if d is not None else ""}
    clash = next((label for label, value in used.items() if value == raw), None)
    if clash is None and not (len(raw) == 1 and (raw.isalnum() or raw == " ")):
        return
    free = next(c for c in "^`|!{}~" if c not in used.values())
    what = (f"is also the {clash}" if clash is not None else "is a space" if raw == " " else
            "is a letter or digit, which data uses (before 00501 ISA11 was the standards identifier 'U')")
    yield "isa.repetition_separator", (f"{raw!r} {what}; from 00501 on ISA11 is a delimiter of its own, such as "
                                       f"{free!r}. Read as no repetition separator")


def _width(raw: str, value: str, element: ElementSpec) -> str:
    width = element.min_len
    chars = "character" if len(raw) == 1 else "characters"
    if len(value) > width:
        fix = f"shorten it to {width}"
    elif len(raw) > width:
        fix = f"remove {len(raw) - width} padding space{'s' if len(raw) - width > 1 else ''}"
    else:
        fix = f"pad it with spaces to {width}"
    return (f"is {len(raw)} {chars} ({raw!r}); X12 fixes it at {width}: {fix} (the ISA must be 106 characters; "
            "receivers read it by position)")
