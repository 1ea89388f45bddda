"""The 835 (005010X221A1) health care claim payment/advice as typed models: ``Remittance`` → ``HeaderNumber`` (LX)
→ ``ClaimPayment`` (2100 CLP) → ``ServicePayment`` (2110 SVC), and the provider adjustments (PLB).

Codes stay raw strings; typed properties give the enums. Money is ``Decimal`` and None when absent. Segments the
guide did not place, or that a typed field cannot hold (a second NM1*QC …), are kept in the enclosing loop's
``extra`` and written back at the end of that loop's own segments. Elements the guide marks "not used" (CLP10,
CLP14, BPR17–BPR21, TS306–TS312, NM106, SVC01-08 …) and values a typed field cannot give back as written (an
invalid date, ".5" for 0.5) are kept in the model's ``unheld`` and written back in place. Read with ``read_835``;
``Remittance.body()`` writes the segments between ST and SE in guide order.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import ClassVar

from edi.models import _write_835
from edi.models._base import Model, RawSegment, Source, TransactionModel, Unheld
from edi.models.codes import ClaimFrequency, ClaimStatus, PaymentMethod, TransactionHandling
from edi.models.common import Adjustment, Amount, Contact, Party, Reference
from edi.x12._writer import Built

ZERO = Decimal(0)
FORWARDED = frozenset({"19", "20", "21", "23"})   # CLP02: processed and forwarded, or not ours and forwarded
# Element tables for the wide, flat segments: (field, element position(s), kind) with kind "s" text, "n" decimal,
# "d" CCYYMMDD date, "r" remark codes at several positions (kept positionally, "" for a skipped one).
Table = tuple[tuple[str, "int | tuple[int, ...]", str], ...]


class SupplementalQuantity(Model):
    """A QTY: CA covered days, CD co-insured days, LA lifetime reserve … (claim); ZK … ZO (service)."""

    qualifier: str                      # QTY01
    quantity: Decimal | None = None     # QTY02


class ProcedureIdentifier(Model):
    """SVC01 (adjudicated) or SVC06 (as submitted): qualifier, code, up to four modifiers, description."""

    qualifier: str                      # SVC01-1: HC HCPCS/CPT, AD dental, ER jurisdiction, N4 NDC, NU revenue …
    code: str = ""                      # SVC01-2
    modifiers: tuple[str, ...] = ()     # SVC01-3 … SVC01-6 (positions kept: "" for a skipped one)
    description: str = ""               # SVC01-7 (SVC06-7)


class InpatientAdjudication(Model):
    """MIA: what an inpatient (institutional) claim's adjudication came to."""

    ELEMENTS: ClassVar[Table] = (
        ("covered_days_or_visits", 1, "n"), ("pps_operating_outlier", 2, "n"), ("lifetime_psychiatric_days", 3, "n"),
        ("claim_drg_amount", 4, "n"), ("remark_codes", (5, 20, 21, 22, 23), "r"),
        ("claim_disproportionate_share", 6, "n"), ("claim_msp_pass_through", 7, "n"), ("claim_pps_capital", 8, "n"),
        ("pps_capital_fsp_drg", 9, "n"), ("pps_capital_hsp_drg", 10, "n"), ("pps_capital_dsh_drg", 11, "n"),
        ("old_capital", 12, "n"), ("pps_capital_ime", 13, "n"), ("pps_operating_hospital_specific_drg", 14, "n"),
        ("cost_report_day_count", 15, "n"), ("pps_operating_federal_specific_drg", 16, "n"),
        ("claim_pps_capital_outlier", 17, "n"), ("claim_indirect_teaching", 18, "n"),
        ("nonpayable_professional_component", 19, "n"), ("pps_capital_exception", 24, "n"))

    covered_days_or_visits: Decimal | None = None               # MIA01
    pps_operating_outlier: Decimal | None = None                # MIA02
    lifetime_psychiatric_days: Decimal | None = None            # MIA03
    claim_drg_amount: Decimal | None = None                     # MIA04
    remark_codes: tuple[str, ...] = ()                          # MIA05, MIA20, MIA21, MIA22, MIA23
    claim_disproportionate_share: Decimal | None = None         # MIA06
    claim_msp_pass_through: Decimal | None = None               # MIA07
    claim_pps_capital: Decimal | None = None                    # MIA08
    pps_capital_fsp_drg: Decimal | None = None                  # MIA09
    pps_capital_hsp_drg: Decimal | None = None                  # MIA10
    pps_capital_dsh_drg: Decimal | None = None                  # MIA11
    old_capital: Decimal | None = None                          # MIA12
    pps_capital_ime: Decimal | None = None                      # MIA13
    pps_operating_hospital_specific_drg: Decimal | None = None  # MIA14
    cost_report_day_count: Decimal | None = None                # MIA15
    pps_operating_federal_specific_drg: Decimal | None = None   # MIA16
    claim_pps_capital_outlier: Decimal | None = None            # MIA17
    claim_indirect_teaching: Decimal | None = None              # MIA18
    nonpayable_professional_component: Decimal | None = None    # MIA19
    pps_capital_exception: Decimal | None = None                # MIA24
    unheld: Unheld = ()                                         # MIA elements no field holds, as read
    source: Source | None = None

    @property
    def remarks(self) -> tuple[str, ...]:
        """The remark codes (RARCs) present, without the empty positions."""
        return tuple(code for code in self.remark_codes if code)


class OutpatientAdjudication(Model):
    """MOA: what an outpatient claim's adjudication came to."""

    ELEMENTS: ClassVar[Table] = (
        ("reimbursement_rate", 1, "n"), ("claim_hcpcs_payable", 2, "n"), ("remark_codes", (3, 4, 5, 6, 7), "r"),
        ("claim_esrd_payment", 8, "n"), ("nonpayable_professional_component", 9, "n"))

    reimbursement_rate: Decimal | None = None                   # MOA01
    claim_hcpcs_payable: Decimal | None = None                  # MOA02
    remark_codes: tuple[str, ...] = ()                          # MOA03 … MOA07
    claim_esrd_payment: Decimal | None = None                   # MOA08
    nonpayable_professional_component: Decimal | None = None    # MOA09
    unheld: Unheld = ()                                         # MOA elements no field holds, as read
    source: Source | None = None

    @property
    def remarks(self) -> tuple[str, ...]:
        return tuple(code for code in self.remark_codes if code)


class ServicePayment(Model):
    """Loop 2110: one service line as paid."""

    procedure: ProcedureIdentifier | None = None                # SVC01 adjudicated procedure
    charge: Decimal | None = None                               # SVC02 line item charge amount
    paid_amount: Decimal | None = None                          # SVC03 line item provider payment amount
    revenue_code: str = ""                                      # SVC04 NUBC revenue code
    units: Decimal | None = None                                # SVC05 units of service paid
    original_procedure: ProcedureIdentifier | None = None       # SVC06 as submitted, when the payer changed it
    original_units: Decimal | None = None                       # SVC07 original units of service
    service_from: date | None = None                            # DTM*150
    service_to: date | None = None                              # DTM*151
    service_date: date | None = None                            # DTM*472
    adjustments: tuple[Adjustment, ...] = ()                    # CAS
    line_item_control_number: str = ""                          # REF*6R REF02 (the 837's REF*6R)
    references: tuple[Reference, ...] = ()                      # other REFs: LU, 0B, 1B, 0K … in file order
    amounts: tuple[Amount, ...] = ()                            # AMT: B6 allowed, KH, T, T2, ZK … ZO
    quantities: tuple[SupplementalQuantity, ...] = ()           # QTY: ZK … ZO
    remarks: tuple[tuple[str, str], ...] = ()                   # LQ: (LQ01 HE/RX, LQ02 remark code)
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                                         # SVC elements no field holds, as read
    source: Source | None = None

    @property
    def adjustment_total(self) -> Decimal:
        """Σ CAS amounts on this line (SVC02 − SVC03 when the line balances)."""
        return sum((adj.amount for adj in self.adjustments), ZERO)

    @property
    def allowed(self) -> Decimal | None:
        """AMT*B6: the allowed amount."""
        return _amount(self.amounts, "B6")

    @property
    def remark_codes(self) -> tuple[str, ...]:
        """The RARCs (LQ*HE) on this line."""
        return tuple(code for qualifier, code in self.remarks if qualifier == "HE")


class ClaimPayment(Model):
    """Loop 2100: one claim as adjudicated (CLP), with its adjustments, names, dates and service lines."""

    patient_control_number: str = ""                            # CLP01 (the 837's CLM01)
    status_code: str = ""                                       # CLP02 (see ``status``)
    total_charge: Decimal | None = None                         # CLP03 total claim charge amount
    paid_amount: Decimal | None = None                          # CLP04 claim payment amount
    patient_responsibility: Decimal | None = None               # CLP05 patient responsibility amount
    filing_indicator_code: str = ""                             # CLP06 claim filing indicator: 12 PPO, MB, MC …
    payer_claim_control_number: str = ""                        # CLP07
    facility_type_code: str = ""                                # CLP08
    frequency_code: str = ""                                    # CLP09 (see ``frequency``)
    drg_code: str = ""                                          # CLP11 diagnosis related group
    drg_weight: Decimal | None = None                           # CLP12
    discharge_fraction: Decimal | None = None                   # CLP13
    adjustments: tuple[Adjustment, ...] = ()                    # CAS at claim level
    patient: Party | None = None                                # NM1*QC
    insured: Party | None = None                                # NM1*IL
    corrected_patient: Party | None = None                      # NM1*74 corrected patient/insured name
    service_provider: Party | None = None                       # NM1*82 rendering provider
    crossover_carrier: Party | None = None                      # NM1*TT
    corrected_priority_payer: Party | None = None               # NM1*PR
    other_subscriber: Party | None = None                       # NM1*GB
    inpatient: InpatientAdjudication | None = None              # MIA
    outpatient: OutpatientAdjudication | None = None            # MOA
    references: tuple[Reference, ...] = ()                      # REF: other claim ids (1L, EA, F8 …), rendering ids
    statement_from: date | None = None                          # DTM*232
    statement_to: date | None = None                            # DTM*233
    coverage_expiration: date | None = None                     # DTM*036
    received_date: date | None = None                           # DTM*050
    contacts: tuple[Contact, ...] = ()                          # PER*CX claim contact
    amounts: tuple[Amount, ...] = ()                            # AMT: AU coverage, D8 discount, I interest, F5 …
    quantities: tuple[SupplementalQuantity, ...] = ()           # QTY: CA covered days, LA lifetime reserve …
    services: tuple[ServicePayment, ...] = ()                   # loop 2110
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                                         # CLP elements no field holds, as read
    source: Source | None = None

    @property
    def status(self) -> ClaimStatus | None:
        return ClaimStatus.of(self.status_code)

    @property
    def frequency(self) -> ClaimFrequency | None:
        return ClaimFrequency.of(self.frequency_code)

    @property
    def is_reversal(self) -> bool:
        """CLP02 = 22: this reverses an earlier payment of the claim."""
        return self.status_code == "22"

    @property
    def is_denied(self) -> bool:
        """CLP02 = 4."""
        return self.status_code == "4"

    @property
    def is_forwarded(self) -> bool:
        """CLP02 = 19/20/21/23 or a crossover carrier (NM1*TT): the payer sent the claim on to another payer."""
        return self.status_code in FORWARDED or self.crossover_carrier is not None

    @property
    def adjustment_total(self) -> Decimal:
        """Σ claim-level CAS + Σ line-level CAS (CLP03 − CLP04 when the claim balances)."""
        total = sum((adj.amount for adj in self.adjustments), ZERO)
        return total + sum((service.adjustment_total for service in self.services), ZERO)

    @property
    def interest(self) -> Decimal | None:
        """AMT*I: interest the payer added to this claim's payment."""
        return _amount(self.amounts, "I")

    @property
    def coverage_amount(self) -> Decimal | None:
        """AMT*AU: the coverage amount."""
        return _amount(self.amounts, "AU")


class ProviderSummary(Model):
    """TS3: totals for one provider and facility type in the header number's group of claims."""

    ELEMENTS: ClassVar[Table] = (
        ("provider_id", 1, "s"), ("facility_type_code", 2, "s"), ("fiscal_period_date", 3, "d"),
        ("total_claim_count", 4, "n"), ("total_claim_charge", 5, "n"), ("total_msp_payer_amount", 13, "n"),
        ("total_non_lab_charge", 15, "n"), ("total_hcpcs_reported_charge", 17, "n"),
        ("total_hcpcs_payable", 18, "n"), ("total_professional_component", 20, "n"),
        ("total_msp_patient_liability_met", 21, "n"), ("total_patient_reimbursement", 22, "n"),
        ("total_pip_claim_count", 23, "n"), ("total_pip_adjustment", 24, "n"))

    provider_id: str = ""                                       # TS301
    facility_type_code: str = ""                                # TS302
    fiscal_period_date: date | None = None                      # TS303
    total_claim_count: Decimal | None = None                    # TS304
    total_claim_charge: Decimal | None = None                   # TS305
    total_msp_payer_amount: Decimal | None = None               # TS313
    total_non_lab_charge: Decimal | None = None                 # TS315
    total_hcpcs_reported_charge: Decimal | None = None          # TS317
    total_hcpcs_payable: Decimal | None = None                  # TS318
    total_professional_component: Decimal | None = None         # TS320
    total_msp_patient_liability_met: Decimal | None = None      # TS321
    total_patient_reimbursement: Decimal | None = None          # TS322
    total_pip_claim_count: Decimal | None = None                # TS323
    total_pip_adjustment: Decimal | None = None                 # TS324
    unheld: Unheld = ()                                         # TS3 elements no field holds (TS306–TS312 …), as read
    source: Source | None = None


class ProviderSupplementalSummary(Model):
    """TS2: institutional (DRG, outlier, capital …) totals for the header number's group of claims."""

    ELEMENTS: ClassVar[Table] = (
        ("total_drg_amount", 1, "n"), ("total_federal_specific", 2, "n"), ("total_hospital_specific", 3, "n"),
        ("total_disproportionate_share", 4, "n"), ("total_capital", 5, "n"),
        ("total_indirect_medical_education", 6, "n"), ("total_outlier_day_count", 7, "n"),
        ("total_day_outlier", 8, "n"), ("total_cost_outlier", 9, "n"), ("average_drg_length_of_stay", 10, "n"),
        ("total_discharge_count", 11, "n"), ("total_cost_report_day_count", 12, "n"),
        ("total_covered_day_count", 13, "n"), ("total_noncovered_day_count", 14, "n"),
        ("total_msp_pass_through", 15, "n"), ("average_drg_weight", 16, "n"),
        ("total_pps_capital_fsp_drg", 17, "n"), ("total_pps_capital_hsp_drg", 18, "n"),
        ("total_pps_dsh_drg", 19, "n"))

    total_drg_amount: Decimal | None = None                     # TS201
    total_federal_specific: Decimal | None = None               # TS202
    total_hospital_specific: Decimal | None = None              # TS203
    total_disproportionate_share: Decimal | None = None         # TS204
    total_capital: Decimal | None = None                        # TS205
    total_indirect_medical_education: Decimal | None = None     # TS206
    total_outlier_day_count: Decimal | None = None              # TS207
    total_day_outlier: Decimal | None = None                    # TS208
    total_cost_outlier: Decimal | None = None                   # TS209
    average_drg_length_of_stay: Decimal | None = None           # TS210
    total_discharge_count: Decimal | None = None                # TS211
    total_cost_report_day_count: Decimal | None = None          # TS212
    total_covered_day_count: Decimal | None = None              # TS213
    total_noncovered_day_count: Decimal | None = None           # TS214
    total_msp_pass_through: Decimal | None = None               # TS215
    average_drg_weight: Decimal | None = None                   # TS216
    total_pps_capital_fsp_drg: Decimal | None = None            # TS217
    total_pps_capital_hsp_drg: Decimal | None = None            # TS218
    total_pps_dsh_drg: Decimal | None = None                    # TS219
    unheld: Unheld = ()                                         # TS2 elements no field holds, as read
    source: Source | None = None


class HeaderNumber(Model):
    """Loop 2000: an LX header number grouping claims (often by provider or bill type), with its summaries."""

    number: str = ""                                            # LX01 as read; "" = number 1..n when writing
    provider_summary: ProviderSummary | None = None             # TS3
    supplemental_summary: ProviderSupplementalSummary | None = None  # TS2
    claims: tuple[ClaimPayment, ...] = ()                       # loop 2100
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                                         # LX elements no field holds, as read
    source: Source | None = None


class ProviderAdjustmentItem(Model):
    """One PLB adjustment: reason (WO, FB, L6, 72, CS …), its reference, amount (positive reduces the payment)."""

    reason: str                                                 # PLB03-1 (05-1, 07-1 …)
    reference: str = ""                                         # PLB03-2
    amount: Decimal | None = None                               # PLB04 (06, 08 …)


class ProviderAdjustment(Model):
    """A PLB segment: up to six adjustments to the provider's payment, not tied to a claim."""

    provider_id: str = ""                                       # PLB01
    fiscal_period_date: date | None = None                      # PLB02
    items: tuple[ProviderAdjustmentItem, ...] = ()              # PLB03/04 … PLB13/14
    source: Source | None = None

    @property
    def total(self) -> Decimal:
        return sum((item.amount for item in self.items if item.amount is not None), ZERO)


class RemittanceDelivery(Model):
    """RDM in 1000B: how the remittance is delivered when apart from the payment."""

    ELEMENTS: ClassVar[Table] = (("transmission_code", 1, "s"), ("name", 2, "s"), ("communication_number", 3, "s"))

    transmission_code: str = ""                                 # RDM01: BM by mail, EM e-mail, FT file transfer, OL
    name: str = ""                                              # RDM02
    communication_number: str = ""                              # RDM03
    unheld: Unheld = ()                                         # RDM elements no field holds, as read


class Remittance(TransactionModel):
    """An 835 transaction: the payment (BPR, TRN), payer and payee, claims by header number, provider adjustments."""

    SET_ID: ClassVar[str] = "835"
    FUNCTIONAL_ID: ClassVar[str] = "HP"
    GUIDE: ClassVar[str] = "005010X221A1"
    USES_ST03: ClassVar[bool] = False
    BPR: ClassVar[Table] = (
        ("transaction_handling_code", 1, "s"), ("total_actual_provider_payment", 2, "n"),
        ("credit_debit_flag", 3, "s"), ("payment_method_code", 4, "s"), ("payment_format_code", 5, "s"),
        ("sender_dfi_qualifier", 6, "s"), ("sender_dfi_id", 7, "s"), ("sender_account_qualifier", 8, "s"),
        ("sender_account_number", 9, "s"), ("payer_identifier", 10, "s"), ("payer_supplemental_code", 11, "s"),
        ("receiver_dfi_qualifier", 12, "s"), ("receiver_dfi_id", 13, "s"), ("receiver_account_qualifier", 14, "s"),
        ("receiver_account_number", 15, "s"), ("payment_effective_date", 16, "d"))
    TRN: ClassVar[Table] = (
        ("trace_type_code", 1, "s"), ("trace_number", 2, "s"), ("originating_company_id", 3, "s"),
        ("originating_company_supplemental_code", 4, "s"))

    transaction_handling_code: str = ""                         # BPR01 (see ``transaction_handling``)
    total_actual_provider_payment: Decimal | None = None        # BPR02
    credit_debit_flag: str = ""                                 # BPR03: C credit, D debit
    payment_method_code: str = ""                               # BPR04 (see ``payment_method``)
    payment_format_code: str = ""                               # BPR05: CCP, CTX
    sender_dfi_qualifier: str = ""                              # BPR06
    sender_dfi_id: str = ""                                     # BPR07 payer's bank routing number
    sender_account_qualifier: str = ""                          # BPR08
    sender_account_number: str = ""                             # BPR09
    payer_identifier: str = ""                                  # BPR10 originating company identifier
    payer_supplemental_code: str = ""                           # BPR11 originating company supplemental code
    receiver_dfi_qualifier: str = ""                            # BPR12
    receiver_dfi_id: str = ""                                   # BPR13 provider's bank routing number
    receiver_account_qualifier: str = ""                        # BPR14
    receiver_account_number: str = ""                           # BPR15
    payment_effective_date: date | None = None                  # BPR16 check issue or EFT effective date
    trace_type_code: str = ""                                   # TRN01
    trace_number: str = ""                                      # TRN02 check or EFT trace number
    originating_company_id: str = ""                            # TRN03 payer identifier
    originating_company_supplemental_code: str = ""             # TRN04
    currency_entity: str = ""                                   # CUR01 (PR)
    currency_code: str = ""                                     # CUR02
    receiver_id: str = ""                                       # REF*EV REF02
    version_id: str = ""                                        # REF*F2 REF02
    production_date: date | None = None                         # DTM*405
    extra: tuple[RawSegment, ...] = ()                          # header segments no field covers
    payer: Party | None = None                                  # 1000A N1*PR, N3, N4, REF, PER
    payer_extra: tuple[RawSegment, ...] = ()
    payee: Party | None = None                                  # 1000B N1*PE, N3, N4, REF
    remittance_delivery: RemittanceDelivery | None = None       # 1000B RDM
    payee_extra: tuple[RawSegment, ...] = ()
    headers: tuple[HeaderNumber, ...] = ()                      # loop 2000 (LX) with the claims
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()   # PLB
    footer_extra: tuple[RawSegment, ...] = ()                   # segments after the PLBs no field covers
    unheld: Unheld = ()                                         # BPR, TRN, CUR elements no field holds, as read
    source: Source | None = None

    @property
    def transaction_handling(self) -> TransactionHandling | None:
        return TransactionHandling.of(self.transaction_handling_code)

    @property
    def payment_method(self) -> PaymentMethod | None:
        return PaymentMethod.of(self.payment_method_code)

    @property
    def claims(self) -> tuple[ClaimPayment, ...]:
        """Every claim payment of every header number, in file order."""
        return tuple(claim for header in self.headers for claim in header.claims)

    @property
    def provider_adjustment_total(self) -> Decimal:
        """Σ PLB amounts (BPR02 = Σ CLP04 − this, when the transaction balances)."""
        return sum((plb.total for plb in self.provider_adjustments), ZERO)

    def body(self) -> Iterator[Built]:
        return _write_835.remittance_segments(self)


def _amount(amounts: tuple[Amount, ...], qualifier: str) -> Decimal | None:
    return next((a.amount for a in amounts if a.qualifier == qualifier), None)
