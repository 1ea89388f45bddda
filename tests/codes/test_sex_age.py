"""Age- and sex-specific ICD-10-CM codes (edi.codes.sex_age), checked against the rows' sources: the MCE v37 lists
(nlindner/CMS_Issued_Codes_For_SQL MCE_Simple_Code_Edits_v37.txt) and the ICD-10-CM titles the derived ranges
follow (FY2026 tabular list)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from edi import codes
from edi._data import mapping_path
from edi.codes._sexage import TABLE, read_rules
from edi.errors import MappingError


class TestAge:
    def test_newborn_codes_from_mce_list_4a(self) -> None:
        """Z38.00 (single liveborn, vaginal) and A33 (tetanus neonatorum) are MCE 4A perinatal/newborn: age 0."""
        assert {("newborn", (0, 0))} == {(codes.sex_age(c).category, codes.sex_age(c).age) for c in ("Z3800", "A33")}
        assert "mce-v37-4A" == codes.sex_age("Z3800").rules[0].source

    def test_pediatric_codes_from_mce_list_4b(self) -> None:
        """Z00.129 (routine child health exam) and T74.12XA (child physical abuse) are MCE 4B: 0-17."""
        assert {("pediatric", (0, 17))} == {(codes.sex_age(c).category, codes.sex_age(c).age)
                                            for c in ("Z00129", "T7412XA")}

    def test_pregnancy_is_maternity_age_and_female(self) -> None:
        """O80 (chapter 15) and F53.0 (postpartum depression, MCE 4C) are maternity codes, 9-64 in the current
        MCE; O80 is also female (chapter 15: maternal records only)."""
        o80, f530 = codes.sex_age("O80"), codes.sex_age("F530")
        assert ("maternity", (9, 64), "F") == (o80.category, o80.age, o80.sex)
        assert ("maternity", None) == (f530.category, f530.sex)

    def test_perinatal_p_codes_are_not_limited_to_age_0(self) -> None:
        """P-codes are not on the MCE newborn list (a perinatal condition may be coded for life): no rule."""
        assert not codes.sex_age("P0739").limited


class TestSex:
    @pytest.mark.parametrize("code, sex", [("N400", "M"), ("C61", "M"), ("Z125", "M"), ("N9400", "F"), ("C50911", None),
                                           ("D251", "F"), ("R87610", "F"), ("J209", None)])
    def test_ranges_follow_titles_that_name_a_sex_specific_organ(self, code: str, sex: str | None) -> None:
        """N40 (prostate) and C61 male; N94.0, D25.1 (uterus), R87.610 female; breast cancer C50.911 either."""
        assert sex == codes.sex_age(code).sex

    def test_derived_rows_say_so(self) -> None:
        (rule,) = codes.sex_age("N400").rules
        assert rule.source.startswith("derived: block N40-N53")

    def test_a_rule_allows_an_age_range(self) -> None:
        (rule,) = codes.sex_age("Z00129").rules
        assert (True, False) == (rule.allows_age(17), rule.allows_age(18))


def test_a_broken_table_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("first,last,edit,value,age_min,age_max,source\nN40,N53,sex,X,,,x\n")
    with pytest.raises(MappingError, match="row 1: edit must be age"):
        read_rules(path)


def test_every_code_named_in_the_age_lists_was_a_code_in_fy2021() -> None:
    """The MCE v37 rows are FY2020 codes: each is a code of CMS's FY2021 order file (a transcription check)."""
    rules = read_rules(mapping_path(*TABLE))
    exact = [r.first for r in rules if r.first == r.last and r.edit == "age"]
    assert 161 == len(exact)
    assert [] == [c for c in exact if codes.icd10(c, date(2021, 1, 1)).status is codes.Icd10Status.INVALID]
