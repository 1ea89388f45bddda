"""A file's findings from independent tasks (edi.validate._tasks, what the Spark findings table runs): the parts
plus the file-rule task give exactly validate()'s findings — none missing, none twice — on the corpus, on every
injected defect, and where the rules compare transactions that different tasks check."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from collections.abc import Callable
from typing import Any

import pytest

from conftest import corpus_files, corpus_id
from edi.validate import ALL_SNIPS, load_profile, validate, validate_files
from edi.validate._engine import Validator
from edi.validate._tasks import (UNREADABLE, file_rule_findings, interchanges_of, part_findings, reused_interchanges,
                                 whole_findings)
from validate.test_mutations import BASES, DEFECTS, inject


def rows(findings: Any) -> Counter[str]:
    return Counter(repr(sorted(f.as_dict().items())) for f in findings)


def in_tasks(validator: Validator, path: Path, n: int) -> Counter[str]:
    found = [f for k in range(n) for f in part_findings(validator, str(path), k, n)]
    return rows([*found, *file_rule_findings(validator, str(path))])


def assert_same(validator: Validator, path: Path) -> None:
    whole = rows(whole_findings(validator, str(path)))   # validate()'s, and one for a file it cannot read
    for n in (2, 3):
        assert in_tasks(validator, path, n) == whole, f"{n} tasks"


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_injected_defects_give_validates_findings_in_tasks(defect: Any, tmp_path: Path) -> None:
    profiles = [load_profile(defect.payer)] if defect.payer else []
    path = tmp_path / "f.x12"
    path.write_bytes(inject(defect))
    assert_same(Validator(ALL_SNIPS, profiles), path)


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files(), ids=corpus_id)
def test_corpus_files_give_validates_findings_in_tasks(path: Path) -> None:
    assert_same(Validator(ALL_SNIPS), path)


def copies(text: str, count: int, change: Callable[[str, int], str] = lambda body, n: body) -> str:
    """The file's one transaction ``count`` times (ST02/SE02 0001, 0002 …; GE01 the count), ``change(body, n)``
    applied to copy n (1-based)."""
    start, end = text.index("ST*"), text.index("GE*")
    body = text[start:end]
    out = []
    for n in range(1, count + 1):
        lines = [line.replace("*0001", f"*{n:04d}") if line.startswith(("ST*", "SE*")) else line
                 for line in body.split("\n")]
        out.append(change("\n".join(lines), n))
    return text[:start] + "".join(out) + text[end:].replace("GE*1*", f"GE*{count}*")


def one_transaction(base: str) -> str:
    text = BASES[base]
    second = text.index("ST*", text.index("ST*") + 1)
    return text[:second] + text[text.index("GE*"):].replace("GE*2*", "GE*1*")


def test_a_claim_id_used_in_transactions_of_other_tasks(tmp_path: Path) -> None:
    """Four copies of a transaction, each copy's claim ids made its own but its first claim's CLM01 kept: copies
    2, 3 and 4 repeat transaction 0001's PCN1001. In 2 tasks (each half of the file's bytes) 0003 and 0004 are
    checked by another task than 0001: only the file-rule task finds them (and 0002's)."""
    def own_ids(body: str, n: int) -> str:
        return body if n == 1 else body.replace("CLM*PCN", f"CLM*P{n}N").replace(f"CLM*P{n}N1001*", "CLM*PCN1001*")

    path = tmp_path / "dup.x12"
    path.write_text(copies(one_transaction("837p"), 4, own_ids), "latin-1")
    validator = Validator(ALL_SNIPS)
    expected = [f for f in validate(path, jobs=1).findings if f.code == "snip4.claim.clm01_duplicate"]
    assert [f.location.control[2] for f in expected] == ["0002", "0003", "0004"]
    assert all("transaction 0001" in f.message and "'PCN1001'" in f.message for f in expected)
    assert [f for k in range(2) for f in part_findings(validator, str(path), k, 2)
            if f.code == "snip4.claim.clm01_duplicate"] == []
    assert rows(file_rule_findings(validator, str(path))) == rows(expected)
    assert_same(validator, path)


def test_a_trace_number_used_in_transactions_of_other_tasks(tmp_path: Path) -> None:
    text = one_transaction("835")
    path = tmp_path / "trn.x12"
    path.write_text(copies(text, 3), "latin-1")   # one TRN02 for all three payments
    found = [f for f in file_rule_findings(Validator(ALL_SNIPS), str(path))]
    assert [(f.code, f.location.control[2], f.location.element) for f in found] == \
        [("snip4.trace.duplicate", "0002", "TRN02"), ("snip4.trace.duplicate", "0003", "TRN02")]
    assert all("transaction 0001" in f.message for f in found)
    assert_same(Validator(ALL_SNIPS), path)


def test_the_body_separator_finding_is_kept_once_per_interchange(tmp_path: Path) -> None:
    """Every transaction writes composites with '>' under ISA16 ':': each task finds it anew, only the first
    transaction's finding is kept (the one task 0 finds)."""
    text = copies(one_transaction("837p"), 4)
    path = tmp_path / "sep.x12"
    path.write_text(text[:106] + text[106:].replace(":", ">"), "latin-1")
    validator = Validator(ALL_SNIPS)
    separators = [f for k in range(3) for f in part_findings(validator, str(path), k, 3)
                  if f.code == "snip1.envelope.separators"]
    assert [f.location.control[2] for f in separators] == ["0001"]
    assert_same(validator, path)


def test_a_file_that_cannot_be_read_gets_one_located_finding(tmp_path: Path) -> None:
    path = tmp_path / "bad.x12"
    path.write_text("ISA*00*   garbage")
    validator = Validator(ALL_SNIPS)
    (whole,) = whole_findings(validator, str(path))
    assert (whole.code, whole.location.segment_index, whole.location.line) == (UNREADABLE, 0, 1)
    assert "the ISA has 2 element separators" in whole.message and str(path) in whole.message
    parts = [f for k in range(2) for f in part_findings(validator, str(path), k, 2)]
    assert [f.code for f in parts] == [UNREADABLE]     # task 0 says it, once
    assert list(file_rule_findings(validator, str(path))) == []


def test_isa13_reused_across_files_as_edi_validate_finds_it(tmp_path: Path) -> None:
    """Three files, one interchange each; the third reuses the first's ISA13 (same sender and receiver); the
    second holds two interchanges (read past its first segment) and reuses the first's too."""
    text = BASES["837p"]
    isa13 = text[90:99]
    first, second, third = tmp_path / "a.x12", tmp_path / "b.x12", tmp_path / "c.x12"
    first.write_text(text, "latin-1")
    other = text.replace(f"*{isa13}*", "*000000777*", 1).replace(f"IEA*1*{isa13}", "IEA*1*000000777")
    second.write_text(other + "\n" + text, "latin-1")
    third.write_text(text, "latin-1")
    paths = [str(p) for p in (first, second, third)]
    assert [len(list(interchanges_of(p))) for p in paths] == [1, 2, 1]
    found = reused_interchanges(paths)
    reports = validate_files([first, second, third], jobs=1, names=paths)
    expected = {r.file: [f for f in r.findings if f.code == "snip1.envelope.isa13.duplicate"] for r in reports}
    assert {k: rows(v) for k, v in found.items()} == {k: rows(v) for k, v in expected.items() if v}
    assert sorted(found) == [str(second), str(third)]


@pytest.mark.corpus
def test_the_raw_byte_scan_finds_every_value_the_segments_hold() -> None:
    """The file-rule task's fast scan (values found in the raw bytes) holds every CLM01 and TRN03/TRN02 the
    tokenizer reads, under the same transaction — on every corpus file plain enough for it (most of them)."""
    from edi.validate._tasks import _uses_found, _uses_read

    plain = 0
    for path in corpus_files():
        found = _uses_found(str(path))
        if found is not None:
            plain += 1
            assert Counter(_uses_read(str(path))) - Counter(found) == Counter(), path.name
    assert plain > 150
