"""An element-level problem found by a segment checker, before it becomes a located Finding."""

from __future__ import annotations

from dataclasses import dataclass

from edi.guide import ElementSpec


@dataclass(frozen=True, slots=True)
class ElementProblem:
    element: int                  # 1-based element position
    component: int                # 1-based component position, 0 for a simple element
    repetition: int               # 1-based repetition, 0 when the element does not repeat
    spec: ElementSpec | None      # None for an element beyond the guide's last one
    ik403: str                    # 999 IK403 code
    snip: int
    message: str
    value: str
    kind: str = ""                # names the finding code when the IK403 code alone does not ("trailing_separator")
