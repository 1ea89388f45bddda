"""SNIP 4 — a patient control number (CLM01) used by two claims of one file.

The 277CA and the 835 answer each claim by its CLM01 ("echoed back to the submitter … as a key in the submitter's
system to match the claim", TR3 CLM01), so two claims with one CLM01 get answers nobody can tell apart. It is a
warning, not an error: a claim split in two (e.g. over the line limit) may lawfully keep its number, so no
acknowledgment rejects it. Claims are checked in several processes, so each transaction keeps its CLM01s in
compact columns (the CLM01s joined in one string: ~40 bytes a claim) and one file rule compares them at the end,
then drops them.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterator

from edi.guide import Loop, SegmentNode
from edi.validate._engine import Context, TransactionResult
from edi.validate._finding import Finding, Location, Severity
from edi.validate._rules import file_rule, loop_rule, transaction_rule

CODE = "snip4.claim.clm01_duplicate"
FACT = "snip4.clm01"
SEPARATOR = "\x00"


@transaction_rule(snip=4)
def pack_claim_ids(ctx: Context, result: TransactionResult) -> Iterator[Finding]:
    """At SE: the transaction's CLM01s as one string (a list of 5,000 strings costs twice as much)."""
    columns = result.facts.get(FACT)
    if columns is not None and isinstance(columns[1], list):  # type: ignore[index]
        columns[1] = SEPARATOR.join(columns[1])  # type: ignore[index]
    return iter(())


@loop_rule("2300", snip=4)
def claim_id(ctx: Context, loop: Loop) -> Iterator[Finding]:
    """Keep the claim's CLM01 and where it is for :func:`claim_ids_unique`."""
    first = loop.children[0] if loop.children else None
    if ctx.kind not in ("837P", "837I") or not isinstance(first, SegmentNode) or first.segment.id != "CLM":
        return iter(())
    seg = first.segment
    if seg[1] and SEPARATOR not in seg[1]:
        columns = ctx.facts.get(FACT)
        if columns is None:
            columns = ctx.facts[FACT] = [ctx.file, [], array("q"), array("q"), []]
        columns[1].append(seg[1])    # joined when the transaction ends (see claim_ids_unique)
        _, _, indexes, lines, parents = columns  # type: ignore[misc]
        indexes.append(seg.index)
        lines.append(seg.line)
        parents.append(sys.intern(ctx.loop_path(loop.parent)))   # a handful of distinct paths, stored once
    return iter(())


@file_rule(snip=4)
def claim_ids_unique(results: list[TransactionResult]) -> Iterator[tuple[TransactionResult, Finding]]:
    """Every claim whose CLM01 an earlier claim of the file used (in its transaction or another)."""
    seen: dict[str, str] = {}   # CLM01 → ST02 of the transaction that used it first
    for result in results:
        columns = result.facts.pop(FACT, None)   # used once: the report does not keep them
        if columns is None:
            continue
        file, ids, indexes, lines, parents = columns  # type: ignore[misc]
        ids = ids.split(SEPARATOR) if isinstance(ids, str) else ids
        t = result.transaction
        group = t.group
        interchange = group.interchange if group is not None else None
        control = (interchange.control if interchange else None, group.control if group else None, t.control)
        for n, clm01 in enumerate(ids):
            earlier = seen.get(clm01)
            if earlier is None:
                seen[clm01] = t.control
                continue
            where = "this transaction" if earlier == t.control else f"transaction {earlier}"
            location = Location(file, control, indexes[n], lines[n], "CLM", f"{parents[n]}/2300[CLM01={clm01}]",
                                "2300", indexes[n] - t.header.index + 1, "CLM01", "Patient Control Number",
                                (1, 0, 0), "1028")
            yield result, Finding(CODE, 4, Severity.WARNING, f"CLM01 {clm01!r} is already the patient control "
                                  f"number of a claim in {where}; 277CA and 835 answers are matched to claims by "
                                  "CLM01, so give each claim its own", location, value=clm01, ik304="8",
                                  ik403="I12")
