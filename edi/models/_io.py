"""Reading files into models transaction by transaction, and writing models back as complete interchanges."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain, groupby
from typing import Any, BinaryIO

from edi.guide import Loop, TransactionSpec, TransactionTree, TreeBuilder, iter_transactions
from edi.guide._tree import CLAIM_HOLDERS, Fold, dismantle, stream_closed
from edi.errors import EdiError
from edi.models._base import Model, RawSegment, TransactionModel
from edi.models._encode import iter_text
from edi.models._raw import read_raw
from edi.models.envelope import Enveloper, InterchangeEnvelope
from edi.x12 import (ControlNumbers, Delimiters, GroupContent, InterchangeHeader, Source, Transaction,
                     TransactionContent, build_interchange)
from edi.x12._writer import Built

# pyx12 map → "module:function" that reads its transactions into typed models (imported on first use).
READERS = {
    "837.5010.X222.A1.xml": "edi.models._read_837:read_837",
    "837Q3.I.5010.X223.A1.xml": "edi.models._read_837:read_837",
    "835.5010.X221.A1.xml": "edi.models._read_835:read_835",
    "999.5010X231.A1.xml": "edi.models._read_acks:read_999",
    "999.5010.xml": "edi.models._read_acks:read_999",
    "277.5010.X214.xml": "edi.models._read_acks:read_277ca",
    "997.4010.xml": "edi.models._read_997:read_997",     # 4010 997s, and 5010 ones (a guide derived from it)
}
# pyx12 map → "module:mapping" of loops folded into models as soon as they close (claims), so reading a
# 5,000-claim transaction holds one claim's segments at a time.
FOLDS = {
    "837.5010.X222.A1.xml": "edi.models._read_837:FOLDS",
    "837Q3.I.5010.X223.A1.xml": "edi.models._read_837:FOLDS",
    "835.5010.X221.A1.xml": "edi.models._read_835:FOLDS",
}
_loaded: dict[str, Any] = {}


def _load(target: str) -> Any:
    found = _loaded.get(target)
    if found is None:
        module, _, name = target.partition(":")
        found = _loaded[target] = getattr(importlib.import_module(module), name)
    return found


def folds_for(guide: TransactionSpec | None) -> Mapping[str, Fold]:
    target = FOLDS.get(guide.map_name) if guide is not None else None
    return _load(target) if target else {}


def reader_for(tree: TransactionTree) -> Callable[[TransactionTree], TransactionModel]:
    """The typed reader for a transaction's guide, or the raw reader when no model covers it."""
    target = READERS.get(tree.guide.map_name) if tree.guide is not None else None
    return _load(target) if target is not None else read_raw


def read(source: Source, *, name: str | None = None) -> Iterator[TransactionModel]:
    """Yield each transaction of a file (Path or bytes) as a typed model, one at a time (streaming)."""
    for tree in iter_transactions(source, name=name, folds=folds_for):
        model = reader_for(tree)(tree)
        dismantle(tree.root)  # break the tree's parent links: it is freed now, not at some later collection
        del tree
        yield model


def interchange_segments(models: Iterable[TransactionModel], header: InterchangeHeader, numbers: ControlNumbers,
                         delimiters: Delimiters) -> Iterator[tuple]:  # type: ignore[type-arg]
    """Built segments of one new interchange: consecutive models of one functional id and guide share a GS."""
    def group_key(model: TransactionModel) -> tuple[str, str]:
        return (model.FUNCTIONAL_ID or getattr(model, "functional_id", ""), default_guide(model))

    groups = (GroupContent(functional_id, guide, (
        TransactionContent(set_id(m), m.body(), guide if m.USES_ST03 else None)
        for m in members)) for (functional_id, guide), members in groupby(models, key=group_key))
    return build_interchange(groups, header, numbers, delimiters)


def enveloped_segments(models: Iterable[TransactionModel]) -> Iterator[Built | RawSegment | Delimiters]:
    """Built segments of the interchanges the models were read in: ISA, GS and ST as read (``envelope``),
    trailers counted; consecutive models of one interchange and group share it. A ``Delimiters`` item comes
    before each ISA (see ``_encode.iter_text``)."""
    env = Enveloper()
    for model in models:
        e = model.envelope
        if e is None or e.interchange is None or e.group is None:
            raise EdiError(f"a {type(model).__name__} built in code has no envelope to write it in: give write() "
                           "an InterchangeHeader (and ControlNumbers)")
        if env.interchange is None or not _same(env.interchange, e.interchange):
            yield from env.close_interchange()
            yield delimiters_of(e.interchange)
            yield from env.open_interchange(e.interchange)
        if env.group is None or not _same(env.group, e.group):
            yield from env.open_group(e.group)
        yield from env.transaction(set_id(model), e.control, e.guide, model.body())
    yield from env.close_interchange()


def delimiters_of(isa: InterchangeEnvelope) -> Delimiters:
    try:
        return isa.delimiters
    except ValueError as exc:
        raise EdiError(f"the interchange's delimiters cannot be used: {exc}") from None


def _same(a: object, b: object) -> bool:
    return a is b or a == b


def set_id(model: TransactionModel) -> str:
    return model.SET_ID or getattr(model, "set_id", "")


def default_guide(model: TransactionModel) -> str:
    return model.GUIDE or getattr(model, "guide", "")


def write(models: Iterable[TransactionModel], header: InterchangeHeader | None = None,
          numbers: ControlNumbers | None = None, delimiters: Delimiters | None = None) -> bytes:
    """Models as X12. With ``header``: one new interchange holding them, control numbers taken from ``numbers``.
    Without: the interchanges they were read in (their ``envelope``), so ``write(read(path))`` gives the file's
    segments back (trailer counts recounted)."""
    return b"".join(iter_write(models, header, numbers, delimiters))


def iter_write(models: Iterable[TransactionModel], header: InterchangeHeader | None = None,
               numbers: ControlNumbers | None = None, delimiters: Delimiters | None = None) -> Iterator[bytes]:
    if header is None:
        return iter_text(enveloped_segments(models))
    d = delimiters or Delimiters()
    return iter_text(chain((d,), interchange_segments(models, header, numbers or ControlNumbers(), d)))


def write_to(stream: BinaryIO, models: Iterable[TransactionModel], header: InterchangeHeader | None = None,
             numbers: ControlNumbers | None = None, delimiters: Delimiters | None = None) -> int:
    total = 0
    for chunk in iter_write(models, header, numbers, delimiters):
        stream.write(chunk)
        total += len(chunk)
    return total


def iter_claims(source: Source, *, name: str | None = None) -> Iterator[Model]:
    """Every claim — 837 ``Claim`` or 835 ``ClaimPayment`` — the moment its loop closes, one at a time: memory
    stays flat on files of any size, however many claims a transaction holds (the 835's ClaimPayments carry
    their transaction's control numbers in ``source``; read the header with :func:`read` on small files)."""
    produced: list[Model] = []

    unit_ids: set[str] = set()

    def folds(guide: TransactionSpec | None) -> Mapping[str, Fold]:
        found = folds_for(guide)
        unit_ids.update(found)
        return {loop_id: _collecting(fold, produced) for loop_id, fold in found.items()}

    holders: set[int] = set()  # open loops that held a claim: dropped when they close (their claims are read)
    current: list[TreeBuilder] = []

    def drop(loop: Loop) -> None:
        key = id(loop)
        if key in holders:
            holders.remove(key)  # now: a freed loop's id may come back as another loop's
        elif loop.spec.id not in unit_ids:
            return  # most loops: a line, a name, … inside a claim, or a loop that held no claim
        parent = loop.parent
        if parent is not None:
            holders.add(id(parent))
            children = parent.children
            if children and children[-1] is loop:
                children.pop()
                current[0].release(loop)

    def builder_for(transaction: Transaction) -> TreeBuilder:
        holders.clear()
        current[:] = [TreeBuilder(transaction, drop, folds=folds, units=CLAIM_HOLDERS)]
        return current[0]

    return stream_closed(source, name, builder_for, produced)


def _collecting(fold: Fold, produced: list[Model]) -> Fold:
    def collect(loop: Loop, envelope: Transaction) -> None:
        produced.append(fold(loop, envelope))  # type: ignore[arg-type]
    return collect
