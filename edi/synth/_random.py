"""Fake identities and amounts drawn from a ``random.Random``: nothing here is, or looks like, a real person.

Names come from short lists of made-up words, member ids start with ``SYN``, phone numbers use the 555-01xx
range reserved for fiction, and NPIs are random digits with a valid Luhn check digit (so format checks pass).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

SURNAMES = (
    "ABLEFAKE", "BRIXWORTH", "CORVALDINE", "DUMMYSON", "EXAMPLAR", "FICTIVA", "GLORBINSKI", "HYPOTHEX", "IMAGINO",
    "JESTERLY", "KLOPWORTH", "LOREMIPSON", "MOCKLEY", "NULLSWORTH", "OBLONGO", "PLACEHOLT", "QUIXBY", "ROBOTTI",
    "SAMPLEMAN", "TESTWELL", "UNREALE", "VOIDMAN", "WIDGETTE", "XYLOFAKE", "YONDERLY", "ZEDSTONE",
)
FIRST_NAMES = (
    ("ALPHA", "F"), ("BRAVO", "M"), ("CHARLIE", "F"), ("DELTA", "F"), ("ECHO", "M"), ("FOXTROT", "M"),
    ("GOLF", "M"), ("HOTEL", "F"), ("INDIA", "F"), ("JULIETT", "F"), ("KILO", "M"), ("LIMA", "F"), ("MIKE", "M"),
    ("NOVEMBER", "F"), ("OSCAR", "M"), ("PAPA", "M"), ("QUEBEC", "F"), ("ROMEO", "M"), ("SIERRA", "F"),
    ("TANGO", "M"), ("UNIFORM", "F"), ("VICTOR", "M"), ("WHISKEY", "M"), ("XRAY", "M"), ("YANKEE", "M"),
    ("ZULU", "F"),
)
STREETS = ("TEST", "SAMPLE", "MOCK", "DEMO", "PLACEHOLDER", "EXAMPLE", "FICTION", "DUMMY")
STREET_KINDS = ("ST", "AVE", "RD", "LN", "BLVD", "CT")
CITIES = (("ANYTOWN", "IL"), ("SAMPLEVILLE", "OH"), ("TESTBURG", "PA"), ("MOCKTON", "TX"), ("FAKEFIELD", "CA"),
          ("DEMOPOLIS", "NY"), ("PLACEBO", "FL"), ("NOWHERE", "WA"))


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    city: str
    state: str
    zip: str


@dataclass(frozen=True, slots=True)
class Person:
    last: str
    first: str
    gender: str        # DMG03: F, M or U
    birth: date
    member_id: str
    address: Address


def money(value: Decimal | float | int) -> Decimal:
    """Round to cents, half up (the way payers round)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def share(amount: Decimal, rng: random.Random, low: float, high: float) -> Decimal:
    """A random fraction of ``amount`` between ``low`` and ``high``, in cents."""
    return money(amount * Decimal(str(round(rng.uniform(low, high), 4))))


def digits(rng: random.Random, n: int) -> str:
    return f"{rng.randrange(10 ** n):0{n}d}"


def luhn_check_digit(payload: str) -> str:
    """The Luhn digit to append to ``payload`` (the rightmost payload digit is doubled)."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def npi(rng: random.Random) -> str:
    """A 10-digit NPI starting with 1 or 2 whose check digit is valid over the 80840 prefix."""
    body = str(rng.choice((1, 2))) + digits(rng, 8)
    return body + luhn_check_digit("80840" + body)


def tax_id(rng: random.Random) -> str:
    return "99" + digits(rng, 7)


def phone(rng: random.Random) -> str:
    return "555" + "55501" + digits(rng, 2)


def address(rng: random.Random, zip_digits: int = 5) -> Address:
    city, state = rng.choice(CITIES)
    street = f"{rng.randrange(1, 9999)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}"
    return Address(street, city, state, digits(rng, zip_digits))


def person(rng: random.Random, born_after: int, born_before: int, last: str | None = None,
           home: Address | None = None) -> Person:
    first, gender = rng.choice(FIRST_NAMES)
    birth = date(born_after, 1, 1) + timedelta(days=rng.randrange((born_before - born_after) * 365))
    return Person(last or rng.choice(SURNAMES), first, gender, birth, "SYN" + digits(rng, 9),
                  home or address(rng))


def d8(day: date) -> str:
    return day.strftime("%Y%m%d")


def amount(value: Decimal) -> str:
    """An X12 type R text for a money amount: no trailing zeros after the point, no point for whole amounts."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
