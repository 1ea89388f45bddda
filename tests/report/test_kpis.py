"""Every KPI of the fixed ledger (tests/report/ledger.py) against values worked out by hand, on SQLite and
PostgreSQL. The ledger, as of 2025-03-31, all claims to TESTHP (fee schedule 99213 80.00, 99214 110.00; timely
filing 90 days), one NPI (1234567893):

    CLM01 code  charge DOS         what happened                                  posted (one ERA, paid 2025-03-01)
    C1    99213 100    2025-01-10  submitted, accepted, paid                      72 paid, CO-45 20, PR-3 8
    C2    99214 150    2025-01-15  submitted, accepted, paid                      90 paid, CO-45 40, CO-150 10, PR-2 10
    C3    99213 100    2025-01-20  submitted, accepted, denied (CLP02 4)          CO-16 100 (claim level)
    C4    99214 150    2025-02-20  submitted, accepted                            -
    C5    99213 100    2024-11-15  submitted, accepted                            -
    C6    99213 100    2025-01-05  held by the scrubber                           -
    C7    99213 100    2025-03-01  submitted, 999 accepted, 277CA rejected        -
    C8    99213 100    2025-03-10  submitted, accepted, line paid 0               CO-97 100 (line)
    C9    99215 200    2025-03-25  submitted                                      -
    C10   99215 200    2025-03-25  submitted                                      -
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from edi.ledger import Ledger
from edi.report import Kpis, compute, headline
from tests.report.ledger import AS_OF, build

D = Decimal
PAYER = "TEST HEALTH PLAN (TESTHP)"


@pytest.fixture
def kpis(ledger: Ledger, tmp_path: Path) -> Kpis:
    payers, bench = build(ledger, tmp_path)
    return compute(ledger, AS_OF, payers=payers, benchmark_file=bench)


def test_claims_out_clean_accepted_and_paid_first_time(kpis: Kpis) -> None:
    # clean claims: 10 encounters recorded by `claims build`, C6 held → 9 of 10
    assert (9, 10, 0.9) == (kpis.clean_claim.numerator, kpis.clean_claim.denominator, kpis.clean_claim.rate)
    # first-pass acceptance: answered by 999/277CA are C1-C5, C7, C8 (7); C7 was rejected → 6 of 7 = 0.857142…
    fpa = kpis.first_pass_acceptance
    assert (6, 7, 0.8571) == (fpa.numerator, fpa.denominator, fpa.rate)
    # first-pass payment: remitted C1, C2, C3, C8 (4); C3 denied, C8's line denied → C1, C2: 2 of 4
    fpp = kpis.first_pass_payment
    assert (2, 4, 0.5) == (fpp.numerator, fpp.denominator, fpp.rate)
    assert 10 == kpis.claims


def test_denial_rates_by_root_cause_payer_and_carc(kpis: Kpis) -> None:
    d = kpis.denials
    # C3 (claim denied) and C8 (a line paid 0) of the 4 remitted: 2 of 4
    assert (2, 4, 0.5) == (d.initial.numerator, d.initial.denominator, d.initial.rate)
    # charges of the denied claims: C3 100 + C8 100 = 200 of CLP03 100 + 150 + 100 + 100 = 450 → 0.4444…
    assert (D("200"), D("450"), 0.4444) == (d.initial_amount, d.charges_remitted, d.amount_rate)
    # CO-16 (no RARC) routes to billing, CO-97 to coding (mappings/posting/denials.toml); equal counts and
    # amounts sort by name
    assert [("billing", 1, 1, D("100")), ("coding", 1, 1, D("100"))] == \
        [(g.key, g.items, g.claims, g.amount) for g in d.by_root_cause]
    assert [(PAYER, 2, 2, D("200"), 0.5)] == [(g.key, g.items, g.claims, g.amount, g.rate) for g in d.by_payer]
    assert ["CO-16", "CO-97"] == [g.key for g in d.by_carc]
    assert [("CO-16", "billing", "resubmit-7"), ("CO-97", "coding", "write-off")] == \
        [(r.code, r.root_cause, r.action) for r in d.top_reasons]
    assert d.top_reasons[1].fix == "bundled into another service paid on the same day"   # denials.toml's note


def test_receivables_days_in_ar_and_aging(kpis: Kpis) -> None:
    r = kpis.receivables
    # insurance: C4 150 (39 days from 2025-02-20 to 2025-03-31: 31-60), C5 100 (136 days: 120+), C9 and C10 200
    # each (6 days: 0-30). C1 100-72-20-8 = 0, C2 150-90-40-10-10 = 0, C3 100-100 = 0, C8 100-100 = 0 are closed
    # with the payer; C6 (held) and C7 (rejected) are not at a payer.
    # patient: C1's PR-3 8 and C2's PR-2 10, left to the patient by the ERA paid 2025-03-01 (30 days: 0-30).
    assert (D("650"), 4, D("18"), 2) == (r.insurance, r.insurance_claims, r.patient, r.patient_claims)
    assert (D("668"), 6) == (r.total, r.claims_open)                 # 650 + 18, 4 + 2
    assert [PAYER, "all payers", "patient", "total"] == [row.payer for row in r.aging]
    assert [D("400"), D("150"), D("0"), D("0"), D("100")] == r.aging[1].buckets
    assert [D("18"), D("0"), D("0"), D("0"), D("0")] == r.aging[2].buckets
    assert [D("418"), D("150"), D("0"), D("0"), D("100")] == r.aging[3].buckets    # 400 + 18 in 0-30
    assert [4, 1, 0, 0, 1] == r.aging[3].claims
    # net revenue of services after 2024-12-31: C1 100-20, C2 150-40, C3 100, C4 150, C8 100, C9 200, C10 200
    # = 80 + 110 + 100 + 150 + 100 + 200 + 200 = 940 (C5 is older; CO-45 is the contractual adjustment)
    assert D("940") == r.net_revenue_90_days
    assert D("10.44") == r.average_daily_net_revenue                 # 940 / 90 = 10.444…
    assert 64.0 == r.days_in_ar                                      # 668 × 90 / 940 = 63.957…
    assert (D("100"), 0.1497) == (r.aged_over_90, r.aged_over_90_rate)   # C5; 100 / 668 = 0.14970…


def test_collection_rates(kpis: Kpis) -> None:
    c = kpis.collections
    # billed to the payer: C1-C5, C8-C10 = 100+150+100+150+100+100+200+200 = 1100; contractual CO-45 20+40 = 60
    assert (D("1100"), D("60"), D("1040"), D("162")) == (c.gross_charges, c.contractual, c.net_revenue, c.payments)
    assert (0.1473, 0.1558) == (c.gross_collection_rate, c.net_collection_rate)   # 162/1100, 162/1040
    assert D("18") == c.patient_responsibility      # C1 PR-3 8 + C2 PR-2 10 (the last payer's: the only one)


def test_underpayments_against_the_fee_schedule(kpis: Kpis) -> None:
    u = kpis.underpayments
    # paid lines: C1 99213 allowed 72+8 = 80 = contract 80; C2 99214 allowed 90+10 = 100 < contract 110: short 10
    assert (2, 1, D("10")) == (u.lines_checked, u.lines, u.amount)
    [line] = u.top
    assert ("C2", 1, "99214", D("110"), D("100"), D("10"), "CO-150 10.00") == \
        (line.claim, line.line, line.procedure, line.expected, line.allowed, line.short, line.reasons)


def test_claims_at_risk_of_timely_filing(kpis: Kpis) -> None:
    # C6 held: 2025-01-05 + 90 days = 2025-04-05, 5 days left; C3 denied to be resubmitted: 2025-04-20, 20 left;
    # C7 rejected: 2025-05-30, 60 left (not yet at risk: the window is 30 days)
    assert [("C6", 5, "held"), ("C3", 20, "denied")] == [(r.claim, r.days_left, r.status) for r in kpis.timely_filing]


def test_em_levels_against_the_benchmark(kpis: Kpis) -> None:
    [em] = kpis.em_levels
    # established visits: 99213 × 6 (C1 C3 C5 C6 C7 C8), 99214 × 2 (C2 C4), 99215 × 2 (C9 C10)
    assert ("1234567893", "established") == (em.provider, em.category)
    assert {"99211": 0, "99212": 0, "99213": 6, "99214": 2, "99215": 2} == em.counts
    # mean level (3×6 + 4×2 + 5×2) / 10 = 3.6; benchmark (2×30 + 3×60 + 4×10) / 100 = 2.8: 0.8 above → overcoding
    assert (3.6, 2.8, "likely overcoding") == (em.mean_level, em.benchmark_level, em.flag)


def test_headline_has_the_numbers(kpis: Kpis) -> None:
    lines = headline(kpis)
    assert 5 <= len(lines) <= 8
    assert lines[0].startswith("Clean-claim rate 90.0% (9 of 10 encounters")
    assert "Days in A/R 64.0: $668.00 total A/R - insurance $650.00 on 4 claims, patient $18.00 on 2 claims; " \
        "15.0% over 90 days" in lines


def test_as_of_leaves_out_later_services_and_remittances(ledger: Ledger, tmp_path: Path) -> None:
    """As of 2025-02-28 the ERA (paid 2025-03-01) and the services after that day are not counted yet."""
    payers, bench = build(ledger, tmp_path)
    kpis = compute(ledger, date(2025, 2, 28), payers=payers, benchmark_file=bench)
    assert 6 == kpis.claims                                           # C1-C6 were served by then
    assert (0, 0, None) == (kpis.first_pass_payment.numerator, kpis.first_pass_payment.denominator,
                            kpis.first_pass_payment.rate)
    assert kpis.denials.initial.rate is None
    # nothing paid yet: C1 100 (49 days), C2 150 (44), C3 100 (39) in 31-60; C4 150 (8) in 0-30; C5 100 (105) in
    # 91-120; C6 is held; no patient A/R yet
    assert [D("150"), D("350"), D("0"), D("100"), D("0")] == kpis.receivables.aging[-1].buckets
    assert D("0") == kpis.receivables.patient
    assert D("600") == kpis.receivables.total
