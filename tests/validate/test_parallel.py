"""A file checked in parts (every n-th transaction per process, the tokenizer skipping the others' bodies) gives
exactly the report of one pass: same findings in the same order, same transactions, claims and counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLES, corpus_files, corpus_id
from edi.validate import ALL_SNIPS, Report, load_profile, validate
from edi.validate import _parallel
from edi.validate._engine import Validator, finish
from validate.test_mutations import BASES, DEFECTS, inject


def summary(report: Report) -> dict[str, Any]:
    return {"findings": [f.as_dict() for f in report.findings], "segments": report.segments, "fatal": report.fatal,
            "transactions": [(t.transaction.control, t.transaction.segments, t.claims, len(t.findings),
                              {k: (c, [f.code for f in fs]) for k, (c, fs) in t.claim_findings.items()})
                             for t in report.transactions],
            "groups": [id(t.transaction.group) for t in report.transactions],
            "interchanges": [i.control for i in report.interchanges]}


def in_parts(validator: Validator, source: bytes | Path, parts: int) -> Report:
    return finish(validator, [validator.run_part(source, "f", (k, parts)) for k in range(parts)])


def assert_same(validator: Validator, source: bytes | Path) -> None:
    whole = summary(validator.run(source, "f"))
    for parts in (2, 3):
        split = summary(in_parts(validator, source, parts))
        # one group object per GS in both: compare the pattern of which transactions share a group
        assert [whole["groups"].index(g) for g in whole["groups"]] == [split["groups"].index(g) for g in split["groups"]]
        whole_rest = {k: v for k, v in whole.items() if k != "groups"}
        assert whole_rest == {k: v for k, v in split.items() if k != "groups"}, f"{parts} parts"


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_mutated_files_give_the_same_report_in_parts(defect: Any) -> None:
    profiles = [load_profile(defect.payer)] if defect.payer else []
    assert_same(Validator(ALL_SNIPS, profiles), inject(defect))


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files(), ids=corpus_id)
def test_corpus_files_give_the_same_report_in_parts(path: Path) -> None:
    assert_same(Validator(ALL_SNIPS), path)


def test_duplicate_trace_number_is_found_across_parts() -> None:
    """The 835 trace number rule compares transactions that different processes checked."""
    text = BASES["835"].replace("TRN*1*B", "TRN*1*")
    report = in_parts(Validator(ALL_SNIPS), text.encode("latin-1"), 2)
    hits = [f for f in report.findings if f.code == "snip4.trace.duplicate"]
    assert [("0002", "TRN", "TRN02")] == [(f.location.control[2], f.location.segment_id, f.location.element) for f in hits]
    assert "already used by transaction 0001" in hits[0].message


def test_big_files_are_split_across_forked_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """validate() forks for a file over the split size; the result equals one pass."""
    path = tmp_path / "two.x12"
    path.write_bytes(inject(next(d for d in DEFECTS if d.base == "837p" and d.snip == 3)))
    monkeypatch.setattr(_parallel, "SPLIT_BYTES", 1)
    assert _parallel.parts_for(path, 2) == 2
    assert _parallel.parts_for(path, 1) == 1
    assert _parallel.parts_for(path.read_bytes(), 2) == 1  # bytes are checked in one pass
    forked = validate(path, jobs=2)
    assert summary(forked)["findings"] and summary(forked)["findings"] == summary(validate(path, jobs=1))["findings"]


def test_small_files_are_checked_in_one_process() -> None:
    assert _parallel.parts_for(SAMPLES / "837p-office-visits.x12", None) == 1
