"""Claims corrected after payment: a replacement (frequency 7, REF*F8 the payer's claim number) reverses the
claim paid earlier (CLP02 22, every amount negated, same CLP07) and is paid anew; a void (frequency 8) is taken
back from the next payment (PLB WO, reference the payer's claim number)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from tests.payer.support import cas, check_balanced, claim, profile, run, segments_835, variant, SAMPLE


def corrected(tmp: Path, frequency: str, number: str, charge: str = "150") -> Path:
    return variant(tmp, f"freq{frequency}", ("CLM*PCN1001*235***11:B:1", f"CLM*PCN1001*{85 + int(charge)}***11:B:{frequency}"),
                   ("REF*X4*99D9999999~", f"REF*F8*{number}~\nREF*X4*99D9999999~"),
                   ("SV1*HC:99214:25*150*", f"SV1*HC:99214:25*{charge}*"))


def test_replacement_reverses_and_pays_again(tmp_path: Path) -> None:
    """Run 1 pays PCN1001 43.20 (test_adjudication). Run 2 sends it again as frequency 7 with the 99214 charged
    160: CLP*PCN1001*22*-235*-43.20*-130.80 under the first CLP07, then the new claim: the deductible given back
    is charged again, 99214 allowed still 138 (CO-45 22), so the new claim pays 43.20 again on a 245 charge."""
    payer, state = profile(tmp_path), tmp_path / "payer.json"
    run([SAMPLE], tmp_path / "one", payer, state=state)
    first = claim(tmp_path / "one", "PCN1001")[0][7]
    run([corrected(tmp_path, "7", first, "160")], tmp_path / "two", payer, state=state, as_of=date(2025, 2, 10))
    reversal = claim(tmp_path / "two", "PCN1001", "22")
    assert [Decimal(x) for x in reversal[0][3:6]] == [Decimal("-235"), Decimal("-43.20"), Decimal("-130.80")]
    assert reversal[0][7] == first
    assert ("PR", "1", Decimal("-100")) in [a for s in reversal if s[0] == "CAS" for a in cas(s)]
    again = claim(tmp_path / "two", "PCN1001", "1")
    assert again[0][7] != first and again[0][9] == "7"
    assert [Decimal(x) for x in again[0][3:6]] == [Decimal("245"), Decimal("43.20"), Decimal("130.80")]
    check_balanced(tmp_path / "two")


def test_void_is_recouped_with_plb_wo(tmp_path: Path) -> None:
    """Run 2 voids PCN1001 (frequency 8): no claim payment; PLB WO 43.20 referencing its CLP07. With nothing else
    paid that day the payment would be negative, so it is carried forward (PLB FB −43.20) and BPR02 is 0."""
    payer, state = profile(tmp_path), tmp_path / "payer.json"
    run([SAMPLE], tmp_path / "one", payer, state=state)
    first = claim(tmp_path / "one", "PCN1001")[0][7]
    summary = run([corrected(tmp_path, "8", first)], tmp_path / "two", payer, state=state, as_of=date(2025, 2, 10))
    assert summary.recouped == Decimal("43.20")
    segs = segments_835(tmp_path / "two")
    plb = next(s for s in segs if s[0] == "PLB" and any(e.startswith("WO:") for e in s))
    items = {plb[k]: Decimal(plb[k + 1]) for k in range(3, len(plb), 2)}
    assert items[f"WO:{first}"] == Decimal("43.20")
    assert sum(items.values()) == sum(Decimal(s[4]) for s in segs if s[0] == "CLP"
                                      and s[2] != "22") - Decimal(next(s for s in segs if s[0] == "BPR")[2])
    assert not [s for s in segs if s[0] == "CLP" and s[1] == "PCN1001"]
    check_balanced(tmp_path / "two")


def test_void_of_nothing_paid_is_denied(tmp_path: Path) -> None:
    """A frequency-8 void the payer has nothing to match (no state): denied CO-16 (MA130), nothing recouped."""
    summary = run([corrected(tmp_path, "8", "EXHP0000000000")], tmp_path / "out", profile(tmp_path))
    segs = claim(tmp_path / "out", "PCN1001")
    assert segs[0][2] == "4" and ["MOA", "", "", "MA130"] in segs
    assert summary.recouped == 0


def test_replacement_of_a_denied_claim_is_not_reversed(tmp_path: Path) -> None:
    """PCN1001 denied in run 1 (unexplained, rate 1), replaced in run 2 (rate 0): no CLP02 22, just paid."""
    state = tmp_path / "payer.json"
    run([SAMPLE], tmp_path / "one", profile(tmp_path, unexplained_denial_rate="1"), state=state)
    first = claim(tmp_path / "one", "PCN1001")[0]
    assert first[2] == "4"
    run([corrected(tmp_path, "7", first[7])], tmp_path / "two", profile(tmp_path), state=state,
        as_of=date(2025, 2, 10))
    assert [s[2] for s in segments_835(tmp_path / "two") if s[0] == "CLP" and s[1] == "PCN1001"] == ["1"]


def test_many_provider_adjustments_fit_one_plb(tmp_path: Path) -> None:
    """Past six PLB items the interest items are summed into one (pyx12 rejects a second PLB): 8 late claims of a
    synthetic file give one PLB whose L6 is the sum the run reports."""
    from edi.synth import write_synth

    source = tmp_path / "claims.x12"
    with source.open("wb") as fh:
        write_synth("837p", 40, 35907, fh)
    payer = profile(tmp_path, lag_days="[60, 60]", interest_rate="0.12", deductible="0")
    summary = run([source], tmp_path / "out", payer, as_of=None)
    plbs = [s for s in segments_835(tmp_path / "out") if s[0] == "PLB"]
    assert plbs and all(len(p) <= 15 for p in plbs)
    assert any(e.startswith("L6:L6") for p in plbs for e in p)          # some payee had more than six
    assert len([s for s in segments_835(tmp_path / "out") if s[0] == "ST"]) >= len(plbs)
    assert -sum(Decimal(p[k + 1]) for p in plbs for k in range(3, len(p), 2) if p[k].startswith("L6")) \
        == summary.interest
    check_balanced(tmp_path / "out")
