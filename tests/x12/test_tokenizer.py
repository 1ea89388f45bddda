"""The tokenizer: delimiters from the ISA, positions, whitespace between segments, multiple interchanges."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edi.errors import FramingError
from edi.x12 import Delimiters, tokenize, write

ISA = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *250101*1200*^*00501*000000001*0*T*:~"


def interchange(isa: str = ISA, body: str = "GS*HC*S*R*20250101*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~"
                "SE*2*0001~GE*1*1~IEA*1*000000001~") -> bytes:
    return (isa + body).encode("latin-1")


class TestDelimiters:
    def test_read_from_fixed_positions(self) -> None:
        """Element separator is the 4th byte, ISA11 repetition, ISA16 component, the 106th byte terminates."""
        seg = next(tokenize(interchange()))
        assert Delimiters("*", ":", "^", "~", "") == seg.delimiters
        assert len(ISA) == 106

    def test_4010_has_no_repetition_separator(self) -> None:
        """Before 00501, ISA11 is the standards id 'U', not a separator."""
        isa = ISA.replace("*^*00501*", "*U*00401*")
        assert next(tokenize(interchange(isa))).delimiters.repetition is None

    def test_no_isa(self) -> None:
        with pytest.raises(FramingError, match=r"segment 1 \(byte 0, line 1\): expected an ISA"):
            list(tokenize(b"ST*835*1~SE*2*1~"))


def fields(isa: str = ISA) -> list[str]:
    return isa[:-1].split("*")


def rejoin(parts: list[str], terminator: str = "~") -> str:
    return "*".join(parts) + terminator


class TestIsaThatIsNotFixedWidth:
    """Real files collapse or over-pad ISA fields; the delimiters are still found from the element separators
    (element = the byte after ISA, component = the byte after the 16th separator, terminator = the byte after
    that), and the file is read and written back byte for byte. Judging the widths is the validator's job."""

    def read(self, isa: str, body: str | None = None) -> tuple[bytes, list]:  # type: ignore[type-arg]
        data = interchange(isa) if body is None else interchange(isa, body)
        segments = list(tokenize(data))
        assert data == write(segments)
        assert data == write(tokenize(data, chunk_size=256))
        return data, segments

    def test_space_collapsed_fields(self) -> None:
        parts = fields()
        parts[2] = parts[4] = " "
        parts[6], parts[8] = "SENDER", "RECEIVER"
        _, segments = self.read(rejoin(parts))
        assert Delimiters("*", ":", "^", "~", "") == segments[0].delimiters
        assert ["ISA", "GS", "ST", "SE", "GE", "IEA"] == [s.id for s in segments]
        assert ("ISA", "00", " ", "00", " ", "ZZ", "SENDER") == segments[0].elements[:7]

    def test_over_padded_fields(self) -> None:
        parts = fields()
        parts[8] += " "
        parts[2] += "  "
        _, segments = self.read(rejoin(parts))
        assert "RECEIVER        " == segments[0][8] and 16 == len(segments[0][8])
        assert Delimiters("*", ":", "^", "~", "") == segments[0].delimiters

    def test_crlf_and_cr_terminators_after_a_short_isa(self) -> None:
        parts = fields()
        parts[6] = "SENDER"
        body = "GS*HC*S*R*20250101*1200*1*X*005010X222A1\r\nST*837*0001\r\nSE*2*0001\r\nGE*1*1\r\nIEA*1*000000001\r\n"
        _, segments = self.read(rejoin(parts, "\r\n"), body)
        assert "\r" == segments[0].delimiters.segment and 6 == len(segments)
        assert [1, 2, 3, 4, 5, 6] == [s.line for s in segments]

    def test_byte_order_mark_before_a_short_isa(self) -> None:
        parts = fields()
        parts[4] = ""
        data = "\ufeff".encode() + interchange(rejoin(parts))
        segments = list(tokenize(data))
        assert data == write(segments) and 3 == segments[0].offset and "" == segments[0][4]

    def test_other_separators(self) -> None:
        parts = fields()
        parts[2] = "X"
        isa = "|".join(parts)[:-1] + ">!\n"
        body = "GS|HC|S|R|20250101|1200|1|X|005010X222A1!\nST|837|0001!\nSE|2|0001!\nGE|1|1!\nIEA|1|000000001!\n"
        _, segments = self.read(isa, body)
        assert Delimiters("|", ">", "^", "!", "") == segments[0].delimiters

    def test_terminator_inside_the_isa(self) -> None:
        """The 16 element separators bound the ISA, so a terminator character inside a field does not end it."""
        parts = fields()
        parts[2] = "A~B"
        _, segments = self.read(rejoin(parts))
        assert "A~B" == segments[0][2] and "GS" == segments[1].id

    def test_second_interchange_may_be_short_too(self) -> None:
        parts = fields()
        parts[6] = "S"
        data = interchange() + b"\n" + interchange(rejoin(parts))
        segments = list(tokenize(data, chunk_size=300))
        assert 12 == len(segments) and "S" == segments[6][6]
        assert data == write(segments)


class TestRepetitionSeparatorTreatedAsAbsent:
    """ISA11 equal to another delimiter, or a letter or digit, cannot be a repetition separator: the file is read
    without one (its elements are not split on it), and the validator reports ISA11."""

    @pytest.mark.parametrize("isa11", [":", "~", "U", "0", " "])
    def test_read_without_repetition_separator(self, isa11: str) -> None:
        isa = ISA.replace("*^*00501*", f"*{isa11}*00501*")
        data = interchange(isa, "GS*HC*S*R*20250101*1200*1*X*005010X222A1~ST*837*0001~HI*ABK:J209^ABF:R05~"
                                "SE*3*0001~GE*1*1~IEA*1*000000001~")
        segments = list(tokenize(data))
        assert segments[0].delimiters.repetition is None and ":" == segments[0].delimiters.component
        assert isa11 == segments[0][11] and 17 == len(segments[0].elements)
        assert ("ABK:J209^ABF:R05",) == segments[3].repetitions(1)
        assert data == write(segments)


class TestDelimitersThatCannotBeDetermined:
    """Still refused, with the place and the reason."""

    def test_too_few_elements_before_a_line_break_and_the_next_segment(self) -> None:
        with pytest.raises(FramingError, match=r"segment 1 \(byte 12, line 1\): the ISA has 4 element separators "
                                               r"'\*' before the next segment \('\\nGS\*'\); it needs 16"):
            list(tokenize(b"ISA*00* *00*\nGS*HC*S*R*1*2*3*4*5*6*7*8*9*0*1*2\n"))

    def test_too_few_elements_in_the_whole_file(self) -> None:
        with pytest.raises(FramingError, match=r"ISA has 4 element separators '\*' before the end of the file"):
            list(tokenize(b"ISA*00* *00*~GS~"))

    def test_too_few_elements_before_the_next_segment(self) -> None:
        with pytest.raises(FramingError, match=r"\(byte 12, line 1\): the ISA has 4 element separators '\*' before the next segment "
                                               r"\('~GS\*'\)"):
            list(tokenize(b"ISA*00* *00*~GS*A*B*C*D*E*F*G*H*I*J*K*L*M*N~"))

    def test_terminator_that_is_a_letter(self) -> None:
        parts = fields()
        parts[2] = " "
        with pytest.raises(FramingError, match=r"\(byte 96, line 1\): the segment terminator .*'X'"):
            list(tokenize(("*".join(parts) + "X~GS*HC~").encode()))

    def test_component_separator_equal_to_the_element_separator(self) -> None:
        parts = fields()
        parts[2] = " "
        parts[16] = "*"
        with pytest.raises(FramingError, match="element separator and the component separator are both '\\*'"):
            list(tokenize((rejoin(parts)).encode()))


class TestPositionsAndWhitespace:
    def test_bom_crlf_and_indentation_are_kept_outside_the_elements(self) -> None:
        data = ("\ufeff".encode() + interchange().replace(b"~", b"~\r\n    "))
        segments = list(tokenize(data))
        assert ["ISA", "GS", "ST", "SE", "GE", "IEA"] == [s.id for s in segments]
        assert "GS" == segments[1].elements[0] and segments[1].offset == 3 + 106 + 6
        assert [1, 2, 3, 4, 5, 6] == [s.line for s in segments]
        assert data == write(segments)

    def test_newline_as_terminator_with_blank_lines(self) -> None:
        isa = ISA[:-1] + "\n"
        data = interchange(isa, "GS*HC*S*R*20250101*1200*1*X*005010X222A1\n\nST*837*0001\nSE*2*0001\nGE*1*1\n"
                                "IEA*1*000000001\n")
        segments = list(tokenize(data))
        assert ["ISA", "GS", "ST", "SE", "GE", "IEA"] == [s.id for s in segments]
        assert [1, 2, 4, 5, 6, 7] == [s.line for s in segments]
        assert data == write(segments)

    @pytest.mark.parametrize("chunk_size", [256, 300, 333, 1 << 20])
    def test_blank_lines_at_a_chunk_boundary_are_no_segment(self, chunk_size: int) -> None:
        """With line breaks as terminators a blank line is whitespace, also where a chunk of the file ends on it
        (an empty segment came out of a file of 512 bytes or more that ended in a blank line)."""
        isa = ISA[:-1] + "\n"
        body = "GS*HC*S*R*20250101*1200*1*X*005010X222A1\nST*837*0001\n" + "REF*AB*1234567890\n\n" * 30
        data = interchange(isa, body + "SE*32*0001\nGE*1*1\nIEA*1*000000001\n\n")
        segments = list(tokenize(data, chunk_size=chunk_size))
        assert "" not in [s.id for s in segments] and 36 == len(segments)
        assert data == write(segments)

    def test_segment_index_and_byte_offset(self) -> None:
        segments = list(tokenize(interchange()))
        assert [0, 1, 2] == [s.index for s in segments[:3]]
        assert segments[2].offset == interchange().index(b"ST*837")

    def test_small_chunks_give_the_same_segments(self) -> None:
        data = interchange().replace(b"~", b"~\r\n")
        assert [s.elements for s in tokenize(data)] == [s.elements for s in tokenize(data, chunk_size=7)]
        assert data == write(tokenize(data, chunk_size=7))

    def test_two_interchanges_with_different_delimiters(self) -> None:
        second = interchange().replace(b"*", b"|").replace(b"~", b"\x1d")
        segments = list(tokenize(interchange() + b"\n" + second))
        assert 12 == len(segments)
        assert "|" == segments[6].delimiters.element and "\x1d" == segments[6].delimiters.segment
        assert interchange() + b"\n" + second == write(segments)

    def test_last_segment_without_terminator_is_read_and_written_back_as_is(self) -> None:
        data = interchange()[:-1]
        segments = list(tokenize(data))
        assert "IEA" == segments[-1].id and not segments[-1].terminated
        assert data == write(segments)

    def test_truncated_inside_a_segment(self) -> None:
        with pytest.raises(FramingError, match="ends inside a segment"):
            list(tokenize(interchange()[:-25]))

    def test_body_with_another_terminator_than_the_isa_declares(self) -> None:
        """Nothing after the ISA can be split; the refusal names the terminator seen and the one declared."""
        data = interchange()
        data = data[:106] + data[106:].replace(b"~", b"!")
        with pytest.raises(FramingError, match=r"segment 2 \(byte 106, line 1\): the body ends its segments with "
                                               r"'!' but the ISA declares '~' \(the character after ISA16 ':'\)"):
            list(tokenize(data))

    def test_nul_padding_after_iea_is_whitespace(self) -> None:
        data = interchange() + b"\x00" * 50
        assert data == write(tokenize(data))


class TestComposites:
    def test_components_and_repetitions_split_on_demand(self) -> None:
        body = ("GS*HC*S*R*20250101*1200*1*X*005010X222A1~ST*837*0001~SV1*HC:99213:25*100*UN*1***1:2~"
                "HI*ABK:J209^ABF:R05~SE*4*0001~GE*1*1~IEA*1*000000001~")
        segs = {s.id: s for s in tokenize(interchange(body=body))}
        assert ("HC", "99213", "25") == segs["SV1"].components(1)
        assert "25" == segs["SV1"].component(1, 3) and "" == segs["SV1"].component(1, 4)
        assert ("ABK:J209", "ABF:R05") == segs["HI"].repetitions(1)
        assert "" == segs["SV1"][20]


class TestBinarySegments:
    def test_bin_payload_may_hold_the_terminator(self) -> None:
        payload = "a~b\nc*d"
        body = (f"GS*HC*S*R*20250101*1200*1*X*005010X222A1~ST*275*0001~BIN*{len(payload)}*{payload}~SE*3*0001~"
                "GE*1*1~IEA*1*000000001~")
        data = interchange(body=body)
        segs = list(tokenize(data, chunk_size=64))
        binary = next(s for s in segs if s.id == "BIN")
        assert payload == binary.elements[2]
        assert data == write(segs)

    def test_bin_length_that_is_not_a_number(self) -> None:
        body = "GS*HC*S*R*20250101*1200*1*X*X~ST*275*0001~BIN*1a*x~SE*3*0001~GE*1*1~IEA*1*000000001~"
        with pytest.raises(FramingError, match="BIN01 must be the number of bytes"):
            list(tokenize(interchange(body=body)))


class TestSkippingTransactions:
    """tokenize(keep=...) passes over declined transactions' bodies; what it yields is what a full read yields."""

    def file(self, brk: str = "\n") -> bytes:
        body = "".join(f"ST*837*{n:04d}*005010X222A1~BHT*0019*00*{n}*20250101*1200*CH~" +
                       "".join(f"NM1*41*2*X~{brk if k % 3 else '  ' + brk[::-1]}" for k in range(40))
                       + f"SE*{43}*{n:04d}~{brk}" for n in range(1, 6))
        return interchange(body="GS*HC*S*R*20250101*1200*1*X*005010X222A1~\n" + body + "GE*5*1~IEA*1*000000001~\n")

    @pytest.mark.parametrize("brk", ["\n", "\r\n", "\r", ""])
    @pytest.mark.parametrize("chunk_size", [256, 300, 777, 4096, 1 << 20])
    def test_kept_segments_are_the_full_reads_segments(self, chunk_size: int, brk: str) -> None:
        data = self.file(brk)
        full = {seg.index: seg for seg in tokenize(data, chunk_size=chunk_size)}
        for k in (0, 1):
            asked: list[int] = []

            def keep(st: object) -> bool:
                asked.append(st.index)  # type: ignore[attr-defined]
                return (len(asked) - 1) % 2 == k

            part = list(tokenize(data, chunk_size=chunk_size, keep=keep))
            assert all(full[seg.index] == seg for seg in part)
            assert part[-1].index == max(full)                      # the last segment always comes
            assert len(asked) == 5                                   # every ST was asked about once
            kept = {seg[2] for seg in part if seg.id == "ST"}
            bodies = {seg.index for seg in part if seg.id == "NM1"}
            assert len(bodies) < 40 * 5 and len(kept) == 5            # bodies were skipped, not envelopes
            assert {seg.id for seg in part} >= {"ISA", "GS", "ST", "SE", "GE", "IEA"}

    def test_the_envelope_counts_skipped_segments(self) -> None:
        """SE01 is checked against the segment count even when the body was not split."""
        from edi.x12 import Framer

        framer = Framer(tokenize(self.file(), keep=lambda st: False))
        list(framer)
        assert [] == [f.code for f in framer.findings]
        wrong = Framer(tokenize(self.file().replace(b"SE*43*0002", b"SE*42*0002"), keep=lambda st: False))
        list(wrong)
        assert ["envelope.se01.count"] == [f.code for f in wrong.findings]


class TestSkippingIsExact:
    """Any choice of transactions, any chunk size, gaps and interchanges: a kept transaction comes whole (every
    segment from its ST to its SE, as a full read gives it), a declined one's body may not, the envelope always."""

    @staticmethod
    def file(transactions: list[int], gap: str, interchanges: int) -> bytes:
        out = []
        for i in range(interchanges):
            body = "".join(f"ST*837*{n:04d}*005010X222A1~{gap}" + "".join(f"NM1*41*2*X{k}~{gap}" for k in range(size))
                           + f"SE*{size + 2}*{n:04d}~{gap}" for n, size in enumerate(transactions, 1))
            out.append(interchange(body=f"GS*HC*S*R*20250101*1200*1*X*005010X222A1~{gap}{body}GE*"
                                        f"{len(transactions)}*1~{gap}IEA*1*00000000{i + 1}~{gap}").decode())
        return "".join(out).encode("latin-1")

    @settings(max_examples=150, deadline=None)
    @given(transactions=st.lists(st.integers(0, 60), min_size=1, max_size=8), gap=st.sampled_from(["", "\n", " \n"]),
           interchanges=st.integers(1, 2), chunk_size=st.integers(256, 3000), seed=st.integers(0, 2**16))
    def test_kept_transactions_come_whole(self, transactions: list[int], gap: str, interchanges: int,
                                          chunk_size: int, seed: int) -> None:
        data = self.file(transactions, gap, interchanges)
        full = list(tokenize(data, chunk_size=chunk_size))
        chosen = {st_seg.offset for st_seg in full if st_seg.id == "ST" and hash((seed, st_seg.offset)) % 2}
        part = list(tokenize(data, chunk_size=chunk_size, keep=lambda seg: seg.offset in chosen))
        by_index = {seg.index: seg for seg in full}
        assert all(by_index[seg.index] == seg for seg in part)
        got = {seg.index for seg in part}
        inside = None
        for seg in full:
            if seg.id == "ST":
                inside = seg.offset in chosen
            if inside or seg.id in ("ISA", "GS", "ST", "SE", "GE", "IEA"):
                assert seg.index in got, (seg.index, seg.id)
            if seg.id == "SE":
                inside = None
        assert part[-1].index == full[-1].index
