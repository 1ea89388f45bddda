"""``edi claims secondary``: for each claim a payer has adjudicated (its payment posted and standing) whose
encounter has another coverage after it, and which that payer did not cross over, the next payer's claim — the
encounter as given, billed to the next coverage, with the earlier payer's adjudication from its 835 as the
ledger holds it:

- 2320 (the earlier payer's SBR, its claim-level CAS, AMT*D what it paid) and 2330A/B come from the encounter's
  coverage with a :class:`~edi.claims.encounter.PriorPayment` (DTP*573: the ERA's BPR16);
- each line's 2430 (SVD paid, CAS, DTP*573) from a :class:`~edi.claims.encounter.LinePayment`.

Interest (AMT*I inside CLP04) is not a payment of the services, so AMT*D = Σ CLP04 − interest, and the claim
balances as the COB rule asks: CLM02 = AMT*D + Σ 2320 CAS + Σ 2430 CAS, each line SV102 = SVD02 + Σ its CAS.
The encounters then go through ``edi claims build`` (scrubbed, batched, checked, recorded, control numbers from
the ledger's counters). A claim that cannot be billed this way is skipped with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec

from edi.claims._batch import BuildOptions, BuildSummary, build
from edi.claims.encounter import Adjustment, Encounter, LinePayment, PriorPayment
from edi.ledger import Ledger
from edi.ledger._cob import PROCESSED, Adjudication, adjudicated_claims

ZERO = Decimal(0)
CAS_ACCOUNTS = ("adjustment", "patient")


@dataclass
class SecondaryResult:
    candidates: int = 0
    encounters: list[str] = field(default_factory=list)     # CLM01s sent to build
    skipped: list[str] = field(default_factory=list)        # "CLM01: why"
    build: BuildSummary | None = None


def build_secondaries(ledger: Ledger, out_dir: Path, options: BuildOptions) -> SecondaryResult:
    result = SecondaryResult()
    encounters: list[Encounter] = []
    with ledger._read() as conn:
        for adj in adjudicated_claims(conn):
            made = secondary_encounter(adj, options.as_of)
            if made is None:
                continue          # no coverage after this payer's: nothing to bill
            result.candidates += 1
            if isinstance(made, str):
                result.skipped.append(f"{adj.clm01} (claim #{adj.claim_id}): {made}")
            else:
                encounters.append(made)
                result.encounters.append(adj.clm01)
    if not encounters:
        return result
    encoder = msgspec.json.Encoder(decimal_format="string")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "secondary-encounters.jsonl"     # kept beside the 837s: what was billed, as encounters
    path.write_bytes(b"".join(encoder.encode(enc) + b"\n" for enc in encounters))
    result.build = build([path], out_dir, ledger, options)
    return result


def secondary_encounter(adj: Adjudication, as_of: date) -> Encounter | str | None:
    """The next payer's encounter, the reason it cannot be made, or None when there is no next payer."""
    if adj.document is None:
        return None if adj.payer_order > 1 else \
            "the ledger holds no encounter for it (claims recorded by `edi ledger import` keep none)"
    enc = msgspec.json.decode(adj.document, type=Encounter)
    order = adj.payer_order
    if len(enc.coverages) <= order:
        return None
    if adj.forwarded:
        return f"crossed over by payer {adj.payer_id} to the next payer (CLP02 19/20/21 or NM1*TT): not billed again"
    if not set(adj.statuses) <= PROCESSED:
        return f"payer {adj.payer_id} did not process it as primary/secondary (CLP02 {', '.join(adj.statuses)})"
    paid = ZERO
    claim_cas: list[Adjustment] = []
    lines: dict[int, tuple[list[Decimal], list[Adjustment]]] = {}
    for e in adj.entries:
        if e.account in ("interest", "plb", "suspense"):
            continue
        if e.line_ref is not None and e.line_number is None:
            return f"line {e.line_ref} of the payer's 835 matched no claim line"
        if e.account in CAS_ACCOUNTS and not e.group_code:
            return "posted with --force (an unbalanced claim): correct it before billing the next payer"
        target = lines.setdefault(e.line_number, ([], [])) if e.line_number is not None else None
        if e.account == "payment":
            paid += e.amount
            if target is not None:
                target[0].append(e.amount)
        elif e.account in CAS_ACCOUNTS:
            cas = Adjustment(e.group_code, e.reason_code, e.amount, e.quantity)
            (target[1] if target is not None else claim_cas).append(cas)
    when = adj.paid_on or as_of
    prior = enc.coverages[order - 1]
    new_lines = []
    for n, line in enumerate(enc.lines, 1):
        if lines and n not in lines:
            return f"line {n} has no adjudication in payer {adj.payer_id}'s 835"
        if n in lines:
            amounts, cas = lines[n]
            line = msgspec.structs.replace(line, prior_payments=(*line.prior_payments, LinePayment(
                payer_id=prior.payer.id, paid=sum(amounts, ZERO), units=line.units, adjustments=tuple(cas),
                date=when, revenue_code=line.revenue_code)))       # SVD04: required on an 837I
        new_lines.append(line)
    coverages = list(enc.coverages)
    coverages[order - 1] = msgspec.structs.replace(prior, prior_payment=PriorPayment(
        paid=paid, adjustments=tuple(claim_cas), date=when))
    return msgspec.structs.replace(enc, coverages=tuple(coverages), billed_coverage=order + 1,
                                   lines=tuple(new_lines), frequency="1", original_claim_number="")


def summary_dict(result: SecondaryResult) -> dict[str, Any]:
    return {"candidates": result.candidates, "encounters": result.encounters, "skipped": result.skipped,
            "build": result.build.as_dict() if result.build else None}
