"""The cycle on one encounter, with its dollars worked out by hand from the payer profile; the same inputs and
seed give the same files; the correction rules fix the bundled samples' deliberate errors they know."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest

from edi.claims.encounter import Encounter
from edi.claims.scrub import References, scrub_one
from edi.cycle import CycleOptions, run_cycle
from edi.cycle._corrections import Authorizations, correct, load_rules
from edi.errors import MappingError
from edi.ledger import open_ledger

SAMPLES = Path(__file__).parents[2] / "samples" / "cycle"


def sample(*ids: str) -> list[Encounter]:
    found = [msgspec.json.decode(line, type=Encounter) for line in (SAMPLES / "encounters.jsonl").read_bytes()
             .splitlines() if any(f'"id":"{i}"'.encode() in line for i in ids)]
    assert len(found) == len(ids)
    return found


def jsonl(path: Path, encounters: list[Encounter]) -> Path:
    path.write_bytes(b"".join(msgspec.json.encode(e) + b"\n" for e in encounters))
    return path


def test_one_medicaid_visit_by_hand(tmp_path: Path) -> None:
    """E000020000126: a 99213 (charge 125.00) on Thursday 2025-08-14 billed to EXMCD. example-medicaid.toml: fee 60.76,
    no deductible, no coinsurance, copay 4.00 at place of service 11 on a 992* code. So CO-45 = 125.00 - 60.76
    = 64.24, PR-3 = 4.00, paid = 60.76 - 4.00 = 56.76; the patient's statement says 4.00."""
    inputs = jsonl(tmp_path / "one.jsonl", sample("E000020000126"))
    with open_ledger(str(tmp_path / "one.db")) as ledger:
        summary = run_cycle([inputs], ledger, CycleOptions(tmp_path / "out", seed=1, roster=SAMPLES / "roster.csv"))
    total = summary.total()
    assert (total["charged"], total["paid_amount"], total["adjusted"], total["patient"]) == \
        (Decimal("125.00"), Decimal("56.76"), Decimal("64.24"), Decimal("4.00"))
    assert (total["encounters"], total["batched"], total["accepted"], total["paid"]) == (1, 1, 1, 1)
    assert summary.outcomes == {"E000020000126": "paid"} and summary.owed_by_patients == Decimal("4.00")
    assert summary.start == date(2025, 8, 18)       # the Monday after the visit
    assert (tmp_path / "out" / "week-01" / "claims" / "encounters.jsonl").exists()


def content(path: Path, folder: Path) -> bytes:
    """A file's bytes; a manifest's with the input's path (which names the run's own folder) left out."""
    return path.read_bytes().replace(str(folder).encode(), b"<out>") if path.name == "manifest.json" \
        else path.read_bytes()


def test_same_inputs_and_seed_give_the_same_files(tmp_path: Path) -> None:
    encounters = sample("E000020000126", "E000020000239", "E000020000061", "H000020000002")
    inputs = jsonl(tmp_path / "in.jsonl", encounters)
    digests = []
    for run in ("a", "b"):
        with open_ledger(str(tmp_path / f"{run}.db")) as ledger:
            summary = run_cycle([inputs], ledger, CycleOptions(tmp_path / run, seed=5, roster=SAMPLES / "roster.csv"))
        files = sorted(p for p in (tmp_path / run).rglob("*") if p.is_file())
        digests.append({str(p.relative_to(tmp_path / run)): hashlib.sha256(content(p, tmp_path / run)).hexdigest()
                        for p in files})
        assert summary.total()["batched"] >= 4
    assert digests[0] == digests[1]


FIXED = {"coding.dx_pointer.range", "coding.dx_pointer.principal", "coverage.prior_auth.missing",
         "billing.frequency.original_missing", "coding.modifier25.missing"}


def test_the_rules_fix_the_samples_deliberate_errors_they_know() -> None:
    rules, auths = load_rules(), Authorizations.read(SAMPLES / "authorizations.csv")
    refs = References.for_run(date(2025, 10, 1))
    wanted = [msgspec.json.decode(line, type=Encounter) for line in (SAMPLES / "encounters.jsonl").read_bytes()
              .splitlines() if any(code.encode() in line for code in FIXED)]
    wanted = [e for e in wanted if e.expected_edit in FIXED]
    assert len(wanted) >= 5
    for enc in wanted:
        errors = [f for f in scrub_one(enc, refs) if f.is_error]
        assert enc.expected_edit in {f.code for f in errors}, enc.id
        done = correct(enc, errors, rules, auths)
        assert done is not None, enc.id
        assert not [f for f in scrub_one(done[0], refs) if f.is_error], enc.id
        if enc.expected_edit == "coverage.prior_auth.missing":   # the number the payer issued (the CSV's row)
            rows = (SAMPLES / "authorizations.csv").read_text().splitlines()
            assert any(f",{enc.billed.member_id}," in r and r.split(",")[3] == done[0].prior_authorization
                       for r in rows), enc.id


def test_a_finding_without_a_rule_is_not_corrected() -> None:
    (enc,) = sample("E000020000126")
    refs = References.for_run(date(2025, 10, 1))
    broken = msgspec.structs.replace(enc, diagnoses=(msgspec.structs.replace(enc.diagnoses[0], code="J0690"),
                                                     *enc.diagnoses[1:]))
    errors = [f for f in scrub_one(broken, refs) if f.is_error]
    assert [f.code for f in errors] == ["coding.icd10.invalid"]
    assert correct(broken, errors, load_rules(), Authorizations()) is None


def test_a_bad_rule_is_a_located_error(tmp_path: Path) -> None:
    bad = tmp_path / "corrections.toml"
    bad.write_text('[[rule]]\nfinding = "coding.mue"\nfix = "guess"\n', encoding="utf-8")
    with pytest.raises(MappingError, match=r"rule\[0\]\.fix.*'guess' is no fix"):
        load_rules(bad)


def test_a_flagged_diagnosis_pointer_is_recoded() -> None:
    """E000020000126 (one 99213, diagnoses L72.3 and R73.03, pointers 1, 2) with its line pointing also to a third
    diagnosis it does not have, or only to the second: each is held (coding.dx_pointer.range / .principal) and
    fixed by its rule, the principal first."""
    (enc,) = sample("E000020000126")
    refs, rules = References.for_run(date(2025, 10, 1)), load_rules()
    assert len(enc.diagnoses) == 2 and enc.lines[0].diagnosis_pointers == (1, 2)
    for code, pointers, fixed in (("coding.dx_pointer.range", (1, 2, 3), (1, 2)),
                                  ("coding.dx_pointer.principal", (2,), (1, 2))):
        wrong = msgspec.structs.replace(enc, lines=(msgspec.structs.replace(enc.lines[0],
                                                                            diagnosis_pointers=pointers),))
        errors = [f for f in scrub_one(wrong, refs) if f.is_error]
        assert [f.code for f in errors] == [code]
        done = correct(wrong, errors, rules, Authorizations())
        assert done is not None and done[1] == (code,) and done[0].lines[0].diagnosis_pointers == fixed
        assert not [f for f in scrub_one(done[0], refs) if f.is_error], code
