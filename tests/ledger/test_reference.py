"""Reference data: the enrollment roster (effective dates, the newest roster per payer) and the code tables
(newest quarter, effective and deletion dates), loaded whole or not at all, a reload a no-op; the CSV readers'
located errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from edi.errors import EdiError
from edi.ledger import AddonRow, EnrollmentRow, Ledger, MueRow, PtpRow, Source
from edi.ledger import _schema as t
from edi.ledger._csv import load_csv, read_rows
from ledger.test_journal import _count

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
NPI = "1234567893"


def _roster(tmp_path: Path, text: str, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text("npi,payer_id,effective_from,effective_to,tax_id,name\n" + text)
    return path


class TestEnrollment:
    @pytest.mark.parametrize(("on", "enrolled"), [(date(2023, 12, 31), False), (date(2024, 1, 1), True),
                                                  (date(2024, 6, 30), True), (date(2024, 7, 1), False)])
    def test_enrolled_from_the_effective_date_through_the_end_date(self, ledger: Ledger, tmp_path: Path,
                                                                   on: date, enrolled: bool) -> None:
        load_csv(ledger, "enrollment", _roster(tmp_path, f"{NPI},EXHP1,2024-01-01,2024-06-30,,\n"))
        assert enrolled == ledger.is_enrolled(NPI, "EXHP1", on)

    def test_an_open_enrollment_has_no_end(self, ledger: Ledger, tmp_path: Path) -> None:
        load_csv(ledger, "enrollment", _roster(tmp_path, f"{NPI},EXHP1,20240101,,,\n"))
        assert ledger.is_enrolled(NPI, "EXHP1", date(2099, 1, 1))

    def test_why_not_says_the_spans_or_that_no_roster_names_the_payer(self, ledger: Ledger, tmp_path: Path) -> None:
        load_csv(ledger, "enrollment", _roster(tmp_path, f"{NPI},EXHP1,2024-01-01,2024-06-30,,\n"))
        ended = ledger.enrollment(NPI, "EXHP1", date(2025, 1, 6))
        unknown = ledger.enrollment(NPI, "OTHPAY1", date(2025, 1, 6))
        absent = ledger.enrollment("1234567901", "EXHP1", date(2025, 1, 6))
        assert (False, True, "2024-01-01 through 2024-06-30") == (ended.enrolled, ended.roster_known,
                                                                  ended.reason.split("EXHP1 ")[1].split(",")[0])
        assert (False, False) == (unknown.enrolled, unknown.roster_known)
        assert "not on payer EXHP1's roster" in absent.reason

    def test_a_newer_roster_is_the_truth_for_the_payers_it_names(self, ledger: Ledger, tmp_path: Path) -> None:
        """The second roster ends NPI's EXHP1 enrollment; OTHPAY1, which it does not name, keeps the first."""
        load_csv(ledger, "enrollment", _roster(tmp_path, f"{NPI},EXHP1,2020-01-01,,,\n{NPI},OTHPAY1,2020-01-01,,,\n"))
        load_csv(ledger, "enrollment", _roster(tmp_path, f"{NPI},EXHP1,2020-01-01,2024-12-31,,\n", "update.csv"))
        assert not ledger.is_enrolled(NPI, "EXHP1", date(2025, 1, 6))
        assert ledger.is_enrolled(NPI, "OTHPAY1", date(2025, 1, 6))

    def test_the_sample_roster_loads_once(self, ledger: Ledger) -> None:
        first = load_csv(ledger, "enrollment", SAMPLES / "enrollment-roster.csv")
        again = load_csv(ledger, "enrollment", SAMPLES / "enrollment-roster.csv")
        assert (True, False, 6, 6) == (first.new, again.new, first.rows, again.rows)
        assert first.loaded_at == again.loaded_at
        assert 6 == _count(ledger, t.provider_enrollments)
        assert ledger.is_enrolled("1234567901", "EXHP1", date(2025, 1, 6))


def _load(ledger: Ledger, kind: str, rows: list[object], quarter: str, name: str | None = None) -> None:
    source = Source.of_bytes(name or f"{kind}-{quarter}", repr(rows).encode() + quarter.encode(), kind)
    ledger.load_rows(kind, rows, source, quarter)


class TestCodeTables:
    def test_ptp_edits_in_effect_through_their_deletion_date(self, ledger: Ledger) -> None:
        _load(ledger, "ncci-ptp", [PtpRow("99213", "36415", date(2020, 1, 1), "1", deleted_on=date(2024, 12, 31)),
                                   PtpRow("99213", "81002", date(2025, 1, 1), "0")], "2025Q1")
        codes = ["99213", "36415", "81002"]
        assert [("36415", "1")] == [(r.column_2, r.modifier_indicator)
                                    for r in ledger.ptp_edits(codes, date(2024, 12, 31))]
        assert [("81002", "0")] == [(r.column_2, r.modifier_indicator)
                                    for r in ledger.ptp_edits(codes, date(2025, 1, 1))]
        assert [] == ledger.ptp_edits(codes, date(2025, 1, 1), setting="hospital")

    def test_the_newest_quarter_answers(self, ledger: Ledger) -> None:
        """2025Q2 dropped a pair and changed an MUE: the Q1 rows stay in the journal but no longer answer."""
        _load(ledger, "ncci-ptp", [PtpRow("99213", "36415", date(2020, 1, 1), "1")], "2025Q1")
        _load(ledger, "mue", [MueRow("36415", 2, 3)], "2025Q1")
        _load(ledger, "mue", [MueRow("36415", 1, 2)], "2025Q2")
        _load(ledger, "ncci-ptp", [PtpRow("99214", "36415", date(2020, 1, 1), "1")], "2025Q2")
        assert [] == ledger.ptp_edits(["99213", "36415"], date(2025, 5, 1))
        assert (1, 2) == (ledger.mue("36415", date(2025, 5, 1)).max_units,
                          ledger.mue("36415", date(2025, 5, 1)).adjudication_indicator)
        assert 2 == _count(ledger, t.ncci_ptp)

    def test_a_quarter_loaded_in_several_files_answers_from_all(self, ledger: Ledger) -> None:
        """CMS splits the PTP table into files by code range."""
        _load(ledger, "ncci-ptp", [PtpRow("00100", "36415", date(2020, 1, 1), "1")], "2025Q1", "ptp-part1")
        _load(ledger, "ncci-ptp", [PtpRow("99213", "36415", date(2020, 1, 1), "1")], "2025Q1", "ptp-part4")
        assert 2 == len(ledger.ptp_edits(["00100", "99213", "36415"], date(2025, 1, 6)))

    def test_addon_primaries(self, ledger: Ledger) -> None:
        _load(ledger, "addon", [AddonRow("99417", 1, date(2021, 1, 1), "99205"),
                                AddonRow("99417", 1, date(2021, 1, 1), "99215"),
                                AddonRow("99417", 1, date(2021, 1, 1), "99204", deleted_on=date(2022, 12, 31))],
              "2025Q1")
        assert {"99205", "99215"} == {r.primary_code for r in ledger.addon_edits("99417", date(2025, 1, 6))}
        assert [] == ledger.addon_edits("99213", date(2025, 1, 6))

    def test_a_bad_row_loads_nothing_of_the_file(self, ledger: Ledger) -> None:
        rows = [PtpRow("99213", "36415", date(2020, 1, 1), "1"), PtpRow("99213", "3641", date(2020, 1, 1), "1")]
        with pytest.raises(EdiError, match="row 2: column_2 '3641' is not a 5-character"):
            _load(ledger, "ncci-ptp", rows, "2025Q1")
        assert (0, 0) == (_count(ledger, t.ncci_ptp), _count(ledger, t.reference_loads))

    @pytest.mark.parametrize("quarter", [None, "2025", "2025Q5", "25Q1"])
    def test_a_code_table_needs_its_quarter(self, ledger: Ledger, quarter: str | None) -> None:
        with pytest.raises(EdiError, match="YYYYQn"):
            ledger.load_rows("mue", [], Source.of_bytes("mue.csv", b"", "mue"), quarter)

    def test_rows_of_another_kind_are_refused(self, ledger: Ledger) -> None:
        with pytest.raises(EdiError, match="takes MueRow rows, not PtpRow"):
            _load(ledger, "mue", [PtpRow("99213", "36415", date(2020, 1, 1), "1")], "2025Q1")


class TestCsv:
    def test_headers_in_any_case_cms_style_dates_and_open_ends(self, tmp_path: Path) -> None:
        path = tmp_path / "ptp.csv"
        path.write_text("Column 1,Column 2,Effective From,Deleted On,Modifier Indicator,Extra\n"
                        "99213,36415,20240101,*,1,x\n99213,81002,2024-01-01,20241231,0,\n")
        assert [PtpRow("99213", "36415", date(2024, 1, 1), "1"),
                PtpRow("99213", "81002", date(2024, 1, 1), "0", deleted_on=date(2024, 12, 31))] == \
            list(read_rows("ncci-ptp", path))

    def test_a_cms_mue_indicator_keeps_its_number(self, tmp_path: Path) -> None:
        path = tmp_path / "mue.csv"
        path.write_text('code,max_units,adjudication_indicator,rationale\n36415,2,"3 Date of Service Edit: Clinical",'
                        "Clinical: Data\n")
        assert [MueRow("36415", 2, 3, rationale="Clinical: Data")] == list(read_rows("mue", path))

    @pytest.mark.parametrize(("text", "message"), [
        ("{npi},EXHP1,2024-13-01,,,\n", "row 2, column effective_from: '2024-13-01': expected a date"),
        ("123,EXHP1,2024-01-01,,,\n", "row 2, column npi: '123': expected a 10-digit NPI"),
        ("{npi},,2024-01-01,,,\n", "row 2, column payer_id: empty, but required"),
        ("\n{npi},EXHP1,2024-01-01,,12-345,\n", "row 3, column tax_id: '12-345': expected a 9-digit tax id"),
    ])
    def test_a_bad_roster_row_is_named_by_row_and_column(self, tmp_path: Path, text: str, message: str) -> None:
        path = _roster(tmp_path, text.format(npi=NPI))
        with pytest.raises(EdiError) as caught:
            list(read_rows("enrollment", path))
        assert f"{path}: {message}" in str(caught.value)

    def test_an_enrollment_ending_before_it_starts_is_refused(self, ledger: Ledger, tmp_path: Path) -> None:
        """Named by the CSV row (the reader's check), and by the row's place among parsed rows (load_rows')."""
        with pytest.raises(EdiError, match=r"row 2, column effective_to: 2023-12-31 is before effective_from"):
            load_csv(ledger, "enrollment", _roster(tmp_path, f"{NPI},EXHP1,2024-01-01,2023-12-31,,\n"))
        with pytest.raises(EdiError, match=r"row 1: ends \(2023-12-31\) before it starts \(2024-01-01\)"):
            _load(ledger, "enrollment", [EnrollmentRow(NPI, "EXHP1", date(2024, 1, 1), date(2023, 12, 31))], "")

    def test_a_missing_column_is_named(self, tmp_path: Path) -> None:
        path = tmp_path / "roster.csv"
        path.write_text("npi,payer\n")
        with pytest.raises(EdiError, match="row 1: the enrollment CSV lacks the column.s. payer_id, effective_from"):
            list(read_rows("enrollment", path))

    def test_an_error_half_way_loads_nothing(self, ledger: Ledger, tmp_path: Path) -> None:
        path = _roster(tmp_path, f"{NPI},EXHP1,2024-01-01,,,\n{NPI},EXHP1,someday,,,\n")
        with pytest.raises(EdiError, match="row 3"):
            load_csv(ledger, "enrollment", path)
        assert (0, 0) == (_count(ledger, t.provider_enrollments), _count(ledger, t.reference_loads))

