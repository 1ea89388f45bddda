"""Spark schemas derived from the msgspec models — one definition: a column's type is its model field's type — and
the converters that turn a model into the row tuple its schema describes.

A model field becomes a column of the same name: ``str`` → string, ``Decimal`` → decimal(38, 18) (X12 type R holds
at most 18 characters, so no value read is rounded), ``date`` → date, ``int`` → bigint, ``bool`` → boolean, a
nested model → a struct, a tuple → an array (a fixed pair such as a contact channel → an array of strings).
Fields that only serve writing a file back (``extra``, ``unheld``) and nested ``source`` fields are left out: every
row carries its file, ISA13, GS06, ST02 and segment index in columns of its own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from pyspark.sql import types as T

SKIPPED = frozenset({"extra", "unheld", "source", "payer_extra", "payee_extra", "footer_extra", "after_claims"})
DECIMAL = T.DecimalType(38, 18)
_SCALARS: dict[type, T.DataType] = {
    msgspec.inspect.StrType: T.StringType(), msgspec.inspect.DecimalType: DECIMAL,
    msgspec.inspect.DateType: T.DateType(), msgspec.inspect.IntType: T.LongType(),
    msgspec.inspect.BoolType: T.BooleanType(),
}
Convert = Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    """One column: its name, Spark type, and how to get its value from the object a row is made of."""

    name: str
    type: T.DataType
    get: Convert


def _plain(value: Any) -> Any:
    return value


def _of(info: msgspec.inspect.Type) -> tuple[T.DataType, Convert]:
    """A field type's Spark type, and the converter from the field's value to what Spark takes for it."""
    if isinstance(info, msgspec.inspect.UnionType):   # X | None: nullable anyway
        kinds = [t for t in info.types if not isinstance(t, msgspec.inspect.NoneType)]
        if len(kinds) != 1:
            raise TypeError(f"no Spark type for the union {info}")
        data_type, convert = _of(kinds[0])
        return data_type, (lambda v: None if v is None else convert(v)) if convert is not _plain else _plain
    scalar = _SCALARS.get(type(info))
    if scalar is not None:
        return scalar, _plain
    if isinstance(info, msgspec.inspect.StructType):
        return struct_of(info.cls)
    if isinstance(info, msgspec.inspect.VarTupleType):
        item_type, item = _of(info.item_type)
        return T.ArrayType(item_type), (lambda v: list(v)) if item is _plain else (lambda v: [item(x) for x in v])
    if isinstance(info, msgspec.inspect.TupleType):   # (PER03, PER04) and the like: all strings
        if not all(isinstance(t, msgspec.inspect.StrType) for t in info.item_types):
            raise TypeError(f"no Spark type for the tuple {info}")
        return T.ArrayType(T.StringType()), lambda v: list(v)
    raise TypeError(f"no Spark type for {info}")


@functools.cache
def fields_of(cls: type, skip: frozenset[str] = frozenset()) -> tuple[Column, ...]:
    """A model's columns, in field order (without those in ``skip`` and ``SKIPPED``)."""
    info = msgspec.inspect.type_info(cls)
    out = []
    for f in info.fields:  # type: ignore[attr-defined]
        if f.name in SKIPPED or f.name in skip:
            continue
        data_type, convert = _of(f.type)
        out.append(Column(f.name, data_type, _getter(f.name, convert)))
    return tuple(out)


def _getter(name: str, convert: Convert) -> Convert:
    if convert is _plain:
        return lambda obj: getattr(obj, name)
    return lambda obj: convert(getattr(obj, name))


@functools.cache
def struct_of(cls: type) -> tuple[T.StructType, Convert]:
    """A nested model's struct type and its converter (None stays None)."""
    columns = fields_of(cls)
    getters = [c.get for c in columns]
    return (T.StructType([T.StructField(c.name, c.type) for c in columns]),
            lambda v: None if v is None else tuple(get(v) for get in getters))


def union_fields(classes: Sequence[type], skip: frozenset[str] = frozenset()) -> tuple[Column, ...]:
    """The columns of several models of one family (ProfessionalClaim and InstitutionalClaim): the first one's,
    then each other's own, in order; a model without a column gives None in it."""
    seen: dict[str, Column] = {}
    for cls in classes:
        for column in fields_of(cls, skip):
            if column.name not in seen:
                seen[column.name] = Column(column.name, column.type, _when_held(column))
    return tuple(seen.values())


def _when_held(column: Column) -> Convert:
    get, name = column.get, column.name
    return lambda obj: get(obj) if hasattr(obj, name) else None


def path_column(name: str, cls: type, path: str) -> Column:
    """A column holding a nested field (``payer.id`` of a Remittance), typed as that field is in its model."""
    steps = path.split(".")
    owner = cls
    for step in steps[:-1]:
        owner = _field_class(owner, step)
    last = next(c for c in fields_of(owner) if c.name == steps[-1])

    def get(obj: Any) -> Any:
        for step in steps[:-1]:
            obj = getattr(obj, step)
            if obj is None:
                return None
        return last.get(obj)

    return Column(name, last.type, get)


def _field_class(cls: type, name: str) -> type:
    info = msgspec.inspect.type_info(cls)
    field = next(f for f in info.fields if f.name == name)  # type: ignore[attr-defined]
    kind = field.type
    if isinstance(kind, msgspec.inspect.UnionType):
        kind = next(t for t in kind.types if not isinstance(t, msgspec.inspect.NoneType))
    assert isinstance(kind, msgspec.inspect.StructType), f"{cls.__name__}.{name} is not a model"
    return kind.cls


def schema_of(columns: Sequence[Column]) -> T.StructType:
    return T.StructType([T.StructField(c.name, c.type) for c in columns])
