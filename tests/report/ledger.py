"""A small fixed ledger for the report's tests, built with the library: ten encounters recorded by a `claims build`
run, their status events (held, submitted, 999/277CA accepted or rejected) and one hand-written 835 posted with
`edi.posting.post_file`; a payer profile and an E/M benchmark written beside it. Every KPI it gives is worked out
by hand in tests/report/test_kpis.py."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from edi.ledger import ClaimStatus, Ledger, StatusEvent
from edi.posting import post_file
from tests.posting.era import claim, header, interchange

AS_OF = date(2025, 3, 31)
PAYER = "TESTHP"           # the coverage's payer id (tests/posting/era.py), named TEST HEALTH PLAN

# CLM01 → (procedure, charge, date of service)
CLAIMS = {
    "C1": ("99213", "100", date(2025, 1, 10)),     # paid 72, CO-45 20, PR-3 8
    "C2": ("99214", "150", date(2025, 1, 15)),     # paid 90, CO-45 40, CO-150 10 (downcoded), PR-2 10
    "C3": ("99213", "100", date(2025, 1, 20)),     # denied (CLP02 4): CO-16 100
    "C4": ("99214", "150", date(2025, 2, 20)),     # accepted, not paid yet
    "C5": ("99213", "100", date(2024, 11, 15)),    # accepted, not paid yet (old)
    "C6": ("99213", "100", date(2025, 1, 5)),      # held by the scrubber
    "C7": ("99213", "100", date(2025, 3, 1)),      # 999 accepted, then 277CA rejected
    "C8": ("99213", "100", date(2025, 3, 10)),     # paid 0: its line CO-97 100 (bundled)
    "C9": ("99215", "200", date(2025, 3, 25)),     # submitted, no answer yet
    "C10": ("99215", "200", date(2025, 3, 25)),    # submitted, no answer yet
}

ERA = header("162", "TRACE1") + [
    "CLP*C1*1*100*72*8*12*P1*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
    "SVC*HC:99213*100*72", "DTM*472*20250110", "CAS*CO*45*20", "CAS*PR*3*8", "REF*6R*C1L1",
    "CLP*C2*1*150*90*10*12*P2*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
    "SVC*HC:99214*150*90", "DTM*472*20250115", "CAS*CO*45*40**150*10", "CAS*PR*2*10", "REF*6R*C2L1",
    "CLP*C3*4*100*0**12*P3*11*1", "CAS*CO*16*100", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
    "CLP*C8*1*100*0**12*P8*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
    "SVC*HC:99213*100*0", "DTM*472*20250310", "CAS*CO*97*100", "REF*6R*C8L1",
]   # Σ CLP04 = 72 + 90 + 0 + 0 = 162 = BPR02 (paid 2025-03-01, BPR16)

PROFILE = f"""
[payer]
name = "Test Health Plan (test profile)"
ids = ["{PAYER}"]
[scrub]
timely_filing_days = 90
[adjudication]
fee_schedule_source = "fictional, for the report tests"
fee_schedule = {{ "99213" = 80.00, "99214" = 110.00 }}
"""

BENCHMARK = """# fictional, for the report tests
specialty,taxonomy,category,code,share,source
test specialty,*,established,99211,0,FICTIONAL
test specialty,*,established,99212,30,FICTIONAL
test specialty,*,established,99213,60,FICTIONAL
test specialty,*,established,99214,10,FICTIONAL
test specialty,*,established,99215,0,FICTIONAL
"""


def _at(day: int) -> datetime:
    return datetime(2025, 3, day, 12, tzinfo=UTC)


def build(ledger: Ledger, folder: Path) -> tuple[Path, Path]:
    """Record the claims, their events and the ERA; returns (payer profiles folder, benchmark file)."""
    encounters = [claim(clm01, (f"{clm01}L1", code, charge, ()), dos=dos) for clm01, (code, charge, dos) in
                  CLAIMS.items()]
    with ledger.transaction(run="claims build") as journal:
        recorded = journal.record_encounters(encounters)
        ids = {r.claims[0].patient_control_number: r.claims[0].claim_id for r in recorded}
        events = []
        for clm01, claim_id in ids.items():
            if clm01 == "C6":
                events.append(StatusEvent(claim_id, ClaimStatus.HELD, f"held:{clm01}", _at(1)))
                continue
            events.append(StatusEvent(claim_id, ClaimStatus.SUBMITTED, f"submitted:{clm01}", _at(2)))
            if clm01 in ("C1", "C2", "C3", "C4", "C5", "C7", "C8"):
                events.append(StatusEvent(claim_id, ClaimStatus.ACCEPTED, f"999:{clm01}", _at(3)))
            if clm01 == "C7":
                events.append(StatusEvent(claim_id, ClaimStatus.REJECTED, f"277ca:{clm01}", _at(4), "A7:21"))
        journal.record_status(events)
    era = folder / "era.835"
    era.write_bytes(interchange(ERA))
    result = post_file(ledger, era)
    assert [e.status for e in result.eras] == ["posted"], result
    payers = folder / "payers"
    payers.mkdir()
    (payers / "test.toml").write_text(PROFILE, encoding="utf-8")
    bench = folder / "em-levels.csv"
    bench.write_text(BENCHMARK, encoding="utf-8")
    return payers, bench
