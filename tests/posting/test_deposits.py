"""`edi ledger deposits FILE.csv` (append-only, idempotent) and the deposit reconciliation of `edi ledger report`:
each deposit matched to ERAs by trace (TRN02) and amount (BPR02), ERAs without deposits, deposits without ERAs;
SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from edi.cli import cli
from edi.ledger import open_ledger
from edi.posting import post_file
from tests.posting.era import ERA_A, ERA_B, GOLDEN_CLAIMS, header, interchange

# ERA A: TRACEA BPR02 437.00; ERA B: TRACEB 75.00; ERA C: TRACEC 40.00 (tests/posting/era.py and below).
ERA_C = header("40", "TRACEC") + ["CLP*GOLD7*1*40*40**12*P7C*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123"]
BANK = ("Date,Amount,Trace,Description\n"
        "2025-03-03,437.00,TRACEA,ACH TEST HEALTH PLAN\n"     # ERA A exactly
        "2025-03-04,74.00,TRACEB,ACH TEST HEALTH PLAN\n"      # ERA B is 75.00: 1.00 off
        "2025-03-05,12.34,TRACEZ,ACH UNKNOWN\n")              # no ERA with this trace; ERA C has no deposit


def _edi(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def test_deposits_load_once_and_reconcile_with_eras(db_url: str, tmp_path: Path) -> None:
    with open_ledger(db_url) as ledger:
        with ledger.transaction() as journal:
            journal.record_encounters(GOLDEN_CLAIMS)
        for n, body in enumerate((ERA_A, ERA_B, ERA_C)):
            path = tmp_path / f"{n}.835"
            path.write_bytes(interchange(body, control=f"00000030{n}"))
            assert "posted" == post_file(ledger, path).eras[0].status
    bank = tmp_path / "bank.csv"
    bank.write_text(BANK)
    assert (0, f"{bank}: 3 new deposit(s) of 3 loaded\n") == _edi("ledger", "deposits", str(bank), "--db", db_url)
    assert (0, f"{bank}: all 3 deposit(s) loaded before; nothing changed\n") == \
        _edi("ledger", "deposits", str(bank), "--db", db_url)
    more = tmp_path / "bank2.csv"      # a later statement overlapping the first: only its new row goes in
    more.write_text("date,amount,trace\n2025-03-05,12.34,TRACEZ\n2025-03-06,40.00,TRACEC\n")
    assert (0, f"{more}: 1 new deposit(s) of 2 loaded\n") == _edi("ledger", "deposits", str(more), "--db", db_url)
    code, out = _edi("ledger", "report", "--db", db_url, "--format", "json")
    doc = json.loads(out)
    dep = doc["deposits"]
    assert [("2025-03-03", "437.00", "TRACEA"), ("2025-03-06", "40.00", "TRACEC")] == \
        [(d["date"], d["amount"], d["trace"]) for d in dep["matched"]]
    assert [("TRACEB", "74.00", "75.00", "-1.00")] == \
        [(d["trace"], d["amount"], d["eras_total"], d["difference"]) for d in dep["differing"]]
    assert ["TRACEZ"] == [d["trace"] for d in dep["deposits_without_eras"]]
    assert [] == dep["eras_without_deposits"]
    # per payer: the three ERAs of TESTHP, BPR02 437 + 75 + 40 = 552
    assert [("TESTHP", 3, "552.00")] == [(p["payer"], p["eras"], p["bpr02"]) for p in doc["payers"]]
    code, out = _edi("ledger", "report", "--db", db_url)
    assert "payer TESTHP: 3 ERA(s), BPR02 552.00, posted 527.50, PLB -15.50, suspense 40.00" in out.splitlines()
    assert ("deposits: 4 loaded, 2 matched to ERAs, 1 with another amount than their ERAs, 1 without ERAs; "
            "0 ERA(s) without a deposit") in out
    with open_ledger(db_url) as ledger, ledger.engine.connect() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("DELETE FROM deposits"))


def test_an_era_without_a_deposit_is_listed(db_url: str, tmp_path: Path) -> None:
    with open_ledger(db_url) as ledger:
        with ledger.transaction() as journal:
            journal.record_encounters(GOLDEN_CLAIMS)
        path = tmp_path / "a.835"
        path.write_bytes(interchange(ERA_A))
        post_file(ledger, path)
    bank = tmp_path / "bank.csv"
    bank.write_text("date,amount,trace\n2025-03-05,12.34,TRACEZ\n")
    _edi("ledger", "deposits", str(bank), "--db", db_url)
    doc = json.loads(_edi("ledger", "report", "--db", db_url, "--format", "json")[1])
    assert [("TRACEA", "437.00")] == [(e["trace"], e["bpr02"]) for e in doc["deposits"]["eras_without_deposits"]]


@pytest.mark.parametrize("row, message", [
    ("03/05/2025,1.00,T1", "row 2: date '03/05/2025': use YYYY-MM-DD"),
    ("2025-03-05,abc,T1", "row 2: amount 'abc': give a number"),
    ("2025-03-05,1.005,T1", "row 2: amount '1.005' has fractions of a cent"),
    ("2025-03-05,1.00,", "row 2: trace '': give the EFT trace or check number"),
])
def test_a_bad_row_is_one_located_line_and_nothing_is_loaded(row: str, message: str, tmp_path: Path) -> None:
    bank = tmp_path / "bank.csv"
    bank.write_text(f"date,amount,trace\n{row}\n")
    db = str(tmp_path / "l.db")
    code, out = _edi("ledger", "deposits", str(bank), "--db", db)
    assert 2 == code and message in out and 1 == len(out.strip().splitlines())
    with open_ledger(db) as ledger, ledger.engine.connect() as conn:
        assert 0 == conn.execute(text("SELECT COUNT(*) FROM deposits")).scalar_one()
