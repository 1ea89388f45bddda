"""997 functional acknowledgments (4010, and 5010 005010X230): read into a model, written back, validated with
pyx12's 997 map (5010 ones with a guide derived from it), shown by info and inspect."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import CORPUS
from edi.guide import guide_for, map_name_for
from edi.inspect import file_info, inspect_lines
from edi.models import FunctionalAcknowledgment, read, write
from edi.validate import validate
from edi.x12 import ControlNumbers, InterchangeHeader, Party, tokenize

V4010 = CORPUS / "ta1" / "pyx12__ele.997.base"
V5010 = CORPUS / "other" / "stupidedi__response-to-functional-group-containing-837s.edi"
pytestmark = pytest.mark.skipif(not V5010.is_file(), reason="corpus not found")


def _only(path: Path) -> FunctionalAcknowledgment:
    [model] = list(read(path))
    assert isinstance(model, FunctionalAcknowledgment)
    return model


class TestReading:
    def test_a_5010_997_reads_with_its_errors(self) -> None:
        """AK1*HC*17456*005010, AK2 0001 accepted; AK2 0002 rejected (AK5*R*5) for CLM at position 22 (AK304 8) whose
        element 1 (data element 1028, CLM01) is missing (AK403 1); AK9*P*2*2*1."""
        ack = _only(V5010)
        assert ("HC", "17456", "005010", "005010X230") == (ack.functional_id, ack.group_control_number,
                                                         ack.version, ack.guide)
        assert [("0001", "A"), ("0002", "R")] == [(t.control_number, t.code) for t in ack.transactions]
        [error] = ack.transactions[1].segment_errors
        assert ("CLM", 22, "8") == (error.segment_id, error.position, error.code)
        [element] = error.element_errors
        assert (1, "1028", "1") == (element.element_position, element.element_reference, element.code)
        assert ("P", 2, 2, 1) == (ack.code, ack.included_count, ack.received_count, ack.accepted_count)
        assert ["0001"] == [t.control_number for t in ack.accepted] and ("5",) == ack.transactions[1].error_codes

    def test_a_4010_997_reads_with_its_transaction_error_codes(self) -> None:
        ack = _only(V4010)
        assert ("HC", "1", "", "004010") == (ack.functional_id, ack.group_control_number, ack.version, ack.guide)
        assert [("300145997", "R", ("3", "7"))] == [(t.control_number, t.code, t.error_codes)
                                                     for t in ack.transactions]
        assert ("R", ("1",)) == (ack.code, ack.error_codes)


@pytest.mark.parametrize("path", [V4010, V5010], ids=lambda p: p.name)
def test_a_997_is_written_back_with_the_same_segments(path: Path) -> None:
    """Models → X12: the same ST … SE segments (ST03 only where the 997 is a 5010 one)."""
    ack = _only(path)
    data = write([ack], InterchangeHeader(Party("ZZ", "A"), Party("ZZ", "B")), ControlNumbers(transaction=1))

    def body(raw: bytes) -> Counter[tuple[str, ...]]:
        segs = [s.elements for s in tokenize(raw)]
        st = next(i for i, s in enumerate(segs) if s[0] == "ST")
        se = next(i for i, s in enumerate(segs) if s[0] == "SE")
        return Counter(s if s[0] not in ("ST", "SE") else s[:1] + s[3:] for s in segs[st:se + 1])

    assert body(path.read_bytes()) == body(data)


class TestGuide:
    def test_997s_of_both_eras_get_pyx12s_997_map(self) -> None:
        assert "997.4010.xml" == map_name_for("004010", "997") == map_name_for("004010X098A1", "997")
        assert "997.4010.xml" == map_name_for("005010X230", "997") == map_name_for("005010", "997")
        assert "997.4010.xml" == map_name_for("004010", functional_id="FA")    # not the 830 that shares 004010
        assert map_name_for("005010", "850") is None

    def test_the_5010_997_guide_adds_st03_ak103_ak203(self) -> None:
        guide = guide_for("005010X230", "997")
        assert guide is not None
        ids = {(n.path.rsplit("/", 1)[-1], len(n.elements)) for n in guide.nodes
               if not n.is_loop and n.id in ("ST", "AK1", "AK2")}
        assert {("ST", 3), ("AK1", 3), ("AK2", 3)} == ids
        four = guide_for("004010", "997")
        assert four is not None and {("ST", 2), ("AK1", 2), ("AK2", 2)} == {
            (n.id, len(n.elements)) for n in four.nodes if not n.is_loop and n.id in ("ST", "AK1", "AK2")}


class TestValidation:
    def test_a_4010_997_gets_what_pyx12_finds(self) -> None:
        """pyx12 finds one error in this file: TA103 3339 is not a time. So do we (with the 4010 envelope map:
        ISA12 00401 and GS01 FA are valid)."""
        from pyx12_errors import pyx12_errors

        assert [(10, "TA1", "9")] == [e[:3] for e in pyx12_errors(str(V4010))]
        assert [("snip2.element.time", "TA103")] == [(f.code, f.location.element) for f in validate(V4010).findings]

    def test_a_5010_997_is_clean(self) -> None:
        assert [] == [(f.code, f.message) for f in validate(V5010).findings]

    def test_an_error_in_a_997_is_found(self) -> None:
        data = V5010.read_bytes().replace(b"AK3*CLM*22**8~", b"AK3*CLM*22**Z~")
        assert ["snip2.element.code"] == [f.code for f in validate(data).findings if f.is_error]


def test_info_and_inspect_show_a_997() -> None:
    info = file_info(V5010)
    [st] = info.interchanges[0].groups[0].transactions
    assert ("997", {"acknowledged_transactions": 2, "segment_errors": 1}) == (st.set_id, st.counts)
    lines = [line.strip() for line in inspect_lines(V5010)]
    assert "AK2 TRANSACTION SET RESPONSE HEADER" in lines and "AK3 DATA SEGMENT NOTE" in lines
    assert "AK103    Version / Release / Industry Identifier Code: 005010" in lines
