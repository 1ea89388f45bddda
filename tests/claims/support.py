"""What the encounter tests share: writing claims as an interchange, models without their sources."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec

from edi.claims import claim_of, transactions
from edi.claims.encounter import Encounter
from edi.models import write
from edi.models.claim import Claim
from edi.models.common import Contact, Party
from edi.x12 import ControlNumbers, InterchangeHeader
from edi.x12 import Party as EnvelopeParty

SUBMITTER = Party(entity="41", entity_type="2", last_name="EXAMPLE BILLING SERVICE", id_qualifier="46", id="EXBILL",
                  contacts=(Contact(name="EDI DESK", channels=(("TE", "5555550100"),)),))
RECEIVER = Party(entity="40", entity_type="2", last_name="EXAMPLE CLEARINGHOUSE", id_qualifier="46", id="EXCH")
HEADER = InterchangeHeader(EnvelopeParty("ZZ", "EXBILL"), EnvelopeParty("ZZ", "EXCH"), usage="T",
                           created=datetime(2026, 6, 15, 9, 30))


def interchange(claims: Iterable[Claim], max_claims: int = 5000) -> bytes:
    """One interchange (ISA … IEA) holding the claims, grouped into transactions by edi.claims.transactions."""
    txns = list(transactions(claims, submitter=SUBMITTER, receiver=RECEIVER, created=datetime(2026, 6, 15, 9, 30),
                             max_claims=max_claims, batch_id="B"))
    return write(txns, HEADER, ControlNumbers(interchange=1, group=1, transaction=1))


def x12_of(encounters: Iterable[Encounter], tmp: Path, name: str = "built.x12", max_claims: int = 5000) -> Path:
    """The encounters built and written to a file (for edi validate and pyx12)."""
    path = tmp / name
    path.write_bytes(interchange((claim_of(e) for e in encounters), max_claims))
    return path


def without_sources(value: object) -> Any:
    """Models as plain data, every ``source`` left out; a Decimal as its value (1 and 1.00 are equal)."""
    if isinstance(value, msgspec.Struct):
        return (type(value).__name__, {f: without_sources(getattr(value, f)) for f in value.__struct_fields__
                                       if f != "source"})
    if isinstance(value, (list, tuple)):
        return [without_sources(v) for v in value]
    if isinstance(value, Decimal):
        return ("Decimal", value.normalize() if value else Decimal(0))
    return value
