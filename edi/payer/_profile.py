"""A payer's adjudication rules: the ``[adjudication]`` table of a payer profile (mappings/payers/*.toml) — fee
schedule, plan benefits, member roster, enrolled providers, payment timing, denial rates, crossover, remittance
details. Every value is checked when read; a bad one raises MappingError naming the file and the key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from edi._data import TableReader, read_toml
from edi.errors import MappingError

KEYS = {"fee_schedule_source", "fee_schedule", "percent_of_charge", "deductible", "coinsurance", "copay_by_place",
        "copay_codes", "plan_year_start_month", "lag_days", "payment_weekday", "prompt_pay_days",
        "interest_rate", "unexplained_denial_rate", "unexplained_denial", "downcode_rate", "downcode",
        "remarks", "members", "enrolled_providers", "enrollment_complete", "crossover", "split_over_lines", "non_covered", "remit"}
REMIT_KEYS = {"payer_name", "tax_id", "street", "city", "state", "postal_code", "contact_phone", "payer_bank",
              "payer_account", "filing_indicator"}


@dataclass(frozen=True)
class Member:
    id: str
    active: bool = True                  # False: no coverage on file at all (front-end rejection)
    start: date | None = None            # coverage dates (a service outside them is denied CO-27)
    end: date | None = None


@dataclass(frozen=True)
class Enrolled:
    npi: str
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Remit:
    payer_name: str
    tax_id: str
    street: str
    city: str
    state: str
    postal_code: str
    contact_phone: str
    payer_bank: str
    payer_account: str
    filing_indicator: str


@dataclass(frozen=True)
class Adjudication:
    """What the simulator needs to adjudicate one payer's claims (docs/payer-simulator.md explains each key)."""

    name: str
    ids: tuple[str, ...]
    source: str
    remit: Remit
    fee_schedule: dict[str, Decimal] = field(default_factory=dict)    # code → allowed per unit
    fee_schedule_source: str = ""
    percent_of_charge: Decimal = Decimal("0.60")   # allowed for codes off the schedule, and institutional lines
    deductible: Decimal = Decimal(0)
    coinsurance: Decimal = Decimal(0)              # fraction of what is left after deductible
    copay_by_place: dict[str, Decimal] = field(default_factory=dict)
    copay_codes: tuple[str, ...] = ("992",)        # code prefixes a copay applies to (once per claim)
    plan_year_start_month: int = 1
    lag_days: tuple[int, int] = (14, 30)
    payment_weekday: int | None = None             # 0 Monday … 6 Sunday: payment cycle day
    prompt_pay_days: int = 30
    interest_rate: Decimal = Decimal(0)            # yearly, on claims paid later than prompt_pay_days
    unexplained_denial_rate: float = 0.0
    unexplained_denial: tuple[str, str, str] = ("CO", "16", "MA130")
    downcode_rate: float = 0.0
    downcode: dict[str, str] = field(default_factory=dict)
    remarks: dict[str, str] = field(default_factory=dict)             # "CO-16" → RARC sent with that denial
    members: dict[str, Member] | None = None                          # None: no roster, any member id passes
    enrolled_providers: dict[str, Enrolled] | None = None              # None: no enrollment check
    enrollment_complete: bool = False              # True: a provider not listed is not enrolled (CO-208, CO-185)
    crossover: tuple[str, str] | None = None                           # (name, payer id) of the crossover payer
    split_over_lines: int | None = None
    non_covered: tuple[str, ...] = ()

    def rarc(self, group: str, reason: str) -> str:
        return self.remarks.get(f"{group}-{reason}", "")


def load_adjudication(path: Path) -> Adjudication:
    doc = read_toml(path)
    return parse_adjudication(doc, str(path))


def parse_adjudication(doc: dict[str, Any], source: str) -> Adjudication:
    payer = doc.get("payer")
    if not isinstance(payer, dict) or not isinstance(payer.get("ids"), list) or not payer["ids"]:
        raise MappingError("a [payer] table with a list of ids is required", source, "payer.ids")
    table = doc.get("adjudication")
    if not isinstance(table, dict):
        raise MappingError("this profile has no [adjudication] table: the simulator needs its fee schedule and "
                           "benefits (docs/payer-simulator.md)", source, "adjudication")
    r = _Reader(table, source, "adjudication")
    for key in table:
        if key not in KEYS:
            raise r.fail(key, f"unknown key; the keys are {', '.join(sorted(KEYS))}")
    remit = _Reader(r.table("remit"), source, "adjudication.remit")
    for key in remit.data:
        if key not in REMIT_KEYS:
            raise remit.fail(key, f"unknown key; the keys are {', '.join(sorted(REMIT_KEYS))}")
    lag = r.ints("lag_days", [14, 30])
    if len(lag) != 2 or not 0 <= lag[0] <= lag[1]:
        raise r.fail("lag_days", "give [fewest, most] days from receipt to payment, e.g. [14, 30]")
    weekday = r.data.get("payment_weekday")
    if weekday is not None and (not isinstance(weekday, int) or not 0 <= weekday <= 6):
        raise r.fail("payment_weekday", "a day number, 0 Monday … 6 Sunday")
    month = r.data.get("plan_year_start_month", 1)
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise r.fail("plan_year_start_month", "a month number, 1 to 12")
    unexplained = r.string("unexplained_denial", "CO-16 MA130").split()
    if not unexplained or not re.fullmatch(r"(CO|PR|OA|PI)-[A-Z0-9]{1,3}", unexplained[0]):
        raise r.fail("unexplained_denial", "give GROUP-CARC and a RARC, e.g. \"CO-16 MA130\"")
    group, reason = unexplained[0].split("-")
    crossover = r.table("crossover") if "crossover" in table else None
    if crossover is not None and not (isinstance(crossover.get("name"), str) and isinstance(crossover.get("id"), str)):
        raise r.fail("crossover", "give the crossover payer's name and id: { name = \"…\", id = \"…\" }")
    return Adjudication(
        name=str(payer.get("name", Path(source).stem)), ids=tuple(payer["ids"]), source=source,
        remit=Remit(**{k: remit.string(k, _REMIT_DEFAULTS[k]) for k in sorted(REMIT_KEYS)}),
        fee_schedule={code: r.amount(f"fee_schedule.{code}", value) for code, value in r.table("fee_schedule").items()},
        fee_schedule_source=r.string("fee_schedule_source", ""),
        percent_of_charge=r.fraction("percent_of_charge", "0.60"), deductible=r.money("deductible"),
        coinsurance=r.fraction("coinsurance", "0"),
        copay_by_place={pos: r.amount(f"copay_by_place.{pos}", v) for pos, v in r.table("copay_by_place").items()},
        copay_codes=tuple(r.strings("copay_codes", ["992"])), plan_year_start_month=month,
        lag_days=(lag[0], lag[1]), payment_weekday=weekday, prompt_pay_days=r.ints("prompt_pay_days", 30),
        interest_rate=r.fraction("interest_rate", "0"),
        unexplained_denial_rate=float(r.fraction("unexplained_denial_rate", "0")),
        unexplained_denial=(group, reason, unexplained[1] if len(unexplained) > 1 else ""),
        downcode_rate=float(r.fraction("downcode_rate", "0")),
        downcode={k: str(v) for k, v in r.table("downcode").items()},
        remarks={k: str(v) for k, v in r.table("remarks").items()},
        members=_members(r) if "members" in table else None,
        enrolled_providers=_enrolled(r) if "enrolled_providers" in table else None,
        enrollment_complete=r.boolean("enrollment_complete"),
        crossover=(crossover["name"], crossover["id"]) if crossover is not None else None,
        split_over_lines=r.ints("split_over_lines", None), non_covered=tuple(r.strings("non_covered", [])))


_REMIT_DEFAULTS = {"payer_name": "", "tax_id": "999999999", "street": "PO BOX 1000", "city": "ANYTOWN",
                   "state": "IL", "postal_code": "62701", "contact_phone": "8005550100",
                   "payer_bank": "999999992", "payer_account": "1234567", "filing_indicator": "CI"}


def _members(r: _Reader) -> dict[str, Member]:
    out = {}
    for n, item in enumerate(r.data["members"]):
        key = f"members[{n}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise r.fail(key, "each member is { id = \"…\", active = true, start = 2025-01-01, end = 2025-12-31 }")
        out[item["id"]] = Member(item["id"], bool(item.get("active", True)), r.date(f"{key}.start", item.get("start")),
                                 r.date(f"{key}.end", item.get("end")))
    return out


def _enrolled(r: _Reader) -> dict[str, Enrolled]:
    out = {}
    for n, item in enumerate(r.data["enrolled_providers"]):
        key = f"enrolled_providers[{n}]"
        if not isinstance(item, dict) or not isinstance(item.get("npi"), str):
            raise r.fail(key, "each provider is { npi = \"…\", start = 2024-01-01 }")
        out[item["npi"]] = Enrolled(item["npi"], r.date(f"{key}.start", item.get("start")),
                                    r.date(f"{key}.end", item.get("end")))
    return out


class _Reader(TableReader):
    """The [adjudication] table's values: the shared kinds, and counts, amounts, fractions and dates."""

    def ints(self, key: str, default: Any) -> Any:
        value = self.data.get(key, default)
        ok = (isinstance(value, list) and all(isinstance(v, int) and v >= 0 for v in value)) or value is None \
            or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)
        if not ok:
            raise self.fail(key, "must be a whole number of 0 or more (or a list of them)")
        return value

    def amount(self, key: str, value: Any) -> Decimal:
        try:
            amount = Decimal(str(value)) if isinstance(value, (int, float, str)) and not isinstance(value, bool) \
                else None
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0:
            raise MappingError(f"{value!r} is not an amount of 0 or more (write 72.50)", self.source,
                               f"{self.prefix}.{key}")
        return amount.quantize(Decimal("0.01"))

    def money(self, key: str) -> Decimal:
        return self.amount(key, self.data.get(key, 0))

    def fraction(self, key: str, default: str) -> Decimal:
        value = self.amount(key, self.data.get(key, default)) if key in self.data else Decimal(default)
        raw = Decimal(str(self.data.get(key, default)))
        if not 0 <= raw <= 1:
            raise self.fail(key, f"{raw} is not a fraction between 0 and 1 (write 0.20 for 20%)")
        return raw if value is not None else Decimal(default)

    def date(self, key: str, value: Any) -> date | None:
        if value is None:
            return None
        if not isinstance(value, date):
            raise MappingError(f"{value!r} is not a date (write 2025-01-01, unquoted)", self.source,
                               f"{self.prefix}.{key}")
        return value
