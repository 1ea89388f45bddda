"""TA1: every interchange-level problem, the note a receiver meets first, duplicate control numbers within a file
and across a run's files, and a truncated file still answered (023)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conftest import CORPUS, SAMPLES
from edi.acks import build_ta1, write_acks
from edi.acks._ta1 import first_note
from edi.cli import cli
from edi.validate import validate, validate_files

P837 = (SAMPLES / "837p-office-visits.x12").read_bytes()


def _twice(data: bytes) -> bytes:
    """The interchange followed by a copy of itself (same sender, receiver and ISA13)."""
    return data + data


def test_an_interchange_control_number_used_twice_in_a_file_is_rejected_025() -> None:
    report = validate(_twice(P837))
    assert [("A", "000"), ("R", "025")] == [(t.code, t.note_code) for t in build_ta1(report)]
    [finding] = [f for f in report.findings if f.code == "snip1.envelope.isa13.duplicate"]
    assert ("ISA13", 1) == (finding.location.element, finding.snip) and finding.location.segment_index > 0


def test_an_interchange_control_number_another_file_of_the_run_used_is_rejected_025(tmp_path: Path) -> None:
    """Files are validated in separate processes; the second file's interchange repeats the first's ISA13."""
    first, second, other = tmp_path / "a.x12", tmp_path / "b.x12", tmp_path / "c.x12"
    first.write_bytes(P837)
    second.write_bytes(P837)
    other.write_bytes(P837.replace(b"000001001", b"000001002"))
    reports = validate_files([first, second, other], jobs=2)
    assert [[("A", "000")], [("R", "025")], [("A", "000")]] == [[(t.code, t.note_code) for t in build_ta1(r)]
                                                                for r in reports]
    [finding] = [f for f in reports[1].findings if f.code == "snip1.envelope.isa13.duplicate"]
    assert str(first) in finding.message and finding.ta1_note == "025"


def test_with_several_problems_the_note_is_the_one_a_receiver_meets_first(tmp_path: Path) -> None:
    """IEA02 not matching (001) and a duplicate ISA13 (025): a receiver checks the trailer before looking up the
    number, so TA105 is 001; the result says both were found."""
    path = tmp_path / "two.x12"
    path.write_bytes(P837 + P837.replace(b"IEA*1*000001001", b"IEA*1*000001009"))
    report = validate(path)
    assert ["000", "001"] == [t.note_code for t in build_ta1(report)]
    [result] = write_acks(report, path, ["ta1"], tmp_path / "acks")
    assert any("TA105 001" in note and "001, 025" in note for note in result.notes)
    assert "001" == first_note(["025", "024", "001"]) and "014" == first_note(["018", "014"])


def test_a_truncated_file_gets_a_ta1_rejecting_it_with_023(tmp_path: Path) -> None:
    """Cut inside a segment, the file cannot be read to its end (exit 2), but its ISA was read: the TA1 says
    023, premature end of file; no 999 or 277CA is written, and that is said."""
    path = tmp_path / "cut.x12"
    path.write_bytes(P837[:1500])
    out = tmp_path / "acks"
    result = CliRunner().invoke(cli, ["validate", str(path), "--ack", "ta1", "--ack", "999", "--out", str(out)])
    assert 2 == result.exit_code and "Traceback" not in result.output
    [ta1] = out.glob("cut.x12.ta1.*.x12")
    assert "TA1*000001001*250115*0930*R*023~" in ta1.read_text()
    assert not list(out.glob("cut.x12.999.*"))
    assert "999: the file cannot be read to its end" in result.output


def test_an_invalid_interchange_time_is_answered_with_a_valid_ta103(tmp_path: Path) -> None:
    data = P837.replace(b"*250115*0930*", b"*250115*2599*")
    report = validate(data)
    [ta1] = build_ta1(report)
    assert ta1.interchange_time != "2599" and len(ta1.interchange_time) == 4


def test_an_interchange_of_acknowledgments_gets_no_ta1(tmp_path: Path) -> None:
    for path in (SAMPLES / "999-ack.x12", CORPUS / "ta1" / "staedi__x12_interchange_ack.txt"):
        if not path.is_file():
            continue
        [result] = write_acks(validate(path), path, ["ta1"], tmp_path)
        assert result.path is None and any("acknowledgments are never acknowledged" in n for n in result.notes)


def test_duplicate_group_and_transaction_control_numbers_are_reported_and_acknowledged() -> None:
    """A second group with the first one's GS06 (999 AK905 19: not unique within the interchange), and in it a
    second transaction with the first one's ST02 (IK502 23: not unique within the group)."""
    lines = P837.decode().split("\n")
    gs = next(i for i, line in enumerate(lines) if line.startswith("GS*"))
    ge = next(i for i, line in enumerate(lines) if line.startswith("GE*"))
    st = gs + 1
    group = lines[gs:ge + 1]
    second = [*group[:-1], *lines[st:ge], "GE*2*1001~"]                       # two transactions, ST02 0001 twice
    data = "\n".join([*lines[:ge + 1], *second, *lines[ge + 1:]]).replace("IEA*1*", "IEA*2*").encode()
    report = validate(data)
    codes = [(f.code, f.location.element) for f in report.findings if f.code.endswith(".duplicate")]
    assert [("snip1.envelope.gs06.duplicate", "GS06"), ("snip1.envelope.st02.duplicate", "ST02")] == codes
    from edi.acks import build_999

    first, repeated = build_999(report)
    assert () == first.error_codes and ("19",) == repeated.error_codes
    assert [(), ("23",)] == [t.error_codes for t in repeated.transactions]


def test_a_4010_interchange_gets_a_4010_ta1_and_no_5010_acknowledgments(tmp_path: Path) -> None:
    """A TA1 answers in the interchange's own version (ISA11 U, ISA12 00401); a 999 or 277CA (5010 transactions)
    would mean nothing to a 4010 partner, so none is written, and the notes say why."""
    path = CORPUS / "bad" / "pyx12__bad_elements.txt"
    if not path.is_file():
        return
    results = {r.kind: r for r in write_acks(validate(path), path, ["ta1", "999", "277ca"], tmp_path)}
    assert results["ta1"].path is not None
    isa = results["ta1"].path.read_text().split("~")[0].split("*")
    assert ("U", "00401") == (isa[11], isa[12])
    assert results["999"].path is None and "expect a 997" in results["999"].notes[0]
    assert results["277ca"].path is None and "before 5010" in results["277ca"].notes[0]


def test_an_isa13_that_is_not_nine_digits_is_answered_with_a_valid_ta101() -> None:
    """TA101 is N0 9/9: an 11-digit ISA13 (corpus bad/vscode-edi-x12-support__bad-header.edi has one) cannot be
    echoed — the TA1 says 000000000 and rejects with 018 — and a short one is zero-padded, the same number."""
    from edi.acks._ta1 import ta101

    assert ("000000000", "000000000", "000012345", "000000905") == (
        ta101("12345678901"), ta101("ABC"), ta101("12345"), ta101("000000905"))


def test_a_gs06_that_does_not_fit_ak102_is_echoed_as_the_same_number_or_zero() -> None:
    """AK102 is N0 1/9: GS06 '00000000000' (11 characters, the number 0) is echoed as 0; a number of more than
    nine digits, or text, cannot be echoed and gives 0."""
    from edi.acks._policy import echoed_number

    assert ("0", "12", "0", "0") == (echoed_number("00000000000", 1, 9), echoed_number("0012", 1, 9),
                                     echoed_number("1234567890", 1, 9), echoed_number("12A", 1, 9))
