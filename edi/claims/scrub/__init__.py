"""The scrubber: edits run on coded encounters before they become claims, each labelled with its root cause and
the denial it prevents (docs/scrub-edits.md). Edits are small registered functions (``@edit``), one module per
root cause; their reference data comes from edi.codes, the payer profiles in mappings/payers/ and the ledger.

    refs = References(as_of=date.today(), ledger=ledger)
    for encounter, findings in scrub(encounters, refs):
        held = any(f.is_error for f in findings)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from edi.claims.encounter import Encounter
from edi.claims.scrub._context import References
from edi.claims.scrub._edit import EDITS, Edit, RootCause, ScrubFinding, edit

__all__ = ["EDITS", "Edit", "References", "RootCause", "ScrubFinding", "edit", "scrub", "scrub_one"]


def scrub_one(encounter: Encounter, refs: References) -> tuple[ScrubFinding, ...]:
    """Every finding of every edit on one encounter, in edit order."""
    return tuple(found for e in EDITS.values() for found in e.check(encounter, refs))


def scrub(encounters: Iterable[Encounter], refs: References) -> Iterator[tuple[Encounter, tuple[ScrubFinding, ...]]]:
    """Each encounter with its findings, in input order, one at a time (batch-wide edits remember what they need
    in ``refs.seen``)."""
    for encounter in encounters:
        yield encounter, scrub_one(encounter, refs)
