"""Billing edits: what the implementation guides and the payer require on the claim, charges, the claim id, claim
frequency, duplicates of what was already submitted, timely filing and place of service. Who fixes them: the
biller (claim data), or registration (demographics)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from edi.claims.encounter import Address, Encounter
from edi.claims.scrub._context import References
from edi.claims.scrub._edit import Hit, RootCause, edit
from edi.claims.scrub._facts import claim_date, service_keys
from edi.validate import Severity
from edi.validate.codesets import CodeStatus, place_of_service

BILLING = RootCause.BILLING
WARN_DAYS = 15           # timely filing: a warning this many days before the limit


def _missing(value: Any) -> bool:
    return value is None or value == "" or value == ()


def _address_gaps(address: Address | None, path: str) -> Iterator[str]:
    if address is None:
        yield f"{path}"
        return
    for part in ("line1", "city", "state", "postal_code"):
        if not getattr(address, part) and not (address.country and part in ("state", "postal_code")):
            yield f"{path}.{part}"


def _resolve(enc: Encounter, path: str) -> Any:
    value: Any = enc
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


@edit("billing.required", root_cause=BILLING, prevents="CO-16",
      data="005010X222A1/X223A2 required elements; payer profile",
      profile_keys=("required",))
def required(enc: Encounter, refs: References) -> Iterator[Hit]:
    """What the guides require: the patient's date of birth, sex and address, the billing provider's NPI, street
    address and tax id, the billed member id, the place of service and each line's procedure (837P) or the type
    of bill and each line's revenue code (837I); and what the payer's profile adds (``required``)."""
    guide = "005010X222A1" if not enc.institutional else "005010X223A2"
    wanted: list[tuple[str, str]] = []
    patient = enc.patient
    if patient.birth_date is None:
        wanted.append(("patient.birth_date", "the patient's date of birth (DMG02)"))
    if patient.sex not in ("F", "M", "U"):
        wanted.append(("patient.sex", "the patient's sex as F, M or U (DMG03)"))
    wanted += [(p, "the patient's address (N3/N4)") for p in _address_gaps(patient.address, "patient.address")]
    billing = enc.billing_provider
    if not billing.npi:
        wanted.append(("billing_provider.npi", "the billing provider's NPI (2010AA NM109)"))
    if not billing.tax_id:
        wanted.append(("billing_provider.tax_id", "the billing provider's tax id (2010AA REF*EI)"))
    wanted += [(p, "the billing provider's street address (2010AA N3/N4)")
               for p in _address_gaps(billing.address, "billing_provider.address")]
    n = enc.billed_coverage - 1
    if not enc.billed.member_id:
        wanted.append((f"coverages[{n}].member_id", "the subscriber's member id (2010BA NM109)"))
    if enc.institutional and not enc.facility_type:
        wanted.append(("facility_type", "the type of bill (CLM05-1)"))
    if not enc.institutional and not enc.place_of_service:
        wanted.append(("place_of_service", "the place of service (CLM05-1)"))
    for n, line in enumerate(enc.lines):
        if enc.institutional and not line.revenue_code:
            wanted.append((f"lines[{n}].revenue_code", "every line's revenue code (SV201)"))
        if not enc.institutional and not line.procedure_code:
            wanted.append((f"lines[{n}].procedure_code", "every line's procedure code (SV101-2)"))
    for path, what in wanted:
        yield Hit(f"{path} is missing: {guide} requires {what}; add it", path, source=guide)
    profile = refs.profile(enc.billed.payer.id)
    for path in profile.required:
        if _missing(_resolve(enc, path)):
            yield Hit(f"{path} is missing: {profile.name} requires it on every claim; add it", path,
                      source=profile.label)


@edit("billing.member_id.pattern", root_cause=BILLING, prevents="CO-31", data="payer profile",
      profile_keys=("member_id_pattern", "member_id_format"))
def member_id_pattern(enc: Encounter, refs: References) -> Iterator[Hit]:
    """The member id has the payer's format (``member_id_pattern``): a wrong one is a patient the payer cannot
    identify."""
    for n, cov in enumerate(enc.coverages):
        profile = refs.profile(cov.payer.id)
        pattern = profile.member_id_pattern
        if pattern is not None and cov.member_id and not pattern.fullmatch(cov.member_id):
            shape = profile.member_id_format or f"the pattern {pattern.pattern}"
            yield Hit(f"coverages[{n}].member_id does not have {profile.name}'s member id format ({shape}); copy "
                      "it from the patient's current card", f"coverages[{n}].member_id", source=profile.label)


def _zip_targets(enc: Encounter, roles: tuple[str, ...]) -> Iterator[tuple[str, Address | None]]:
    for role in roles:
        if role == "billing_provider":
            yield "billing_provider.address", enc.billing_provider.address
        elif role == "service_facility":
            facility = enc.providers.service_facility
            yield "providers.service_facility.address", facility.address if facility else None
            for n, line in enumerate(enc.lines):
                own = line.providers.service_facility if line.providers else None
                yield f"lines[{n}].providers.service_facility.address", own.address if own else None
        elif role == "pay_to":
            yield "pay_to_address", enc.pay_to_address
        elif role == "patient":
            yield "patient.address", enc.patient.address
        elif role == "subscriber":
            for n, cov in enumerate(enc.coverages):
                yield f"coverages[{n}].subscriber.address", cov.subscriber.address if cov.subscriber else None


@edit("billing.zip9", root_cause=BILLING, prevents="CO-16",
      data="005010X222A1/X223A2 2010AA and service facility N403; payer profile", profile_keys=("zip9",))
def zip9(enc: Encounter, refs: References) -> Iterator[Hit]:
    """A US billing provider or service facility address carries the nine-digit ZIP code (ZIP+4), as the guides
    require (a payer profile may ask it of other addresses too: ``zip9``)."""
    profile = refs.profile(enc.billed.payer.id)
    roles = tuple(dict.fromkeys(("billing_provider", "service_facility", *profile.zip9)))
    for path, address in _zip_targets(enc, roles):
        if address is None or address.country not in ("", "US") or not address.postal_code:
            continue
        code = address.postal_code.replace("-", "")
        if not (len(code) == 9 and code.isdigit()):
            yield Hit(f"{path}.postal_code {address.postal_code!r} is not a nine-digit ZIP code; add the four-digit "
                      "extension (ZIP+4)", f"{path}.postal_code", source="005010X222A1 N403")


@edit("billing.charge.not_positive", root_cause=BILLING, prevents="CO-16", data="005010X222A1 SV102 / X223A2 SV203")
def charge_positive(enc: Encounter, refs: References) -> Iterator[Hit]:
    """Every line's charge is more than zero (a zero charge is rejected or paid at zero)."""
    for n, line in enumerate(enc.lines):
        if line.charge <= 0:
            yield Hit(f"lines[{n}].charge is {line.charge}; bill the line's full charge (more than 0)",
                      f"lines[{n}].charge", n)


@edit("billing.clm01.too_long", root_cause=BILLING, prevents="CO-16", data="payer profile (default 20)",
      profile_keys=("max_claim_id_length",))
def claim_id_length(enc: Encounter, refs: References) -> Iterator[Hit]:
    """The encounter id (CLM01) is at most 20 characters: payers keep 20, and a cut id no longer matches the
    remittance."""
    limit = refs.profile(enc.billed.payer.id).max_claim_id_length
    if len(enc.id) > limit:
        yield Hit(f"id {enc.id!r} has {len(enc.id)} characters; payers keep {limit} (CLM01), so the remittance "
                  f"would not match: use an id of at most {limit}", "id")


@edit("billing.frequency.original_missing", root_cause=BILLING, prevents="CO-16",
      data="005010X222A1 2300 REF*F8 (payer claim control number)")
def original_claim_number(enc: Encounter, refs: References) -> Iterator[Hit]:
    """A replacement (frequency 7) or void (8) names the payer's claim number of the claim it corrects."""
    if enc.frequency in ("7", "8") and not enc.original_claim_number:
        kind = "replacement" if enc.frequency == "7" else "void"
        yield Hit(f"frequency {enc.frequency} ({kind}) needs original_claim_number, the payer's claim number of the "
                  "claim it corrects (REF*F8, from the remittance); add it, or send frequency 1",
                  "original_claim_number")


@edit("billing.duplicate", root_cause=BILLING, prevents="OA-18",
      data="the ledger (claims submitted and not denied); the batch")
def duplicate(enc: Encounter, refs: References) -> Iterator[Hit]:
    """The same service (patient, rendering provider, date of service, procedure) was already submitted and not
    denied (by the ledger), or is billed by an earlier encounter of this batch that is not held. Replacements and
    voids (frequency 7, 8) are exempt."""
    if enc.frequency in ("7", "8"):
        return
    from edi.ledger import ServiceKey
    reported: set[int] = set()
    for n, key in service_keys(enc, refs.as_of):
        earlier = refs.batch.first(key)
        if earlier is not None and earlier != enc.id and n not in reported:
            reported.add(n)
            yield Hit(f"lines[{n}] {key[3]} on {key[2]} for this patient and provider is also billed by encounter "
                      f"{earlier} in this batch; bill it once", f"lines[{n}].procedure_code", n, "this batch")
        if n in reported:
            continue
        for found in refs.duplicates(ServiceKey(*key)):
            again = "this claim was" if found.patient_control_number == enc.id else \
                f"claim {found.patient_control_number} was"
            reported.add(n)
            yield Hit(f"lines[{n}] {key[3]} on {key[2]}: {again} already submitted ({found.status.value}, "
                      f"{found.submitted_at:%Y-%m-%d}, interchange {found.interchange_control_number}); do not bill "
                      "it again — send a replacement (frequency 7) to correct it", f"lines[{n}].procedure_code", n,
                      "ledger")
            break


def _filing_start(enc: Encounter, as_of: date) -> tuple[date, str]:
    """The day timely filing counts from, and what it is."""
    n = enc.billed_coverage - 1
    if n > 0:
        prior = enc.coverages[n - 1].prior_payment
        if prior is not None and prior.date is not None:
            return prior.date, "the prior payer's adjudication"
    period = enc.service_period
    if enc.institutional and period:
        return period[1], "the last day of service"
    return claim_date(enc, as_of), "the date of service"


@edit("billing.timely_filing", root_cause=BILLING, prevents="CO-29", data="payer profile",
      profile_keys=("timely_filing_days",))
def timely_filing(enc: Encounter, refs: References) -> Iterator[Hit]:
    """The claim reaches the payer within its filing limit (``timely_filing_days``): past it an error, within
    15 days of it a warning."""
    profile = refs.profile(enc.billed.payer.id)
    days = profile.timely_filing_days
    if days is None:
        return
    start, what = _filing_start(enc, refs.as_of)
    deadline = start + timedelta(days=days)
    if refs.as_of > deadline:
        yield Hit(f"{what} {start} is {(refs.as_of - start).days} days before {refs.as_of}: past {profile.name}'s "
                  f"{days}-day filing limit ({deadline}); submit only with proof of timely filing or a delay reason "
                  "(delay_reason)", "service_date", source=profile.label)
    elif refs.as_of > deadline - timedelta(days=WARN_DAYS):
        yield Hit(f"{profile.name}'s {days}-day filing limit from {what} {start} ends on {deadline}; submit now",
                  "service_date", source=profile.label, severity=Severity.WARNING)


@edit("billing.pos.not_effective", root_cause=BILLING, prevents="CO-58",
      data="CMS place of service code set (mappings/codes/place-of-service.csv, shared with SNIP 5)")
def pos_effective(enc: Encounter, refs: References) -> Iterator[Hit]:
    """837P: the place of service (claim and line) is a CMS code in effect on the date of service."""
    if enc.institutional:
        return
    table = place_of_service()
    day = claim_date(enc, refs.as_of)
    places: list[tuple[str, str, date, int | None]] = [("place_of_service", enc.place_of_service, day, None)]
    places += [(f"lines[{n}].place_of_service", line.place_of_service, line.service_date or day, n)
               for n, line in enumerate(enc.lines) if line.place_of_service]
    for path, code, when, n in places:
        if not code:
            continue
        status = table.status(code, when)
        if status is CodeStatus.IN_EFFECT:
            continue
        entry = table.lookup(code)
        why = "is no CMS place of service code" if entry is None else f"({entry.name}) is {status.value} on {when}"
        yield Hit(f"{path} {code} {why}; use the code for where the service was given", path, n,
                  f"CMS place of service codes ({table.version or 'mappings/codes/place-of-service.csv'})")


@edit("billing.cob.balance", root_cause=BILLING, prevents="CO-16",
      data="005010X222A1/X223A2 2320 AMT*D, CAS; 2430 SVD, CAS (the balancing SNIP 3 checks)")
def cob_balance(enc: Encounter, refs: References) -> Iterator[Hit]:
    """A secondary claim's earlier payers account for the whole charge: each payer's paid amount plus its claim and
    line adjustments equals the claim's charge, and each line's payment plus adjustments equals the line charge
    (the same sums SNIP 3 checks on the 837)."""
    total = sum((line.charge for line in enc.lines), Decimal(0))
    for n, cov in enumerate(enc.coverages):
        prior = cov.prior_payment
        if n == enc.billed_coverage - 1 or prior is None or prior.paid is None:
            continue
        line_adjusted = sum((a.amount for line in enc.lines for p in line.prior_payments
                             if p.payer_id == cov.payer.id for a in p.adjustments), Decimal(0))
        claim_adjusted = sum((a.amount for a in prior.adjustments), Decimal(0))
        accounted = prior.paid + claim_adjusted + line_adjusted
        if accounted != total:
            yield Hit(f"coverages[{n}].prior_payment: {cov.payer.id} paid {prior.paid} + claim adjustments "
                      f"{claim_adjusted} + line adjustments {line_adjusted} = {accounted}, but the lines charge "
                      f"{total}; copy the payer's adjudication from its remittance for exactly these lines",
                      f"coverages[{n}].prior_payment", source="005010X222A1 2320 AMT*D / CAS")
    for n, line in enumerate(enc.lines):
        for k, payment in enumerate(line.prior_payments):
            adjusted = sum((a.amount for a in payment.adjustments), Decimal(0))
            if line.charge - payment.paid != adjusted:
                yield Hit(f"lines[{n}].prior_payments[{k}]: charge {line.charge} − paid {payment.paid} is "
                          f"{line.charge - payment.paid}, but its adjustments add up to {adjusted}; copy the line's "
                          "adjudication from the remittance", f"lines[{n}].prior_payments[{k}]", n,
                          "005010X222A1 2430 SVD / CAS")


# -- the payer's companion-guide rules (SNIP 7), as far as the encounter's fields say what the 837 will carry ------
_NM1_ROLES = {"DN": "referring", "P3": "primary_care", "82": "rendering", "DQ": "supervising",
              "77": "service_facility", "71": "attending", "72": "operating", "ZZ": "other_operating",
              "DK": "ordering", "QB": "purchased_service"}
_CLAIM_REFS = {"EA": "medical_record_number", "G1": "prior_authorization", "9F": "referral_number",
               "F8": "original_claim_number"}
_LINE_REFS = {"G1": "prior_authorization", "9F": "referral_number"}


def _claim_refs(enc: Encounter) -> dict[str, str]:
    found = {q: getattr(enc, f) for q, f in _CLAIM_REFS.items() if getattr(enc, f)}
    found.update({r.qualifier: f"references ({r.qualifier})" for r in enc.references})
    return found


def _line_refs(enc: Encounter, n: int) -> dict[str, str]:
    line = enc.lines[n]
    found = {q: getattr(line, f) for q, f in _LINE_REFS.items() if getattr(line, f)}
    found.update({r.qualifier: "references" for r in line.references})
    found["6R"] = enc.line_control_number(n + 1)        # always written
    return found


def _element_values(enc: Encounter, element: str) -> Iterator[tuple[str, str, int | None]]:
    """(field path, value, line index) of what the 837 element will carry, for the elements the encounter maps
    one to one; nothing for the others."""
    if element == "CLM05-1":
        yield (("facility_type", enc.facility_type, None) if enc.institutional
               else ("place_of_service", enc.place_of_service, None))
    elif element == "CLM05-3":
        yield "frequency", enc.frequency, None
    elif element == "SBR09":
        yield f"coverages[{enc.billed_coverage - 1}].claim_filing_indicator", enc.billed.claim_filing_indicator, None
    elif element in ("SV103", "SV204"):
        if (element == "SV204") == enc.institutional:
            yield from ((f"lines[{n}].unit_basis", line.unit_basis, n) for n, line in enumerate(enc.lines))
    elif element == "SV105" and not enc.institutional:
        yield from ((f"lines[{n}].place_of_service", line.place_of_service, n)
                    for n, line in enumerate(enc.lines) if line.place_of_service)


@edit("billing.payer_rules", root_cause=BILLING, prevents="CO-16",
      data="the payer profile's [rules] (SNIP 7, shared with edi validate)")
def payer_rules(enc: Encounter, refs: References) -> Iterator[Hit]:
    """The billed payer's companion-guide rules that `edi validate` checks as SNIP 7, read on the encounter: lines
    per claim, the claim charge ceiling, values allowed in CLM05-1/-3, SBR09, SV103/SV204, SV105, REF and NM1
    qualifiers the payer forbids, and REF segments it requires (REF*G1 on every claim is coverage.prior_auth.missing's
    finding)."""
    rules = refs.rules.get(enc.billed.payer.id)
    if rules is None or (("837I" if enc.institutional else "837P") not in rules.applies_to):
        return
    source = f"payer profile {rules.source.rsplit('/', 1)[-1]} [rules]"
    if rules.max_lines_per_claim is not None and len(enc.lines) > rules.max_lines_per_claim:
        yield Hit(f"lines: {len(enc.lines)} lines, but {rules.name} takes at most {rules.max_lines_per_claim} per "
                  "claim; split the encounter", "lines", source=source)
    total = sum((line.charge for line in enc.lines), Decimal(0))
    if rules.max_claim_charge is not None and total > rules.max_claim_charge:
        yield Hit(f"the lines charge {total} in all, above {rules.name}'s ceiling of {rules.max_claim_charge}; file "
                  "as the payer's companion guide says", "lines", source=source)
    places = place_of_service()
    for restriction in rules.value_restrictions:
        for path, value, n in _element_values(enc, restriction.element):
            if "place_of_service" in path and value not in places:
                continue      # no place of service code at all: billing.pos.not_effective says so
            if value and value not in restriction.allowed:
                why = f" ({restriction.message})" if restriction.message else ""
                yield Hit(f"{path} {value!r} goes into {restriction.element}, where {rules.name} allows only "
                          f"{', '.join(sorted(restriction.allowed))}{why}", path, n, source)
    for forbidden in rules.forbidden_qualifiers:
        yield from _forbidden(enc, forbidden, rules.name, source)
    for required in rules.required_segments:
        if required.segment != "REF" or required.qualifier is None or (required.loop, required.qualifier) == \
                ("2300", "G1"):
            continue
        if required.loop == "2300" and required.qualifier not in _claim_refs(enc):
            yield Hit(f"{rules.name} requires REF*{required.qualifier} on every claim ({required.message}); the "
                      "encounter carries none", "references", source=source)
        elif required.loop == "2400":
            for n in range(len(enc.lines)):
                if required.qualifier not in _line_refs(enc, n):
                    yield Hit(f"{rules.name} requires REF*{required.qualifier} on every line ({required.message})",
                              f"lines[{n}].references", n, source)


def _forbidden(enc: Encounter, rule: Any, payer: str, source: str) -> Iterator[Hit]:
    why = f" ({rule.message})" if rule.message else ""
    claim_level = rule.loop is None or rule.loop.startswith(("2300", "2310"))
    line_level = rule.loop is None or rule.loop.startswith(("2400", "2420"))
    if rule.segment == "REF":
        if claim_level and rule.qualifier in _claim_refs(enc):
            field = _CLAIM_REFS.get(rule.qualifier, "references")
            yield Hit(f"{field} goes into REF*{rule.qualifier}, which {payer} does not accept{why}; leave it out",
                      field, source=source)
        for n in range(len(enc.lines)) if line_level else ():
            if rule.qualifier != "6R" and rule.qualifier in _line_refs(enc, n):
                yield Hit(f"lines[{n}] carries REF*{rule.qualifier}, which {payer} does not accept{why}; leave it out",
                          f"lines[{n}]", n, source)
    elif rule.segment == "NM1" and rule.qualifier in _NM1_ROLES:
        role = _NM1_ROLES[rule.qualifier]
        if claim_level and getattr(enc.providers, role, None) is not None:
            yield Hit(f"providers.{role} goes into NM1*{rule.qualifier}, which {payer} does not accept{why}; leave it "
                      "out", f"providers.{role}", source=source)
        for n, line in enumerate(enc.lines):
            if line_level and line.providers is not None and getattr(line.providers, role, None) is not None:
                yield Hit(f"lines[{n}].providers.{role} goes into NM1*{rule.qualifier}, which {payer} does not "
                          f"accept{why}; leave it out", f"lines[{n}].providers.{role}", n, source)


INPATIENT = frozenset({"11", "12", "18", "21", "22", "28", "41", "65", "66"})   # type of bill facility codes (as
OLDEST = date(1900, 1, 1)                                                     # SNIP 4 reads them)


@edit("billing.dates", root_cause=BILLING, prevents="CO-16",
      data="005010X222A1/X223A2 DTP*472, DTP*434, DTP*435 (the date checks SNIP 4 makes)")
def service_dates(enc: Encounter, refs: References) -> Iterator[Hit]:
    """Dates of service are not after the day the scrub runs (a claim bills care already given) nor before 1900;
    an inpatient bill (837I) has its admission date, not after the statement period starts, and its lines' dates
    lie within the statement period."""
    dated = [("service_date", enc.service_date), ("statement_from", enc.statement_from),
             ("statement_to", enc.statement_to), ("admission_date", enc.admission_date)]
    dated += [(f"lines[{n}].service_date", d) for n, line in enumerate(enc.lines)
              for d in (line.service_date, line.service_date_end)]
    for path, day in dated:
        if day is not None and day > refs.as_of:
            yield Hit(f"{path} {day} is after {refs.as_of}: a claim bills care already given; correct the date", path)
        elif day is not None and day < OLDEST:
            yield Hit(f"{path} {day} is before 1900; correct the year", path)
    if not enc.institutional:
        return
    if enc.facility_type in INPATIENT:
        if enc.admission_date is None:
            yield Hit(f"admission_date is missing: type of bill {enc.facility_type} is inpatient, and inpatient claims "
                      "carry the admission date (DTP*435); add it", "admission_date", source="005010X223A2 DTP*435")
        elif enc.statement_from is not None and enc.admission_date > enc.statement_from:
            yield Hit(f"admission_date {enc.admission_date} is after statement_from {enc.statement_from}; an inpatient "
                      "bill covers days from the admission on: correct one of them", "admission_date")
    start, end = enc.statement_from, enc.statement_to
    if start is None or end is None:
        return
    for n, line in enumerate(enc.lines):
        first, last = line.service_date, line.service_date_end or line.service_date
        if first is not None and last is not None and (first < start or last > end):
            yield Hit(f"lines[{n}].service_date {first} is outside the statement period {start} – {end}; correct the "
                      "line date or the statement period", f"lines[{n}].service_date", n)
