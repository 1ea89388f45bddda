"""The coded encounter: what coding and registration produce for one visit or stay, in the terms a biller uses,
ready to become one 837P (professional) or 837I (institutional) claim.

An encounter names its patient, its coverages in payer order (with the subscriber of each and, once a payer
has adjudicated the claim, what it paid), its providers by role, its diagnoses and its procedure lines. It holds
no X12: :mod:`edi.claims._build` maps it to the typed claim models of :mod:`edi.models`, and
:mod:`edi.claims._extract` maps a claim read from an 837 back.

Every field's comment says what it holds, then (after ``→``) where it goes in the 837; docs/encounters.md and the
JSON Schema's descriptions are generated from these comments (``python -m edi.claims._docs``). Money is
``Decimal`` (JSON: a string or a number), dates are ``date`` (JSON: ``YYYY-MM-DD``), codes are the plain codes
(no X12 qualifiers), ICD-10-CM codes with or without their dot. Unknown fields are refused, so a misspelt field
name is an input error rather than data silently dropped.

The model is versioned by ``schema`` (``edi-encounter/1``): fields may be added to version 1 with defaults that
keep old encounters meaning what they meant; anything else is a new version.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

SCHEMA = "edi-encounter/1"

Code = Annotated[str, msgspec.Meta(max_length=80)]
Positive = Annotated[int, msgspec.Meta(ge=1)]


class Part(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, forbid_unknown_fields=True, gc=False):
    """Base of the encounter's parts: immutable, JSON-ready, unknown fields refused."""


class Address(Part):
    """A postal address."""

    line1: str = ""                 # street address → N301
    line2: str = ""                 # suite, unit → N302
    city: str = ""                  # → N401
    state: str = ""                 # USPS state or Canadian province code → N402
    postal_code: str = ""           # ZIP (9 digits for the billing provider and service facility) → N403
    country: str = ""               # ISO 3166 code, outside the US only → N404
    country_subdivision: str = ""   # outside the US only → N407


class Contact(Part):
    """Who to call about the claim; written PER03–08 in the order phone, extension, fax, email, as far as the
    loop's PER takes them (a patient's PER takes a phone and extension only)."""

    name: str = ""                  # → PER02
    phone: str = ""                 # digits only → PER TE
    phone_extension: str = ""       # → PER EX
    fax: str = ""                   # → PER FX
    email: str = ""                 # → PER EM


class Reference(Part):
    """An identifier the model has no field of its own for: a REF segment of the loop it belongs to."""

    qualifier: str                  # what the value is (X12 REF01 code: G2 provider commercial number, X4 CLIA …) → REF01
    value: str                      # → REF02


class DateEntry(Part):
    """A date the model has no field of its own for: a DTP of the loop it belongs to."""

    qualifier: str                  # what the date is (X12 DTP01 code: 454 initial treatment, 304 last seen …) → DTP01
    date: dt.date                      # the date (the first day of a range) → DTP03 (DTP02 D8, or RD8 with ``end``)
    end: dt.date | None = None         # the last day of a range → DTP03 after the hyphen (DTP02 RD8)


class Note(Part):
    """A free-text note."""

    text: str                       # → NTE02 (80 characters)
    qualifier: str = "ADD"          # ADD additional information, CER certification, DCP goals, DGN diagnosis, TPO third party … → NTE01


class Attachment(Part):
    """Supporting documentation sent apart from the claim (paperwork)."""

    report_type: str                # 03 report, 04 drugs administered, 06 initial assessment, 09 progress notes, OZ support data … → PWK01
    transmission: str = "EL"        # AA available on request, BM mail, EL electronically, EM e-mail, FT file transfer, FX fax → PWK02
    control_number: str = ""        # the attachment's control number (required unless AA) → PWK06 (PWK05 AC)


class Person(Part):
    """A patient or subscriber."""

    last_name: Annotated[str, msgspec.Meta(min_length=1)]  # → NM103
    first_name: str = ""            # → NM104
    middle_name: str = ""           # middle name or initial → NM105
    suffix: str = ""                # JR, III … → NM107
    birth_date: dt.date | None = None  # → DMG02 (DMG01 D8)
    sex: str = ""                   # F, M or U → DMG03
    address: Address | None = None  # → N3, N4
    contact: Contact | None = None  # property and casualty claims → PER
    references: tuple[Reference, ...] = ()  # SY social security number, Y4 property casualty claim number, 1W member id → REF


class Patient(Person, kw_only=True):
    """The person treated; demographics, and the PAT data some claims need."""

    death_date: dt.date | None = None  # → PAT06 (PAT05 D8)
    weight: Decimal | None = None   # in pounds, when required (e.g. ambulance, DME) → PAT08 (PAT07 01)
    pregnant: bool = False          # → PAT09 Y


class Payer(Part):
    """A health plan."""

    name: Annotated[str, msgspec.Meta(min_length=1)]  # → 2010BB / 2330B NM103
    id: Annotated[str, msgspec.Meta(min_length=1)]    # payer id → NM109
    id_qualifier: str = "PI"        # PI payer id, XV CMS national plan id → NM108
    address: Address | None = None  # → N3, N4
    references: tuple[Reference, ...] = ()  # 2U/EI/FY/NF payer secondary ids; G2/LU billing provider secondary ids (2010BB); F8 this payer's claim number, G1, 9F, T4 (2330B) → REF


class Adjustment(Part):
    """One adjustment a payer made (from its remittance): group, reason, amount."""

    group: str                      # CO contractual, PR patient responsibility, OA other, PI payer initiated → CAS01
    reason: str                     # claim adjustment reason code (CARC) → CAS02, 05, 08 …
    amount: Decimal                 # → CAS03, 06, 09 …
    quantity: Decimal | None = None  # → CAS04, 07, 10 …


class PriorPayment(Part):
    """How a payer earlier in the order adjudicated this claim (from its 835), for billing the next payer."""

    paid: Decimal | None = None     # the payer's paid amount → 2320 AMT*D
    adjustments: tuple[Adjustment, ...] = ()  # claim-level adjustments → 2320 CAS
    non_covered: Decimal | None = None  # non-covered charges → 2320 AMT*A8
    remaining_patient_liability: Decimal | None = None  # → 2320 AMT*EAF
    date: dt.date | None = None        # adjudication or payment date → 2330B DTP*573


class Coverage(Part):
    """One health plan that covers the patient, with its subscriber."""

    payer: Payer                    # → 2010BB (billed) / 2330B (other payers)
    member_id: str = ""             # the subscriber's id with this payer → 2010BA / 2330A NM109 (NM108 MI)
    responsibility: str = ""        # P primary, S secondary, T tertiary, A–H payers 4–11; empty: by position → 2000B / 2320 SBR01
    relationship: str = "18"        # the patient's relationship to the subscriber: 18 self, 01 spouse, 19 child, 20 employee, 21 unknown, 39, 40, 53, G8 other → 837P/837I: 18 gives 2000B SBR02 18 and no 2000C; any other gives 2000C PAT01; 2320 SBR02
    subscriber: Person | None = None  # the insured, when not the patient → 2010BA / 2330A (the patient's name when empty)
    group_number: str = ""          # → SBR03
    group_name: str = ""            # → SBR04
    insurance_type: str = ""        # Medicare secondary payer type (12, 13, 14, 15, 16, 41, 42, 43, 47) → 837P SBR05
    claim_filing_indicator: str = ""  # CI commercial, BL Blue Cross, HM HMO, 12 PPO, MA Medicare A, MB Medicare B, MC Medicaid, CH Tricare, VA, WC, ZZ … → SBR09
    effective_date: dt.date | None = None  # first day covered (from eligibility) → not sent; scrub edits read it
    end_date: dt.date | None = None    # last day covered → not sent; scrub edits read it
    benefits_assigned: str = "Y"    # benefits assignment certification: Y, N, W → billed: CLM08; others: 2320 OI03
    release_of_information: str = "Y"  # I informed consent, Y signed statement → billed: CLM09; others: 2320 OI06
    patient_signature_source: str = ""  # P signature generated by provider → billed: 837P CLM10; others: 2320 OI04
    prior_payment: PriorPayment | None = None  # this payer has adjudicated the claim → 2320 AMT, CAS; 2330B DTP*573


class Provider(Part):
    """A provider (person or organization) in one role."""

    npi: str = ""                   # National Provider Identifier → NM109 (NM108 XX)
    name: str = ""                  # organization name, or a person's last name → NM103
    first_name: str = ""            # a person's first name → NM104
    middle_name: str = ""           # → NM105
    suffix: str = ""                # → NM107
    entity_type: str = ""           # 1 person, 2 organization; empty: 1 with a first name, else 2 → NM102
    taxonomy: str = ""              # NUCC provider taxonomy code → PRV03 (PRV01 by role: BI billing, PE rendering, AT attending)
    tax_id: str = ""                # federal tax id (billing provider) → 2010AA REF*EI, or REF*SY
    tax_id_type: str = "EI"         # EI employer identification number, SY social security number → REF01
    address: Address | None = None  # → N3, N4
    contacts: tuple[Contact, ...] = ()  # billing provider's contacts → 2010AA PER
    references: tuple[Reference, ...] = ()  # secondary ids: 0B state license, 1G UPIN, G2 commercial number, LU location → REF


class Providers(Part):
    """Providers by role. At claim level every role the claim type has; on a line, only those that differ from the
    claim's (line overrides)."""

    rendering: Provider | None = None  # → 837P: 2310B / 2420A NM1*82; 837I: 2310D / 2420C NM1*82
    referring: Provider | None = None  # → 837P: 2310A / 2420F NM1*DN; 837I: 2310F / 2420D NM1*DN
    primary_care: Provider | None = None  # primary care provider of a referral → 837P: 2310A / 2420F NM1*P3
    supervising: Provider | None = None  # → 837P: 2310D / 2420D NM1*DQ
    service_facility: Provider | None = None  # where the service was given, when not the billing provider's address → 837P: 2310C / 2420C NM1*77; 837I: 2310E NM1*77
    attending: Provider | None = None  # → 837I: 2310A NM1*71
    operating: Provider | None = None  # → 837I: 2310B / 2420A NM1*72
    other_operating: Provider | None = None  # → 837I: 2310C / 2420B NM1*ZZ
    ordering: Provider | None = None  # → 837P: 2420E NM1*DK
    purchased_service: Provider | None = None  # → 837P: 2420B NM1*QB
    ambulance_pickup: Provider | None = None  # pick-up location → 837P: 2310E / 2420G NM1*PW
    ambulance_dropoff: Provider | None = None  # drop-off location → 837P: 2310F / 2420H NM1*45


class Drug(Part):
    """The drug given in a line (a J-code, an injection …) by its National Drug Code."""

    ndc: Annotated[str, msgspec.Meta(min_length=1)]  # 11 digits, 5-4-2, no hyphens → 2410 LIN03 (LIN02 N4)
    quantity: Decimal | None = None  # → 2410 CTP04
    unit: str = "UN"                # F2 international unit, GR gram, ME milligram, ML milliliter, UN unit → CTP05-1
    unit_price: Decimal | None = None  # → CTP03
    prescription_number: str = ""  # → 2410 REF*XZ
    link_sequence_number: str = ""  # compound drugs → 2410 REF*VY


class LinePayment(Part):
    """How a payer earlier in the order adjudicated one line (from its 835), for billing the next payer."""

    payer_id: str                   # that coverage's payer id → 2430 SVD01
    paid: Decimal                   # → SVD02
    procedure_code: str = ""        # the procedure the payer adjudicated, when it changed it (empty: the line's) → SVD03-2
    procedure_qualifier: str = ""   # → SVD03-1 (empty: the line's)
    modifiers: tuple[str, ...] = ()  # → SVD03-3..6 (with procedure_code)
    description: str = ""           # → SVD03-7
    revenue_code: str = ""          # → 837I SVD04
    units: Decimal | None = None    # paid units → SVD05
    bundled_line: int | None = None  # the line this one was bundled into → SVD06
    adjustments: tuple[Adjustment, ...] = ()  # → 2430 CAS
    date: dt.date | None = None        # adjudication date → 2430 DTP*573
    remaining_patient_liability: Decimal | None = None  # → 2430 AMT*EAF


class Line(Part, kw_only=True):
    """One service: a procedure (CPT/HCPCS) on a date, with its charge, units and the diagnoses it treats."""

    id: str = ""                    # the line's stable id in the source system, unique in the encounter (best: unique everywhere, e.g. a charge id); empty: "<encounter id>-<line number>" → 2400 REF*6R line item control number (echoed by the 835)
    procedure_code: str = ""        # CPT or HCPCS code (empty on an 837I room-and-board line) → 837P SV101-2; 837I SV202-2
    procedure_qualifier: str = "HC"  # HC CPT/HCPCS, ER jurisdiction-specific, IV HIEC, WK ABC codes, HP HIPPS (837I) → SV101-1 / SV202-1
    modifiers: Annotated[tuple[Code, ...], msgspec.Meta(max_length=4)] = ()  # up to four, in order → SV101-3..6 / SV202-3..6
    description: str = ""           # for not-otherwise-classified codes → SV101-7 / SV202-7
    revenue_code: str = ""          # 837I revenue code → SV201
    charge: Decimal                 # line charge for all units → 837P SV102; 837I SV203
    units: Decimal = Decimal(1)     # → 837P SV104; 837I SV205
    unit_basis: str = "UN"          # UN units, MJ minutes (anesthesia), DA days (837I) → SV103 / SV204
    place_of_service: str = ""      # when it differs from the encounter's → 837P SV105
    diagnosis_pointers: Annotated[tuple[Positive, ...], msgspec.Meta(max_length=4)] = ()  # 1-based positions in ``diagnoses``, the first the line's primary → 837P SV107-1..4
    service_date: dt.date | None = None  # date of service (empty: the encounter's ``service_date``) → 2400 DTP*472
    service_date_end: dt.date | None = None  # last day, for a service over several days → 2400 DTP*472 (DTP02 RD8)
    non_covered_charge: Decimal | None = None  # → 837I SV207
    emergency: str = ""             # Y when the service was an emergency → 837P SV109
    epsdt: str = ""                 # Y for an EPSDT screening → 837P SV111
    family_planning: str = ""       # Y → 837P SV112
    copay_status: str = ""          # 0 copay exempt → 837P SV115
    drug: Drug | None = None        # → 2410
    prior_authorization: str = ""   # when the line has its own → 837P 2400 REF*G1
    referral_number: str = ""       # when the line has its own → 837P 2400 REF*9F
    references: tuple[Reference, ...] = ()  # other line identifiers: X4 CLIA, 9B repriced line, BT immunization batch … → 2400 REF
    dates: tuple[DateEntry, ...] = ()  # other line dates: 471 prescription, 607, 463, 461, 304, 738, 739, 011, 455, 454 → 2400 DTP
    amounts: tuple[AmountEntry, ...] = ()  # T sales tax, F4 postage (837P); GT, N8 (837I) → 2400 AMT
    notes: tuple[Note, ...] = ()    # → 2400 NTE
    providers: Providers | None = None  # line-level providers that differ from the claim's → 2420A–H
    prior_payments: tuple[LinePayment, ...] = ()  # earlier payers' line adjudication → 2430


class AmountEntry(Part):
    """An amount the model has no field of its own for: an AMT of the loop it belongs to."""

    qualifier: str                  # → AMT01
    amount: Decimal                 # → AMT02


class Diagnosis(Part):
    """One ICD-10-CM diagnosis."""

    code: Annotated[str, msgspec.Meta(min_length=1)]  # ICD-10-CM code (the dot is left out when written) → HI composite 2
    present_on_admission: str = ""  # 837I: Y, N, U, W, or empty when exempt → HI composite 9


class Occurrence(Part):
    """837I occurrence code with its date."""

    code: str                       # → HI*BH composite 2
    date: dt.date                      # → HI*BH composite 4 (D8)


class OccurrenceSpan(Part):
    """837I occurrence span code with its dates."""

    code: str                       # → HI*BI composite 2
    start: dt.date                     # → HI*BI composite 4 (RD8, first day)
    end: dt.date                       # → HI*BI composite 4 (RD8, last day)


class ValueCode(Part):
    """837I value code with its amount."""

    code: str                       # → HI*BE composite 2
    amount: Decimal                 # → HI*BE composite 5


class InpatientProcedure(Part):
    """837I ICD-10-PCS procedure with its date."""

    code: str                       # ICD-10-PCS code → HI*BBR (the first) / HI*BBQ composite 2
    date: dt.date | None = None        # → composite 4 (D8)


class Encounter(Part, kw_only=True):
    """One coded encounter (a visit or a stay) that becomes one claim to the payer of ``billed_coverage``."""

    schema: Literal["edi-encounter/1"] = "edi-encounter/1"  # the model's version; other versions are refused → not sent
    id: Annotated[str, msgspec.Meta(min_length=1, max_length=38)]  # the encounter's id, which comes back on the remittance (keep it ≤ 20 characters: many payers cut longer ones) → 2300 CLM01
    claim_type: Literal["professional", "institutional"] = "professional"  # the claim it becomes → 837P (005010X222A1) or 837I (005010X223A2)
    patient: Patient                # the person treated → 2010BA when the patient is the subscriber of the billed coverage, else 2010CA
    coverages: Annotated[tuple[Coverage, ...], msgspec.Meta(min_length=1)]  # health plans in payer order (primary first) → billed: 2000B, 2010BA, 2010BB; others: 2320, 2330A, 2330B
    billed_coverage: Positive = 1   # which coverage (1-based) this claim is billed to; the ones before it have adjudicated it → 2000B (the others 2320)
    billing_provider: Provider      # who bills (the practice, the hospital) → 2000A PRV, 2010AA
    pay_to_address: Address | None = None  # when payments go to another address → 2010AB NM1*87 N3, N4
    providers: Providers = msgspec.field(default_factory=Providers)  # claim-level providers by role → 2310A–F
    frequency: str = "1"            # 1 original, 7 replacement, 8 void → CLM05-3
    original_claim_number: str = ""  # the payer's claim number of the claim a replacement or void corrects → 2300 REF*F8
    place_of_service: str = ""      # CMS place of service code → 837P CLM05-1 (CLM05-2 B)
    facility_type: str = ""         # type of bill without its leading 0 and frequency (11 inpatient hospital, 13 outpatient …) → 837I CLM05-1 (CLM05-2 A)
    service_date: dt.date | None = None  # the date of service of every line without its own → 2400 DTP*472
    statement_from: dt.date | None = None  # first day the claim covers (empty: the first date of service) → 837I DTP*434 (RD8, first day)
    statement_to: dt.date | None = None  # last day the claim covers (empty: the last date of service) → 837I DTP*434 (RD8, last day)
    admission_date: dt.date | None = None  # inpatient admission → 837P DTP*435 (D8); 837I DTP*435 (DT with ``admission_hour``)
    admission_hour: str = ""        # HHMM → 837I DTP*435
    admission_type: str = ""        # 1 emergency, 2 urgent, 3 elective, 4 newborn, 5 trauma, 9 → 837I CL101
    admission_source: str = ""      # point of origin → 837I CL102
    patient_status: str = ""        # discharge status (01 home, 02, 03, 06, 20 expired, 30 still patient …) → 837I CL103
    discharge_date: dt.date | None = None  # inpatient discharge → 837P DTP*096 (D8)
    discharge_hour: str = ""        # HHMM → 837I DTP*096 (TM)
    onset_date: dt.date | None = None  # onset of current illness or symptom → 837P DTP*431
    accident_date: dt.date | None = None  # when the accident happened → 837P DTP*439
    related_causes: Annotated[tuple[str, ...], msgspec.Meta(max_length=2)] = ()  # AA auto accident, EM employment, OA other accident → 837P CLM11-1, CLM11-2
    accident_state: str = ""        # state of an auto accident → 837P CLM11-4
    accident_country: str = ""      # country of an auto accident outside the US → 837P CLM11-5
    dates: tuple[DateEntry, ...] = ()  # other claim dates (454, 304, 453, 484, 455, 471, 314, 360, 361, 297, 296, 090, 091, 444, 050) → 2300 DTP
    diagnoses: Annotated[tuple[Diagnosis, ...], msgspec.Meta(min_length=1, max_length=25)]  # ICD-10-CM, principal first (837P: 12 at most) → HI*ABK (principal), HI*ABF (others)
    icd_version: Literal[10, 9] = 10  # 9 for ICD-9-CM codes (dates of service before 2015-10-01 only) → HI qualifiers BK, BF, BJ, PR, BN, BR, BQ instead of ABK, ABF, ABJ, APR, ABN, BBR, BBQ
    admitting_diagnosis: str = ""   # ICD-10-CM → 837I HI*ABJ
    reason_for_visit: Annotated[tuple[str, ...], msgspec.Meta(max_length=3)] = ()  # ICD-10-CM, outpatient → 837I HI*APR
    external_causes: Annotated[tuple[Diagnosis, ...], msgspec.Meta(max_length=12)] = ()  # ICD-10-CM external cause of injury → 837I HI*ABN
    drg: str = ""                   # diagnosis-related group → 837I HI*DR
    procedures: Annotated[tuple[InpatientProcedure, ...], msgspec.Meta(max_length=25)] = ()  # ICD-10-PCS, principal first → 837I HI*BBR, HI*BBQ
    occurrence_spans: tuple[OccurrenceSpan, ...] = ()  # occurrence span codes with their dates → 837I HI*BI
    occurrences: tuple[Occurrence, ...] = ()  # occurrence codes with their dates → 837I HI*BH
    values: tuple[ValueCode, ...] = ()  # value codes with their amounts → 837I HI*BE
    conditions: tuple[str, ...] = ()  # condition codes → HI*BG
    lines: Annotated[tuple[Line, ...], msgspec.Meta(min_length=1)]  # the services, in order → 2400 (LX 1 … n)
    prior_authorization: str = ""   # the payer's prior authorization number → 2300 REF*G1
    referral_number: str = ""       # referral number → 2300 REF*9F
    medical_record_number: str = ""  # the provider's medical record number → 2300 REF*EA
    references: tuple[Reference, ...] = ()  # other claim identifiers: D9 clearinghouse trace, X4 CLIA, 9A repriced, 4N, F5, EW, LX, P4, 1J, LU, G4 → 2300 REF
    attachments: tuple[Attachment, ...] = ()  # paperwork sent apart → 2300 PWK
    notes: tuple[Note, ...] = ()    # claim notes → 2300 NTE
    delay_reason: str = ""          # why the claim is late (1–11, 15) → CLM20
    provider_signature: str = "Y"   # provider's signature on file: Y, N → 837P CLM06
    assignment: str = "A"           # provider accepts assignment: A assigned, B lab services only, C not assigned → CLM07
    special_program: str = ""       # 02, 03, 05, 09 → 837P CLM12
    patient_paid: Decimal | None = None  # what the patient paid toward the claim → 837P 2300 AMT*F5
    patient_estimated_due: Decimal | None = None  # what the patient is estimated to owe → 837I 2300 AMT*F3
    expected_edit: str = ""         # synthetic test data only: the scrub edit expected to hold this encounter → not sent

    @property
    def institutional(self) -> bool:
        return self.claim_type == "institutional"

    @property
    def billed(self) -> Coverage:
        """The coverage this claim is billed to (``billed_coverage``, the first when out of range)."""
        n = self.billed_coverage
        return self.coverages[n - 1] if n <= len(self.coverages) else self.coverages[0]

    def line_control_number(self, number: int) -> str:
        """REF*6R of line ``number`` (1-based): the line's ``id``, else ``<encounter id>-<number>``."""
        return self.lines[number - 1].id or f"{self.id}-{number}"

    @property
    def dates_of_service(self) -> tuple[dt.date, ...]:
        """Every line's first date of service (the encounter's ``service_date`` for lines without one), sorted."""
        found = {line.service_date or self.service_date for line in self.lines}
        return tuple(sorted(d for d in found if d is not None))

    @property
    def service_period(self) -> tuple[dt.date, dt.date] | None:
        """(first, last) day of the care billed: the lines' dates of service and the statement period together
        (an inpatient stay's room lines carry no date of their own); None when the encounter gives no date."""
        days = [d for line in self.lines for d in (line.service_date or self.service_date, line.service_date_end)
                if d is not None]
        days += (d for d in (self.statement_from, self.statement_to) if d is not None)
        return (min(days), max(days)) if days else None
