"""Control numbers used twice across the files of one run: files are checked in separate processes, so an
interchange control number (ISA13) that another file of the run already used is found once their reports are
back (within one file the envelope framer finds it)."""

from __future__ import annotations

from collections.abc import Sequence

from edi.validate._engine import Report
from edi.validate._finding import Finding, Location, Severity

CODE = "snip1.envelope.isa13.duplicate"
TA1_NOTE = "025"   # duplicate interchange control number


def mark_duplicate_interchanges(reports: Sequence[Report]) -> None:
    """Add a finding to each interchange whose sender, receiver and ISA13 an earlier file of ``reports`` used."""
    seen: dict[tuple[str, str, str, str, str], str] = {}
    for report in reports:
        mine: set[tuple[str, str, str, str, str]] = set()
        for interchange in report.interchanges:
            key = (*interchange.sender, *interchange.receiver, interchange.control)
            other = seen.get(key)
            if other is not None and key not in mine:
                isa = interchange.header
                location = Location(report.file, (interchange.control, None, None), isa.index, isa.line, "ISA",
                                    element="ISA13", element_name="Interchange Control Number", text=isa.text())
                finding = Finding(CODE, 1, Severity.ERROR, f"ISA13 {interchange.control!r} was already used by an "
                                  f"interchange of {other} from the same sender to the same receiver; each "
                                  "interchange needs its own control number", location, value=interchange.control,
                                  ta1_note=TA1_NOTE)
                report.findings.insert(len(report.framing_findings), finding)
                report.framing_findings.append(finding)
            mine.add(key)
        for key in mine:
            seen.setdefault(key, report.file)
