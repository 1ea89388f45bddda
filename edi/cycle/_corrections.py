"""The corrections a rule can make (``mappings/cycle/corrections.toml``): a scrub finding's code → a fix applied to
the encounter. A held claim is fixed from the findings that held it; a denied one from the findings whose denial
(``prevents``, group-CARC) is the payer's. An encounter is corrected only when every finding to fix has a rule."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from msgspec.structs import replace

from edi._data import TableReader, mapping_path, read_toml
from edi.claims.encounter import Encounter, Line
from edi.claims.scrub import ScrubFinding
from edi.errors import MappingError

_LINE = re.compile(r"lines\[(\d+)\]")


@dataclass(frozen=True, slots=True)
class Rule:
    finding: str          # the scrub edit's code
    denial: str           # the denial it explains (documentation: the finding's own ``prevents`` decides)
    fix: str
    modifier: str = ""


@dataclass(frozen=True, slots=True)
class Authorization:
    payer_id: str
    member_id: str
    procedure_code: str   # "" for the visit as a whole
    number: str
    valid_from: date
    valid_to: date


class Authorizations:
    """The payers' prior authorizations (CSV: payer_id, member_id, procedure_code, authorization, valid_from,
    valid_to), looked up by the claim they belong to."""

    def __init__(self, rows: Iterable[Authorization] = ()) -> None:
        self.by_member: dict[tuple[str, str], list[Authorization]] = {}
        for row in rows:
            self.by_member.setdefault((row.payer_id, row.member_id), []).append(row)

    @classmethod
    def read(cls, path: Path | None) -> Authorizations:
        if path is None:
            return cls()
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise MappingError(f"not UTF-8 text (byte {exc.start}); give the CSV in UTF-8", str(path)) from None
        rows = []
        try:
            reader = list(csv.DictReader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise MappingError(f"not CSV ({exc})", str(path)) from None
        for n, row in enumerate(reader, 2):
            try:
                rows.append(Authorization(row["payer_id"], row["member_id"], row["procedure_code"] or "",
                                          row["authorization"], date.fromisoformat(row["valid_from"]),
                                          date.fromisoformat(row["valid_to"])))
            except (KeyError, TypeError, ValueError) as exc:
                raise MappingError(f"not an authorization row ({exc}); the columns are payer_id, member_id, "
                                   "procedure_code, authorization, valid_from, valid_to (YYYY-MM-DD)",
                                   str(path), f"row {n}") from None
        return cls(rows)

    def find(self, enc: Encounter) -> str | None:
        period = enc.service_period
        if period is None:
            return None
        codes = {line.procedure_code for line in enc.lines}
        for auth in self.by_member.get((enc.billed.payer.id, enc.billed.member_id), ()):
            if auth.valid_from <= period[0] and period[1] <= auth.valid_to and \
                    (not auth.procedure_code or auth.procedure_code in codes):
                return auth.number
        return None


def load_rules(path: Path | None = None) -> dict[str, Rule]:
    """The rules by finding code; a bad file is a MappingError naming the key."""
    path = path or mapping_path("cycle", "corrections.toml")
    doc = read_toml(path)
    rules: dict[str, Rule] = {}
    for n, raw in enumerate(doc.get("rule", [])):
        get = TableReader(raw, str(path), f"rule[{n}]")
        rule = Rule(get.string("finding"), get.string("denial"), get.string("fix"), get.string("modifier"))
        if rule.fix not in FIXES:
            raise get.fail("fix", f"{rule.fix!r} is no fix; the fixes are {', '.join(sorted(FIXES))}")
        if rule.fix.endswith("_modifier") and not rule.modifier:
            raise get.fail("modifier", "a modifier fix names its modifier")
        rules[rule.finding] = rule
    return rules


Fix = Callable[[Encounter, ScrubFinding, Rule, Authorizations], "Encounter | None"]


def _line_index(finding: ScrubFinding) -> int | None:
    if finding.line_number is not None:
        return finding.line_number - 1
    found = _LINE.search(finding.field)
    return int(found.group(1)) if found else None


def _on_line(enc: Encounter, finding: ScrubFinding, change: Callable[[Line], Line]) -> Encounter | None:
    n = _line_index(finding)
    if n is None or n >= len(enc.lines):
        return None
    return replace(enc, lines=(*enc.lines[:n], change(enc.lines[n]), *enc.lines[n + 1:]))


def _drop_pointers(enc: Encounter, finding: ScrubFinding, rule: Rule, auths: Authorizations) -> Encounter | None:
    count = len(enc.diagnoses)
    return replace(enc, lines=tuple(replace(line, diagnosis_pointers=tuple(
        p for p in line.diagnosis_pointers if 1 <= p <= count) or (1,)) for line in enc.lines))


def _point_to_principal(enc: Encounter, finding: ScrubFinding, rule: Rule, auths: Authorizations) -> Encounter | None:
    first = enc.lines[0]
    pointers = (1, *(p for p in first.diagnosis_pointers if p != 1))[:4]
    return replace(enc, lines=(replace(first, diagnosis_pointers=pointers), *enc.lines[1:]))


def _add_modifier(enc: Encounter, finding: ScrubFinding, rule: Rule, auths: Authorizations) -> Encounter | None:
    return _on_line(enc, finding, lambda line: line if rule.modifier in line.modifiers or len(line.modifiers) >= 4
                    else replace(line, modifiers=(rule.modifier, *line.modifiers)))


def _remove_modifier(enc: Encounter, finding: ScrubFinding, rule: Rule, auths: Authorizations) -> Encounter | None:
    return _on_line(enc, finding, lambda line: replace(
        line, modifiers=tuple(m for m in line.modifiers if m != rule.modifier)))


def _attach_authorization(enc: Encounter, finding: ScrubFinding, rule: Rule,
                          auths: Authorizations) -> Encounter | None:
    number = auths.find(enc)
    return None if number is None else replace(enc, prior_authorization=number)


def _as_original(enc: Encounter, finding: ScrubFinding, rule: Rule, auths: Authorizations) -> Encounter | None:
    return replace(enc, frequency="1", original_claim_number="")


FIXES: dict[str, Fix] = {
    "drop_pointers_out_of_range": _drop_pointers, "point_to_principal": _point_to_principal,
    "add_modifier": _add_modifier, "remove_modifier": _remove_modifier,
    "attach_authorization": _attach_authorization, "as_original": _as_original}


def correct(enc: Encounter, findings: Iterable[ScrubFinding], rules: dict[str, Rule],
            auths: Authorizations) -> tuple[Encounter, tuple[str, ...]] | None:
    """The encounter with every finding fixed, and the codes fixed; None when one has no rule or its rule cannot
    fix it (no authorization on the list)."""
    fixed: list[str] = []
    for finding in findings:
        rule = rules.get(finding.code)
        changed = FIXES[rule.fix](enc, finding, rule, auths) if rule is not None else None
        if changed is None:
            return None
        enc = changed
        fixed.append(finding.code)
    return (enc, tuple(dict.fromkeys(fixed))) if fixed else None
