"""Typed transaction models (msgspec Structs) for 837P/837I claims, 835 remittances and 999/TA1/277CA acks,
with readers from loop trees and writers back to X12.

    for model in edi.models.read(Path("claims.837")):      # one transaction at a time
        for claim in model.claims: ...
    data = edi.models.write(models, header, ControlNumbers(interchange=42))
"""

from edi.models._base import Model, RawSegment, Source, TransactionModel
from edi.models._io import iter_claims, iter_write, read, reader_for, write, write_to
from edi.models._raw import RawTransaction
from edi.models.acks import (AcknowledgedClaim, AcknowledgedLine, ClaimAcknowledgment, ClaimStatusItem, ElementError,
                             ErrorContext, FunctionalGroupAck, InformationReceiver, InformationSource, InterchangeAck,
                             ProviderOfService, SegmentError, Status, StatusInfo, Trace, TransactionAck)
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

__all__ = [
    "Attachment", "BillingProvider", "Claim", "ClaimTransaction", "Contract", "DateReference", "Drug",
    "HealthCareCode", "InstitutionalClaim", "InstitutionalClaimTransaction", "Insurance", "LineAdjudication", "Note",
    "OtherPayer", "Patient", "PatientInformation", "Person", "ProfessionalClaim", "ProfessionalClaimTransaction",
    "Provider", "ServiceLine", "Subscriber",
    "AckCode", "AcknowledgedClaim", "AcknowledgedLine", "Address", "Adjustment", "Amount", "CasGroup",
    "ClaimAcknowledgment", "ClaimFrequency", "ClaimPayment", "ClaimStatus", "ClaimStatusItem", "Contact",
    "ElementError", "ErrorContext", "FunctionalGroupAck", "HeaderNumber", "HierarchicalLevel", "InformationReceiver",
    "InformationSource", "InpatientAdjudication", "InterchangeAck", "Model", "OutpatientAdjudication", "Party",
    "PaymentMethod", "ProcedureIdentifier", "ProviderAdjustment", "ProviderAdjustmentItem", "ProviderOfService",
    "ProviderSummary", "ProviderSupplementalSummary", "RawSegment", "RawTransaction", "Reference", "Remittance",
    "RemittanceDelivery", "SegmentError", "ServicePayment", "Source", "Status", "StatusInfo", "SupplementalQuantity",
    "Trace", "TransactionAck", "TransactionHandling", "TransactionModel", "iter_claims", "iter_write", "read",
    "reader_for",
    "write", "write_to",
]
