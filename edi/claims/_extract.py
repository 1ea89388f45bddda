"""837 claim models → encounters: what a clearinghouse receives from a practice, in the encounter's terms.

:func:`encounter_of` maps one claim (:class:`ProfessionalClaim` or :class:`InstitutionalClaim`, with its billing
provider, subscriber, payer and patient) to an :class:`Encounter` that builds back into an equal claim wherever the
encounter has a field for what the claim carries. :func:`extract` reads a file claim by claim (flat memory) and
says, for each claim, what its encounter does not carry: it builds the encounter back and compares the two claim
models, so nothing is dropped without a word (``Extracted.uncarried``: model paths such as ``extra[CR1]``,
``contract``, ``lines[].references[XZ].description``).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import msgspec

from edi.claims import encounter as e
from edi.claims._build import ICD9, RESPONSIBILITY, claim_of
from edi.claims._guide import ENTITY_ROLE
from edi.models._base import Source as ModelSource
from edi.models._io import iter_claims
from edi.models.claim import (Claim, DateReference, HealthCareCode, InstitutionalClaim, LineAdjudication,
                              OtherPayer, PatientInformation, ProfessionalClaim, ServiceLine)
from edi.models.claim import Person as PersonModel
from edi.models.claim import Provider as ProviderModel
from edi.models.common import Address, Contact, Party
from edi.x12 import Source

ICD10 = {nine: ten for ten, nine in ICD9.items()}
_CHANNELS = {"TE": "phone", "EX": "phone_extension", "FX": "fax", "EM": "email"}
_SKIP = frozenset({"source"})


@dataclass(frozen=True, slots=True)
class Extracted:
    """One claim of a file as an encounter, with what the encounter does not carry (empty: it round-trips)."""

    encounter: e.Encounter
    uncarried: tuple[str, ...]       # model paths that differ when the encounter is built back (sorted, unique)
    numbered: tuple[int, ...] = ()   # lines (1-based) that had no REF*6R: building gives them one
    source: ModelSource | None = None  # where the claim was read: control numbers, segment index of its CLM


def extract(source: Source, *, name: str | None = None) -> Iterator[Extracted]:
    """Every 837P/837I claim of a file (Path, bytes or binary stream) as an encounter, one at a time; other
    transactions are skipped."""
    for claim in iter_claims(source, name=name):
        if isinstance(claim, Claim):
            enc = encounter_of(claim)
            rebuilt = claim_of(enc)
            added = tuple(n for n, line in enumerate(claim.lines, 1) if line.line_item_control_number is None)
            yield Extracted(enc, uncarried(claim, without_control_numbers(rebuilt, added)), added, claim.source)


@dataclass
class ExtractSummary:
    """What extracting a file gave: claims, how many round-trip exactly, what the others do not carry."""

    claims: int = 0
    exact: int = 0
    numbered: int = 0                                  # lines that had no REF*6R and get one when built
    uncarried: Counter[str] = field(default_factory=Counter)   # model path → claims

    def tally(self, found: Iterable[Extracted]) -> Iterator[e.Encounter]:
        """The encounters, counted as they pass."""
        for item in found:
            self.claims += 1
            self.exact += not item.uncarried
            self.numbered += len(item.numbered)
            self.uncarried.update(item.uncarried)
            yield item.encounter

    def __str__(self) -> str:
        text = f"{self.claims} claim(s), {self.exact} carried whole"
        if self.numbered:
            text += f"; {self.numbered} line(s) without REF*6R get one when built"
        if self.uncarried:
            text += "; not carried: " + ", ".join(f"{path} ({n})" for path, n in sorted(self.uncarried.items()))
        return text


def without_control_numbers(claim: Claim, lines: tuple[int, ...]) -> Claim:
    """The claim with the REF*6R of the given lines (1-based) left out."""
    if not lines:
        return claim
    fixed = tuple(msgspec.structs.replace(line, references=tuple(r for r in line.references if r.qualifier != "6R"))
                  if n in lines else line for n, line in enumerate(claim.lines, 1))
    return msgspec.structs.replace(claim, lines=fixed)


def encounter_of(claim: Claim) -> e.Encounter:
    """The encounter a claim carries (see the module docstring for what it leaves out)."""
    return _defaults_shared(_Extractor(claim).encounter())


def _defaults_shared(value: Any) -> Any:
    """The value with every string field equal to its default replaced by the default itself: msgspec leaves a
    field out of JSON (``omit_defaults``) only when it *is* the default, and strings read from a file are
    equal to it but not the same object."""
    if isinstance(value, msgspec.Struct):
        changes = {}
        for name, default in _string_defaults(type(value)):
            current = getattr(value, name)
            if current == default and current is not default:
                changes[name] = default
        for name in value.__struct_fields__:
            current = getattr(value, name)
            if isinstance(current, (msgspec.Struct, tuple)) and current:
                fixed = _defaults_shared(current)
                if fixed is not current:
                    changes[name] = fixed
        return msgspec.structs.replace(value, **changes) if changes else value
    if isinstance(value, tuple) and value and isinstance(value[0], msgspec.Struct):
        fixed = tuple(_defaults_shared(v) for v in value)
        return fixed if any(a is not b for a, b in zip(fixed, value)) else value
    return value


@functools.cache
def _string_defaults(cls: type) -> tuple[tuple[str, str], ...]:
    return tuple((f.name, f.default) for f in msgspec.structs.fields(cls) if isinstance(f.default, str) and f.default)


def uncarried(original: Claim, rebuilt: Claim) -> tuple[str, ...]:
    """Where two claim models differ (``source`` aside), as model paths with list items named by their key."""
    return tuple(sorted(set(differences(original, rebuilt))))


def differences(a: object, b: object, path: str = "") -> Iterator[str]:
    if a is b:
        return
    if isinstance(a, msgspec.Struct) and type(a) is type(b):
        for name in a.__struct_fields__:
            if name not in _SKIP:
                yield from differences(getattr(a, name), getattr(b, name), f"{path}.{name}" if path else name)
        return
    if isinstance(a, tuple) and isinstance(b, tuple) and (not a or isinstance(a[0], msgspec.Struct)) and \
            (not b or isinstance(b[0], msgspec.Struct)):
        for n in range(max(len(a), len(b))):
            x, y = (a[n] if n < len(a) else None), (b[n] if n < len(b) else None)
            item = f"{path}[{_key(x if x is not None else y)}]"
            if x is None or y is None:
                yield item
            else:
                yield from differences(x, y, item)
        return
    if a != b:
        yield path


def _key(item: object) -> str:
    for attr in ("qualifier", "entity", "elements"):
        value = getattr(item, attr, None)
        if value:
            return value[0] if attr == "elements" else value
    party = getattr(item, "party", None)
    return party.entity if party is not None else ""


class _Extractor:
    def __init__(self, claim: Claim) -> None:
        self.claim = claim
        self.institutional = isinstance(claim, InstitutionalClaim)

    def encounter(self) -> e.Encounter:
        c = self.claim
        patient, coverages, billed = self.coverages()
        fields: dict[str, Any] = {}
        self.dates(c.dates, fields)
        self.codes(c.health_care_codes, fields)
        refs = list(c.references)
        for qualifier, name in (("G1", "prior_authorization"), ("9F", "referral_number"),
                                ("F8", "original_claim_number"), ("EA", "medical_record_number")):
            found = next((r for r in refs if r.qualifier == qualifier and not r.description), None)
            if found is not None:
                refs.remove(found)
                fields[name] = found.value
        for a in c.amounts:
            if a.qualifier == ("F3" if self.institutional else "F5"):
                fields["patient_estimated_due" if self.institutional else "patient_paid"] = a.amount
        if isinstance(c, InstitutionalClaim):
            fields.update(facility_type=c.facility_code, admission_type=c.admission_type,
                          admission_source=c.admission_source, patient_status=c.patient_status)
        else:
            assert isinstance(c, ProfessionalClaim)
            fields.update(place_of_service=c.facility_code, related_causes=c.related_causes,
                          accident_state=c.accident_state, accident_country=c.accident_country,
                          special_program=c.special_program, provider_signature=c.provider_signature)
        lines = tuple(self.line(line, n) for n, line in enumerate(c.lines, 1))
        return e.Encounter(
            id=c.patient_control_number, claim_type="institutional" if self.institutional else "professional",
            patient=patient, coverages=coverages, billed_coverage=billed, billing_provider=self.billing(),
            pay_to_address=_address(c.billing_provider.pay_to_address.address)
            if c.billing_provider.pay_to_address is not None else None,
            providers=self.providers(c.providers), frequency=c.frequency_code, lines=_lines(lines, c),
            references=_references(refs),
            attachments=tuple(e.Attachment(report_type=a.report_type, transmission=a.transmission,
                                           control_number=a.control_number) for a in c.attachments),
            notes=tuple(e.Note(qualifier=n.qualifier, text=n.text) for n in c.notes), delay_reason=c.delay_reason,
            assignment=c.assignment, **fields)

    # -- people and coverages ---------------------------------------------------------------------------------
    def coverages(self) -> tuple[e.Patient, tuple[e.Coverage, ...], int]:
        c = self.claim
        sub = c.subscriber
        member = sub.member
        if c.patient is None:
            patient = _patient(member, sub.patient_information)
            relationship, insured = "18", None
        else:
            patient = _patient(c.patient.person, c.patient)
            relationship, insured = c.patient.relationship, _person(member) if member is not None else None
        billed = e.Coverage(
            payer=_payer(c.payer), member_id=member.name.id if member is not None else "",
            responsibility=sub.payer_responsibility, relationship=relationship, subscriber=insured,
            group_number=sub.group_number, group_name=sub.group_name, insurance_type=sub.insurance_type,
            claim_filing_indicator=sub.claim_filing_indicator, benefits_assigned=c.benefits_assignment,
            release_of_information=c.release_of_information,
            patient_signature_source=getattr(c, "patient_signature_source", ""))
        items = [billed, *(self.other(o, patient) for o in c.other_payers)]
        order = sorted(range(len(items)), key=lambda n: _rank(items[n].responsibility))  # stable: file order kept
        ordered = tuple(msgspec.structs.replace(items[i], responsibility="") if n < len(RESPONSIBILITY) and
                        items[i].responsibility == RESPONSIBILITY[n] else items[i] for n, i in enumerate(order))
        return patient, ordered, order.index(0) + 1

    def other(self, o: OtherPayer, patient: e.Patient) -> e.Coverage:
        prior = None
        if o.amounts or o.adjustments or o.adjudication_date is not None:
            amounts = {a.qualifier: a.amount for a in o.amounts}
            prior = e.PriorPayment(paid=amounts.get("D"), non_covered=amounts.get("A8"),
                                   remaining_patient_liability=amounts.get("EAF"), date=o.adjudication_date,
                                   adjustments=tuple(e.Adjustment(group=a.group, reason=a.reason, amount=a.amount,
                                                                  quantity=a.quantity) for a in o.adjustments))
        s = o.subscriber
        subscriber = None
        if s is not None and not (o.relationship == "18" and _names_patient(s, patient)):
            subscriber = _person_of_party(s)
        return e.Coverage(
            payer=_payer(o.payer), member_id=s.id if s is not None else "", responsibility=o.payer_responsibility,
            relationship=o.relationship, subscriber=subscriber, group_number=o.group_number,
            group_name=o.group_name, insurance_type=o.insurance_type, claim_filing_indicator=o.claim_filing_indicator,
            benefits_assigned=o.benefits_assignment, release_of_information=o.release_of_information,
            patient_signature_source=o.patient_signature_source, prior_payment=prior)

    # -- providers ------------------------------------------------------------------------------------------
    def billing(self) -> e.Provider:
        b = self.claim.billing_provider
        if b.provider is None:
            return e.Provider()
        return _provider(b.provider, b.taxonomy, tax_ids=True)

    def providers(self, given: tuple[ProviderModel, ...]) -> e.Providers:
        roles: dict[str, e.Provider] = {}
        for p in given:
            role = ENTITY_ROLE.get(p.party.entity)
            if role is not None and role not in roles:
                roles[role] = _provider(p.party, p.taxonomy)
        return e.Providers(**roles)

    # -- dates and codes --------------------------------------------------------------------------------------
    def dates(self, dates: tuple[DateReference, ...], fields: dict[str, Any]) -> None:
        others = []
        for d in dates:
            q, fmt = d.qualifier, d.format
            if self.institutional and q == "096" and fmt == "TM" and "discharge_hour" not in fields:
                fields["discharge_hour"] = d.time
            elif self.institutional and q == "434" and fmt == "RD8" and "statement_from" not in fields:
                fields.update(statement_from=d.start, statement_to=d.end)
            elif self.institutional and q == "435" and fmt in ("DT", "D8") and "admission_date" not in fields:
                fields.update(admission_date=d.start, admission_hour=d.time)
            elif not self.institutional and fmt == "D8" and q in _PROFESSIONAL_DATES and \
                    _PROFESSIONAL_DATES[q] not in fields:
                fields[_PROFESSIONAL_DATES[q]] = d.start
            elif fmt in ("D8", "RD8") and d.start is not None:
                others.append(e.DateEntry(qualifier=q, date=d.start, end=d.end if fmt == "RD8" else None))
        fields["dates"] = tuple(others)

    def codes(self, codes: tuple[HealthCareCode, ...], fields: dict[str, Any]) -> None:
        diagnoses: list[e.Diagnosis] = []
        lists: dict[str, list[Any]] = {}
        for c in codes:
            q = c.qualifier
            if q in ICD10:
                q = ICD10[q]
                fields["icd_version"] = 9
            if q in ("ABK", "ABF"):
                item = e.Diagnosis(code=c.code, present_on_admission=c.present_on_admission)
                diagnoses.insert(0, item) if q == "ABK" else diagnoses.append(item)
            elif q == "ABJ":
                fields["admitting_diagnosis"] = c.code
            elif q == "DR":
                fields["drg"] = c.code
            elif q in _CODE_LISTS:
                name, make = _CODE_LISTS[q]
                lists.setdefault(name, []).append(make(c))
        fields["diagnoses"] = tuple(diagnoses)
        fields.update({name: tuple(items) for name, items in lists.items()})

    # -- lines ------------------------------------------------------------------------------------------------
    def line(self, line: ServiceLine, number: int) -> e.Line:
        fields: dict[str, Any] = {}
        others = []
        for d in line.dates:
            if d.qualifier == "472" and d.format in ("D8", "RD8") and "service_date" not in fields:
                fields["service_date"] = d.start
                if d.format == "RD8":
                    fields["service_date_end"] = d.end
            elif d.format in ("D8", "RD8") and d.start is not None:
                others.append(e.DateEntry(qualifier=d.qualifier, date=d.start, end=d.end if d.format == "RD8" else None))
        refs = list(line.references)
        for qualifier, name in (("G1", "prior_authorization"), ("9F", "referral_number"), ("6R", "id")):
            found = next((r for r in refs if r.qualifier == qualifier and not r.description), None)
            if found is not None:
                refs.remove(found)
                fields[name] = found.value
        if line.drug is not None:
            fields["drug"] = _drug(line.drug)
        if line.providers:
            fields["providers"] = self.providers(line.providers)
        return e.Line(
            procedure_code=line.procedure_code, procedure_qualifier=line.procedure_qualifier or "HC",
            modifiers=line.procedure_modifiers, description=line.description, revenue_code=line.revenue_code,
            charge=line.charge if line.charge is not None else _ZERO, units=line.units if line.units is not None
            else _ONE, unit_basis=line.unit_basis, place_of_service=line.place_of_service,
            diagnosis_pointers=line.diagnosis_pointers, non_covered_charge=line.non_covered_charge,
            emergency=line.emergency, epsdt=line.epsdt, family_planning=line.family_planning,
            copay_status=line.copay_status, references=_references(refs), dates=tuple(others),
            amounts=tuple(e.AmountEntry(qualifier=a.qualifier, amount=a.amount) for a in line.amounts),
            notes=tuple(e.Note(qualifier=n.qualifier, text=n.text) for n in line.notes),
            prior_payments=tuple(_line_payment(line, a) for a in line.adjudications), **fields)


# -- value mappings ---------------------------------------------------------------------------------------------
_PROFESSIONAL_DATES = {"431": "onset_date", "439": "accident_date", "435": "admission_date",
                       "096": "discharge_date"}
_CODE_LISTS: dict[str, tuple[str, Any]] = {
    "APR": ("reason_for_visit", lambda c: c.code),
    "ABN": ("external_causes", lambda c: e.Diagnosis(code=c.code, present_on_admission=c.present_on_admission)),
    "BBR": ("procedures", lambda c: e.InpatientProcedure(code=c.code, date=c.start)),
    "BBQ": ("procedures", lambda c: e.InpatientProcedure(code=c.code, date=c.start)),
    "BI": ("occurrence_spans", lambda c: e.OccurrenceSpan(code=c.code, start=c.start, end=c.end)),
    "BH": ("occurrences", lambda c: e.Occurrence(code=c.code, date=c.start)),
    "BE": ("values", lambda c: e.ValueCode(code=c.code, amount=c.amount)),
    "BG": ("conditions", lambda c: c.code),
}
_ZERO, _ONE = Decimal(0), Decimal(1)


def _rank(responsibility: str) -> int:
    index = RESPONSIBILITY.find(responsibility)
    return index if index >= 0 else len(RESPONSIBILITY)


def _lines(lines: tuple[e.Line, ...], claim: Claim) -> tuple[e.Line, ...]:
    """Line ids equal to the derived default (``<CLM01>-<n>``) are left empty."""
    pcn = claim.patient_control_number
    return tuple(msgspec.structs.replace(line, id="") if line.id == f"{pcn}-{n}" else line
                 for n, line in enumerate(lines, 1))


def _address(a: Address | None) -> e.Address | None:
    if a is None:
        return None
    return e.Address(line1=a.line1, line2=a.line2, city=a.city, state=a.state, postal_code=a.postal_code,
                     country=a.country, country_subdivision=a.country_subdivision)


def _contact(c: Contact) -> e.Contact:
    fields = {_CHANNELS[q]: v for q, v in c.channels if q in _CHANNELS}
    return e.Contact(name=c.name, **fields)


def _references(refs: Any) -> tuple[e.Reference, ...]:
    return tuple(e.Reference(qualifier=r.qualifier, value=r.value) for r in refs)


def _person_of_party(p: Party, birth_date: Any = None, sex: str = "") -> e.Person:
    return e.Person(last_name=p.last_name, first_name=p.first_name, middle_name=p.middle_name, suffix=p.suffix,
                    birth_date=birth_date, sex=sex, address=_address(p.address),
                    contact=_contact(p.contacts[0]) if p.contacts else None, references=_references(p.references))


def _person(p: PersonModel) -> e.Person:
    return _person_of_party(p.name, p.birth_date, p.gender)


def _patient(p: PersonModel | None, info: PatientInformation | None) -> e.Patient:
    base = _person(p) if p is not None else e.Person(last_name="")
    fields = {f: getattr(base, f) for f in base.__struct_fields__}
    if info is not None:
        fields.update(death_date=info.death_date, weight=info.weight, pregnant=info.pregnant == "Y")
    return e.Patient(**fields)


def _names_patient(party: Party, patient: e.Patient) -> bool:
    """Whether a 2330A name is what building from the patient gives (so the coverage needs no subscriber)."""
    return (party.last_name, party.first_name, party.middle_name, party.suffix, _address(party.address),
            _references(party.references)) == (patient.last_name, patient.first_name, patient.middle_name,
                                               patient.suffix, patient.address, patient.references) \
        and party.entity_type == "1" and not party.contacts


def _payer(p: Party | None) -> e.Payer:
    if p is None:
        return e.Payer(name="", id="")
    return e.Payer(name=p.last_name, id=p.id, id_qualifier=p.id_qualifier, address=_address(p.address),
                   references=_references(p.references))


def _provider(p: Party, taxonomy: str, tax_ids: bool = False) -> e.Provider:
    refs = list(p.references)
    fields: dict[str, Any] = {}
    if tax_ids:
        found = next((r for r in refs if r.qualifier in ("EI", "SY")), None)
        if found is not None:
            refs.remove(found)
            fields.update(tax_id=found.value, tax_id_type=found.qualifier)
    kind = "1" if p.first_name else "2"
    return e.Provider(npi=p.id if p.id_qualifier == "XX" else "", name=p.last_name, first_name=p.first_name,
                      middle_name=p.middle_name, suffix=p.suffix,
                      entity_type="" if p.entity_type == kind else p.entity_type, taxonomy=taxonomy,
                      address=_address(p.address), contacts=tuple(_contact(c) for c in p.contacts),
                      references=_references(refs), **fields)


def _drug(d: Any) -> e.Drug:
    refs = {r.qualifier: r.value for r in d.references}
    return e.Drug(ndc=d.code, quantity=d.quantity, unit=d.unit, unit_price=d.unit_price,
                  prescription_number=refs.get("XZ", ""), link_sequence_number=refs.get("VY", ""))


def _line_payment(line: ServiceLine, a: LineAdjudication) -> e.LinePayment:
    same = (a.procedure_code, a.procedure_modifiers, a.description) == (
        line.procedure_code, line.procedure_modifiers, line.description)
    qualifier_same = a.procedure_qualifier == (line.procedure_qualifier if line.procedure_code else "")
    return e.LinePayment(
        payer_id=a.payer_id, paid=a.paid_amount if a.paid_amount is not None else _ZERO,
        procedure_code="" if same else a.procedure_code, procedure_qualifier="" if qualifier_same else
        a.procedure_qualifier, modifiers=() if same else a.procedure_modifiers,
        description="" if same else a.description, revenue_code=a.revenue_code, units=a.paid_units,
        bundled_line=a.bundled_line, date=a.adjudication_date,
        remaining_patient_liability=a.remaining_patient_liability,
        adjustments=tuple(e.Adjustment(group=x.group, reason=x.reason, amount=x.amount, quantity=x.quantity)
                          for x in a.adjustments))
