"""What an edit is and what it finds: a small registered function over a coded encounter, with a stable code, the
root cause it belongs to (coding, billing, credentialing, coverage) and the denial it prevents (a CARC).

An edit's function yields :class:`Hit` values (what is wrong, where, judged by what); the registry turns them into
:class:`ScrubFinding` values carrying the edit's code, root cause and denial, so a function holds only its rule::

    @edit("billing.charge.not_positive", root_cause=RootCause.BILLING, prevents="CO-16")
    def charge_positive(enc: Encounter, refs: References) -> Iterator[Hit]:
        \"\"\"A line's charge is more than zero.\"\"\"
        for n, line in enumerate(enc.lines):
            if line.charge <= 0:
                yield Hit(f"lines[{n}].charge is {line.charge}; …", f"lines[{n}].charge", line=n)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from edi.validate import Severity

if TYPE_CHECKING:
    from edi.claims.encounter import Encounter
    from edi.claims.scrub._context import References
    from edi.ledger import ScrubFinding as LedgerFinding


class RootCause(str, Enum):
    """Who fixes it: each root cause has its own next action (recode, fix the claim data, fix enrollment, verify
    coverage and bill the right payer or the patient)."""

    CODING = "coding"
    BILLING = "billing"
    CREDENTIALING = "credentialing"
    COVERAGE = "coverage"


@dataclass(frozen=True, slots=True)
class ScrubFinding:
    code: str                 # "coding.ncci.ptp" — stable, documented in docs/scrub-edits.md
    severity: Severity
    root_cause: RootCause
    prevents: str             # the denial it prevents, as group-CARC: "CO-236"
    message: str              # what is wrong, naming the field, and the fix
    encounter: str            # the encounter's id
    field: str = ""           # where, as a path in the encounter: "lines[2].modifiers", "diagnoses[0].code"
    line: str | None = None   # the line's id (its REF*6R) when the finding is about one line
    source: str = ""          # the reference data it was judged by: "ICD-10-CM FY2026", "NCCI PTP 2025Q3" …
    line_number: int | None = None   # the line's 1-based position (LX), as the ledger's scrub_findings keep it

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def for_ledger(self) -> LedgerFinding:
        """The finding as the ledger records it (``Journal`` scrub findings)."""
        from edi.ledger import ScrubFinding as Recorded
        return Recorded(self.code, self.severity.value, self.root_cause.value, self.message, self.field or None,
                        self.line_number, None, self.prevents)

    def as_dict(self) -> dict[str, str | int]:
        found: dict[str, str | int] = {
            "code": self.code, "severity": self.severity.value, "root_cause": self.root_cause.value,
            "prevents": self.prevents, "message": self.message, "encounter": self.encounter, "field": self.field,
            "line": self.line or "", "source": self.source}
        if self.line_number is not None:
            found["line_number"] = self.line_number
        return {k: v for k, v in found.items() if v}


@dataclass(frozen=True, slots=True)
class Hit:
    """What an edit's function finds; the registry adds the edit's code, root cause and denial."""

    message: str              # what is wrong, naming the field, and the fix
    field: str = ""           # path in the encounter: "lines[2].modifiers"
    line: int | None = None   # 0-based index of the line it is about (its REF*6R goes into the finding)
    source: str = ""          # reference data it was judged by
    severity: Severity | None = None   # None: the edit's (a payer profile may still change it)


Rule = Callable[["Encounter", "References"], Iterable[Hit]]
Check = Callable[["Encounter", "References"], Iterable[ScrubFinding]]


@dataclass(frozen=True, slots=True)
class Edit:
    code: str
    root_cause: RootCause
    prevents: str
    severity: Severity        # the default; a payer profile may change it or switch the edit off
    check: Check              # the findings of this edit on one encounter (before any payer profile)
    summary: str              # one line for docs/scrub-edits.md: what it catches
    data: str = ""            # the reference data it reads, for docs/scrub-edits.md
    profile_keys: tuple[str, ...] = ()   # the [scrub] keys of a payer profile that change what it does


EDITS: dict[str, Edit] = {}


def edit(code: str, *, root_cause: RootCause, prevents: str, severity: Severity = Severity.ERROR, data: str = "",
         profile_keys: tuple[str, ...] = ()) -> Callable[[Rule], Rule]:
    """Register an edit; its docstring's first paragraph is its summary in the generated docs."""
    def register(rule: Rule) -> Rule:
        if code in EDITS:
            raise ValueError(f"edit {code} is registered twice")
        doc = (rule.__doc__ or code).strip().split("\n\n")[0]
        summary = " ".join(doc.split())

        def check(enc: Encounter, refs: References) -> Iterator[ScrubFinding]:
            for hit in rule(enc, refs):
                line = None if hit.line is None else enc.line_control_number(hit.line + 1)
                yield ScrubFinding(code, hit.severity or severity, root_cause, prevents, hit.message, enc.id,
                                   hit.field, line, hit.source, None if hit.line is None else hit.line + 1)

        EDITS[code] = Edit(code, root_cause, prevents, severity, check, summary, data, profile_keys)
        return rule
    return register
