"""The automation policy per payer (mappings/posting/automation.toml): post / post and review / review only,
CARCs always reviewed, write-off limits per CARC — applied by `edi post`, shown by --dry-run; SQLite and
PostgreSQL. Expected values from ERA A's amounts (tests/posting/era.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from edi.cli import cli
from edi.errors import EdiError
from edi.ledger import Ledger, open_ledger
from edi.ledger import _schema as t
from edi.posting import post_file
from edi.posting._policy import load_policies
from tests.posting.era import ERA_A, GOLDEN_CLAIMS, interchange

D = Decimal


def _policy(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "automation.toml"
    path.write_text(f'[default]\nmode = "post"\n\n[payer."TESTHP"]\n{body}\n')
    return path


@pytest.fixture
def era_a(ledger: Ledger, tmp_path: Path) -> tuple[Ledger, Path]:
    with ledger.transaction() as journal:
        journal.record_encounters(GOLDEN_CLAIMS)
    path = tmp_path / "a.835"
    path.write_bytes(interchange(ERA_A))
    return ledger, path


def _reviews(ledger: Ledger) -> list[tuple[str, str, str | None, Decimal | None, str]]:
    w, c = t.work_items.c, t.claims.c
    with ledger.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(c.patient_control_number, w.action, w.reason_code, w.amount, w.note)
            .join(t.claims, c.id == w.claim_id).where(w.queue == "review").order_by(w.id))]


def test_write_off_limits_and_review_carcs(era_a: tuple[Ledger, Path], tmp_path: Path) -> None:
    ledger, path = era_a
    policy = _policy(tmp_path, 'review_carcs = ["16"]\nwrite_off_limits = { "45" = "40.00", "*" = "70" }')
    result = post_file(ledger, path, policies=load_policies(policy))
    assert ("posted", 3) == (result.eras[0].status, result.eras[0].reviews)
    # CO-45 write-offs in ERA A: 10, 5 (GOLD1), 50 (GOLD2), 40 (GOLD5), 10 (GOLD6): only 50 is above 40 (40 is
    # not); GOLD3's CO-16 80 is above the "*" limit 70, and CARC 16 is always reviewed.
    assert [("GOLD2", "review-write-off", "45", D("50"), "CO-45 write-off 50.00 above the automatic limit 40.00"),
            ("GOLD3-LONGCLAIMNUM01", "review", None, D("0"), "CARC 16 is always reviewed"),
            ("GOLD3-LONGCLAIMNUM01", "review-write-off", "16", D("80"),
             "CO-16 write-off 80.00 above the automatic limit 70.00")] == _reviews(ledger)
    p = t.postings.c
    with ledger.engine.connect() as conn:
        flagged = sorted((r.reason_code, r.amount) for r in conn.execute(select(p.reason_code, p.amount)
                                                                          .where(p.flagged == 1)))
        money = conn.execute(select(func.sum(p.amount)).where(p.account.in_(("payment", "interest", "plb",
                                                                             "suspense")))).scalar_one()
    assert [("16", D("80")), ("45", D("50"))] == flagged
    assert D("437") == money     # posted in full: the policy holds write-offs for review, it moves no money


def test_post_and_review_adds_one_review_item_per_matched_claim_payment(era_a: tuple[Ledger, Path],
                                                                        tmp_path: Path) -> None:
    ledger, path = era_a
    result = post_file(ledger, path, policies=load_policies(_policy(tmp_path, 'mode = "post-and-review"')))
    # ERA A's matched claim payments: GOLD1, GOLD2, GOLD3, GOLD5, GOLD6 (UNKNOWN9 is an exception instead)
    assert ("posted", 5) == (result.eras[0].status, result.eras[0].reviews)
    assert ["GOLD1", "GOLD2", "GOLD3-LONGCLAIMNUM01", "GOLD5", "GOLD6"] == [r[0] for r in _reviews(ledger)]
    assert {"payer TESTHP: post-and-review"} == {r[4] for r in _reviews(ledger)}


def test_review_only_posts_nothing_until_reviewed(era_a: tuple[Ledger, Path], tmp_path: Path) -> None:
    ledger, path = era_a
    policies = load_policies(_policy(tmp_path, 'mode = "review-only"'))
    held = post_file(ledger, path, policies=policies)
    assert ("review", False) == (held.eras[0].status, held.clean)
    assert "payer TESTHP is review-only" in held.eras[0].findings[0]
    with ledger.engine.connect() as conn:
        assert 0 == conn.execute(select(func.count()).select_from(t.eras)).scalar_one()
        assert 0 == conn.execute(select(func.count()).select_from(t.posted_files)).scalar_one()
    done = post_file(ledger, path, policies=policies, reviewed=True)
    assert ("posted", D("437")) == (done.eras[0].status, done.eras[0].payment)


def test_dry_run_shows_the_policy_and_a_bad_policy_is_one_line(db_url: str, tmp_path: Path) -> None:
    with open_ledger(db_url) as ledger, ledger.transaction() as journal:
        journal.record_encounters(GOLDEN_CLAIMS)
    path = tmp_path / "a.835"
    path.write_bytes(interchange(ERA_A))
    policy = _policy(tmp_path, 'write_off_limits = { "45" = "40.00" }')
    result = CliRunner().invoke(cli, ["post", str(path), "--db", db_url, "--dry-run", "--policy", str(policy)])
    assert "1 review item(s) (automation policy)" in result.output
    assert "    review: CO-45 write-off 50.00 above the automatic limit 40.00" in result.output.splitlines()
    bad = tmp_path / "bad.toml"
    bad.write_text('[payer."X"]\nmode = "sometimes"\n')
    result = CliRunner().invoke(cli, ["post", str(path), "--db", db_url, "--policy", str(bad)])
    assert 2 == result.exit_code and "Traceback" not in result.output
    assert "mode 'sometimes': use one of post, post-and-review, review-only" in result.output
    with pytest.raises(EdiError, match="write_off_limits '45' = 'lots'"):
        load_policies(_policy(tmp_path, 'write_off_limits = { "45" = "lots" }'))


def test_the_shipped_policy_posts_everything() -> None:
    shipped = load_policies()
    assert ("post", frozenset(), {}) == (shipped.default.mode, shipped.default.review_carcs,
                                         shipped.default.write_off_limits)
