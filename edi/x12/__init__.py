"""The syntax layer: any X12, no healthcare knowledge."""

from edi.x12._delimiters import Delimiters, read_delimiters
from edi.x12._envelope import EnvelopeFinding, Framed, Framer, Group, Interchange, Role, Transaction
from edi.x12._envelope_builder import (ControlNumbers, GroupContent, InterchangeHeader, Party, TransactionContent,
                                       build_interchange)
from edi.x12._segment import Position, Segment
from edi.x12._tokenizer import Source, tokenize
from edi.x12._writer import encode, iter_bytes, write, write_to

__all__ = [
    "ControlNumbers", "Delimiters", "EnvelopeFinding", "Framed", "Framer", "Group", "GroupContent", "Interchange",
    "InterchangeHeader", "Party", "Position", "Role", "Segment", "Source", "Transaction", "TransactionContent",
    "build_interchange", "encode", "iter_bytes", "read_delimiters", "tokenize", "write", "write_to",
]
