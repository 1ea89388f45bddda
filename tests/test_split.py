"""edi split / merge: envelopes rebuilt (new ISA13s, GS06s, ST02s, counted trailers), claims unchanged (checked
with edi diff's claim comparison), split files as clean as the original over the corpus, refusals explained."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SAMPLES, corpus_files, corpus_id
from edi.cli import cli
from edi.errors import EdiError
from edi.inspect._diff import DiffSummary, diff_files
from edi.split import SplitError, merge, split
from edi.validate import validate
from edi.x12 import tokenize

P837 = SAMPLES / "837p-office-visits.x12"
R835 = SAMPLES / "835-remittance.x12"
I837 = SAMPLES / "837i-inpatient.x12"


def _same_claims(a: Path, b: Path) -> DiffSummary:
    summary = DiffSummary()
    assert list(diff_files(a, b, summary)) == []
    return summary


def _clean(path: Path) -> bool:
    report = validate(path, jobs=1)
    return report.fatal is None and not report.errors


def test_split_by_claim_then_merge_gives_the_claims_back(tmp_path: Path) -> None:
    parts = split(P837, tmp_path / "parts", "claim")
    assert [w.claims for w in parts] == [1, 1, 1]                      # the sample holds PCN1001-PCN1003
    assert len({w.interchange for w in parts}) == 3                   # a new ISA13 each
    assert all(w.path.name.endswith(f".{w.interchange}.x12") and _clean(w.path) for w in parts)
    merged = merge([w.path for w in parts], tmp_path / "merged.x12")
    assert (merged.transactions, merged.claims) == (3, 3)
    assert _same_claims(P837, merged.path).unchanged == 3 and _clean(merged.path)
    segments = list(tokenize(merged.path.read_bytes()))
    assert [s.elements[2] for s in segments if s.id == "ST"] == ["0001", "0002", "0003"]   # renumbered in the GS
    assert [s.id for s in segments].count("GS") == 1 and [s.id for s in segments].count("ISA") == 1
    again = split(merged.path, tmp_path / "again", "transaction")
    assert [w.claims for w in again] == [1, 1, 1] and all(_clean(w.path) for w in again)


@pytest.mark.parametrize("path", [P837, I837, R835], ids=lambda p: p.name)
def test_split_by_payer_and_transaction_keep_everything(path: Path, tmp_path: Path) -> None:
    for by in ("payer", "transaction"):
        written = split(path, tmp_path / by, by)
        assert len(written) == 1 and _clean(written[0].path)
        assert _same_claims(path, written[0].path).unchanged == written[0].claims > 0


def test_an_835_is_not_split_by_claim(tmp_path: Path) -> None:
    with pytest.raises(SplitError, match=r"share one payment \(BPR02\).*split an 835 by transaction or payer"):
        split(R835, tmp_path, "claim")


def test_merging_different_parties_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.x12"
    other.write_text(P837.read_text().replace("*ZZ*EXAMPLECH      *", "*ZZ*OTHERCH        *", 1))
    with pytest.raises(SplitError, match=r"other\.x12: ISA receiver id is 'OTHERCH' where the first is 'EXAMPLECH'"):
        merge([P837, other], tmp_path / "m.x12")
    assert not (tmp_path / "m.x12").exists() and not list(tmp_path.glob("*.part"))


VALID = [p for p in corpus_files("837p", "837i", "835") if _clean(p)]


@pytest.mark.corpus
@pytest.mark.parametrize("path", VALID, ids=corpus_id)
def test_corpus_files_split_as_cleanly_as_they_are(path: Path, tmp_path: Path) -> None:
    try:
        written = split(path, tmp_path, "transaction")
    except EdiError as exc:          # a TA1 or a stray segment: refused with the reason
        assert "only transaction sets are split" in str(exc)
        return
    assert written and all(_clean(w.path) for w in written), [w.path.name for w in written]
    summary = DiffSummary()
    merged = merge([w.path for w in written], tmp_path / "merged.x12")
    assert list(diff_files(path, merged.path, summary)) == [] and _clean(merged.path)


def test_commands(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["split", str(P837), "--by", "claim", "--out", str(tmp_path / "p")])
    assert result.exit_code == 0 and result.output.count("wrote ") == 3
    files = sorted((tmp_path / "p").glob("*.x12"))
    merged = CliRunner().invoke(cli, ["merge", *map(str, files), "-o", str(tmp_path / "m.x12")])
    assert merged.exit_code == 0 and "3 transaction(s), 3 claim(s)" in merged.output
    refused = CliRunner().invoke(cli, ["split", str(R835), "--by", "claim", "--out", str(tmp_path / "q")])
    assert refused.exit_code == 2 and "split an 835 by transaction or payer" in refused.output
    assert "Traceback" not in refused.output


@pytest.mark.corpus
def test_every_corpus_file_splits_and_merges_back_or_says_why(tmp_path: Path) -> None:
    """Files with findings too: split by transaction and merged back, the claims are the original's."""
    done = 0
    for n, path in enumerate(corpus_files("837p", "837i", "835")):
        try:
            written = split(path, tmp_path / str(n), "transaction")
            merged = merge([w.path for w in written], tmp_path / f"{n}.x12")
        except EdiError as exc:
            assert str(exc) and "Traceback" not in str(exc)
            continue
        assert list(diff_files(path, merged.path, DiffSummary())) == [], path
        done += 1
    assert done >= 55          # all 58 at the time of writing
