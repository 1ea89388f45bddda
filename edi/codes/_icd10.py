"""ICD-10-CM by release: is a diagnosis code valid and billable on a date of service?

``mappings/codes/icd-10-cm.txt`` holds every code of every release FY2021 onwards, one sorted line per code with its
status in each release (column) of ``mappings/codes/icd-10-cm.toml``. The text is searched by bisection as it is
(one read of ~0.8 MB, no per-line work), so a process that checks one diagnosis pays about a millisecond.

A date of service falls in one release (the latest that started on or before it). Where that release is known, its
status decides; where it is not (no public source, or a source that omits the code's chapter), the nearest known
releases on either side decide: a code in neither is invalid, a code in only one is a *gap* (a warning that names
the releases compared). After the newest release (``valid_through``) the newest decides and the answer says the
table is out of date; before the oldest, the oldest decides and problems are not definite.
"""

from __future__ import annotations

import bisect
import functools
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

from edi._data import mapping_path
from edi.errors import MappingError

TABLE = ("codes", "icd-10-cm.txt")
MANIFEST = ("codes", "icd-10-cm.toml")
STATES = frozenset("BN.?")  # billable, not billable (has codes below it), not a code, not known


class Icd10Status(str, Enum):
    BILLABLE = "billable"            # a leaf code
    NOT_BILLABLE = "not billable"    # a category or subcategory with codes below it
    INVALID = "invalid"              # not an ICD-10-CM code (or a chapter/block range, or written with a dot)
    GAP = "gap"                      # the date's release is not known and its neighbours disagree


@dataclass(frozen=True, slots=True)
class Icd10Release:
    name: str                        # "FY2024", "FY2024 April update"
    fiscal_year: int
    start: date                      # first day in effect
    end: date                        # last day in effect (the day before the next release; valid_through for the last)
    source: str                      # where its codes came from; "" when no public source was reached
    url: str = ""
    note: str = ""

    @property
    def known(self) -> bool:
        return bool(self.source)

    @property
    def version(self) -> str:
        """The code-set name findings carry: "ICD-10-CM FY2024"."""
        return f"ICD-10-CM {self.name}"

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class Icd10Check:
    """The answer for one code on a date: what it is, which release said so, and how sure that is (the same for
    every date in one release)."""

    code: str
    status: Icd10Status
    release: Icd10Release            # the release the date falls in (the oldest / newest outside the table)
    definite: bool                   # False: a gap, a date before the table, or a release judged by neighbours
    message: str                     # "" for a billable code in a known release; else what was found, and why
    judged_by: tuple[Icd10Release, ...] = ()   # the neighbours compared when the release is not known
    out_of_date: bool = False        # the date is after the newest release's fiscal year

    @property
    def ok(self) -> bool:
        return self.status is Icd10Status.BILLABLE


class Icd10Table:
    """The code table (text searched by bisection) and its releases."""

    def __init__(self, text: str, releases: tuple[Icd10Release, ...], source: str = "<icd-10-cm.txt>") -> None:
        start = 0
        while text.startswith("#", start):  # the header comment; the rest is used as it is, no per-line work
            start = text.find("\n", start) + 1 or len(text)
        self.text = text[start:] if text.endswith("\n") or start >= len(text) else text[start:] + "\n"
        self.releases = releases
        self.source = source
        self._starts = [release.start for release in releases]
        self._found: dict[str, tuple[str, bool] | None] = {}  # lookups so far: a batch repeats its diagnoses
        self._checks: dict[tuple[str, int, bool, bool], Icd10Check] = {}

    # -- lines -------------------------------------------------------------------------------------------------
    def _first_at_or_after(self, code: str) -> int:
        """The offset of the first line whose code is ``code`` or sorts after it (len(text) when none)."""
        text = self.text
        lo, hi = 0, len(text)  # both always at a line start (or the end)
        while lo < hi:
            start = max(text.rfind("\n", 0, (lo + hi) // 2) + 1, lo)
            end = text.index("\n", start)
            if text[start:end].partition(" ")[0] < code:
                lo = end + 1
            else:
                hi = start
        return lo

    def _entry(self, offset: int) -> tuple[str, str, bool]:
        """(code, per-release states, title says unspecified) of the line at ``offset``."""
        fields = self.text[offset:self.text.index("\n", offset)].split(" ")
        states, unspecified = "B", False
        for field in fields[1:]:
            if field == "u":
                unspecified = True
            else:
                states = field
        return fields[0], states, unspecified

    def lookup(self, code: str) -> tuple[str, bool] | None:
        """(per-release states, unspecified flag) of a code in the table, None for one in no release."""
        try:
            return self._found[code]
        except KeyError:
            pass
        found: tuple[str, bool] | None = None
        if 3 <= len(code) <= 7 and "\n" not in code and " " not in code:
            offset = self._first_at_or_after(code)
            if offset < len(self.text):
                line, states, unspecified = self._entry(offset)
                if line == code:
                    found = states, unspecified
        if len(self._found) >= 65_536:  # bounded: a file of nonsense codes cannot grow it without end
            self._found.clear()
        self._found[code] = found
        return found

    def entries_from(self, code: str) -> Iterator[tuple[str, str, bool]]:
        """(code, states, unspecified) for the codes at or after ``code`` in sorted order."""
        offset, size = self._first_at_or_after(code), len(self.text)
        while offset < size:
            yield self._entry(offset)
            offset = self.text.index("\n", offset) + 1

    def state(self, states: str, index: int) -> str:
        """The state letter of release ``index``: a one-letter ``states`` holds for every known release."""
        if len(states) == 1:
            return states if self.releases[index].known else "?"
        return states[index]

    # -- releases ------------------------------------------------------------------------------------------------
    def release_index(self, day: date) -> int:
        """The index of the release in effect on ``day`` (0 before the first, the last after the newest)."""
        return max(bisect.bisect_right(self._starts, day) - 1, 0)

    def check(self, code: str, on: date) -> Icd10Check:
        """The answer for ``code`` on ``on`` (the same object for every date of one release)."""
        index = self.release_index(on)
        release = self.releases[index]
        key = (code, index, on < release.start, on > release.end)
        found = self._checks.get(key)
        if found is None:
            if len(self._checks) >= 65_536:
                self._checks.clear()
            found = self._checks[key] = self._check(*key)
        return found

    def _check(self, code: str, index: int, before: bool, after: bool) -> Icd10Check:
        found = self.lookup(code)
        states = found[0] if found else "."
        release = self.releases[index]
        state = self.state(states, index)
        judged: tuple[Icd10Release, ...] = ()
        if state == "?":
            state, judged = self._by_neighbours(states, index)
        status = {"B": Icd10Status.BILLABLE, "N": Icd10Status.NOT_BILLABLE, ".": Icd10Status.INVALID,
                  "?": Icd10Status.GAP}[state]
        definite = status is Icd10Status.BILLABLE or (status is not Icd10Status.GAP and not before)
        message = _explain(code, status, release, judged, states, self, before, after)
        return Icd10Check(code, status, release, definite, message, judged, after)

    def _by_neighbours(self, states: str, index: int) -> tuple[str, tuple[Icd10Release, ...]]:
        """The state the nearest known releases before and after ``index`` agree on, else "?" (a gap)."""
        known = [k for k in range(len(self.releases)) if self.state(states, k) != "?"]
        left = next((k for k in reversed(known) if k < index), None)
        right = next((k for k in known if k > index), None)
        sides = [k for k in (left, right) if k is not None]
        judged = tuple(self.releases[k] for k in sides)
        found = {self.state(states, k) for k in sides}
        return (found.pop() if len(found) == 1 else "?"), judged


def _explain(code: str, status: Icd10Status, release: Icd10Release, judged: tuple[Icd10Release, ...], states: str,
             table: Icd10Table, before: bool, after: bool) -> str:
    """Why ``code`` has ``status`` on a date in ``release``: which releases were read, and what they said."""
    if status is Icd10Status.BILLABLE and not judged and not before and not after:
        return ""
    index = table.releases.index(release)
    if status is Icd10Status.GAP:
        said = "; ".join(f"{r.name}: {_word(table.state(states, table.releases.index(r)))}" for r in judged)
        text = (f"may not be valid in {release.version}: no public source for that release was reached and the "
                f"releases around it disagree ({said}), so the code was added or deleted in between; check it "
                f"against the {release.name} release")
    else:
        text = {Icd10Status.INVALID: f"is not an ICD-10-CM code in {release.version}",
                Icd10Status.NOT_BILLABLE: f"is a category in {release.version}, with more specific codes below it, "
                                          "not a billable code",
                Icd10Status.BILLABLE: f"is billable in {release.version}"}[status]
        if judged:
            text += (f" (no public source for that release was reached; {' and '.join(r.name for r in judged)} "
                     "agree)")
        if status is Icd10Status.INVALID and len(states) > 1:
            text += _valid_elsewhere(states, table, index)
    if before:
        first = table.releases[0]
        text += (f"; the date is before the table's first release ({first.name}, from {first.start}), so check the "
                 f"code against that date's release")
    if after:
        text += (f"; the date is after the table's newest release ({release.name}, through {release.end}): the code "
                 f"table is out of date — add the new fiscal year's release (docs/code-sets.md)")
    return text


def _word(state: str) -> str:
    return {"B": "billable", "N": "a category", ".": "not a code"}.get(state, "not known")


def _valid_elsewhere(states: str, table: Icd10Table, index: int) -> str:
    """" (valid until …)" or " (valid from …)" for a code that is valid in another release than ``index``'s."""
    earlier = [k for k in range(index) if states[k] in "BN"]
    later = [k for k in range(index + 1, len(states)) if states[k] in "BN"]
    if earlier and not later:
        last = table.releases[earlier[-1]]
        return f" (it was valid in {last.name}, through {last.end}: deleted since)"
    if later:
        first = table.releases[later[0]]
        unknown = [table.releases[k].name for k in range(index + 1, later[0]) if states[k] == "?"]
        maybe = f", or from {unknown[0]} (no source reached)" if unknown else ""
        return f" (it is valid from {first.start}: {first.name}{maybe})"
    return ""


# -- loading ---------------------------------------------------------------------------------------------------
def read_releases(path: Path) -> tuple[tuple[Icd10Release, ...], list[dict[str, Any]]]:
    """The releases of a manifest (and its raw entries, for the builder), checked: dates in order, names unique."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(str(exc), str(path)) from exc
    raw = data.get("release")
    if not isinstance(raw, list) or not raw:
        raise MappingError("needs [[release]] entries, oldest first", str(path), "release")
    try:
        through = date.fromisoformat(str(data.get("valid_through", "")))
    except ValueError:
        raise MappingError("valid_through must be a date (YYYY-MM-DD)", str(path), "valid_through") from None
    starts: list[date] = []
    for n, entry in enumerate(raw, start=1):
        try:
            starts.append(date.fromisoformat(str(entry.get("start", ""))))
        except ValueError:
            raise MappingError("start must be a date (YYYY-MM-DD)", str(path), f"release {n} start") from None
        if not isinstance(entry.get("name"), str) or not isinstance(entry.get("fiscal_year"), int):
            raise MappingError("needs a name and a fiscal_year", str(path), f"release {n}")
    if starts != sorted(set(starts)) or through < starts[-1]:
        raise MappingError("release starts must increase and end before valid_through", str(path), "release")
    ends = [start - timedelta(days=1) for start in starts[1:]] + [through]
    releases = tuple(Icd10Release(e["name"], e["fiscal_year"], s, end, str(e.get("source", "")), str(e.get("url", "")),
                                  str(e.get("note", ""))) for e, s, end in zip(raw, starts, ends, strict=True))
    return releases, raw


@functools.cache
def icd10_table() -> Icd10Table:
    """The ICD-10-CM table of mappings/codes/ (cached: ~1 ms to load)."""
    manifest, path = mapping_path(*MANIFEST), mapping_path(*TABLE)
    releases, _ = read_releases(manifest)
    try:
        text = path.read_text(encoding="ascii")
    except OSError as exc:
        raise MappingError(f"cannot read the ICD-10-CM table: {exc.strerror}", str(path)) from exc
    return Icd10Table(text, releases, str(path))


@functools.lru_cache(maxsize=8192)  # a batch repeats its diagnoses and dates of service
def icd10(code: str, on: date) -> Icd10Check:
    """Whether diagnosis ``code`` (X12 form, no dot: J209) is valid and billable on ``on``, and by which release."""
    return icd10_table().check(code, on)


def icd10_children(code: str, on: date | None = None, limit: int = 3) -> list[str]:
    """A few billable codes below a category (in the release of ``on``, else the newest), to suggest in a finding."""
    table = icd10_table()
    index = table.release_index(on) if on is not None else len(table.releases) - 1
    found: list[str] = []
    for candidate, states, _ in table.entries_from(code):
        if not candidate.startswith(code) or len(found) >= limit:
            break
        if candidate != code and table.state(states, index) in "B?":
            found.append(candidate)
    return found


def unspecified_alternatives(code: str, on: date | None = None) -> list[str]:
    """More specific billable codes a billable "unspecified" code could be coded to; [] when it is not one.

    The rule (derived from the code hierarchy, not a CMS list): the code is billable and its title says
    "unspecified"; its siblings are the billable codes under its parent (the code less its last character) whose
    titles do not say "unspecified". When a 7-character code's base (its first six, placeholder X removed) is the
    unspecified one, the 7th character is an extension (encounter, fetus), so its siblings are the codes under the
    base's parent with the same extension: S00.00XA (unspecified superficial injury of scalp, initial) → S00.01XA,
    S00.02XA, …; E08.3219 (… unspecified eye) has the ordinary siblings E08.3211 … E08.3213. When every sibling
    is unspecified too, the specific codes one level up are the alternatives (I48.91 → I48.0, I48.11 …).
    """
    table = icd10_table()
    found = table.lookup(code)
    index = table.release_index(on) if on is not None else len(table.releases) - 1
    if found is None or not found[1] or table.state(found[0], index) not in "B?":
        return []
    parent, extension = code[:-1], ""
    if len(code) == 7:
        base = code[:6].rstrip("X")
        base_found = table.lookup(base)
        if base_found is not None and base_found[1]:  # the base is unspecified: the 7th character is an extension
            parent, extension = base[:-1], code[6]
    alternatives = _specific_under(table, parent, code, extension, index)
    if not alternatives and len(parent) > 3:
        # every sibling is unspecified too (I48.91 unspecified atrial fibrillation, I48.92 unspecified flutter):
        # the specific codes are one level up (I48.0, I48.11 …)
        alternatives = _specific_under(table, parent[:-1], code, extension, index)
    return alternatives


def _specific_under(table: Icd10Table, parent: str, code: str, extension: str, index: int) -> list[str]:
    alternatives = []
    for candidate, states, unspecified in table.entries_from(parent):
        if not candidate.startswith(parent):
            break
        if (candidate != code and not unspecified and candidate.endswith(extension)
                and (not extension or len(candidate) == 7) and table.state(states, index) == "B"):
            alternatives.append(candidate)
    return alternatives
