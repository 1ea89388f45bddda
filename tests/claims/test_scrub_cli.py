"""`edi claims scrub`: encounters or 837 files in, findings grouped by encounter and root cause out; exit 0 when
nothing would be held, 1 when something would, 2 when an input cannot be read; invalid rows counted, not dropped."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import msgspec
from click.testing import CliRunner
from conftest import SAMPLES

from claims.support import office_visit, service
from edi.claims.encounter import Diagnosis
from edi.cli import cli

ENCOUNTERS = SAMPLES / "encounters"


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["claims", "scrub", *args])


def jsonl(path: Path, *encounters: object, extra: str = "") -> Path:
    path.write_text("".join(msgspec.json.encode(e).decode() + "\n" for e in encounters) + extra)
    return path


def test_clean_encounters_exit_0_with_their_counts(tmp_path: Path) -> None:
    result = run(str(jsonl(tmp_path / "ok.jsonl", office_visit())), "--as-of", "2026-05-20")
    assert result.exit_code == 0, result.output
    assert "1 encounter(s): 1 clean, 0 held, 0 with warnings only, 0 invalid input" in result.output


def test_held_encounters_exit_1_grouped_by_encounter_and_root_cause(tmp_path: Path) -> None:
    bad = office_visit(service("99213", charge="0"), id="BAD", diagnoses=(Diagnosis(code="J0690"),),
                       service_date=date(2026, 5, 5))
    result = run(str(jsonl(tmp_path / "e.jsonl", office_visit(id="OK"), bad)), "--as-of", "2026-05-20")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0] == "BAD  held: 2 error(s), 0 warning(s)"
    assert [line.strip() for line in lines[1:5:2]] == ["coding", "billing"]
    assert lines[2].split()[:3] == ["coding.icd10.invalid", "error", "diagnoses[0].code"]
    assert lines[4].split()[:3] == ["billing.charge.not_positive", "error", "lines[0].charge"]
    assert "2 encounter(s): 1 clean, 1 held" in result.output


def test_invalid_rows_are_reported_and_counted(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "e.jsonl", office_visit(), extra='{"id": "X", "lines": "oops"}\n')
    result = run(str(path), "--format", "json", "--as-of", "2026-05-20")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.output)
    assert (doc["summary"]["encounters"], doc["summary"]["invalid"], doc["summary"]["clean"]) == (2, 1, 1)
    assert doc["invalid"][0]["line"] == 2 and doc["invalid"][0]["file"].endswith("e.jsonl")


def test_an_unreadable_input_exits_2(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    result = run(str(tmp_path / "x.csv"))        # a CSV without --mapping
    assert result.exit_code == 2, result.output
    assert "a CSV export needs a column map" in result.output
    garbage = tmp_path / "g.x12"
    garbage.write_bytes(b"ISA*00*garbage")
    assert run(str(garbage)).exit_code == 2


def test_csv_and_837_inputs_are_scrubbed(tmp_path: Path) -> None:
    result = run(str(ENCOUNTERS / "example-pm.csv"), "--mapping", "example-pm", str(SAMPLES / "837p-office-visits.x12"),
                 "--as-of", "2025-02-01", "--format", "json")
    assert result.exit_code in (0, 1), result.output
    doc = json.loads(result.output)
    assert doc["summary"]["encounters"] == 6 and doc["summary"]["invalid"] == 0


def test_no_progress_bar_when_not_a_terminal(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["claims", "scrub", str(jsonl(tmp_path / "e.jsonl",
                                                                                    office_visit()))])
    assert result.stderr == ""


def test_with_a_ledger_enrollment_is_checked(tmp_path: Path) -> None:
    """--db: the roster names EXHP1 and not the rendering NPI 1234567901 → credentialing.not_enrolled (CO-B7)."""
    roster = tmp_path / "roster.csv"
    roster.write_text("npi,payer_id,effective_from\n1234567893,EXHP1,2020-01-01\n")
    db = str(tmp_path / "edi.db")
    assert CliRunner().invoke(cli, ["ledger", "roster", str(roster), "--db", db]).exit_code == 0
    result = run(str(jsonl(tmp_path / "e.jsonl", office_visit())), "--as-of", "2026-05-20", "--db", db,
                 "--format", "json")
    assert result.exit_code == 1, result.output
    codes = [(f["code"], f["prevents"]) for e in json.loads(result.output)["encounters"] for f in e["findings"]]
    assert codes == [("credentialing.not_enrolled", "CO-B7")]


def test_the_progress_display_counts_encounters(capsys) -> None:  # type: ignore[no-untyped-def]
    """On a terminal the command shows rich's progress on standard error (transient: gone when done)."""
    from edi.cli import _progress
    with _progress("scrubbing") as progress:
        progress(100)
        progress(250)
    assert capsys.readouterr().out == ""
