"""NCCI PTP, MUE and add-on lookups (edi.codes), on a FICTIONAL fixture extract (tests/codes/fixtures/extract):
the shipped extract holds no rows, because no public copy of CMS's files with rows for our codes was reached."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from edi import codes
from edi.codes import NcciTables, read_extract
from edi.errors import MappingError

FIXTURE = Path(__file__).parent / "fixtures" / "extract"
DAY = date(2025, 11, 3)


@pytest.fixture(scope="module")
def tables() -> NcciTables:
    return read_extract(FIXTURE)


class TestPtp:
    def test_a_pair_in_effect_is_found_in_its_order_only(self, tables: NcciTables) -> None:
        """93000/93005 (indicator 0) is an edit; 93005/93000 is not (column 1 comes first)."""
        edit = tables.ncci_pair("93000", "93005", DAY)
        assert edit is not None and (0, "fictional-ptp.txt", "2025Q4") == (edit.modifier, edit.source, edit.quarter)
        assert tables.ncci_pair("93005", "93000", DAY) is None

    def test_a_deleted_edit_applies_through_its_deletion_date(self, tables: NcciTables) -> None:
        """20610/99213, deleted 2023-12-31, applies on that day and not after."""
        assert [True, False] == [tables.ncci_pair("20610", "99213", d) is not None
                                 for d in (date(2023, 12, 31), date(2024, 1, 1))]

    def test_indicator_9_is_no_edit(self, tables: NcciTables) -> None:
        """Modifier indicator 9 (deleted retroactively) never applies."""
        assert tables.ncci_pair("36415", "99213", DAY) is None

    def test_modifier_indicator_1_is_bypassed_by_an_ncci_associated_modifier(self, tables: NcciTables) -> None:
        """97530/97140 (indicator 1) is bypassed by 59 or XU, not by GP; 93000/93005 (0) by nothing."""
        edit, never = tables.ncci_pair("97530", "97140", DAY), tables.ncci_pair("93000", "93005", DAY)
        assert edit is not None and never is not None
        assert (True, True, False, False) == (edit.bypassed_by(["GP", "59"]), edit.bypassed_by(["XU"]),
                                              edit.bypassed_by(["GP"]), never.bypassed_by(["59"]))


class TestMue:
    def test_the_latest_quarter_on_or_before_the_date_applies(self, tables: NcciTables) -> None:
        """36415 has 3 units from 2025-07-01 and 2 from 2025-10-01."""
        assert [3, 2, None] == [getattr(tables.mue("36415", d), "value", None)
                                for d in (date(2025, 9, 30), date(2025, 10, 1), date(2025, 6, 30))]

    def test_mai_tells_line_from_date_of_service_edits(self, tables: NcciTables) -> None:
        row = tables.mue("99213", DAY)
        assert row is not None and (2, True) == (row.mai, row.per_day)


class TestAddOn:
    def test_an_add_on_lists_its_primaries(self, tables: NcciTables) -> None:
        """95886 is a type-1 add-on to 95907 and 95908; 95907 is not an add-on."""
        rule = tables.addon("95886", DAY)
        assert rule is not None and (1, ("95907", "95908")) == (rule.type, rule.primaries)
        assert tables.addon("95907", DAY) is None

    def test_a_deleted_add_on_edit_no_longer_applies(self, tables: NcciTables) -> None:
        assert [True, False] == [tables.addon("90472", d) is not None for d in (date(2022, 12, 31), DAY)]


class TestCoverage:
    def test_coverage_tells_no_data_from_no_edit(self, tables: NcciTables) -> None:
        """The fixture is complete for 93000 (PTP) and 36415 (MUE) only."""
        assert (True, False, True, False) == (tables.covers("ptp", "93000"), tables.covers("ptp", "99213"),
                                              tables.covers("mue", "36415"), tables.covers("addon", "90472"))

    def test_the_shipped_extract_has_no_rows_and_says_so(self) -> None:
        """No real CMS rows were reached for our codes: the shipped tables are empty and cover nothing."""
        shipped = codes.ncci_tables()
        assert (None, None, None) == (codes.ncci_pair("93000", "93005", DAY), codes.mue("36415", DAY),
                                      codes.addon("95886", DAY))
        assert not any(shipped.covers(kind, "99213") for kind in ("ptp", "mue", "addon"))
        assert "none reached" == shipped.coverage["ptp"].source

    def test_a_broken_extract_names_file_and_line(self, tmp_path: Path) -> None:
        """A modifier indicator of 2 is refused with the file and line."""
        for name in ("ncci.toml", "ncci-mue.csv", "ncci-addon.csv"):
            (tmp_path / name).write_text((FIXTURE / name).read_text())
        (tmp_path / "ncci-ptp.csv").write_text("column1,column2,effective,deleted,modifier,rationale,source,quarter\n"
                                               "93000,93005,1996-01-01,,2,x,y,2025Q4\n")
        with pytest.raises(MappingError, match=r"ncci-ptp.csv: line 2 modifier: 2 must be one of \[0, 1, 9\]"):
            read_extract(tmp_path)
