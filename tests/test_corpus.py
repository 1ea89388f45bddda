"""Every corpus file: read without a traceback, summarized, round-tripped byte for byte, every segment placed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import corpus_files, corpus_id
from edi.cli import cli
from edi.errors import FramingError
from edi.guide import iter_transactions
from edi.inspect import file_info, from_json, to_json
from edi.validate import validate
from edi.x12 import Framer, Role, tokenize, write

pytestmark = pytest.mark.corpus
FILES = corpus_files()
HEALTHCARE = corpus_files("837p", "837i", "835", "999", "277ca", "ta1")
# Files refused at tokenizing, each for a reason a person can act on (the message is checked below). Files whose ISA
# is merely not fixed width, or whose ISA11 cannot be a repetition separator, are read (TOLERATED, below).
REFUSED = {
    # not X12 at all: base64 text
    "bad/EdiEngine__NonEdi.edi": "expected an ISA interchange header",
    # a bare ST..SE with no ISA: the delimiters are nowhere declared
    "bad/edi-835-parser__blue_cross_nc_sample.txt": "found 'ST\\*835",
    # starts with GS: no ISA to read the delimiters from
    "bad/x12-parser__x12_no_isa_line.txt": "found 'GS\\*HC",
    # BIN01 '11a' is not a length, so where the binary data ends (and the next segment starts) is unknown
    "bad/staedi__nonnumeric_BIN01.edi": "BIN01 must be the number of bytes",
    # BIN01 says more bytes than stand before the next terminator: the segment cannot be delimited
    "bad/staedi__sample275_with_HL7_invalid_BIN01.edi": "BIN01 says 1839 bytes",
}
# Read although their ISA is not as X12.5 fixes it (stupidedi, X12Parser and TigerShark read them); validation
# reports each ISA element at fault with the TA1 note code (TA105). Checked by hand against each file's ISA fields.
NOT_FIXED_WIDTH = [("ISA02", "011"), ("ISA04", "013"), ("ISA06", "006"), ("ISA08", "008")]
TOLERATED = {
    # ISA09 '3434  ' not a date, ISA12 '343434' (6 characters), ISA13 '43434343' (8 digits)
    "bad/X12Parser__FromLatitude81uk.txt": [("ISA09", "014"), ("ISA12", "017"), ("ISA13", "018")],
    # ISA02/ISA04 ' ', ISA06/ISA08 10 characters (space-collapsed); version 00200 (no control map)
    "bad/stupidedi__1.edi": [*NOT_FIXED_WIDTH, ("ISA12", "017")],
    "bad/stupidedi__2_1.edi": [*NOT_FIXED_WIDTH, ("ISA12", "017")],
    "bad/stupidedi__3_1.edi": [*NOT_FIXED_WIDTH, ("ISA12", "017")],
    "bad/stupidedi__4_1.edi": [*NOT_FIXED_WIDTH, ("ISA12", "017")],
    "other/stupidedi__7_1.edi": [*NOT_FIXED_WIDTH, ("ISA12", "017")],
    # as above, sender/receiver qualifier 16 (not HIPAA), a line break inside ISA08, version 00300
    "bad/stupidedi__5_1.edi": [*NOT_FIXED_WIDTH[:2], ("ISA05", "005"), ("ISA06", "006"), ("ISA07", "007"),
                               ("ISA08", "008"), ("ISA12", "017")],
    # space-collapsed, and a line break inside ISA08 ('CEVANISSAN\n')
    "bad/stupidedi__6_1.edi": NOT_FIXED_WIDTH,
    # ISA06/ISA08 14 zeros, ISA09 '000000', ISA13 11 digits
    "bad/vscode-edi-x12-support__bad-header.edi": [("ISA06", "006"), ("ISA08", "008"), ("ISA09", "014"),
                                                   ("ISA13", "018")],
    # ISA02 9 spaces; ISA11 'U' under 00501
    "bad/x12-parser__x12_bad_first_line.txt": [("ISA02", "011"), ("ISA11", "016")],
    # ISA02/ISA04 '00 ', short sender and receiver ids
    "other/TigerShark__837I-Patient-NotSubscriber2.txt": NOT_FIXED_WIDTH,
    "other/TigerShark__837I-Patient-Subscriber.txt": NOT_FIXED_WIDTH,
    # ISA11 '^' equal to ISA16 '^': read without a repetition separator
    "other/X12Parser__Example_ErrorWithoutBenefitInfo.txt": [("ISA11", "016")],
    # ISA06 12 characters; receiver qualifier 12 (a phone number: not HIPAA)
    "other/stupidedi__2_1.edi": [("ISA06", "006"), ("ISA07", "007")],
    # ISA08 padded to 16
    "other/stupidedi__4_1.edi": [("ISA08", "008")],
    # qualifiers 12; ISA08 padded to 16
    "other/stupidedi__5_1.edi": [("ISA05", "005"), ("ISA07", "007"), ("ISA08", "008")],
}
LOCATED = re.compile(r"^.+: segment \d+ \(byte \d+, line \d+\): .+")


def test_corpus_is_there() -> None:
    assert len(FILES) >= 216


@pytest.mark.parametrize("path", FILES, ids=corpus_id)
def test_info_or_a_located_reason(path: Path) -> None:
    expected_refusal = REFUSED.get(corpus_id(path))
    if expected_refusal is None:
        info = file_info(path)
        assert info.segments > 0 and info.interchanges, f"{corpus_id(path)}: no interchange found"
        return
    with pytest.raises(FramingError) as caught:
        file_info(path)
    message = str(caught.value)
    assert re.search(expected_refusal, message), message
    assert LOCATED.match(message) and str(path) in message, message


@pytest.mark.parametrize("path", [p for p in FILES if corpus_id(p) in TOLERATED], ids=corpus_id)
def test_isa_problems_are_reported_at_the_element_with_the_ta1_note(path: Path) -> None:
    """The file is read as any other (inspect, to-xml; the round trips are checked below), and judged strictly."""
    for command in ("inspect", "to-xml"):
        result = CliRunner().invoke(cli, [command, str(path)])
        assert 0 == result.exit_code and result.output.strip(), (command, result.output[-300:])
    report = validate(path)
    assert report.fatal is None
    found = [(f.location.element, f.ta1_note) for f in report.findings if f.location.segment_id == "ISA"]
    assert TOLERATED[corpus_id(path)] == found
    assert all(f.snip == 1 and f.is_error for f in report.findings if f.location.segment_id == "ISA")


@pytest.mark.parametrize("path", [p for p in FILES if corpus_id(p) not in REFUSED], ids=corpus_id)
def test_round_trips_byte_for_byte(path: Path) -> None:
    data = path.read_bytes()
    assert data == write(tokenize(data)), "tokenizer + writer"
    assert data == write(tokenize(path, chunk_size=509)), "small chunks"
    out = io.StringIO()
    to_json(path, out)
    assert data == from_json(out.getvalue()), "to-json + from-json"
    lines = io.BytesIO()
    to_json(path, lines, lines=True)
    assert data == from_json(lines.getvalue()), "to-json --lines + from-json"


@pytest.mark.parametrize("path", [p for p in HEALTHCARE if corpus_id(p) not in REFUSED], ids=corpus_id)
def test_loop_trees_place_every_segment(path: Path) -> None:
    """Every ST..SE segment is in exactly one tree node, in file order, none dropped."""
    framer = Framer(tokenize(path))
    in_transactions = [f.segment.index for f in framer if f.transaction is not None and f.role is not Role.STRAY]
    placed = [node.segment.index for tree in iter_transactions(path) for node in tree.segments()]
    assert in_transactions == placed
    for tree in iter_transactions(path):
        if tree.guide is not None and tree.envelope.set_id in ("837", "835"):
            first = next(tree.segments())
            assert first.spec is not None and first.spec.id == "ST"
