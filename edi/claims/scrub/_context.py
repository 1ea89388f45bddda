"""What edits look things up in: the date the scrub runs as of, the payers' profiles, the code tables (edi.codes)
and, when there is one, the ledger (enrollment, claims already submitted). Edits never open files or databases
themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from edi.ledger import Ledger


@dataclass
class References:
    as_of: date                                   # "today" for timely filing and coverage (fixed in tests)
    ledger: Ledger | None = None                  # enrollment roster, submitted claims, loaded CMS tables
    profiles: dict[str, Any] = field(default_factory=dict)   # payer id → its scrub profile (mappings/payers/)
    seen: dict[Any, str] = field(default_factory=dict)       # batch-wide memory (e.g. services already in the batch)
