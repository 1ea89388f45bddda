"""Findings: what is wrong, where (file, envelope, segment, loop, element), how bad, and the fix when known."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

_CLAIM = re.compile(r"\[(?:CLM01|CLP01)=([^\]]*)\]")


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    file: str
    control: tuple[str | None, str | None, str | None]  # ISA13, GS06, ST02
    segment_index: int            # 0-based index in the file (as edi.x12.Position.index)
    line: int
    segment_id: str
    loop_path: str = ""           # "2000A/2000B/2300[CLM01=ABC123]/2400[3]"
    loop_id: str = ""             # the innermost guide loop, as 999 IK303 wants it
    position_in_transaction: int = 0   # ST = 1; 999 IK302
    element: str | None = None    # "SV102"
    element_name: str | None = None    # "Line Item Charge Amount"
    element_position: tuple[int, int, int] | None = None  # (element, component, repetition), 0 when n/a
    data_element: str | None = None    # data element reference number, 999 IK402
    text: str = ""                # the segment as it reads in the file, to show it in context
    offset: int = -1              # byte offset of the segment in the file (-1: unknown)

    @property
    def claim(self) -> str | None:
        """The CLM01 / CLP01 of the claim (or claim payment) the location is in, None outside claims."""
        match = _CLAIM.search(self.loop_path) if "[" in self.loop_path else None
        return match.group(1) if match else None

    def describe(self) -> str:
        where = f"segment {self.segment_index + 1} (line {self.line}) {self.segment_id}"
        if self.loop_path:
            where += f" in {self.loop_path}"
        if self.element:
            where += f", {self.element}" + (f" {self.element_name}" if self.element_name else "")
        return where


@dataclass(frozen=True, slots=True)
class Finding:
    code: str                     # "snip2.element.code" — stable, documented in docs/validation.md
    snip: int                     # WEDI SNIP type 1–7
    severity: Severity
    message: str                  # what is wrong, in words, and the fix when known
    location: Location
    value: str | None = None      # the offending value, when there is one
    ik304: str | None = None      # 999 segment syntax error code, for segment-level findings
    ik403: str | None = None      # 999 element syntax error code, for element-level findings
    ta1_note: str | None = None   # TA105, for interchange-level findings
    details: dict[str, Any] = field(default_factory=dict)  # e.g. the code-set version used

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def as_dict(self) -> dict[str, Any]:
        loc = self.location
        return {"code": self.code, "snip": self.snip, "severity": self.severity.value, "message": self.message,
                "file": loc.file, "interchange": loc.control[0], "group": loc.control[1],
                "transaction": loc.control[2], "claim": loc.claim, "segment": loc.segment_index + 1, "line": loc.line,
                "offset": loc.offset,
                "segment_id": loc.segment_id, "loop": loc.loop_path, "element": loc.element,
                "element_name": loc.element_name, "segment_text": loc.text, "value": self.value, "ik304": self.ik304,
                "ik403": self.ik403, "ta1_note": self.ta1_note, **({"details": self.details} if self.details else {})}
