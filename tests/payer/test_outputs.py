"""Everything the payer simulator writes is valid X12 by our validator and by pyx12, balances, and is the same
bytes for the same seed, inputs and state; the command's exit codes and one-line errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from edi.cli import cli
from edi.synth import write_synth
from edi.validate import validate
from pyx12_errors import pyx12_errors
from tests.payer.support import ROOT, SAMPLE, check_balanced, profile, run

INPATIENT = ROOT / "samples" / "837i-inpatient.x12"
# every feature switched on, so the outputs exercise reversals aside, all of the 835's loops and segments
BUSY = {"unexplained_denial_rate": "0.2", "downcode_rate": "0.5", "split_over_lines": "2",
        "crossover": '{ name = "EXAMPLE SUPPLEMENT", id = "EXSUP" }', "lag_days": "[10, 50]",
        "interest_rate": "0.12", "payment_weekday": "3"}


def assert_valid(out: Path) -> int:
    files = sorted(out.glob("*.x12"))
    assert files
    for path in files:
        report = validate(path)
        assert not report.errors, (path.name, [f"{f.code}: {f.message}" for f in report.errors[:3]])
        assert pyx12_errors(str(path)) == [], path.name
    return check_balanced(out)


def test_samples_answered_validly(tmp_path: Path) -> None:
    payer = profile(tmp_path, **BUSY)
    assert run([SAMPLE, INPATIENT], tmp_path / "out", payer).accepted == 5
    assert assert_valid(tmp_path / "out") >= 5


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["837p", "837i"]), claims=st.integers(1, 40), seed=st.integers(0, 10**6))
def test_synthetic_837s_answered_validly(tmp_path_factory: pytest.TempPathFactory, kind: str, claims: int,
                                         seed: int) -> None:
    """Any `edi synth 837p` or `837i` file: its acknowledgments and 835s pass `edi validate` and pyx12, every 835
    balances, and every claim is either adjudicated or said why not."""
    tmp = tmp_path_factory.mktemp("synth")
    source = tmp / "claims.x12"
    with source.open("wb") as fh:
        write_synth(kind, claims, seed, fh)
    summary = run([source], tmp / "out", profile(tmp, **BUSY), seed=seed, as_of=None)
    assert summary.claims == claims
    assert summary.accepted + sum(summary.not_adjudicated.values()) == claims
    assert_valid(tmp / "out")


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    payer = profile(tmp_path, **BUSY)
    source = tmp_path / "claims.x12"
    with source.open("wb") as fh:
        write_synth("837p", 60, 5, fh)
    outs = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        run([source], tmp_path / name, payer, seed=seed, state=tmp_path / f"{name}.json")
        outs.append({p.name: p.read_bytes() for p in (tmp_path / name).glob("*.x12")})
        outs[-1]["state"] = (tmp_path / f"{name}.json").read_bytes()
    assert outs[0] == outs[1]
    assert outs[0] != outs[2]


runner = CliRunner()


def cli_run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, ["payer", "simulate", *args], catch_exceptions=False)


def test_cli_writes_and_summarizes(tmp_path: Path) -> None:
    result = cli_run(str(SAMPLE), "--out", str(tmp_path / "out"), "--as-of", "2025-01-20", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["claims"] == 3 and summary["accepted"] == 3       # the payer found from NM1*PR PI*EXHP1
    assert {Path(p).name.split(".")[-3] for p in summary["written"]} == {"999", "277ca", "835"}   # no TA1 asked
    assert any(".835." in p for p in summary["written"])


def test_cli_bad_profile_names_the_key(tmp_path: Path) -> None:
    bad = profile(tmp_path, coinsurance="2")
    result = cli_run(str(SAMPLE), "--out", str(tmp_path / "out"), "--payer", str(bad))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"{bad}: adjudication.coinsurance: 2 is not a fraction between 0 and 1 (write 0.20 for 20%)"]


@pytest.mark.parametrize(("change", "key"), [
    ({"fee_schedule_source": "1"}, "adjudication.fee_schedule_source"),
    ({"lag_days": "[30, 10]"}, "adjudication.lag_days"),
    ({"payment_weekday": "9"}, "adjudication.payment_weekday"),
    ({"unexplained_denial": '"sometimes"'}, "adjudication.unexplained_denial"),
    ({"surprise": "1"}, "adjudication.surprise"),
])
def test_profile_errors_are_located(tmp_path: Path, change: dict[str, str], key: str) -> None:
    result = cli_run(str(SAMPLE), "--out", str(tmp_path / "out"), "--payer", str(profile(tmp_path, **change)))
    assert result.exit_code == 2 and f": {key}: " in result.output and "Traceback" not in result.output


def test_cli_profile_without_adjudication_and_unknown_payer(tmp_path: Path) -> None:
    rules_only = tmp_path / "rules-only.toml"
    text = (ROOT / "mappings" / "payers" / "example-commercial.toml").read_text()
    rules_only.write_text(text[:text.index("[adjudication]")])
    result = cli_run(str(SAMPLE), "--out", str(tmp_path / "out"), "--payer", str(rules_only))
    assert result.exit_code == 2 and "adjudication: this profile has no [adjudication] table" in result.output
    result = cli_run(str(SAMPLE), "--out", str(tmp_path / "out"), "--payer", "nobody")
    assert result.exit_code == 2 and "no payer profile here" in result.output


def test_cli_bad_state_file(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text("{not json")
    result = cli_run(str(SAMPLE), "--out", str(tmp_path / "out"), "--state", str(state))
    assert result.exit_code == 2 and "not a payer simulator state file" in result.output


def test_state_file_is_json_with_accumulators(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    run([SAMPLE], tmp_path / "out", profile(tmp_path), state=state, as_of=date(2025, 1, 20))
    doc = json.loads(state.read_text())
    assert doc["accumulators"]["EXHP1|FAKE00000001|2025"] == "100.00"
    assert doc["accumulators"]["EXHP1|FAKE00000002|2025"] == "78.00"


def test_cli_file_that_is_not_x12(tmp_path: Path) -> None:
    junk = tmp_path / "junk.x12"
    junk.write_text("hello, not x12\n")
    result = cli_run(str(junk), "--out", str(tmp_path / "out"), "--payer", "example-commercial")
    assert result.exit_code == 2
    assert result.output.startswith("junk.x12: segment 1 (byte 0, line 1): expected an ISA interchange header")


def test_simulated_835s_post_cleanly(tmp_path: Path) -> None:
    """The simulator's 835s for claims imported into a ledger post with `edi post`: every claim payment matched,
    no exception, the posted money = BPR02 (the cycle, issue 12 §2, relies on this)."""
    db = str(tmp_path / "ledger.db")
    source = tmp_path / "claims.x12"
    with source.open("wb") as fh:
        write_synth("837p", 30, 11, fh)
    assert runner.invoke(cli, ["ledger", "init", "--db", db]).exit_code == 0
    assert runner.invoke(cli, ["ledger", "import", str(source), "--db", db]).exit_code == 0
    run([source], tmp_path / "out", profile(tmp_path, **BUSY), as_of=None)
    eras = sorted(str(p) for p in (tmp_path / "out").glob("*.835.*.x12"))
    result = runner.invoke(cli, ["post", *eras, "--db", db])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "claim payment(s)" in line]
    assert lines and all(" 0 exception(s)" in line and "suspense 0;" in line for line in lines), result.output
