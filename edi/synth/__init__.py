"""Deterministic synthetic interchanges (837P, 837I, 835, 999, 277CA) for tests and benchmarks: fake people,
valid structure.

``synth_837p(claims, seed)`` and ``synth_835(claims, seed)`` yield built segments (ISA … IEA); the same seed
always gives the same bytes (every random choice comes from a ``random.Random`` seeded from ``seed``; dates are
derived from it too, never from the clock). The 835 of a seed remits the claims of the 837P of that seed
(CLP01 = CLM01, REF*6R line item control numbers, SVC02 = SV102), though each 835 transaction has a single
payer and payee of its own rather than the claim's 837 payer and billing provider. ``write_synth`` streams a
file claim by claim in flat memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import BinaryIO

from edi.synth._835 import synth_835
from edi.synth._837p import synth_837p
from edi.synth._envelope import DELIMITERS, MAX_CLAIMS_PER_TRANSACTION
from edi.x12 import write_to
from edi.x12._writer import Built

__all__ = ["DELIMITERS", "KINDS", "MAX_CLAIMS_PER_TRANSACTION", "synth_835", "synth_837p", "write_encounters",
           "write_synth"]


def _837i(claims: int, seed: int) -> Iterator[Built]:
    from edi.synth._837i import synth_837i
    return synth_837i(claims, seed)


def _999(claims: int, seed: int) -> Iterator[Built]:
    from edi.synth._acks import synth_999
    return synth_999(claims, seed)


def _277ca(claims: int, seed: int) -> Iterator[Built]:
    from edi.synth._acks import synth_277ca
    return synth_277ca(claims, seed)


KINDS: dict[str, Callable[[int, int], Iterator[Built]]] = {
    "837p": synth_837p, "837i": _837i, "835": synth_835, "999": _999, "277ca": _277ca}


def write_synth(kind: str, claims: int, seed: int, stream: BinaryIO, *, payer_contact: bool = True) -> None:
    """Write a synthetic ``kind`` interchange of ``claims`` claims to a binary stream, claim by claim.

    ``payer_contact`` (835 only) writes the 1000A PER*BL segment the guide requires; the benchmark turns it off
    because LinuxForHealth x12, a peer it is timed against, rejects any PER in that loop.
    """
    generator = KINDS.get(kind.lower())
    if generator is None:
        raise ValueError(f"unknown synthetic kind {kind!r}; choose one of {', '.join(KINDS)}")
    segments = synth_835(claims, seed, payer_contact) if generator is synth_835 else generator(claims, seed)
    write_to(stream, segments, DELIMITERS)


def write_encounters(count: int, seed: int, stream: BinaryIO, *, as_of: date, error_rate: float = 0.0,
                     roster: Path | None = None, authorizations: Path | None = None) -> int:
    """Write ``count`` synthetic coded encounters as JSON Lines (``edi synth encounters``); ``roster`` also gets
    the providers' payer enrollments as CSV (the columns ``edi ledger roster`` loads), ``authorizations`` the prior
    authorizations the payers issued for these encounters (``authorization_list``). Returns the number written."""
    from edi.claims._json import encode_lines
    from edi.synth._encounters import authorization_list, enrollment_roster, synth_encounters

    if roster is not None:
        with roster.open("w", encoding="utf-8", newline="") as out:
            out.write("npi,payer_id,effective_from\n")
            for npi, payer, since in enrollment_roster(seed, as_of):
                out.write(f"{npi},{payer},{since.isoformat()}\n")
    if authorizations is not None:
        with authorizations.open("w", encoding="utf-8", newline="") as out:
            out.write("payer_id,member_id,procedure_code,authorization,valid_from,valid_to\n")
            for row in authorization_list(count, seed, as_of, error_rate):
                out.write(",".join(row) + "\n")
    return encode_lines(synth_encounters(count, seed, as_of=as_of, error_rate=error_rate), stream)
