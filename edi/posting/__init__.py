"""ERA auto-posting: 835 claim payments matched to the claims the ledger holds and posted as journal entries,
exactly once, every dollar accounted for (docs/posting.md).

Why a package of its own, beside :mod:`edi.claims` and not inside :mod:`edi.ledger`: posting reads X12 (835
models) and applies payer-facing rules (matching, denial routing from ``mappings/posting/``), while the ledger
stores values and never sees a segment. The ledger side — the tables, the inserts and the lookups the matcher
needs — is :mod:`edi.ledger._posting`; this package decides what to post.

    from edi.ledger import open_ledger
    from edi.posting import post_file
    with open_ledger("edi.db") as ledger:
        result = post_file(ledger, Path("era.835"))      # one DB transaction per 835 transaction set

Modules: ``_import`` (``edi ledger import``: another system's 837s recorded), ``_match`` (claim and line
matching, with method and score), ``_rules`` (denial routing table), ``_plan`` (an ERA as journal entries and the
balance checks), ``_post`` (the transactions, idempotency, the report).
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    **dict.fromkeys(("Imported", "import_837", "derived_line_key"), "_import"),
    **dict.fromkeys(("EraResult", "FileResult", "post_file"), "_post"),
    **dict.fromkeys(("DenialRule", "load_rules", "route"), "_rules"),
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'edi.posting' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"edi.posting.{home}"), name)
    globals()[name] = value
    return value


__all__ = sorted(_HOMES)
