"""What an edit is and what it finds: a small registered function over a coded encounter, with a stable code, the
root cause it belongs to (coding, billing, credentialing, coverage) and the denial it prevents (a CARC)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from edi.validate import Severity

if TYPE_CHECKING:
    from edi.claims.encounter import Encounter
    from edi.claims.scrub._context import References


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

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


Check = Callable[["Encounter", "References"], Iterable[ScrubFinding]]


@dataclass(frozen=True, slots=True)
class Edit:
    code: str
    root_cause: RootCause
    prevents: str
    severity: Severity        # the default; a payer profile may change it or switch the edit off
    check: Check
    summary: str              # one line for docs/scrub-edits.md: what it catches


EDITS: dict[str, Edit] = {}


def edit(code: str, *, root_cause: RootCause, prevents: str,
         severity: Severity = Severity.ERROR) -> Callable[[Check], Check]:
    """Register an edit; its docstring's first line is its summary in the generated docs."""
    def register(check: Check) -> Check:
        if code in EDITS:
            raise ValueError(f"edit {code} is registered twice")
        summary = (check.__doc__ or "").strip().splitlines()[0] if check.__doc__ else code
        EDITS[code] = Edit(code, root_cause, prevents, severity, check, summary)
        return check
    return register
