"""`edi ledger statements`: per patient, what they owe per claim and why, from the postings (net of reversals; a
crossed-over claim waits for the next payer); SQLite and PostgreSQL. Amounts by hand from tests/posting/era.py."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from edi.cli import cli
from edi.ledger import open_ledger
from edi.ledger._statements import patients_due
from edi.posting import post_file
from tests.posting.era import ERA_A, ERA_B, GOLDEN_CLAIMS, claim, header, interchange

D = Decimal
GOLD8 = claim("GOLD8", ("G8L1", "99213", "100", ()))
# ERA D1: GOLD8 100 = 60 paid + CO-45 20 + PR-2 15 (coinsurance) + PR-96 5 (non-covered, patient's); BPR02 60.
ERA_D1 = header("60", "TRACED1") + [
    "CLP*GOLD8*1*100*60*20*12*P8*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
    "SVC*HC:99213*100*60", "DTM*472*20250110", "CAS*CO*45*20", "CAS*PR*2*15", "CAS*PR*96*5", "REF*6R*G8L1"]
# ERA D2: D1's payment reversed (all negated) and corrected: 100 = 70 + CO-45 20 + PR-2 10; BPR02 −60 + 70 = 10.
# Net for GOLD8: paid 60 − 60 + 70 = 70; coinsurance 15 − 15 + 10 = 10; PR-96 5 − 5 = 0 (not listed).
ERA_D2 = header("10", "TRACED2") + [
    "CLP*GOLD8*22*-100*-60*-20*12*P8*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
    "SVC*HC:99213*-100*-60", "DTM*472*20250110", "CAS*CO*45*-20", "CAS*PR*2*-15", "CAS*PR*96*-5", "REF*6R*G8L1",
    "CLP*GOLD8*1*100*70*10*12*P8B*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
    "SVC*HC:99213*100*70", "DTM*472*20250110", "CAS*CO*45*20", "CAS*PR*2*10", "REF*6R*G8L1"]


def test_statements_say_what_each_patient_owes_and_why(db_url: str, tmp_path: Path) -> None:
    with open_ledger(db_url) as ledger:
        with ledger.transaction() as journal:
            journal.record_encounters([*GOLDEN_CLAIMS, GOLD8])
        for n, body in enumerate((ERA_A, ERA_B, ERA_D1, ERA_D2)):
            path = tmp_path / f"{n}.835"
            path.write_bytes(interchange(body, control=f"00000020{n}"))
            assert "posted" == post_file(ledger, path).eras[0].status
        with ledger._read() as conn:
            due = patients_due(conn)
    # GOLD1: PR-3 copay 10 (insurance paid 80 + 15 = 95); GOLD8: coinsurance 10 (paid 70). GOLD7's PR-1 20 waits:
    # its payer crossed it over (CLP02 19), so the patient is not billed yet. The others have no PR.
    assert [("GOLD1", D("120"), D("95"), D("10"), {("copay", "3"): D("10")}),
            ("GOLD8", D("100"), D("70"), D("10"), {("coinsurance", "2"): D("10")})] == \
        [(c.clm01, c.charge, c.insurance_paid, c.owed, c.why) for p in due for c in p.claims]
    result = CliRunner().invoke(cli, ["ledger", "statements", "--db", db_url, "--out", str(tmp_path / "st"),
                                      "--as-of", "2025-04-01"])
    assert (0, f"2 statement(s) in {tmp_path / 'st'}: 20.00 owed by patients\n") == (result.exit_code, result.output)
    files = sorted((tmp_path / "st").iterdir())
    assert 2 == len(files) and all(f.name.startswith("statement-") for f in files)
    text = next(f for f in files if "GOLD8" in f.read_text()).read_text().splitlines()
    assert "PATIENT STATEMENT — 2025-04-01" == text[0] and "PAT TESTPATIENT" == text[2]
    row = next(line for line in text if "GOLD8" in line)
    assert row.split() == ["2025-01-10", "GOLD8", "100.00", "70.00", "10.00"]
    assert "    coinsurance 10.00 (PR-2, as TESTHP adjudicated the claim)" in text
    assert "Total you owe: 10.00" == text[-1]
