"""Helpers for the payer simulator's tests: a test payer profile (the commercial example with chosen
[adjudication] values), 837 variants of the bundled sample, and an independent check that every 835 balances."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from edi.models._io import read
from edi.models.remittance import Remittance
from edi.payer import Summary, load_payer, simulate

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "837p-office-visits.x12"
COMMERCIAL = ROOT / "mappings" / "payers" / "example-commercial.toml"

# What the hand-checked tests assume, instead of the example's own values: no randomness, a small deductible.
TEST_VALUES = {"deductible": "100.00", "coinsurance": "0.20", "copay_by_place": '{ "11" = 20.00 }',
               "unexplained_denial_rate": "0", "downcode_rate": "0", "lag_days": "[20, 20]",
               "payment_weekday": None, "split_over_lines": None, "interest_rate": "0"}


def profile(tmp: Path, **changes: str | None) -> Path:
    """The commercial example with TEST_VALUES and ``changes`` in its [adjudication] table (None removes a key)."""
    text = COMMERCIAL.read_text(encoding="utf-8")
    values = {**TEST_VALUES, **changes}
    head, sep, rest = text.partition("[adjudication]")
    table, sub, tail = rest.partition("\n[adjudication.")
    for key, value in values.items():
        table = _without(table, key)
        if value is not None:
            table = table.rstrip("\n") + f"\n{key} = {value}\n"
    path = tmp / "test-payer.toml"
    path.write_text(head + sep + table + sub + tail, encoding="utf-8")
    return path


def _without(table: str, key: str) -> str:
    """The table's text without ``key`` (a one-line value, or an array over several lines up to its "]")."""
    out, skipping = [], False
    for line in table.splitlines(keepends=True):
        if skipping:
            skipping = not line.startswith("]")
            continue
        if line.startswith(f"{key} = "):
            skipping = line.split("#")[0].strip().endswith("[")
            continue
        out.append(line)
    return "".join(out)


def variant(tmp: Path, name: str, *replacements: tuple[str, str]) -> Path:
    """The bundled 837P with text replaced, SE01 recounted (a test may add or remove segments)."""
    text = SAMPLE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    segments = text.split("~\n")
    st = next(i for i, s in enumerate(segments) if s.startswith("ST*"))
    se = next(i for i, s in enumerate(segments) if s.startswith("SE*"))
    control = segments[se].split("*")[2]
    segments[se] = f"SE*{se - st + 1}*{control}"
    path = tmp / f"{name}.x12"
    path.write_text("~\n".join(segments), encoding="utf-8")
    return path


def run(files: list[Path], out: Path, payer: Path | str, *, seed: int = 1, as_of: date | None = date(2025, 1, 20),
        state: Path | None = None) -> Summary:
    return simulate(files, out, load_payer(payer), seed=seed, as_of=as_of, state_path=state)


def segments_835(out: Path) -> list[list[str]]:
    """Every segment of every 835 in ``out``, split into elements, in file-name order."""
    found = []
    for path in sorted(out.glob("*.835.*.x12")):
        found += [s.split("*") for s in path.read_text().replace("\n", "").split("~") if s]
    return found


def claim(out: Path, clm01: str, status: str | None = None) -> list[list[str]]:
    """The segments of the claim payment(s) CLP01 = ``clm01`` (first with that status, when given): CLP … up to
    the next CLP, PLB or SE."""
    segs = segments_835(out)
    for i, s in enumerate(segs):
        if s[0] == "CLP" and s[1] == clm01 and (status is None or s[2] == status):
            end = next(j for j in range(i + 1, len(segs)) if segs[j][0] in ("CLP", "PLB", "SE"))
            return segs[i:end]
    raise AssertionError(f"no CLP {clm01} {status or ''} in {out}")


def cas(segment: list[str]) -> list[tuple[str, str, Decimal]]:
    out = []
    for k in range(2, len(segment), 3):
        if segment[k]:
            out.append((segment[1], segment[k], Decimal(segment[k + 1])))
    return out


def check_balanced(out: Path) -> int:
    """Every 835 in ``out`` read as models: CLP03 = CLP04 + Σ CAS (claim and lines), SVC02 = SVC03 + Σ CAS,
    BPR02 = Σ CLP04 − Σ PLB. Returns the number of claim payments checked."""
    checked = 0
    for path in sorted(out.glob("*.835.*.x12")):
        for model in read(path):
            assert isinstance(model, Remittance)
            paid = Decimal(0)
            for c in model.claims:
                line_cas = sum((a.amount for s in c.services for a in s.adjustments), Decimal(0))
                claim_cas = sum((a.amount for a in c.adjustments), Decimal(0))
                assert c.total_charge == c.paid_amount + claim_cas + line_cas, (path, c.patient_control_number)
                for s in c.services:
                    assert s.charge == s.paid_amount + sum((a.amount for a in s.adjustments), Decimal(0))
                pr = sum((a.amount for s in c.services for a in s.adjustments if a.group == "PR"), Decimal(0))
                assert c.patient_responsibility == pr
                paid += c.paid_amount or 0
                checked += 1
            assert model.total_actual_provider_payment == paid - model.provider_adjustment_total, path
    return checked
