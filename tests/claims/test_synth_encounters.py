"""`edi synth encounters`: deterministic, varied, valid when clean; with --error-rate, each chosen encounter has
exactly one deliberate error, of every edit's kind, labelled with the edit that should catch it.

The checks below are deliberately plain predicates, one per edit, written from the rule each edit enforces and
from independent sources (the ICD-10-CM package, the NPI check digit, CMS's place of service list, CMS's MBI
format), not from the generator: an injected error must trip its own predicate and no other, and a clean
encounter none."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
import simple_icd_10_cm as icd
from click.testing import CliRunner

from claims.support import x12_of
from edi.claims import InputError, read_encounters
from edi.claims.encounter import Encounter
from edi.cli import cli
from edi.synth import write_encounters
from edi.synth._encounters import (EDITS, MINOR_PROCEDURES, OFFICE_EM, PRIOR_AUTH_CODES, clean_encounter,
                                   enrollment_roster, synth_encounters)
from edi.validate import load_profile, validate
from edi.validate.codesets import npi_problem, place_of_service
from pyx12_errors import pyx12_errors

AS_OF = date(2026, 6, 15)
MBI = re.compile(r"^[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9]"
                 r"[AC-HJKMNP-RT-Y]{2}[0-9]{2}$")   # CMS's MBI format: no S, L, O, I, B, Z


def _dotted(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def _clinician(enc: Encounter):  # type: ignore[no-untyped-def]
    return enc.providers.attending if enc.institutional else enc.providers.rendering


def _dos(enc: Encounter) -> date:
    period = enc.service_period
    assert period is not None
    return period[0]


def _codes(enc: Encounter) -> list[str]:
    return [d.code for d in enc.diagnoses]


def _age(enc: Encounter) -> int:
    born = enc.patient.birth_date
    return (_dos(enc) - born).days // 365 if born else 99


ROSTER = {(npi, payer) for npi, payer, _ in enrollment_roster(7, AS_OF)}
ALL_PLACES = place_of_service()

# edit → does this encounter break that edit's rule?
CHECKS: dict[str, Callable[[Encounter], bool]] = {
    "coding.icd10.invalid": lambda e: any(not icd.is_valid_item(_dotted(c)) for c in _codes(e)),
    "coding.icd10.not_billable": lambda e: any(icd.is_valid_item(_dotted(c)) and not icd.is_leaf(_dotted(c))
                                               for c in _codes(e)),
    "coding.icd10.unspecified": lambda e: any(icd.is_valid_item(_dotted(c)) and "nspecified" in
                                              icd.get_description(_dotted(c)) for c in _codes(e)),
    "coding.icd10.sex": lambda e: ("N400" in _codes(e) and e.patient.sex == "F") or
                                  ("N952" in _codes(e) and e.patient.sex == "M"),
    "coding.icd10.age": lambda e: "A33" in _codes(e) and _age(e) >= 1,   # newborn only (MCE age list)
    "coding.dx_pointer.range": lambda e: any(p > len(e.diagnoses) for line in e.lines
                                             for p in line.diagnosis_pointers),
    "coding.dx_pointer.principal": lambda e: not e.institutional and all(1 not in line.diagnosis_pointers
                                                                         for line in e.lines),
    "coding.ncci.ptp": lambda e: {"12002", "64450"} <= {line.procedure_code for line in e.lines},
    "coding.mue": lambda e: any(line.units >= 9 for line in e.lines if line.unit_basis == "UN"),
    "coding.addon.primary_missing": lambda e: ("11103" in _procs(e) and "11102" not in _procs(e)) or (
        "90472" in _procs(e) and not {"90460", "90471", "90473"} & _procs(e)),
    "coding.modifier25.missing": lambda e: any(line.procedure_code in OFFICE_EM and "25" not in line.modifiers
                                               for line in e.lines) and bool(_procs(e) & set(MINOR_PROCEDURES)),
    "coding.modifier25.without_procedure": lambda e: any("25" in line.modifiers for line in e.lines
                                                         if line.procedure_code in OFFICE_EM)
    and not _procs(e) & set(MINOR_PROCEDURES),
    "coding.modifier59.no_edit": lambda e: any("59" in line.modifiers for line in e.lines),
    "coding.em.place_of_service": lambda e: bool(_procs(e) & set(OFFICE_EM)) and e.place_of_service in ("21", "23"),
    "billing.required": lambda e: e.patient.birth_date is None,
    "billing.member_id.pattern": lambda e: e.billed.payer.id == "EXMCR" and not MBI.match(e.billed.member_id),
    "billing.zip9": lambda e: len(e.billing_provider.address.postal_code) != 9,  # type: ignore[union-attr]
    "billing.charge.not_positive": lambda e: any(line.charge <= 0 for line in e.lines),
    "billing.clm01.too_long": lambda e: len(e.id) > 20,
    "billing.frequency.original_missing": lambda e: e.frequency in ("7", "8") and not e.original_claim_number,
    "billing.timely_filing": lambda e: _dos(e) < AS_OF - timedelta(days=365),
    "billing.pos.not_effective": lambda e: not e.institutional and e.place_of_service not in ALL_PLACES,
    "credentialing.npi.check_digit": lambda e: npi_problem(_clinician(e).npi) is not None,
    "credentialing.not_enrolled": lambda e: npi_problem(_clinician(e).npi) is None and  # a mistyped NPI is that
    (_clinician(e).npi, e.billed.payer.id) not in ROSTER,
    "credentialing.taxonomy": lambda e: not re.fullmatch(r"[0-9]{3}[0-9A-Z]{6}X", _clinician(e).taxonomy),
    "coverage.inactive": lambda e: e.billed.end_date is not None and e.billed.end_date < _dos(e),
    "coverage.prior_auth.missing": lambda e: bool(_procs(e) & set(PRIOR_AUTH_CODES)) and not e.prior_authorization,
    "coverage.cob.order": lambda e: any(c.payer.id == "EXMCD" for c in e.coverages[:-1]),
}


def _procs(e: Encounter) -> set[str]:
    return {line.procedure_code for line in e.lines}


def _broken(enc: Encounter) -> set[str]:
    return {edit for edit, check in CHECKS.items() if check(enc)}


def test_same_seed_and_day_same_encounters() -> None:
    def text(seed: int, day: date = AS_OF) -> bytes:
        out = io.BytesIO()
        write_encounters(50, seed, out, as_of=day, error_rate=0.3)
        return out.getvalue()
    assert text(3) == text(3)
    assert text(3) != text(4)
    assert text(3) != text(3, AS_OF + timedelta(days=1))


def test_clean_encounters_are_varied() -> None:
    encounters = list(synth_encounters(1000, 7, as_of=AS_OF))
    assert {"professional", "institutional"} == {e.claim_type for e in encounters}
    assert {"207Q00000X", "207X00000X", "207RC0000X", "282N00000X"} == {e.billing_provider.taxonomy
                                                                        for e in encounters}
    assert {"EXMCR", "EXMCD", "EXHP1", "EXBLUE"} == {e.billed.payer.id for e in encounters}
    assert {"11", "13"} == {e.facility_type for e in encounters if e.institutional}
    assert 80 < sum(len(e.coverages) == 2 for e in encounters) < 250           # secondary coverage on some
    assert 0 < sum(e.billed_coverage == 2 for e in encounters) < 100           # some billed to the secondary
    assert 0 < sum(e.coverages[0].relationship == "19" for e in encounters)     # children on a parent's plan
    assert [] == [e.id for e in encounters if e.expected_edit or _broken(e)]
    assert all(e.patient.last_name.isalpha() and "SYN" not in e.patient.last_name for e in encounters)


def test_clean_encounters_build_837s_both_validators_accept(tmp_path: Path) -> None:
    """SNIP 1–5, and SNIP 7 with the example commercial and Medicaid profiles whose payer ids they use."""
    path = x12_of(synth_encounters(300, 7, as_of=AS_OF), tmp_path)
    profiles = [load_profile(name) for name in ("example-commercial", "example-medicaid")]
    report = validate(path, jobs=1, profiles=profiles)
    assert [] == [(f.code, f.message) for f in report.errors]
    assert [] == [(f.code, f.message) for f in report.warnings]
    assert [] == pyx12_errors(str(path))


@pytest.fixture(scope="module")
def erroneous() -> list[Encounter]:
    """Errors in 60% of the encounters (a duplicate is only made of a clean encounter before it)."""
    return list(synth_encounters(5000, 7, as_of=AS_OF, error_rate=0.6))


def test_every_edit_gets_errors(erroneous: list[Encounter]) -> None:
    counts = Counter(e.expected_edit for e in erroneous if e.expected_edit)
    assert set(EDITS) == set(counts)
    assert min(counts.values()) >= 20, counts
    assert 2800 < sum(counts.values()) < 3200


def test_each_injected_error_is_the_one_its_label_names(erroneous: list[Encounter]) -> None:
    """The labelled edit's rule is broken, and no other (duplicates are checked against their predecessor);
    unlabelled encounters break none."""
    wrong = []
    for index, enc in enumerate(erroneous):
        expected = set() if enc.expected_edit in ("", "billing.duplicate") else {enc.expected_edit}
        if _broken(enc) != expected:
            wrong.append((enc.id, enc.expected_edit, sorted(_broken(enc))))
        if enc.expected_edit == "billing.duplicate":
            before = clean_encounter(7, index - 1, AS_OF)
            assert (before.patient, before.providers, before.lines, before.dates_of_service) == (
                enc.patient, enc.providers, enc.lines, enc.dates_of_service)
            assert before.id != enc.id
    assert [] == wrong


def test_the_error_rate_is_the_share_of_encounters_with_an_error() -> None:
    found = [e for e in synth_encounters(2000, 9, as_of=AS_OF, error_rate=0.1) if e.expected_edit]
    assert 150 < len(found) < 250


def test_the_command_writes_encounters_the_reader_takes(tmp_path: Path) -> None:
    out, roster = tmp_path / "encounters.jsonl", tmp_path / "roster.csv"
    result = CliRunner().invoke(cli, ["synth", "encounters", "--count", "40", "--seed", "7", "--as-of",
                                      "2026-06-15", "--error-rate", "0.5", "--out", str(out), "--roster-out",
                                      str(roster)])
    assert 0 == result.exit_code, result.output
    items = list(read_encounters(out))
    assert 40 == len(items) and not any(isinstance(i, InputError) for i in items)
    labels = [json.loads(line).get("expected_edit", "") for line in out.read_text().splitlines()]
    assert 10 < sum(bool(label) for label in labels) < 30
    rows = roster.read_text().splitlines()
    assert "npi,payer_id,effective_from" == rows[0] and len(rows) == 1 + len(ROSTER)
    refused = CliRunner().invoke(cli, ["synth", "837p", "--error-rate", "0.1"])
    assert 2 == refused.exit_code and "are for `edi synth encounters`" in refused.output
