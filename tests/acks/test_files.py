"""Acknowledgment files: control numbers from a counter no two runs repeat, ids from --sender/--receiver, names
carrying the ISA13, and nothing written for acknowledgments or transactions no guide covers (said why)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CORPUS, SAMPLES
from edi.acks import ControlCounter, parse_party, write_acks
from edi.cli import cli
from edi.errors import EdiError
from edi.validate import validate

P837 = SAMPLES / "837p-office-visits.x12"


def _run(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", str(P837), "--ack", "999", "--ack", "277ca", "--ack", "ta1",
                                      "--out", str(tmp_path), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _isa13s(folder: Path) -> list[str]:
    return sorted(path.read_text()[90:99] for path in folder.glob("*.x12"))


class TestControlNumbers:
    def test_two_runs_never_repeat_a_control_number_nor_overwrite_a_file(self, tmp_path: Path) -> None:
        _run(tmp_path)
        _run(tmp_path)
        files = sorted(tmp_path.glob("*.x12"))
        assert 6 == len(files)                           # 999, 277CA and TA1, twice: nothing overwritten
        assert ["000000001", "000000002", "000000003", "000000004", "000000005", "000000006"] == _isa13s(tmp_path)
        for path in files:                               # the name carries the ISA13 inside
            assert path.name.split(".")[-2] == path.read_text()[90:99]
        st02 = [seg.split("*")[2] for path in files for seg in path.read_text().split("~\n") if seg.startswith("ST*")]
        gs06 = [seg.split("*")[6] for path in files for seg in path.read_text().split("~\n") if seg.startswith("GS*")]
        assert len(st02) == len(set(st02)) == 4 and len(gs06) == len(set(gs06)) == 4

    def test_processes_reserving_at_once_get_distinct_numbers(self, tmp_path: Path) -> None:
        with multiprocessing.get_context("fork").Pool(4) as pool:
            taken = pool.map(_reserve, [tmp_path] * 40)
        assert sorted(n for n, _ in taken) == list(range(1, 41))
        groups = sorted(g + k for _, g in taken for k in range(3))
        assert groups == list(range(1, 121))

    def test_numbers_start_again_at_1_past_nine_digits(self, tmp_path: Path) -> None:
        (tmp_path / ".edi-control-numbers.json").write_text('{"interchange": 999999999, "group": 999999998, '
                                                            '"transaction": 5}')
        numbers = ControlCounter(tmp_path).reserve(groups=3, transactions=2)
        assert (999999999, 1, 5) == (numbers.interchange, numbers.group, numbers.transaction)
        after = ControlCounter(tmp_path).peek()
        assert (1, 4, 7) == (after.interchange, after.group, after.transaction)

    def test_a_damaged_counter_is_named_not_overwritten(self, tmp_path: Path) -> None:
        (tmp_path / ".edi-control-numbers.json").write_text("{not json")
        code, output = _run(tmp_path)
        assert 2 == code and ".edi-control-numbers.json: cannot read the control-number counter" in output


def _reserve(folder: Path) -> tuple[int, int]:
    numbers = ControlCounter(folder).reserve(groups=3, transactions=1)
    return numbers.interchange, numbers.group


class TestIds:
    def test_sender_and_receiver_set_the_acknowledgments_ids(self, tmp_path: Path) -> None:
        _run(tmp_path, "--sender", "ZZ:MYCLEARING", "--receiver", "30:123456789")
        for path in tmp_path.glob("*.x12"):
            isa = path.read_text().split("~")[0].split("*")
            assert ("ZZ", "MYCLEARING     ", "30", "123456789      ") == (isa[5], isa[6], isa[7], isa[8])

    def test_by_default_the_answer_goes_back_to_the_sender(self, tmp_path: Path) -> None:
        _run(tmp_path)
        isa = next(tmp_path.glob("*.999.*.x12")).read_text().split("~")[0].split("*")
        assert ("EXAMPLECH", "EXAMPLEFP") == (isa[6].strip(), isa[8].strip())

    @pytest.mark.parametrize("text", ["MYCLEARING", "Z:X", "ZZ:", "ZZ:A*B", "ZZ:" + "X" * 16])
    def test_a_malformed_id_is_a_usage_error(self, text: str, tmp_path: Path) -> None:
        with pytest.raises(EdiError, match="QUALIFIER:ID"):
            parse_party(text)
        code, output = _run(tmp_path, "--sender", text)
        assert 2 == code and "QUALIFIER:ID" in output


class TestWhatIsNotAnswered:
    @pytest.mark.parametrize("name", ["999-ack.x12", "277ca-claim-ack.x12"])
    def test_acknowledgments_are_never_acknowledged(self, name: str, tmp_path: Path) -> None:
        path = SAMPLES / name
        results = write_acks(validate(path), path, ["999", "ta1", "277ca"], tmp_path)
        assert [None, None, None] == [r.path for r in results] and not list(tmp_path.glob("*.x12"))
        assert all(any("never acknowledged" in note for note in r.notes) for r in results)

    def test_the_cli_says_why_nothing_was_written(self, tmp_path: Path) -> None:
        result = CliRunner().invoke(cli, ["validate", str(SAMPLES / "999-ack.x12"), "--ack", "999", "--out",
                                          str(tmp_path)])
        assert "999: transaction 0001 is a 999: acknowledgments are never acknowledged" in result.output

    def test_a_997_is_never_acknowledged(self, tmp_path: Path) -> None:
        path = CORPUS / "other" / "stupidedi__response-to-functional-group-containing-837s.edi"
        if not path.is_file():
            pytest.skip("corpus not found")
        results = write_acks(validate(path), path, ["999", "ta1"], tmp_path)
        assert [None, None] == [r.path for r in results]
        assert any("is a 997" in note for r in results for note in r.notes)

    def test_no_999_for_a_transaction_set_no_guide_covers(self, tmp_path: Path) -> None:
        data = P837.read_bytes().replace(b"ST*837*0001*005010X222A1", b"ST*270*0001*005010X279A1").replace(
            b"*X*005010X222A1~", b"*X*005010X279A1~")
        path = tmp_path / "eligibility.x12"
        path.write_bytes(data)
        [result] = write_acks(validate(path), path, ["999"], tmp_path / "acks")
        assert result.path is None
        assert ["transaction 0001 (270 005010X279A1): no implementation guide is known for it, so no 999 is "
                "written"] == list(result.notes)
