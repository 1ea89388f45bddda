"""`edi codes load` reads CMS's released NCCI files as CMS ships them (PTP text, MUE CSV with its preamble, add-on
text) besides our simple CSV; the fixtures are FICTIONAL files in CMS's layout (tests/codes/fixtures), copied
first. Values checked against the fixture rows by hand."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from edi.cli import cli
from edi.ledger import open_ledger

FIXTURES = Path(__file__).resolve().parents[1] / "codes" / "fixtures"


def _edi(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def _copy(name: str, tmp_path: Path) -> str:
    return str(shutil.copy(FIXTURES / name, tmp_path / name))


def test_cms_ptp_mue_and_addon_files_load(db_url: str, tmp_path: Path) -> None:
    ptp = _copy("ccipra-FICTIONAL-f1.TXT", tmp_path)
    mue = _copy("MCR_MUE_PractitionerServices_Eff_10-01-2025_FICTIONAL.csv", tmp_path)
    aoc = _copy("AOC_V2025Q4-MCR_FICTIONAL.txt", tmp_path)
    assert _edi("codes", "load", "ncci-ptp", ptp, "--quarter", "2025Q4", "--db", db_url)[0] == 0
    code, output = _edi("codes", "load", "mue", mue, "--db", db_url)       # the quarter from CMS's file name
    assert (code, "loaded 4 mue row(s) for 2025Q4") == (0, output.split(": ", 1)[1].split(" into")[0])
    code, output = _edi("codes", "load", "addon", aoc, "--db", db_url)
    assert (code, "loaded 4 addon row(s) for 2025Q4") == (0, output.split(": ", 1)[1].split(" into")[0])
    with open_ledger(db_url) as ledger:
        day = date(2025, 11, 3)
        # fixture: 93000 93005 * 19960101 * 0 ; 36415 99213 … modifier 9 (kept, never applied by the scrubber)
        pairs = {(r.column_1, r.column_2, r.modifier_indicator) for r in ledger.ptp_edits(["93000", "93005"], day)}
        assert pairs == {("93000", "93005", "0")}
        found = ledger.mue("36415", day)        # fixture: 36415,2,"3 Date of Service Edit: Clinical"
        assert found is not None and (found.max_units, found.adjudication_indicator) == (2, 3)
        # fixture: 90461 with CCCCC (type 2: contractor-defined primaries) has no primary code
        assert [(r.edit_type, r.primary_code) for r in ledger.addon_edits("90461", day)] == [(2, None)]
        assert sorted(r.primary_code or "" for r in ledger.addon_edits("95886", day)) == ["95907", "95908"]


def test_a_cms_ptp_file_needs_its_quarter(db_url: str, tmp_path: Path) -> None:
    ptp = _copy("ccipra-FICTIONAL-f1.TXT", tmp_path)
    code, output = _edi("codes", "load", "ncci-ptp", ptp, "--db", db_url)
    assert code == 2 and "give the CMS quarter the file is for as YYYYQn" in output


def test_a_malformed_cms_file_names_file_line_and_field(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "ccipra-bad-f1.TXT"
    bad.write_text("FICTIONAL\n93000\t93005\t*\t19960101\t*\t5\tFICTIONAL\n")
    code, output = _edi("codes", "load", "ncci-ptp", str(bad), "--quarter", "2025Q4", "--db", db_url)
    assert (code, output) == (2, "ccipra-bad-f1.TXT: line 2, modifier: modifier indicator '5' must be 0, 1 or 9\n")


def test_our_simple_csv_still_loads(db_url: str, tmp_path: Path) -> None:
    simple = tmp_path / "ptp.csv"
    simple.write_text("column_1,column_2,effective_from,modifier_indicator\n12002,64450,2000-01-01,1\n")
    code, output = _edi("codes", "load", "ncci-ptp", str(simple), "--quarter", "2099Q1", "--db", db_url)
    assert code == 0 and "loaded 1 ncci-ptp row(s) for 2099Q1" in output
