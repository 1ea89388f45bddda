"""Enums for the code lists that drive logic. Models keep raw codes; these give them meaning.

Values are from pyx12's 5010 maps (837P X222A1, 837I X223A2, 835 X221A1) unless noted.
"""

from __future__ import annotations

from enum import Enum


class _Code(str, Enum):
    @classmethod
    def of(cls, raw: str):  # type: ignore[no-untyped-def]
        """The member for a raw code, or None when the code is not in the list."""
        try:
            return cls(raw)
        except ValueError:
            return None


class ClaimFrequency(_Code):
    """CLM05-3: the claim frequency type code (NUBC bill type third digit)."""

    NON_PAYMENT = "0"
    ORIGINAL = "1"
    INTERIM_FIRST = "2"
    INTERIM_CONTINUING = "3"
    INTERIM_LAST = "4"
    LATE_CHARGE = "5"
    ADJUSTMENT = "6"
    REPLACEMENT = "7"
    VOID = "8"
    FINAL_CLAIM = "9"


class CasGroup(_Code):
    """CAS01: claim adjustment group code."""

    CONTRACTUAL = "CO"
    OTHER = "OA"
    PAYER_INITIATED = "PI"
    PATIENT_RESPONSIBILITY = "PR"


class ClaimStatus(_Code):
    """835 CLP02: claim status code."""

    PRIMARY = "1"
    SECONDARY = "2"
    TERTIARY = "3"
    DENIED = "4"
    PRIMARY_FORWARDED = "19"
    SECONDARY_FORWARDED = "20"
    TERTIARY_FORWARDED = "21"
    REVERSAL = "22"
    NOT_OUR_CLAIM_FORWARDED = "23"
    PREDETERMINATION = "25"


class TransactionHandling(_Code):
    """835 BPR01: what the 835 carries."""

    PAYMENT_WITH_REMITTANCE = "C"
    MAKE_PAYMENT_ONLY = "D"
    NOTIFICATION_ONLY = "H"
    REMITTANCE_INFORMATION_ONLY = "I"
    PRENOTIFICATION = "P"
    SPLIT_PAYMENT_AND_REMITTANCE = "U"
    HANDLING_PARTY_OPTION = "X"


class PaymentMethod(_Code):
    """835 BPR04."""

    ACH = "ACH"
    BOP = "BOP"    # financial institution option
    CHECK = "CHK"
    WIRE = "FWT"
    NONE = "NON"


class HierarchicalLevel(_Code):
    """HL03 in 837s (20, 22, 23) and 277CAs (20, 21, 19, PT)."""

    INFORMATION_SOURCE = "20"
    INFORMATION_RECEIVER = "21"
    SUBSCRIBER = "22"
    DEPENDENT = "23"
    PROVIDER_OF_SERVICE = "19"
    PATIENT = "PT"


class AckCode(_Code):
    """999 IK501 / AK901 and TA1 TA104."""

    ACCEPTED = "A"
    ACCEPTED_WITH_ERRORS = "E"
    PARTIALLY_ACCEPTED = "P"
    REJECTED = "R"
    REJECTED_MAC_FAILED = "M"
    REJECTED_ASSURANCE_FAILED = "W"
    REJECTED_CONTENT_NOT_DECRYPTED = "X"
