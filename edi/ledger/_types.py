"""Column types: money and quantities are ``Decimal`` in Python and exact in the database, on both engines.

PostgreSQL stores them as ``NUMERIC(p, s)``, exact. SQLite has no exact decimal: a NUMERIC column turns ``12.34``
into a binary float, and ``SUM`` then adds floats (0.1 + 0.2 ≠ 0.3). So on SQLite the same column is an INTEGER
holding the value scaled by 10^scale (cents for money), which SQLite adds exactly; ``func.sum(column)`` keeps the
column's type, so sums come back as ``Decimal`` too. A value with more decimal places than the column keeps is
refused, never rounded: rounding money silently is how ledgers stop balancing.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from edi.errors import EdiError


class ScaledDecimal(TypeDecorator[Decimal]):
    """A ``Decimal`` with at most ``scale`` decimal places: NUMERIC(precision, scale), or a scaled INTEGER on
    SQLite."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal) or not value.is_finite():
            raise EdiError(f"{value!r}: the ledger takes amounts as finite Decimal values (never float)")
        scaled = value.scaleb(self.scale)
        if scaled != scaled.to_integral_value():
            raise EdiError(f"{value}: more than {self.scale} decimal place(s); the ledger keeps amounts exact and "
                           "does not round them")
        if abs(scaled) >= Decimal(10) ** self.precision:
            raise EdiError(f"{value}: more than {self.precision - self.scale} digit(s) before the decimal point")
        return int(scaled) if dialect.name == "sqlite" else value.quantize(Decimal(1).scaleb(-self.scale))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale)
        return Decimal(value).quantize(Decimal(1).scaleb(-self.scale))


def Money() -> ScaledDecimal:  # noqa: N802 - reads as a column type
    """Dollars and cents: 12 digits before the point (X12 amounts are at most 18 characters), 2 after."""
    return ScaledDecimal(14, 2)


def Quantity() -> ScaledDecimal:  # noqa: N802
    """Units of service (SV104 / SV205 are R, up to 15 characters): 3 decimal places, as payers accept."""
    return ScaledDecimal(15, 3)


class UtcDateTime(TypeDecorator[datetime]):
    """A moment, stored in UTC and read back as an aware ``datetime`` on both engines (SQLite has no time zones:
    it would drop the offset and hand back a naive time)."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(DateTime(timezone=dialect.name != "sqlite"))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise EdiError(f"{value!r}: the ledger takes moments as time-zone aware datetimes")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
