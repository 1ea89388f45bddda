"""`edi claims secondary`: the next payer's 837 from the primary's posted 835 — 2320 (SBR, claim-level CAS, AMT*D),
2330A/B, each line's 2430 (SVD, CAS, DTP*573) — through `edi claims build` (scrubbed, batched, checked, recorded);
it balances (our SNIP 3 COB rule) and pyx12 accepts it; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyx12_errors import pyx12_errors

from edi.claims._batch import BuildOptions, build
from edi.claims._receivers import load_receiver
from edi.cli import cli
from edi.ledger import Ledger
from edi.posting import post_file
from edi.posting._secondary import build_secondaries
from edi.validate import validate
from edi.x12 import tokenize
from tests.posting.era import interchange

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2025, 3, 5)


def _era(bpr02: str, trace: str, clp: list[str]) -> list[str]:
    return [f"BPR*I*{bpr02}*C*ACH*CCP*01*999999992*DA*1234567*1999999999**01*999999991*DA*7654321*20250301",
            f"TRN*1*{trace}*1999999999", "N1*PR*EXAMPLE HEALTH PLAN*XV*EXHP1", "N3*PO BOX 1",
            "N4*SPRINGFIELD*IL*62705", "PER*BL*EDI*TE*8005550198", "N1*PE*EXAMPLE FAMILY PRACTICE*XX*1234567893",
            "LX*1", *clp]


# J20250110A (samples/encounters/encounters.jsonl): 99213-25 125.00 (line C9101) and 11102 160.00 (C9102), billed
# to EXHP1, then EXBLUE. EXHP1's 835, by hand:
#   99213: 125 = 80 paid + CO-45 25 + PR-2 20 (coinsurance);  11102: 160 = 100 + CO-45 40 + PR-1 20 (deductible)
#   claim-level CO-253 3.60 (sequestration): CLP04 = 80 + 100 − 3.60 = 176.40; CLP03 285 = 176.40 + 3.60 + 25 + 20
#   + 40 + 20 ✓; BPR02 = 176.40.
PAID = _era("176.4", "SECTRACE1", [
    "CLP*J20250110A*1*285*176.4*40*12*EXHP1CLM1*11*1", "CAS*CO*253*3.6", "NM1*QC*1*ROE*ANNA****MI*FAKE00000010",
    "SVC*HC:99213:25*125*80", "DTM*472*20250110", "CAS*CO*45*25", "CAS*PR*2*20", "REF*6R*C9101",
    "SVC*HC:11102*160*100", "DTM*472*20250110", "CAS*CO*45*40", "CAS*PR*1*20", "REF*6R*C9102"])
# The same claim crossed over by EXHP1 to EXBLUE (CLP02 19, NM1*TT): no secondary to build.
CROSSED = _era("176.4", "SECTRACE2", [
    "CLP*J20250110A*19*285*176.4*40*12*EXHP1CLM1*11*1", "CAS*CO*253*3.6", "NM1*QC*1*ROE*ANNA****MI*FAKE00000010",
    "NM1*TT*2*EXAMPLE BLUE PLAN*****PI*EXBLUE",
    "SVC*HC:99213:25*125*80", "DTM*472*20250110", "CAS*CO*45*25", "CAS*PR*2*20", "REF*6R*C9101",
    "SVC*HC:11102*160*100", "DTM*472*20250110", "CAS*CO*45*40", "CAS*PR*1*20", "REF*6R*C9102"])


def _options() -> BuildOptions:
    return BuildOptions(load_receiver("example-clearinghouse"), AS_OF)


@pytest.fixture(params=["derived", "mrn"])
def primary_sent(request: pytest.FixtureRequest, ledger: Ledger, tmp_path: Path) -> tuple[Ledger, Path]:
    """J20250110A sent to EXHP1; with "mrn" the patient is keyed by a medical record number, so the primary's
    lines are the same services for the duplicate edit (which must let the secondary through: COB)."""
    first = (ROOT / "samples" / "encounters" / "encounters.jsonl").read_text().splitlines()[0]
    if request.param == "mrn":
        first = first.replace('"id":"J20250110A",', '"id":"J20250110A","medical_record_number":"MRN-J1",')
        assert "MRN-J1" in first
    source = tmp_path / "j.jsonl"
    source.write_text(first + "\n")
    summary = build([source], tmp_path / "primary", ledger, _options())
    assert (1, 0) == (summary.batched, summary.held), summary.as_dict()
    return ledger, tmp_path


def _post(ledger: Ledger, tmp_path: Path, body: list[str]) -> None:
    path = tmp_path / "era.835"
    path.write_bytes(interchange(body))
    result = post_file(ledger, path)
    assert ("posted", 1, 0) == (result.eras[0].status, result.eras[0].matched, result.eras[0].exceptions), \
        result.eras[0].findings


def _segments(path: Path) -> list[str]:
    return ["*".join(s.elements) for s in tokenize(path.read_bytes())]


def test_the_secondary_carries_the_primary_adjudication_and_balances(primary_sent: tuple[Ledger, Path]) -> None:
    ledger, tmp_path = primary_sent
    _post(ledger, tmp_path, PAID)
    result = build_secondaries(ledger, tmp_path / "secondary", _options())
    assert (1, ["J20250110A"], []) == (result.candidates, result.encounters, result.skipped)
    assert result.build is not None and (1, 0, 0) == (result.build.batched, result.build.held, result.build.invalid)
    [written] = result.build.files
    path = Path(written.file) if Path(written.file).is_absolute() else tmp_path / "secondary" / written.file
    segs = _segments(path)
    # billed to EXBLUE now (2010BB), the subscriber MARK ROE (the patient's spouse), SBR01 S
    assert "NM1*PR*2*EXAMPLE BLUE PLAN*****PI*EXBLUE" in segs
    sbr = [s for s in segs if s.startswith("SBR*")]
    assert sbr[0].startswith("SBR*S*") and sbr[1].startswith("SBR*P*18*")   # 2000B, then 2320 (EXHP1, self)
    # 2320: claim-level CAS CO-253 3.60 and AMT*D = CLP04 176.40; 2330B names EXHP1
    k = segs.index(sbr[1])
    assert ["SBR*P*18*GRP0004******CI", "CAS*CO*253*3.60", "AMT*D*176.40"] == segs[k:k + 3]
    # 2330B names EXHP1, with DTP*573 (the remittance date, BPR16)
    m = segs.index("NM1*PR*2*EXAMPLE HEALTH PLAN*****PI*EXHP1")
    assert "DTP*573*D8*20250301" == segs[m + 1]
    # 2430 per line: SVD paid, its CAS, DTP*573 = BPR16 2025-03-01
    i = segs.index(next(s for s in segs if s.startswith("SVD*EXHP1*80.00*")))
    assert ["SVD*EXHP1*80.00*HC:99213:25**1", "CAS*CO*45*25.00", "CAS*PR*2*20.00",
            "DTP*573*D8*20250301"] == segs[i:i + 4]
    j = segs.index(next(s for s in segs if s.startswith("SVD*EXHP1*100.00*")))
    assert ["SVD*EXHP1*100.00*HC:11102**1", "CAS*CO*45*40.00", "CAS*PR*1*20.00", "DTP*573*D8*20250301"] == segs[j:j + 4]
    assert [] == [(f.code, f.message) for f in validate(path, snips=(1, 2, 3, 4, 5), jobs=1).errors]
    assert [] == pyx12_errors(str(path))
    # recorded: run again, nothing is left to bill
    again = build_secondaries(ledger, tmp_path / "secondary2", _options())
    assert (0, [], None) == (again.candidates, again.encounters, again.build)


def test_a_crossed_over_claim_is_skipped_with_its_reason(primary_sent: tuple[Ledger, Path]) -> None:
    ledger, tmp_path = primary_sent
    _post(ledger, tmp_path, CROSSED)
    result = build_secondaries(ledger, tmp_path / "secondary", _options())
    assert 1 == result.candidates and result.build is None
    assert ["J20250110A"] == [s.split(" ")[0] for s in result.skipped]
    assert "crossed over by payer EXHP1" in result.skipped[0]


def test_nothing_posted_nothing_to_build_and_the_command_says_so(db_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["claims", "secondary", "--db", db_url, "--out", str(tmp_path / "s")])
    assert (0, "0 claim(s) with a next payer: 0 to build, 0 skipped\n") == (result.exit_code, result.output)
