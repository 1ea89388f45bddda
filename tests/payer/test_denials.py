"""Each denial and rejection the payer simulator knows fires with its code: front-end rejections in the 277CA
(the claim gets no 835), denials in the 835 with their CARC and, where the profile gives one, the RARC."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.payer.support import SAMPLE, claim, profile, run, segments_835, variant


def line_of(segs: list[list[str]], code: str) -> list[list[str]]:
    start = next(i for i, s in enumerate(segs) if s[0] == "SVC" and s[1].split(":")[1] == code)
    end = next((j for j in range(start + 1, len(segs)) if segs[j][0] == "SVC"), len(segs))
    return segs[start:end]


def carcs(segs: list[list[str]]) -> set[str]:
    return {f"{s[1]}-{s[k]}" for s in segs if s[0] == "CAS" for k in range(2, len(s), 3) if s[k]}


@pytest.mark.parametrize(("name", "replacements", "line", "carc", "rarc"), [
    ("prior-auth", [("HC:94640:59*50", "HC:73721*50")], "73721", "CO-197", "N54"),
    ("non-covered", [("HC:94640:59*50", "HC:97530*50")], "97530", "CO-204", "N130"),
    ("modifier-25", [("HC:99214:25*150", "HC:99214*150"), ("HC:94640:59*50", "HC:69210*50")], "99214", "CO-97",
     "M15"),
])
def test_line_denials(tmp_path: Path, name: str, replacements: list[tuple[str, str]], line: str, carc: str,
                      rarc: str) -> None:
    """The scrubber's line edits (prior authorization, modifier 25) and the plan's non-covered codes deny the line:
    CAS for its whole charge, SVC03 0, LQ*HE the RARC; the claim's other lines are paid."""
    run([variant(tmp_path, name, *replacements)], tmp_path / "out", profile(tmp_path))
    segs = claim(tmp_path / "out", "PCN1001")
    denied = line_of(segs, line)
    group, reason = carc.split("-")
    assert float(denied[0][3]) == 0
    assert ["CAS", group, reason, denied[0][2]] in denied
    assert ["LQ", "HE", rarc] in denied
    assert segs[0][2] == "1"


@pytest.mark.parametrize(("name", "setup", "clm01", "carc", "rarc"), [
    ("coverage ended", {}, "PCN1003", "CO-27", "N30"),
    ("timely filing", {"as_of": date(2025, 8, 1)}, "PCN1001", "CO-29", ""),
    ("unexplained", {"unexplained_denial_rate": "1"}, "PCN1002", "CO-16", "MA130"),
    ("billing provider enrolled later", {"enrolled_providers": '[{ npi = "1234567893", start = 2025-06-01 }]'},
     "PCN1001", "CO-B7", "N570"),
    ("billing provider not on file", {"enrolled_providers": "[]", "enrollment_complete": "true"}, "PCN1001",
     "CO-208", "N290"),
    ("rendering provider not on file", {"enrolled_providers": '[{ npi = "1234567893" }]',
                                        "enrollment_complete": "true"}, "PCN1001", "CO-185", "N290"),
])
def test_claim_denials(tmp_path: Path, name: str, setup: dict[str, object], clm01: str, carc: str, rarc: str) -> None:
    """Claim-level denials: CLP02 4, nothing paid, every line's charge under the CARC, the RARC in MOA."""
    as_of = setup.pop("as_of", date(2025, 1, 20))
    run([SAMPLE], tmp_path / "out", profile(tmp_path, **setup), as_of=as_of)  # type: ignore[arg-type]
    segs = claim(tmp_path / "out", clm01)
    assert segs[0][2] == "4" and float(segs[0][4]) == 0
    assert carcs(segs) == {carc}
    if rarc:
        assert ["MOA", "", "", rarc] in segs


def test_duplicate_in_a_later_run(tmp_path: Path) -> None:
    """The same claims sent again (frequency 1, same CLM01) after the payer adjudicated them: OA-18."""
    payer, state = profile(tmp_path), tmp_path / "payer.json"
    run([SAMPLE], tmp_path / "one", payer, state=state)
    run([SAMPLE], tmp_path / "two", payer, state=state, as_of=date(2025, 2, 10))
    for clm01 in ("PCN1001", "PCN1002"):
        assert carcs(claim(tmp_path / "two", clm01)) == {"OA-18"}


def test_replacement_without_original_number(tmp_path: Path) -> None:
    """A frequency-7 claim with no REF*F8 never reaches adjudication: our validator's SNIP 4 edit rejects it in
    the 277CA (A7:21), before the scrubber's billing.frequency.original_missing (CO-16) could deny it."""
    file = variant(tmp_path, "freq7", ("CLM*PCN1002*125***11:B:1", "CLM*PCN1002*125***11:B:7"))
    run([file], tmp_path / "out", profile(tmp_path))
    assert any(s.startswith("A7:21") for s in stc(tmp_path / "out"))
    assert "PCN1002" not in {s[1] for s in segments_835(tmp_path / "out") if s[0] == "CLP"}


def stc(out: Path) -> list[str]:
    text = next(out.glob("*.277ca.*.x12")).read_text()
    return [s.split("*")[1] for s in text.replace("\n", "").split("~") if s.startswith("STC")]


@pytest.mark.parametrize(("member", "status"), [("123", "A7:33"), ("TERM00000009", "A7:109")])
def test_front_end_member_edits(tmp_path: Path, member: str, status: str) -> None:
    """Unknown member (not the [scrub] member_id_pattern) and no active coverage (roster active = false): the
    277CA rejects the claim, which gets no 835; the file's other claims are adjudicated."""
    file = variant(tmp_path, "member", ("MI*FAKE00000002", f"MI*{member}"))
    summary = run([file], tmp_path / "out", profile(tmp_path))
    assert status in stc(tmp_path / "out")
    assert summary.not_adjudicated == {"rejected by the 277CA": 1}
    assert {s[1] for s in segments_835(tmp_path / "out") if s[0] == "CLP"} == {"PCN1001", "PCN1003"}


def test_invalid_diagnosis_rejected_in_277ca(tmp_path: Path) -> None:
    """A diagnosis code that is no ICD-10-CM code is caught by our validator (SNIP 5): 277CA A7:255."""
    file = variant(tmp_path, "dx", ("HI*ABK:H6691*ABF:R509", "HI*ABK:H6691*ABF:R5099"))
    run([file], tmp_path / "out", profile(tmp_path))
    assert any(s.startswith("A7:255") for s in stc(tmp_path / "out"))
    assert "PCN1002" not in {s[1] for s in segments_835(tmp_path / "out") if s[0] == "CLP"}


def test_transaction_rejected_in_999(tmp_path: Path) -> None:
    """A transaction the 999 rejects (its BHT missing) gets no 277CA and no 835."""
    file = variant(tmp_path, "nobht", ("BHT*0019*00*BATCH20250115A*20250115*0930*CH~\n", ""))
    summary = run([file], tmp_path / "out", profile(tmp_path))
    ack = next((tmp_path / "out").glob("*.999.*.x12")).read_text()
    assert "AK9*R*1*1*0" in ack
    assert not list((tmp_path / "out").glob("*.835.*.x12"))
    assert summary.not_adjudicated == {"rejected with their transaction (999)": 3}


def test_interchange_problem_gets_a_ta1(tmp_path: Path) -> None:
    """An ISA whose IEA control number differs: a TA1 rejects it (TA104 R or E) and nothing is adjudicated."""
    file = variant(tmp_path, "iea", ("IEA*1*000001001", "IEA*1*000001002"))
    run([file], tmp_path / "out", profile(tmp_path))
    ta1 = next((tmp_path / "out").glob("*.ta1.*.x12")).read_text()
    assert "TA1*000001001*" in ta1 and ("*R*" in ta1 or "*E*" in ta1)


def test_ncci_bundling(tmp_path: Path) -> None:
    """With an NCCI PTP edit 97110/97140 (a test row, not CMS's; modifier indicator 0, never bypassed), PCN1003's
    97140 is denied CO-236 with M80 and its 97110 is paid."""
    from edi.codes import NcciTables, PtpEdit
    from edi.payer import load_payer, simulate

    ptp = PtpEdit("97110", "97140", date(2020, 1, 1), None, 0, "test row", "test", "2025Q1")
    covered = variant(tmp_path, "covered", ("MI*FAKE00000003", "MI*FAKE00000033"))
    simulate([covered], tmp_path / "out", load_payer(profile(tmp_path)), seed=1, as_of=date(2025, 1, 20),
             ncci=NcciTables(ptp=[ptp]))
    segs = claim(tmp_path / "out", "PCN1003")
    denied = line_of(segs, "97140")
    assert carcs(denied) == {"CO-236"} and ["LQ", "HE", "M80"] in denied
    assert float(line_of(segs, "97110")[0][3]) > 0


def test_ta1_only_when_asked_or_needed(tmp_path: Path) -> None:
    """The sample's ISA14 is 0 and its envelope is clean: no TA1. Asking for one (ISA14 1) gets one accepting it."""
    run([SAMPLE], tmp_path / "clean", profile(tmp_path))
    assert not list((tmp_path / "clean").glob("*.ta1.*"))
    asked = variant(tmp_path, "asked", ("*000001001*0*T*:~", "*000001001*1*T*:~"))
    run([asked], tmp_path / "asked", profile(tmp_path))
    assert "TA1*000001001*250115*0930*A*000" in next((tmp_path / "asked").glob("*.ta1.*")).read_text()
