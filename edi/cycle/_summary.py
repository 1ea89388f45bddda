"""What the cycle did, per simulated week and in total (text and JSON), and how each encounter ended."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any

ZERO = Decimal("0.00")
COUNTS = ("encounters", "held", "batched", "accepted", "rejected", "paid", "denied", "corrected", "secondaries",
          "statements")
DOLLARS = ("charged", "paid_amount", "adjusted", "patient")      # the table's money columns
NOT_SHOWN = ("interest_plb",)                                    # summed, printed below the table
OUTCOMES = ("paid", "denied", "held", "patient-responsible", "pending")


@dataclass
class Week:
    """One simulated week. ``encounters`` are those whose date of service came due; ``held`` and ``batched`` count
    the week's claims build (corrections included); ``accepted``/``rejected`` the claims the week's 999/277CA
    answered; ``paid``/``denied`` the claim payments of the ERAs posted (CLP02 4: denied; paying more than 0: paid);
    ``corrected`` the encounters fixed by rule and sent again; ``secondaries`` the claims to a next payer;
    dollars: ``charged`` the first-time claims' charges (the report's gross charges), the rest the ledger's
    postings of the ERAs posted: ``paid_amount`` payments for services, net of reversals (the report's payments);
    ``adjusted`` every adjustment (CO/OA/PI/CR) of every payer: contractual, denials written off, a secondary's
    OA-23; ``patient`` the patient responsibility (PR) as each payer posted it, a secondary restating what the
    primary left (statements, and the report's patient A/R, count the last payer's); ``interest_plb`` interest
    and provider-level adjustments (PLB: L6 interest, WO recoupments), which are not payments for services."""

    number: int
    today: date
    encounters: int = 0
    held: int = 0
    batched: int = 0
    accepted: int = 0
    rejected: int = 0
    paid: int = 0
    denied: int = 0
    corrected: int = 0
    secondaries: int = 0
    statements: int = 0
    charged: Decimal = ZERO
    paid_amount: Decimal = ZERO
    adjusted: Decimal = ZERO
    patient: Decimal = ZERO
    interest_plb: Decimal = ZERO
    files_posted: int = 0
    recorded_before: int = 0      # encounters due whose claim an earlier run recorded (sent or held): not rebuilt

    def as_dict(self) -> dict[str, Any]:
        return {f.name: (str(v) if isinstance(v, Decimal | date) else v)
                for f in fields(self) for v in [getattr(self, f.name)]}


@dataclass
class CycleSummary:
    out: str
    start: date
    weeks: list[Week] = field(default_factory=list)
    outcomes: dict[str, str] = field(default_factory=dict)     # encounter id → how it ended
    corrections: Counter[str] = field(default_factory=Counter)  # finding code fixed → encounters
    owed_by_patients: Decimal = ZERO

    @property
    def as_of(self) -> date:
        """The cycle's final simulated day (what a report of the ledger is as of)."""
        return self.weeks[-1].today if self.weeks else self.start

    def total(self) -> dict[str, Any]:
        sums: dict[str, Any] = {name: sum(getattr(w, name) for w in self.weeks) for name in COUNTS}
        sums.update({name: sum((getattr(w, name) for w in self.weeks), ZERO) for name in (*DOLLARS, *NOT_SHOWN)})
        return sums

    def outcome_counts(self) -> dict[str, int]:
        counted = Counter(self.outcomes.values())
        return {name: counted.get(name, 0) for name in OUTCOMES}

    def as_dict(self) -> dict[str, Any]:
        return {"out": self.out, "start": str(self.start), "as_of": str(self.as_of),
                "weeks": [w.as_dict() for w in self.weeks],
                "total": {k: str(v) if isinstance(v, Decimal) else v for k, v in self.total().items()},
                "outcomes": self.outcome_counts(), "corrections": dict(sorted(self.corrections.items())),
                "owed_by_patients": str(self.owed_by_patients)}

    def text(self) -> list[str]:
        head = (f"{'week':<4} {'today':<10} {'enc':>4} {'held':>4} {'sent':>4} {'acc':>4} {'rej':>4} {'paid':>4} "
                f"{'den':>4} {'corr':>4} {'2nd':>4} {'stmt':>4} {'charged':>10} {'paid $':>10} {'adjusted':>10} "
                f"{'PR posted':>10}")
        lines = [f"edi cycle: {len(self.weeks)} week(s) from {self.start} to {self.as_of}, files in {self.out}", head]

        def row(label: str, day: str, values: dict[str, Any]) -> str:
            counts = " ".join(f"{values[name]:>4}" for name in COUNTS)
            return f"{label:<4} {day:<10} {counts} " + " ".join(f"{values[name]:>10}" for name in DOLLARS)
        for w in self.weeks:
            lines.append(row(str(w.number), str(w.today), {n: getattr(w, n) for n in (*COUNTS, *DOLLARS)}))
        total = self.total()
        lines.append(row("all", "", total))
        lines.append("paid $: insurance payments for services, net of reversals; adjusted: every payer's "
                     "adjustments (contractual, denials, a secondary's OA-23);")
        lines.append("PR posted: patient responsibility as each payer posted it (a secondary restates the primary's; "
                     "statements bill the last payer's)")
        lines.append(f"interest and provider-level adjustments (PLB), not in paid $: {total['interest_plb']}")
        outcomes = ", ".join(f"{n} {name}" for name, n in self.outcome_counts().items())
        lines.append(f"encounters ended: {outcomes}")
        if self.corrections:
            lines.append("corrected by rule: " + ", ".join(f"{code} {n}" for code, n in
                                                             sorted(self.corrections.items())))
        before = sum(w.recorded_before for w in self.weeks)
        if before:
            lines.append(f"recorded by an earlier run into this ledger (not built again): {before} encounter(s)")
        lines.append(f"owed by patients (statements: the PR of each claim's last payer): {self.owed_by_patients}")
        return lines
