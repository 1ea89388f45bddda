"""The payers the cycle simulates (``mappings/cycle/payers.toml``): per payer id the profile that adjudicates its
claims, made stricter by the scrub warnings that payer denies; and its mailbox in the cycle's folder — the
simulator's output folder (its control-number counter) and its state file (deductibles, claims paid), kept from
week to week."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from edi._data import TableReader, mapping_path, read_toml
from edi.claims.encounter import Encounter
from edi.claims.scrub import EDITS
from edi.payer import Payer, PayerState, load_payer, plan_year
from edi.validate import Severity


@dataclass
class SimulatedPayer:
    payer_id: str
    profile: str
    payer: Payer
    strict: tuple[str, ...]          # scrub warnings this payer denies
    deductible_met: Decimal = Decimal(0)   # share of members who met the plan year's deductible before the cycle

    def mailbox(self, out: Path) -> Path:
        return out / "payers" / self.payer_id

    def state(self, out: Path) -> Path:
        return out / "payers" / f"{self.payer_id}.state.json"


def load_payers(path: Path | None = None) -> dict[str, SimulatedPayer]:
    path = path or mapping_path("cycle", "payers.toml")
    doc = read_toml(path)
    payers: dict[str, SimulatedPayer] = {}
    for payer_id, raw in TableReader(doc, str(path), "").table("payer").items():
        get = TableReader(raw, str(path), f"payer.{payer_id}")
        strict = tuple(get.strings("denies_warnings"))
        for n, code in enumerate(strict):
            if code not in EDITS:
                raise get.fail(f"denies_warnings[{n}]", f"{code!r} is no scrub edit (docs/scrub-edits.md)")
        payer = load_payer(get.string("profile"))
        if strict:
            scrub = payer.scrub
            severity = {**scrub.severity, **dict.fromkeys(strict, Severity.ERROR)}   # type: ignore[attr-defined]
            payer.scrub = dataclasses.replace(scrub, severity=severity)               # type: ignore[type-var]
        met = raw.get("deductible_met", 0)
        if not isinstance(met, int | float) or not 0 <= met <= 1:
            raise get.fail("deductible_met", "must be a share between 0 and 1 (0.6 for 60%)")
        payers[payer_id] = SimulatedPayer(payer_id, get.string("profile"), payer, strict, Decimal(str(met)))
    return payers


def seed_deductibles(payer: SimulatedPayer, encounters: Iterable[Encounter], out: Path, seed: int) -> int:
    """A new payer state in which a share (``deductible_met``) of the members billed to this payer, chosen by a
    hash of the seed and member id, have met the plan year's deductible before the cycle's first week (as by
    mid-year many have); nothing when the state file exists. Returns the members seeded."""
    path = payer.state(out)
    profile = payer.payer.adjudication
    if path.exists() or not payer.deductible_met or not profile.deductible:
        return 0
    state = PayerState(path=path)
    for enc in encounters:
        coverage = enc.billed
        period = enc.service_period
        if coverage.payer.id != payer.payer_id or period is None:
            continue
        draw = int(hashlib.sha256(f"{seed}/{payer.payer_id}/{coverage.member_id}".encode()).hexdigest()[:8], 16)
        if draw / 0xFFFFFFFF < payer.deductible_met:
            year = plan_year(period[0], profile.plan_year_start_month)
            state.accumulators[f"{profile.ids[0]}|{coverage.member_id}|{year}"] = profile.deductible
    path.parent.mkdir(parents=True, exist_ok=True)
    state.save()
    return len(state.accumulators)
