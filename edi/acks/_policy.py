"""Which findings an acknowledgment reports: the 999 answers for syntax and guide compliance of transactions,
the 277CA for each claim's business edits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from edi.validate import Finding

_CLAIM = re.compile(r"\[CLM01=([^\]]*)\]")


def claim_of(finding: Finding) -> str | None:
    """The CLM01 of the claim a finding is in, or None when it is not inside a claim."""
    match = _CLAIM.search(finding.location.loop_path)
    return match.group(1) if match else None


@dataclass(frozen=True)
class AckPolicy:
    """``transaction_snips``: SNIP types whose errors reject a transaction in the 999. A claim-level error of
    another type (e.g. SNIP 3 balancing, SNIP 5 code sets in an 837 claim) rejects only its claim, in the 277CA;
    an error outside any claim (e.g. an 835's BPR02) always goes to the 999."""

    transaction_snips: frozenset[int] = frozenset({1, 2})
    warnings_in_999: bool = False

    def in_999(self, finding: Finding) -> bool:
        if not finding.is_error and not self.warnings_in_999:
            return False
        return finding.snip in self.transaction_snips or claim_of(finding) is None

    def in_277ca(self, finding: Finding) -> bool:
        return finding.is_error and claim_of(finding) is not None


DEFAULT_POLICY = AckPolicy()


def safe_text(text: str) -> str:
    """What an acknowledgment can carry: basic and extended characters, no delimiters (IK404 and STC12 copy
    text from the file being answered)."""
    return "".join(c for c in text if c.isascii() and c.isprintable() and c not in "*~:^|>")
