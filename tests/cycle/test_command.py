"""`edi cycle` as a command: the summary as JSON, the roster and authorization list found beside the encounters,
and a bad input as one located line (exit 2), never a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from edi.cli import cli

SAMPLES = Path(__file__).parents[2] / "samples" / "cycle"


def test_json_summary_with_the_lists_beside_the_encounters(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("roster.csv", "authorizations.csv"):
        shutil.copy(SAMPLES / name, folder / name)
    one = next(line for line in (SAMPLES / "encounters.jsonl").read_text().splitlines() if '"E000020000126"' in line)
    (folder / "encounters.jsonl").write_text(one + "\n")
    result = CliRunner().invoke(cli, ["cycle", "--encounters", str(folder / "encounters.jsonl"), "--db",
                                      str(tmp_path / "c.db"), "--out", str(tmp_path / "out"), "--weeks", "3",
                                      "--start", "2025-08-18", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    # three weeks from 2025-08-18; the visit (2025-08-14) is built in the first; EXMCD pays 10-45 days after
    # receipt, so after three weeks the claim may still be pending
    assert [w["today"] for w in doc["weeks"]] == ["2025-08-18", "2025-08-25", "2025-09-01"]
    assert (doc["total"]["encounters"], doc["total"]["batched"], doc["as_of"]) == (1, 1, "2025-09-01")
    assert set(doc["outcomes"]) == {"paid", "denied", "held", "patient-responsible", "pending"}
    assert (tmp_path / "out" / "payers" / "EXMCD.state.json").exists()


def test_a_bad_encounter_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"schema": "edi-encounter/1", "id": "X1", "lines": "none"}\n')
    result = CliRunner().invoke(cli, ["cycle", "--encounters", str(bad), "--db", str(tmp_path / "c.db"),
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "bad.jsonl:1" in result.output


def test_a_practice_management_csv_runs_with_its_column_map(tmp_path: Path) -> None:
    """--mapping, as claims build takes it: samples/encounters/example-pm.csv holds three visits (Visit ID
    V20250106A, V20250107B, V20250108C, one row per service line); without the map the error names the option."""
    csv = Path(__file__).parents[2] / "samples" / "encounters" / "example-pm.csv"
    args = ["cycle", "--encounters", str(csv), "--db", str(tmp_path / "c.db"), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and "--mapping NAME" in result.output
    result = CliRunner().invoke(cli, [*args, "--mapping", "example-pm", "--weeks", "1", "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total"]["encounters"] == 3
