"""`edi ledger queue`: open work items by queue, root cause and payer, closed by later events (a replacement claim,
a later payment) derived from the journal, never updated; on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from edi.cli import cli
from edi.ledger import Ledger
from edi.ledger._queue import queue_summary, work_items
from edi.posting import post_file
from tests.posting.era import ERA_A, ERA_B, GOLDEN_CLAIMS, header, interchange

D = Decimal

# ERA C (an appeal won): GOLD6's zero-paid 99000 line (CO-97 40 in ERA B) now paid 40 = 40 + 0; BPR02 40.
ERA_C = header("40", "TRACEC") + [
    "CLP*GOLD6*1*40*40**12*P6C*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
    "SVC*HC:99000*40*40", "DTM*472*20250110", "REF*6R*G6L2",
]


def _post(ledger: Ledger, tmp_path: Path, name: str, body: list[str], control: str) -> None:
    path = tmp_path / name
    path.write_bytes(interchange(body, control=control))
    assert post_file(ledger, path).eras[0].status == "posted"


def _open(ledger: Ledger) -> list[tuple[str, str, str, str | None, str | None, Decimal | None, str]]:
    with ledger._read() as conn:
        items = work_items(conn)
    return [(i.queue, i.root_cause, i.action, i.clm01, i.reason, i.amount, i.payer) for i in items
            if i.closed_by is None]


def test_denials_and_exceptions_are_open_until_a_replacement_or_a_later_payment(ledger: Ledger,
                                                                              tmp_path: Path) -> None:
    with ledger.transaction() as journal:
        journal.record_encounters(GOLDEN_CLAIMS)
    _post(ledger, tmp_path, "a.835", ERA_A, "000000101")
    _post(ledger, tmp_path, "b.835", ERA_B, "000000102")
    # after A and B (tests/posting/era.py): GOLD3 denied CO-16 with MOA N290 → credentialing, resubmit-7, 80;
    # UNKNOWN9 matched nothing → exception, 40 in suspense; GOLD6 line 2 zero-paid CO-97 → coding, write-off, 40.
    assert [("denial", "credentialing", "resubmit-7", "GOLD3-LONGCLAIMNUM01", "16", D("80"), "TESTHP"),
            ("exception", "matching", "match", "UNKNOWN9", None, D("40"), "TESTHP"),
            ("denial", "coding", "write-off", "GOLD6", "97", D("40"), "TESTHP")] == _open(ledger)
    # GOLD3 corrected and sent again as a replacement (frequency 7) closes its denial
    gold3 = GOLDEN_CLAIMS[2]
    replacement = dataclasses.replace(gold3.claims[0], frequency_code="7", original_claim_number="P3")
    with ledger.transaction() as journal:
        journal.record_encounters([dataclasses.replace(gold3, claims=(replacement,))])
    # the appeal of GOLD6's line won: a later ERA pays it, which closes the write-off item
    _post(ledger, tmp_path, "c.835", ERA_C, "000000103")
    assert [("exception", "matching", "match", "UNKNOWN9", None, D("40"), "TESTHP")] == _open(ledger)
    with ledger._read() as conn:
        items = work_items(conn)
    summary = queue_summary(items)
    assert (1, D("40"), {"paid": 1, "resubmitted": 1}) == (summary["open"], summary["open_amount"],
                                                          summary["closed"])
    assert [{"queue": "exception", "root_cause": "matching", "payer": "TESTHP", "items": 1, "amount": D("40")}] == \
        summary["groups"]


def test_a_payment_in_the_same_era_as_the_denial_does_not_close_it(ledger: Ledger, tmp_path: Path) -> None:
    """GOLD6 was paid 50 on line 1 in ERA A, before its line 2 was denied in ERA B: the denial stays open."""
    with ledger.transaction() as journal:
        journal.record_encounters(GOLDEN_CLAIMS)
    _post(ledger, tmp_path, "a.835", ERA_A, "000000101")
    _post(ledger, tmp_path, "b.835", ERA_B, "000000102")
    assert ("denial", "coding", "write-off", "GOLD6", "97", D("40"), "TESTHP") in _open(ledger)


def test_the_queue_command_prints_groups_and_next_actions(db_url: str, tmp_path: Path) -> None:
    from edi.ledger import open_ledger

    with open_ledger(db_url) as ledger:
        with ledger.transaction() as journal:
            journal.record_encounters(GOLDEN_CLAIMS)
        _post(ledger, tmp_path, "a.835", ERA_A, "000000101")
    result = CliRunner().invoke(cli, ["ledger", "queue", "--db", db_url])
    assert 0 == result.exit_code, result.output
    lines = result.output.splitlines()
    assert "open work items: 2 (120.00); closed by a later event: none" == lines[0]
    assert "denial / credentialing / payer TESTHP: 1 item(s), 80.00" in lines
    assert any(x.startswith("  #") and "claim GOLD3-LONGCLAIMNUM01 CO-16 80.00 → resubmit-7" in x for x in lines)
    assert "exception / matching / payer TESTHP: 1 item(s), 40.00" in lines
    result = CliRunner().invoke(cli, ["ledger", "queue", "--db", db_url, "--format", "json"])
    doc = json.loads(result.output)
    assert (2, "120.00", ["GOLD3-LONGCLAIMNUM01", "UNKNOWN9"]) == \
        (doc["open"], doc["open_amount"], sorted(i["clm01"] for i in doc["items"]))
