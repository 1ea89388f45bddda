"""Age- and sex-specific ICD-10-CM codes (mappings/codes/icd-10-cm-sex-age.csv): what the scrubber compares with
the patient's age on the date of service and sex. Sources per row: CMS's Medicare Code Editor lists, or ranges
derived from ICD-10-CM titles where no CMS list was reached (docs/code-sets.md)."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from edi._data import mapping_path
from edi.errors import MappingError

TABLE = ("codes", "icd-10-cm-sex-age.csv")
_COLUMNS = ("first", "last", "edit", "value", "age_min", "age_max", "source")


@dataclass(frozen=True, slots=True)
class SexAgeRule:
    first: str
    last: str                        # the rule covers codes whose first len(first) characters sort first..last
    edit: str                        # "age" or "sex"
    value: str                       # "newborn", "pediatric", "maternity"; "F", "M"
    age_min: int | None              # years, inclusive (age rules)
    age_max: int | None
    source: str                      # "mce-v37-4A", "derived: block N40-N53 …"

    def matches(self, code: str) -> bool:
        return self.first <= code[:len(self.first)] <= self.last

    def allows_age(self, years: int) -> bool:
        return self.age_min is None or self.age_max is None or self.age_min <= years <= self.age_max


@dataclass(frozen=True, slots=True)
class SexAge:
    """What ``sex_age(code)`` answers: the sex and age range a code is limited to (None: not limited)."""

    code: str
    sex: str | None                  # "F" or "M"
    age: tuple[int, int] | None      # (min, max) years inclusive
    category: str | None             # the MCE age category: "newborn", "pediatric", "maternity"
    rules: tuple[SexAgeRule, ...]    # the rows that matched, with their sources

    @property
    def limited(self) -> bool:
        return bool(self.rules)


def read_rules(path: Path) -> tuple[SexAgeRule, ...]:
    try:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    except OSError as exc:
        raise MappingError(f"cannot read the table: {exc.strerror}", str(path)) from exc
    reader = csv.reader(lines)
    if tuple(next(reader, ())) != _COLUMNS:
        raise MappingError(f"the header must be {','.join(_COLUMNS)}", str(path), "header")
    rules = []
    for n, row in enumerate(reader, start=1):
        if len(row) != len(_COLUMNS):
            raise MappingError(f"{len(row)} fields, expected {len(_COLUMNS)}", str(path), f"row {n}")
        first, last, edit, value, low, high, source = row
        if edit not in ("age", "sex") or (edit == "sex") != (value in ("F", "M")) or len(first) != len(last):
            raise MappingError("edit must be age (with a category) or sex (F or M), first and last of one length",
                               str(path), f"row {n}")
        try:
            ages = (int(low), int(high)) if edit == "age" else (None, None)
        except ValueError:
            raise MappingError("an age rule needs age_min and age_max in years", str(path), f"row {n}") from None
        rules.append(SexAgeRule(first, last, edit, value, ages[0], ages[1], source))
    return tuple(rules)


@functools.cache
def _rules() -> tuple[SexAgeRule, ...]:
    return read_rules(mapping_path(*TABLE))


@functools.lru_cache(maxsize=4096)
def sex_age(code: str) -> SexAge:
    """The sex and age limits of ICD-10-CM ``code`` (X12 form, no dot)."""
    rules = tuple(rule for rule in _rules() if rule.matches(code))
    sex = next((r.value for r in rules if r.edit == "sex"), None)
    age_rule = next((r for r in rules if r.edit == "age"), None)
    age = (age_rule.age_min, age_rule.age_max) if age_rule and age_rule.age_min is not None \
        and age_rule.age_max is not None else None
    return SexAge(code, sex, age, age_rule.value if age_rule else None, rules)
