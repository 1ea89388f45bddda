"""Encounter → 837 claim models (:mod:`edi.models.claim`), and claims → transactions.

:func:`claim_of` maps one encounter to a :class:`ProfessionalClaim` or :class:`InstitutionalClaim`; the models'
writer (``edi.models.write``) then gives X12 with the HL hierarchy billing → subscriber → patient (the patient
loop only when the patient is not the subscriber), LX numbers and counts filled in. Segments that repeat at one
guide position (DTP, REF, AMT, provider loops, HI composites) are put in the guide's order, so the 837 is valid
and reads back into an equal model. Every line gets its REF*6R line item control number.

:func:`transactions` groups claims into 837 transactions: one claim type and one billing provider per
transaction, at most ``max_claims`` claims each.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

import msgspec

from edi.claims import encounter as e
from edi.claims._guide import (LAST, ROLE_ENTITY, contact_codes, guide_name, has_segment, ranks, role_loops,
                              specialty)
from edi.claims.encounter import (Address, Contact, DateEntry, Encounter, Line, LinePayment, Payer, Person,
                                  Provider, Providers, Reference)
from edi.errors import EdiError
from edi.models.claim import (Attachment, BillingProvider, Claim, ClaimTransaction, DateReference, Drug,
                              HealthCareCode, InstitutionalClaim, InstitutionalClaimTransaction, LineAdjudication,
                              Note, OtherPayer, Patient, PatientInformation, ProfessionalClaim,
                              ProfessionalClaimTransaction, ServiceLine, Subscriber)
from edi.models.claim import Person as PersonModel
from edi.models.claim import Provider as ProviderModel
from edi.models.common import Adjustment, Amount, Party
from edi.models.common import Address as AddressModel
from edi.models.common import Contact as ContactModel
from edi.models.common import Reference as ReferenceModel

# HI qualifiers of ICD-10 codes → their ICD-9 counterparts (``icd_version`` 9)
ICD9 = {"ABK": "BK", "ABF": "BF", "ABJ": "BJ", "APR": "PR", "ABN": "BN", "BBR": "BR", "BBQ": "BQ"}
RESPONSIBILITY = "PSTABCDEFGH"   # SBR01 by payer order: primary, secondary, tertiary, payers 4–11
MAX_CLAIMS = 5000                # the guides' recommended maximum of claims (CLM) per transaction


def claim_of(enc: Encounter) -> ProfessionalClaim | InstitutionalClaim:
    """The 837 claim model of an encounter (with its billing provider, subscriber, payer and patient)."""
    return _Builder(enc).claim()


def responsibility(enc: Encounter, index: int) -> str:
    """SBR01 of coverage ``index`` (0-based): its own code, else P, S, T, A … by position."""
    code = enc.coverages[index].responsibility
    return code or (RESPONSIBILITY[index] if index < len(RESPONSIBILITY) else "U")


def _party(guide: str, entity: str, loop: str, who: Provider | Person, id_qualifier: str, id: str,
           references: tuple[Reference, ...], contacts: tuple[Contact, ...]) -> Party:
    """An NM1 party; references in the guide's order for ``loop``; contacts kept where the loop has a PER."""
    if isinstance(who, Provider):
        last, kind = who.name, who.entity_type or ("1" if who.first_name else "2")
    else:
        last, kind = who.last_name, "1"
    per = tuple(_contact(c, contact_codes(guide, loop)) for c in contacts) if contacts and \
        has_segment(guide, loop, "PER") else ()
    return Party(entity, kind, last, who.first_name, who.middle_name, who.suffix, id_qualifier, id,
                 _address(who.address), _references(guide, loop, references), per)


def _references(guide: str, loop: str, refs: tuple[Reference, ...] | list[Reference]) -> tuple[ReferenceModel, ...]:
    if not refs:
        return ()
    if len(refs) > 1:
        order = ranks(guide, loop, "REF")
        refs = sorted(refs, key=lambda r: order.get(r.qualifier, LAST))
    return tuple(ReferenceModel(qualifier=r.qualifier, value=r.value) for r in refs)


# Context models repeat from claim to claim (a practice bills thousands): they are made once and shared, which
# also lets the writer see at a glance (``is``) that consecutive claims share a billing provider.
@functools.lru_cache(maxsize=1024)
def _provider(guide: str, role: str, loop: str, p: Provider) -> ProviderModel:
    refs = p.references
    if p.tax_id and has_segment(guide, loop, "REF", p.tax_id_type):
        refs = (Reference(qualifier=p.tax_id_type, value=p.tax_id), *refs)
    party = _party(guide, ROLE_ENTITY[role], loop, p, "XX" if p.npi else "", p.npi, refs, p.contacts)
    prv = specialty(guide, loop) if p.taxonomy else ""
    return ProviderModel(party=party, specialty=prv, taxonomy=p.taxonomy if prv else "")


@functools.lru_cache(maxsize=1024)
def _billing(guide: str, b: Provider, pay_to: Address | None) -> BillingProvider:
    refs = (Reference(qualifier=b.tax_id_type, value=b.tax_id), *b.references) if b.tax_id else b.references
    provider = _party(guide, "85", "2010AA", b, "XX" if b.npi else "", b.npi, refs, b.contacts)
    return BillingProvider(provider=provider, specialty=specialty(guide, "2000A") if b.taxonomy else "",
                           taxonomy=b.taxonomy, pay_to_address=None if pay_to is None else Party(
                               "87", "2", "", "", "", "", "", "", _address(pay_to), (), ()))


Q = TypeVar("Q")


@functools.lru_cache(maxsize=1024)
def _payer(guide: str, loop: str, p: Payer) -> Party:
    return Party("PR", "2", p.name, "", "", "", p.id_qualifier, p.id, _address(p.address),
                 _references(guide, loop, p.references), ())


def _providers(guide: str, given: Providers | None, parent: str) -> tuple[ProviderModel, ...]:
    if given is None:
        return ()
    found = []
    for role, (rank, loop) in role_loops(guide, parent).items():
        p = getattr(given, role)
        if p is not None:
            found.append((rank, _provider(guide, role, loop, p)))
    if len(found) > 1:
        found.sort(key=lambda item: item[0])
    return tuple(p for _, p in found)


class _Builder:
    """Maps one encounter; holds the guide it maps to."""

    def __init__(self, enc: Encounter) -> None:
        self.enc = enc
        self.institutional = enc.claim_type == "institutional"
        self.guide = guide_name(self.institutional)

    def person(self, entity: str, loop: str, who: Person, member_id: str = "") -> PersonModel:
        name = _party(self.guide, entity, loop, who, "MI" if member_id else "", member_id, who.references,
                      (who.contact,) if who.contact else ())
        return PersonModel(name=name, birth_date=who.birth_date, gender=who.sex)

    def subscriber(self) -> tuple[Subscriber, Party, Patient | None]:
        enc, cov = self.enc, self.enc.billed
        index = enc.coverages.index(cov)
        is_patient = cov.relationship == "18"
        if not is_patient and cov.subscriber is None:
            raise EdiError(f"encounter {enc.id}: coverage {index + 1} names no subscriber, and the patient is not the "
                           f"subscriber (relationship {cov.relationship}); check encounters before building them")
        insured = cov.subscriber or enc.patient
        info = _patient_information(enc, "") if is_patient and not self.institutional else None
        subscriber = Subscriber(
            payer_responsibility=responsibility(enc, index), relationship="18" if is_patient else "",
            group_number=cov.group_number, group_name=cov.group_name, insurance_type="" if self.institutional else cov.insurance_type,
            claim_filing_indicator=cov.claim_filing_indicator,
            member=self.person("IL", "2010BA", insured, cov.member_id),
            patient_information=info if info is not None and info != _NO_PAT else None)
        payer = _payer(self.guide, "2010BB", cov.payer)
        patient = None
        if not is_patient:
            pat = _patient_information(enc, cov.relationship)
            patient = Patient(relationship=pat.relationship, death_date=pat.death_date, weight_unit=pat.weight_unit,
                              weight=pat.weight, pregnant=pat.pregnant,
                              person=self.person("QC", "2010CA", enc.patient))
        return subscriber, payer, patient

    def other_payers(self) -> tuple[OtherPayer, ...]:
        enc = self.enc
        billed = enc.billed
        out = []
        amounts = ranks(self.guide, "2320", "AMT")
        for index, cov in enumerate(enc.coverages):
            if cov is billed:
                continue
            prior = cov.prior_payment
            found = [] if prior is None else [(q, v) for q, v in (
                ("D", prior.paid), ("A8", prior.non_covered), ("EAF", prior.remaining_patient_liability))
                if v is not None]
            found.sort(key=lambda item: amounts.get(item[0], LAST))
            insured = cov.subscriber or enc.patient   # read_encounters refuses a dependent's coverage without one
            out.append(OtherPayer(
                payer_responsibility=responsibility(enc, index), relationship=cov.relationship,
                group_number=cov.group_number, group_name=cov.group_name, insurance_type="" if self.institutional else cov.insurance_type,
                claim_filing_indicator=cov.claim_filing_indicator,
                adjustments=() if prior is None else tuple(_adjustment(a) for a in prior.adjustments),
                amounts=tuple(Amount(qualifier=q, amount=v) for q, v in found),
                benefits_assignment=cov.benefits_assigned, patient_signature_source=cov.patient_signature_source,
                release_of_information=cov.release_of_information,
                subscriber=_party(self.guide, "IL", "2330A", insured, "MI" if cov.member_id else "",
                                  cov.member_id, insured.references, ()),
                payer=_payer(self.guide, "2330B", cov.payer), adjudication_date=None if prior is None else prior.date))
        return tuple(out)

    # -- claim --------------------------------------------------------------------------------------------
    def claim(self) -> ProfessionalClaim | InstitutionalClaim:
        enc = self.enc
        subscriber, payer, patient = self.subscriber()
        lines = tuple(self.line(line, n) for n, line in enumerate(enc.lines, 1))
        total = sum((line.charge for line in enc.lines), Decimal(0))
        billed = enc.billed
        refs = [Reference(qualifier=q, value=v) for q, v in (
            ("G1", enc.prior_authorization), ("9F", enc.referral_number), ("F8", enc.original_claim_number),
            ("EA", enc.medical_record_number)) if v]
        amounts = ((Amount(qualifier="F3", amount=enc.patient_estimated_due),)
                   if self.institutional and enc.patient_estimated_due is not None else
                   (Amount(qualifier="F5", amount=enc.patient_paid),)
                   if not self.institutional and enc.patient_paid is not None else ())
        common = dict(
            billing_provider=_billing(self.guide, enc.billing_provider, enc.pay_to_address), subscriber=subscriber, payer=payer, patient=patient,
            patient_control_number=enc.id, total_charge=total,
            facility_code=enc.facility_type if self.institutional else enc.place_of_service,
            facility_code_qualifier="A" if self.institutional else "B", frequency_code=enc.frequency,
            provider_signature="" if self.institutional else enc.provider_signature, assignment=enc.assignment,
            benefits_assignment=billed.benefits_assigned, release_of_information=billed.release_of_information,
            delay_reason=enc.delay_reason, dates=self.claim_dates(),
            attachments=tuple(Attachment(report_type=a.report_type, transmission=a.transmission,
                                         id_qualifier="AC" if a.control_number else "",
                                         control_number=a.control_number) for a in enc.attachments),
            amounts=amounts, references=_references(self.guide, "2300", (*refs, *enc.references)),
            notes=tuple(Note(qualifier=n.qualifier, text=n.text) for n in enc.notes),
            health_care_codes=self.health_care_codes(), providers=_providers(self.guide, enc.providers, "2300"),
            other_payers=self.other_payers(), lines=lines)
        if self.institutional:
            return InstitutionalClaim(**common, admission_type=enc.admission_type,  # type: ignore[arg-type]
                                      admission_source=enc.admission_source, patient_status=enc.patient_status)
        return ProfessionalClaim(**common, patient_signature_source=billed.patient_signature_source,  # type: ignore[arg-type]
                                 related_causes=enc.related_causes, accident_state=enc.accident_state,
                                 accident_country=enc.accident_country, special_program=enc.special_program)

    def claim_dates(self) -> tuple[DateReference, ...]:
        enc = self.enc
        found: list[DateReference] = []
        if self.institutional:
            if enc.discharge_hour:
                found.append(DateReference(qualifier="096", format="TM", time=enc.discharge_hour))
            start, end = enc.statement_from, enc.statement_to
            if (start is None or end is None) and enc.service_period is not None:
                start, end = start or enc.service_period[0], end or enc.service_period[1]
            if start is not None and end is not None:
                found.append(DateReference(qualifier="434", format="RD8", start=start, end=end))
            if enc.admission_date is not None:
                fmt = "DT" if enc.admission_hour else "D8"
                found.append(DateReference(qualifier="435", format=fmt, start=enc.admission_date,
                                           time=enc.admission_hour))
        else:
            for qualifier, day in (("431", enc.onset_date), ("439", enc.accident_date),
                                   ("435", enc.admission_date), ("096", enc.discharge_date)):
                if day is not None:
                    found.append(DateReference(qualifier=qualifier, start=day))
        found += (_dtp(d) for d in enc.dates)
        order = ranks(self.guide, "2300", "DTP")
        found.sort(key=lambda d: order.get(d.qualifier, LAST))
        return tuple(found)

    def health_care_codes(self) -> tuple[HealthCareCode, ...]:
        enc = self.enc
        poa = self.institutional
        codes = [HealthCareCode(qualifier="ABK" if n == 0 else "ABF", code=_icd(d.code),
                                present_on_admission=d.present_on_admission if poa else "")
                 for n, d in enumerate(enc.diagnoses)]
        if self.institutional:
            if enc.admitting_diagnosis:
                codes.append(HealthCareCode(qualifier="ABJ", code=_icd(enc.admitting_diagnosis)))
            codes += (HealthCareCode(qualifier="APR", code=_icd(c)) for c in enc.reason_for_visit)
            codes += (HealthCareCode(qualifier="ABN", code=_icd(d.code), present_on_admission=d.present_on_admission)
                      for d in enc.external_causes)
            if enc.drg:
                codes.append(HealthCareCode(qualifier="DR", code=enc.drg))
            codes += (HealthCareCode(qualifier="BBR" if n == 0 else "BBQ", code=p.code,
                                     date_format="D8" if p.date else "", start=p.date)
                      for n, p in enumerate(enc.procedures))
            codes += (HealthCareCode(qualifier="BI", code=s.code, date_format="RD8", start=s.start, end=s.end)
                      for s in enc.occurrence_spans)
            codes += (HealthCareCode(qualifier="BH", code=o.code, date_format="D8", start=o.date)
                      for o in enc.occurrences)
            codes += (HealthCareCode(qualifier="BE", code=v.code, amount=v.amount) for v in enc.values)
        if enc.icd_version == 9:
            codes = [msgspec.structs.replace(c, qualifier=ICD9.get(c.qualifier, c.qualifier)) for c in codes]
        codes += (HealthCareCode(qualifier="BG", code=c) for c in enc.conditions)
        order = _hi_order(self.guide)
        codes.sort(key=lambda c: order.get(c.qualifier, LAST))
        return tuple(codes)

    # -- lines ----------------------------------------------------------------------------------------------
    def line(self, line: Line, number: int) -> ServiceLine:
        enc, guide = self.enc, self.guide
        day = line.service_date or enc.service_date
        dates: list[DateReference] = [] if day is None else [
            DateReference(qualifier="472", format="RD8", start=day, end=line.service_date_end)
            if line.service_date_end is not None else DateReference(qualifier="472", start=day)]
        if line.dates:
            dates += (_dtp(d) for d in line.dates)
        refs = [ReferenceModel(qualifier=q, value=v) for q, v in (
            ("G1", line.prior_authorization), ("9F", line.referral_number)) if v and has_segment(guide, "2400", "REF", q)] \
            if line.prior_authorization or line.referral_number else []   # 837I lines have no REF*G1 or REF*9F
        refs.append(ReferenceModel(qualifier="6R", value=line.id or f"{enc.id}-{number}"))
        refs += (ReferenceModel(qualifier=r.qualifier, value=r.value) for r in line.references)
        code = line.procedure_code
        service: dict[str, object]
        if self.institutional:
            service = dict(revenue_code=line.revenue_code, procedure_qualifier=line.procedure_qualifier if code else "",
                           non_covered_charge=line.non_covered_charge)
        else:
            service = dict(procedure_qualifier=line.procedure_qualifier, place_of_service=line.place_of_service,
                           diagnosis_pointers=line.diagnosis_pointers, emergency=line.emergency, epsdt=line.epsdt,
                           family_planning=line.family_planning, copay_status=line.copay_status)
        return ServiceLine(
            procedure_code=code, procedure_modifiers=line.modifiers, description=line.description,
            charge=line.charge, unit_basis=line.unit_basis, units=line.units,
            dates=_ordered(guide, "2400", "DTP", dates), references=_ordered(guide, "2400", "REF", refs),
            amounts=_ordered(guide, "2400", "AMT", [Amount(qualifier=a.qualifier, amount=a.amount)
                                                    for a in line.amounts]) if line.amounts else (),
            notes=_ordered(guide, "2400", "NTE", [Note(qualifier=n.qualifier, text=n.text)
                                                  for n in line.notes]) if line.notes else (),
            drug=None if line.drug is None else _drug(line.drug),
            providers=_providers(guide, line.providers, "2400") if line.providers is not None else (),
            adjudications=tuple(_line_payment(line, p) for p in line.prior_payments),
            **service)  # type: ignore[arg-type]


def _ordered(guide: str, loop: str, seg_id: str, items: list[Q]) -> tuple[Q, ...]:
    """Items with a ``qualifier`` in the order the guide gives their segments in ``loop`` (stable)."""
    if len(items) > 1:
        order = ranks(guide, loop, seg_id)
        items.sort(key=lambda item: order.get(item.qualifier, LAST))  # type: ignore[attr-defined]
    return tuple(items)


# -- small mappings ---------------------------------------------------------------------------------------------
_NO_PAT = PatientInformation()


def _patient_information(enc: Encounter, relationship: str) -> PatientInformation:
    p = enc.patient
    return PatientInformation(relationship=relationship, death_date=p.death_date,
                              weight_unit="01" if p.weight is not None else "", weight=p.weight,
                              pregnant="Y" if p.pregnant else "")


def _address(a: Address | None) -> AddressModel | None:
    if a is None:
        return None
    return AddressModel(line1=a.line1, line2=a.line2, city=a.city, state=a.state, postal_code=a.postal_code,
                        country=a.country, country_subdivision=a.country_subdivision)


def _contact(c: Contact, positions: tuple[frozenset[str], ...]) -> ContactModel:
    """PER with the contact's numbers in the order phone, extension, fax, email, each at the first free position
    (PER03, 05, 07) the loop's guide allows it; a number the loop cannot carry (an email in 2010CA) is not sent."""
    waiting = [(q, v) for q, v in (("TE", c.phone), ("EX", c.phone_extension), ("FX", c.fax), ("EM", c.email)) if v]
    channels = []
    for codes in positions:
        found = next((item for item in waiting if item[0] in codes), None)
        if found is None:
            break
        waiting.remove(found)
        channels.append(found)
    return ContactModel(function="IC", name=c.name, channels=tuple(channels))


def _dtp(d: DateEntry) -> DateReference:
    if d.end is not None:
        return DateReference(qualifier=d.qualifier, format="RD8", start=d.date, end=d.end)
    return DateReference(qualifier=d.qualifier, start=d.date)


def _adjustment(a: e.Adjustment) -> Adjustment:
    return Adjustment(group=a.group, reason=a.reason, amount=a.amount, quantity=a.quantity)


def _icd(code: str) -> str:
    """An ICD-10 code as X12 carries it: without its dot."""
    return code.replace(".", "") if "." in code else code


@functools.cache
def _hi_order(guide: str) -> dict[str, int]:
    from edi.models._write_837 import hi_groups
    return {qualifier: index for qualifier, (index, _) in hi_groups(guide).items()}


def _drug(d: e.Drug) -> Drug:
    refs = tuple(ReferenceModel(qualifier=q, value=v) for q, v in (
        ("XZ", d.prescription_number), ("VY", d.link_sequence_number)) if v)
    return Drug(qualifier="N4", code=d.ndc, unit_price=d.unit_price, quantity=d.quantity, unit=d.unit,
                references=refs)


def _line_payment(line: Line, p: LinePayment) -> LineAdjudication:
    own = bool(p.procedure_code)
    return LineAdjudication(
        payer_id=p.payer_id, paid_amount=p.paid,
        procedure_qualifier=p.procedure_qualifier or (line.procedure_qualifier if line.procedure_code else ""),
        procedure_code=p.procedure_code if own else line.procedure_code,
        procedure_modifiers=p.modifiers if own else line.modifiers,
        description=p.description if own else line.description, revenue_code=p.revenue_code, paid_units=p.units,
        bundled_line=p.bundled_line, adjustments=tuple(_adjustment(a) for a in p.adjustments),
        adjudication_date=p.date, remaining_patient_liability=p.remaining_patient_liability)


# -- transactions -----------------------------------------------------------------------------------------------
def transactions(claims: Iterable[Claim], *, submitter: Party, receiver: Party, created: datetime,
                 max_claims: int = MAX_CLAIMS, max_held: int | None = None,
                 batch_id: str = "") -> Iterator[ClaimTransaction]:
    """837 transactions holding the claims: one claim type and one billing provider each, at most ``max_claims``.

    ``submitter`` and ``receiver`` are the 1000A (NM1*41 with its PER) and 1000B (NM1*40) parties, ``created``
    gives BHT04/BHT05; ``batch_id`` (BHT03, echoed by the 999 and 277CA) gets the transaction's number appended.
    Claims wait per (claim type, billing provider) until that group is full. Memory is bounded by ``max_held``
    claims waiting in all groups together (default ``max_claims``): when it is reached the largest group goes
    out early, so input interleaving many providers gives more, smaller transactions rather than more memory
    (sorted input gives full ones). What is left comes at the end, in order of each group's first claim.
    """
    if max_claims < 1:
        raise ValueError(f"max_claims must be at least 1, got {max_claims}")
    limit = max(max_held if max_held is not None else max_claims, 1)
    open_groups: dict[tuple[bool, BillingProvider], list[Claim]] = {}
    header = _Header(submitter, receiver, created, batch_id)
    held = 0
    for claim in claims:
        key = (claim.INSTITUTIONAL, claim.billing_provider)
        group = open_groups.setdefault(key, [])
        group.append(claim)
        held += 1
        if len(group) >= max_claims:
            held -= len(group)
            yield header.transaction(open_groups.pop(key))
        elif held >= limit:
            largest = max(open_groups, key=lambda k: len(open_groups[k]))
            held -= len(open_groups[largest])
            yield header.transaction(open_groups.pop(largest))
    for group in open_groups.values():
        yield header.transaction(group)


class _Header:
    """BHT and 1000A/1000B of the transactions of one call, numbered as they are made."""

    def __init__(self, submitter: Party, receiver: Party, created: datetime, batch_id: str) -> None:
        self.submitter, self.receiver, self.created, self.batch_id = submitter, receiver, created, batch_id
        self.count = 0

    def transaction(self, claims: list[Claim]) -> ClaimTransaction:
        self.count += 1
        cls = InstitutionalClaimTransaction if claims[0].INSTITUTIONAL else ProfessionalClaimTransaction
        return cls(originator_id=f"{self.batch_id}{self.count:04d}", creation_date=self.created.date(),
                   creation_time=self.created.strftime("%H%M"), transaction_type="CH",
                   submitter=self.submitter, receiver=self.receiver, claims=tuple(claims))  # type: ignore[arg-type]
