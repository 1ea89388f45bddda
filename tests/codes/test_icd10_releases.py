"""ICD-10-CM by release (edi.codes): the table against the public files it was built from, and the rules for dates
that fall in a release no public source was reached for.

The expected values below were read from the source files named in mappings/codes/icd-10-cm.toml, not from our
table: CMS's order file in simple-icd-10-cm 1.2.0 (FY2021), CMS's MS-DRG v39-v43 definitions in drgpy 0.2.1
(FY2022-FY2026), and the code lists in simple-icd-10-cm 1.4.0 / 1.5.0 (FY2025 and FY2026 April updates).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from edi import codes
from edi._data import mapping_path
from edi.codes import Icd10Status as S
from edi.codes._icd10 import Icd10Table, read_releases
from edi.errors import MappingError


def status(code: str, day: str) -> tuple[str, str, bool]:
    check = codes.icd10(code, date.fromisoformat(day))
    return check.status.value, check.release.name, check.definite


class TestReleases:
    def test_each_release_is_dated_and_names_its_source(self) -> None:
        """Eleven releases from FY2021 (2020-10-01) to the FY2026 April update (through 2026-09-30), one day after
        another; the two April updates no public copy was reached for have no source."""
        releases = codes.icd10_table().releases
        assert (11, date(2020, 10, 1), date(2026, 9, 30)) == (len(releases), releases[0].start, releases[-1].end)
        assert all(a.end.toordinal() + 1 == b.start.toordinal() for a, b in zip(releases, releases[1:]))
        assert ["FY2022 April update", "FY2023 April update"] == [r.name for r in releases if not r.known]
        assert all(r.url for r in releases if r.known)

    def test_a_fiscal_year_runs_october_to_september(self) -> None:
        """2025-09-30 is in the FY2025 April update, 2025-10-01 in FY2026."""
        table = codes.icd10_table()
        assert ["FY2025 April update", "FY2026"] == [
            table.releases[table.release_index(d)].name for d in (date(2025, 9, 30), date(2025, 10, 1))]

    def test_every_line_names_a_state_for_every_release(self) -> None:
        """Each line is a code, then one letter (the same in every known release) or one per release, then an
        optional 'u'; the codes are sorted (bisection needs it) and the letters are B, N, . or ?."""
        table = codes.icd10_table()
        lines = table.text.splitlines()
        entries = [line.split(" ") for line in lines]
        assert [e[0] for e in entries] == sorted(e[0] for e in entries) and len(entries) > 98_000
        for fields in entries:
            states = [f for f in fields[1:] if f != "u"]
            assert len(states) <= 1 and all(len(s) in (1, 11) and set(s) <= set("BN.?") for s in states), fields

    def test_a_broken_manifest_names_the_file_and_key(self, tmp_path: Path) -> None:
        """Release starts that do not increase are refused with the file and key."""
        path = tmp_path / "icd-10-cm.toml"
        path.write_text('valid_through = "2026-09-30"\n[[release]]\nname = "A"\nfiscal_year = 2026\nstart = "2026-01-01"'
                        '\n[[release]]\nname = "B"\nfiscal_year = 2025\nstart = "2025-01-01"\n')
        with pytest.raises(MappingError, match="release: release starts must increase"):
            read_releases(path)


class TestSpotChecksAgainstTheSources:
    def test_single_category_codes_are_billable(self) -> None:
        """B20 (HIV disease), F99, P84, R99 and Z66 (do not resuscitate) are billable three-character codes: the
        table exported from simple-icd-10-cm before this change dropped them (the package also lists them as
        blocks), so every claim with one got snip5.icd10.invalid."""
        assert [("billable", "FY2026", True)] * 5 == [status(c, "2025-11-06") for c in ("B20", "F99", "P84", "R99",
                                                                                         "Z66")]
        assert ("not billable", "FY2026") == status("C50", "2025-11-06")[:2]

    def test_u071_is_valid_in_every_release(self) -> None:
        """U07.1 (COVID-19), added April 1, 2020, is in CMS's FY2021 order file and every release since."""
        assert {("billable", True)} == {status("U071", d)[::2] for d in ("2020-10-01", "2023-06-01", "2026-05-01")}

    def test_u099_is_new_in_fy2022(self) -> None:
        """U09.9 (post COVID-19 condition) is not in the FY2021 order file and is in MS-DRG v39 (FY2022)."""
        assert [("invalid", "FY2021", True), ("billable", "FY2022", True)] == [
            status("U099", "2021-09-30"), status("U099", "2021-10-01")]

    def test_dactylitis_codes_are_new_in_fy2024_not_fy2023(self) -> None:
        """D57.04 (Hb-SS disease with dactylitis) is absent from MS-DRG v40 (FY2023) and present in v41 (FY2024);
        its siblings D57.214, D57.414, D57.434, D57.454, D57.814 likewise."""
        for code in ("D5704", "D57214", "D57414", "D57434", "D57454", "D57814"):
            assert [("invalid", "FY2023", True), ("billable", "FY2024", True)] == [
                status(code, "2023-03-31"), status(code, "2023-10-01")], code

    def test_codes_deleted_in_fy2023(self) -> None:
        """O35.0XX0 (maternal care for CNS malformation in fetus) is in MS-DRG v39 and not in v40: deleted in FY2023
        for O35.00X0 …; the message says until when it was valid."""
        check = codes.icd10("O350XX0", date(2022, 11, 1))
        assert (S.INVALID, "FY2023", True) == (check.status, check.release.name, check.definite)
        assert "valid in FY2022, through 2022-03-31" in check.message and "deleted since" in check.message
        assert "billable" == status("O3500X0", "2022-11-01")[0]

    def test_codes_expanded_in_fy2024_stop_being_billable(self) -> None:
        """G20 (Parkinson's disease) and E88.81 (metabolic syndrome) are billable in v40 and categories in v41."""
        assert [("billable", "FY2023"), ("not billable", "FY2024")] * 2 == [
            status(c, d)[:2] for c in ("G20", "E8881") for d in ("2023-03-31", "2023-10-01")]

    def test_genetic_disorders_chapter_is_new_in_fy2026(self) -> None:
        """QA0 (genetic disorders, NEC) is new in FY2026: QA00.101 is in MS-DRG v43 and the April 2026 code list,
        not in the April 2025 one. Its second character is a letter, like no code before it."""
        assert [("invalid", "FY2025 April update"), ("billable", "FY2026"), ("not billable", "FY2026")] == [
            status("QA00101", "2025-09-30")[:2], status("QA00101", "2025-10-01")[:2], status("QA0", "2025-10-01")[:2]]

    def test_m545_stopped_being_billable_in_fy2022(self) -> None:
        """M54.5 (low back pain) is billable in the FY2021 order file and a category in MS-DRG v39."""
        assert [("billable", "FY2021"), ("not billable", "FY2022")] == [
            status("M545", d)[:2] for d in ("2021-09-30", "2021-10-01")]


class TestAgainstAPublicCopyOfCmsFy2023CodeFile:
    """Two ranges read from a public copy of CMS's FY2023 billable code file (icd10cm_codes_2023.txt in the public
    repository arijitdasgupta543-dev/Medisathi, characters 236,000-252,000 and 5,560,000-5,576,000), compared by
    hand with the FY2023 column (built from MS-DRG v40): the same codes, in the same order."""

    @staticmethod
    def billable_fy2023(first: str, last: str) -> list[str]:
        found = []
        for code, _, _ in codes.icd10_table().entries_from(first):
            if code > last:
                return found
            if codes.icd10(code, date(2022, 10, 1)).ok:
                found.append(code)
        return found

    def test_f02818_to_f13181(self) -> None:
        """222 codes, with the severity-graded dementia codes new in FY2023 (F02.A0 … F03.C4)."""
        found = self.billable_fy2023("F02818", "F13181")
        assert (222, "F02818", "F13181") == (len(found), found[0], found[-1])
        assert {"F02A0", "F02C4", "F03A0", "F03C4", "F0670", "F10130"} <= set(found)

    def test_v0409xd_to_v06038s(self) -> None:
        """107 external-cause codes (not in the MS-DRG tables): both package releases around FY2023 list them, and
        so does the FY2023 file."""
        found = self.billable_fy2023("V0409XD", "V06038S")
        assert (107, "V04131A") == (len(found), found[11])


class TestJudgedByNeighbours:
    def test_a_code_added_by_an_unknown_april_update_is_a_gap(self) -> None:
        """Z55.6 (health literacy) came with the April 1, 2023 update, which no public copy was reached for: it is
        not in FY2023 (v40) and is in FY2024 (v41), so on 2023-05-01 it is a warning naming both releases; before
        April 2023 it is invalid and the message says when it becomes valid."""
        gap = codes.icd10("Z556", date(2023, 5, 1))
        assert (S.GAP, "FY2023 April update", False) == (gap.status, gap.release.name, gap.definite)
        assert ["FY2023", "FY2024"] == [r.name for r in gap.judged_by]
        assert "FY2023: not a code; FY2024: billable" in gap.message
        early = codes.icd10("Z556", date(2023, 2, 1))
        assert (S.INVALID, True) == (early.status, early.definite)
        assert "valid from 2023-10-01: FY2024, or from FY2023 April update (no source reached)" in early.message

    def test_a_code_in_neither_neighbour_is_an_error(self) -> None:
        """ZZZ9 on 2022-05-01 (FY2022 April update, not known): in neither FY2022 nor FY2023, so invalid, definite."""
        check = codes.icd10("ZZZ9", date(2022, 5, 1))
        assert (S.INVALID, True, ["FY2022", "FY2023"]) == (check.status, check.definite,
                                                         [r.name for r in check.judged_by])

    def test_a_code_both_neighbours_know_is_valid(self) -> None:
        """J20.9 on 2022-05-01: billable in FY2022 and FY2023, so billable."""
        assert S.BILLABLE is codes.icd10("J209", date(2022, 5, 1)).status

    def test_external_causes_in_drg_years_are_judged_by_the_package_years(self) -> None:
        """The MS-DRG tables omit V00-Y99: V20.01XA (e-bike driver), in the FY2025 April code list but not in the
        FY2021 order file, is a gap in FY2023; W22.8XXA (in both) is billable."""
        gap = codes.icd10("V2001XA", date(2023, 1, 1))
        assert (S.GAP, ["FY2021", "FY2025 April update"]) == (gap.status, [r.name for r in gap.judged_by])
        assert S.BILLABLE is codes.icd10("W228XXA", date(2023, 1, 1)).status


class TestOutsideTheTable:
    def test_after_the_newest_release_an_unknown_code_is_still_an_error(self) -> None:
        """On 2026-10-01 (FY2027, not in the table) ZZZ9 is invalid, definite, and the message says the table is
        out of date; J20.9 stays billable."""
        check = codes.icd10("ZZZ9", date(2026, 10, 1))
        assert (S.INVALID, True, True) == (check.status, check.definite, check.out_of_date)
        assert "the code table is out of date" in check.message
        assert codes.icd10("J209", date(2026, 10, 1)).ok

    def test_before_the_first_release_problems_are_not_definite(self) -> None:
        """On 2019-01-01 (before FY2021) an unknown code is invalid but only a warning."""
        check = codes.icd10("ZZZ9", date(2019, 1, 1))
        assert (S.INVALID, False) == (check.status, check.definite)
        assert "before the table's first release (FY2021" in check.message

    def test_nonsense_is_invalid(self) -> None:
        """A dotted code, a block, an empty string and an over-long code are not codes."""
        assert {S.INVALID} == {codes.icd10(c, date(2025, 1, 1)).status for c in ("J06.9", "A00-A09", "", "J0690000")}


class TestSuggestions:
    def test_unspecified_codes_get_their_specific_siblings(self) -> None:
        """J20.9 (acute bronchitis, unspecified) → J20.0 … J20.8; R10.30 → R10.31 … R10.33; F41.9 → F41.0, F41.1,
        F41.3, F41.8; a 7th-character code keeps its extension: S00.00XA → S00.01XA …; I10 is not unspecified."""
        assert ["J200", "J201", "J202", "J203", "J204", "J205", "J206", "J207", "J208"] == \
            codes.unspecified_alternatives("J209")
        assert ["R1031", "R1032", "R1033"] == codes.unspecified_alternatives("R1030")
        assert ["F410", "F411", "F413", "F418"] == codes.unspecified_alternatives("F419")
        assert ["S0001XA", "S0002XA", "S0003XA"] == codes.unspecified_alternatives("S0000XA")[:3]
        assert [] == codes.unspecified_alternatives("I10") == codes.unspecified_alternatives("J20")

    def test_children_are_billable_codes_below_a_category(self) -> None:
        assert ["J200", "J201", "J202"] == codes.icd10_children("J20")


def test_a_table_can_be_read_from_text() -> None:
    """Icd10Table works on any text with the manifest's releases: a one-release table of two codes."""
    releases = codes.icd10_table().releases[-1:]
    table = Icd10Table("# header\nA00 N\nA000\n", releases)
    assert [S.NOT_BILLABLE, S.BILLABLE, S.INVALID] == [table.check(c, date(2026, 5, 1)).status
                                                       for c in ("A00", "A000", "A001")]
    assert mapping_path("codes", "icd-10-cm.txt").is_file()
