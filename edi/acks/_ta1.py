"""TA1 interchange acknowledgments from a validation report: one per interchange, with the first
interchange-level problem's note code."""

from __future__ import annotations

from datetime import date

from edi.models.acks import InterchangeAck
from edi.validate import Report


def build_ta1(report: Report) -> list[InterchangeAck]:
    acks = []
    for interchange in report.interchanges:
        isa = interchange.header
        notes = [f.ta1_note for f in report.findings
                 if f.ta1_note and f.location.control[0] == interchange.control and f.is_error]
        acks.append(InterchangeAck(control_number=interchange.control, interchange_date=_yymmdd(isa[9]),
                                   interchange_time=isa[10], code="R" if notes else "A",
                                   note_code=notes[0] if notes else "000"))
    return acks


def _yymmdd(raw: str) -> date | None:
    if len(raw) == 6 and raw.isdigit():
        try:
            return date(2000 + int(raw[:2]), int(raw[2:4]), int(raw[4:]))
        except ValueError:
            return None
    return None
