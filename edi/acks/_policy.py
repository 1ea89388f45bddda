"""Which findings an acknowledgment reports: the 999 answers for syntax and guide compliance of transactions,
the 277CA for each claim's business edits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from edi.validate import Finding

_CLAIM = re.compile(r"\[CLM01=([^\]]*)\]")
HL_LEVELS = ("2000A", "2000B", "2000C")   # 837 billing provider, subscriber, patient: the levels above claims


def claim_of(finding: Finding) -> str | None:
    """The CLM01 of the claim a finding is in, or None when it is not inside a claim."""
    match = _CLAIM.search(finding.location.loop_path)
    return match.group(1) if match else None


def hl_level(finding: Finding) -> str | None:
    """For a finding of an 837 outside any claim, the HL level whose loops hold it ("2000A" billing provider,
    "2000B" subscriber, "2000C" patient): it concerns every claim under that level. None elsewhere."""
    path = finding.location.loop_path
    if not path.startswith("2000A") or "[CLM01=" in path:
        return None
    levels = [part for part in path.split("/") if part in HL_LEVELS]
    return levels[-1] if levels else None


@dataclass(frozen=True)
class AckPolicy:
    """``transaction_snips``: SNIP types whose errors reject a transaction in the 999. An error of another type
    (e.g. SNIP 3 balancing, SNIP 5 code sets) in an 837 claim — or in the billing provider, subscriber or patient
    loops above claims — rejects only the claims it concerns, in the 277CA; any other error (e.g. an 835's
    BPR02) goes to the 999."""

    transaction_snips: frozenset[int] = frozenset({1, 2})
    warnings_in_999: bool = False

    def in_999(self, finding: Finding, set_id: str = "") -> bool:
        return self.rejects_transaction(finding.snip, finding.is_error, self.claim_level(finding, set_id))

    def in_277ca(self, finding: Finding, set_id: str = "837") -> bool:
        return self.rejects_claims(finding.snip, finding.is_error, self.claim_level(finding, set_id))

    def rejects_transaction(self, snip: int, is_error: bool, claim_level: bool) -> bool:
        """Whether the 999 reports a finding of this SNIP type and severity (claim level: see claim_level)."""
        if not is_error and not self.warnings_in_999:
            return False
        return snip in self.transaction_snips or not claim_level

    def rejects_claims(self, snip: int, is_error: bool, claim_level: bool) -> bool:
        """Whether the 277CA rejects the claims such a finding concerns."""
        return is_error and snip not in self.transaction_snips and claim_level

    @staticmethod
    def claim_level(finding: Finding, set_id: str) -> bool:
        """Whether the finding concerns claims (the one it is in, or those under its HL level in an 837)."""
        return claim_of(finding) is not None or (set_id == "837" and hl_level(finding) is not None)


DEFAULT_POLICY = AckPolicy()


def safe_text(text: str) -> str:
    """What an acknowledgment can carry: basic and extended characters, no delimiters (IK404 and STC12 copy
    text from the file being answered)."""
    return "".join(c for c in text if c.isascii() and c.isprintable() and c not in "*~:^|>")


def echoed_number(value: str, min_length: int, max_length: int) -> str:
    """A control number from the file answered, as an acknowledgment element of type N0 can carry it: the same
    number with leading zeros added or dropped to fit; all zeros when it is not a number or has too many digits
    (the acknowledgment's error codes say why)."""
    stripped = value.strip()
    if not stripped.isdigit() or not stripped.isascii():
        return "0" * min_length
    digits = stripped.lstrip("0") or "0"
    return digits.zfill(min_length) if len(digits) <= max_length else "0" * min_length
