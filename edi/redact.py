"""De-identification of 837P, 837I, 835, 277CA and 999 files (`edi redact`): the PHI mappings/redact.toml places — names,
addresses, patient dates, member and patient ids, claim numbers, phones, free text — replaced consistently under
a key, everything else (structure, control numbers, amounts, codes, provider and payer ids) kept byte for byte.

Consistent: the same value gives the same replacement wherever it appears and in every file redacted with the
same key, so a redacted 837's claims still match their redacted 835 (CLM01 = CLP01, REF*6R, member ids). Ids keep
their shape (digits for digits, letters for letters, same length), so they pass the same syntax checks; dates
move by a number of days fixed per patient (keyed by the subscriber's member id), so intervals and order stay.

    counts = redact(Path("claims.837"), out_stream, key=b"secret")   # {"last_name": 12, "date": 40, …}

One segment at a time (edi.guide.walk_segments): memory stays flat on files of any size.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from edi._data import mapping_path, read_toml
from edi.errors import MappingError
from edi.guide import walk_segments
from edi.x12 import Segment, Source
from edi.x12._writer import iter_bytes

KINDS = ("last_name", "first_name", "middle_name", "name_suffix", "id", "npi", "street", "city", "zip", "date",
         "code_date", "phone", "email", "text")
# Fictional replacements: common US surnames and given names, made-up streets and towns.
LAST = ("SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS", "RODRIGUEZ", "MARTINEZ",
        "HERNANDEZ", "LOPEZ", "GONZALEZ", "WILSON", "ANDERSON", "THOMAS", "TAYLOR", "MOORE", "JACKSON", "MARTIN",
        "LEE", "PEREZ", "THOMPSON", "WHITE", "HARRIS", "SANCHEZ", "CLARK", "RAMIREZ", "LEWIS", "ROBINSON")
FIRST = ("JAMES", "MARY", "ROBERT", "PATRICIA", "JOHN", "JENNIFER", "MICHAEL", "LINDA", "DAVID", "ELIZABETH",
         "WILLIAM", "BARBARA", "RICHARD", "SUSAN", "JOSEPH", "JESSICA", "THOMAS", "SARAH", "CHARLES", "KAREN",
         "MARIA", "DANIEL", "NANCY", "MATTHEW", "LISA", "ANTHONY", "BETTY", "MARK", "SANDRA", "DONALD")
STREETS = ("MAPLE", "OAK", "CEDAR", "PINE", "ELM", "BIRCH", "WILLOW", "ASPEN", "SPRUCE", "HICKORY")
TOWNS = ("SPRINGFIELD", "FAIRVIEW", "RIVERSIDE", "GREENVILLE", "FRANKLIN", "CLINTON", "MADISON", "GEORGETOWN",
         "ARLINGTON", "SALEM")
MAX_SHIFT_DAYS = 30       # dates move back 1 to 30 days


@dataclass(frozen=True)
class Rule:
    when: Mapping[int, frozenset[str]]     # element position → qualifiers the rule applies to
    elements: Mapping[int, str]            # element position → kind

    def applies(self, seg: Segment) -> bool:
        elements = seg.elements
        return all((elements[i] if i < len(elements) else "") in allowed for i, allowed in self.when.items())


@functools.cache
def rules(providers: bool = False) -> dict[tuple[str, str], tuple[Rule, ...]]:
    """(loop id, segment id) → its rules, from mappings/redact.toml (a bad hand edit is named by its key); with
    ``providers``, the [providers] tables too."""
    path = mapping_path("redact.toml")
    data = read_toml(path)
    found: dict[tuple[str, str], tuple[Rule, ...]] = {}
    tables = [("loops", data.get("loops", {}))] + ([("providers", data.get("providers", {}))] if providers else [])
    for table, loops in tables:
        _read_rules(table, loops, path, found)
    return found


def _read_rules(table: str, loops: dict[str, Any], path: Path, found: dict[tuple[str, str], tuple[Rule, ...]]) -> None:
    for loop, segments in loops.items():
        for seg_id, entries in segments.items():
            built = []
            for n, entry in enumerate(entries):
                where = f"{table}.{loop}.{seg_id}[{n}]"
                try:
                    elements = {int(k): v for k, v in entry["elements"].items()}
                    when = {int(k): frozenset(v) for k, v in entry.get("when", {}).items()}
                except (KeyError, ValueError, TypeError, AttributeError) as exc:
                    raise MappingError(f"{where}: needs elements = {{position = kind}} and an optional when = "
                                       f"{{position = [qualifiers]}} ({exc})", str(path), where) from exc
                unknown = sorted(set(elements.values()) - set(KINDS))
                if unknown:
                    raise MappingError(f"{where}: unknown kind(s) {', '.join(unknown)}; kinds are "
                                       f"{', '.join(KINDS)}", str(path), where)
                built.append(Rule(when, elements))
            found[(loop, seg_id)] = found.get((loop, seg_id), ()) + tuple(built)


class Redactor:
    """The replacements of one key: deterministic, so equal values give equal replacements."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self.counts: Counter[str] = Counter()
        self._shift = timedelta(0)
        self.insured_seen = False      # an 835 claim payment's NM1*IL set the patient: a later NM1*QC does not

    def _digest(self, kind: str, value: str) -> bytes:
        return hmac.new(self._key, f"{kind}\x1f{value}".encode(), hashlib.sha256).digest()

    def set_patient(self, member_id: str) -> None:
        """Dates from here on move by this patient's shift."""
        days = 1 + int.from_bytes(self._digest("shift", member_id)[:4], "big") % MAX_SHIFT_DAYS
        self._shift = timedelta(days=-days)

    def replace(self, kind: str, value: str, component: str) -> str:
        """The replacement of one value (blank values stay blank); every value replaced is counted."""
        if not value.strip():
            return value
        new = self._replacement(kind, value, component)
        if kind != "code_date" or new != value:     # a code without a date is no PHI
            self.counts[kind] += 1
        return new

    def _replacement(self, kind: str, value: str, component: str) -> str:
        if kind == "date":
            return self._date(value)
        if kind == "code_date":
            parts = value.split(component)
            if len(parts) >= 4 and parts[2] in ("D8", "RD8"):
                parts[3] = self._date(parts[3])
                return component.join(parts)
            return value
        if kind == "npi":
            return _npi(self._digest("npi", value)) if len(value) == 10 and value.isdigit() else value
        if kind == "zip":
            return value[:3] + "".join("0" if c.isdigit() else c for c in value[3:])
        digest = self._digest("value", value)
        pick = int.from_bytes(digest[:4], "big")
        if kind == "last_name":
            return _other(LAST, pick, value)
        if kind in ("first_name", "middle_name"):
            name = _other(FIRST, pick, value)
            return name[0] if len(value) == 1 else name        # an initial stays an initial
        if kind == "name_suffix":
            return ""
        if kind == "street":
            return f"{100 + pick % 9800} {STREETS[pick % len(STREETS)]} ST"
        if kind == "city":
            return _other(TOWNS, pick, value)
        if kind == "email":
            return f"patient{pick % 100000}@example.com"
        if kind == "text":
            return "REDACTED"
        return _shaped(value, digest)          # id, phone

    def _date(self, value: str) -> str:
        if "-" in value:
            return "-".join(self._date(part) for part in value.split("-", 1))
        if len(value) < 8 or not value[:8].isdigit():
            return value                       # not a date: left for the validator to report
        try:
            day = date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        except ValueError:
            return value
        return (day + self._shift).strftime("%Y%m%d") + value[8:]


def _npi(digest: bytes) -> str:
    """A valid NPI (Luhn check digit over 80840 + the first nine digits, as CMS defines it) from a digest."""
    body = "1" + "".join(str(b % 10) for b in digest[:8])
    digits = [int(d) for d in "80840" + body]
    total = 0
    for i, d in enumerate(reversed(digits)):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def _other(names: tuple[str, ...], pick: int, value: str) -> str:
    """A name from the list, never the value itself (a real SMITH does not stay SMITH)."""
    name = names[pick % len(names)]
    return names[(pick + 1) % len(names)] if name == value.upper() else name


def _shaped(value: str, digest: bytes) -> str:
    """Digits → digits, letters → letters (case kept), anything else kept: the same length and shape."""
    stream = hashlib.shake_256(digest).digest(len(value))
    out = []
    for ch, byte in zip(value, stream):
        if ch.isdigit():
            out.append(str(byte % 10))
        elif "A" <= ch <= "Z":
            out.append(chr(ord("A") + byte % 26))
        elif "a" <= ch <= "z":
            out.append(chr(ord("a") + byte % 26))
        else:
            out.append(ch)
    return "".join(out)


def redact(source: Source, out: BinaryIO, *, key: bytes, name: str | None = None,
           touched: set[int] | None = None, providers: bool = False) -> Counter[str]:
    """Write ``source`` to ``out`` with its PHI replaced; return how many values of each kind were replaced.
    ``touched`` collects the index of every segment changed; ``providers`` replaces provider and payer names and
    ids too."""
    redactor = Redactor(key)
    for chunk in iter_bytes(_redacted(source, redactor, name, touched, rules(providers))):
        out.write(chunk)
    return redactor.counts


def _redacted(source: Source, redactor: Redactor, name: str | None, touched: set[int] | None,
              table: dict[tuple[str, str], tuple[Rule, ...]]) -> Iterator[Segment]:
    loops: list[str] = []
    for _role, seg, transaction, closed, opened, _spec in walk_segments(source, name=name):
        for _ in closed:
            if loops:
                loops.pop()
        loops.extend(loop.id for loop in opened)
        if transaction is None or not loops:
            yield seg
            continue
        loop = loops[-1]
        _follow_patient(loop, seg, redactor)
        found = table.get((loop, seg.id))
        if not found:
            yield seg
            continue
        elements = list(seg.elements)
        component = seg.delimiters.component if seg.delimiters is not None else ":"
        for rule in found:
            if rule.applies(seg):
                for i, kind in rule.elements.items():
                    if i < len(elements):
                        elements[i] = redactor.replace(kind, elements[i], component)
        if tuple(elements) == seg.elements:
            yield seg
            continue
        if touched is not None:
            touched.add(seg.index)
        yield seg.replace(elements=tuple(elements))


def _follow_patient(loop: str, seg: Segment, redactor: Redactor) -> None:
    """Set the patient whose dates follow, read before it is replaced: the 837's subscriber (2010BA NM109); in an
    835 claim payment the insured (NM1*IL), else the patient (NM1*QC), else the claim's number (CLP01) — the 835's
    insured or patient id being the 837's subscriber id, a claim and its payment shift alike."""
    elements = seg.elements
    if seg.id == "CLP" and len(elements) > 1:
        redactor.set_patient(elements[1])
        redactor.insured_seen = False
    elif seg.id == "NM1" and len(elements) > 9 and elements[9]:
        if loop in ("2010BA", "2100D"):      # 837 subscriber, 277CA patient
            redactor.set_patient(elements[9])
        elif loop == "2100" and (elements[1] == "IL" or elements[1] == "QC" and not redactor.insured_seen):
            redactor.set_patient(elements[9])
            redactor.insured_seen = elements[1] == "IL"
