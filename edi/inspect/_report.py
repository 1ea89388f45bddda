"""`edi validate` output for people: findings grouped by transaction and claim, each with its segment shown."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import click

from edi.validate import Finding, Report

_CLAIM = re.compile(r"\[(?:CLM01|CLP01)=([^\]]*)\]")


def summary(report: Report) -> str:
    if report.fatal:
        return f"{report.file}: cannot be read: {report.fatal}"
    errors, warnings = len(report.errors), len(report.warnings)
    return (f"{report.file}: {len(report.transactions)} transaction(s), {report.claims} claim(s), "
            f"{errors} error(s), {warnings} warning(s)")


def render_text(report: Report, color: bool = False) -> Iterator[str]:
    """Lines of the report; ``color`` adds ANSI styles (click strips them when not on a terminal)."""
    def style(text: str, **kw: Any) -> str:
        return click.style(text, **kw) if color else text

    head = summary(report)
    yield style(head, bold=True, fg="red" if report.has_errors else "green")
    groups: dict[str, dict[str, list[Finding]]] = {}
    for finding in report.findings:
        control = finding.location.control
        transaction = f"ST {control[2]}" if control[2] else (f"GS {control[1]}" if control[1] else
                                                             f"ISA {control[0] or '?'}")
        match = _CLAIM.search(finding.location.loop_path)
        claim = f"claim {match.group(1)}" if match else ""
        groups.setdefault(transaction, {}).setdefault(claim, []).append(finding)
    for transaction, claims in groups.items():
        yield f"  {transaction}"
        for claim, findings in claims.items():
            indent = "    "
            if claim:
                yield f"    {claim}"
                indent = "      "
            for finding in findings:
                yield from _finding_lines(finding, indent, style)


def _finding_lines(finding: Finding, indent: str, style: Any) -> Iterator[str]:
    loc = finding.location
    label = style(finding.severity.value, fg="red" if finding.is_error else "yellow", bold=True)
    where = f"segment {loc.segment_index + 1} (line {loc.line})"
    if loc.loop_path:
        where += f" {loc.loop_path}"
    if loc.element:
        where += f" {loc.element}" + (f" {loc.element_name}" if loc.element_name else "")
    yield f"{indent}{label} {finding.code} [SNIP {finding.snip}] {where}"
    yield f"{indent}  {finding.message}"
    if loc.text:
        yield f"{indent}  > {_highlight(loc.text, loc.element_position, style)}"


def _highlight(text: str, position: tuple[int, int, int] | None, style: Any) -> str:
    """The segment with the offending element marked."""
    if not position or not position[0]:
        return text
    separator = text[3] if text.startswith("ISA") else next((c for c in text if not c.isalnum()), "*")
    parts = text.split(separator)
    n = position[0]
    if n >= len(parts):
        return text + style(" «missing»", fg="red")
    parts[n] = style(f"»{parts[n]}«", fg="red", bold=True) if parts[n] else style("»«", fg="red")
    return separator.join(parts)


def render_json(report: Report) -> dict[str, Any]:
    return {"file": report.file, "fatal": report.fatal,
            "summary": {"transactions": len(report.transactions), "claims": report.claims,
                        "errors": len(report.errors), "warnings": len(report.warnings), "segments": report.segments},
            "findings": [f.as_dict() for f in report.findings]}
