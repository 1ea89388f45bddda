"""Control numbers used twice across the files of one run: files are checked in separate processes, so an
interchange control number (ISA13) that another file of the run already used is found once their reports are
back (within one file the envelope framer finds it)."""

from __future__ import annotations

from collections.abc import Sequence

from edi.validate._engine import Report
from edi.validate._finding import Finding, Location, Severity
from edi.x12 import Interchange

CODE = "snip1.envelope.isa13.duplicate"
TA1_NOTE = "025"   # duplicate interchange control number


class InterchangeRegistry:
    """The interchanges of the files of one run, seen so far: :meth:`check` finds those of the next file whose
    sender, receiver and ISA13 an earlier file used."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str, str, str, str], str] = {}

    def check(self, report: Report) -> list[Finding]:
        """Findings for ``report``'s reused control numbers (also added to the report); then remember its own."""
        found, mine = [], set()
        for interchange in report.interchanges:
            key = (*interchange.sender, *interchange.receiver, interchange.control)
            other = self.seen.get(key)
            if other is not None and key not in mine:
                found.append(_duplicate(report, interchange, other))
            mine.add(key)
        for key in mine:
            self.seen.setdefault(key, report.file)
        for finding in found:
            report.findings.insert(len(report.framing_findings), finding)
            report.framing_findings.append(finding)
        return found


def _duplicate(report: Report, interchange: Interchange, other: str) -> Finding:
    isa = interchange.header
    location = Location(report.file, (interchange.control, None, None), isa.index, isa.line, "ISA",
                        element="ISA13", element_name="Interchange Control Number", text=isa.text(),
                        offset=isa.offset)
    return Finding(CODE, 1, Severity.ERROR, f"ISA13 {interchange.control!r} was already used by an interchange of "
                   f"{other} from the same sender to the same receiver; each interchange needs its own control "
                   "number", location, value=interchange.control, ta1_note=TA1_NOTE)


def mark_duplicate_interchanges(reports: Sequence[Report], registry: InterchangeRegistry | None = None) -> None:
    """Add a finding to each interchange whose sender, receiver and ISA13 an earlier file of ``reports`` used."""
    registry = registry or InterchangeRegistry()
    for report in reports:
        registry.check(report)
