"""Automation policy per payer (``mappings/posting/automation.toml``): how much of an ERA ``edi post`` may post
without a person.

- ``mode``: ``post`` (post automatically), ``post-and-review`` (post, and a review work item for each claim
  payment), ``review-only`` (post nothing: the ERA's plan is printed and it is posted only with ``--reviewed``).
- ``review_carcs``: CARCs that send a claim payment to review whatever the mode (posted, with a review item).
- ``write_off_limits``: per CARC (``"*"``: any other), the largest CO/OA/PI/CR adjustment posted as an automatic
  write-off; one above it is posted flagged, with a review work item naming the limit.

A payer's table (``[payer."ID"]``, keyed by the ERA's payer id: N1*PR's id, else TRN03) overrides ``[default]``
key by key.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from edi._data import mapping_path, read_toml
from edi.errors import EdiError

POLICY_FILE = "automation.toml"
MODES = ("post", "post-and-review", "review-only")
WRITE_OFF_GROUPS = frozenset({"CO", "OA", "PI", "CR"})


@dataclass(frozen=True, slots=True)
class PayerPolicy:
    payer: str = "*"
    mode: str = "post"
    review_carcs: frozenset[str] = frozenset()
    write_off_limits: dict[str, Decimal] = field(default_factory=dict)

    def limit(self, carc: str) -> Decimal | None:
        return self.write_off_limits.get(carc, self.write_off_limits.get("*"))


@dataclass(frozen=True, slots=True)
class Policies:
    default: PayerPolicy
    payers: dict[str, PayerPolicy]

    def for_payer(self, payer_id: str) -> PayerPolicy:
        return self.payers.get(payer_id, self.default)


def load_policies(path: Path | None = None) -> Policies:
    """The policy file (default: the packaged mappings/posting/automation.toml; none there: post everything)."""
    return _read(str(path)) if path else _shipped()


@functools.cache
def _shipped() -> Policies:
    return _read(None)


def _read(path: str | None) -> Policies:
    file = Path(path) if path else mapping_path("posting") / POLICY_FILE
    if not file.is_file():
        if path:
            raise EdiError(f"{file}: no such policy file")
        return Policies(PayerPolicy(), {})
    doc = read_toml(file)
    unknown = set(doc) - {"source", "default", "payer"}
    if unknown:
        raise EdiError(f"{file}: unknown table {sorted(unknown)[0]!r}: use [default] and [payer.\"ID\"]")
    default = _policy(file, "[default]", "*", doc.get("default", {}), PayerPolicy())
    payers = {str(pid): _policy(file, f"[payer.{pid!r}]", str(pid), raw, default)
              for pid, raw in doc.get("payer", {}).items()}
    return Policies(default, payers)


def _policy(file: Path, where: str, payer: str, raw: dict[str, Any], base: PayerPolicy) -> PayerPolicy:
    unknown = set(raw) - {"mode", "review_carcs", "write_off_limits", "note"}
    if unknown:
        raise EdiError(f"{file}: {where}: unknown key {sorted(unknown)[0]!r}: use mode, review_carcs, "
                       "write_off_limits")
    mode = raw.get("mode", base.mode)
    if mode not in MODES:
        raise EdiError(f"{file}: {where}: mode {mode!r}: use one of {', '.join(MODES)}")
    carcs = frozenset(str(c) for c in raw.get("review_carcs", base.review_carcs))
    limits = dict(base.write_off_limits)
    for carc, amount in raw.get("write_off_limits", {}).items():
        try:
            limits[str(carc)] = Decimal(str(amount))
        except InvalidOperation:
            raise EdiError(f"{file}: {where}: write_off_limits {carc!r} = {amount!r}: give an amount, e.g. "
                           "\"500.00\"") from None
    return PayerPolicy(payer, str(mode), carcs, limits)
