"""``edi ledger statements --out DIR``: one plain-text statement per patient who owes something — per claim, the
date of service, what was charged, what insurance paid, what the patient owes and why (deductible, coinsurance,
copay, other patient responsibility by CARC), from edi.ledger._statements. Files are named by the ledger's
account id (``statement-<id>.txt``), never by a name; the log gets counts only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from edi.ledger._statements import ClaimDue, PatientDue
from edi.logging import get_logger

WHY = {"deductible": "deductible", "coinsurance": "coinsurance", "copay": "copay"}


def write_statements(patients: list[PatientDue], out_dir: Path, as_of: date) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for patient in patients:
        path = out_dir / f"statement-{patient.account_id}.txt"
        path.write_text("\n".join(render_statement(patient, as_of)) + "\n", encoding="utf-8")
        written.append(path)
    get_logger(__name__).info("ledger.statements", statements=len(written),
                              claims=sum(len(p.claims) for p in patients))
    return written


def render_statement(patient: PatientDue, as_of: date) -> list[str]:
    p = patient.person
    name = " ".join(x for x in (p.get("first_name"), p.get("middle_name"), p.get("last_name"), p.get("name_suffix"))
                    if x)
    address = [x for x in (p.get("address_line_1"), p.get("address_line_2")) if x]
    city = " ".join(x for x in (f"{p['city']}," if p.get("city") else "", p.get("state"), p.get("postal_code")) if x)
    out = [f"PATIENT STATEMENT — {as_of:%Y-%m-%d}", "", name, *address, *([city] if city else []), "",
           f"Account {patient.account_id}", "",
           f"{'Date':<10}  {'Claim':<20}  {'Charged':>10}  {'Insurance paid':>14}  {'You owe':>10}"]
    for c in sorted(patient.claims, key=lambda c: (c.service_from, c.clm01)):
        owed = "pending" if c.waiting else f"{c.owed:.2f}"
        out.append(f"{c.service_from:%Y-%m-%d}  {c.clm01:<20}  {c.charge:>10.2f}  {c.insurance_paid:>14.2f}  "
                   f"{owed:>10}")
        out.extend(f"    {reason}" for reason in _reasons(c))
    out += ["", f"Total you owe: {patient.owed:.2f}"]
    return out


def _reasons(c: ClaimDue) -> list[str]:
    if c.waiting:
        return [f"billed to your next insurance ({c.payer}); we will bill you what it does not pay"]
    lines = []
    for (kind, carc), amount in sorted(c.why.items()):
        what = WHY.get(kind, "other patient responsibility")
        lines.append(f"{what} {amount:.2f} (PR-{carc}, as {c.payer} adjudicated the claim)")
    return lines


def total_owed(patients: list[PatientDue]) -> Decimal:
    return sum((p.owed for p in patients), Decimal("0.00"))
