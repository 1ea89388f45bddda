"""Hand-checked ERAs (tests/posting/era.py gives each amount's arithmetic) posted against hand-made claims, on
SQLite and PostgreSQL: matching with method and score, journal entries, work items, reversals across ERAs,
split claims, crossovers, PLB with and without a claim, interest, suspense, and the balance checks."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from edi.ledger import Ledger
from edi.ledger import _schema as t
from edi.posting import post_file
from tests.posting.era import ERA_A, ERA_B, GOLDEN_CLAIMS, header, interchange

D = Decimal


@pytest.fixture
def golden(ledger: Ledger, tmp_path: Path) -> tuple[Ledger, Path, Path]:
    with ledger.transaction() as journal:
        journal.record_encounters(GOLDEN_CLAIMS)
    a, b = tmp_path / "a.835", tmp_path / "b.835"
    a.write_bytes(interchange(ERA_A))
    b.write_bytes(interchange(ERA_B, control="000000102"))
    return ledger, a, b


def claim_id(ledger: Ledger, clm01: str) -> int:
    with ledger.engine.connect() as conn:
        return conn.execute(select(t.claims.c.id).where(t.claims.c.patient_control_number == clm01)).scalar_one()


def sums(ledger: Ledger, **where: object) -> dict[tuple[str, str], Decimal]:
    p = t.postings.c
    query = select(p.account, p.kind, func.sum(p.amount)).group_by(p.account, p.kind)
    for column, value in where.items():
        query = query.where(p[column] == value)
    with ledger.engine.connect() as conn:
        return {(a, k): s for a, k, s in conn.execute(query)}


def count(ledger: Ledger, table: str) -> int:
    with ledger.engine.connect() as conn:
        return conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


class TestEraA:
    def test_the_era_posts_and_balances_to_bpr02(self, golden: tuple[Ledger, Path, Path]) -> None:
        ledger, a, _ = golden
        result = post_file(ledger, a)
        era = result.eras[0]
        assert ("posted", D("437"), D("407.5"), D("-10.5"), D("40")) == \
            (era.status, era.payment, era.posted_to_claims, era.plb, era.suspense)
        totals = sums(ledger)
        money = sum((v for (account, _), v in totals.items() if account in ("payment", "interest", "plb",
                                                                              "suspense")), D(0))
        assert D("437") == money

    def test_a_paid_claim_gets_line_payments_contractual_and_copay(self, golden: tuple[Ledger, Path, Path]) -> None:
        ledger, a, _ = golden
        post_file(ledger, a)
        gold1 = claim_id(ledger, "GOLD1")
        p = t.postings.c
        with ledger.engine.connect() as conn:
            rows = sorted((r.line_ref or 0, r.account, r.kind, r.group_code, r.reason_code, r.amount, r.line_match)
                          for r in conn.execute(select(t.postings).where(p.claim_id == gold1,
                                                                         p.account != "plb")))
        assert [(1, "adjustment", "contractual", "CO", "45", D("10"), "6r"),
                (1, "patient", "copay", "PR", "3", D("10"), "6r"),
                (1, "payment", "line", None, None, D("80"), "6r"),
                (2, "adjustment", "contractual", "CO", "45", D("5"), "6r"),
                (2, "payment", "line", None, None, D("15"), "6r")] == rows

    def test_matching_methods_and_scores(self, golden: tuple[Ledger, Path, Path]) -> None:
        ledger, a, _ = golden
        post_file(ledger, a)
        c = t.claim_payments.c
        with ledger.engine.connect() as conn:
            got = {r[0]: (r[1], r[2]) for r in conn.execute(select(c.patient_control_number, c.match_method,
                                                                   c.match_score))}
        assert {"GOLD1": ("clm01", D(1)), "GOLD2": ("clm01", D(1)), "GOLD3-LONGCLAI": ("clm01-prefix", D("0.8")),
                "GOLD5": ("clm01", D(1)), "UNKNOWN9": ("none", D(0)), "GOLD6": ("clm01", D(1))} == got

    def test_a_dropped_modifier_still_finds_the_line_and_interest_is_its_own_entry(
            self, golden: tuple[Ledger, Path, Path]) -> None:
        ledger, a, _ = golden
        post_file(ledger, a)
        totals = sums(ledger, claim_id=claim_id(ledger, "GOLD2"))
        assert {("payment", "line"): D("100"), ("interest", "interest"): D("2.5"),
                ("adjustment", "contractual"): D("50")} == totals
        with ledger.engine.connect() as conn:
            methods = set(conn.execute(select(t.postings.c.line_match).where(
                t.postings.c.claim_id == claim_id(ledger, "GOLD2"), t.postings.c.line_ref == 1)).scalars())
        assert {"dropped-modifier"} == methods

    def test_a_denial_is_a_work_item_routed_by_group_carc_and_rarc(self, golden: tuple[Ledger, Path, Path]) -> None:
        ledger, a, _ = golden
        post_file(ledger, a)
        w = t.work_items.c
        with ledger.engine.connect() as conn:
            rows = [tuple(r) for r in conn.execute(select(w.queue, w.root_cause, w.action, w.group_code,
                                                          w.reason_code, w.remark_code, w.amount, w.claim_id)
                                                   .order_by(w.id))]
        assert [("denial", "credentialing", "resubmit-7", "CO", "16", "N290", D("80"), claim_id(ledger, "GOLD3-LONGCLAIMNUM01")),
                ("exception", "matching", "match", None, None, None, D("40"), None)] == rows
        assert {("adjustment", "contractual"): D("80")} == sums(ledger, claim_id=claim_id(ledger,
                                                                                           "GOLD3-LONGCLAIMNUM01"))

    def test_plb_entries_are_booked_and_linked_to_the_claim_they_name(self, golden: tuple[Ledger, Path, Path]) -> None:
        ledger, a, _ = golden
        post_file(ledger, a)
        p = t.postings.c
        with ledger.engine.connect() as conn:
            rows = sorted(tuple(r) for r in conn.execute(select(p.kind, p.amount, p.reference, p.claim_id)
                                                         .where(p.account == "plb")))
        assert sorted([("WO", D("-12"), "GOLD1", claim_id(ledger, "GOLD1")), ("L6", D("3"), None, None),
                       ("CS", D("-1.5"), None, None)]) == rows


class TestEraB:
    def test_a_reversal_in_a_later_era_reverses_the_earlier_payment_and_the_correction_posts_anew(
            self, golden: tuple[Ledger, Path, Path]) -> None:
        ledger, a, b = golden
        post_file(ledger, a)
        result = post_file(ledger, b)
        assert ("posted", D("80"), D("-5"), D("0")) == (result.eras[0].status, result.eras[0].posted_to_claims,
                                                        result.eras[0].plb, result.eras[0].suspense)
        gold5 = claim_id(ledger, "GOLD5")
        c = t.claim_payments.c
        with ledger.engine.connect() as conn:
            payments = [tuple(r) for r in conn.execute(select(c.id, c.status_code, c.paid, c.reverses_id)
                                                       .where(c.claim_id == gold5).order_by(c.id))]
            statuses = list(conn.execute(select(t.claim_status_events.c.status).where(
                t.claim_status_events.c.claim_id == gold5).order_by(t.claim_status_events.c.id)).scalars())
        first = payments[0][0]
        assert [(first, "1", D("160"), None), (payments[1][0], "22", D("-160"), first),
                (payments[2][0], "1", D("170"), None)] == payments
        totals = sums(ledger, claim_id=gold5)
        assert D("170") == totals[("payment", "line")]
        assert D("30") == totals[("adjustment", "contractual")]     # 40 − 40 + 30
        assert D("-5") == totals[("plb", "FB")]                     # FB:P5 linked through CLP07 P5
        assert ["paid", "reversed", "paid"] == statuses

    def test_a_split_claim_and_a_zero_paid_line(self, golden: tuple[Ledger, Path, Path]) -> None:
        ledger, a, b = golden
        post_file(ledger, a)
        post_file(ledger, b)
        gold6 = claim_id(ledger, "GOLD6")
        p = t.postings.c
        with ledger.engine.connect() as conn:
            lines = set(conn.execute(select(t.claim_lines.c.line_number).join(
                t.postings, p.claim_line_id == t.claim_lines.c.id).where(p.claim_id == gold6)).scalars())
            items = [tuple(r) for r in conn.execute(select(t.work_items.c.root_cause, t.work_items.c.action,
                                                           t.work_items.c.reason_code)
                                                    .where(t.work_items.c.claim_id == gold6))]
        assert {1, 2} == lines                    # each CLP's line matched to its own claim line
        assert {("payment", "line"): D("50"), ("adjustment", "contractual"): D("50")} == sums(ledger,
                                                                                             claim_id=gold6)
        assert [("coding", "write-off", "97")] == items

    def test_a_crossover_marks_the_claim_forwarded_and_deductible_goes_to_the_patient(
            self, golden: tuple[Ledger, Path, Path]) -> None:
        ledger, a, b = golden
        post_file(ledger, a)
        post_file(ledger, b)
        gold7 = claim_id(ledger, "GOLD7")
        assert "forwarded" == ledger.claim_status(gold7)
        assert D("20") == sums(ledger, claim_id=gold7)[("patient", "deductible")]


class TestBalance:
    def test_an_era_whose_bpr02_disagrees_is_refused_naming_the_segment(self, ledger: Ledger, tmp_path: Path) -> None:
        body = header("99", "TRACEC") + ["CLP*X1*1*100*90**12*PX*11*1", "CAS*CO*45*10"]
        path = tmp_path / "c.835"
        path.write_bytes(interchange(body))
        result = post_file(ledger, path)
        assert "refused" == result.eras[0].status
        assert "BPR02 99 (segment 4) ≠ Σ CLP04 90 − Σ PLB 0 = 90" in result.eras[0].findings[0]
        assert 0 == count(ledger, "eras")

    def test_force_posts_it_with_the_difference_in_suspense_flagged(self, ledger: Ledger, tmp_path: Path) -> None:
        body = header("99", "TRACEC") + ["CLP*X1*1*100*90**12*PX*11*1", "CAS*CO*45*10"]
        path = tmp_path / "c.835"
        path.write_bytes(interchange(body))
        result = post_file(ledger, path, force=True)
        assert "posted" == result.eras[0].status
        assert {("suspense", "unmatched"): D("90"), ("suspense", "imbalance"): D("9")} == sums(ledger)
        assert not result.clean

    def test_a_claim_that_does_not_balance_in_itself_is_refused_naming_its_clp(self, ledger: Ledger,
                                                                              tmp_path: Path) -> None:
        body = header("90", "TRACED") + ["CLP*X2*1*100*90**12*PX*11*1", "CAS*CO*45*5"]
        path = tmp_path / "d.835"
        path.write_bytes(interchange(body))
        result = post_file(ledger, path)
        assert "refused" == result.eras[0].status
        assert "CLP X2 (segment 12): charge 100 ≠ paid 90 + adjustments 5 (off by 5)" in result.eras[0].findings[0]
        assert 0 == count(ledger, "postings")


    def test_fractions_of_a_cent_are_refused_naming_the_clp(self, ledger: Ledger, tmp_path: Path) -> None:
        body = header("90.01", "TRACEF") + ["CLP*X3*1*100*90.005**12*PX*11*1", "CAS*CO*45*9.995"]
        path = tmp_path / "f.835"
        path.write_bytes(interchange(body))
        result = post_file(ledger, path)
        assert "refused" == result.eras[0].status
        assert "CLP X3 (segment 12): amount 90.005 has fractions of a cent" in result.eras[0].findings[0]
        path.write_bytes(interchange(header("0.001", "TRACEG")))
        assert "BPR02 0.001 has fractions of a cent; not posted" in post_file(ledger, path).eras[0].findings[0]


class TestExactlyOnce:
    def test_the_same_file_again_changes_nothing(self, golden: tuple[Ledger, Path, Path]) -> None:
        ledger, a, _ = golden
        post_file(ledger, a)
        before = {name: count(ledger, name) for name in ("eras", "claim_payments", "postings", "work_items")}
        again = post_file(ledger, a)
        assert again.already.startswith("posted ") and "by run" in again.already
        assert before == {name: count(ledger, name) for name in before}

    def test_the_same_era_inside_another_file_is_reported_already_posted(
            self, golden: tuple[Ledger, Path, Path], tmp_path: Path) -> None:
        ledger, a, _ = golden
        post_file(ledger, a)
        both = tmp_path / "both.835"
        both.write_bytes(interchange(ERA_A, ERA_B, control="000000900"))
        before = count(ledger, "postings")
        result = post_file(ledger, both)
        assert ["already-posted", "posted"] == [e.status for e in result.eras]
        assert "a.835" in result.eras[0].previously
        with ledger.engine.connect() as conn:
            b_rows = conn.execute(select(func.count()).select_from(t.postings).join(
                t.eras, t.eras.c.id == t.postings.c.era_id).where(t.eras.c.trace_number == "TRACEB")).scalar_one()
        assert before + b_rows == count(ledger, "postings")

    def test_dry_run_changes_nothing(self, golden: tuple[Ledger, Path, Path]) -> None:
        ledger, a, _ = golden
        result = post_file(ledger, a, dry_run=True)
        assert "planned" == result.eras[0].status and 6 == len(result.eras[0].plan)
        assert (0, 0, 0) == (count(ledger, "eras"), count(ledger, "postings"), count(ledger, "runs"))

    def test_postings_are_append_only(self, golden: tuple[Ledger, Path, Path]) -> None:
        from edi.ledger import LedgerError

        ledger, a, _ = golden
        post_file(ledger, a)
        with pytest.raises(LedgerError, match="append-only"), ledger.transaction() as journal:
            journal.conn.execute(text("UPDATE postings SET amount = 0"))
