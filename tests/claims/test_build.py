"""Encounter → 837: any valid encounter builds an 837P/837I that our validator (SNIP 1–5) and pyx12 accept, with
the HL hierarchy billing → subscriber → patient, REF*6R on every line and transactions per billing provider."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SAMPLES
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from claims.strategies import encounters
from claims.support import interchange, x12_of
from edi.claims import claim_of, problems, read_encounters, transactions
from edi.claims.encounter import Encounter
from edi.models import read
from edi.validate import validate
from edi.x12 import tokenize
from pyx12_errors import pyx12_errors

ENCOUNTERS = SAMPLES / "encounters"


def _errors(path: Path) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in validate(path, snips=(1, 2, 3, 4, 5), jobs=1).errors]


@settings(max_examples=40, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate),  # pyx12 is slow
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(encounters(), min_size=1, max_size=4))
def test_any_valid_encounter_builds_an_837_both_validators_accept(tmp_path_factory: pytest.TempPathFactory,
                                                                   batch: list[Encounter]) -> None:
    assert [] == [problem for e in batch for problem in problems(e)]   # the strategy makes readable encounters
    path = x12_of(batch, tmp_path_factory.mktemp("built"))
    assert [] == _errors(path)
    assert [] == pyx12_errors(str(path))
    claims = [c for t in read(path) for c in t.claims]
    assert sorted(e.id for e in batch) == sorted(c.patient_control_number for c in claims)


def _segments(data: bytes) -> list[tuple[str, ...]]:
    return [s.elements for s in tokenize(data)]


def _sample_encounters() -> list[Encounter]:
    items = [*read_encounters(ENCOUNTERS / "example-pm.csv", mapping="example-pm"),
             *read_encounters(ENCOUNTERS / "example-hospital.csv", mapping="example-hospital"),
             *read_encounters(ENCOUNTERS / "encounters.jsonl")]
    assert all(isinstance(i, Encounter) for i in items), [str(i) for i in items if not isinstance(i, Encounter)]
    return items  # type: ignore[return-value]


def test_the_sample_encounters_build_valid_837s(tmp_path: Path) -> None:
    path = x12_of(_sample_encounters(), tmp_path)
    assert [] == _errors(path)
    assert [] == pyx12_errors(str(path))


def test_the_hierarchy_has_a_patient_loop_only_for_dependents() -> None:
    """V20250106A: the patient is the subscriber (HL 22 has no child, SBR02 18, no 2000C); V20250107B: a child
    (HL 22 with child code 1, SBR02 empty, then HL 23 with PAT*19 and the child's name)."""
    pm = [e for e in _sample_encounters() if e.id in ("V20250106A", "V20250107B")]
    segments = _segments(interchange(claim_of(e) for e in pm))
    hl = [s for s in segments if s[0] in ("HL", "SBR", "PAT", "CLM")]
    assert [("HL", "1", "", "20", "1"),
            ("HL", "2", "1", "22", "0"), ("SBR", "P", "18", "GRP0001", "", "", "", "", "", "CI"),
            ("CLM", "V20250106A", "185.00", "", "", "11:B:1", "Y", "A", "Y", "Y"),
            ("HL", "3", "1", "22", "1"), ("SBR", "P", "", "GRP0002", "", "", "", "", "", "12"),
            ("HL", "4", "3", "23", "0"), ("PAT", "19"),
            ("CLM", "V20250107B", "125.00", "", "", "11:B:1", "Y", "A", "Y", "Y")] == hl


def test_every_line_carries_its_control_number() -> None:
    """REF*6R: the line's id when it has one (C9001 …), else "<encounter id>-<line number>"."""
    encounters_ = _sample_encounters()
    pm = encounters_[0]
    no_ids = pm.__class__(**{**{f: getattr(pm, f) for f in pm.__struct_fields__},
                             "lines": tuple(line.__class__(**{**{f: getattr(line, f) for f in
                                                                 line.__struct_fields__}, "id": ""})
                                            for line in pm.lines)})
    assert ["C9001", "C9002"] == [line.line_item_control_number for line in claim_of(pm).lines]
    assert ["V20250106A-1", "V20250106A-2"] == [line.line_item_control_number for line in claim_of(no_ids).lines]
    segments = _segments(interchange(claim_of(e) for e in encounters_))
    assert sum(1 for s in segments if s[0] == "LX") == sum(1 for s in segments if s[:2] == ("REF", "6R"))


def test_transactions_hold_one_billing_provider_and_at_most_n_claims() -> None:
    encounters_ = _sample_encounters()          # 3 from the practice, 2 from the hospital, 2 JSONL
    claims = [claim_of(e) for e in encounters_]
    from claims.support import RECEIVER, SUBMITTER
    from datetime import datetime
    made = list(transactions(claims, submitter=SUBMITTER, receiver=RECEIVER, created=datetime(2026, 6, 15, 9, 30),
                             max_claims=2, batch_id="B"))
    for t in made:
        assert 1 <= len(t.claims) <= 2
        assert len({c.billing_provider for c in t.claims}) == 1
        assert len({type(c) for c in t.claims}) == 1
    assert sorted(c.patient_control_number for c in claims) == sorted(
        c.patient_control_number for t in made for c in t.claims)
    assert [f"B{n:04d}" for n in range(1, len(made) + 1)] == [t.originator_id for t in made]


def test_a_dependent_without_a_subscriber_is_refused() -> None:
    from edi.errors import EdiError
    enc = _sample_encounters()[1]
    cov = enc.coverages[0]
    broken = enc.__class__(**{**{f: getattr(enc, f) for f in enc.__struct_fields__},
                              "coverages": (cov.__class__(**{**{f: getattr(cov, f) for f in cov.__struct_fields__},
                                                              "subscriber": None}),)})
    with pytest.raises(EdiError, match="names no subscriber"):
        claim_of(broken)


def test_icd10_codes_are_written_without_their_dot_and_totals_are_summed() -> None:
    enc = _sample_encounters()[0]
    dotted = enc.__class__(**{**{f: getattr(enc, f) for f in enc.__struct_fields__},
                              "diagnoses": tuple(d.__class__(code=d.code[:3] + "." + d.code[3:])
                                                 for d in enc.diagnoses)})
    claim = claim_of(dotted)
    assert ("J020", "R509") == claim.diagnoses
    assert Decimal("185.00") == claim.total_charge
    assert date(2025, 1, 6) == claim.lines[0].service_date


def test_interleaved_providers_go_out_early_rather_than_pile_up() -> None:
    """With claims of three billing providers interleaved and at most 5 held, the largest group goes out each
    time 5 wait: memory stays at 5 claims, transactions stay one provider each, no claim is lost."""
    from datetime import datetime

    from claims.support import RECEIVER, SUBMITTER
    from edi.synth._encounters import BLOCK, synth_encounters
    encounters_ = list(synth_encounters(BLOCK * 3, 7, as_of=date(2026, 6, 15)))
    blocks = [encounters_[n * BLOCK:(n + 1) * BLOCK] for n in range(3)]
    assert 3 == len({b[0].billing_provider for b in blocks})
    interleaved = [claim_of(e) for triple in zip(*blocks) for e in triple]
    made = list(transactions(interleaved, submitter=SUBMITTER, receiver=RECEIVER,
                             created=datetime(2026, 6, 15, 9, 30), max_claims=4, max_held=5))
    assert all(len({c.billing_provider for c in t.claims}) == 1 and len(t.claims) <= 4 for t in made)
    assert sorted(c.patient_control_number for c in interleaved) == sorted(
        c.patient_control_number for t in made for c in t.claims)
    assert 2 == len(made[0].claims)          # 5 held (2 + 2 + 1): the first group of 2 went out
