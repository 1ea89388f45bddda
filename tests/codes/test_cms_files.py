"""Readers for CMS's released NCCI files (edi.codes.parse_cms_file), on FICTIONAL files in CMS's layouts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from edi.codes import AddOnEdit, CmsFileError, MueEdit, PtpEdit, parse_cms_file

FIXTURES = Path(__file__).parent / "fixtures"


class TestPtp:
    def test_rows_after_the_preamble_with_dates_and_indicators(self) -> None:
        """Copyright and title lines are skipped; * means no deletion date; the quarter is what the caller says."""
        rows = list(parse_cms_file("ncci-ptp", FIXTURES / "ccipra-FICTIONAL-f1.TXT", quarter="2025Q4"))
        assert 4 == len(rows) and all(isinstance(r, PtpEdit) for r in rows)
        assert PtpEdit("93000", "93005", date(1996, 1, 1), None, 0, "FICTIONAL rationale", "ccipra-FICTIONAL-f1.TXT",
                       "2025Q4") == rows[0]
        assert (date(2023, 12, 31), 9) == (rows[2].deleted, rows[3].modifier)

    def test_a_csv_export_reads_the_same(self, tmp_path: Path) -> None:
        text = (FIXTURES / "ccipra-FICTIONAL-f1.TXT").read_text().replace("\t", ",")
        path = tmp_path / "ccipra-FICTIONAL-f1.csv"
        path.write_text(text)
        tab = list(parse_cms_file("ncci-ptp", FIXTURES / "ccipra-FICTIONAL-f1.TXT"))
        assert [r.column2 for r in tab] == [r.column2 for r in parse_cms_file("ncci-ptp", path)]  # type: ignore[union-attr]

    @pytest.mark.parametrize("line, message", [
        ("93000\t93005\t\t19961301\t*\t0\tx", "line 4, effective date: '19961301' is not a calendar date"),
        ("93000\t93005\t\t19960101\t*\t2\tx", "line 4, modifier: modifier indicator '2' must be 0, 1 or 9"),
        ("93000\t930\t\t19960101\t*\t0\tx", "line 4, column 2: '930' is not a HCPCS/CPT code"),
        ("93000\t93005\t19960101", "line 4: 3 fields, expected 7 (column 1, column 2, pre-1996, effective, deletion, "
                                    "modifier, rationale)"),
    ])
    def test_a_malformed_row_is_located(self, tmp_path: Path, line: str, message: str) -> None:
        """After the first edit, every line must be one: the error names file, line and field."""
        path = tmp_path / "ptp.txt"
        path.write_text("Column 1\tColumn 2\n97530\t97140\t\t20200101\t*\t1\tx\n\n" + line + "\n")
        with pytest.raises(CmsFileError) as err:
            list(parse_cms_file("ncci-ptp", path))
        assert f"ptp.txt: {message}" == str(err.value)

    def test_windows_text_and_zip_files(self, tmp_path: Path) -> None:
        """A cp1252 copyright sign is read; a zip (or xlsx) is refused with what to do."""
        text = tmp_path / "ptp.txt"
        text.write_bytes(b"Copyright \xa9 2025\r\n97530\t97140\t\t20200101\t*\t1\tx\r\n")
        assert ["97530"] == [r.column1 for r in parse_cms_file("ncci-ptp", text)]  # type: ignore[union-attr]
        archive = tmp_path / "ccipra.zip"
        archive.write_bytes(b"PK\x03\x04rest")
        with pytest.raises(CmsFileError, match="unzip it, or export the sheet to CSV"):
            list(parse_cms_file("ncci-ptp", archive))


class TestMue:
    def test_the_quoted_two_line_header_and_the_date_in_the_name(self) -> None:
        """CMS's header "HCPCS/<newline>CPT Code" is recognised; the table applies from 2025-10-01 (2025Q4)."""
        rows = list(parse_cms_file("mue", FIXTURES / "MCR_MUE_PractitionerServices_Eff_10-01-2025_FICTIONAL.csv"))
        assert MueEdit("36415", 2, 3, "FICTIONAL", date(2025, 10, 1),
                       "MCR_MUE_PractitionerServices_Eff_10-01-2025_FICTIONAL.csv", "2025Q4") == rows[0]
        assert [("99213", 1, 2), ("J1030", 8, 1)] == [(r.code, r.value, r.mai) for r in rows[2:]]  # type: ignore[union-attr]

    def test_without_a_date_the_quarter_must_be_given(self, tmp_path: Path) -> None:
        path = tmp_path / "mue.csv"
        path.write_text("HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n"
                        "36415,2,3 Date of Service Edit: Clinical,x\n")
        with pytest.raises(CmsFileError, match="cannot tell when this MUE table applies"):
            list(parse_cms_file("mue", path))
        (row,) = parse_cms_file("mue", path, quarter="2026Q2")
        assert (date(2026, 4, 1), "2026Q2") == (row.effective, row.quarter)  # type: ignore[union-attr]

    def test_a_bad_mai_is_located(self, tmp_path: Path) -> None:
        path = tmp_path / "MUE_Eff_01-01-2026.csv"
        path.write_text('"HCPCS/\nCPT Code",Value,MAI,Rationale\n36415,2,"4 Other",x\n')
        with pytest.raises(CmsFileError, match=r"MUE_Eff_01-01-2026.csv: line 3, MAI: MUE adjudication indicator "
                                               r"'4 Other' must start with 1, 2 or 3"):
            list(parse_cms_file("mue", path))


class TestAddOn:
    def test_columns_are_found_by_their_titles(self) -> None:
        """The add-on code file's columns are read by title; CCCCC (contractor-defined primaries) is kept; the
        quarter comes from V2025Q4 in the name."""
        rows = list(parse_cms_file("addon", FIXTURES / "AOC_V2025Q4-MCR_FICTIONAL.txt"))
        assert AddOnEdit("95886", "95907", 1, date(2013, 1, 1), None, "AOC_V2025Q4-MCR_FICTIONAL.txt",
                         "2025Q4") == rows[0]
        assert [("90472", date(2022, 12, 31)), ("90461", None)] == [(r.addon, r.deleted) for r in rows[2:]]  # type: ignore[union-attr]
        assert ("CCCCC", 2) == (rows[3].primary, rows[3].type)  # type: ignore[union-attr]

    def test_a_file_without_the_header_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "aoc.txt"
        path.write_text("95886\t95907\t1\n")
        with pytest.raises(CmsFileError, match="no header row with Add-on Code and Primary Code columns"):
            list(parse_cms_file("addon", path))


def test_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CmsFileError, match="unknown kind 'ptp': one of ncci-ptp, mue, addon"):
        list(parse_cms_file("ptp", tmp_path / "x"))
