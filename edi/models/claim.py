"""Health care claims: 837P (005010X222A1) and 837I (005010X223A2) as typed models.

A transaction holds its claims flat, in file order; each claim carries its context (billing provider,
subscriber, payer, patient) as shared model objects, so a claim can be handled on its own. The hierarchy
(HL numbers, parent pointers, child codes) and LX numbers are not stored: the writer rebuilds them, grouping
consecutive claims of one billing provider under one 2000A and of one subscriber and payer under one 2000B.

Segments a model does not cover are kept in its ``extra`` and written back in their order at their guide
position in that loop (the pyx12 map's ``pos``); one the guide has no place for there follows the extra before
it, or the loop's first segment. An HL level under which no claim was read is kept raw in the transaction's
``extra`` and written after the claims.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import ClassVar

from edi.models._base import Model, RawSegment, Source, TransactionModel, Unheld
from edi.models.codes import ClaimFrequency
from edi.models.common import Adjustment, Amount, Party, Reference
from edi.x12._writer import Built

PROFESSIONAL = "005010X222A1"
INSTITUTIONAL = "005010X223A2"

# NM101 → role, for the claim-level (2310x), line-level (2420x) and other-payer (2330x) provider loops.
ROLES = {
    "DN": "referring", "P3": "primary care", "82": "rendering", "77": "service facility", "DQ": "supervising",
    "PW": "ambulance pick-up", "45": "ambulance drop-off", "71": "attending", "72": "operating",
    "ZZ": "other operating", "QB": "purchased service", "DK": "ordering", "85": "billing",
}


class DateReference(Model):
    """A DTP: what the date is (qualifier), its format, and its value as dates (and a time for DT/TM)."""

    qualifier: str                  # DTP01: 434 statement, 435 admission, 096 discharge, 472 service …
    format: str = "D8"              # DTP02: D8 date, RD8 range, DT date and time, TM time
    start: date | None = None       # DTP03: the date (first date of an RD8)
    end: date | None = None         # DTP03: last date of an RD8 (None for a single date)
    time: str = ""                  # DTP03: HHMM of a DT (after the date) or of a TM

    @property
    def last(self) -> date | None:
        """The last day covered: ``end`` for a range, else ``start``."""
        return self.end if self.end is not None else self.start


class HealthCareCode(Model):
    """One HI composite: a diagnosis, procedure, occurrence, value or condition code, with its qualifier."""

    qualifier: str                  # HIxx-1: ABK principal, ABF other, ABJ admitting, APR reason, BBR, BH, BE, BG …
    code: str = ""                  # HIxx-2
    date_format: str = ""           # HIxx-3: D8 or RD8
    start: date | None = None       # HIxx-4 (first date of an RD8)
    end: date | None = None         # HIxx-4 (last date of an RD8)
    amount: Decimal | None = None   # HIxx-5: value code amount (BE)
    quantity: Decimal | None = None  # HIxx-6
    version: str = ""               # HIxx-7
    industry_code: str = ""         # HIxx-8
    present_on_admission: str = ""  # HIxx-9: Y, N, U, W (837I)
    new_segment: bool = False       # starts an HI segment as read (marked on each HI when the guide's grouping
                                    # would not give the file's segments back; then only the marks split them)


class Note(Model):
    qualifier: str                  # NTE01: ADD, CER, DCP, DGN, TPO …
    text: str = ""                  # NTE02


class Attachment(Model):
    """A PWK: supplemental information sent separately or electronically."""

    report_type: str                # PWK01: 03 report, 09 progress notes, OZ support data …
    transmission: str = ""          # PWK02: AA available on request, BM mail, EL electronically, FX fax …
    id_qualifier: str = ""          # PWK05: AC
    control_number: str = ""        # PWK06


class Contract(Model):
    contract_type: str              # CN101
    amount: Decimal | None = None   # CN102
    percent: Decimal | None = None  # CN103
    code: str = ""                  # CN104
    terms_discount: Decimal | None = None  # CN105
    version: str = ""               # CN106


class PatientInformation(Model):
    """A PAT: how the patient relates to the subscriber, and death date, weight, pregnancy."""

    relationship: str = ""          # PAT01: 01 spouse, 19 child, 20 employee, 21 unknown, G8 other …
    death_date: date | None = None  # PAT06 (PAT05 D8)
    weight_unit: str = ""           # PAT07: 01 pounds
    weight: Decimal | None = None   # PAT08
    pregnant: str = ""              # PAT09: Y


class Person(Model):
    """A person's name loop with demographics: 2010BA subscriber, 2010CA patient."""

    name: Party                     # NM1 (IL / QC), N3, N4, REF, PER
    birth_date: date | None = None  # DMG02
    gender: str = ""                # DMG03: F, M, U
    extra: tuple[RawSegment, ...] = ()
    source: Source | None = None


class Provider(Model):
    """A provider loop (2310x claim level, 2420x line level): NM1 with its specialty, address, references."""

    party: Party                    # NM1, N3, N4, REF, PER
    specialty: str = ""             # PRV01: PE performing, AT attending, RF referring
    taxonomy: str = ""              # PRV03 (PRV02 PXC)
    extra: tuple[RawSegment, ...] = ()
    source: Source | None = None

    @property
    def role(self) -> str:
        """"rendering", "attending", "service facility" … from NM101; the raw code when unknown."""
        return ROLES.get(self.party.entity, self.party.entity)

    @property
    def npi(self) -> str | None:
        return self.party.npi


class BillingProvider(Model):
    """2000A: the billing provider (2010AA) with its pay-to address (2010AB) and pay-to plan (2010AC)."""

    provider: Party | None = None   # 2010AA NM1*85, N3, N4, REF*EI tax id, PER
    specialty: str = ""             # PRV01: BI
    taxonomy: str = ""              # PRV03
    currency: str = ""              # CUR02
    pay_to_address: Party | None = None  # 2010AB NM1*87
    pay_to_plan: Party | None = None     # 2010AC NM1*PE
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                 # HL, PRV, CUR elements no field holds, as read
    source: Source | None = None    # the HL

    @property
    def npi(self) -> str | None:
        return self.provider.npi if self.provider is not None else None

    @property
    def tax_id(self) -> str | None:
        """REF*EI (employer id), else REF*SY (social security number)."""
        if self.provider is None:
            return None
        return self.provider.reference("EI") or self.provider.reference("SY")


class Insurance(Model):
    """An SBR: the coverage a claim is billed under (2000B) or was billed to before (2320)."""

    payer_responsibility: str = ""  # SBR01: P primary, S secondary, T tertiary, A–H payer 4–11, U unknown
    relationship: str = ""          # SBR02: 18 self (2000B); 01, 18, 19, 20, 21, 39, 40, 53, G8 (2320)
    group_number: str = ""          # SBR03
    group_name: str = ""            # SBR04
    insurance_type: str = ""        # SBR05: 12–16, 41–43, 47 (Medicare secondary)
    claim_filing_indicator: str = ""  # SBR09: 11–17, AM, BL, CH, CI, DS, FI, HM, LM, MA, MB, MC, OF, TV, VA, WC, ZZ


class Subscriber(Insurance):
    """2000B: the subscriber's coverage (SBR) and name (2010BA)."""

    member: Person | None = None    # 2010BA NM1*IL with DMG
    patient_information: PatientInformation | None = None  # PAT in 2000B (837P, when the subscriber is the patient)
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                 # HL, SBR, PAT elements no field holds, as read
    source: Source | None = None    # the HL


class Patient(PatientInformation):
    """2000C: the patient when not the subscriber (PAT) and the patient's name (2010CA)."""

    person: Person | None = None    # 2010CA NM1*QC with DMG
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                 # HL, PAT elements no field holds, as read
    source: Source | None = None    # the HL


class OtherPayer(Insurance):
    """2320: another payer of the claim (coordination of benefits) with what it paid and adjusted."""

    adjustments: tuple[Adjustment, ...] = ()   # CAS: the other payer's claim-level adjustments
    amounts: tuple[Amount, ...] = ()           # AMT: D payer paid, A8 non-covered, EAF remaining patient liability
    benefits_assignment: str = ""   # OI03
    patient_signature_source: str = ""  # OI04
    release_of_information: str = ""    # OI06
    subscriber: Party | None = None  # 2330A NM1*IL
    payer: Party | None = None       # 2330B NM1*PR
    adjudication_date: date | None = None  # 2330B DTP*573 claim check or remittance date
    providers: tuple[Party, ...] = ()  # 2330C–I: the other payer's ids for the claim's providers
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                 # SBR, OI elements no field holds, as read
    source: Source | None = None    # the SBR

    def amount(self, qualifier: str) -> Decimal | None:
        return next((a.amount for a in self.amounts if a.qualifier == qualifier), None)

    @property
    def paid_amount(self) -> Decimal | None:
        return self.amount("D")

    @property
    def non_covered_amount(self) -> Decimal | None:
        return self.amount("A8")

    @property
    def remaining_patient_liability(self) -> Decimal | None:
        return self.amount("EAF")


class Drug(Model):
    """2410: the drug given in a line (LIN, CTP, REF)."""

    qualifier: str = "N4"           # LIN02: N4 NDC in 5-4-2 format
    code: str = ""                  # LIN03
    unit_price: Decimal | None = None  # CTP03
    quantity: Decimal | None = None  # CTP04
    unit: str = ""                  # CTP05-1: F2, GR, ME, ML, UN
    references: tuple[Reference, ...] = ()  # REF*XZ prescription number, VY link sequence
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                 # LIN, CTP elements no field holds, as read
    source: Source | None = None


class LineAdjudication(Model):
    """2430: how another payer adjudicated this line (SVD, CAS, DTP*573, AMT*EAF)."""

    payer_id: str = ""              # SVD01: the other payer's 2330B NM109
    paid_amount: Decimal | None = None  # SVD02
    procedure_qualifier: str = ""   # SVD03-1
    procedure_code: str = ""        # SVD03-2
    procedure_modifiers: tuple[str, ...] = ()  # SVD03-3..6
    description: str = ""           # SVD03-7
    revenue_code: str = ""          # SVD04 (837I)
    paid_units: Decimal | None = None  # SVD05
    bundled_line: int | None = None  # SVD06
    adjustments: tuple[Adjustment, ...] = ()
    adjudication_date: date | None = None  # DTP*573
    remaining_patient_liability: Decimal | None = None  # AMT*EAF
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                 # SVD elements no field holds, as read
    source: Source | None = None

    @property
    def modifiers(self) -> tuple[str, ...]:
        return tuple(m for m in self.procedure_modifiers if m)


class ServiceLine(Model):
    """2400: one service line, SV1 (837P) or SV2 (837I); LX numbers are written 1..n per claim."""

    revenue_code: str = ""          # SV201 (837I)
    procedure_qualifier: str = ""   # SV101-1 / SV202-1: HC, ER, IV, WK, HP
    procedure_code: str = ""        # SV101-2 / SV202-2
    procedure_modifiers: tuple[str, ...] = ()  # SV101-3..6 / SV202-3..6, positions kept ("" for a gap)
    description: str = ""           # SV101-7 / SV202-7
    charge: Decimal | None = None   # SV102 / SV203
    unit_basis: str = ""            # SV103 / SV204: UN units, MJ minutes, DA days
    units: Decimal | None = None    # SV104 / SV205
    place_of_service: str = ""      # SV105 (837P, when it differs from CLM05-1)
    diagnosis_pointers: tuple[int, ...] = ()  # SV107 (837P): 1-based positions in the claim's diagnoses
    emergency: str = ""             # SV109
    epsdt: str = ""                 # SV111
    family_planning: str = ""       # SV112
    copay_status: str = ""          # SV115
    non_covered_charge: Decimal | None = None  # SV207 (837I)
    dates: tuple[DateReference, ...] = ()      # DTP*472 service date, 471, 607, 463 …
    references: tuple[Reference, ...] = ()     # REF*6R line item control number, 9B, G1 …
    amounts: tuple[Amount, ...] = ()           # AMT*T sales tax, F4 postage, GT, N8
    notes: tuple[Note, ...] = ()               # NTE
    drug: Drug | None = None                   # 2410
    providers: tuple[Provider, ...] = ()       # 2420A–H
    adjudications: tuple[LineAdjudication, ...] = ()  # 2430
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                             # LX, SV1/SV2 elements no field holds, as read
    source: Source | None = None               # the LX

    @property
    def modifiers(self) -> tuple[str, ...]:
        return tuple(m for m in self.procedure_modifiers if m)

    @property
    def line_item_control_number(self) -> str | None:
        return next((r.value for r in self.references if r.qualifier == "6R"), None)

    @property
    def service_date(self) -> date | None:
        return next((d.start for d in self.dates if d.qualifier == "472"), None)

    @property
    def service_date_to(self) -> date | None:
        return next((d.last for d in self.dates if d.qualifier == "472"), None)


class Claim(Model):
    """2300 with its context. Subclassed by :class:`ProfessionalClaim` and :class:`InstitutionalClaim`."""

    billing_provider: BillingProvider  # 2000A
    subscriber: Subscriber             # 2000B
    payer: Party | None = None         # 2010BB NM1*PR
    patient: Patient | None = None     # 2000C, when the patient is not the subscriber
    patient_control_number: str = ""   # CLM01
    total_charge: Decimal | None = None  # CLM02
    facility_code: str = ""            # CLM05-1: place of service (837P) or facility type (837I)
    facility_code_qualifier: str = ""  # CLM05-2: B (837P), A (837I)
    frequency_code: str = ""           # CLM05-3: 1 original, 7 replacement, 8 void …
    provider_signature: str = ""       # CLM06 (837P)
    assignment: str = ""               # CLM07: A, B, C
    benefits_assignment: str = ""      # CLM08: Y, N, W
    release_of_information: str = ""   # CLM09: Y, I
    delay_reason: str = ""             # CLM20
    dates: tuple[DateReference, ...] = ()      # DTP: 431 onset, 439 accident, 434 statement, 435, 096 …
    attachments: tuple[Attachment, ...] = ()   # PWK
    contract: Contract | None = None           # CN1
    amounts: tuple[Amount, ...] = ()           # AMT*F5 patient paid (837P), F3 estimated due (837I)
    references: tuple[Reference, ...] = ()     # REF*G1, F8, D9, EA, 9F, X4 …
    file_information: tuple[str, ...] = ()     # K301 of each K3
    notes: tuple[Note, ...] = ()               # NTE
    health_care_codes: tuple[HealthCareCode, ...] = ()  # every HI composite, in order
    providers: tuple[Provider, ...] = ()       # 2310A–F
    other_payers: tuple[OtherPayer, ...] = ()  # 2320
    lines: tuple[ServiceLine, ...] = ()        # 2400
    extra: tuple[RawSegment, ...] = ()         # CR1, CR2, CRC, HCP and segments the guide does not place here
    unheld: Unheld = ()                             # CLM, CL1, CN1 elements no field holds, as read
    source: Source | None = None               # the CLM

    INSTITUTIONAL: ClassVar[bool] = False

    @property
    def frequency(self) -> ClaimFrequency | None:
        return ClaimFrequency.of(self.frequency_code)

    @property
    def lines_total(self) -> Decimal:
        """Σ line charges (SV102 / SV203); compare with ``total_charge``."""
        return sum((line.charge for line in self.lines if line.charge is not None), Decimal(0))

    def reference(self, qualifier: str) -> str | None:
        return next((r.value for r in self.references if r.qualifier == qualifier), None)

    def dated(self, qualifier: str) -> DateReference | None:
        return next((d for d in self.dates if d.qualifier == qualifier), None)

    def amount(self, qualifier: str) -> Decimal | None:
        return next((a.amount for a in self.amounts if a.qualifier == qualifier), None)

    def codes(self, *qualifiers: str) -> tuple[str, ...]:
        """The codes of the HI composites with these qualifiers, in order."""
        return tuple(c.code for c in self.health_care_codes if c.qualifier in qualifiers)

    def provider(self, entity: str) -> Provider | None:
        return next((p for p in self.providers if p.party.entity == entity), None)

    def _day(self, qualifier: str) -> date | None:
        found = self.dated(qualifier)
        return found.start if found is not None else None

    @property
    def prior_authorization(self) -> str | None:
        return self.reference("G1")

    @property
    def original_claim_number(self) -> str | None:
        """REF*F8: the payer's claim control number of the claim a replacement (7) or void (8) corrects."""
        return self.reference("F8")

    @property
    def clearinghouse_trace(self) -> str | None:
        return self.reference("D9")

    @property
    def medical_record_number(self) -> str | None:
        return self.reference("EA")

    @property
    def referral_number(self) -> str | None:
        return self.reference("9F")

    @property
    def onset(self) -> date | None:
        return self._day("431")

    @property
    def accident(self) -> date | None:
        return self._day("439")

    @property
    def admission(self) -> date | None:
        """DTP*435 (the date part of a DT in the 837I; see ``admission_hour``)."""
        return self._day("435")

    @property
    def discharge(self) -> date | None:
        """DTP*096 (837P); in the 837I it is a discharge hour (TM), see ``discharge_hour``."""
        return self._day("096")

    @property
    def statement_from(self) -> date | None:
        return self._day("434")

    @property
    def statement_to(self) -> date | None:
        found = self.dated("434")
        return found.last if found is not None else None

    @property
    def rendering_provider(self) -> Provider | None:
        return self.provider("82")

    @property
    def referring_provider(self) -> Provider | None:
        return self.provider("DN")

    @property
    def service_facility(self) -> Provider | None:
        return self.provider("77")

    @property
    def principal_diagnosis(self) -> str | None:
        return next((c.code for c in self.health_care_codes if c.qualifier in ("ABK", "BK")), None)

    @property
    def diagnoses(self) -> tuple[str, ...]:
        """Principal then other diagnoses (ABK/BK, ABF/BF): what SV107 pointers count in."""
        return self.codes("ABK", "BK", "ABF", "BF")


class ProfessionalClaim(Claim):
    """An 837P claim (CLM05-1 is the place of service)."""

    patient_signature_source: str = ""  # CLM10: P
    related_causes: tuple[str, ...] = ()  # CLM11-1..3: AA auto accident, EM employment, OA other accident
    accident_state: str = ""           # CLM11-4
    accident_country: str = ""         # CLM11-5
    special_program: str = ""          # CLM12

    @property
    def place_of_service(self) -> str:
        return self.facility_code


class InstitutionalClaim(Claim):
    """An 837I claim (CLM05-1 is the facility type; CL1 admission type, source and patient status)."""

    admission_type: str = ""           # CL101
    admission_source: str = ""         # CL102
    patient_status: str = ""           # CL103

    INSTITUTIONAL: ClassVar[bool] = True

    @property
    def facility_type(self) -> str:
        return self.facility_code

    @property
    def admitting_diagnosis(self) -> str | None:
        return next(iter(self.codes("ABJ", "BJ")), None)

    @property
    def admission_hour(self) -> str:
        found = self.dated("435")
        return found.time if found is not None else ""

    @property
    def discharge_hour(self) -> str:
        found = self.dated("096")
        return found.time if found is not None else ""


class ClaimTransaction(TransactionModel):
    """An 837 (ST–SE): BHT, submitter, receiver, and the claims in file order. Subclassed per guide."""

    hierarchical_structure: str = "0019"   # BHT01
    purpose: str = "00"                    # BHT02: 00 original, 18 reissue
    originator_id: str = ""                # BHT03: the submitter's batch id (comes back in 999/277CA)
    creation_date: date | None = None      # BHT04
    creation_time: str = ""                # BHT05: HHMM[SS[D..]]
    transaction_type: str = ""             # BHT06: CH chargeable, RP reporting, 31 subrogation demand
    submitter: Party | None = None         # 1000A NM1*41 + PER
    receiver: Party | None = None          # 1000B NM1*40
    claims: tuple[Claim, ...] = ()
    extra: tuple[RawSegment, ...] = ()     # outside any claim and its hierarchy: written after 1000B
    after_claims: tuple[RawSegment, ...] = ()  # HL levels no claim stands under (raw): written after the claims
    unheld: Unheld = ()                  # BHT elements no field holds, as read
    source: Source | None = None           # the ST

    SET_ID: ClassVar[str] = "837"
    FUNCTIONAL_ID: ClassVar[str] = "HC"
    INSTITUTIONAL: ClassVar[bool] = False

    def body(self) -> Iterator[Built]:
        from edi.models._write_837 import transaction_body
        return transaction_body(self)


class ProfessionalClaimTransaction(ClaimTransaction):
    claims: tuple[ProfessionalClaim, ...] = ()

    GUIDE: ClassVar[str] = PROFESSIONAL


class InstitutionalClaimTransaction(ClaimTransaction):
    claims: tuple[InstitutionalClaim, ...] = ()

    GUIDE: ClassVar[str] = INSTITUTIONAL
    INSTITUTIONAL: ClassVar[bool] = True
