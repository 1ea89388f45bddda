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


def render_era_report(rows: list[dict[str, Any]]) -> Iterator[str]:
    """`edi ledger report`: one line per ERA posted."""
    yield (f"{'era':>5} {'payer':<14} {'trace':<18} {'BPR02':>12} {'posted':>12} {'PLB':>10} {'suspense':>10} "
           f"{'claims':>7} {'exc':>5}")
    for r in rows:
        flag = " forced" if r["forced"] else ""
        flag += "" if r["balanced"] else " UNBALANCED"
        yield (f"{r['era']:>5} {r['payer'][:14]:<14} {r['trace'][:18]:<18} {r['bpr02']:>12} {r['posted']:>12} "
               f"{r['plb']:>10} {r['suspense']:>10} {r['claims']:>7} {r['exceptions']:>5}{flag}")


def render_claim_history(clm01: str, claims: list[dict[str, Any]]) -> Iterator[str]:
    """`edi ledger claim CLM01`: each claim of that number with its events, payments and their entries, PLB and
    work items."""
    for c in claims:
        yield (f"claim #{c['claim']} CLM01 {clm01}: payer {c['payer']} (order {c['payer_order']}), frequency "
               f"{c['frequency']}, charge {c['charge']}, service {c['service_from']}")
        for e in c["events"]:
            reason = f" ({e['reason']})" if e["reason"] else ""
            yield f"  {e['at']:%Y-%m-%d %H:%M} {e['status']:<15} {e['reason_code'] or ''} {e['where'] or ''}{reason}"
        for p in c["payments"]:
            rev = f", reverses payment #{p['reverses']}" if p["reverses"] else ""
            yield (f"  ERA trace {p['trace']} ({p['payer']}): CLP02 {p['clp02']} charge {p['charge']} paid "
                   f"{p['paid']}, matched by {p['match']} ({p['score']}){rev}")
            for x in p["entries"]:
                code = f" {x['group']}-{x['reason']}" if x["group"] else ""
                line = f" line {x['line']}" if x["line"] else ""
                yield (f"    {x['account']:<10} {x['kind']:<14} {x['amount']:>10}{code}{line}"
                       f"{' ' + x['remarks'] if x['remarks'] else ''}")
        for x in c["plb"]:
            yield f"  PLB {x['kind']} {x['amount']} (reference {x['reference']})"
        for w in c["work_items"]:
            yield (f"  work item: {w['queue']} {w['root_cause']} → {w['action']} "
                   f"{(w['group'] or '')}{'-' + w['reason'] if w['reason'] else ''} {w['amount'] or ''}")
