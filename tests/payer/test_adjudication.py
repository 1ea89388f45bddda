"""The payer simulator's adjudication, checked against numbers worked out by hand from the test profile
(tests/payer/support.py: the commercial example's fictional fee schedule — 99214 $138, 87880 $17, 94640 $19,
99213 $98 — with deductible $100, coinsurance 20%, copay $20 at place of service 11)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from tests.payer.support import cas, check_balanced, claim, profile, run, segments_835, variant, SAMPLE

D = Decimal


def amounts(elements: list[str]) -> list[Decimal]:
    return [Decimal(e) for e in elements]


def test_pcn1001_by_hand(tmp_path: Path) -> None:
    """PCN1001 (charges 150 + 35 + 50): 99214 allowed 138 (CO-45 12), copay 20, deductible 100, coinsurance
    20% of 18 = 3.60, paid 14.40; 87880 allowed 17 (CO-45 18), coinsurance 3.40, paid 13.60; 94640 allowed 19
    (CO-45 31), coinsurance 3.80, paid 15.20. CLP04 43.20, CLP05 130.80."""
    run([SAMPLE], tmp_path / "out", profile(tmp_path))
    segs = claim(tmp_path / "out", "PCN1001")
    clp = segs[0]
    assert clp[2] == "1" and amounts(clp[3:6]) == [D("235"), D("43.20"), D("130.80")]
    svcs = [i for i, s in enumerate(segs) if s[0] == "SVC"]
    lines = [segs[i:j] for i, j in zip(svcs, svcs[1:] + [len(segs)])]
    expected = [
        ("HC:99214:25", "150.00", "14.40", [("CO", "45", D("12.00")), ("PR", "1", D("100.00")), ("PR", "2", D("3.60")),
                                           ("PR", "3", D("20.00"))], "1001L1", "138.00"),
        ("HC:87880:QW", "35.00", "13.60", [("CO", "45", D("18.00")), ("PR", "2", D("3.40"))], "1001L2", "17.00"),
        ("HC:94640:59", "50.00", "15.20", [("CO", "45", D("31.00")), ("PR", "2", D("3.80"))], "1001L3", "19.00"),
    ]
    for line, (code, charge, paid, adjustments, ref, allowed) in zip(lines, expected):
        assert line[0][1] == code and amounts(line[0][2:4]) == [D(charge), D(paid)]
        assert [a for s in line if s[0] == "CAS" for a in cas(s)] == adjustments
        assert ["REF", "6R", ref] in line          # the 837's line control number, echoed
        assert D(next(s for s in line if s[:2] == ["AMT", "B6"])[2]) == D(allowed)


def test_deductible_carries_over_in_the_state_file(tmp_path: Path) -> None:
    """A second file for the same member (JANE, FAKE00000001) in the same plan year: the $100 deductible was met
    by PCN1001, so PCN2001's 99214 is copay 20, coinsurance 20% of 118 = 23.60, paid 94.40; without the state file
    the deductible is charged again (PR-1 100)."""
    payer = profile(tmp_path)
    state = tmp_path / "payer.json"
    second = variant(tmp_path, "second", ("PCN1001", "PCN2001"), ("PCN1002", "PCN2002"), ("PCN1003", "PCN2003"))
    run([SAMPLE], tmp_path / "one", payer, state=state)
    run([second], tmp_path / "two", payer, state=state, as_of=date(2025, 2, 3))
    line = claim(tmp_path / "two", "PCN2001")
    svc = next(s for s in line if s[0] == "SVC")
    assert svc[1] == "HC:99214:25" and amounts(svc[2:4]) == [D("150"), D("94.40")]
    assert [a for s in line[line.index(svc):] if s[0] == "CAS" for a in cas(s)][:3] == [
        ("CO", "45", D("12.00")), ("PR", "2", D("23.60")), ("PR", "3", D("20.00"))]
    run([second], tmp_path / "fresh", payer, as_of=date(2025, 2, 3))
    assert ("PR", "1", D("100.00")) in [a for s in claim(tmp_path / "fresh", "PCN2001") if s[0] == "CAS"
                                         for a in cas(s)]


def test_dependent_claim_by_hand(tmp_path: Path) -> None:
    """PCN1002 (JIMMY, on JOHN's plan FAKE00000002): 99213 charge 125, allowed 98, CO-45 27, copay 20, deductible
    78 (of 100), paid 0: CLP02 1 (processed), CLP05 98; NM1*QC the patient, NM1*IL the member id."""
    run([SAMPLE], tmp_path / "out", profile(tmp_path))
    segs = claim(tmp_path / "out", "PCN1002")
    assert segs[0][2] == "1" and amounts(segs[0][3:6]) == [D("125"), D("0"), D("98")]
    assert [a for s in segs if s[0] == "CAS" for a in cas(s)] == [
        ("CO", "45", D("27.00")), ("PR", "1", D("78.00")), ("PR", "3", D("20.00"))]
    assert ["NM1", "IL", "1", "DOE", "JOHN", "", "", "", "MI", "FAKE00000002"] in segs


def test_downcoded_em_level(tmp_path: Path) -> None:
    """downcode_rate 1: 99214 is paid as 99213 (SVC01), SVC06 the billed 99214; allowed 98, CO-45 = 150 − 138,
    CO-150 = 138 − 98 = 40."""
    run([SAMPLE], tmp_path / "out", profile(tmp_path, downcode_rate="1"))
    segs = claim(tmp_path / "out", "PCN1001")
    svc = next(s for s in segs if s[0] == "SVC")
    assert svc[1] == "HC:99213:25" and svc[6] == "HC:99214:25"
    line = segs[segs.index(svc):]
    line = line[:next(i for i in range(1, len(line)) if line[i][0] == "SVC")]
    assert ("CO", "150", D("40.00")) in [a for s in line if s[0] == "CAS" for a in cas(s)]
    assert D(next(s for s in line if s[:2] == ["AMT", "B6"])[2]) == D("98")


def test_split_claim(tmp_path: Path) -> None:
    """split_over_lines 2: PCN1001's three lines come back as two claim payments, CLP07 suffixed 1 and 2."""
    run([SAMPLE], tmp_path / "out", profile(tmp_path, split_over_lines="2"))
    clps = [s for s in segments_835(tmp_path / "out") if s[0] == "CLP" and s[1] == "PCN1001"]
    assert amounts([c[3] for c in clps]) == [D("185"), D("50")]
    assert clps[0][7][:-1] == clps[1][7][:-1] and clps[0][7] != clps[1][7]
    check_balanced(tmp_path / "out")


def test_crossover(tmp_path: Path) -> None:
    """PCN1003 lists another payer (2320): with a crossover payer in the profile it is processed and forwarded
    (NM1*TT); it is billed to its second coverage (SBR01 S), so processed as secondary: CLP02 20, not 19."""
    payer = profile(tmp_path, crossover='{ name = "EXAMPLE SUPPLEMENT", id = "EXSUP" }')
    covered = variant(tmp_path, "covered", ("MI*FAKE00000003", "MI*FAKE00000033"))   # not the roster's ended one
    run([covered], tmp_path / "out", payer)
    segs = claim(tmp_path / "out", "PCN1003")
    assert segs[0][2] == "20"
    assert ["NM1", "TT", "2", "EXAMPLE SUPPLEMENT", "", "", "", "", "PI", "EXSUP"] in segs


def test_payment_date_and_interest(tmp_path: Path) -> None:
    """Received 2025-01-20, paid 60 days later (2025-03-21), prompt pay 30 days: interest on PCN1001's 43.20 at
    12% a year for 30 days = 0.43 (PLB L6, negative: added to the payment)."""
    run([SAMPLE], tmp_path / "out", profile(tmp_path, lag_days="[60, 60]", interest_rate="0.12"))
    segs = segments_835(tmp_path / "out")
    bpr = next(s for s in segs if s[0] == "BPR")
    assert bpr[16] == "20250321"
    plb = next(s for s in segs if s[0] == "PLB")
    items = {plb[k].split(":")[1]: D(plb[k + 1]) for k in range(3, len(plb), 2)}
    pcn1001 = claim(tmp_path / "out", "PCN1001")[0][7]
    assert items[pcn1001] == D("-0.43")
    assert check_balanced(tmp_path / "out") == 3


def test_institutional_claim_by_hand(tmp_path: Path) -> None:
    """HOSP0001 (837I, bill type 111): every line allowed 55% of its charge (percent_of_charge), no copay (no place
    of service), deductible 100 on the first line, coinsurance 20%:
    room 0120 4500 → allowed 2475, PR-1 100, PR-2 475, paid 1900; pharmacy 0250 240.50 → 132.28 (132.275 rounded
    half up), PR-2 26.46, paid 105.82; lab 0300 80053 95 → 52.25, PR-2 10.45, paid 41.80; 0324 71046 210 →
    115.50, PR-2 23.10, paid 92.40. CLP04 2140.02, CLP05 635.01; CLP08 11 (facility type), CLP09 1."""
    from tests.payer.support import ROOT

    run([ROOT / "samples" / "837i-inpatient.x12"], tmp_path / "out", profile(tmp_path))
    segs = claim(tmp_path / "out", "HOSP0001")
    assert segs[0][2] == "1" and amounts(segs[0][3:6]) == [D("5045.5"), D("2140.02"), D("635.01")]
    assert segs[0][8:10] == ["11", "1"]
    svcs = [s for s in segs if s[0] == "SVC"]
    assert [(s[1], D(s[3])) for s in svcs] == [("NU:0120", D("1900.00")), ("NU:0250", D("105.82")),
                                                ("HC:80053", D("41.80")), ("HC:71046", D("92.40"))]
    assert svcs[2][4] == "0300" and svcs[0][5] == "3"          # SVC04 revenue code with a HCPCS; SVC05 units
    assert ("PR", "1", D("100.00")) in [a for s in segs if s[0] == "CAS" for a in cas(s)]
