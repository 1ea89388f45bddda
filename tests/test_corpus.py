"""Every corpus file: read without a traceback, summarized, round-tripped byte for byte, every segment placed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from conftest import corpus_files, corpus_id
from edi.errors import FramingError
from edi.guide import iter_transactions
from edi.inspect import file_info, from_json, to_json
from edi.x12 import Framer, Role, tokenize, write

pytestmark = pytest.mark.corpus
FILES = corpus_files()
HEALTHCARE = corpus_files("837p", "837i", "835", "999", "277ca", "ta1")
# Files refused at tokenizing, each for a reason a person can act on (the message is checked below).
REFUSED = {
    "bad/EdiEngine__NonEdi.edi": "expected an ISA interchange header",
    "bad/X12Parser__FromLatitude81uk.txt": "ISA12 is 6 characters",
    "bad/edi-835-parser__blue_cross_nc_sample.txt": "found 'ST\\*835",
    "bad/staedi__nonnumeric_BIN01.edi": "BIN01 must be the number of bytes",
    "bad/staedi__sample275_with_HL7_invalid_BIN01.edi": "BIN01 says 1839 bytes",
    "bad/stupidedi__1.edi": "ISA02 is 1 character",
    "bad/stupidedi__2_1.edi": "ISA02 is 1 character",
    "bad/stupidedi__3_1.edi": "ISA02 is 1 character",
    "bad/stupidedi__4_1.edi": "ISA02 is 1 character",
    "bad/stupidedi__5_1.edi": "ISA02 is 1 character",
    "bad/stupidedi__6_1.edi": "ISA02 is 1 character",
    "bad/vscode-edi-x12-support__bad-header.edi": "ISA06 is 14 characters",
    "bad/x12-parser__x12_bad_first_line.txt": "ISA02 is 9 characters",
    "bad/x12-parser__x12_no_isa_line.txt": "found 'GS\\*HC",
    "other/TigerShark__837I-Patient-NotSubscriber2.txt": "ISA02 is 3 characters",
    "other/TigerShark__837I-Patient-Subscriber.txt": "ISA02 is 3 characters",
    "other/X12Parser__Example_ErrorWithoutBenefitInfo.txt": "repetition separator are both",
    "other/stupidedi__2_1.edi": "ISA06 is 12 characters",
    "other/stupidedi__4_1.edi": "ISA08 is 16 characters",
    "other/stupidedi__5_1.edi": "ISA08 is 16 characters",
    "other/stupidedi__7_1.edi": "ISA02 is 1 character",
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
