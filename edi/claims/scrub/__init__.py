"""The scrubber: edits run on coded encounters before they become claims, each labelled with its root cause and
the denial it prevents (docs/scrub-edits.md). Edits are small registered functions (``@edit``), one module per
root cause (:mod:`.coding`, :mod:`.billing`, :mod:`.credentialing`, :mod:`.coverage`); their reference data comes
from edi.codes, the payer profiles in mappings/payers/ and the ledger.

    refs = References.for_run(date.today(), ledger=ledger)      # payer profiles from mappings/payers/
    for encounter, findings in scrub(encounters, refs):
        held = any(f.is_error for f in findings)

A payer's profile (``[scrub]``) switches edits off and changes their severity for claims billed to that payer;
``scrub_one`` applies it, so every caller gets the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import islice

from edi.claims.encounter import Encounter
from edi.claims.scrub import billing, coding, coverage, credentialing  # noqa: F401  (they register their edits)
from edi.claims.scrub._context import References
from edi.claims.scrub._edit import EDITS, Edit, Hit, RootCause, ScrubFinding, edit
from edi.claims.scrub._facts import patient_key, service_keys
from edi.claims.scrub._profiles import ScrubProfile
from edi.claims.scrub._run import ScrubReport, scrub_inputs

__all__ = ["EDITS", "Edit", "Hit", "References", "RootCause", "ScrubFinding", "ScrubProfile", "ScrubReport", "edit",
           "patient_key", "scrub", "scrub_inputs", "scrub_one", "service_keys"]

CHUNK = 500      # encounters whose services are asked of the ledger at once


def scrub_one(encounter: Encounter, refs: References) -> tuple[ScrubFinding, ...]:
    """Every finding of every edit on one encounter, in edit order, after the billed payer's profile (edits it
    switches off are not run; severities it changes are changed)."""
    profile = refs.profile(encounter.billed.payer.id)
    found = []
    for e in EDITS.values():
        if e.code in profile.off:
            continue
        level = profile.severity.get(e.code)
        for finding in e.check(encounter, refs):
            found.append(finding if level is None else replace(finding, severity=level))
    if encounter.frequency not in ("7", "8") and not any(f.is_error for f in found):
        for n, key in service_keys(encounter, refs.as_of):     # what goes out: later duplicates, units per day
            mue = refs.mue(key[3], key[2])                       # units are counted for per-day MUEs only
            refs.batch.add(key, encounter.id, encounter.lines[n].units if mue is not None and mue.per_day else None)
    return tuple(found)


def scrub(encounters: Iterable[Encounter], refs: References) -> Iterator[tuple[Encounter, tuple[ScrubFinding, ...]]]:
    """Each encounter with its findings, in input order, one at a time (batch-wide edits remember what they need
    in ``refs.batch``; with a ledger, the services of a chunk of encounters are asked about in one query)."""
    stream = iter(encounters)
    while chunk := list(islice(stream, CHUNK)):
        if refs.ledger is not None:
            from edi.ledger import ServiceKey
            refs.prefetch_duplicates([ServiceKey(*key) for e in chunk for _, key in service_keys(e, refs.as_of)])
        for encounter in chunk:
            yield encounter, scrub_one(encounter, refs)
        for key in [k for k in refs.cache if isinstance(k, tuple) and k[0] == "duplicate"]:
            del refs.cache[key]
