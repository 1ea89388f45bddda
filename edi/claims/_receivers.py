"""Receivers: who batched claims are sent to (a clearinghouse, a payer), from ``mappings/receivers/*.toml`` — the
interchange ids and qualifiers, the usage indicator, the 1000A submitter and 1000B receiver, how many claims go in
one transaction and one file, and how files are named. A new trading partner needs a file, not code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from edi._data import named_mapping, read_toml
from edi.errors import EdiError, MappingError
from edi.models.common import Contact, Party
from edi.x12 import InterchangeHeader
from edi.x12 import Party as EnvelopeParty

DEFAULT = "example-clearinghouse"
FIELDS = {"receiver": {"name", "id"}, "submitter": {"name", "id", "contact", "phone", "email"},
          "interchange": {"sender", "receiver", "usage", "ack_requested", "group_sender", "group_receiver"},
          "batch": {"max_claims_per_transaction", "max_claims_per_file", "file_name"}}


@dataclass(frozen=True, slots=True)
class Receiver:
    key: str                        # the file's stem: what --receiver names and file names carry
    submitter: Party                # 1000A NM1*41 (with its PER)
    receiver: Party                 # 1000B NM1*40
    sender_id: EnvelopeParty        # ISA05, ISA06
    receiver_id: EnvelopeParty      # ISA07, ISA08
    usage: str = "T"                # ISA15
    ack_requested: str = "0"        # ISA14
    group_sender: str = ""          # GS02 (empty: ISA06)
    group_receiver: str = ""        # GS03 (empty: ISA08)
    max_claims_per_transaction: int = 5000
    max_claims_per_file: int = 5000
    file_name: str = "{receiver}-{isa13}-{type}.x12"

    @property
    def pair(self) -> tuple[str, str]:
        """The control-number counters' sender and receiver (``QUALIFIER:ID``, as docs/ledger.md asks)."""
        sender, receiver = self.sender_id, self.receiver_id
        return f"{sender.qualifier}:{sender.id}", f"{receiver.qualifier}:{receiver.id}"

    def header(self, usage: str | None, created: Any) -> InterchangeHeader:
        return InterchangeHeader(self.sender_id, self.receiver_id, usage=usage or self.usage,
                                 ack_requested=self.ack_requested, created=created)

    def name_for(self, isa13: str, kind: str, day: date) -> str:
        """The file name of an interchange: receiver and ISA13 always in it."""
        name = self.file_name.format(receiver=self.key, isa13=isa13, type=kind, date=day.strftime("%Y%m%d"))
        if isa13 not in name or self.key not in name or "/" in name:
            name = f"{self.key}-{isa13}-{kind}.x12"
        return name


def load_receiver(name_or_path: str | Path | None = None) -> Receiver:
    """A receiver by name (``mappings/receivers/NAME.toml``) or path; a MappingError names what is wrong."""
    path = named_mapping("receivers", name_or_path or DEFAULT, "receiver")
    source = str(path)
    data = read_toml(path)
    return parse_receiver(data, path.stem, source)


def parse_receiver(data: dict[str, Any], key: str, source: str) -> Receiver:
    for table, value in data.items():
        if table not in FIELDS or not isinstance(value, dict):
            raise MappingError(f"unknown table; tables: {', '.join(FIELDS)}", source, table)
        unknown = set(value) - FIELDS[table]
        if unknown:
            raise MappingError(f"unknown key(s) {sorted(unknown)}", source, table)

    def text(table: str, field: str, default: str | None = None) -> str:
        value = data.get(table, {}).get(field, default)
        if not isinstance(value, str) or (default is None and not value):
            raise MappingError("needs a text value", source, f"{table}.{field}")
        return value

    def count(field: str) -> int:
        value = data.get("batch", {}).get(field, 5000)
        if not isinstance(value, int) or not 1 <= value <= 5000:
            raise MappingError("needs a whole number from 1 to 5000", source, f"batch.{field}")
        return value

    usage = text("interchange", "usage", "T")
    if usage not in ("T", "P"):
        raise MappingError("is T (test) or P (production)", source, "interchange.usage")
    channels = tuple((q, v) for q, v in (("TE", text("submitter", "phone", "")), ("EM", text("submitter", "email", "")))
                     if v)
    if not channels:   # 1000A PER is required, with a number or an address to reach the submitter
        raise MappingError("needs a phone or an email (the 837's 1000A PER is required)", source, "submitter.phone")
    submitter = Party(entity="41", entity_type="2", last_name=text("submitter", "name"), id_qualifier="46",
                      id=text("submitter", "id"),
                      contacts=(Contact(name=text("submitter", "contact", ""), channels=channels),))
    receiver = Party(entity="40", entity_type="2", last_name=text("receiver", "name"), id_qualifier="46",
                     id=text("receiver", "id"))
    return Receiver(key, submitter, receiver, _party(text("interchange", "sender"), source, "interchange.sender"),
                    _party(text("interchange", "receiver"), source, "interchange.receiver"), usage,
                    text("interchange", "ack_requested", "0"), text("interchange", "group_sender", ""),
                    text("interchange", "group_receiver", ""), count("max_claims_per_transaction"),
                    count("max_claims_per_file"), text("batch", "file_name", "{receiver}-{isa13}-{type}.x12"))


def _party(value: str, source: str, key: str) -> EnvelopeParty:
    from edi.acks import parse_party

    try:
        return parse_party(value)
    except EdiError as exc:
        raise MappingError(str(exc), source, key) from None
