"""``edi cycle`` on the bundled samples (samples/cycle: 320 coded encounters, four payers), once on SQLite and once
on PostgreSQL: the invariants of a revenue cycle hold at its end — every encounter ended one way, every ERA
balances, nothing is posted twice, the summary's counts add up, a corrected claim replaces its original."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import msgspec
import pytest
from sqlalchemy import func, select

from edi.claims.encounter import Encounter
from edi.cycle import CycleOptions, CycleSummary, run_cycle
from edi.cycle._payers import load_payers
from edi.ledger import Ledger, open_ledger
from edi.ledger import _schema as t
from edi.ledger._posting import era_report
from edi.ledger._queue import work_items
from edi.posting import post_file

SAMPLES = Path(__file__).parents[2] / "samples" / "cycle"
ENCOUNTERS = SAMPLES / "encounters.jsonl"
ZERO = Decimal("0.00")


def options(out: Path) -> CycleOptions:
    return CycleOptions(out, seed=1, roster=SAMPLES / "roster.csv", authorizations=SAMPLES / "authorizations.csv")


@dataclass
class Run:
    url: str
    out: Path
    summary: CycleSummary


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def cycle(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """The whole bundled cycle, run once per engine for the tests of this module."""
    folder = tmp_path_factory.mktemp(f"cycle-{request.param}")
    if request.param == "sqlite":
        url, schema = f"sqlite:///{folder}/cycle.db", None
    else:
        import psycopg

        from tests.ledger.conftest import _conninfo
        server = request.getfixturevalue("postgres_server")
        schema = f"edi_cycle_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(_conninfo(server), autocommit=True) as admin:
            admin.execute(f"CREATE SCHEMA {schema}")
        url = f"{server}{'&' if '?' in server else '?'}options={quote(f'-csearch_path={schema}')}"
    with open_ledger(url) as ledger:
        summary = run_cycle([ENCOUNTERS], ledger, options(folder / "out"))
    yield Run(url, folder / "out", summary)
    if schema is not None:
        with psycopg.connect(_conninfo(server), autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def encounters() -> dict[str, Encounter]:
    return {e.id: e for e in (msgspec.json.decode(line, type=Encounter)
                              for line in ENCOUNTERS.read_bytes().splitlines())}


def sums_by_account(ledger: Ledger) -> dict[str, Decimal]:
    p = t.postings.c
    with ledger._read() as conn:
        return {account: amount for account, amount in
                conn.execute(select(p.account, func.sum(p.amount)).group_by(p.account))}


def test_every_encounter_ends_paid_denied_held_or_patient_responsible(cycle: Run) -> None:
    given = encounters()
    assert set(cycle.summary.outcomes) == set(given)
    assert set(cycle.summary.outcomes.values()) <= {"paid", "denied", "held", "patient-responsible"}
    with open_ledger(cycle.url) as ledger, ledger._read() as conn:
        c, ev, f = t.claims.c, t.claim_status_events.c, t.scrub_findings.c
        statuses: dict[str, set[str]] = {}
        for clm01, status in conn.execute(select(c.patient_control_number, ev.status)
                                          .join(t.claim_status_events, ev.claim_id == c.id)):
            statuses.setdefault(clm01, set()).add(status)
        findings = {key for key in conn.execute(select(t.encounters.c.encounter_key)
                                                .join(t.scrub_findings, f.encounter_id == t.encounters.c.id)
                                                .where(f.severity == "error")).scalars()}
        open_denials = {i.clm01 for i in work_items(conn)
                        if i.queue == "denial" and i.closed_by is None and i.action != "bill-patient"}
        paid = dict(conn.execute(select(c.patient_control_number, func.sum(t.postings.c.amount))
                                 .join(t.postings, t.postings.c.claim_id == c.id)
                                 .where(t.postings.c.account.in_(("payment", "interest")))
                                 .group_by(c.patient_control_number)).all())
    for clm01, ended in cycle.summary.outcomes.items():
        if ended == "held":       # never sent, held with its findings recorded
            assert "submitted" not in statuses[clm01] and "held" in statuses[clm01] and clm01 in findings, clm01
            assert given[clm01].expected_edit, f"{clm01}: a clean encounter was held"
        elif ended == "denied":
            assert clm01 in open_denials and (paid.get(clm01) or ZERO) == ZERO, clm01
        elif ended == "paid":
            assert paid[clm01] > ZERO, clm01
        else:
            assert (paid.get(clm01) or ZERO) == ZERO, clm01
    counts = Counter(cycle.summary.outcomes.values())
    assert sum(counts.values()) == len(given) == 320
    # an encounter whose deliberate error a rule fixes (mappings/cycle/corrections.toml) does not stay held
    fixable = {"coding.dx_pointer.range", "coding.dx_pointer.principal", "coding.modifier25.missing",
               "coverage.prior_auth.missing", "billing.frequency.original_missing"}
    fixed = [i for i, e in given.items() if e.expected_edit in fixable]
    assert fixed and all(cycle.summary.outcomes[i] != "held" for i in fixed)


def test_every_era_balances(cycle: Run) -> None:
    """BPR02 = Σ payments + Σ interest + Σ PLB + Σ suspense of each ERA, to the cent (docs/posting.md)."""
    with open_ledger(cycle.url) as ledger, ledger._read() as conn:
        rows = era_report(conn)
    assert rows and all(row["balanced"] for row in rows), [r for r in rows if not r["balanced"]]


def test_the_summary_adds_up_to_the_ledger(cycle: Run) -> None:
    summary = cycle.summary
    total = summary.total()
    for name in ("encounters", "batched", "held", "paid", "denied", "corrected", "secondaries"):
        assert total[name] == sum(getattr(w, name) for w in summary.weeks)
    assert total["encounters"] == 320
    with open_ledger(cycle.url) as ledger:
        sums = sums_by_account(ledger)
        with ledger._read() as conn:
            c, ev = t.claims.c, t.claim_status_events.c
            first = select(func.min(c.id)).join(t.claim_status_events, ev.claim_id == c.id) \
                .where(ev.status == "submitted").group_by(c.patient_control_number)
            first_claims = conn.execute(select(func.sum(c.total_charge)).where(c.id.in_(first))).scalar_one()
    assert total["paid_amount"] == sums["payment"] + sums.get("interest", ZERO)
    assert total["adjusted"] == sums["adjustment"]
    assert total["patient"] == sums["patient"]
    # charged: the first claim sent for each encounter (not its replacement, nor its claim to a next payer)
    assert total["charged"] == first_claims
    assert summary.weeks[-1].statements > 0 and summary.owed_by_patients > ZERO
    assert summary.as_of == summary.weeks[-1].today


def test_a_corrected_claim_replaces_its_original_and_is_paid(cycle: Run) -> None:
    """The samples' deliberate modifier 25 / 59 errors billed to a payer that denies them (mappings/cycle/
    payers.toml: EXHP1 denies both warnings, EXBLUE 59) are denied CO-4, fixed by rule and sent as replacements
    (frequency 7, REF*F8 the denial's payer claim number); the payer reverses the original, if it processed it,
    and pays the new one."""
    strict = {payer_id: payer.strict for payer_id, payer in load_payers().items()}
    expected = {i for i, e in encounters().items() if e.expected_edit in strict.get(e.billed.payer.id, ())
                and e.expected_edit.startswith("coding.modifier")}
    with open_ledger(cycle.url) as ledger, ledger._read() as conn:
        c, cp = t.claims.c, t.claim_payments.c
        replacements = conn.execute(select(c.id, c.patient_control_number, c.original_claim_number)
                                    .where(c.frequency_code == "7", c.original_claim_number != "")).all()
        items = [i for i in work_items(conn) if i.clm01 in expected
                 and i.queue == "denial" and i.action != "bill-patient"]
        payments = {claim_id: (status, paid) for claim_id, status, paid in conn.execute(
            select(cp.claim_id, cp.status_code, cp.paid).where(cp.status_code != "22").order_by(cp.id))}
        reversed_numbers = set(conn.execute(select(cp.payer_claim_number).where(cp.status_code == "22")).scalars())
        denied_numbers = set(conn.execute(select(cp.payer_claim_number).where(cp.status_code == "4")).scalars())
    assert expected and {r.patient_control_number for r in replacements} == expected
    assert items and all(i.reason == "4" and i.closed_by and i.closed_by.startswith("resubmitted") for i in items)
    for claim_id, clm01, original in replacements:
        # a claim the payer processed (a line denied) is reversed (CLP02 22); one it denied whole has nothing to undo
        assert original in reversed_numbers | denied_numbers, f"{clm01}: its original {original} still stands"
        status, paid = payments[claim_id]
        assert status == "1" and paid > ZERO, clm01
        assert cycle.summary.outcomes[clm01] == "paid"


def test_a_run_again_posts_nothing_twice(cycle: Run) -> None:
    """The same encounters into the same ledger and folder: nothing is built again, every 835 is found posted,
    not a dollar moves; posting each payer's files once more changes nothing either."""
    with open_ledger(cycle.url) as ledger:
        before = sums_by_account(ledger)
        again = run_cycle([ENCOUNTERS], ledger, options(cycle.out))
        assert sums_by_account(ledger) == before
        results = [post_file(ledger, path) for path in sorted((cycle.out / "payers").glob("*/*.x12"))]
        assert sums_by_account(ledger) == before
    total = again.total()
    assert (total["batched"], total["paid_amount"], total["adjusted"], total["patient"]) == (0, ZERO, ZERO, ZERO)
    assert sum(w.recorded_before for w in again.weeks) == 320        # sent or held before: none is built again
    assert again.outcomes == cycle.summary.outcomes
    assert not any(era.status == "posted" for r in results for era in r.eras)
