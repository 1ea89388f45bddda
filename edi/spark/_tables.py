"""The tables ``spark.read.format("x12").option("table", NAME)`` gives, and how each is read from one part of a file.

Every row starts with the same five columns: ``file``, ``isa13``, ``gs06``, ``st02`` and ``segment_index`` (0-based
index of the row's first segment in the file, as ``edi.x12.Position.index``); the
rest are the fields of a model (see ``_schema``), plus a few context columns that are themselves model fields of an
enclosing loop (an 835 claim payment's payer, an 837 line's CLM01).

A part of a file is ``(k, n)``: the transactions whose ST starts in the k-th of n equal byte ranges of the file
(the tokenizer passes over the bytes before it unsplit, and reading stops after it). The envelope tables
(interchanges, groups, transactions) read a file whole; the findings of a file in parts have one more task for the
rules that compare all its transactions (edi.validate._tasks).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from pyspark.sql import types as T

from edi.models import read
from edi.models.claim import ClaimTransaction, HealthCareCode, InstitutionalClaim, ProfessionalClaim, ServiceLine
from edi.models.common import Adjustment
from edi.models.envelope import Envelope, GroupEnvelope, InterchangeEnvelope, group_of, interchange_of
from edi.models.remittance import (ClaimPayment, HeaderNumber, ProviderAdjustment, ProviderAdjustmentItem, Remittance,
                                   ServicePayment)
from edi.spark._schema import Column, fields_of, path_column, schema_of, union_fields
from edi.validate._tasks import byte_range
from edi.x12 import Framer, Role, Transaction, tokenize

Part = tuple[str, int, int]          # (path, k, n)
Row = tuple[Any, ...]
STRING = T.StringType()
LONG = T.LongType()


def _key(name: str, data_type: T.DataType, index: int) -> Column:
    return Column(name, data_type, lambda ctx: ctx[index])


# the five columns every row starts with: values from the row's context tuple (file, ISA13, GS06, ST02, segment)
KEYS = (_key("file", STRING, 0), _key("isa13", STRING, 1), _key("gs06", STRING, 2), _key("st02", STRING, 3),
        _key("segment_index", LONG, 4))


@dataclass(frozen=True)
class Table:
    """A table: its columns after the five keys, whether it splits a file by transaction, and its rows of a part
    as (key values, object the columns read) pairs."""

    name: str
    doc: str
    columns: tuple[Column, ...]
    items: Callable[[Part], Iterator[tuple[Row, Any]]]
    splits: bool = True
    file_task: bool = False     # a file read in parts gets one more task, part (FILE_TASK, n): see _findings

    @property
    def schema(self) -> T.StructType:
        return schema_of((*KEYS, *self.columns))

    def rows(self, part: Part) -> Iterator[Row]:
        return self.rows_from(self.items(part))

    def rows_from(self, items: Iterable[tuple[Row, Any]]) -> Iterator[Row]:
        getters = [c.get for c in self.columns]
        for keys, obj in items:
            yield (*keys, *(get(obj) for get in getters))


# -- reading a part of a file ---------------------------------------------------------------------------------
class _PartFramer(Framer):
    """The envelope events of the transactions whose ST starts in the k-th of n equal byte ranges of the file (and
    of no other transaction), as the findings' tasks share it (edi.validate._tasks.byte_range): the tokenizer
    passes over the bytes before the range without splitting the bodies there, and reading stops at the first ST
    after it."""

    def __init__(self, path: Path, k: int, n: int) -> None:
        self.range = byte_range(str(path), k, n) if n > 1 else None
        lo, hi = self.range or (0, math.inf)
        super().__init__(tokenize(path, keep=lambda st: lo <= st.offset < hi))

    def events(self) -> Iterator[Any]:
        if self.range is None:
            yield from super().events()
            return
        lo, hi = self.range
        skipped: Transaction | None = None
        for event in super().events():
            transaction = event[2]
            if transaction is not None and event[0] is not Role.STRAY:
                if transaction is skipped:
                    continue
                offset = transaction.header.offset
                if offset >= hi:
                    return
                if offset < lo:
                    skipped = transaction
                    continue
            yield event


def transactions(part: Part) -> Iterator[Any]:
    path, k, n = part
    return read(_PartFramer(Path(path), k, n), name=path)  # type: ignore[arg-type]


def _context(path: str, model: Any, segment: int) -> Row:
    e = model.envelope
    isa = e.interchange.control if e is not None and e.interchange is not None else None
    gs = e.group.control if e is not None and e.group is not None else None
    return (path, isa, gs, e.control if e is not None else None, segment)


def _at(model: Any) -> int:
    source = getattr(model, "source", None)
    return source.segment if source is not None else -1


def _on(owner: Callable[[Any], Any], column: Column, name: str = "") -> Column:
    """A model's column read from the object ``owner`` finds in a row's item (None where there is none)."""
    get = column.get

    def value(item: Any) -> Any:
        obj = owner(item)
        return None if obj is None else get(obj)

    return Column(name or column.name, column.type, value)


def _from(attribute: str, columns: Iterable[Column], prefix: str = "") -> tuple[Column, ...]:
    """Columns of the ``attribute`` (remittance, claim, service, item …) of a row's item (InClaim, InRemittance)."""
    return tuple(_on(attrgetter(attribute), c, prefix + c.name) for c in columns)


# -- 837 ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class InClaim:
    """An item inside an 837 claim: the claim, the item, its 1-based position."""

    claim: Any
    item: Any
    position: int


def _claims(part: Part) -> Iterator[tuple[Row, Any]]:
    for model in transactions(part):
        if isinstance(model, ClaimTransaction):
            for claim in model.claims:
                yield _context(part[0], model, _at(claim)), (model, claim)


def _claim_items(attribute: str) -> Callable[[Part], Iterator[tuple[Row, Any]]]:
    def items(part: Part) -> Iterator[tuple[Row, Any]]:
        for keys, (_, claim) in _claims(part):
            for n, item in enumerate(getattr(claim, attribute), 1):
                at = _at(item)
                yield (*keys[:4], at if at >= 0 else keys[4]), InClaim(claim, item, n)
    return items


def _kind(pair: Any) -> str:
    return "837I" if pair[1].INSTITUTIONAL else "837P"


CLAIM_COLUMNS = union_fields((ProfessionalClaim, InstitutionalClaim), frozenset({"lines"}))
_CLM01 = next(c for c in CLAIM_COLUMNS if c.name == "patient_control_number")
_POSITION = Column("position", LONG, lambda it: it.position)

CLAIMS = Table("claims", "837P/837I claims (2300 with its billing provider, subscriber, payer, patient): one row a "
               "claim; kind is 837P or 837I; the service lines are in claim_lines",
               (Column("kind", STRING, _kind),
                _on(itemgetter(0), path_column("receiver_id", ClaimTransaction, "receiver.id")),
                *(_on(itemgetter(1), c) for c in CLAIM_COLUMNS)), _claims)
CLAIM_LINES = Table("claim_lines", "837 service lines (2400): one row a line, with its claim's CLM01 and its "
                    "1-based position in the claim",
                    (_on(attrgetter("claim"), _CLM01), _POSITION, *_from("item", fields_of(ServiceLine))), _claim_items("lines"))
DIAGNOSES = Table("diagnoses", "837 HI composites: one row each (qualifier ABK/BK principal, ABF/BF other, ABJ "
                  "admitting, APR reason for visit; the 837I's procedure, occurrence, value and condition codes "
                  "too), with the claim's CLM01 and the 1-based position among the claim's HI composites",
                  (_on(attrgetter("claim"), _CLM01), _POSITION, *_from("item", fields_of(HealthCareCode))), _claim_items("health_care_codes"))


# -- 835 ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class InRemittance:
    """An item of an 835: its transaction, header number, claim payment, service payment and the item itself
    (``_from`` reads columns from each; an 837 line or HI composite is an InClaim, read the same way)."""

    remittance: Remittance
    header: HeaderNumber | None
    claim: ClaimPayment | None
    service: ServicePayment | None
    item: Any
    position: int = 0
    level: str = ""
    plb: ProviderAdjustment | None = None


def _remittances(part: Part) -> Iterator[Remittance]:
    return (model for model in transactions(part) if isinstance(model, Remittance))


def _claim_payments(part: Part) -> Iterator[tuple[Row, InRemittance]]:
    for model in _remittances(part):
        for header in model.headers:
            for claim in header.claims:
                yield _context(part[0], model, _at(claim)), InRemittance(model, header, claim, None, claim)


def _service_payments(part: Part) -> Iterator[tuple[Row, InRemittance]]:
    for keys, it in _claim_payments(part):
        for n, service in enumerate(it.claim.services, 1):  # type: ignore[union-attr]
            yield ((*keys[:4], _at(service)),
                   InRemittance(it.remittance, it.header, it.claim, service, service, n, "service"))


def _adjustments(part: Part) -> Iterator[tuple[Row, InRemittance]]:
    for keys, it in _claim_payments(part):
        claim = it.claim
        assert claim is not None
        for n, adjustment in enumerate(claim.adjustments, 1):
            yield keys, InRemittance(it.remittance, it.header, claim, None, adjustment, n, "claim")
        for service in claim.services:
            at = (*keys[:4], _at(service))
            for n, adjustment in enumerate(service.adjustments, 1):
                yield at, InRemittance(it.remittance, it.header, claim, service, adjustment, n, "service")


def _provider_adjustments(part: Part) -> Iterator[tuple[Row, InRemittance]]:
    for model in _remittances(part):
        for plb in model.provider_adjustments:
            for n, item in enumerate(plb.items, 1):
                yield (_context(part[0], model, _at(plb)),
                       InRemittance(model, None, None, None, item, n, plb=plb))


PAYMENT_CONTEXT = (
    *_from("remittance", (path_column("payer_id", Remittance, "payer.id"),
                          path_column("payer_name", Remittance, "payer.last_name"),
                          path_column("payee_id", Remittance, "payee.id"),
                          path_column("payee_name", Remittance, "payee.last_name"),
                          path_column("payment_date", Remittance, "payment_effective_date"),
                          path_column("trace_number", Remittance, "trace_number"))),
)
_CLP = {c.name: c for c in fields_of(ClaimPayment)}
CLAIM_KEYS = _from("claim", (_CLP["patient_control_number"], _CLP["payer_claim_control_number"],
                             _CLP["status_code"]))
_LEVEL_POSITION = (Column("level", STRING, lambda it: it.level), Column("position", LONG, lambda it: it.position))

CLAIM_PAYMENTS = Table("claim_payments", "835 claim payments (2100 CLP): one row a claim, with the payer, payee, "
                       "payment date and trace number of its transaction and its LX header number; the service "
                       "payments are in service_payments",
                       (*PAYMENT_CONTEXT, *_from("header", fields_of(HeaderNumber, frozenset(
                           {"claims", "provider_summary", "supplemental_summary"})), "header_"),
                        *_from("claim", fields_of(ClaimPayment, frozenset({"services"})))), _claim_payments)
SERVICE_PAYMENTS = Table("service_payments", "835 service payments (2110 SVC): one row a line, with its claim's "
                         "CLP01, CLP07 and CLP02 and its 1-based position in the claim",
                         (*PAYMENT_CONTEXT, *CLAIM_KEYS, Column("position", LONG, lambda it: it.position),
                          *_from("service", fields_of(ServicePayment))), _service_payments)
ADJUSTMENTS = Table("adjustments", "835 CAS adjustments: one row a group/reason/amount (quantity) triplet, at claim "
                    "level (2100) or service level (2110, with the line's position); position is the triplet's "
                    "1-based place among its loop's adjustments",
                    (*PAYMENT_CONTEXT, *CLAIM_KEYS, *_LEVEL_POSITION,
                     Column("service_position", LONG,
                            lambda it: it.claim.services.index(it.service) + 1 if it.service is not None else None),
                     *_from("item", fields_of(Adjustment))), _adjustments)
PLB = Table("plb", "835 provider adjustments (PLB): one row an adjustment (reason, reference, amount; a positive "
            "amount reduces the payment), with its PLB's provider and fiscal period date",
            (*PAYMENT_CONTEXT, Column("position", LONG, lambda it: it.position),
             *_from("plb", fields_of(ProviderAdjustment, frozenset({"items"}))),
             *_from("item", fields_of(ProviderAdjustmentItem))), _provider_adjustments)


# -- envelopes: a file whole, bodies skipped ------------------------------------------------------------------
def _envelope_items(role: Role) -> Callable[[Part], Iterator[tuple[Row, Any]]]:
    def items(part: Part) -> Iterator[tuple[Row, Any]]:
        path = part[0]
        for event_role, seg, transaction, framed in Framer(tokenize(Path(path), keep=_none)).events():
            if event_role is not role or framed is None:
                continue
            isa = framed.interchange.control if framed.interchange is not None else None
            gs = framed.group.control if framed.group is not None and role is not Role.ISA else None
            st = transaction.control if transaction is not None and role is Role.ST else None
            yield (path, isa, gs, st, seg.index), (seg, transaction)
    return items


def _none(_: object) -> bool:
    return False


_ENVELOPE = {c.name: c for c in fields_of(Envelope)}
INTERCHANGES = Table("interchanges", "ISA: one row an interchange, its fields as edi.models.InterchangeEnvelope holds "
                     "them", tuple(_on(lambda p: interchange_of(p[0]), c) for c in fields_of(InterchangeEnvelope)), _envelope_items(Role.ISA), splits=False)
GROUPS = Table("groups", "GS: one row a functional group, its fields as edi.models.GroupEnvelope holds them",
               tuple(_on(lambda p: group_of(p[0]), c) for c in fields_of(GroupEnvelope)), _envelope_items(Role.GS), splits=False)
TRANSACTIONS = Table("transactions", "ST: one row a transaction set: ST01, then ST02 and ST03 as "
                     "edi.models.Envelope holds them",
                     (Column("set_id", STRING, lambda p: p[1].set_id),
                      Column("control", _ENVELOPE["control"].type, lambda p: p[1].control),
                      Column("guide", _ENVELOPE["guide"].type, lambda p: p[0][3])),
                     _envelope_items(Role.ST), splits=False)


# -- validation findings: a small file whole, a big one in parts plus a task for its file rules ---------------
FILE_TASK = -1      # the part number of a split file's extra task: the rules over all its transactions
REUSED = -2         # the part number of the task finding ISA13s reused across the files of the read
_VALIDATOR: Any = None


def _validator() -> Any:
    global _VALIDATOR
    if _VALIDATOR is None:
        from edi.validate import ALL_SNIPS
        from edi.validate._engine import Validator

        _VALIDATOR = Validator(ALL_SNIPS)   # what validate() and `edi validate` use without --snip / --profile
    return _VALIDATOR


def _findings(part: Part) -> Iterator[tuple[Row, dict[str, Any]]]:
    from edi.validate._tasks import file_rule_findings, part_findings, whole_findings

    path, k, n = part
    if n == 1:
        return finding_items(whole_findings(_validator(), path))
    if k == FILE_TASK:
        return finding_items(file_rule_findings(_validator(), path))
    return finding_items(part_findings(_validator(), path, k, n))


def finding_items(findings: Iterable[Any]) -> Iterator[tuple[Row, dict[str, Any]]]:
    for finding in findings:
        row = finding.as_dict()
        yield (row["file"], row["interchange"], row["group"], row["transaction"], row["segment"] - 1), row


def _finding_column(name: str, data_type: T.DataType) -> Column:
    return Column(name, data_type, lambda row: row.get(name))


FINDINGS = Table("findings", "validation findings, as `edi validate --format json` gives them (edi.validate."
                 "Finding.as_dict): SNIP type, code, severity, message and location; details as JSON text",
                 (*(_finding_column(name, data_type) for name, data_type in (
                     ("snip", LONG), ("code", STRING), ("severity", STRING), ("message", STRING), ("claim", STRING),
                     ("line", LONG), ("offset", LONG), ("segment_id", STRING), ("loop", STRING), ("element", STRING),
                     ("element_name", STRING), ("segment_text", STRING), ("value", STRING), ("ik304", STRING),
                     ("ik403", STRING), ("ta1_note", STRING))),
                  Column("details", STRING, lambda row: json.dumps(row["details"], sort_keys=True, default=str)
                         if "details" in row else None)), _findings, file_task=True)

TABLES = {t.name: t for t in (INTERCHANGES, GROUPS, TRANSACTIONS, CLAIMS, CLAIM_LINES, DIAGNOSES, CLAIM_PAYMENTS,
                              SERVICE_PAYMENTS, ADJUSTMENTS, PLB, FINDINGS)}
