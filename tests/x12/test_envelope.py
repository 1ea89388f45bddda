"""Envelope framing: control numbers and counts are checked and reported as located findings, never raised."""

from __future__ import annotations

from edi.x12 import (ControlNumbers, Delimiters, Framer, GroupContent, InterchangeHeader, Party, Role,
                     TransactionContent, build_interchange, tokenize, write)

D = Delimiters("*", ":", "^", "~", "\n")
HEADER = InterchangeHeader(Party("ZZ", "SENDER"), Party("ZZ", "RECEIVER"), usage="T")


def built(*groups: GroupContent, numbers: ControlNumbers | None = None) -> bytes:
    return write(build_interchange(groups, HEADER, numbers or ControlNumbers(), D), D)


def group(*bodies: list[tuple[str, ...]], version: str = "005010X222A1") -> GroupContent:
    return GroupContent("HC", version, [TransactionContent("837", body, version) for body in bodies])


def findings(data: bytes) -> list[tuple[str, int, str | None]]:
    framer = Framer(tokenize(data))
    list(framer)
    return [(f.code, f.position.index + 1, f.element) for f in framer.findings]


class TestBuilder:
    def test_numbers_and_counts(self) -> None:
        """ISA13/GS06/ST02 come from the counter; SE01, GE01 and IEA01 are counted."""
        numbers = ControlNumbers(interchange=41, group=7, transaction=12)
        data = built(group([("BHT", "0019")], [("BHT", "0019"), ("REF", "X", "Y")]), numbers=numbers)
        segs = list(tokenize(data))
        by_id = [(s.id, s.elements[1:]) for s in segs if s.id in ("ISA", "GS", "ST", "SE", "GE", "IEA")]
        assert "000000041" == by_id[0][1][12]
        assert ("GS", "7") == (by_id[1][0], by_id[1][1][5])
        assert [("ST", ("837", "0012", "005010X222A1")), ("SE", ("3", "0012")), ("ST", ("837", "0013", "005010X222A1")),
                ("SE", ("4", "0013")), ("GE", ("2", "7")), ("IEA", ("1", "000000041"))] == by_id[2:]
        assert (42, 8, 14) == (numbers.interchange, numbers.group, numbers.transaction)
        assert [] == findings(data)

    def test_isa_is_fixed_width_and_trailing_empty_elements_are_trimmed(self) -> None:
        data = built(group([("REF", "EI", "123", "", "")]))
        lines = data.decode().splitlines()
        assert 106 == len(lines[0])
        assert "REF*EI*123~" in lines


class TestFindings:
    def test_clean_interchange_has_none(self) -> None:
        assert [] == findings(built(group([("BHT", "0019")])))

    def test_se01_count(self) -> None:
        data = built(group([("BHT", "0019")])).replace(b"SE*3*", b"SE*4*")
        assert [("envelope.se01.count", 5, "SE01")] == findings(data)

    def test_control_number_mismatches(self) -> None:
        data = built(group([("BHT", "0019")])).replace(b"SE*3*0001", b"SE*3*0002").replace(b"GE*1*1", b"GE*1*2")
        data = data.replace(b"IEA*1*000000001", b"IEA*1*1")
        assert [("envelope.se02.control", 5, "SE02"), ("envelope.ge02.control", 6, "GE02"),
                ("envelope.iea02.control", 7, "IEA02")] == findings(data)

    def test_counts_of_groups_and_transactions(self) -> None:
        data = built(group([("BHT", "0019")], [("BHT", "0019")])).replace(b"GE*2*", b"GE*3*")
        data = data.replace(b"IEA*1*", b"IEA*2*")
        codes = [code for code, _, _ in findings(data)]
        assert ["envelope.ge01.count", "envelope.iea01.count"] == codes

    def test_truncated_after_a_segment(self) -> None:
        data = built(group([("BHT", "0019")]))
        data = data[: data.index(b"SE*")]
        assert [("envelope.se.missing", 4, "SE"), ("envelope.ge.missing", 4, "GE"),
                ("envelope.iea.missing", 4, "IEA")] == findings(data)

    def test_segment_between_transactions_is_stray_and_kept(self) -> None:
        data = built(group([("BHT", "0019")])).replace(b"GE*", b"NTE*X~\nGE*")
        framer = Framer(tokenize(data))
        roles = [(f.segment.id, f.role) for f in framer]
        assert ("NTE", Role.STRAY) in roles
        assert ["envelope.segment.outside"] == [f.code for f in framer.findings]

    def test_st03_that_disagrees_with_gs08(self) -> None:
        data = built(group([("BHT", "0019")])).replace(b"ST*837*0001*005010X222A1", b"ST*837*0001*005010X223A2")
        assert [("envelope.st03.version", 3, "ST03")] == findings(data)

    def test_position_in_transaction_for_999(self) -> None:
        """IK302 counts from ST = 1."""
        framed = list(Framer(tokenize(built(group([("BHT", "0019"), ("REF", "A", "B")])))))
        assert [("ST", 1), ("BHT", 2), ("REF", 3), ("SE", 4)] == [
            (f.segment.id, f.index_in_transaction) for f in framed if f.transaction is not None]


class TestBodyWithOtherSeparators:
    """A body written with other separators than its ISA declares is one problem, reported once, naming the
    separators seen and declared — not a finding for every segment that then stands outside an envelope."""

    def data(self) -> bytes:
        return built(group([("BHT", "0019"), ("REF", "A", "B")], [("BHT", "0019")]))

    def test_other_element_separator(self) -> None:
        data = self.data()
        data = data[:106] + data[106:].replace(b"*", b"|")
        framer = Framer(tokenize(data))
        framed = list(framer)
        assert [("envelope.separators", 2, None)] == findings(data)
        finding = framer.findings[0]
        assert "'|'" in finding.message and "'*'" in finding.message and "GS|HC" in finding.message
        assert "026" == finding.ta1_note
        assert all(f.role is Role.STRAY for f in framed[1:])   # nothing is guessed: the segments are kept as read
        assert data == write(f.segment for f in framed)

    def test_terminator_written_before_each_segment(self) -> None:
        """The ISA declares a line break (the character after ISA16), the body puts '~' before each segment."""
        data = self.data().replace(b"~\n", b"\n~")[:-1]   # ISA*…*:\n~GS*…\n~ST*…\n~IEA*1*000000001\n
        framer = Framer(tokenize(data))
        list(framer)
        assert ["envelope.separators"] == [f.code for f in framer.findings]
        assert "'~'" in framer.findings[0].message and "004" == framer.findings[0].ta1_note

    def test_a_later_interchange_is_judged_on_its_own(self) -> None:
        bad = self.data()
        bad = bad[:106] + bad[106:].replace(b"*", b"|")
        good = built(group([("BHT", "0019"), ("REF", "A", "B")], [("BHT", "0019")]),
                     numbers=ControlNumbers(interchange=2))
        assert [("envelope.separators", 2, None), ("envelope.se01.count", 17, "SE01")] == \
            findings(bad + good.replace(b"SE*4*", b"SE*5*"))
