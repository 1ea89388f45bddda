"""Small hand-written 835s (and the claims they pay) for the golden posting tests: segments as text, the
envelope and SE count added here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from edi.ledger import Claim, Coverage, Encounter, Line, Person


def interchange(*transactions: list[str], control: str = "000000101") -> bytes:
    """An interchange with one functional group holding these 835 bodies (segments between ST and SE)."""
    out = [f"ISA*00*          *00*          *ZZ*TESTPAYER      *ZZ*TESTPROVIDER   *250301*1200*^*00501*{control}*0*T*:",
           "GS*HP*TESTPAYER*TESTPROVIDER*20250301*1200*1*X*005010X221A1"]
    for n, body in enumerate(transactions, 1):
        st = f"{n:04d}"
        out += [f"ST*835*{st}", *body, f"SE*{len(body) + 2}*{st}"]
    out += [f"GE*{len(transactions)}*1", f"IEA*1*{control}"]
    return ("~\n".join(out) + "~\n").encode()


def header(bpr02: str, trace: str) -> list[str]:
    return [f"BPR*I*{bpr02}*C*ACH*CCP*01*999999992*DA*1234567*1999999999**01*999999991*DA*7654321*20250301",
            f"TRN*1*{trace}*1999999999", "N1*PR*TEST HEALTH PLAN*XV*TESTHP", "N3*PO BOX 1", "N4*SPRINGFIELD*IL*62705",
            "PER*BL*EDI*TE*8005550198", "N1*PE*TEST PRACTICE*XX*1234567893", "LX*1"]


def claim(clm01: str, *lines: tuple[str, str, str, tuple[str, ...]], dos: date = date(2025, 1, 10)) -> Encounter:
    """An encounter with one primary claim; lines are (control number, procedure, charge, modifiers)."""
    patient = Person(f"ACCT-{clm01}", "TESTPATIENT", "PAT")
    built = tuple(Line(n, lcn, Decimal(charge), Decimal(1), dos, dos, code, mods)
                  for n, (lcn, code, charge, mods) in enumerate(lines, 1))
    total = sum((line.charge for line in built), Decimal(0))
    return Encounter(f"ENC-{clm01}", "professional", patient, dos, dos, "1234567893",
                     (Coverage(1, "TESTHP", "TEST HEALTH PLAN", "M123"),),
                     (Claim(clm01, 1, total, "1234567893", dos, dos, built),))


GOLDEN_CLAIMS = [
    claim("GOLD1", ("G1L1", "99213", "100", ()), ("G1L2", "81002", "20", ())),
    claim("GOLD2", ("G2L1", "99214", "150", ("25", "GT"))),
    claim("GOLD3-LONGCLAIMNUM01", ("G3L1", "99212", "80", ())),
    claim("GOLD5", ("G5L1", "99215", "200", ())),
    claim("GOLD6", ("G6L1", "99213", "60", ()), ("G6L2", "99000", "40", ())),
    claim("GOLD7", ("G7L1", "99213", "100", ())),
]

# ERA A, every amount checked by hand:
# GOLD1 paid: 99213 100 = 80 paid + CO-45 10 + PR-3 10 (copay); 81002 20 = 15 + CO-45 5; CLP 120 = 95 + 25.
# GOLD2 partial, no REF*6R, GT modifier dropped by the payer: 150 = 100 + CO-45 50; AMT*I 2.50 inside CLP04 102.50.
# GOLD3 denied, CLP01 cut to 15 characters, claim-level CAS CO-16 80 with MOA N290 → credentialing, resubmit-7.
# GOLD5 paid 160 (CO-45 40), CLP07 P5.
# UNKNOWN9 matches nothing: its 40 goes to suspense.
# GOLD6 first part of a split claim: line 1 60 = 50 + CO-45 10.
# PLB: WO 12.00 naming GOLD1, L6 −3.00 (interest, raises the payment), CS 1.50 without a reference.
# Σ CLP04 = 95 + 102.50 + 0 + 160 + 40 + 50 = 447.50; Σ PLB = 12 − 3 + 1.50 = 10.50; BPR02 = 437.00.
ERA_A = header("437", "TRACEA") + [
    "CLP*GOLD1*1*120*95*10*12*P1*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
    "SVC*HC:99213*100*80", "DTM*472*20250110", "CAS*CO*45*10", "CAS*PR*3*10", "REF*6R*G1L1",
    "SVC*HC:81002*20*15", "DTM*472*20250110", "CAS*CO*45*5", "REF*6R*G1L2",
    "CLP*GOLD2*1*150*102.5**12*P2*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123", "AMT*I*2.5",
    "SVC*HC:99214:25*150*100", "DTM*472*20250110", "CAS*CO*45*50",
    "CLP*GOLD3-LONGCLAI*4*80*0**12*P3*11*1", "CAS*CO*16*80", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
    "MOA***N290",
    "CLP*GOLD5*1*200*160**12*P5*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
    "SVC*HC:99215*200*160", "DTM*472*20250110", "CAS*CO*45*40", "REF*6R*G5L1",
    "CLP*UNKNOWN9*1*50*40**12*P9*11*1", "CAS*CO*45*10", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
    "CLP*GOLD6*1*60*50**12*P6*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
    "SVC*HC:99213*60*50", "DTM*472*20250110", "CAS*CO*45*10", "REF*6R*G6L1",
    "PLB*1234567893*20251231*WO:GOLD1*12*L6*-3*CS*1.5",
]

# ERA B (a later check):
# GOLD5 reversed (CLP02 22, all amounts negated: −200 = −160 + CO-45 −40) and corrected (200 = 170 + CO-45 30):
#   net paid on GOLD5 over both ERAs 160 − 160 + 170 = 170.
# GOLD6 second part of the split claim: 99000 40 = 0 + CO-97 40 (a zero-paid line → coding, write-off).
# GOLD7 crossover (CLP02 19, NM1*TT): 100 = 70 + CO-45 10 + PR-1 20 (deductible).
# PLB FB 5.00 naming P5 (GOLD5's payer claim number from ERA A).
# Σ CLP04 = −160 + 170 + 0 + 70 = 80; BPR02 = 80 − 5 = 75.
ERA_B = header("75", "TRACEB") + [
    "CLP*GOLD5*22*-200*-160**12*P5*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
    "SVC*HC:99215*-200*-160", "DTM*472*20250110", "CAS*CO*45*-40", "REF*6R*G5L1",
    "CLP*GOLD5*1*200*170**12*P5B*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
    "SVC*HC:99215*200*170", "DTM*472*20250110", "CAS*CO*45*30", "REF*6R*G5L1",
    "CLP*GOLD6*1*40*0**12*P6B*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123",
    "SVC*HC:99000*40*0", "DTM*472*20250110", "CAS*CO*97*40", "REF*6R*G6L2",
    "CLP*GOLD7*19*100*70*20*12*P7*11*1", "NM1*QC*1*TESTPATIENT*PAT****MI*M123", "NM1*TT*2*MEDIGAP PLAN*****PI*77777",
    "SVC*HC:99213*100*70", "DTM*472*20250110", "CAS*CO*45*10", "CAS*PR*1*20", "REF*6R*G7L1",
    "PLB*1234567893*20251231*FB:P5*5",
]
