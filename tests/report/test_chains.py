"""How the report nets what payers send over several remittances and payers, on SQLite and PostgreSQL, worked out
by hand: the posting tests' golden ERAs (tests/posting/era.py: a reversal and its correction, a split claim, a
crossover, interest, a denial) and a claim billed to a secondary payer after its primary paid."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from edi.ledger import Claim, ClaimStatus, Coverage, Encounter, Ledger, Line, Person, StatusEvent
from edi.posting import post_file
from edi.report import compute
from tests.posting.era import ERA_A, ERA_B, GOLDEN_CLAIMS, header, interchange

D = Decimal
AS_OF = date(2025, 3, 31)


def _post(ledger: Ledger, path: Path, *bodies: list[str], control: str = "000000101") -> None:
    path.write_bytes(interchange(*bodies, control=control))
    assert all(e.status == "posted" for e in post_file(ledger, path).eras)


def test_reversals_split_claims_and_crossovers_net_out(ledger: Ledger, tmp_path: Path) -> None:
    with ledger.transaction(run="claims build") as journal:
        journal.record_encounters(GOLDEN_CLAIMS)
    _post(ledger, tmp_path / "a.835", ERA_A)
    _post(ledger, tmp_path / "b.835", ERA_B, control="000000102")
    kpis = compute(ledger, AS_OF)
    # every claim is settled with its payer: GOLD1 120 = 95 + CO-45 15 + PR 10; GOLD2 150 = 100 + 50 (its 2.50 is
    # interest); GOLD3 80 denied CO-16; GOLD5 200 = 160 − 160 + 170 paid + 40 − 40 + 30 CO-45 (reversed and
    # corrected); GOLD6 100 = 50 + CO-45 10 + CO-97 40 (split over both ERAs); GOLD7 100 = 70 + CO-45 10 + PR-1 20.
    # Left open: GOLD1's PR 10 to the patient (patient A/R), aged from the ERA's payment date 2025-03-01: 30 days
    # to 2025-03-31 → 0-30; GOLD7's PR 20 waits on the payer TESTHP crossed it over to (insurance A/R, by the
    # payer that forwarded it), aged from its service date 2025-01-10: 21 + 28 + 31 = 80 days → 61-90
    r = kpis.receivables
    assert (D("30"), 2, D("20"), 1, D("10"), 1) == \
        (r.total, r.claims_open, r.insurance, r.insurance_claims, r.patient, r.patient_claims)
    assert [("crossed over by TEST HEALTH PLAN (TESTHP)", [D("0"), D("0"), D("20"), D("0"), D("0")]),
            ("all payers", [D("0"), D("0"), D("20"), D("0"), D("0")]),
            ("patient", [D("10"), D("0"), D("0"), D("0"), D("0")]),
            ("total", [D("10"), D("0"), D("20"), D("0"), D("0")])] == [(row.payer, row.buckets) for row in r.aging]
    # days in A/R: 30 open × 90 ÷ net revenue of the last 90 days (every service on 2025-01-10: charges 750 −
    # CO-45 115 = 635, below) = 4.25… → 4.3
    assert (D("635"), 4.3) == (r.net_revenue_90_days, r.days_in_ar)
    c = kpis.collections
    # charges 120 + 150 + 80 + 200 + 100 + 100 = 750; CO-45 15 + 50 + 30 + 10 + 10 = 115; paid 95 + 100 + 170
    # + 50 + 70 = 485 (interest and PLB are not payments for services)
    assert (D("750"), D("115"), D("485")) == (c.gross_charges, c.contractual, c.payments)
    assert (0.6467, 0.7638) == (c.gross_collection_rate, c.net_collection_rate)    # 485/750, 485/635
    assert D("10") == c.patient_responsibility       # GOLD1's PR-3 10; GOLD7's 20 waits on the crossover payer
    # first remittances: GOLD1 2 3 5 6 (ERA A) and GOLD7 (ERA B, crossover CLP02 19): only GOLD3 denied; GOLD6's
    # CO-97 came on its second remittance (not an initial denial) but is a denial by root cause
    assert (1, 6) == (kpis.denials.initial.numerator, kpis.denials.initial.denominator)
    assert (5, 6) == (kpis.first_pass_payment.numerator, kpis.first_pass_payment.denominator)
    assert [("coding", D("40")), ("credentialing", D("80"))] == \
        sorted((g.key, g.amount) for g in kpis.denials.by_root_cause)    # CO-97 40; CO-16 with N290 80


def test_a_secondary_claim_asks_what_the_primary_left_the_patient(ledger: Ledger, tmp_path: Path) -> None:
    dos = date(2025, 1, 10)
    patient = Person("ACCT-X1", "TESTPATIENT", "PAT")
    lines = (Line(1, "X1L1", D("100"), D("1"), dos, dos, "99213"),)
    encounter = Encounter("ENC-X1", "professional", patient, dos, dos, "1234567893",
                          (Coverage(1, "TESTHP", "TEST HEALTH PLAN", "M123"),
                           Coverage(2, "MGAP", "MEDIGAP PLAN", "G77")),
                          (Claim("X1", 1, D("100"), "1234567893", dos, dos, lines),
                           Claim("X1", 2, D("100"), "1234567893", dos, dos, lines)))
    with ledger.transaction(run="claims build") as journal:
        [recorded] = journal.record_encounters([encounter])
        journal.record_status(StatusEvent(c.claim_id, ClaimStatus.SUBMITTED, f"submitted:{c.payer_order}",
                                          datetime(2025, 1, 11, tzinfo=UTC)) for c in recorded.claims)
    # the primary: 100 = 70 paid + CO-45 10 + PR-1 20 (deductible); BPR02 70
    _post(ledger, tmp_path / "p.835", header("70", "TRACEP") + [
        "CLP*X1*1*100*70*20*12*PX1*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
        "SVC*HC:99213*100*70", "DTM*472*20250110", "CAS*CO*45*10", "CAS*PR*1*20", "REF*6R*X1L1"])
    before = compute(ledger, AS_OF).receivables
    # the primary is settled (100 − 70 − 10 − 20 = 0); the secondary is asked for the patient's 20, aged 80 days
    # (2025-01-10 to 2025-03-31: 21 + 28 + 31) → 61-90, under its payer; the patient owes nothing yet (the
    # secondary has not answered)
    assert [("MEDIGAP PLAN (MGAP)", [D("0"), D("0"), D("20"), D("0"), D("0")])] == \
        [(row.payer, row.buckets) for row in before.aging[:-3]]
    assert (D("20"), D("20"), D("0")) == (before.total, before.insurance, before.patient)
    # the secondary pays the 20: 100 = 20 paid + OA-23 80 (the prior payer's impact, not subtracted again)
    _post(ledger, tmp_path / "s.835", header("20", "TRACES") + [
        "CLP*X1*2*100*20**12*SX1*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
        "SVC*HC:99213*100*20", "DTM*472*20250110", "CAS*OA*23*80", "REF*6R*X1L1"], control="000000102")
    after = compute(ledger, AS_OF)
    assert (D("0"), []) == (after.receivables.total, after.receivables.aging)
    # collected: 70 + 20 = 90 of charges 100 (the primary's; the secondary bills the same service), net 100 − 10
    c = after.collections
    assert (D("100"), D("10"), D("90"), 0.9, 1.0) == (c.gross_charges, c.contractual, c.payments,
                                                      c.gross_collection_rate, c.net_collection_rate)
