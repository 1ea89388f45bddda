"""Adjudicating one accepted claim as the payer would: denials first (coverage dates, enrollment, what the scrubber
finds, the payer's "unexplained" rate), then each line's allowed amount from the fee schedule (the lesser of the
charge and fee × units), the contractual write-off CO-45 = charge − allowed, and the patient's share in order:
copay (PR-3, once per claim), deductible (PR-1, from the member's plan-year accumulator), coinsurance (PR-2).

A line billed after earlier payers (a secondary claim's 2430) is paid no more than the patient's share they left:
see :func:`_after_earlier_payers`.

Every CLP balances by construction: all adjustments are at line level, each line's SVC02 = SVC03 + Σ CAS, and
CLP03 = Σ SVC02, CLP04 = Σ SVC03, CLP05 = Σ PR."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from edi.claims.encounter import Encounter, Line
from edi.claims.scrub import ScrubFinding
from edi.models.common import Adjustment, Amount, Party
from edi.models.remittance import ClaimPayment, OutpatientAdjudication, ProcedureIdentifier, ServicePayment
from edi.payer._profile import Adjudication

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Denial:
    group: str
    reason: str
    remark: str = ""
    why: str = ""            # for the log and the run summary: which check fired (scrub edit code …)


@dataclass
class Benefits:
    """The member's deductible left in the plan year, used as lines are adjudicated."""

    deductible_left: Decimal
    copay_taken: bool = False
    deductible_used: Decimal = ZERO


@dataclass
class Outcome:
    """One claim's adjudication: its claim payments (two for a split claim) and what it used of the deductible."""

    payments: list[ClaimPayment] = field(default_factory=list)
    deductible_used: Decimal = ZERO
    denials: list[Denial] = field(default_factory=list)

    @property
    def paid(self) -> Decimal:
        return sum((p.paid_amount or ZERO for p in self.payments), ZERO)

    @property
    def patient(self) -> Decimal:
        return sum((p.patient_responsibility or ZERO for p in self.payments), ZERO)


def claim_denials(enc: Encounter, findings: tuple[ScrubFinding, ...], profile: Adjudication,
                  rng: random.Random) -> tuple[list[Denial], dict[int, Denial]]:
    """The denials of the whole claim and of single lines (by 0-based line index)."""
    whole: list[Denial] = []
    lines: dict[int, Denial] = {}
    first = min(enc.dates_of_service) if enc.dates_of_service else None
    member = (profile.members or {}).get(enc.billed.member_id)
    if member is not None and first is not None and ((member.start and first < member.start)
                                                     or (member.end and first > member.end)):
        whole.append(_denial(profile, "CO", "27", "coverage.member.dates"))
    if profile.enrolled_providers is not None and first is not None:
        whole += _enrollment(enc, first, profile)
    for f in findings:
        if not f.is_error or "-" not in f.prevents:
            continue
        group, reason = f.prevents.split("-", 1)
        denial = _denial(profile, group, reason, f.code)
        if f.line_number is not None:
            lines.setdefault(f.line_number - 1, denial)
        else:
            whole.append(denial)
    for n, line in enumerate(enc.lines):
        if line.procedure_code in profile.non_covered:
            lines.setdefault(n, _denial(profile, "CO", "204", "plan.non_covered"))
    if not whole and rng.random() < profile.unexplained_denial_rate:
        group, reason, remark = profile.unexplained_denial
        whole.append(Denial(group, reason, remark, "payer.unexplained"))
    return whole, lines


def _denial(profile: Adjudication, group: str, reason: str, why: str) -> Denial:
    return Denial(group, reason, profile.rarc(group, reason), why)


def _enrollment(enc: Encounter, on: date, profile: Adjudication) -> list[Denial]:
    enrolled = profile.enrolled_providers or {}
    billing = enrolled.get(enc.billing_provider.npi)
    if billing is None and profile.enrollment_complete:
        return [_denial(profile, "CO", "208", "credentialing.billing.not_on_file")]
    if billing is not None and ((billing.start and on < billing.start) or (billing.end and on > billing.end)):
        return [_denial(profile, "CO", "B7", "credentialing.billing.dates")]
    rendering = enc.providers.rendering
    if profile.enrollment_complete and rendering is not None and rendering.npi and rendering.npi not in enrolled:
        return [_denial(profile, "CO", "185", "credentialing.rendering.not_on_file")]
    return []


def adjudicate(enc: Encounter, findings: tuple[ScrubFinding, ...], profile: Adjudication, benefits: Benefits,
               rng: random.Random, *, payer_claim: str, received: date, institutional: bool) -> Outcome:
    """The claim payments for one claim (see the module docstring)."""
    whole, line_denials = claim_denials(enc, findings, profile, rng)
    outcome = Outcome(denials=whole + list(line_denials.values()))
    place = enc.place_of_service
    services = []
    for n, line in enumerate(enc.lines):
        denial = whole[0] if whole else line_denials.get(n)
        services.append(_deny_line(enc, n, line, denial) if denial is not None else
                        _pay_line(enc, n, line, profile, benefits, rng, place, institutional))
    outcome.deductible_used = benefits.deductible_used
    parts = [services]
    if profile.split_over_lines and len(services) > profile.split_over_lines and not whole:
        parts = [services[:profile.split_over_lines], services[profile.split_over_lines:]]
    crossover = profile.crossover if profile.crossover and len(enc.coverages) > 1 else None
    for k, part in enumerate(parts):
        number = payer_claim if len(parts) == 1 else f"{payer_claim}{k + 1}"
        # a split claim would carry MA15 ("claim separated to expedite handling"), but pyx12's code list lacks
        # it (X12 lists it as current): CLP07's suffix tells the parts apart instead
        remarks = (whole[0].remark,) if whole and whole[0].remark else ()
        outcome.payments.append(_claim(enc, part, number, received, institutional, remarks, crossover,
                                       denied=bool(whole) or all((s.paid_amount or ZERO) == 0 and not _pr(s) and
                                                              not _after_earlier(s) for s in part)))
    return outcome


def _after_earlier(service: ServicePayment) -> bool:
    """The earlier payers' adjudication (OA-23) took the line: processed, not denied."""
    return any((a.group, a.reason) == ("OA", "23") for a in service.adjustments)


def _pr(service: ServicePayment) -> Decimal:
    return sum((a.amount for a in service.adjustments if a.group == "PR"), ZERO)


def _procedure(line: Line, code: str | None = None) -> ProcedureIdentifier:
    if line.procedure_code:
        return ProcedureIdentifier(qualifier=line.procedure_qualifier or "HC", code=code or line.procedure_code,
                                   modifiers=tuple(line.modifiers))
    return ProcedureIdentifier(qualifier="NU", code=line.revenue_code)


def _base(enc: Encounter, n: int, line: Line) -> dict[str, object]:
    day = line.service_date or enc.service_date or enc.statement_from
    revenue = line.revenue_code if line.procedure_code else ""
    return {"charge": line.charge, "revenue_code": revenue, "units": line.units if line.units != 1 else None,
            "service_date": day, "line_item_control_number": enc.line_control_number(n + 1)}


def _deny_line(enc: Encounter, n: int, line: Line, denial: Denial) -> ServicePayment:
    return ServicePayment(procedure=_procedure(line), paid_amount=ZERO,
                          adjustments=(Adjustment(denial.group, denial.reason, line.charge),),
                          remarks=(("HE", denial.remark),) if denial.remark else (), **_base(enc, n, line))


def allowed_for(code: str, charge: Decimal, units: Decimal, profile: Adjudication, institutional: bool) -> Decimal:
    """The lesser of the charge and the fee schedule's amount for the units (percent of charge off the schedule)."""
    fee = profile.fee_schedule.get(code) if not institutional else None
    allowed = money(fee * units) if fee is not None else money(charge * profile.percent_of_charge)
    return min(charge, allowed)


def _pay_line(enc: Encounter, n: int, line: Line, profile: Adjudication, benefits: Benefits, rng: random.Random,
              place: str, institutional: bool) -> ServicePayment:
    code = line.procedure_code
    charge = line.charge
    full = allowed_for(code, charge, line.units, profile, institutional)
    paid_code = code
    lower = profile.downcode.get(code)
    if lower and lower in profile.fee_schedule and rng.random() < profile.downcode_rate:
        paid_code = lower
    allowed = allowed_for(paid_code, charge, line.units, profile, institutional) if paid_code != code else full
    adjustments = []
    if charge - full:
        adjustments.append(Adjustment("CO", "45", charge - full))
    if full - allowed:
        adjustments.append(Adjustment("CO", "150", full - allowed))
    left = allowed
    copay = profile.copay_by_place.get(line.place_of_service or place, ZERO)
    if copay and not benefits.copay_taken and code.startswith(profile.copay_codes):
        benefits.copay_taken = True
        copay = min(copay, left)
        left -= copay
    else:
        copay = ZERO
    deductible = min(left, benefits.deductible_left)
    benefits.deductible_left -= deductible
    benefits.deductible_used += deductible
    left -= deductible
    coinsurance = money(left * profile.coinsurance)
    left -= coinsurance
    after = _after_earlier_payers(line, charge, left, (("3", copay), ("1", deductible), ("2", coinsurance)), benefits)
    if after is not None:
        adjustments, left = after
    for reason, value in (("1", deductible), ("2", coinsurance), ("3", copay)) if after is None else ():
        if value:
            adjustments.append(Adjustment("PR", reason, value))
    return ServicePayment(procedure=_procedure(line, paid_code), paid_amount=left, adjustments=tuple(adjustments),
                          original_procedure=_procedure(line) if paid_code != code else None,
                          amounts=(Amount("B6", allowed),), **_base(enc, n, line))


def _after_earlier_payers(line: Line, charge: Decimal, normal: Decimal, shares: tuple[tuple[str, Decimal], ...],
                          benefits: Benefits) -> tuple[list[Adjustment], Decimal] | None:
    """A line the earlier payers adjudicated (its 2430s, as a secondary claim carries them): this payer pays what it
    would pay as primary (``normal``), but no more than the patient's share they left (their PR); the patient keeps
    the rest of that share, as this payer's own copay, deductible and coinsurance say (in that order) and, past
    them, as the earlier payer said; what the earlier payers paid and wrote off is OA-23 (the impact of prior
    payers' adjudication). The deductible this payer does not apply goes back to the member. None: a line no
    earlier payer adjudicated."""
    if not line.prior_payments:
        return None
    earlier = [a for p in line.prior_payments for a in p.adjustments if a.group == "PR"]
    owed = sum((a.amount for a in earlier), ZERO)
    paid = min(normal, owed)
    remaining = owed - paid
    patient: list[Adjustment] = []
    for reason, value in shares:
        take = min(value, remaining)
        remaining -= take
        if reason == "1":                  # the deductible not applied stays for the member's next claims
            benefits.deductible_left += value - take
            benefits.deductible_used -= value - take
        if take:
            patient.append(Adjustment("PR", reason, take))
    if remaining:
        patient.append(Adjustment("PR", max(earlier, key=lambda a: a.amount).reason, remaining))
    adjustments = [Adjustment("OA", "23", charge - owed)] if charge - owed else []
    return adjustments + patient, paid


def _claim(enc: Encounter, services: list[ServicePayment], number: str, received: date, institutional: bool,
           remarks: tuple[str, ...], crossover: tuple[str, str] | None, denied: bool) -> ClaimPayment:
    paid = sum((s.paid_amount or ZERO for s in services), ZERO)
    patient = sum((_pr(s) for s in services), ZERO)
    order = min(max(enc.billed_coverage, 1), 3)     # processed as primary, secondary or tertiary (CLP02 1/2/3)
    status = "4" if denied else (("19", "20", "21")[order - 1] if crossover and patient > 0 else str(order))
    days = [s.service_date for s in services if s.service_date]
    coverage = enc.billed
    subscriber = coverage.subscriber
    person = enc.patient
    patient_party = Party(entity="QC", entity_type="1", last_name=person.last_name, first_name=person.first_name,
                          id_qualifier="MI" if subscriber is None else "", id=coverage.member_id if subscriber is None else "")
    insured = Party(entity="IL", entity_type="1", last_name=subscriber.last_name, first_name=subscriber.first_name,
                    id_qualifier="MI", id=coverage.member_id) if subscriber is not None else None
    kind = (enc.facility_type + enc.frequency) if institutional else enc.place_of_service
    rendering = enc.providers.rendering
    rendered = Party(entity="82", entity_type="1" if rendering.first_name else "2", last_name=rendering.name,
                     first_name=rendering.first_name, id_qualifier="XX", id=rendering.npi) \
        if rendering is not None and rendering.npi and rendering.name and rendering.npi != enc.billing_provider.npi \
        else None    # 2100 NM1*82: when the rendering provider is not the payee
    return ClaimPayment(
        patient_control_number=enc.id, status_code=status, total_charge=sum((s.charge or ZERO for s in services), ZERO),
        paid_amount=paid, patient_responsibility=patient, filing_indicator_code="", payer_claim_control_number=number,
        facility_type_code=(enc.facility_type if institutional else enc.place_of_service) or kind,
        frequency_code=enc.frequency, patient=patient_party, insured=insured, service_provider=rendered,
        crossover_carrier=Party(entity="TT", entity_type="2", last_name=crossover[0], id_qualifier="PI",
                                id=crossover[1]) if status in ("19", "20", "21") and crossover else None,
        outpatient=OutpatientAdjudication(remark_codes=remarks) if remarks else None,
        statement_from=min(days) if days else None, statement_to=max(days) if days else None,
        received_date=received, services=tuple(services))
