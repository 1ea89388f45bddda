"""`edi validate` output for people and programs, written while the file is checked.

Findings come in file order (:class:`edi.validate.Sink`) and are shown under their interchange (ISA13), group
(GS06), transaction (ST02) and claim (CLM01 / CLP01); the envelope's own findings sit under the interchange or
group they belong to. A summary closes each file: counts per finding code, and the claims a 277CA would accept
or reject with their charge totals. Nothing is kept per claim or per finding, so memory stays flat.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

import click

from edi.validate import Finding, Report, TransactionResult

Write = Callable[[str], None]
Control = tuple[str | None, str | None, str | None]
_HIGH = re.compile(r"[\x80-\xff]+")
LEVELS = ("interchange", "group", "transaction", "claim")


def readable(text: str) -> str:
    """Text read from the file as ISO-8859-1 (one character per byte, so offsets are bytes), shown as the UTF-8
    it usually is: each run of bytes above 0x7F that decodes as UTF-8 becomes its characters ("JOSÃ\\x89" →
    "JOSÉ"); anything else (real Latin-1) stays as it was."""
    if text.isascii():
        return text

    def decode(match: re.Match[str]) -> str:
        try:
            return match.group().encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            return match.group()
    return _HIGH.sub(decode, text)


def summary(report: Report) -> str:
    """One line for a validated file (a report from :func:`edi.validate.validate`)."""
    if report.fatal:
        return f"{report.file}: cannot be read: {report.fatal}"
    return (f"{report.file}: {len(report.transactions)} transaction(s), {report.claims} claim(s), "
            f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)")


LEVEL_DEPTH = {"2000A": 0, "2000B": 1, "2000C": 2}


class _Judged(NamedTuple):
    """What the acknowledgment policy asks of an error of a transaction, without keeping the finding."""

    snip: int
    in_claim: bool           # inside a claim (2300 / 2100)
    level: str | None        # outside claims in an 837: the HL level whose loops hold it ("2000A" …)
    index: int               # its segment index

    @classmethod
    def of(cls, finding: Finding) -> _Judged:
        from edi.acks._policy import claim_of, hl_level

        return cls(finding.snip, claim_of(finding) is not None, hl_level(finding), finding.location.segment_index)

    def claim_level(self, set_id: str) -> bool:
        return self.in_claim or (set_id == "837" and self.level is not None)


class Tally:
    """What a file's summary says: findings per code and severity, claims accepted and rejected with charges."""

    def __init__(self, max_errors: int | None = None) -> None:
        self.codes: Counter[str] = Counter()
        self.errors = self.warnings = self.hidden_errors = self.hidden_warnings = 0
        self.max_errors = max_errors
        self.pending: dict[Control, list[_Judged]] = {}   # errors of transactions not yet closed, judged at close
        self.claims = Counter({"accepted": 0, "rejected": 0, "in_rejected_transactions": 0})
        self.charges = {"accepted": Decimal(0), "rejected": Decimal(0)}
        self.transactions = 0
        self.kinds: set[str] = set()                  # transaction set ids that held claims ("837", "835")

    def count(self, finding: Finding) -> bool:
        """Count a finding; True while it is to be shown (within --max-errors)."""
        self.codes[finding.code] += 1
        if finding.is_error:
            self.errors += 1
            if finding.location.control[2] is not None:   # in a transaction: judged with it (see transaction())
                self.pending.setdefault(finding.location.control, []).append(_Judged.of(finding))
        else:
            self.warnings += 1
        shown = self.max_errors is None or self.errors - finding.is_error < self.max_errors
        if not shown:
            if finding.is_error:
                self.hidden_errors += 1
            else:
                self.hidden_warnings += 1
        return shown

    def transaction(self, result: TransactionResult) -> None:
        """A transaction's claims, judged as the acknowledgments judge them (edi.acks.AckPolicy): all rejected
        when the 999 rejects the transaction; else those with an error inside them, and in an 837 those under
        a billing provider, subscriber or patient loop with an error before the claim."""
        from edi.acks._policy import DEFAULT_POLICY  # here: a clean file never loads the acknowledgment builders

        self.transactions += 1
        group = result.transaction.group
        key = (group.interchange.control if group else None, group.control if group else None,
               result.transaction.control)
        judged = self.pending.pop(key, [])
        if not result.claims:
            return
        set_id = result.transaction.set_id
        self.kinds.add(set_id)
        if any(DEFAULT_POLICY.rejects_transaction(j.snip, True, j.claim_level(set_id)) for j in judged):
            self.claims["rejected"] += result.claims
            self.claims["in_rejected_transactions"] += result.claims
            self.charges["rejected"] += result.charges
            return
        levels = [j for j in judged if not j.in_claim and j.level
                  and DEFAULT_POLICY.rejects_claims(j.snip, True, j.claim_level(set_id))]
        rejected, charges = result.error_claims, result.error_charges
        if levels and result.claim_marks:
            marks = [m for m in result.claim_marks if m.own_error or any(
                m.levels[LEVEL_DEPTH[j.level]] <= j.index < m.segment
                for j in levels if LEVEL_DEPTH[j.level] < len(m.levels))]
            rejected, charges = len(marks), sum((m.charge for m in marks), Decimal(0))
        self.claims["rejected"] += rejected
        self.claims["accepted"] += result.claims - rejected
        self.charges["rejected"] += charges
        self.charges["accepted"] += result.charges - charges

    def as_dict(self, report: Report) -> dict[str, Any]:
        return {"interchanges": len(report.interchanges), "transactions": self.transactions,
                "claims": report.claims, "segments": report.segments, "errors": self.errors,
                "warnings": self.warnings, "codes": dict(self.codes.most_common()),
                "claims_accepted": self.claims["accepted"], "claims_rejected": self.claims["rejected"],
                "claims_in_rejected_transactions": self.claims["in_rejected_transactions"],
                "charges_accepted": f"{self.charges['accepted']:.2f}",
                "charges_rejected": f"{self.charges['rejected']:.2f}",
                "not_shown": {"errors": self.hidden_errors, "warnings": self.hidden_warnings}}

    def lines(self, report: Report) -> list[str]:
        out = [f"findings: {', '.join(f'{code} {n}' for code, n in self.codes.most_common())}"] if self.codes else []
        if report.claims:
            claims = "claims" if self.kinds - {"835"} else "claim payments"
            accepted, rejected = ("accepted", "rejected") if "835" not in self.kinds else ("without errors",
                                                                                          "with errors")
            line = (f"{claims}: {self.claims['accepted']} {accepted} (charges {self.charges['accepted']:,.2f}), "
                    f"{self.claims['rejected']} {rejected} (charges {self.charges['rejected']:,.2f})")
            if self.claims["in_rejected_transactions"]:
                line += f", {self.claims['in_rejected_transactions']} of them in transactions the 999 rejects"
            out.append(line)
        if self.hidden_errors or self.hidden_warnings:
            out.append(f"stopped showing findings after {self.max_errors} error(s) (--max-errors): "
                       f"{self.hidden_errors} more error(s) and {self.hidden_warnings} warning(s) not shown")
        return out


class TextReport:
    """A :class:`edi.validate.Sink` writing the report for people line by line (``write``, e.g. click.echo);
    ``color`` adds ANSI styles. Call :meth:`close` with the report when the file is done."""

    def __init__(self, write: Write, file: str, color: bool = False, max_errors: int | None = None) -> None:
        self.write, self.file, self.color = write, file, color
        self.tally = Tally(max_errors)
        self.shown: tuple[str | None, ...] | None = None   # the scopes whose headers were written last, outermost first

    def style(self, text: str, **kw: Any) -> str:
        return click.style(text, **kw) if self.color else text

    def finding(self, finding: Finding) -> None:
        if not self.tally.count(finding):
            return
        loc = finding.location
        path = _scope(loc.control, loc.claim)
        depth = len(path)
        if self.shown is None:
            self.write(self.style(self.file, bold=True))
            self.shown = ()
        same = 0
        while same < min(depth, len(self.shown)) and self.shown[same] == path[same]:
            same += 1
        for level in range(same, depth):
            self.write("  " * (level + 1) + f"{LEVELS[level]} {_label(path[level])}")
        self.shown = path
        indent = "  " * (depth + 1)
        for line in finding_lines(finding, self.style):
            self.write(indent + line)

    def transaction(self, result: TransactionResult) -> None:
        self.tally.transaction(result)

    def close(self, report: Report) -> None:
        if report.fatal:
            self.write(self.style(summary(report), bold=True, fg="red"))
            return
        head = (f"{report.file}: {self.tally.transactions} transaction(s), {report.claims} claim(s), "
                f"{self.tally.errors} error(s), {self.tally.warnings} warning(s)")
        self.write(self.style(head, bold=True, fg="red" if self.tally.errors else "green"))
        for line in self.tally.lines(report):
            self.write(f"  {line}")


class JsonReport:
    """A :class:`edi.validate.Sink` writing one file's JSON object as it goes: ``{"file", "findings": [...],
    "summary", "fatal"}``, each finding with its interchange, group, transaction and claim (the text report's
    grouping) and byte offset."""

    def __init__(self, write: Write, file: str, max_errors: int | None = None) -> None:
        self.write = write
        self.tally = Tally(max_errors)
        self.first = True
        write('{"file": ' + json.dumps(file) + ', "findings": [')

    def finding(self, finding: Finding) -> None:
        if not self.tally.count(finding):
            return
        self.write(("\n  " if self.first else ",\n  ") + json.dumps(finding_dict(finding)))
        self.first = False

    def transaction(self, result: TransactionResult) -> None:
        self.tally.transaction(result)

    def close(self, report: Report) -> None:
        self.write('\n ], "summary": ' + json.dumps(self.tally.as_dict(report)) + ', "fatal": '
                   + json.dumps(report.fatal) + "}")


def finding_dict(finding: Finding) -> dict[str, Any]:
    """A finding as JSON, text from the file shown as its characters."""
    out = finding.as_dict()
    for key in ("message", "segment_text", "value"):
        if out.get(key):
            out[key] = readable(out[key])
    return out


def finding_lines(finding: Finding, style: Callable[..., str] = lambda text, **_: text) -> list[str]:
    """The lines of one finding: what and where, the message, the segment with the element marked."""
    loc = finding.location
    label = style(finding.severity.value, fg="red" if finding.is_error else "yellow", bold=True)
    where = f"segment {loc.segment_index + 1} ({_place(loc.line, loc.segment_index, loc.offset)})"
    if loc.loop_path:
        where += f" {loc.loop_path}"
    if loc.element:
        where += f" {loc.element}" + (f" {loc.element_name}" if loc.element_name else "")
    lines = [f"{label} {finding.code} [SNIP {finding.snip}] {where}", f"  {readable(finding.message)}"]
    if loc.text:
        lines.append(f"  > {_highlight(readable(loc.text), loc.element_position, style)}")
    return lines


def _place(line: int, index: int, offset: int) -> str:
    """"line 18", or "byte 2,345" where the line tells nothing (a file without line breaks: all on line 1)."""
    if line <= 1 and index > 0 and offset >= 0:
        return f"byte {offset:,}"
    return f"line {line}"


def _scope(control: Control, claim: str | None) -> tuple[str | None, ...]:
    """The headers a finding sits under: its interchange, group, transaction and claim, as far as it has them."""
    path = list(control)
    while path and path[-1] is None:
        path.pop()
    if claim is not None and len(path) == 3:
        path.append(claim)
    return tuple(path)


def _label(value: str | None) -> str:
    return "?" if value is None else value or "(empty)"


def _highlight(text: str, position: tuple[int, int, int] | None, style: Callable[..., str]) -> str:
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


def render_text(report: Report, color: bool = False) -> list[str]:
    """The text report of a finished :class:`Report` (the library's ``validate``), as lines."""
    from edi.validate import replay

    lines: list[str] = []
    sink = TextReport(lines.append, report.file, color)
    replay(report, sink)
    sink.close(report)
    return lines


def render_json(report: Report) -> dict[str, Any]:
    """The JSON report of a finished :class:`Report`, as a value."""
    from edi.validate import replay

    parts: list[str] = []
    sink = JsonReport(parts.append, report.file)
    replay(report, sink)
    sink.close(report)
    return json.loads("".join(parts))  # type: ignore[no-any-return]
