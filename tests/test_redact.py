"""edi redact: PHI replaced (checked against the sample files' own values), claims still matching their ERA
after redaction, the same validation findings as the original over the corpus apart from the segments changed,
and valid files staying valid for us and pyx12."""

from __future__ import annotations

import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CORPUS, SAMPLES
from edi.cli import cli
from edi.errors import EdiError, MappingError
from edi.redact import redact, rules
from edi.validate import validate
from edi.x12 import tokenize
from pyx12_errors import pyx12_errors

P837 = SAMPLES / "837p-office-visits.x12"
I837 = SAMPLES / "837i-inpatient.x12"
R835 = SAMPLES / "835-remittance.x12"
# PHI of the samples, read off the files: the subscriber's name, member id, street, ZIP, birth date, the claim
# numbers and line control numbers (dates: below, since a shifted date may equal another patient's).
SAMPLE_PHI = ["DOE", "JANE", "FAKE00000001", "1 TEST LANE", "62704", "19800101", "PCN1001", "PCN1002", "1001L1"]


def _redacted(path: Path, key: bytes = b"key") -> bytes:
    out = io.BytesIO()
    redact(path, out, key=key)
    return out.getvalue()


def _elements(data: bytes, seg_id: str, qualifier: str | None = None) -> list[tuple[str, ...]]:
    return [s.elements for s in tokenize(data) if s.id == seg_id and (qualifier is None or s.elements[1] == qualifier)]


def test_the_samples_phi_is_gone_and_the_rest_kept() -> None:
    original, redacted = P837.read_bytes(), _redacted(P837)
    for value in SAMPLE_PHI:
        assert value.encode() in original and value.encode() not in redacted, value
    before, after = list(tokenize(original)), list(tokenize(redacted))
    assert [s.id for s in before] == [s.id for s in after]                       # structure and counts
    for seg_id in ("ISA", "GS", "ST", "SE", "HI", "SV1", "NM1"):                 # provider NM1s (85, 82) kept
        kept = [s.elements for s in before if s.id == seg_id and s.elements[1:2] not in (("IL",), ("QC",))]
        assert kept == [s.elements for s in after if s.id == seg_id and s.elements[1:2] not in (("IL",), ("QC",))]
    dates = [(a.elements[3], b.elements[3]) for a, b in zip(before, after) if a.id == "DTP"]
    assert dates and all(old != new for old, new in dates)                     # every claim and line date moved
    zips = [s.elements[3] for s in after if s.id == "N4" and s.elements[3].startswith("627")]
    assert "62700" in zips                                                       # first three digits kept


@pytest.mark.parametrize("path", [P837, I837, R835], ids=lambda p: p.name)
def test_valid_files_stay_valid(path: Path, tmp_path: Path) -> None:
    out = tmp_path / path.name
    out.write_bytes(_redacted(path))
    report = validate(out, jobs=1)
    assert report.fatal is None and not report.errors
    assert [] == pyx12_errors(str(out))


def test_a_claim_still_matches_its_remittance() -> None:
    claims = _redacted(P837, b"shared")
    remit = _redacted(R835, b"shared")
    def pairs(original: Path, redacted: bytes, seg_id: str, at: int, qualifier: str | None = None) -> dict[str, str]:
        return {a[at]: b[at] for a, b in zip(_elements(original.read_bytes(), seg_id, qualifier),
                                             _elements(redacted, seg_id, qualifier))}

    clm01, clp01 = pairs(P837, claims, "CLM", 1), pairs(R835, remit, "CLP", 1)
    common = clm01.keys() & clp01.keys()            # the claims the 835 pays: PCN1001, PCN1003
    assert common and all(clm01[k] == clp01[k] != k for k in common)
    lines_837, lines_835 = pairs(P837, claims, "REF", 2, "6R"), pairs(R835, remit, "REF", 2, "6R")
    assert lines_837.keys() & lines_835.keys()
    assert all(lines_837[k] == lines_835[k] != k for k in lines_837.keys() & lines_835.keys())
    # PCN1001's service date 2025-01-06 is in the 837 (DTP*472) and the 835 (DTM*472): shifted alike
    shifted_837 = {e[3] for e in _elements(claims, "DTP", "472")}
    shifted_835 = {e[2] for e in _elements(remit, "DTM", "472")}
    assert shifted_837 & shifted_835 and "20250106" not in shifted_837 | shifted_835
    assert all("20241206" <= d < "20250106" for d in shifted_837 & shifted_835)   # 1-30 days back


def test_replacements_follow_the_key() -> None:
    assert _redacted(P837, b"a") == _redacted(P837, b"a")
    assert _redacted(P837, b"a") != _redacted(P837, b"b")


@pytest.mark.corpus
def test_findings_are_the_originals_apart_from_the_values_replaced() -> None:
    """Every corpus file that reads: the same findings (code, segment) outside the segments redaction changed."""
    redacted = checked = 0
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or path.suffix in (".md", ".tsv"):
            continue
        out, touched = io.BytesIO(), set[int]()
        try:
            redact(path, out, key=b"k", touched=touched)
        except EdiError:
            continue
        redacted += 1
        if path.parent.name in ("837p", "837i", "835", "277ca"):     # the transactions the map covers
            _no_name_id_or_street_left(path.read_bytes(), out.getvalue(), path)
            checked += 1
        before, after = validate(path, jobs=1), validate(out.getvalue(), jobs=1)
        kept = [Counter((f.code, f.location.segment_index) for f in r.findings
                        if f.location.segment_index not in touched) for r in (before, after)]
        assert kept[0] == kept[1], path
        assert (before.fatal is None) == (after.fatal is None), path
    assert redacted >= 200 and checked >= 60


def test_a_bad_map_names_its_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mappings = tmp_path / "mappings"
    shutil.copytree(Path(__file__).parents[1] / "mappings", mappings)
    (mappings / "redact.toml").write_text('[[loops.2300.CLM]]\nelements = { 1 = "nickname" }\n')
    monkeypatch.setenv("EDI_MAPPINGS", str(mappings))
    rules.cache_clear()
    try:
        with pytest.raises(MappingError, match=r"loops\.2300\.CLM\[0\]: unknown kind\(s\) nickname"):
            rules()
    finally:
        rules.cache_clear()


def test_command(tmp_path: Path) -> None:
    out = tmp_path / "r.x12"
    result = CliRunner().invoke(cli, ["redact", str(P837), "-o", str(out), "--key", "s",
                                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stderr)
    assert report["replaced"]["last_name"] == 5 and report["key"] == "given"   # 5 NM1*IL/QC names in the sample
    assert out.read_bytes() == _redacted(P837, b"s")
    copy = tmp_path / "c.x12"
    copy.write_bytes(P837.read_bytes())
    same = CliRunner().invoke(cli, ["redact", str(copy), "-o", str(copy)])
    assert same.exit_code == 2 and "would overwrite the input" in same.output
    assert copy.read_bytes() == P837.read_bytes()
    truncated = tmp_path / "truncated.x12"
    truncated.write_bytes(P837.read_bytes()[:1500])
    cut = CliRunner().invoke(cli, ["redact", str(truncated), "-o", str(tmp_path / "t.x12")])
    assert cut.exit_code == 2 and "file ends inside a segment" in cut.output
    assert not list(tmp_path.glob("t.x12*"))      # no half-redacted file left behind


def _no_name_id_or_street_left(original: bytes, redacted: bytes, path: Path) -> None:
    """Every subscriber's and patient's name and member id (NM1*IL / NM1*QC) and every street of theirs (the N3
    after such an NM1) comes out different — judged from the segments, independently of the redaction map."""
    person = False
    for a, b in zip(tokenize(original), tokenize(redacted)):
        if a.id == "NM1":
            person = a.elements[1] in ("IL", "QC")
            if person:
                for n in (3, 9):
                    if len(a.elements) > n and len(a.elements[n].strip()) > 1:
                        assert b.elements[n] != a.elements[n], (path, a.index, a.elements[n])
        elif a.id == "N3" and person and a.elements[1].strip():
            assert b.elements[1] != a.elements[1], (path, a.index)
        elif a.id in ("HL", "CLM", "CLP", "LX", "SBR", "N1", "ST", "SE", "TS3", "PLB"):
            person = False


def test_providers_only_when_asked(tmp_path: Path) -> None:
    """Kept by default (not PHI); with providers=True the billing and rendering NPIs become other valid NPIs and
    the payer id changes, and the file still validates (SNIP 5 checks the NPIs' check digits)."""
    npis = {s.elements[9] for s in tokenize(P837.read_bytes()) if s.id == "NM1" and s.elements[1] in ("85", "82")}
    kept = _redacted(P837)
    assert all(n.encode() in kept for n in npis)
    out = io.BytesIO()
    counts = redact(P837, out, key=b"k", providers=True)
    assert counts["npi"] == 4 and not any(n.encode() in out.getvalue() for n in npis)   # 85 + three 82s
    assert b"PI*EXHP1" not in out.getvalue()
    path = tmp_path / "providers.x12"
    path.write_bytes(out.getvalue())
    report = validate(path, jobs=1)
    assert not report.errors, [f.message for f in report.errors]
