"""What the report reads besides the ledger, all from ``mappings/``: each payer's contract (the fee schedule and
percent of charge of its profile's ``[adjudication]`` table, the same data the payer simulator pays by) and
timely filing limit (``[scrub] timely_filing_days``), and the E/M benchmark (``benchmarks/em-levels.csv``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from edi._data import mapping_path, read_toml
from edi.errors import MappingError

NEW = ("99202", "99203", "99204", "99205")
ESTABLISHED = ("99211", "99212", "99213", "99214", "99215")
ANY_SPECIALTY = "*"


@dataclass(frozen=True)
class Contract:
    """One payer's contracted allowed amounts and filing limit, from its profile."""

    name: str
    source: str
    fee_schedule: dict[str, Decimal] = field(default_factory=dict)
    percent_of_charge: Decimal | None = None
    timely_filing_days: int | None = None

    def expected(self, procedure: str | None, units: Decimal, charge: Decimal) -> Decimal | None:
        """The contracted allowed amount of a line (never above its charge), or None when the contract is silent."""
        if procedure and procedure in self.fee_schedule:
            amount = self.fee_schedule[procedure] * units
        elif self.percent_of_charge is not None:
            amount = self.percent_of_charge * charge
        else:
            return None
        return min(charge, amount.quantize(Decimal("0.01")))


def contracts(directory: Path | None = None) -> dict[str, Contract]:
    """Payer id → its contract, for every payer profile in ``mappings/payers``."""
    found: dict[str, Contract] = {}
    for path in sorted((directory or mapping_path("payers")).glob("*.toml")):
        doc = read_toml(path)
        payer, scrub, adjudication = doc.get("payer", {}), doc.get("scrub", {}), doc.get("adjudication", {})
        try:
            fees = {str(k): Decimal(str(v)) for k, v in adjudication.get("fee_schedule", {}).items()}
            percent = adjudication.get("percent_of_charge")
            contract = Contract(str(payer.get("name", path.stem)), str(path), fees,
                                Decimal(str(percent)) if percent is not None else None,
                                scrub.get("timely_filing_days"))
        except (InvalidOperation, AttributeError) as exc:
            raise MappingError(f"a fee or percent of charge that is not a number ({exc})", str(path),
                               "adjudication") from None
        for payer_id in payer.get("ids", []):
            found[str(payer_id)] = contract
    return found


@dataclass(frozen=True)
class Benchmark:
    """E/M level shares (fractions) per (taxonomy, category); ``*`` is any specialty."""

    specialties: dict[str, str]                          # taxonomy → specialty name
    shares: dict[tuple[str, str], dict[str, float]]      # (taxonomy, category) → code → share 0–1
    sources: dict[tuple[str, str], str]

    def lookup(self, taxonomy: str | None, category: str) -> tuple[str, dict[str, float], str]:
        """(specialty, shares, source) for a provider's taxonomy, falling back to any specialty."""
        for key in (taxonomy or "", ANY_SPECIALTY):
            if (key, category) in self.shares:
                return self.specialties[key], self.shares[key, category], self.sources[key, category]
        return self.specialties.get(taxonomy or "", taxonomy or "unknown"), {}, ""


def benchmark(path: Path | None = None) -> Benchmark:
    """Read ``mappings/benchmarks/em-levels.csv`` (comment lines start with #)."""
    path = path or mapping_path("benchmarks", "em-levels.csv")
    specialties: dict[str, str] = {}
    shares: dict[tuple[str, str], dict[str, float]] = {}
    sources: dict[tuple[str, str], str] = {}
    with path.open(encoding="utf-8", newline="") as stream:
        rows = csv.DictReader(line for line in stream if not line.startswith("#"))
        for n, row in enumerate(rows, 1):
            try:
                share = float(row["share"]) / 100
                category, code = row["category"], row["code"]
            except (KeyError, TypeError, ValueError):
                raise MappingError("needs specialty,taxonomy,category,code,share,source with a numeric share",
                                   str(path), f"row {n}") from None
            if code not in (NEW if category == "new" else ESTABLISHED):
                raise MappingError(f"{code} is not a {category}-patient office visit code", str(path), f"row {n}")
            key = (row["taxonomy"], category)
            specialties[row["taxonomy"]] = row["specialty"]
            shares.setdefault(key, {})[code] = share
            sources[key] = row["source"]
    return Benchmark(specialties, shares, sources)
