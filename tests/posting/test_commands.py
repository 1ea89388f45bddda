"""`edi ledger import` and `edi post` as a user runs them: what they print, their exit codes (0 posted, 1 something
went to the exception queue or was not posted, 2 cannot run), errors as one line, the plan of --dry-run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from edi.cli import cli
from tests.posting.era import ERA_A, ERA_B, GOLDEN_CLAIMS, header, interchange

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"


def _edi(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def _copy(tmp_path: Path, name: str) -> str:
    target = tmp_path / name
    shutil.copyfile(SAMPLES / name, target)
    return str(target)


class TestImport:
    def test_import_then_again_changes_nothing_and_says_so(self, db_url: str, tmp_path: Path) -> None:
        p837 = _copy(tmp_path, "837p-office-visits.x12")
        code, out = _edi("ledger", "import", p837, "--db", db_url)
        assert (0, "837p-office-visits.x12: 3 claims (3 new), 1 submission(s) recorded") == \
            (code, out.strip().split("/")[-1])
        code, out = _edi("ledger", "import", p837, "--db", db_url)
        assert 0 == code and "already imported (3 claims, 1 interchange(s)); nothing changed" in out

    def test_lines_without_ref_6r_get_a_key_from_clm01(self, db_url: str, tmp_path: Path) -> None:
        from edi.ledger import open_ledger
        from edi.posting import derived_line_key, import_837

        text = (SAMPLES / "837p-office-visits.x12").read_text()
        path = tmp_path / "no6r.x12"   # (its SE count is off now: importing does not validate)
        path.write_text("~".join(s for s in text.split("~") if not s.strip().startswith("REF*6R")))
        with open_ledger(db_url) as ledger:
            done = import_837(ledger, path)
            assert done.derived_line_keys > 0
            assert ledger.claims_by_line_control_number(derived_line_key("PCN1001", 1))
        assert "PCN1001#1" == derived_line_key("PCN1001", 1)

    def test_a_file_without_claims_is_one_line_and_exit_2(self, tmp_path: Path) -> None:
        code, out = _edi("ledger", "import", _copy(tmp_path, "835-remittance.x12"), "--db", str(tmp_path / "l.db"))
        assert 2 == code and 1 == len(out.strip().splitlines()) and "no 837 claims" in out


class TestPost:
    def test_sample_835_after_importing_the_sample_837s(self, db_url: str, tmp_path: Path) -> None:
        _edi("ledger", "import", _copy(tmp_path, "837p-office-visits.x12"), _copy(tmp_path, "837i-inpatient.x12"),
             "--db", db_url)
        era = _copy(tmp_path, "835-remittance.x12")
        code, out = _edi("post", era, "--db", db_url, "--dry-run")
        assert 1 == code   # two of its claim payments name claims the samples do not hold: exceptions
        assert "CLP PCN1001 (CLP02 1) → claim #" in out and "by clm01 (1): paid 125.22" in out
        code, out = _edi("post", era, "--db", db_url, "--format", "json")
        [result] = json.loads(out)
        assert (1, "posted", "42.64", "-76") == (code, result["eras"][0]["status"], result["eras"][0]["payment"],
                                                 result["eras"][0]["suspense"])
        code, out = _edi("post", era, "--db", db_url)
        assert 0 == code and "already posted" in out and "nothing changed" in out

    def test_exit_0_when_everything_matches(self, db_url: str, tmp_path: Path) -> None:
        from edi.ledger import open_ledger

        with open_ledger(db_url) as ledger, ledger.transaction() as journal:
            journal.record_encounters(GOLDEN_CLAIMS)
        gold1 = ERA_A[ERA_A.index("CLP*GOLD1*1*120*95*10*12*P1*11*1"):ERA_A.index("CLP*GOLD2*1*150*102.5**12*P2*11*1")]
        e = tmp_path / "e.835"
        e.write_bytes(interchange(header("95", "TRACEE") + gold1))
        code, out = _edi("post", str(e), "--db", db_url)
        assert 0 == code, out
        b = tmp_path / "b.835"
        b.write_bytes(interchange(ERA_B, control="000000778"))
        assert 1 == _edi("post", str(b), "--db", db_url)[0]   # reverses a GOLD5 payment the ledger lacks
        a = tmp_path / "a.835"
        a.write_bytes(interchange(ERA_A, control="000000777"))
        assert 1 == _edi("post", str(a), "--db", db_url)[0]   # UNKNOWN9 goes to the exception queue

    def test_not_an_835_and_a_bad_ledger_url(self, tmp_path: Path) -> None:
        code, out = _edi("post", _copy(tmp_path, "837p-office-visits.x12"), "--db", str(tmp_path / "l.db"))
        assert 1 == code and "ST02 0001: not an 005010X221A1 835, a 999 or a 277CA" in out
        code, out = _edi("post", _copy(tmp_path, "999-ack.x12"), "--db", str(tmp_path / "l.db"))
        assert 1 == code and "AK2 837 0001 of group 1001: no such transaction sent to EXAMPLECH" in out
        code, out = _edi("post", _copy(tmp_path, "835-remittance.x12"), "--db", "nosuch://x")
        assert 2 == code and 1 == len(out.strip().splitlines())


class TestReading:
    def test_report_and_claim_history_after_two_eras(self, db_url: str, tmp_path: Path) -> None:
        from edi.ledger import open_ledger

        with open_ledger(db_url) as ledger, ledger.transaction() as journal:
            journal.record_encounters(GOLDEN_CLAIMS)
        for n, body in enumerate((ERA_A, ERA_B)):
            path = tmp_path / f"{n}.835"
            path.write_bytes(interchange(body, control=f"00000050{n}"))
            _edi("post", str(path), "--db", db_url)
        code, out = _edi("ledger", "report", "--db", db_url, "--format", "json")
        rows = [(r["trace"], r["bpr02"], r["posted"], r["plb"], r["suspense"], r["balanced"]) for r in json.loads(out)]
        assert (0, [("TRACEA", "437.00", "407.50", "-10.50", "40.00", True),
                    ("TRACEB", "75.00", "80.00", "-5.00", "0.00", True)]) == (code, rows)
        code, out = _edi("ledger", "claim", "GOLD5", "--db", db_url)
        assert 0 == code
        assert "CLP02 22 charge -200.00 paid -160.00, matched by clm01 (1.000), reverses payment #" in out
        assert "PLB FB -5.00 (reference P5)" in out
        assert 1 == _edi("ledger", "claim", "NOPE", "--db", db_url)[0]


class TestAcknowledgments:
    def test_999_and_277ca_advance_the_sample_claims(self, db_url: str, tmp_path: Path) -> None:
        from edi.ledger import open_ledger

        _edi("ledger", "import", _copy(tmp_path, "837p-office-visits.x12"), "--db", db_url)
        code, out = _edi("post", _copy(tmp_path, "999-ack.x12"), _copy(tmp_path, "277ca-claim-ack.x12"),
                         "--db", db_url)
        assert 0 == code, out
        assert "999: 3 claim(s) accepted, 0 rejected; recorded 3 new status event(s)" in out
        assert "277CA: 2 claim(s) accepted, 1 rejected; recorded 3 new status event(s)" in out
        with open_ledger(db_url) as ledger:
            ids = {c: ledger.submissions_for_claim(c) and c for c in ("PCN1001", "PCN1002", "PCN1003")}
            assert all(ids.values())
        code, out = _edi("ledger", "claim", "PCN1002", "--db", db_url)
        assert "rejected        A7:164" in out and "A7:164:IL" in out   # STC01 of the sample: invalid information
        code, out = _edi("post", _copy(tmp_path, "277ca-claim-ack.x12"), "--db", db_url)
        assert 0 == code and "nothing changed" in out

    def test_a_rejecting_ta1_rejects_every_claim_of_the_interchange(self, db_url: str, tmp_path: Path) -> None:
        _edi("ledger", "import", _copy(tmp_path, "837p-office-visits.x12"), "--db", db_url)
        ta1 = tmp_path / "ta1.x12"   # the clearinghouse (ISA06 EXAMPLECH) rejects interchange 000001001
        ta1.write_text("ISA*00*          *00*          *ZZ*EXAMPLECH      *ZZ*EXAMPLEFP      *250115*0935*^*00501"
                       "*000004002*0*T*:~TA1*000001001*250115*0930*R*024~IEA*0*000004002~")
        code, out = _edi("post", str(ta1), "--db", db_url)
        assert (0, True) == (code, "TA1: 0 claim(s) accepted, 3 rejected" in out), out
        code, out = _edi("ledger", "claim", "PCN1003", "--db", db_url)
        assert "rejected        TA1 R 024" in out
