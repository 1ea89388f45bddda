"""SNIP 5 — external code sets: each rule fires on one injected defect in a valid file, and never on valid files."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

import edi.validate.snip5_codes  # noqa: F401  (registers the rules; edi.validate will import it)
from conftest import SAMPLES
from edi.errors import MappingError
from edi.synth import write_synth
from edi.validate import Finding, validate
from edi.validate import codesets
from edi.validate._elements import external_codes

P837 = (SAMPLES / "837p-office-visits.x12").read_bytes()
I837 = (SAMPLES / "837i-inpatient.x12").read_bytes()
R835 = (SAMPLES / "835-remittance.x12").read_bytes()
A277 = (SAMPLES / "277ca-claim-ack.x12").read_bytes()
OURS = ("snip5.icd10.", "snip5.icd9.", "snip5.pos.", "snip5.npi.", "snip5.taxonomy.", "snip5.procedure.", "snip5.carc.",
        "snip5.rarc.")
PCN1001 = "2000A/2000B/2300[CLM01=PCN1001]"


def mutate(data: bytes, old: bytes, new: bytes) -> bytes:
    assert data.count(old) == 1, f"{old!r} must occur exactly once"
    return data.replace(old, new)


def in_fy2026(data: bytes) -> bytes:
    """The 837P sample with every January 2025 date moved to November 2025, inside ICD-10-CM FY2026."""
    return data.replace(b"D8*202501", b"D8*202511")


def found(data: bytes, prefix: str) -> list[Finding]:
    return [f for f in validate(data, name="test").findings if f.code.startswith(prefix)]


def where(f: Finding) -> tuple[str, int, str, str, str | None, str]:
    return f.code, f.snip, f.severity.value, f.location.segment_id, f.location.element, f.location.loop_path


class TestCodeSetData:
    def test_the_npi_example_is_valid(self) -> None:
        """1234567893 is the CMS example NPI: its check digit 3 is the Luhn digit over 80840123456789."""
        assert (None, 3) == (codesets.npi_problem("1234567893"), codesets.npi_check_digit("123456789"))

    def test_an_npi_that_is_not_ten_digits_is_a_format_problem(self) -> None:
        """Nine digits or letters are not an NPI at all."""
        assert ["format", "format"] == [codesets.npi_problem(v)[0] for v in ("123456789", "12345678AB")]  # type: ignore[index]

    def test_pos_table_holds_the_same_codes_as_pyx12(self) -> None:
        """The CMS POS table and pyx12's 'pos' list name the same 52 codes; ours adds the dates."""
        assert external_codes()["pos"] == frozenset(codesets.place_of_service())
        assert 52 == len(codesets.place_of_service().entries)

    def test_rarc_table_contains_pyx12s_remark_codes(self) -> None:
        """Every pyx12 remark code is in rarc.csv, which adds the codes pyx12 lacks (MA12, N735 … N940)."""
        ours = frozenset(codesets.rarc())
        assert external_codes()["remark_code"] <= ours
        assert {"MA12", "MA91", "N770", "N940"} <= ours - external_codes()["remark_code"]

    def test_known_codes_offers_our_tables_to_the_element_checks(self) -> None:
        """known_codes() gives our tables for pyx12's 'pos', 'remark_code', 'states' and 'country' lists (for
        the last two only codes in effect), nothing for others."""
        assert (frozenset(codesets.place_of_service()), 1216, 75, 249, None) == (
            codesets.known_codes("pos"), len(codesets.known_codes("remark_code") or ()),
            len(codesets.known_codes("states") or ()), len(codesets.known_codes("country") or ()),
            codesets.known_codes("currency"))

    @pytest.mark.parametrize("table", [codesets.place_of_service, codesets.carc, codesets.rarc, codesets.states,
                                       codesets.countries])
    def test_every_table_names_its_version_and_stops_after_it_starts(self, table) -> None:  # type: ignore[no-untyped-def]
        """A table has a '# version:' line and no code stops before it starts."""
        codes = table()
        bad = [e.code for e in codes.entries.values() if e.start and e.stop and e.stop <= e.start]
        assert (True, []) == (bool(codes.version), bad)

    def test_x12_lists_know_deactivated_codes(self) -> None:
        """CARC 28 stopped 2003-10-16; CARC 15 is deactivated on an unrecorded date; CARC 45 is in effect."""
        day = date(2025, 1, 1)
        S = codesets.CodeStatus
        assert [S.ENDED, S.DEACTIVATED, S.IN_EFFECT, S.UNKNOWN] == [
            codesets.carc().status(c, day) for c in ("28", "15", "45", "ZZ9")]

    def test_a_broken_code_table_names_file_and_row(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A bad date in carc.csv raises MappingError naming the file, the row and the column."""
        (tmp_path / "codes").mkdir()
        (tmp_path / "codes" / "carc.csv").write_text("code,start_date,stop_date,status\n1,1995-13-01,,current\n")
        monkeypatch.setenv("EDI_MAPPINGS", str(tmp_path))
        codesets.carc.cache_clear()
        try:
            with pytest.raises(MappingError) as err:
                codesets.carc()
        finally:
            codesets.carc.cache_clear()
        assert f"{tmp_path / 'codes' / 'carc.csv'}: row 1 start_date: '1995-13-01' is not a date (YYYY-MM-DD)" == str(
            err.value)


class TestValidFiles:
    @pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.x12")), ids=lambda p: p.name)
    def test_bundled_samples_give_no_code_set_findings(self, path: Path) -> None:
        """No SNIP 5 code-set rule fires on a bundled sample."""
        assert [] == [where(f) for f in validate(path).findings if f.code.startswith(OURS)]

    def test_the_837p_sample_inside_fy2026_gives_none_either(self) -> None:
        """Moved into the fiscal year the ICD-10-CM release covers, the sample is still clean."""
        assert [] == [where(f) for f in found(in_fy2026(P837), "snip5.")]

    @pytest.mark.parametrize("kind", ["837p", "835"])
    def test_synthetic_files_give_none(self, kind: str) -> None:
        """Synthetic files are clean once the synthesizer's M545 (not billable since FY2022) reads M5450."""
        stream = io.BytesIO()
        write_synth(kind, 20, 7, stream)
        data = stream.getvalue().replace(b":M545*", b":M5450*").replace(b":M545~", b":M5450~")
        assert [] == [where(f) for f in validate(data, name="synth").findings if f.code.startswith(OURS)]


class TestDiagnosisCodes:
    def test_an_invalid_code_in_the_fiscal_year_is_an_error(self) -> None:
        """HI04-2 ZZZ9 on a November 2025 claim is not an ICD-10-CM FY2026 code."""
        data = mutate(in_fy2026(P837), b"ABF:J029~", b"ABF:ZZZ9~")
        (f,) = found(data, "snip5.icd10")
        assert ("snip5.icd10.invalid", 5, "error", "HI", "HI04-02", PCN1001) == where(f)
        assert ({"code_set": "ICD-10-CM FY2026", "date_of_service": "2025-11-06"}, "ZZZ9", "8", "7") == (
            f.details, f.value, f.ik304, f.ik403)

    def test_a_category_is_not_billable(self) -> None:
        """J20 (acute bronchitis) has subcodes J200 … J209 and cannot be billed."""
        (f,) = found(mutate(in_fy2026(P837), b"ABF:J029~", b"ABF:J20~"), "snip5.icd10")
        assert ("snip5.icd10.not_billable", 5, "error", "HI", "HI04-02", PCN1001) == where(f)
        assert "J200" in f.message

    def test_the_release_of_the_date_of_service_decides(self) -> None:
        """On the sample's January 2025 dates the FY2025 release applies: ZZZ9 is an error there too (the table
        covers FY2021 onwards), and the finding names the release."""
        (f,) = found(mutate(P837, b"ABF:J029~", b"ABF:ZZZ9~"), "snip5.icd10")
        assert ("snip5.icd10.invalid", "error", "2025-01-06", "ICD-10-CM FY2025") == (
            f.code, f.severity.value, f.details["date_of_service"], f.details["code_set"])

    def test_an_invalid_code_on_a_2024_claim_is_an_error(self) -> None:
        """A code valid only from FY2025 (C81.0A, Hodgkin lymphoma in remission, new in MS-DRG v42) on a
        2024-03 claim: an error naming FY2024 and when the code takes effect."""
        data = mutate(P837.replace(b"D8*202501", b"D8*202403"), b"ABF:J029~", b"ABF:C810A~")
        (f,) = found(data, "snip5.icd10")
        assert ("snip5.icd10.invalid", "error", "ICD-10-CM FY2024") == (f.code, f.severity.value,
                                                                         f.details["code_set"])
        assert "valid from 2024-10-01: FY2025" in f.message

    def test_a_release_without_a_source_gives_a_warning_naming_the_gap(self) -> None:
        """Z55.6 (health literacy, April 2023 update: no public copy reached) on a May 2023 claim: in FY2024 but not
        FY2023, so snip5.icd10.gap, a warning that names both releases."""
        data = mutate(P837.replace(b"D8*202501", b"D8*202305"), b"ABF:J029~", b"ABF:Z556~")
        (f,) = found(data, "snip5.icd10")
        assert ("snip5.icd10.gap", "warning", "ICD-10-CM FY2023 April update") == (
            f.code, f.severity.value, f.details["code_set"])
        assert "FY2023: not a code; FY2024: billable" in f.message

    def test_after_the_newest_release_an_invalid_code_is_an_error_saying_the_table_is_out_of_date(self) -> None:
        """On a November 2026 claim (FY2027: no release yet) ZZZ9 is still an error, and the finding says why."""
        data = mutate(P837.replace(b"D8*202501", b"D8*202611"), b"ABF:J029~", b"ABF:ZZZ9~")
        (f,) = found(data, "snip5.icd10")
        assert ("snip5.icd10.invalid", "error") == (f.code, f.severity.value)
        assert "the code table is out of date" in f.message

    def test_a_dotted_code_is_invalid_and_the_fix_says_why(self) -> None:
        """X12 omits the decimal point: J06.9 must be sent as J069. One defect, one finding: SNIP 4's decimal-point
        rule names the fix, so SNIP 5 adds nothing; checked alone, SNIP 5 finds the code invalid."""
        dotted = mutate(in_fy2026(P837), b"ABK:J069*", b"ABK:J06.9*")
        (f,) = [f for f in validate(dotted, name="test").findings if f.location.element == "HI01-02"]
        assert ("snip4.diagnosis.decimal_point", "J069") == (f.code, f.message.rsplit("'", 2)[1])
        (f,) = validate(dotted, name="test", snips=(5,)).findings
        assert ("snip5.icd10.invalid", "HI01-02") == (f.code, f.location.element) and "J209" in f.message

    def test_institutional_admitting_diagnosis_is_checked(self) -> None:
        """837I HI*ABJ (admitting diagnosis) R06 is a category: not billable (an error in FY2025, the statement's)."""
        (f,) = found(mutate(I837, b"HI*ABJ:R0602~", b"HI*ABJ:R06~"), "snip5.icd10")
        assert ("snip5.icd10.not_billable", 5, "error", "HI", "HI01-02",
                "2000A/2000B/2300[CLM01=HOSP0001]") == where(f)

    def test_icd9_qualifier_after_october_2015_is_an_error(self) -> None:
        """BK (ICD-9-CM principal) cannot be used for a 2025 date of service."""
        (f,) = found(mutate(P837, b"HI*ABK:J069*", b"HI*BK:4659*"), "snip5.icd9")
        assert ("snip5.icd9.after_icd10", 5, "error", "HI", "HI01-01", PCN1001) == where(f)


class TestPlaceOfService:
    def test_a_code_before_its_effective_date(self) -> None:
        """POS 66 (PACE center) took effect 2024-08-01: CLM05-1 66 on a March 2024 claim is an error."""
        data = mutate(mutate(P837, b"CLM*PCN1002*125***11:B:1", b"CLM*PCN1002*125***66:B:1"),
                      b"DTP*472*D8*20250107", b"DTP*472*D8*20240301")
        (f,) = found(data, "snip5.pos")
        assert ("snip5.pos.not_effective", 5, "error", "CLM", "CLM05-01",
                "2000A/2000B/2000C/2300[CLM01=PCN1002]") == where(f)
        assert "2024-08-01" in f.message and f.details["date_of_service"] == "2024-03-01"

    def test_a_line_pos_uses_the_line_date(self) -> None:
        """SV105 27 (outreach site, from 2023-10-01) on a line dated 2023-01-15."""
        data = mutate(mutate(P837, b"SV1*HC:99213*125*UN*1***1:2", b"SV1*HC:99213*125*UN*1*27**1:2"),
                      b"DTP*472*D8*20250107", b"DTP*472*D8*20230115")
        (f,) = found(data, "snip5.pos")
        assert ("snip5.pos.not_effective", 5, "error", "SV1", "SV105",
                "2000A/2000B/2000C/2300[CLM01=PCN1002]/2400[1]") == where(f)

    def test_an_unassigned_code_is_left_to_the_element_check(self) -> None:
        """POS 28 is unassigned: the element check (pyx12 'pos' list, SNIP 5) reports it once, no date rule."""
        data = mutate(P837, b"CLM*PCN1002*125***11:B:1", b"CLM*PCN1002*125***28:B:1")
        assert ([("snip5.element.code", 5, "error", "CLM", "CLM05-01", "2000A/2000B/2000C/2300[CLM01=PCN1002]")],
                []) == ([where(f) for f in found(data, "snip5.element")], found(data, "snip5.pos"))


class TestNpi:
    def test_a_bad_check_digit(self) -> None:
        """The billing provider NPI 1234567890 fails the Luhn check (the right last digit is 3)."""
        (f,) = found(mutate(P837, b"XX*1234567893~", b"XX*1234567890~"), "snip5.npi")
        assert ("snip5.npi.check_digit", 5, "error", "NM1", "NM109", "2000A/2010AA") == where(f)

    def test_nine_digits_are_not_an_npi(self) -> None:
        """A rendering NPI of 9 digits is a format problem."""
        (f,) = found(mutate(P837, b"XX*1234567901~", b"XX*123456790~"), "snip5.npi")
        assert ("snip5.npi.format", 5, "error", "NM1", "NM109", f"{PCN1001}/2310B") == where(f)

    def test_the_835_payee_npi_in_n104(self) -> None:
        """N1*PE*…*XX carries an NPI in N104."""
        (f,) = found(mutate(R835, b"XX*1234567893~", b"XX*1234567894~"), "snip5.npi")
        assert ("snip5.npi.check_digit", 5, "error", "N1", "N104", "1000B") == where(f)

    def test_an_npi_in_ref_hpi(self) -> None:
        """An 835 service line REF*HPI (rendering provider NPI) is checked too."""
        (f,) = found(mutate(R835, b"REF*6R*1001L1~", b"REF*6R*1001L1~\nREF*HPI*1234567890~"), "snip5.npi")
        assert ("snip5.npi.check_digit", 5, "error", "REF", "REF02", "2000/2100[CLP01=PCN1001]/2110") == where(f)


    def test_no_npi_check_where_the_guide_marks_the_identifier_not_used(self) -> None:
        """837P 2010AB (pay-to address) marks NM108/NM109 Not Used: a bad NPI there is reported once, as an element
        that must go (SNIP 2), and SNIP 5 alone does not check it at all."""
        pay_to = mutate(P837, b"REF*EI*990000001~\n", b"REF*EI*990000001~\nNM1*87*2******XX*1234567890~\n"
                        b"N3*PO BOX 1~\nN4*SPRINGFIELD*IL*627010001~\n")
        data = pay_to.replace(b"SE*86*", b"SE*89*")
        everything = validate(data, name="test").findings
        assert [] == [f.code for f in everything if f.code.startswith("snip5.npi")]
        assert {("snip2.element.not_used", "NM108"), ("snip2.element.not_used", "NM109")} <= {
            (f.code, f.location.element) for f in everything}
        assert [] == [f.code for f in validate(data, name="test", snips=(5,)).findings]


class TestPostalCodeLists:
    """US states and Canadian provinces (N402), countries (N404): our dated tables, not pyx12's codes.xml lists,
    which predate Nunavut, NL and QC (carrying NF and PQ) and ISO 3166 changes since about 2002."""

    def test_the_states_table_is_pyx12s_list_brought_up_to_date(self) -> None:
        ours = codesets.known_codes("states")
        assert ours is not None
        assert {"NL", "QC", "NU", "PW"} == ours - external_codes()["states"]
        assert {"NF", "PQ"} == external_codes()["states"] - ours
        assert 75 == len(ours)

    def test_the_country_table_is_iso_3166_1_today(self) -> None:
        ours = codesets.known_codes("country")
        assert ours is not None and 249 == len(ours)
        assert {"SS", "ME", "RS", "CW", "SX", "BQ", "TL", "AX", "GG", "IM", "JE", "BL", "MF"} <= ours - \
            external_codes()["country"]
        assert {"AN", "TP", "YU"} <= external_codes()["country"] - ours

    def test_a_billing_provider_state_is_checked_where_pyx12s_map_names_no_list(self) -> None:
        """837P 2010AA N402 has no code list in pyx12's map (2010BA's has), so neither pyx12 nor we checked it."""
        (f,) = validate(mutate(P837, b"N4*SPRINGFIELD*IL*627010001~", b"N4*SPRINGFIELD*QQ*627010001~")).findings
        assert ("snip5.element.code", "N402", "2000A/2010AA") == (f.code, f.location.element, f.location.loop_path)
        assert "USPS Publication 28 and Canada Post" in f.message

    def test_current_canadian_symbols_pass_and_retired_ones_say_what_replaced_them(self) -> None:
        for symbol in (b"QC", b"NL", b"NU"):
            data = mutate(P837, b"N4*SPRINGFIELD*IL*62704~", b"N4*MONTREAL*" + symbol + b"*H2X1Y4*CA~")
            assert [] == validate(data).findings, symbol
        (f,) = validate(mutate(P837, b"N4*SPRINGFIELD*IL*62704~", b"N4*MONTREAL*PQ*H2X1Y4*CA~")).findings
        assert ("snip5.element.code", "N402") == (f.code, f.location.element) and "replaced by QC" in f.message

    def test_countries_from_iso_3166_today(self) -> None:
        data = mutate(P837, b"N4*SPRINGFIELD*IL*62704~", b"N4*JUBA**11111*SS~")
        assert [] == validate(data).findings, "South Sudan (2011) is a country"
        (f,) = validate(mutate(P837, b"N4*SPRINGFIELD*IL*62704~", b"N4*WILLEMSTAD**11111*AN~")).findings
        assert ("snip5.element.code", "N404") == (f.code, f.location.element)
        assert "withdrawn" in f.message and "2010-12-15" in f.message


class TestFormats:
    def test_a_nine_character_taxonomy(self) -> None:
        """207Q0000X lost a zero: a taxonomy is 10 characters."""
        (f,) = found(mutate(P837, b"PRV*BI*PXC*207Q00000X", b"PRV*BI*PXC*207Q0000X"), "snip5.taxonomy")
        assert ("snip5.taxonomy.format", 5, "error", "PRV", "PRV03", "2000A") == where(f)

    def test_a_four_digit_procedure_code(self) -> None:
        """SV101-2 8788 is neither CPT nor HCPCS."""
        (f,) = found(mutate(P837, b"HC:87880:QW", b"HC:8788:QW"), "snip5.procedure")
        assert ("snip5.procedure.format", 5, "error", "SV1", "SV101-02", f"{PCN1001}/2400[2]") == where(f)

    def test_cpt_category_and_hcpcs_shapes_pass(self) -> None:
        """0001U (PLA), 3074F (Category II), J1030 (HCPCS Level II) have valid shapes."""
        for code in (b"0001U", b"3074F", b"J1030"):
            assert [] == found(mutate(P837, b"HC:87880:QW", b"HC:" + code + b":QW"), "snip5.procedure")

    def test_the_835_adjudicated_procedure(self) -> None:
        """SVC01-2 is checked on the 835."""
        (f,) = found(mutate(R835, b"SVC*HC:97110:GP", b"SVC*HC:9711:GP"), "snip5.procedure")
        assert ("snip5.procedure.format", 5, "error", "SVC", "SVC01-02", "2000/2100[CLP01=PCN1003]/2110") == where(f)

    def test_the_837i_line_procedure(self) -> None:
        """SV202-2 is checked on the 837I."""
        (f,) = found(mutate(I837, b"HC:80053", b"HC:800533"), "snip5.procedure")
        assert ("snip5.procedure.format", "SV2", "SV202-02") == (f.code, f.location.segment_id, f.location.element)


class TestRemittanceCodes:
    def test_a_deactivated_carc(self) -> None:
        """CARC 28 stopped 2003-10-16; the 2025 remittance may not use it."""
        (f,) = found(mutate(R835, b"CAS*CO*29*950", b"CAS*CO*28*950"), "snip5.carc")
        assert ("snip5.carc.deactivated", 5, "error", "CAS", "CAS02", "2000/2100[CLP01=PCN0987]") == where(f)
        assert ("X12 CARC list 2026-08-17", "2025-02-05") == (f.details["code_set"], f.details["remittance_date"])

    def test_a_carc_deactivated_on_an_unrecorded_date_warns(self) -> None:
        """CARC 138 is deactivated but its stop date is not in the table: a warning."""
        (f,) = found(mutate(R835, b"CAS*CO*29*950", b"CAS*CO*138*950"), "snip5.carc")
        assert ("snip5.carc.deactivated", "warning") == (f.code, f.severity.value)

    def test_an_unknown_carc_warns(self) -> None:
        """ZZ9 is in no CARC list we ship; the list may be incomplete, so only a warning."""
        (f,) = found(mutate(R835, b"CAS*CO*29*950", b"CAS*CO*ZZ9*950"), "snip5.carc")
        assert ("snip5.carc.unknown", 5, "warning", "CAS", "CAS02", "2000/2100[CLP01=PCN0987]") == where(f)

    def test_a_carc_before_it_started(self) -> None:
        """CARC 269 started 2015-03-01; a remittance paid in 2014 cannot use it."""
        data = mutate(mutate(R835, b"CAS*CO*29*950", b"CAS*CO*269*950"), b"7654321*20250205~", b"7654321*20140205~")
        (f,) = found(data, "snip5.carc")
        assert ("snip5.carc.not_effective", "CAS02", "2014-02-05") == (f.code, f.location.element,
                                                                       f.details["remittance_date"])

    def test_a_deactivated_rarc_in_lq(self) -> None:
        """LQ*HE*M33 (stopped 2004-08-01)."""
        (f,) = found(mutate(R835, b"LQ*HE*M15", b"LQ*HE*M33"), "snip5.rarc")
        assert ("snip5.rarc.deactivated", 5, "error", "LQ", "LQ02", "2000/2100[CLP01=PCN1003]/2110") == where(f)

    def test_an_unknown_rarc_in_lq_warns(self) -> None:
        """LQ*HE*X99 is not a remark code."""
        (f,) = found(mutate(R835, b"LQ*HE*M15", b"LQ*HE*X99"), "snip5.rarc")
        assert ("snip5.rarc.unknown", "warning") == (f.code, f.severity.value)

    def test_a_deactivated_rarc_in_moa(self) -> None:
        """MOA03 M33 is in pyx12's list (so the element check passes it) but deactivated."""
        data = mutate(R835, b"XX*1234567927~\nDTM*232*20241216", b"XX*1234567927~\nMOA***M33~\nDTM*232*20241216")
        (f,) = found(data, "snip5.rarc")
        assert ("snip5.rarc.deactivated", 5, "error", "MOA", "MOA03", "2000/2100[CLP01=PCN1003]") == where(f)
        assert [] == found(data, "snip5.element")


class TestClaimStatusCodes:
    def test_an_invalid_category_is_reported_by_the_element_check(self) -> None:
        """277CA STC01-1 is checked against pyx12's claim_status_cat list (SNIP 5) by the element checks."""
        data = mutate(A277, b"STC*A7:164", b"STC*Q7:164")
        (f,) = found(data, "snip5.")
        assert ("snip5.element.code", 5, "STC", "STC01-01") == (f.code, f.snip, f.location.segment_id,
                                                                f.location.element)
