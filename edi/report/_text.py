"""The report in words: the headline lines (the cycle and bin/demo print them) and the JSON document."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from edi.report._model import Kpis, Rate

CLEAN_CLAIM_TARGET = 0.98


def percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.1f}%"


def money(amount: Decimal) -> str:
    return f"{'-' if amount < 0 else ''}${abs(amount):,.2f}"


def of(rate: Rate, what: str) -> str:
    return f"{percent(rate.rate)} ({rate.numerator} of {rate.denominator} {what})"


def headline(kpis: Kpis) -> list[str]:
    """Eight lines a billing manager reads first."""
    d, r, c, u = kpis.denials, kpis.receivables, kpis.collections, kpis.underpayments
    target = "" if kpis.clean_claim.rate is None else \
        (" - meets the 98% target" if kpis.clean_claim.rate >= CLEAN_CLAIM_TARGET else " - below the 98% target")
    top = f"; most by root cause: {d.by_root_cause[0].key} ({d.by_root_cause[0].items})" if d.by_root_cause else ""
    flagged = [f"{p.provider} {p.category} {p.flag.removeprefix('likely ')}" for p in kpis.em_levels
               if p.flag.startswith("likely")]
    days = "n/a" if r.days_in_ar is None else f"{r.days_in_ar:.1f}"
    return [
        f"Clean-claim rate {of(kpis.clean_claim, 'encounters passed the scrubber the first time')}{target}",
        f"First-pass acceptance {of(kpis.first_pass_acceptance, 'claims accepted by 999/277CA')}",
        f"First-pass payment rate {of(kpis.first_pass_payment, 'claims paid on their first remittance')}",
        f"Denial rate {of(d.initial, 'claims remitted')}, {money(d.initial_amount)} "
        f"({percent(d.amount_rate)} of charges){top}",
        f"Net collection rate {percent(c.net_collection_rate)} (gross {percent(c.gross_collection_rate)}): "
        f"{money(c.payments)} paid by payers of {money(c.gross_charges)} charged, {money(c.net_revenue)} net of "
        f"contractual adjustments",
        f"Days in A/R {days}{'' if r.days_in_ar is not None else ' (no net revenue in the last 90 days)'}: "
        f"{money(r.total)} total A/R - insurance {money(r.insurance)} on {r.insurance_claims} claims, patient "
        f"{money(r.patient)} on {r.patient_claims} claims; {percent(r.aged_over_90_rate)} over 90 days",
        f"Underpaid {u.lines} of {u.lines_checked} lines by {money(u.amount)}; "
        f"{len(kpis.timely_filing)} claim{'' if len(kpis.timely_filing) == 1 else 's'} at risk of timely filing",
        f"E/M levels: {len(flagged)} flagged" + (f" ({'; '.join(flagged[:4])})" if flagged else "")
        + f" of {len(kpis.em_levels)} provider categories",
    ]


def to_json(kpis: Kpis) -> str:
    """The KPIs as JSON (money as strings to the cent, rates as fractions 0-1), indented."""
    return msgspec.json.format(msgspec.json.encode(kpis), indent=2).decode() + "\n"
