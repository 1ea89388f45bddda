"""What both generators share: delimiters, the interchange around the transactions, splitting into ST–SE."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time

from edi.x12 import (ControlNumbers, Delimiters, GroupContent, InterchangeHeader, Party, TransactionContent,
                     build_interchange)
from edi.x12._writer import Built

DELIMITERS = Delimiters(element="*", component=":", repetition="^", segment="~", line_break="\n")
MAX_CLAIMS_PER_TRANSACTION = 5000   # the 837 guide's recommended maximum CLM per ST–SE; used for the 835 too


def chunks(claims: int) -> Iterator[tuple[int, int, int]]:
    """(transaction number, first claim, claim after the last) for ``claims`` claims."""
    if claims < 1:
        raise ValueError(f"a synthetic file needs at least one claim, got {claims}")
    for number, start in enumerate(range(0, claims, MAX_CLAIMS_PER_TRANSACTION)):
        yield number, start, min(start + MAX_CLAIMS_PER_TRANSACTION, claims)


def interchange(group: GroupContent, seed: int, sender: str, receiver: str, day: date) -> Iterator[Built]:
    """ISA … IEA around one functional group, with control numbers and the creation time fixed by the seed."""
    header = InterchangeHeader(Party("ZZ", sender), Party("ZZ", receiver), usage="T",
                               created=datetime.combine(day, time(6, 30)))
    numbers = ControlNumbers(interchange=seed % 999_999_999 + 1, group=seed % 99_999 + 1, transaction=1)
    return build_interchange([group], header, numbers, DELIMITERS)


def group(functional_id: str, version: str, set_id: str, guide: str | None,
          bodies: Iterable[Iterable[Built]]) -> GroupContent:
    """A functional group whose transactions are the (lazy) ``bodies``."""
    transactions = (TransactionContent(set_id, body, guide) for body in bodies)
    return GroupContent(functional_id, version, transactions)
