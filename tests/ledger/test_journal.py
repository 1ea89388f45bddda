"""The journal: rows are inserted, never updated or deleted; a replay adds nothing; money keeps every cent; a
process killed inside a transaction leaves nothing of it."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from edi.ledger import ClaimStatus, Ledger, ScrubFinding, StatusEvent
from edi.ledger import _schema as t
from edi.ledger._engine import create, ensure_schema
from edi.ledger._journal import CHUNK
from ledger.factory import DOS, encounter, submission, submit

WORKER = Path(__file__).with_name("worker.py")


def _fill_every_table(ledger: Ledger) -> None:
    """A row in every table, so a trigger that fires per row has one to refuse."""
    from edi.ledger import AddonRow, EnrollmentRow, MueRow, PtpRow, Source

    [claim_id] = submit(ledger, [encounter(1)], "000000001")
    with ledger.transaction(run="test") as journal:
        journal.record_findings(1, [ScrubFinding("billing.charge", "error", "billing", "charge is 0")])
        journal.record_status([StatusEvent(claim_id, ClaimStatus.ACCEPTED, "999:1")])
    ledger.reserve("interchange", 1, sender="ZZ:A", receiver="ZZ:B")
    day = datetime(2025, 1, 1).date()
    for kind, row in [("enrollment", EnrollmentRow("1234567893", "EXHP1", day)),
                      ("ncci-ptp", PtpRow("99213", "36415", day, "1")), ("mue", MueRow("36415", 2, 3)),
                      ("addon", AddonRow("99417", 1, day, "99205"))]:
        ledger.load_rows(kind, [row], Source.of_bytes(kind, kind.encode(), kind), "2025Q1")
    _post_an_era(ledger)   # eras, claim_payments, postings, work_items, posted_files (revision 0002)
    _load_a_deposit(ledger)   # deposits (revision 0003)
    assert all(_count(ledger, table) for table in t.metadata.tables.values())


def _post_an_era(ledger: Ledger) -> None:
    import tempfile

    from edi.posting import post_file
    from posting.era import ERA_A, GOLDEN_CLAIMS, interchange

    with ledger.transaction() as journal:
        journal.record_encounters(GOLDEN_CLAIMS)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "era.835"
        path.write_bytes(interchange(ERA_A))
        assert "posted" == post_file(ledger, path).eras[0].status


def _load_a_deposit(ledger: Ledger) -> None:
    import tempfile

    from edi.ledger._deposits import load_deposits

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bank.csv"
        path.write_text("date,amount,trace\n2025-03-03,437.00,TRACEA\n")
        assert 1 == load_deposits(ledger, path).new


def _count(ledger: Ledger, table: object) -> int:
    with ledger.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


class TestAppendOnly:
    @pytest.mark.parametrize("statement", ["UPDATE {table} SET id = id", "DELETE FROM {table}"])
    def test_every_journal_table_refuses_update_and_delete(self, ledger: Ledger, statement: str) -> None:
        """Even hand-written SQL cannot change or remove a journal row: the database refuses it."""
        _fill_every_table(ledger)
        for table in t.APPEND_ONLY:
            with pytest.raises(Exception, match="append-only"), ledger.engine.begin() as conn:
                conn.execute(text(statement.format(table=table)))

    def test_counters_move_forward_but_are_never_deleted(self, ledger: Ledger) -> None:
        ledger.reserve("interchange", 1, sender="ZZ:A", receiver="ZZ:B")
        with pytest.raises(Exception, match="append-only"), ledger.engine.begin() as conn:
            conn.execute(text("DELETE FROM control_counters"))

    def test_truncate_is_refused_on_postgresql(self, postgres_url: str) -> None:
        from edi.ledger import open_ledger

        with open_ledger(postgres_url) as ledger:
            submit(ledger, [encounter(1)], "000000001")
            with pytest.raises(Exception, match="append-only"), ledger.engine.begin() as conn:
                conn.execute(text("TRUNCATE claim_status_events"))

    def test_the_api_has_no_update_or_delete_path(self) -> None:
        """No module of edi.ledger builds a DELETE, and only the counters build an UPDATE (of next_value)."""
        import ast

        builders: dict[str, set[str]] = {}
        for path in Path(t.__file__).parent.glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
                    found = {a.name for a in node.names} & {"update", "delete"}
                elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                    found = {verb.lower() for verb in ("UPDATE ", "DELETE FROM") if verb in node.value.upper()}
                else:
                    continue
                builders.setdefault(path.name, set()).update(v.strip().split()[0] for v in found)
        assert {"_counters.py": {"update"}} == {name: verbs for name, verbs in builders.items() if verbs}


class TestReplays:
    def test_recording_the_same_encounters_again_adds_nothing(self, ledger: Ledger) -> None:
        batch = [encounter(n) for n in range(3)]
        with ledger.transaction() as journal:
            first = journal.record_encounters(batch)
        with ledger.transaction() as journal:
            again = journal.record_encounters(batch)
        assert [True] * 3 == [r.new for r in first] and [False] * 3 == [r.new for r in again]
        assert [r.claims for r in first] == [r.claims for r in again]
        assert (3, 3, 3) == (_count(ledger, t.encounters), _count(ledger, t.claims), _count(ledger, t.claim_lines))

    def test_people_are_recorded_once_with_their_roles(self, ledger: Ledger) -> None:
        """A guarantor and a subscriber are accounts like the patient; a second encounter reuses them."""
        import dataclasses

        from edi.ledger import Coverage, Person

        parent = Person("MRN-PARENT", "DOE", "PAT")
        child = dataclasses.replace(encounter(1), guarantor=parent, coverages=(
            Coverage(1, "EXHP1", "EXAMPLE HEALTH PLAN", "M-PARENT", relationship="19", subscriber=parent),))
        with ledger.transaction() as journal:
            journal.record_encounters([child, dataclasses.replace(child, key="E2", service_from=DOS)])
        with ledger.engine.connect() as conn:
            guarantor = conn.execute(select(t.accounts.c.account_key).join(
                t.encounters, t.encounters.c.guarantor_account_id == t.accounts.c.id)).scalars().all()
            subscriber = conn.execute(select(t.accounts.c.account_key, t.coverages.c.relationship).join(
                t.coverages, t.coverages.c.subscriber_account_id == t.accounts.c.id)).all()
        assert (["MRN-PARENT"], [("MRN-PARENT", "19")]) == (sorted(set(guarantor)), [tuple(r) for r in subscriber])
        assert (2, 1, 2) == (_count(ledger, t.accounts), _count(ledger, t.coverages), _count(ledger, t.encounters))

    def test_a_corrected_encounter_is_a_new_row_beside_the_first(self, ledger: Ledger) -> None:
        """Same encounter id, different values: both are kept, the journal never rewrites the first."""
        with ledger.transaction() as journal:
            journal.record_encounters([encounter(1)])
            journal.record_encounters([encounter(1, charge=Decimal("120.00"))])
        assert (2, 1) == (_count(ledger, t.encounters), _count(ledger, t.accounts))

    def test_recording_the_same_interchange_again_adds_nothing(self, ledger: Ledger) -> None:
        ids = submit(ledger, [encounter(1), encounter(2)], "000000007")
        with ledger.transaction() as journal:
            again = journal.record_submission(submission("000000007", ids))
        assert not again.new
        assert (1, 2, 2) == (_count(ledger, t.submissions), _count(ledger, t.submission_claims),
                             _count(ledger, t.claim_status_events))

    def test_a_status_event_replayed_is_skipped(self, ledger: Ledger) -> None:
        [claim_id] = submit(ledger, [encounter(1)], "000000001")
        event = StatusEvent(claim_id, ClaimStatus.REJECTED, "277ca:abc:PCN1", reason_code="A7:562")
        with ledger.transaction() as journal:
            assert 1 == journal.record_status([event])
            assert 0 == journal.record_status([event])
        assert ClaimStatus.REJECTED == ledger.claim_status(claim_id)

    def test_findings_name_their_run_and_encounter(self, ledger: Ledger) -> None:
        with ledger.transaction(run="claims scrub") as journal:
            [recorded] = journal.record_encounters([encounter(1)])
            journal.record_findings(recorded.encounter_id, [
                ScrubFinding("coding.ncci.ptp", "error", "coding", "36415 is bundled into 99213", "lines[1]", 2,
                             prevents="CO-236")])
        with ledger.engine.connect() as conn:
            row = conn.execute(select(t.scrub_findings, t.runs.c.kind).join(t.runs)).one()
        assert ("coding.ncci.ptp", "coding", 2, "claims scrub") == (row.code, row.root_cause, row.line_number, row.kind)

    def test_many_encounters_go_in_by_the_thousand(self, ledger: Ledger) -> None:
        """More encounters than one statement batch: every one recorded once, in order."""
        batch = [encounter(n) for n in range(CHUNK + 7)]
        with ledger.transaction() as journal:
            recorded = journal.record_encounters(batch)
        assert [e.key for e in batch] == [r.key for r in recorded]
        assert CHUNK + 7 == len({r.claims[0].claim_id for r in recorded}) == _count(ledger, t.claims)


def test_the_ledger_logs_counts_and_control_numbers_never_people(ledger: Ledger) -> None:
    """Its events say how many encounters and which ISA13, never a name, birth date or member id."""
    import logging

    from structlog.testing import capture_logs

    from edi.logging import PHI_KEYS, configure_logging

    configure_logging(logging.INFO)
    try:
        with capture_logs() as events:
            ledger.reserve("interchange", 1, sender="ZZ:A", receiver="ZZ:B")
            submit(ledger, [encounter(1, patient="MRN-SECRET")], "000000042")
    finally:
        configure_logging()
    assert {"ledger.reserved", "ledger.encounters", "ledger.submission"} == {e["event"] for e in events}
    assert not any(PHI_KEYS & event.keys() for event in events)
    assert not any(word in repr(events) for word in ("DOE", "JAN", "1980", "MRN-SECRET", "ANYTOWN"))
    assert "000000042" in repr(events)


class TestMoney:
    @given(st.lists(st.decimals(min_value=Decimal("-999999999999.99"), max_value=Decimal("999999999999.99"),
                                places=2, allow_nan=False, allow_infinity=False), min_size=1, max_size=8))
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    def test_amounts_come_back_exact_and_sum_to_the_cent(self, ledger: Ledger, amounts: list[Decimal]) -> None:
        """What goes in as Decimal comes back as the same Decimal, and SUM in SQL is exact (no float)."""
        from sqlalchemy import Column, MetaData, Table

        from edi.ledger._types import Money

        scratch = Table("money_scratch", MetaData(), Column("amount", Money()))
        with ledger.engine.begin() as conn:
            scratch.create(conn, checkfirst=True)
            conn.execute(scratch.insert(), [{"amount": a} for a in amounts])
            back = list(conn.execute(select(scratch.c.amount)).scalars())
            total = conn.execute(select(func.sum(scratch.c.amount))).scalar_one()
            scratch.drop(conn)
        assert amounts == back and all(isinstance(a, Decimal) for a in back)
        assert sum(amounts, Decimal(0)) == total and isinstance(total, Decimal)

    def test_ten_dimes_make_a_dollar(self, ledger: Ledger) -> None:
        """0.1 + … + 0.1 is 1.00 exactly (as a float sum it is 0.9999999999999999)."""
        submit(ledger, [encounter(n, charge=Decimal("0.10")) for n in range(10)], "000000001")
        with ledger.engine.connect() as conn:
            total = conn.execute(select(func.sum(t.claims.c.total_charge))).scalar_one()
        assert Decimal("1.00") == total

    @pytest.mark.parametrize("bad", [Decimal("10.005"), 10.5, Decimal("NaN"), Decimal("1e13")])
    def test_sub_cent_float_and_huge_amounts_are_refused_not_rounded(self, ledger: Ledger, bad: object) -> None:
        with pytest.raises(Exception, match="Decimal|decimal place|digit"):
            submit(ledger, [encounter(1, charge=bad)], "000000001")   # type: ignore[arg-type]
        assert 0 == _count(ledger, t.claims)

    def test_moments_come_back_aware_in_utc(self, ledger: Ledger) -> None:
        when = datetime(2025, 1, 6, 9, 30, tzinfo=timezone.utc)
        [claim_id] = submit(ledger, [encounter(1)], "000000001")
        with ledger.transaction() as journal:
            journal.record_status([StatusEvent(claim_id, ClaimStatus.ACCEPTED, "999:x", when)])
        with ledger.engine.connect() as conn:
            back = conn.execute(select(t.claim_status_events.c.occurred_at)
                                .where(t.claim_status_events.c.event_key == "999:x")).scalar_one()
        assert when == back and back.tzinfo is not None


def test_the_bulk_path_stores_what_sqlalchemy_stores(ledger: Ledger) -> None:
    """Rows inserted by the fast path (bulk_insert) are stored exactly as SQLAlchemy's own insert stores them:
    the same text for dates and times on SQLite, the same cents, so ordering and sums never mix two forms."""
    from sqlalchemy import insert

    from edi.ledger._bulk import bulk_insert

    [claim_id] = submit(ledger, [encounter(1)], "000000001")
    when = datetime(2025, 1, 6, 9, 30, tzinfo=timezone.utc)
    event = {"claim_id": claim_id, "status": "paid", "occurred_at": when, "recorded_at": when.replace(microsecond=5)}
    line = {"claim_id": claim_id, "line_control_number": "L", "procedure_code": "99213", "units": Decimal("1.5"),
            "unit_basis": "UN", "charge": Decimal("12.30"), "service_from": DOS, "service_to": DOS,
            "provider_npi": "1234567893"}
    stored = []
    cases = ((t.claim_status_events, event, "event_key"), (t.claim_lines, line, "line_number"))
    with ledger.engine.begin() as conn:
        for table, values, unique in cases:
            conn.execute(insert(table), [values | {unique: 10}])
            bulk_insert(conn, table, [values | {unique: 11}])
            raw = conn.exec_driver_sql(f"SELECT * FROM {table.name} WHERE {unique} IN ('10', '11') ORDER BY id").all()
            stored.append([tuple(v for k, v in zip(table.c.keys(), r) if k not in ("id", unique)) for r in raw])
    assert all(len(rows) == 2 and rows[0] == rows[1] for rows in stored), stored


def test_the_bulk_path_converts_each_value_as_it_is(ledger: Ledger) -> None:
    """bulk_insert converts each distinct value of a column once per call: equal values written differently (12.3
    and 12.30, one moment in two time zones) are stored alike, different ones apart, None as NULL."""
    from datetime import timedelta

    from edi.ledger._bulk import bulk_insert

    [claim_id] = submit(ledger, [encounter(1)], "000000001")
    base = {"claim_id": claim_id, "line_control_number": "L", "procedure_code": "99213", "unit_basis": "UN",
            "service_from": DOS, "service_to": DOS, "provider_npi": "1234567893"}
    utc = datetime(2025, 1, 6, 9, 30, tzinfo=timezone.utc)
    east = datetime(2025, 1, 6, 4, 30, tzinfo=timezone(timedelta(hours=-5)))   # 04:30 at UTC-5 is 09:30 UTC
    with ledger.engine.begin() as conn:
        bulk_insert(conn, t.claim_lines, [
            base | {"line_number": 21, "charge": Decimal("12.30"), "units": Decimal("1.5"), "ndc": None},
            base | {"line_number": 22, "charge": Decimal("12.3"), "units": Decimal("1.500"), "ndc": "00002143380"},
            base | {"line_number": 23, "charge": Decimal("7.05"), "units": Decimal("2"), "ndc": None}])
        bulk_insert(conn, t.claim_status_events, [
            {"claim_id": claim_id, "event_key": key, "status": "paid", "occurred_at": when, "recorded_at": utc}
            for key, when in (("e1", utc), ("e2", east), ("e3", utc + timedelta(minutes=1)))])
        lines = conn.execute(select(t.claim_lines.c.line_number, t.claim_lines.c.charge, t.claim_lines.c.units,
                                    t.claim_lines.c.ndc).where(t.claim_lines.c.line_number > 20)
                             .order_by(t.claim_lines.c.line_number)).all()
        moments = conn.execute(select(t.claim_status_events.c.event_key, t.claim_status_events.c.occurred_at)
                               .where(t.claim_status_events.c.event_key.in_(["e1", "e2", "e3"]))
                               .order_by(t.claim_status_events.c.event_key)).all()
    assert [(21, Decimal("12.30"), Decimal("1.5"), None), (22, Decimal("12.30"), Decimal("1.5"), "00002143380"),
            (23, Decimal("7.05"), Decimal("2"), None)] == [tuple(row) for row in lines]
    assert [("e1", utc), ("e2", utc), ("e3", datetime(2025, 1, 6, 9, 31, tzinfo=timezone.utc))] == \
        [tuple(row) for row in moments]


class TestAllOrNothing:
    def test_an_error_inside_a_transaction_records_nothing(self, ledger: Ledger) -> None:
        with pytest.raises(RuntimeError), ledger.transaction(run="test") as journal:
            journal.record_encounters([encounter(1), encounter(2)])
            raise RuntimeError("the build failed")
        assert (0, 0, 0) == (_count(ledger, t.encounters), _count(ledger, t.claims), _count(ledger, t.runs))

    def test_a_process_killed_inside_a_transaction_leaves_nothing_of_it(self, db_url: str) -> None:
        """kill -9 while the third batch's rows are inserted but not committed: the first two stay whole, the
        third is gone, and the ledger opens cleanly."""
        ensure_schema(create(db_url))
        worker = subprocess.Popen([sys.executable, str(WORKER), "hang", db_url, "3"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        lines = []
        while (line := worker.stdout.readline()) and line.strip() != "inside":   # type: ignore[union-attr]
            lines.append(line.strip())
        worker.kill()
        worker.wait()
        assert ["committed 0", "committed 1"] == lines, worker.stderr.read()   # type: ignore[union-attr]
        self._assert_whole_batches(db_url, expected=2)

    def test_a_process_killed_at_a_random_moment_leaves_only_whole_batches(self, db_url: str) -> None:
        ensure_schema(create(db_url))
        worker = subprocess.Popen([sys.executable, str(WORKER), "loop", db_url], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        assert worker.stdout.readline().startswith("committed")   # type: ignore[union-attr]
        time.sleep(random.uniform(0, 0.3))
        worker.kill()
        worker.wait()
        self._assert_whole_batches(db_url, expected=None)

    @staticmethod
    def _assert_whole_batches(db_url: str, expected: int | None) -> None:
        from edi.ledger import open_ledger
        from ledger.worker import BATCH

        with open_ledger(db_url) as ledger:
            encounters, claims, lines = (_count(ledger, t.encounters), _count(ledger, t.claims),
                                         _count(ledger, t.claim_lines))
            runs = _count(ledger, t.runs)
        assert encounters % BATCH == 0 and encounters >= BATCH
        assert (encounters, encounters * 3, encounters // BATCH) == (claims, lines, runs)
        if expected is not None:
            assert expected * BATCH == encounters
