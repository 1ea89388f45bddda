"""Typed transaction models (msgspec Structs) for 837P/837I claims, 835 remittances and 999/997/TA1/277CA acks,
with readers from loop trees and writers back to X12.

    for model in edi.models.read(Path("claims.837")):      # one transaction at a time
        for claim in model.claims: ...
    data = edi.models.write(models, header, ControlNumbers(interchange=42))   # a new interchange
    same = edi.models.write(edi.models.read(path))         # the interchanges they were read in
    records = edi.models.iter_records(path)                # envelope, each transaction's fields, each claim …
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Where each public name lives. Modules load on first use (PEP 562): reading an 835 does not import the 837,
# acknowledgment or writer models, which keeps a command's start-up short.
_HOMES = {
    **dict.fromkeys(("Model", "RawSegment", "Source", "TransactionModel"), "_base"),
    **dict.fromkeys(("iter_claims", "iter_write", "read", "reader_for", "write", "write_to"), "_io"),
    **dict.fromkeys(("RawTransaction",), "_raw"),
    **dict.fromkeys(("iter_records", "write_records"), "_stream"),
    **dict.fromkeys((
        "AcknowledgedClaim", "AcknowledgedLine", "ClaimAcknowledgment", "ClaimStatusItem", "ElementError",
        "ErrorContext", "FunctionalAcknowledgment", "FunctionalGroupAck", "InformationReceiver", "InformationSource", "InterchangeAck",
        "ProviderOfService", "SegmentError", "Status", "StatusInfo", "Trace", "TransactionAck"
    ), "acks"),
    **dict.fromkeys((
        "Attachment", "BillingProvider", "Claim", "ClaimTransaction", "Contract", "DateReference", "Drug",
        "HealthCareCode", "InstitutionalClaim", "InstitutionalClaimTransaction", "Insurance",
        "LineAdjudication", "Note", "OtherPayer", "Patient", "PatientInformation", "Person",
        "ProfessionalClaim", "ProfessionalClaimTransaction", "Provider", "ServiceLine", "Subscriber"
    ), "claim"),
    **dict.fromkeys((
        "AckCode", "CasGroup", "ClaimFrequency", "ClaimStatus", "HierarchicalLevel", "PaymentMethod",
        "TransactionHandling"
    ), "codes"),
    **dict.fromkeys(("Address", "Adjustment", "Amount", "Contact", "Party", "Reference"), "common"),
    **dict.fromkeys((
        "ClaimPayment", "HeaderNumber", "InpatientAdjudication", "OutpatientAdjudication",
        "ProcedureIdentifier", "ProviderAdjustment", "ProviderAdjustmentItem", "ProviderSummary",
        "ProviderSupplementalSummary", "Remittance", "RemittanceDelivery", "ServicePayment",
        "SupplementalQuantity"
    ), "remittance"),
}

if TYPE_CHECKING:  # the names, for type checkers and editors
    from edi.models._base import Model, RawSegment, Source, TransactionModel
    from edi.models._io import iter_claims, iter_write, read, reader_for, write, write_to
    from edi.models._raw import RawTransaction
    from edi.models._stream import iter_records, write_records
    from edi.models.acks import (AcknowledgedClaim, AcknowledgedLine, ClaimAcknowledgment, ClaimStatusItem,
                                 ElementError, ErrorContext, FunctionalAcknowledgment, FunctionalGroupAck,
                                 InformationReceiver,
                                 InformationSource, InterchangeAck, ProviderOfService, SegmentError, Status,
                                 StatusInfo, Trace, TransactionAck)
    from edi.models.claim import (Attachment, BillingProvider, Claim, ClaimTransaction, Contract, DateReference, Drug,
                                  HealthCareCode, InstitutionalClaim, InstitutionalClaimTransaction, Insurance,
                                  LineAdjudication, Note, OtherPayer, Patient, PatientInformation, Person,
                                  ProfessionalClaim, ProfessionalClaimTransaction, Provider, ServiceLine, Subscriber)
    from edi.models.codes import (AckCode, CasGroup, ClaimFrequency, ClaimStatus, HierarchicalLevel, PaymentMethod,
                                  TransactionHandling)
    from edi.models.common import Address, Adjustment, Amount, Contact, Party, Reference
    from edi.models.remittance import (ClaimPayment, HeaderNumber, InpatientAdjudication, OutpatientAdjudication,
                                       ProcedureIdentifier, ProviderAdjustment, ProviderAdjustmentItem, ProviderSummary,
                                       ProviderSupplementalSummary, Remittance, RemittanceDelivery, ServicePayment,
                                       SupplementalQuantity)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'edi.models' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"edi.models.{home}"), name)
    globals()[name] = value  # found once
    return value


__all__ = sorted(_HOMES)
