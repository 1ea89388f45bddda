"""The commands over the ledger: edi ledger init/status/roster, edi codes load, edi validate --ack --db; and the
other commands start without loading SQLAlchemy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from edi.cli import cli
from edi.ledger import open_ledger
from edi.ledger import _schema as t

ROOT = Path(__file__).resolve().parents[2]
P837 = ROOT / "samples" / "837p-office-visits.x12"


def _edi(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


class TestLedgerCommands:
    def test_init_then_status_as_json(self, db_url: str) -> None:
        assert (0, "schema 0002") == (_edi("ledger", "init", "--db", db_url)[0],
                                      _edi("ledger", "init", "--db", db_url)[1].strip().split(": ")[-1])
        code, output = _edi("ledger", "status", "--db", db_url, "--format", "json")
        status = json.loads(output)
        assert (0, "0002", 0, None) == (code, status["revision"], status["rows"]["claims"], status["quarters"]["mue"])

    def test_edi_db_names_the_ledger(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("EDI_DB", str(tmp_path / "env.db"))
        assert 0 == _edi("ledger", "init")[0]
        assert (tmp_path / "env.db").is_file()

    def test_roster_loads_once(self, db_url: str) -> None:
        roster = str(ROOT / "samples" / "enrollment-roster.csv")
        first, again = (_edi("ledger", "roster", roster, "--db", db_url) for _ in range(2))
        assert (0, 0) == (first[0], again[0])
        assert first[1].startswith(f"{roster}: loaded 6 enrollment row(s) into ")
        assert again[1].startswith(f"{roster}: already loaded on ") and "nothing changed" in again[1]

    def test_codes_load_and_a_bad_file_is_one_line(self, db_url: str, tmp_path: Path) -> None:
        good, bad = tmp_path / "mue.csv", tmp_path / "bad.csv"
        good.write_text("code,max_units,adjudication_indicator\n36415,2,3\n")
        bad.write_text("code,max_units,adjudication_indicator\n36415,two,3\n")
        code, output = _edi("codes", "load", "mue", str(good), "--quarter", "2025Q3", "--db", db_url)
        assert (0, f"{good}: loaded 1 mue row(s) for 2025Q3 into") == (code, output.split(" sqlite")[0]
                                                                       .split(" postgresql")[0])
        code, output = _edi("codes", "load", "mue", str(bad), "--quarter", "2025Q3", "--db", db_url)
        assert (2, f"{bad}: row 2, column max_units: 'two': expected a whole number of units\n") == (code, output)
        code, output = _edi("codes", "load", "mue", str(good), "--quarter", "2025Q3", "--db", db_url)
        assert "already loaded on" in output and "nothing changed" in output


class TestValidateWithLedger:
    def test_acknowledgments_take_their_control_numbers_from_the_ledger(self, db_url: str, tmp_path: Path) -> None:
        """Two runs: ISA13s 1–2 then 3–4 from the ledger's counter for the reply's sender–receiver pair; no
        counter file in the output folder (which is made when missing)."""
        tmp_path = tmp_path / "acks"
        for _ in range(2):
            code, output = _edi("validate", str(P837), "--ack", "999", "--ack", "277ca", "--out", str(tmp_path),
                                "--db", db_url)
            assert 0 == code, output
        isa13s = sorted(path.read_text()[90:99] for path in tmp_path.glob("*.x12"))
        assert ["000000001", "000000002", "000000003", "000000004"] == isa13s
        assert not (tmp_path / ".edi-control-numbers.json").exists()
        with open_ledger(db_url) as ledger, ledger.engine.connect() as conn:
            pairs = conn.execute(select(t.control_counters.c.counter, t.control_counters.c.sender,
                                        t.control_counters.c.receiver, t.control_counters.c.next_value)
                                 .order_by(t.control_counters.c.counter)).all()
        assert [("group", 5), ("interchange", 5), ("transaction", 5)] == [(p.counter, p.next_value) for p in pairs]
        assert {("ZZ:EXAMPLECH", "ZZ:EXAMPLEFP")} == {(p.sender, p.receiver) for p in pairs}   # the reply's ids

def test_commands_that_need_no_ledger_do_not_load_sqlalchemy() -> None:
    """The edi command's start-up stays light: only commands that open the ledger import it."""
    script = ("import atexit, sys; atexit.register(lambda: print('sqlalchemy' in sys.modules, file=sys.stderr)); "
              f"from edi.cli import main; sys.argv = ['edi', 'validate', {str(P837)!r}]; main()")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert (0, "False") == (done.returncode, done.stderr.strip().splitlines()[-1]), done.stderr
