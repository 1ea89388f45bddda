"""Models as JSON, and back to X12: ``edi to-json --models`` / ``edi from-json --models``, and JSON Schemas."""

from __future__ import annotations

from typing import Any, Union

import msgspec

from edi.errors import EdiError
from edi.guide import TransactionTree, walk_file
from edi.models._io import folds_for, reader_for, write
from edi.models._raw import RawTransaction
from edi.models.acks import ClaimAcknowledgment, FunctionalAcknowledgment, FunctionalGroupAck, InterchangeAck
from edi.models.claim import InstitutionalClaimTransaction, ProfessionalClaimTransaction
from edi.models.remittance import Remittance
from edi.x12 import ControlNumbers, Delimiters, InterchangeHeader, Party, Role, Segment, Source

FORMAT = "edi-models-json/1"
AnyTransaction = Union[ProfessionalClaimTransaction, InstitutionalClaimTransaction, Remittance, FunctionalGroupAck,
                       ClaimAcknowledgment, FunctionalAcknowledgment, RawTransaction]
SCHEMAS: dict[str, Any] = {"837p": ProfessionalClaimTransaction, "837i": InstitutionalClaimTransaction,
                           "835": Remittance, "999": FunctionalGroupAck, "277ca": ClaimAcknowledgment,
                           "ta1": InterchangeAck, "997": FunctionalAcknowledgment}


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one model ("837p", "837i", "835", "999", "277ca", "ta1", "997")."""
    model = SCHEMAS.get(kind.lower())
    if model is None:
        raise EdiError(f"no model named {kind!r}; choose from {', '.join(SCHEMAS)}")
    return msgspec.json.schema(model)


def _header(isa: Segment) -> dict[str, Any]:
    d = isa.delimiters
    return {"sender_qualifier": isa[5], "sender_id": isa[6].strip(), "receiver_qualifier": isa[7],
            "receiver_id": isa[8].strip(), "date": isa[9], "time": isa[10], "version": isa[12], "control": isa[13],
            "ack_requested": isa[14], "usage": isa[15],
            "delimiters": {"element": d.element, "component": d.component, "repetition": d.repetition,
                           "segment": d.segment} if d else None}


def to_document(source: Source, name: str | None = None) -> dict[str, Any]:
    """Every interchange of a file with its header and its transactions as models (JSON-ready builtins)."""
    interchanges: list[dict[str, Any]] = []
    for item in walk_file(source, name=name, folds=folds_for):
        if isinstance(item, TransactionTree):
            if not interchanges:
                interchanges.append({"header": None, "transactions": []})
            interchanges[-1]["transactions"].append(msgspec.to_builtins(reader_for(item)(item)))
        elif item.role is Role.ISA:
            interchanges.append({"header": _header(item.segment), "transactions": []})
    return {"format": FORMAT, "interchanges": interchanges}


def encode(source: Source, name: str | None = None) -> bytes:
    return msgspec.json.format(msgspec.json.encode(to_document(source, name)), indent=1)


def from_document(text: str | bytes) -> bytes:
    """X12 bytes for a models document: one interchange per entry, control numbers continuing from its ISA13 and
    its first transaction's GS06/ST02."""
    try:
        document = msgspec.json.decode(text)
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise EdiError(f"not an {FORMAT} document")
        out = []
        for entry in document["interchanges"]:
            models = msgspec.convert(entry["transactions"], type=list[AnyTransaction])
            header, numbers, delimiters = _envelope(entry.get("header") or {}, models)
            out.append(write(models, header, numbers, delimiters))
        return b"".join(out)
    except (msgspec.ValidationError, msgspec.DecodeError, KeyError, TypeError) as exc:
        raise EdiError(f"the models document does not fit the models: {exc}") from None


def _envelope(h: dict[str, Any], models: list[Any]) -> tuple[InterchangeHeader, ControlNumbers, Delimiters]:
    from datetime import datetime

    when = datetime.strptime(h["date"] + h["time"], "%y%m%d%H%M") if h.get("date") else datetime(2026, 1, 1, 12)
    header = InterchangeHeader(Party(h.get("sender_qualifier", "ZZ"), h.get("sender_id", "SENDER")),
                               Party(h.get("receiver_qualifier", "ZZ"), h.get("receiver_id", "RECEIVER")),
                               usage=h.get("usage", "P"), ack_requested=h.get("ack_requested", "0"),
                               version=h.get("version", "00501"), created=when)
    first = models[0].source if models and models[0].source is not None else None
    numbers = ControlNumbers(interchange=_int(h.get("control"), 1), group=_int(first.group if first else None, 1),
                             transaction=_int(first.transaction if first else None, 1))
    d = h.get("delimiters") or {}
    delimiters = Delimiters(d.get("element", "*"), d.get("component", ":"), d.get("repetition", "^"),
                            d.get("segment", "~"), "\n")
    return header, numbers, delimiters


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default
