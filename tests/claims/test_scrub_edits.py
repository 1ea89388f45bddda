"""Every scrub edit has a failing and a passing fixture: the clean office visit of claims.support changed in one
field. Each case says the rule's source; expected codes were checked against it by hand, not copied from output.
NCCI, MUE and add-on cases use FICTIONAL tables (tests/claims/fixtures/ncci), never CMS's data."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from msgspec.structs import replace

from claims.support import AS_OF, CLINIC, DOCTOR, DOS, FICTIONAL_NCCI, HEALTH_PLAN, office_visit, service
from edi.claims.encounter import Coverage, Diagnosis, Encounter, Payer, PriorPayment, Provider, Providers
from edi.claims.scrub import EDITS, References, RootCause, scrub, scrub_one
from edi.codes import read_extract
from edi.errors import MappingError
from edi.validate import Severity

NCCI = read_extract(FICTIONAL_NCCI)
MEDICARE = Coverage(payer=Payer(name="EXAMPLE MEDICARE", id="EXMCR"), member_id="1EG4TE5MK73",
                    claim_filing_indicator="MB", effective_date=date(2020, 1, 1))
MEDICAID = Coverage(payer=Payer(name="EXAMPLE STATE MEDICAID", id="EXMCD"), member_id="MCD123456789",
                    claim_filing_indicator="MC", effective_date=date(2020, 1, 1))


def refs(**changes: Any) -> References:
    made = References.for_run(AS_OF, ncci=NCCI)
    for key, value in changes.items():
        setattr(made, key, value)
    return made


def codes_of(enc: Encounter, references: References | None = None) -> list[str]:
    return [f.code for f in scrub_one(enc, references or refs())]


def with_provider(**roles: Provider | None) -> Providers:
    return Providers(**{"rendering": DOCTOR, **roles})


# (edit, failing encounter, passing encounter, the rule's source)
CASES: list[tuple[str, Encounter, Encounter, str]] = [
    # ICD-10-CM FY2026: J06.90 has one digit too many (J06.9 is the code); "E11" is a category (E11.9 billable)
    ("coding.icd10.invalid", office_visit(diagnoses=(Diagnosis(code="J0690"),)),
     office_visit(diagnoses=(Diagnosis(code="J069"),)), "ICD-10-CM FY2026 code list"),
    ("coding.icd10.not_billable", office_visit(diagnoses=(Diagnosis(code="E11"),)),
     office_visit(diagnoses=(Diagnosis(code="E119"),)), "ICD-10-CM FY2026 tabular: E11 has subcategories"),
    # M25.569 "pain in unspecified knee" beside M25.561 right / M25.562 left knee
    ("coding.icd10.unspecified", office_visit(diagnoses=(Diagnosis(code="M25569"),)),
     office_visit(diagnoses=(Diagnosis(code="M25561"),)), "ICD-10-CM FY2026 tabular, M25.56-"),
    # N40.0 benign prostatic hyperplasia: male (block N40-N53, diseases of male genital organs)
    ("coding.icd10.sex", office_visit(diagnoses=(Diagnosis(code="N400"),)),
     office_visit(diagnoses=(Diagnosis(code="N400"),), patient=replace(office_visit().patient, sex="M")),
     "ICD-10-CM chapter 14 block N40-N53"),
    # A33 tetanus neonatorum: CMS MCE v37 list 4A (newborn, age 0)
    ("coding.icd10.age", office_visit(diagnoses=(Diagnosis(code="A33"),)),
     office_visit(diagnoses=(Diagnosis(code="A33"),), patient=replace(office_visit().patient,
                                                                      birth_date=DOS - timedelta(days=10))),
     "CMS Medicare Code Editor v37, 4A"),
    # 005010X222A1 SV107: pointers name diagnoses 1 … n of HI
    ("coding.dx_pointer.range", office_visit(service("99213", pointers=(1, 2))),
     office_visit(service("99213", pointers=(1, 2)), diagnoses=(Diagnosis(code="J020"), Diagnosis(code="I10"))),
     "005010X222A1 SV107"),
    ("coding.dx_pointer.principal",
     office_visit(service("99213", pointers=(2,)), diagnoses=(Diagnosis(code="J020"), Diagnosis(code="I10"))),
     office_visit(service("99213", pointers=(2, 1)), diagnoses=(Diagnosis(code="J020"), Diagnosis(code="I10"))),
     "005010X222A1 HI ABK principal diagnosis"),
    ("coding.procedure.format", office_visit(service("9921")), office_visit(service("99212")),
     "CPT: 5 digits; HCPCS Level II: letter + 4 digits"),
    # FICTIONAL PTP row 12002/64450 indicator 1: bypassed by 59 on the column-2 line
    ("coding.ncci.ptp", office_visit(service("12002"), service("64450")),
     office_visit(service("12002"), service("64450", "59")), "FICTIONAL PTP table, modifier indicator 1"),
    # FICTIONAL MUE 36415 = 2 (MAI 3)
    ("coding.mue", office_visit(service("36415", units=3)), office_visit(service("36415", units=2)),
     "FICTIONAL MUE table"),
    # FICTIONAL add-on 11103 with primary 11102 (type 1)
    ("coding.addon.primary_missing", office_visit(service("11103")), office_visit(service("11102"), service("11103")),
     "FICTIONAL add-on table, type 1"),
    # CMS Claims Processing Manual ch. 12 §30.6.6: E/M + minor procedure same day needs 25
    ("coding.modifier25.missing", office_visit(service("99213"), service("69210")),
     office_visit(service("99213", "25"), service("69210")), "CMS IOM 100-04 ch. 12 §30.6.6"),
    ("coding.modifier25.without_procedure", office_visit(service("99213", "25")), office_visit(service("99213")),
     "CMS IOM 100-04 ch. 12 §30.6.6"),
    # NCCI Policy Manual ch. I §E: 59 only where an edit pairs the codes (FICTIONAL table: 12002/64450 pair)
    ("coding.modifier59.no_edit", office_visit(service("99213"), service("93000", "59")),
     office_visit(service("12002"), service("64450", "59")), "NCCI Policy Manual ch. I §E"),
    # Office visit codes at POS 21 (inpatient hospital): CMS IOM 100-04 ch. 12 §30.6
    ("coding.em.place_of_service", office_visit(place_of_service="21"), office_visit(place_of_service="22"),
     "CPT E/M guidelines; CMS IOM 100-04 ch. 12 §30.6"),
    # 005010X222A1 2010BA DMG02 required when the patient is the subscriber
    ("billing.required", office_visit(patient=replace(office_visit().patient, birth_date=None)), office_visit(),
     "005010X222A1 2010BA DMG"),
    # example-commercial.toml: 3-4 letters then 8-9 digits
    ("billing.member_id.pattern", office_visit(coverages=(replace(HEALTH_PLAN, member_id="123456789A"),)),
     office_visit(), "mappings/payers/example-commercial.toml"),
    # 005010X222A1 2010AA N403: nine-digit ZIP
    ("billing.zip9", office_visit(billing_provider=replace(CLINIC, address=replace(CLINIC.address,
                                                                                  postal_code="62701"))),
     office_visit(), "005010X222A1 2010AA N403"),
    ("billing.charge.not_positive", office_visit(service("99213", charge="0")), office_visit(),
     "005010X222A1 SV102"),
    ("billing.clm01.too_long", office_visit(id="V" * 21), office_visit(id="V" * 20), "payers keep 20 characters"),
    ("billing.frequency.original_missing", office_visit(frequency="7"),
     office_visit(frequency="7", original_claim_number="PAYER123"), "005010X222A1 2300 REF*F8"),
    # example-commercial.toml: 180 days; DOS 200 days before AS_OF
    ("billing.timely_filing",
     office_visit(service_date=AS_OF - timedelta(days=200),
                  coverages=(replace(HEALTH_PLAN, effective_date=date(2024, 1, 1)),)),
     office_visit(service_date=AS_OF - timedelta(days=100)), "mappings/payers/example-commercial.toml"),
    # CMS POS code set: 29 was never assigned
    ("billing.pos.not_effective", office_visit(place_of_service="29"), office_visit(place_of_service="11"),
     "CMS place of service code set"),
    # NPI check digit: Luhn over 80840 + 9 digits; 1234567893 is CMS's example, ...94 fails
    ("credentialing.npi.check_digit",
     office_visit(providers=with_provider(rendering=replace(DOCTOR, npi="1234567894"))),
     office_visit(), "CMS NPI check digit (Luhn)"),
    ("credentialing.taxonomy", office_visit(providers=with_provider(rendering=replace(DOCTOR, taxonomy="207Q00000"))),
     office_visit(), "NUCC taxonomy: 10 characters ending in X"),
    # 005010X222A1 2320 AMT*D + CAS = CLM02 (SNIP 3 balancing): the primary's adjudication covers the charge
    ("billing.cob.balance",
     office_visit(coverages=(replace(HEALTH_PLAN, prior_payment=PriorPayment(paid=Decimal("100.00"))),
                             replace(MEDICAID, prior_payment=None)), billed_coverage=2, prior_authorization="A"),
     office_visit(coverages=(replace(HEALTH_PLAN, prior_payment=PriorPayment(paid=Decimal("125.00"))),
                             replace(MEDICAID, prior_payment=None)), billed_coverage=2, prior_authorization="A"),
     "005010X222A1 2320 AMT*D, CAS"),
    # example-medicaid.toml [rules]: REF*EA (medical record number) is not accepted; SNIP 7 checks the same rule
    ("billing.payer_rules", office_visit(coverages=(MEDICAID,), prior_authorization="A", medical_record_number="MRN1"),
     office_visit(coverages=(MEDICAID,), prior_authorization="A"), "example-medicaid.toml [rules]"),
    # SNIP 4 date checks: no service after the scrub's day; 837I inpatient bills carry the admission date
    ("billing.dates", office_visit(service_date=AS_OF + timedelta(days=1)), office_visit(service_date=AS_OF),
     "005010X222A1 DTP*472: care already given"),
    ("coverage.inactive", office_visit(coverages=(replace(HEALTH_PLAN, end_date=DOS - timedelta(days=1)),)),
     office_visit(coverages=(replace(HEALTH_PLAN, end_date=DOS),)), "coverage dates from eligibility"),
    # example-commercial.toml: 73721 needs prior authorization
    ("coverage.prior_auth.missing", office_visit(service("73721", "RT")),
     office_visit(service("73721", "RT"), prior_authorization="PA123"), "mappings/payers/example-commercial.toml"),
    # Medicaid is the payer of last resort (42 CFR 433.139); example-medicaid.toml payer_of_last_resort
    ("coverage.cob.order", office_visit(coverages=(MEDICAID, HEALTH_PLAN), prior_authorization="PA1"),
     office_visit(coverages=(HEALTH_PLAN, MEDICAID)), "42 CFR 433.139; example-medicaid.toml"),
]


@pytest.mark.parametrize(("code", "failing", "passing", "source"), CASES, ids=[c[0] for c in CASES])
def test_each_edit_fails_its_failing_fixture_and_passes_its_passing_one(code: str, failing: Encounter,
                                                                         passing: Encounter, source: str) -> None:
    assert code in codes_of(failing), source
    assert code not in codes_of(passing), source


def test_every_edit_has_cases() -> None:
    """Every registered edit is tested here, or by the ledger tests below (duplicate, enrollment)."""
    covered = {c[0] for c in CASES} | {"billing.duplicate", "credentialing.not_enrolled"}  # test_scrub_ledger
    assert set(EDITS) == covered


def test_findings_carry_root_cause_denial_field_line_and_source() -> None:
    enc = office_visit(service("99213", charge="125.00", id="C1"), service("36415", units=3, id="C2"))
    mue = [f for f in scrub_one(enc, refs()) if f.code == "coding.mue"]
    assert len(mue) == 1
    found = mue[0]
    assert (found.severity, found.root_cause, found.prevents, found.field, found.line, found.encounter) == \
        (Severity.ERROR, RootCause.CODING, "CO-151", "lines[1].units", "C2", "V1")
    assert found.source == "NCCI MUE 2099Q1 (fictional-mue.csv)"
    assert "lines[1].units 3 of 36415 exceed its MUE of 2" in found.message


def test_icd9_codes_are_not_used_from_october_2015() -> None:
    """45 CFR 162.1002(c): ICD-10-CM from 2015-10-01; SNIP 5 reports ICD-9 qualifiers after it as errors too."""
    assert "coding.icd10.invalid" in codes_of(office_visit(icd_version=9, diagnoses=(Diagnosis(code="4019"),)))


def test_an_inpatient_bill_needs_its_admission_date() -> None:
    """005010X223A2 2300 DTP*435: "Required on inpatient claims"."""
    from edi.claims.encounter import Line
    stay = office_visit(claim_type="institutional", facility_type="11", place_of_service="", service_date=None,
                        statement_from=DOS, statement_to=DOS + timedelta(days=2), providers=Providers(attending=DOCTOR),
                        lines=(Line(revenue_code="0120", charge=Decimal("900"), units=Decimal(2), unit_basis="DA"),),
                        diagnoses=(Diagnosis(code="J13", present_on_admission="Y"),))
    assert "billing.dates" in codes_of(stay)
    assert "billing.dates" not in codes_of(replace(stay, admission_date=DOS))


def test_icd10_findings_name_the_release() -> None:
    found = [f for f in scrub_one(office_visit(diagnoses=(Diagnosis(code="J0690"),)), refs())
             if f.code == "coding.icd10.invalid"]
    assert [("diagnoses[0].code", "ICD-10-CM FY2026 April update")] == [(f.field, f.source) for f in found]


def test_a_site_modifier_bypasses_a_ptp_edit_only_at_another_site() -> None:
    """NCCI Policy Manual ch. I §E: RT on both codes is one site (bundled); RT and LT are two (FICTIONAL 12002/64450,
    indicator 1)."""
    assert "coding.ncci.ptp" in codes_of(office_visit(service("12002", "RT"), service("64450", "RT")))
    assert "coding.ncci.ptp" not in codes_of(office_visit(service("12002", "RT"), service("64450", "LT")))


def test_ptp_indicator_0_is_never_bypassed() -> None:
    """FICTIONAL row 93000/93005 indicator 0: 59 on 93005 does not help."""
    assert "coding.ncci.ptp" in codes_of(office_visit(service("93000"), service("93005", "59")))


def test_ptp_in_effect_only_through_its_deletion_date() -> None:
    """FICTIONAL row 20610/99213 deleted 2023-12-31: not applied in 2026, applied in 2023."""
    assert "coding.ncci.ptp" not in codes_of(office_visit(service("20610"), service("99213")))
    old = office_visit(service("20610"), service("99213"), service_date=date(2023, 6, 1))
    assert "coding.ncci.ptp" in codes_of(old, refs(as_of=date(2023, 6, 20)))


def test_mue_per_day_adds_the_lines_of_one_date() -> None:
    """FICTIONAL MUE 20610 = 2, MAI 2: two lines of 2 on one day exceed it; MAI 1 (J1030 = 8) is per line."""
    assert "coding.mue" in codes_of(office_visit(service("20610", units=2), service("20610", units=2)))
    assert "coding.mue" not in codes_of(office_visit(service("J1030", units=8), service("J1030", units=8)))


def test_mue_per_day_counts_the_batchs_earlier_claims() -> None:
    """FICTIONAL MUE 20610 = 2, MAI 2 (per date of service, patient and provider): 2 units on one claim and 1 on a
    second claim for the same day exceed it; the second is held."""
    first = office_visit(service("20610", units=2), id="A")
    second = office_visit(service("20610", units=1), id="B")
    found = [(e.id, [f.code for f in fs]) for e, fs in scrub([first, second], refs())]
    assert found == [("A", []), ("B", ["billing.duplicate", "coding.mue"])]


def test_timely_filing_warns_within_15_days_of_the_limit() -> None:
    near = office_visit(service_date=AS_OF - timedelta(days=170))       # limit 180: 10 days left
    found = [f for f in scrub_one(near, refs()) if f.code == "billing.timely_filing"]
    assert [Severity.WARNING] == [f.severity for f in found]


def test_a_payer_profile_switches_edits_off_and_changes_severities(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text('[payer]\nname = "P"\nids = ["EXHP1"]\n[scrub]\n'
                                     'off = ["billing.zip9"]\n[scrub.severity]\n"coding.icd10.unspecified" = "error"\n')
    custom = References.for_run(AS_OF, payers=tmp_path, ncci=NCCI)
    zip5 = office_visit(billing_provider=replace(CLINIC, address=replace(CLINIC.address, postal_code="62701")),
                        diagnoses=(Diagnosis(code="M25569"),))
    found = {f.code: f.severity for f in scrub_one(zip5, custom)}
    assert found == {"coding.icd10.unspecified": Severity.ERROR}


@pytest.mark.parametrize(("text", "expected"), [
    ('[payer]\nids = ["X"]\n[scrub]\ntimely_filing = 90\n', "p.toml: scrub.timely_filing: unknown key"),
    ('[payer]\nids = ["X"]\n[scrub]\ntimely_filing_days = "90"\n', "p.toml: scrub.timely_filing_days: must be a whole"),
    ('[payer]\nids = ["X"]\n[scrub]\noff = ["coding.nope"]\n', "p.toml: scrub.off[0]: 'coding.nope' is no edit"),
    ('[payer]\nids = ["X"]\n[scrub.severity]\n"coding.mue" = "fatal"\n',
     'p.toml: scrub.severity."coding.mue": \'fatal\' must be'),
    ('[payer]\nids = ["X"]\n[scrub]\nmember_id_pattern = "[A-"\n', "p.toml: scrub.member_id_pattern: not a regular"),
    ('[payer]\nids = ["X"]\n[scrub]\nprior_authorization = ["7372"]\n', "p.toml: scrub.prior_authorization[0]:"),
    ('[payer]\nids = ["X"\n', "p.toml: not valid TOML"),
])
def test_a_hand_edited_bad_profile_is_a_located_error(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "p.toml").write_text(text)
    with pytest.raises(MappingError) as caught:
        References.for_run(AS_OF, payers=tmp_path)
    assert expected in str(caught.value)


def test_the_shipped_profiles_cover_the_payers_edi_synth_bills() -> None:
    from edi.synth._encounters import PAYERS
    loaded = References.for_run(AS_OF).profiles
    assert {pid for pid, _, _ in PAYERS} <= set(loaded)


def test_medicare_member_ids_are_mbis() -> None:
    """CMS MBI format: C A AN N A AN N A A N N without S, L, O, I, B, Z; a HICN (9 digits + letter) fails."""
    for member_id, ok in (("1EG4TE5MK73", True), ("123456789A", False), ("1EG4TE5MK7", False),
                          ("1SG4TE5MK73", False)):
        enc = office_visit(coverages=(replace(MEDICARE, member_id=member_id),))
        assert ("billing.member_id.pattern" not in codes_of(enc)) is ok, member_id


def test_payer_rules_read_the_snip7_value_restrictions() -> None:
    """example-commercial.toml [rules]: CLM05-1 in its contracted places (not 31), SV103 UN only."""
    found = [f.field for f in scrub_one(office_visit(service("99213", unit_basis="MJ"), place_of_service="31"), refs())
             if f.code == "billing.payer_rules"]
    assert found == ["place_of_service", "lines[0].unit_basis"]


def test_medicaid_wants_a_prior_authorization_on_every_claim() -> None:
    """example-medicaid.toml: prior_authorization_every_claim (as its SNIP 7 rules require REF*G1)."""
    assert "coverage.prior_auth.missing" in codes_of(office_visit(coverages=(MEDICAID,)))
    assert "coverage.prior_auth.missing" not in codes_of(office_visit(coverages=(MEDICAID,), prior_authorization="A"))


def test_a_secondary_claim_follows_the_primarys_adjudication() -> None:
    paid = replace(HEALTH_PLAN, prior_payment=PriorPayment(paid=Decimal("50"), date=DOS + timedelta(days=5)))
    blue = Coverage(payer=Payer(name="EXAMPLE BLUE PLAN", id="EXBLUE"), member_id="XYB123456789",
                    claim_filing_indicator="BL")
    assert "coverage.cob.order" in codes_of(office_visit(coverages=(HEALTH_PLAN, blue), billed_coverage=2))
    assert "coverage.cob.order" not in codes_of(office_visit(coverages=(paid, blue), billed_coverage=2))


def test_duplicates_within_the_batch_are_found() -> None:
    """The same service (patient, provider, date, procedure) under two encounter ids: the second is held."""
    found = [(e.id, [f.code for f in fs]) for e, fs in scrub([office_visit(id="A"), office_visit(id="B")], refs())]
    assert found == [("A", []), ("B", ["billing.duplicate"])]


def test_an_encounter_without_dates_is_judged_on_as_of() -> None:
    enc = office_visit(service("99213"), service_date=None, lines=(service("99213", service_date=None),))
    assert "billing.timely_filing" not in codes_of(enc)


def test_a_held_encounter_does_not_make_the_next_one_a_duplicate() -> None:
    """A is held (a zero charge on another line), so it does not go out: B, the same visit, is no duplicate."""
    held = office_visit(service("99213", charge="125.00"), service("36415", charge="0"), id="A")
    found = [(e.id, [f.code for f in fs]) for e, fs in scrub([held, office_visit(id="B")], refs())]
    assert found == [("A", ["billing.charge.not_positive"]), ("B", [])]


def test_one_root_cause_one_finding_for_an_unassigned_place_of_service() -> None:
    """POS 29 was never assigned: billing.pos.not_effective, not also EXHP1's contracted-places rule."""
    assert codes_of(office_visit(place_of_service="29")) == ["billing.pos.not_effective"]
