"""edi diff: claim-by-claim changes with the X12 place each field holds (expected values read off the files by
hand), nothing reported between a file and itself over the whole corpus, and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CORPUS, SAMPLES
from edi.cli import cli
from edi.errors import EdiError
from edi.inspect._diff import DiffSummary, diff_files
from edi.synth import write_synth

SAMPLE = SAMPLES / "837p-office-visits.x12"


def _changed_sample(tmp_path: Path) -> Path:
    """The sample with a new ISA13, PCN1002's CLM02 125 → 150 and its one line 99213 → 99214 at 150."""
    text = SAMPLE.read_text()
    text = text.replace("000001001", "000001002").replace("CLM*PCN1002*125*", "CLM*PCN1002*150*", 1)
    start = text.index("CLM*PCN1002")
    line = text.index("SV1*HC:99213*125*", start)
    text = text[:line] + text[line:].replace("SV1*HC:99213*125*", "SV1*HC:99214*150*", 1)
    out = tmp_path / "resubmitted.x12"
    out.write_text(text)
    return out


def test_changes_name_the_field_and_its_x12_place(tmp_path: Path) -> None:
    summary = DiffSummary()
    changes = [c.as_dict() for c in diff_files(SAMPLE, _changed_sample(tmp_path), summary)]
    assert changes == [
        {"kind": "changed", "claim": "837P claim PCN1002", "path": "total_charge", "holds": "CLM02",
         "old": "125", "new": "150"},
        {"kind": "changed", "claim": "837P claim PCN1002", "path": "lines[6R 1002L1].procedure_code",
         "holds": "SV101-2 / SV202-2", "old": "99213", "new": "99214"},
        {"kind": "changed", "claim": "837P claim PCN1002", "path": "lines[6R 1002L1].charge",
         "holds": "SV102 / SV203", "old": "125", "new": "150"}]
    assert (summary.changed, summary.added, summary.removed, summary.unchanged) == (1, 0, 0, 2)
    assert summary.controls["ISA13/ST02"] == (["000001001/0001"], ["000001002/0001"])


def test_claims_added_and_removed(tmp_path: Path) -> None:
    a, b = tmp_path / "a.x12", tmp_path / "b.x12"
    with a.open("wb") as fa, b.open("wb") as fb:
        write_synth("837p", 4, 1, fa)
        write_synth("837p", 6, 1, fb)     # the same seed: the first claims agree, the file goes on
    summary = DiffSummary()
    changes = list(diff_files(a, b, summary))
    kinds = {c.kind for c in changes}
    assert summary.added >= 2 and summary.added + summary.unchanged + summary.changed == 6
    assert summary.removed + summary.unchanged + summary.changed == 4
    assert "added" in kinds


@pytest.mark.corpus
def test_a_file_has_no_changes_from_itself() -> None:
    read = 0
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or path.suffix in (".md", ".tsv"):
            continue
        summary = DiffSummary()
        try:
            changes = list(diff_files(path, path, summary))
        except EdiError:
            continue
        assert changes == [] and not summary.differs, path
        read += summary.unchanged > 0
    assert read > 50


def test_command_exit_codes_and_formats(tmp_path: Path) -> None:
    changed = _changed_sample(tmp_path)
    same = CliRunner().invoke(cli, ["diff", str(SAMPLE), str(SAMPLE)])
    assert same.exit_code == 0 and "0 claim(s) changed, 0 added, 0 removed, 3 unchanged" in same.output
    text = CliRunner().invoke(cli, ["diff", str(SAMPLE), str(changed)])
    assert text.exit_code == 1
    assert "  ~ total_charge (CLM02): 125 → 150" in text.output
    assert "envelopes (ISA13/ST02): 000001001/0001 → 000001002/0001" in text.output
    doc = json.loads(CliRunner().invoke(cli, ["diff", str(SAMPLE), str(changed), "--format", "json"]).output)
    assert doc["summary"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 2}
    bad = tmp_path / "bad.x12"
    bad.write_text("not x12")
    broken = CliRunner().invoke(cli, ["diff", str(SAMPLE), str(bad)])
    assert broken.exit_code == 2 and "expected an ISA interchange header" in broken.output
    assert "Traceback" not in broken.output
