"""Claims out: coded encounters (the model and its inputs) and their mapping to and from 837P/837I claims.

    for item in edi.claims.read_encounters(Path("visits.csv"), mapping="example-pm"):
        if isinstance(item, edi.claims.InputError):
            print(item)                      # file:line: field: what is wrong; the fix
        else:
            claim = edi.claims.claim_of(item)    # an edi.models ProfessionalClaim / InstitutionalClaim
    for found in edi.claims.extract(Path("claims.837")):  # 837 → encounters, with what they do not carry
        print(found.encounter.id, found.uncarried)

The model and its fields: docs/encounters.md. This package asks :mod:`edi.ledger` for what it needs from the
database; it writes no SQL itself.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_HOMES = {
    **dict.fromkeys((
        "Address", "Adjustment", "AmountEntry", "Attachment", "Contact", "Coverage", "DateEntry", "Diagnosis",
        "Drug", "Encounter", "InpatientProcedure", "Line", "LinePayment", "Note", "Occurrence", "OccurrenceSpan",
        "Patient", "Payer", "Person", "PriorPayment", "Provider", "Providers", "Reference", "SCHEMA", "ValueCode"),
        "encounter"),
    **dict.fromkeys(("claim_of", "transactions", "MAX_CLAIMS"), "_build"),
    **dict.fromkeys(("Extracted", "encounter_of", "extract"), "_extract"),
    **dict.fromkeys(("FORMATS", "InputError", "problems", "read_encounters", "require"), "_inputs"),
    **dict.fromkeys(("Mapping", "load_mapping"), "_mapping"),
    **dict.fromkeys(("encounter_schema", "encode_lines"), "_json"),
}

if TYPE_CHECKING:
    from edi.claims._build import MAX_CLAIMS, claim_of, transactions
    from edi.claims._extract import Extracted, encounter_of, extract
    from edi.claims._inputs import FORMATS, InputError, problems, read_encounters, require
    from edi.claims._json import encode_lines, encounter_schema
    from edi.claims._mapping import Mapping, load_mapping
    from edi.claims.encounter import (SCHEMA, Address, Adjustment, AmountEntry, Attachment, Contact, Coverage,
                                      DateEntry, Diagnosis, Drug, Encounter, InpatientProcedure, Line, LinePayment,
                                      Note, Occurrence, OccurrenceSpan, Patient, Payer, Person, PriorPayment,
                                      Provider, Providers, Reference, ValueCode)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'edi.claims' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"edi.claims.{home}"), name)
    globals()[name] = value
    return value


__all__ = sorted(_HOMES)
