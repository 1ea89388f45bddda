"""The mutation suite: one known defect injected into a valid file is caught with the right SNIP type, code and
location, and the acknowledgments reject exactly the right transaction (999) or claim (277CA).

Each base file holds two transactions: a bundled sample's transaction and a copy of it (ST02 0002, claim ids
and the 835 trace number with a "B"). Defects go into the copy, so the 999 must accept ST 0001 and reject ST 0002 — or, for claim-level
business edits, accept both and let the 277CA reject the one claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from conftest import SAMPLES
from edi.acks import build_277ca, build_999, build_ta1
from edi.validate import Report, load_profile, validate


def two_transactions(sample: str) -> str:
    lines = (SAMPLES / sample).read_text("latin-1").split("\n")
    st = next(i for i, line in enumerate(lines) if line.startswith("ST*"))
    se = next(i for i, line in enumerate(lines) if line.startswith("SE*"))
    copy = [line.replace(lines[st].split("*")[2].rstrip("~"), "0002") if line.startswith(("ST*", "SE*")) else
            line.replace("CLM*PCN", "CLM*PCNB").replace("CLP*PCN", "CLP*PCNB").replace("TRN*1*", "TRN*1*B")
            for line in lines[st:se + 1]]
    lines[se + 1:se + 1] = copy
    return "\n".join(line.replace("GE*1*", "GE*2*") if line.startswith("GE*") else line for line in lines)


BASES = {"837p": two_transactions("837p-office-visits.x12"), "837i": two_transactions("837i-inpatient.x12"),
         "835": two_transactions("835-remittance.x12")}


@dataclass(frozen=True)
class Defect:
    name: str
    base: str
    old: str                       # replaced once, in the second transaction (or in the envelope if not found there)
    new: str
    code: str                      # the finding code expected (a prefix is enough)
    snip: int
    segment: str                   # the segment id the finding points at
    element: str | None = None     # the element reference it names
    ack: str = "999"               # "999": ST 0002 rejected; "277ca:<CLM01>[:<entity>]": only that claim rejected
                                   # (with that STC01-3 entity code); "277ca:all:<entity>": every claim of ST 0002
                                   # (an error above the claims); "ta1:<note>": interchange rejected; "ak9":
                                   # group-level error code
    recount: bool = True           # fix SE01 after adding or removing segments (off for defects in SE itself)
    payer: str | None = None       # a payer profile from mappings/payers/ (SNIP 7)
    setup: tuple[tuple[str, str], ...] = ()   # harmless edits first (e.g. a date of service in the code set's year)


def inject(defect: Defect) -> bytes:
    text = BASES[defect.base]
    start = text.index("ST*", text.index("ST*") + 1)
    for old, new in defect.setup:
        text = text[:start] + text[start:].replace(old, new)
    at = text.find(defect.old, start)
    if at < 0:
        assert defect.ack.startswith(("ta1", "ak9")), f"{defect.old!r} is not in the second transaction"
        at = text.index(defect.old)
    text = text[:at] + defect.new + text[at + len(defect.old):]
    return (_recount(text) if defect.recount else text).encode("latin-1")


def _recount(text: str) -> str:
    """Set the second transaction's SE01 to its segment count, so one defect stays one defect."""
    lines = text.split("\n")
    st = [i for i, line in enumerate(lines) if line.startswith("ST*")][1]
    se = next(i for i in range(st, len(lines)) if lines[i].startswith("SE*"))
    parts = lines[se].split("*")
    parts[1] = str(se - st + 1)
    lines[se] = "*".join(parts)
    return "\n".join(lines)


# The bundled 837P's services are dated January 2025; ICD-10-CM findings are errors for dates inside the code
# set's fiscal year (FY2026: 2025-10-01 to 2026-09-30) and warnings outside it.
IN_FY2026 = (("*D8*20250106~", "*D8*20260106~"), ("*D8*20250103~", "*D8*20260103~"))

DEFECTS = [
    # SNIP 1: syntax integrity
    Defect("wrong SE01", "837p", "SE*86*0002", "SE*85*0002", "snip1.envelope.se01.count", 1, "SE", "SE01",
           recount=False),
    Defect("SE02 not ST02", "837p", "SE*86*0002", "SE*86*0003", "snip1.envelope.se02.control", 1, "SE", "SE02",
           recount=False),
    Defect("trailing separator", "837p", "DTP*431*D8*20250103~", "DTP*431*D8*20250103*~",
           "snip1.segment.trailing_separator", 1, "DTP"),
    Defect("character outside the sets", "837p", "NM1*IL*1*DOE*JANE", "NM1*IL*1*DO\u00c9*JANE",
           "snip1.element.invalid_character", 1, "NM1", "NM103"),
    Defect("IEA02 not ISA13", "837p", "IEA*1*000001001", "IEA*1*000001002", "snip1.envelope.iea02.control", 1,
           "IEA", "IEA02", ack="ta1:001"),
    Defect("GE01 wrong count", "837p", "GE*2*", "GE*3*", "snip1.envelope.ge01.count", 1, "GE", "GE01", ack="ak9"),
    # SNIP 2: implementation guide requirements
    Defect("required segment missing", "837p", "N4*SPRINGFIELD*IL*627010001~\n", "", "snip2.loop.missing", 2,
           "NM1"),
    Defect("unknown segment", "837p", "DTP*431*D8*20250103~", "DTP*431*D8*20250103~\nZZZ*1~",
           "snip2.segment.unknown", 2, "ZZZ"),
    Defect("segment where the guide does not allow it", "837p", "DTP*431*D8*20250103~",
           "DTP*431*D8*20250103~\nBHT*0019*00*X*20250115*0930*CH~", "snip2.segment.unexpected", 2, "BHT"),
    Defect("code not in the list", "837p", "CLM*PCNB1001*235***11:B:1*Y*A*", "CLM*PCNB1001*235***11:B:1*Y*Z*",
           "snip2.element.code", 2, "CLM", "CLM07"),
    Defect("value too long", "837p", "CLM*PCNB1001*", "CLM*PCNB1001XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX*",
           "snip2.element.too_long", 2, "CLM", "CLM01"),
    Defect("required element missing", "837p", "N4*SPRINGFIELD*IL*62704~", "N4**IL*62704~",
           "snip2.element.required", 2, "N4", "N401"),
    Defect("invalid date", "837p", "DTP*431*D8*20250103", "DTP*431*D8*20251303", "snip2.element.date", 2, "DTP",
           "DTP03"),
    Defect("HL01 out of sequence", "837p", "HL*3*1*22*1~", "HL*7*1*22*1~", "snip2.hl.sequence", 2, "HL", "HL01"),
    Defect("HL02 names no earlier HL", "837p", "HL*3*1*22*1~", "HL*3*9*22*1~", "snip2.hl.parent", 2, "HL", "HL02"),
    Defect("HL04 says no children", "837p", "HL*3*1*22*1~", "HL*3*1*22*0~", "snip2.hl.child_code", 2, "HL",
           "HL04"),
    Defect("LX out of sequence", "837p", "LX*2~", "LX*5~", "snip2.lx.sequence", 2, "LX", "LX01"),
    Defect("not-used element present", "837p", "CLM*PCNB1001*235**", "CLM*PCNB1001*235*X*",
           "snip2.element.not_used", 2, "CLM", "CLM03"),
    Defect("paired elements split", "837p", "NM1*PR*2*EXAMPLE HEALTH PLAN*****PI*EXHP1",
           "NM1*PR*2*EXAMPLE HEALTH PLAN*****PI*", "snip2.element", 2, "NM1"),
    Defect("amount that is not a number", "837p", "SV1*HC:99214:25*150*", "SV1*HC:99214:25*15O*",
           "snip2.element.invalid_character", 2, "SV1", "SV102"),
    Defect("segment over its maximum use", "837p", "DTP*472*D8*20250106~\nREF*6R*1001L1~",
           "DTP*472*D8*20250106~\nDTP*472*D8*20250106~\nREF*6R*1001L1~", "snip2.loop.count", 2, "DTP"),
    Defect("too many components", "837p", "SV1*HC:99214:25*150*UN*1***1:2:3:4~",
           "SV1*HC:99214:25*150*UN*1***1:2:3:4:1~", "snip2.element.too_many_components", 2, "SV1", "SV107"),
    # SNIP 3: balancing
    Defect("CLM02 not the sum of the lines", "837p", "CLM*PCNB1001*235*", "CLM*PCNB1001*236*",
           "snip3.balance.clm02", 3, "CLM", "CLM02", ack="277ca:PCNB1001"),
    Defect("837I CLM02 not the sum of SV203", "837i", "SV2*0450*HC:99284*", "SV2*0450*HC:99284*1",
           "snip3.balance.clm02", 3, "CLM", "CLM02", ack="277ca:*"),
    Defect("BPR02 off by one cent", "835", "BPR*I*42.64*", "BPR*I*42.65*", "snip3.balance.bpr02", 3, "BPR",
           "BPR02"),
    Defect("service payment does not balance", "835", "SVC*HC:99214:25*150*88", "SVC*HC:99214:25*150*87",
           "snip3.balance.svc", 3, "SVC", "SVC03"),
    # SNIP 4: situational rules the guides state in prose
    Defect("replacement claim without REF*F8", "837p", "CLM*PCNB1001*235***11:B:1", "CLM*PCNB1001*235***11:B:7",
           "snip4.claim.ref_f8_required", 4, "CLM", ack="277ca:PCNB1001"),
    Defect("date of service in the future", "837p", "DTP*472*D8*20250106~\nREF*6R*1001L1",
           "DTP*472*D8*20990106~\nREF*6R*1001L1", "snip4.date.future", 4, "DTP", "DTP03", ack="277ca:PCNB1001"),
    Defect("diagnosis pointer past the diagnoses", "837p", "SV1*HC:99214:25*150*UN*1***1:2:3:4~",
           "SV1*HC:99214:25*150*UN*1***1:2:3:9~", "snip4.line.dx_pointer_range", 4, "SV1", ack="277ca:PCNB1001"),
    Defect("billing provider at a PO box", "837p", "N3*100 MAIN STREET*SUITE 200~", "N3*PO BOX 200~",
           "snip4.billing.po_box", 4, "N3", ack="277ca:all:85"),
    Defect("billing provider ZIP of five digits", "837p", "N4*SPRINGFIELD*IL*627010001~",
           "N4*SPRINGFIELD*IL*62701~", "snip4.billing.zip9", 4, "N4", "N403", ack="277ca:all:85"),
    Defect("billing provider ZIP too short", "837p", "N4*SPRINGFIELD*IL*627010001~", "N4*SPRINGFIELD*IL*62~",
           "snip2.element.too_short", 2, "N4", "N403"),
    Defect("837I inpatient claim without admission date", "837i", "DTP*435*DT*202501011430~\n", "",
           "snip4.claim.admission_date_required", 4, "CLM", ack="277ca:HOSP0001"),
    Defect("reversal with a positive payment", "835", "CLP*PCNB0950*22*-120*-76*", "CLP*PCNB0950*22*-120*76*",
           "snip4.reversal.positive_amount", 4, "CLP"),
    Defect("notification-only 835 that pays", "835", "BPR*I*42.64*C*ACH", "BPR*H*42.64*C*ACH",
           "snip4.payment.notification_amount", 4, "BPR"),
    Defect("trace number used twice", "835", "TRN*1*BEFT2025020500017", "TRN*1*EFT2025020500017",
           "snip4.trace.duplicate", 4, "TRN", "TRN02"),
    # SNIP 5: external code sets
    Defect("rendering NPI with a bad check digit", "837p", "XX*1234567901~", "XX*1234567902~",
           "snip5.npi.check_digit", 5, "NM1", "NM109", ack="277ca:PCNB1001:82"),
    Defect("billing provider NPI with a bad check digit", "837p", "XX*1234567893~", "XX*1234567894~",
           "snip5.npi.check_digit", 5, "NM1", "NM109", ack="277ca:all:85"),
    Defect("ICD-10-CM code that does not exist", "837p", "HI*ABK:J069*", "HI*ABK:J0699*", "snip5.icd10.invalid", 5,
           "HI", ack="277ca:PCNB1001", setup=IN_FY2026),
    Defect("ICD-10-CM category that is not billable", "837p", "HI*ABK:J069*", "HI*ABK:J06*",
           "snip5.icd10.not_billable", 5, "HI", ack="277ca:PCNB1001", setup=IN_FY2026),
    Defect("taxonomy of nine characters", "837p", "PRV*PE*PXC*207Q00000X", "PRV*PE*PXC*207Q0000X",
           "snip5.taxonomy.format", 5, "PRV", "PRV03", ack="277ca:PCNB1001"),
    Defect("procedure code of four digits", "837p", "SV1*HC:99214:25*", "SV1*HC:9921:25*", "snip5.procedure.format",
           5, "SV1", ack="277ca:PCNB1001"),
    Defect("CARC deactivated before the remittance", "835", "CAS*CO*45*40~", "CAS*CO*17*40~",
           "snip5.carc.deactivated", 5, "CAS"),
    # SNIP 7: a payer profile's companion-guide rules, as data (mappings/payers/example-commercial.toml)
    Defect("unit basis the payer does not accept", "837p", "SV1*HC:99214:25*150*UN*", "SV1*HC:99214:25*150*MJ*",
           "snip7.payer.value_not_allowed", 7, "SV1", ack="277ca:PCNB1001", payer="example-commercial"),
    Defect("line without the REF*6R the payer requires", "837p", "REF*6R*1001L1~\n", "",
           "snip7.payer.required_segment", 7, "LX", ack="277ca:PCNB1001", payer="example-commercial"),
    Defect("check payment to an EFT-only payer", "835", "BPR*I*42.64*C*ACH", "BPR*I*42.64*C*CHK",
           "snip7.payer.value_not_allowed", 7, "BPR", payer="example-commercial"),
]


def report_for(defect: Defect, data: bytes | Path | None = None) -> Report:
    profiles = [load_profile(defect.payer)] if defect.payer else []
    return validate(data if data is not None else inject(defect), name=f"{defect.base}-{defect.name}",
                    profiles=profiles)


def test_setups_alone_are_clean() -> None:
    for defect in DEFECTS:
        if defect.setup:
            clean = Defect(defect.name, defect.base, defect.old, defect.old, defect.code, defect.snip, defect.segment,
                           setup=defect.setup)
            assert [] == [f.code for f in report_for(clean).findings if f.is_error], defect.name


@pytest.mark.parametrize("base", sorted(BASES))
def test_bases_are_clean(base: str) -> None:
    report = validate(BASES[base].encode("latin-1"))
    assert [] == [(f.code, f.message) for f in report.findings if f.is_error]
    acks = build_999(report)
    assert ["A", "A"] == [t.code for a in acks for t in a.transactions]


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_defect_is_caught_where_it_is(defect: Defect) -> None:
    report = report_for(defect)
    hits = [f for f in report.findings if f.code.startswith(defect.code)]
    assert hits, f"{defect.code} not reported; got {[f.code for f in report.findings]}"
    located = [f for f in hits if f.snip == defect.snip and f.location.segment_id == defect.segment and
               (defect.element is None or f.location.element == defect.element)]
    assert located, [(f.snip, f.location.segment_id, f.location.element) for f in hits]
    if defect.ack.startswith(("999", "277ca")):
        assert all(f.location.control[2] in ("0002", None) for f in located), "the defect is in ST 0002"


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_acknowledgments_reject_exactly_the_defect(defect: Defect, tmp_path: Path) -> None:
    report = report_for(defect)
    group = build_999(report)[0]
    codes = {t.control_number: t.code for t in group.transactions}
    if defect.ack == "999":
        assert {"0001": "A", "0002": "R"} == codes
        rejected = next(t for t in group.transactions if t.control_number == "0002")
        assert rejected.segment_errors or rejected.error_codes
        assert "P" == group.code
    elif defect.ack.startswith("277ca:"):
        assert {"0001": "A", "0002": "A"} == codes, "a claim-level edit does not reject the transaction"
        path = tmp_path / "claims.x12"
        path.write_bytes(inject(defect))
        acks = build_277ca(report_for(defect, path), path, when=date(2025, 2, 1))
        second = acks[1].claims
        rejected = [c.claim.patient_control_number for c in second if c.claim.rejected]
        _, wanted, entity = (defect.ack + ":").split(":")[:3]
        if wanted == "all":
            assert len(second) == len(rejected) > 1
        else:
            assert 1 == len(rejected) and (wanted == "*" or [wanted] == rejected)
        if entity:
            assert {entity} == {info.entity for c in second if c.claim.rejected for info in c.codes}
        assert not any(c.claim.rejected for c in acks[0].claims)
    elif defect.ack.startswith("ta1:"):
        assert [("R", defect.ack[4:])] == [(t.code, t.note_code) for t in build_ta1(report)]
    elif defect.ack == "ak9":
        assert "5" in group.error_codes


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_one_defect_gives_one_finding_per_element(defect: Defect) -> None:
    """No two findings name the same element of the same segment: a value the element checks report (too short,
    not a code) gets no second finding from a rule reading it (N4*…*62 was too_short and snip4.billing.zip9)."""
    seen: dict[tuple[int, int, int], str] = {}
    for finding in report_for(defect).findings:
        position = finding.location.element_position
        if position and position[0]:
            key = (finding.location.segment_index, position[0], position[2])
            assert key not in seen, f"{finding.location.element}: {seen[key]} and {finding.code}"
            seen[key] = finding.code


def test_at_least_forty_defects_across_the_snip_types() -> None:
    assert len(DEFECTS) >= 40
    assert {1, 2, 3, 4, 5, 7} == {d.snip for d in DEFECTS}


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_every_pyx12_error_on_the_mutated_file_is_ours_too(defect: Defect, tmp_path: Path) -> None:
    from pyx12_errors import pyx12_errors
    from validate.test_differential_pyx12 import matched

    path = tmp_path / "mutated.x12"
    path.write_bytes(inject(defect))
    try:
        theirs = pyx12_errors(str(path))
    except Exception as exc:  # pyx12 cannot read non-ASCII bytes and crashes on too many components
        pytest.skip(f"pyx12 raised {type(exc).__name__}: {exc}")
    report = validate(path)
    missed = [e for e in theirs if not matched(e, report.findings, defect.name)
              and (defect.name, e[2]) not in PYX12_WRONG]
    assert [] == missed


# Where pyx12's report on a mutated file is wrong, with the reason.
PYX12_WRONG = {
    ("HL02 names no earlier HL", "HL2"): "after one bad HL02 pyx12 also rejects the next subscriber's valid parent "
    "HL*5*1 (billing provider HL 1 exists): a cascade of its HL tracking",
}


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_our_acknowledgments_validate_clean_with_pyx12(defect: Defect, tmp_path: Path) -> None:
    from edi.acks import ack_bytes
    from pyx12_errors import pyx12_errors

    path = tmp_path / "mutated.x12"
    path.write_bytes(inject(defect))
    report = report_for(defect, path)
    for kind in ("999", "277ca", "ta1"):
        data = ack_bytes(kind, report, path)
        if data is None:
            continue
        ack = tmp_path / f"ack.{kind}.x12"
        ack.write_bytes(data)
        assert [] == pyx12_errors(str(ack)), kind
        assert [] == [f.code for f in validate(ack).findings if f.is_error], kind
