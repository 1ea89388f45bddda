"""What ``edi post`` prints: per file and ERA, what was posted (or would be: the plan), in text or JSON."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from edi.posting._post import FileResult


def to_json(results: list[FileResult]) -> list[dict[str, Any]]:
    return [json_safe(dataclasses.asdict(r)) for r in results]


def json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    if isinstance(value, (int, str, bool)) or value is None:
        return value
    return str(value)


def render_text(results: list[FileResult], dry_run: bool) -> Iterator[str]:
    for r in results:
        if r.already:
            yield f"{r.file}: already {r.already}; nothing changed"
            continue
        for finding in r.findings:
            yield finding
        for a in r.acks:
            verb = "would record" if dry_run else "recorded"
            yield (f"{a.where}: {a.kind}: {a.accepted} claim(s) accepted, {a.rejected} rejected; {verb} "
                   f"{a.new_events} new status event(s)")
            yield from (f"  {u}" for u in a.unmatched)
        for e in r.eras:
            head = f"{e.where}: payer {e.payer} trace {e.trace} BPR02 {e.payment}"
            if e.status == "already-posted":
                yield f"{head}: already {e.previously}; nothing changed"
                continue
            if e.status == "refused":
                for finding in e.findings:
                    yield finding
                continue
            verb = "would post" if dry_run else "posted"
            yield (f"{head}: {verb} {e.claims} claim payment(s), {e.matched} matched: {e.posted_to_claims} to claims,"
                   f" PLB {e.plb}, suspense {e.suspense}; {e.exceptions} exception(s), {e.work_items} denial work "
                   "item(s)")
            for finding in e.findings:
                yield f"  flagged: {finding}"
            if dry_run:
                for p in e.plan:
                    target = f"claim #{p['claim_id']}" if p["claim_id"] else "suspense"
                    extra = f" reverses payment #{p['reverses']}" if p["reverses"] else ""
                    items = f" [{', '.join(p['work_items'])}]" if p["work_items"] else ""
                    yield (f"  CLP {p['clp01']} (CLP02 {p['status']}) → {target} by {p['match']} "
                           f"({p['score']}): paid {p['paid']}, {p['entries']} entries{extra}{items}")
                if e.claims > len(e.plan):
                    yield f"  … {e.claims - len(e.plan)} more claim payment(s)"
