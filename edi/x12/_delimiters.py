"""The four X12 delimiters, read from the fixed-width ISA segment."""

from __future__ import annotations

from dataclasses import dataclass

ISA_LENGTH = 106
# Where the element separator must stand in a fixed-width ISA (0-based), before ISA01..ISA16.
ISA_SEPARATOR_OFFSETS = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)


@dataclass(frozen=True, slots=True)
class Delimiters:
    """Element separator, component separator, repetition separator (None before 5010) and segment terminator.

    ``line_break`` is what the writer puts after each terminator when it builds new segments ("" for none).
    """

    element: str = "*"
    component: str = ":"
    repetition: str | None = "^"
    segment: str = "~"
    line_break: str = "\n"

    def __post_init__(self) -> None:
        problem = self.problem()
        if problem:
            raise ValueError(problem)

    def problem(self) -> str | None:
        """Why these delimiters cannot frame an interchange, or None when they can."""
        named = [("element separator", self.element), ("component separator", self.component),
                 ("segment terminator", self.segment)]
        if self.repetition is not None:
            named.append(("repetition separator", self.repetition))
        for label, value in named:
            if len(value) != 1:
                return f"the {label} must be one character, got {value!r}"
            if value.isalnum():
                return f"the {label} {value!r} is a letter or digit, which X12 data uses"
        for i, (label_a, a) in enumerate(named):
            for label_b, b in named[i + 1:]:
                if a == b:
                    return f"the {label_a} and the {label_b} are both {a!r}"
        return None

    def as_dict(self) -> dict[str, str | None]:
        return {"element": self.element, "component": self.component, "repetition": self.repetition,
                "segment": self.segment, "line_break": self.line_break}
