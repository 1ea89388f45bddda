"""837 → encounter → 837: every claim of the corpus's valid 837P/837I files gives back an equal claim model
(control numbers and HL numbering aside, which the models do not hold), except for data the encounter has no field
for, which extraction names claim by claim; `edi claims extract` writes the encounters."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES, corpus_files, corpus_id

from claims.support import without_sources
from edi.claims import claim_of, encode_lines, encounter_of, extract, read_encounters
from edi.claims._extract import ExtractSummary, without_control_numbers
from edi.cli import cli
from edi.models import iter_claims
from edi.models.claim import Claim
from edi.synth import write_synth
from edi.validate import validate

SAMPLE_837 = [SAMPLES / "837p-office-visits.x12", SAMPLES / "837i-inpatient.x12"]


def _valid(path: Path) -> bool:
    """A corpus file the issue's property covers: no SNIP 1 or 2 error (syntax and guide)."""
    report = validate(path, snips=(1, 2), jobs=1)
    return report.fatal is None and not report.errors


VALID_837 = [p for p in corpus_files("837p", "837i") if _valid(p)]

# What the encounter does not carry, over the valid corpus files (21 claims in 19 files), read by hand from the
# files: HCP is repricing data a repricer adds (2300 and 2400), CR1 and CRC are the ambulance transport and
# certification segments of the ambulance example, QTY its patient count, and 2330D are the other payer's
# identifiers for the rendering provider (REF*G2 under NM1*82 in 2320 of the two COB examples).
UNCARRIED = Counter({"extra[HCP]": 3, "other_payers[].providers[82]": 2, "extra[CR1]": 1, "extra[CRC]": 1,
                     "lines[].extra[QTY]": 1, "lines[].extra[HCP]": 1})


def _claims(path: Path) -> list[Claim]:
    return [c for c in iter_claims(path) if isinstance(c, Claim)]


@pytest.mark.corpus
def test_the_valid_corpus_is_what_the_property_covers() -> None:
    """19 of the 46 corpus 837s have no SNIP 1–2 error; most use ICD-9 qualifiers (BK/BF), hence icd_version."""
    assert 19 == len(VALID_837)
    assert 21 == sum(len(_claims(p)) for p in VALID_837)


@pytest.mark.corpus
def test_what_the_encounter_does_not_carry_over_the_valid_corpus() -> None:
    found: Counter[str] = Counter()
    exact = 0
    for path in VALID_837:
        for item in extract(path):
            found.update(item.uncarried)
            exact += not item.uncarried
    assert UNCARRIED == found
    assert 15 == exact


@pytest.mark.corpus
@pytest.mark.parametrize("path", VALID_837, ids=corpus_id)
def test_corpus_claims_round_trip(path: Path) -> None:
    """Claims with nothing uncarried come back equal (sources aside; a REF*6R is added to lines without one);
    the others differ exactly where extraction said."""
    for original, item in zip(_claims(path), extract(path), strict=True):
        rebuilt = without_control_numbers(claim_of(item.encounter), item.numbered)
        if not item.uncarried:
            assert without_sources(original) == without_sources(rebuilt)
        else:
            assert without_sources(original) != without_sources(rebuilt)
            assert set(item.uncarried) <= set(UNCARRIED)


@pytest.mark.parametrize("path", SAMPLE_837, ids=lambda p: p.name)
def test_sample_claims_round_trip_exactly(path: Path) -> None:
    """The samples carry REF*6R on every line, so not even a control number is added."""
    for original in _claims(path):
        assert without_sources(original) == without_sources(claim_of(encounter_of(original)))


@pytest.mark.parametrize("kind", ["837p", "837i"])
def test_synthetic_claims_round_trip_exactly(kind: str) -> None:
    """The synthetic 837s use secondary payers with adjudication, dependents, replacements, 837I codes."""
    out = io.BytesIO()
    write_synth(kind, 300, 11, out)
    claims = _claims(out.getvalue())  # type: ignore[arg-type]
    assert 300 == len(claims)
    assert [] == [c.patient_control_number for c in claims
                  if without_sources(c) != without_sources(claim_of(encounter_of(c)))]


def test_a_claim_without_line_control_numbers_gets_them_from_its_id() -> None:
    """REF*6R goes on every line: a line read without one gets "<CLM01>-<line number>" when built."""
    data = SAMPLE_837[0].read_bytes().replace(b"REF*6R*1002L1~\n", b"")
    data = data.replace(b"SE*86*", b"SE*85*")
    [item] = [x for x in extract(data) if x.encounter.id == "PCN1002"]
    assert (1,) == item.numbered and () == item.uncarried
    assert ["PCN1002-1"] == [line.line_item_control_number for line in claim_of(item.encounter).lines]


def test_the_summary_names_what_is_not_carried() -> None:
    data = SAMPLE_837[0].read_bytes().replace(b"DTP*431*D8*20250103~", b"DTP*431*D8*20250103~\nCR2*1*2~")
    data = data.replace(b"SE*86*", b"SE*87*")
    summary = ExtractSummary()
    encounters = list(summary.tally(extract(data)))
    assert 3 == len(encounters)
    assert "3 claim(s), 2 carried whole; not carried: extra[CR2] (1)" == str(summary)


def test_claims_extract_command() -> None:
    result = CliRunner().invoke(cli, ["claims", "extract", str(SAMPLE_837[0]), str(SAMPLE_837[1])])
    assert 0 == result.exit_code, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert ["PCN1001", "PCN1002", "PCN1003", "HOSP0001", "HOSP0002"] == [r["id"] for r in records]
    assert "institutional" == records[3]["claim_type"]
    assert f"{SAMPLE_837[0]}: 3 claim(s), 3 carried whole" in result.stderr
    as_array = CliRunner().invoke(cli, ["claims", "extract", str(SAMPLE_837[1]), "--format", "json"])
    assert ["HOSP0001", "HOSP0002"] == [r["id"] for r in json.loads(as_array.stdout)]


@pytest.mark.corpus
def test_extracted_encounters_read_back(tmp_path: Path) -> None:
    """What `edi claims extract` writes is valid input: every encounter of the valid corpus files, the samples and
    a synthetic 837I reads back from JSON Lines equal, with no input error."""
    out = io.BytesIO()
    write_synth("837i", 50, 3, out)
    found = [x.encounter for source in (*VALID_837, *SAMPLE_837, out.getvalue()) for x in extract(source)]
    path = tmp_path / "extracted.jsonl"
    with path.open("wb") as stream:
        encode_lines(found, stream)
    assert found == list(read_encounters(path))
