"""What a payer remembers between runs (``--state FILE``, JSON): each member's deductible and patient share met in
a plan year, the claims it has paid (to spot duplicates, reverse a claim a replacement corrects, recoup a voided
one), and the next payer claim number. Written whole or not at all."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from edi.errors import EdiError

VERSION = 1


@dataclass
class PaidClaim:
    """A claim adjudicated earlier, as its reversal needs it."""

    payer_claim: str
    charge: Decimal
    paid: Decimal
    patient: Decimal
    status: str
    deductible: Decimal                   # PR-1 it used (given back when it is reversed)
    accumulator: str                      # the key of the accumulator it used
    claim: str                            # its 835 claim payments as JSON text (models), to reverse it line by line


@dataclass
class PayerState:
    accumulators: dict[str, Decimal] = field(default_factory=dict)   # "payer|member|plan year" → deductible met
    claims: dict[str, PaidClaim] = field(default_factory=dict)       # "payer|CLM01" → the last adjudication
    sequence: int = 0                                                # payer claim numbers given so far
    path: Path | None = None

    @classmethod
    def load(cls, path: Path | None) -> PayerState:
        if path is None or not path.exists():
            return cls(path=path)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if doc.get("version") != VERSION:
                raise ValueError(f"version {doc.get('version')!r}, expected {VERSION}")
            claims = {key: PaidClaim(c["payer_claim"], Decimal(c["charge"]), Decimal(c["paid"]),
                                     Decimal(c["patient"]), c["status"], Decimal(c["deductible"]), c["accumulator"],
                                     c["claim"]) for key, c in doc["claims"].items()}
            return cls({k: Decimal(v) for k, v in doc["accumulators"].items()}, claims, int(doc["sequence"]), path)
        except (OSError, ValueError, KeyError, TypeError, ArithmeticError) as exc:
            raise EdiError(f"{path}: not a payer simulator state file ({exc}); give another --state FILE or "
                           "delete this one to start afresh") from exc

    def save(self) -> None:
        if self.path is None:
            return
        doc = {"version": VERSION, "sequence": self.sequence,
               "accumulators": {k: str(v) for k, v in sorted(self.accumulators.items())},
               "claims": {k: {"payer_claim": c.payer_claim, "charge": str(c.charge), "paid": str(c.paid),
                              "patient": str(c.patient), "status": c.status, "deductible": str(c.deductible),
                              "accumulator": c.accumulator, "claim": c.claim}
                          for k, c in sorted(self.claims.items())}}
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.part")
        partial.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        os.replace(partial, self.path)

    def next_claim_number(self, prefix: str, received: str) -> str:
        self.sequence += 1
        return f"{prefix}{received}{self.sequence:06d}"
