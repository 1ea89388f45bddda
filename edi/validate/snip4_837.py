"""SNIP 4 — situational rules of the 837P (005010X222A1) and 837I (005010X223A2) guides.

The guides state these in prose ("Required when …", "If not required by this implementation guide, do not send");
the maps carry only the usage S. Rules see a closing loop's subtree and its open ancestors; what an earlier
sibling said (the billing provider, the claim's rendering provider) is kept in ``ctx.state`` under "snip4.*".
"""

from __future__ import annotations

from collections.abc import Iterator

from edi.guide import Loop, SegmentNode
from edi.validate._engine import Context
from edi.validate._finding import Finding, Severity
from edi.validate._rules import loop_rule, segment_rule
from edi.validate.snip4_situational import (OLDEST, address, ancestor, dtp_period, element_finding, in_future,
                                            is_po_box, party_id, segment_finding, segments)

CLAIMS = ("837P", "837I")
WARNING = Severity.WARNING
INPATIENT = frozenset({"11", "12", "18", "21", "22", "28", "41", "65", "66"})  # CLM05-1 facility type codes
ICD_QUALIFIERS = frozenset({"ABK", "ABF", "ABJ", "ABN", "APR", "BK", "BF", "BJ", "BN", "PR", "BBR", "BBQ", "BR",
                            "BQ"})
DIAGNOSIS_QUALIFIERS = frozenset({"ABK", "ABF", "BK", "BF"})      # the ones SV107 pointers count (837P)
SERVICE_DATES = {"472": "service date", "434": "statement period", "435": "admission date"}


def _is_837(ctx: Context) -> bool:
    return ctx.kind in CLAIMS


def _first(loop: Loop) -> SegmentNode | None:
    return next((c for c in loop.children if isinstance(c, SegmentNode)), None)


def _relationship(subscriber: Loop | None) -> str:
    """SBR02 of a 2000B subscriber loop ("18" when the subscriber is the patient, else "")."""
    sbr = subscriber.first("SBR") if subscriber is not None else None
    return sbr.segment[2] if sbr is not None else ""


# -- billing provider (2010AA), pay-to (2010AB), service facility ----------------------------------------------
@loop_rule("2010AA", snip=4)
def remember_billing_provider(ctx: Context, loop: Loop) -> Iterator[Finding]:
    """Keeps the billing provider's id and address for the pay-to, rendering and facility rules below."""
    if _is_837(ctx):
        ctx.state["snip4.billing"] = (party_id(loop), address(loop))
    return iter(())


@loop_rule("2010AA", snip=4)
def billing_provider_street_address(ctx: Context, loop: Loop) -> Iterator[Finding]:
    """2010AA N3: "The Billing Provider Address must be a street address. Post Office Box or Lock Box addresses
    are to be sent in the Pay-To Address Loop (Loop ID-2010AB)"."""
    n3 = loop.first("N3")
    if not _is_837(ctx) or n3 is None:
        return
    for n in (1, 2):
        if is_po_box(n3.segment[n]):
            yield element_finding(ctx, "snip4.billing.po_box", f"N30{n} {n3.segment[n]!r}: the billing provider "
                                  "address must be a street address; send the PO box or lock box in the pay-to "
                                  "address loop 2010AB and a street address here", n3, n, ik403="I12")


def _nine_digit_zip(ctx: Context, loop: Loop, code: str, who: str) -> Iterator[Finding]:
    n4 = loop.first("N4")
    if n4 is None or n4.segment[4] not in ("", "US"):
        return
    zip_code = n4.segment[3]
    if not (len(zip_code) == 9 and zip_code.isdigit()):
        yield element_finding(ctx, code, f"N403 {zip_code!r}: the {who} ZIP code of a US address must be the full "
                              "nine digits (ZIP+4); add the four-digit extension", n4, 3, ik403="I12")


@loop_rule("2010AA", snip=4)
def billing_provider_zip_plus_four(ctx: Context, loop: Loop) -> Iterator[Finding]:
    """2010AA N403: "When reporting the ZIP code for U.S. addresses, the full nine digit ZIP code must be provided"."""
    if _is_837(ctx):
        yield from _nine_digit_zip(ctx, loop, "snip4.billing.zip9", "billing provider")


@loop_rule("2010AB", snip=4)
def pay_to_differs_from_billing(ctx: Context, loop: Loop) -> Iterator[Finding]:
    """2010AB: "Required when the address for payment is different than that of the Billing Provider"."""
    billing = ctx.state.get("snip4.billing")
    here = address(loop)
    anchor = _first(loop)
    if _is_837(ctx) and isinstance(billing, tuple) and here is not None and billing[1] == here and anchor:
        yield segment_finding(ctx, "snip4.pay_to.same_as_billing", "the pay-to address repeats the billing provider "
                              "address; send loop 2010AB only when payment goes to a different address",
                              anchor, ik304="I9", severity=WARNING)


@loop_rule("2310C", snip=4)
@loop_rule("2310E", snip=4)
def service_facility(ctx: Context, loop: Loop) -> Iterator[Finding]:
    """Service facility (837P 2310C, 837I 2310E): "Required when the location of health care service is different
    than that carried in Loop ID-2010AA Billing Provider"; a US ZIP code must have nine digits."""
    facility = {"837P": "2310C", "837I": "2310E"}.get(ctx.kind or "")
    if loop.spec.id != facility:
        return
    billing = ctx.state.get("snip4.billing")
    anchor = _first(loop)
    here = address(loop)
    if isinstance(billing, tuple) and here is not None and billing[1] == here and anchor is not None:
        yield segment_finding(ctx, "snip4.service_facility.same_as_billing", "the service facility address repeats "
                              "the billing provider address; send the service facility loop only when the service "
                              "was given somewhere else", anchor, ik304="I9", severity=WARNING)
    yield from _nine_digit_zip(ctx, loop, "snip4.service_facility.zip9", "service facility")


# -- subscriber (2000B) and patient (2000C) ----------------------------------------------------------------
@loop_rule("2000C", snip=4)
def patient_loop_only_for_dependents(ctx: Context, loop: Loop) -> Iterator[Finding]:
    """2000C: "Required when the patient is a different person than the subscriber"; SBR02 = 18 in 2000B says
    the subscriber is the patient, so no 2000C may follow it."""
    subscriber = loop.parent
    hl = loop.first("HL")
    if not _is_837(ctx) or subscriber is None or hl is None:
        return
    ctx.state["snip4.dependent_of"] = id(subscriber)
    if _relationship(subscriber) == "18":
        yield segment_finding(ctx, "snip4.patient.loop_not_allowed", f"patient loop 2000C (HL {hl.segment[1]}) "
                              "follows a subscriber whose SBR02 is 18 (the subscriber is the patient); leave SBR02 "
                              "empty when the patient is a dependent, or send the claim under 2000B without 2000C",
                              hl, ik304="I9")


@loop_rule("2000B", snip=4)
def subscriber_relationship(ctx: Context, loop: Loop) -> Iterator[Finding]:
    """SBR02 is 18 when the subscriber is the patient (claims under 2000B); otherwise a 2000C patient loop must
    follow: a 2000B without SBR02 = 18 needs a patient loop."""
    has_patient = ctx.state.pop("snip4.dependent_of", None) == id(loop)
    has_claims = ctx.state.pop("snip4.claims_of", None) == id(loop)
    sbr = loop.first("SBR")
    if not _is_837(ctx) or sbr is None or sbr.segment[2] == "18":
        return
    if has_claims:
        yield element_finding(ctx, "snip4.subscriber.relationship_required", "claims sit directly under this "
                              "subscriber, so the subscriber is the patient: set SBR02 to 18 (or move the claims "
                              "into a patient loop 2000C)", sbr, 2, ik403="I9")
    elif not has_patient:
        yield segment_finding(ctx, "snip4.patient.loop_missing", "SBR02 is empty, which says the patient is not "
                              "the subscriber, but no patient loop 2000C follows; add the 2000C patient loop or "
                              "set SBR02 to 18", sbr, ik304="I6", missing="2000C")


@loop_rule("2010BA", snip=4)
def subscriber_who_is_patient(ctx: Context, loop: Loop) -> Iterator[Finding]:
    """2010BA N3, N4 and DMG: "Required when the patient is the subscriber or considered to be the subscriber"
    (X12 RFI 2281). The converse "do not send" is not checked: receivers accept it and no payer rejects it."""
    nm1 = loop.first("NM1")
    if not _is_837(ctx) or nm1 is None or _relationship(loop.parent) != "18":
        return
    for seg_id, what in (("N3", "address"), ("N4", "address"), ("DMG", "dmg")):
        if loop.first(seg_id) is None:
            yield segment_finding(ctx, f"snip4.subscriber.{what}_required", f"the subscriber is the patient (SBR02 "
                                  f"= 18) but 2010BA has no {seg_id}; send the subscriber's "
                                  f"{'birth date and gender' if seg_id == 'DMG' else 'address'}", nm1, ik304="I6",
                                  missing=seg_id)


# -- claim (2300) ---------------------------------------------------------------------------------------------
@loop_rule("2300", snip=4)
def end_of_claim(ctx: Context, claim: Loop) -> Iterator[Finding]:
    """Bookkeeping: notes a claim that hangs directly under its 2000B subscriber loop (for the subscriber
    relationship rule) and forgets the claim's provider kept for its lines."""
    ctx.state.pop("snip4.claim_provider", None)
    if _is_837(ctx) and claim.parent is not None and claim.parent.spec.id == "2000B":
        ctx.state["snip4.claims_of"] = id(claim.parent)
    return iter(())


@loop_rule("2300", snip=4)
def payer_claim_control_number(ctx: Context, claim: Loop) -> Iterator[Finding]:
    """2300 REF*F8: "Required when CLM05-3 (Claim Frequency Type Code) indicates this claim is a replacement or
    void to a previously adjudicated claim" (7 or 8); not sent on an original claim (1)."""
    clm = claim.first("CLM")
    if not _is_837(ctx) or clm is None:
        return
    frequency = clm.segment.component(5, 3)
    ref = segments(claim, "REF", "F8")
    if frequency in ("7", "8") and not ref:
        yield segment_finding(ctx, "snip4.claim.ref_f8_required", f"CLM05-3 is {frequency} (a "
                              f"{'replacement' if frequency == '7' else 'void'}) but there is no REF*F8; send the "
                              "payer's claim control number of the original claim in REF*F8", clm, ik304="I6",
                              missing="REF*F8")
    elif frequency == "1" and ref:
        yield segment_finding(ctx, "snip4.claim.ref_f8_not_used", "REF*F8 (payer claim control number) is sent on "
                              "an original claim (CLM05-3 = 1); remove it, or set CLM05-3 to 7 (replacement) or 8 "
                              "(void)", ref[0], ik304="I9")


@loop_rule("2300", snip=4)
def inpatient_admission_date(ctx: Context, claim: Loop) -> Iterator[Finding]:
    """837I 2300 DTP*435 admission date: "Required on inpatient claims", and not after the statement period starts."""
    clm = claim.first("CLM")
    if ctx.kind != "837I" or clm is None or clm.segment.component(5, 1) not in INPATIENT:
        return
    admission = segments(claim, "DTP", "435")
    if not admission:
        yield segment_finding(ctx, "snip4.claim.admission_date_required", f"facility type {clm.segment.component(5, 1)}"
                              " is an inpatient bill but the claim has no admission date; send DTP*435",
                              clm, ik304="I6", missing="DTP*435")
        return
    admitted, statement = dtp_period(admission[0]), dtp_period(next(iter(segments(claim, "DTP", "434")), None))
    if admitted and statement and admitted[0] > statement[0]:
        yield element_finding(ctx, "snip4.claim.admission_after_statement", f"admission date {admitted[0]:%Y%m%d} is "
                              f"after the statement period starts ({statement[0]:%Y%m%d}); an inpatient bill covers "
                              "days from the admission on: correct DTP*435 or DTP*434", admission[0], 3, ik403="8")


@loop_rule("2300", snip=4)
def statement_period_covers_lines(ctx: Context, claim: Loop) -> Iterator[Finding]:
    """837I: every service line date (2400 DTP*472) lies within the statement covers period (2300 DTP*434)."""
    statement = dtp_period(next(iter(segments(claim, "DTP", "434")), None))
    if ctx.kind != "837I" or statement is None:
        return
    for line in claim.loops("2400"):
        for dtp in segments(line, "DTP", "472"):
            served = dtp_period(dtp)
            if served and (served[0] < statement[0] or served[1] > statement[1]):
                yield element_finding(ctx, "snip4.line.outside_statement_period", f"service date {dtp.segment[3]} is "
                                      f"outside the statement period {statement[0]:%Y%m%d}-{statement[1]:%Y%m%d} "
                                      "(DTP*434); correct the line date or the statement period", dtp, 3, ik403="8")


def _destination_and_other_payers(claim: Loop) -> tuple[SegmentNode | None, list[SegmentNode]]:
    """The claim's 2000B SBR (the payer it is sent to) and the SBR of each 2320 other payer."""
    subscriber = ancestor(claim, "2000B")
    others = [node for other in claim.children if isinstance(other, Loop) and other.spec.id == "2320"
              for node in segments(other, "SBR")]
    return (subscriber.first("SBR") if subscriber is not None else None), others


@loop_rule("2300", snip=4)
def other_payer_sequence(ctx: Context, claim: Loop) -> Iterator[Finding]:
    """2320 SBR01: each other payer's responsibility (P, S, T …) differs from the destination payer's (2000B
    SBR01) and from every other 2320 of the claim."""
    sbr, others = _destination_and_other_payers(claim)
    if not _is_837(ctx) or sbr is None:
        return
    seen = {sbr.segment[1]: "the destination payer (2000B SBR01)"}
    for node in others:
        code = node.segment[1]
        if code in seen:
            yield element_finding(ctx, "snip4.cob.payer_sequence", f"other payer SBR01 {code!r} repeats the "
                                  f"responsibility of {seen[code]}; each payer of a claim needs its own sequence "
                                  "(P, S, T …)", node, 1, ik403="7")
        seen.setdefault(code, "another other payer of this claim (2320 SBR01)")


@loop_rule("2300", snip=4)
def other_payers_named(ctx: Context, claim: Loop) -> Iterator[Finding]:
    """2320: "Required when other payers are known to potentially be involved in paying on this claim" — a claim
    sent to a secondary or later payer (2000B SBR01 not P or U) names the payers before it."""
    sbr, others = _destination_and_other_payers(claim)
    clm = claim.first("CLM")
    if (_is_837(ctx) and sbr is not None and clm is not None and not others
            and sbr.segment[1] not in ("P", "U") and _valid_code(sbr, 1)):  # an invalid SBR01 is SNIP 2's
        yield segment_finding(ctx, "snip4.cob.other_payer_missing", f"the claim goes to the payer responsible "
                              f"{sbr.segment[1]!r} (2000B SBR01, not primary) but names no other payer; send loop "
                              "2320/2330 for each payer before it", clm, ik304="I6", missing="2320")


# -- providers on the claim and its lines ---------------------------------------------------------------------
@loop_rule("2310A", snip=4)
@loop_rule("2310B", snip=4)
def claim_rendering_provider(ctx: Context, loop: Loop) -> Iterator[Finding]:
    """837P 2310B rendering provider: "Required when the Rendering Provider NM1 information is different than
    that carried in the Loop ID-2010AA Billing Provider"; also kept (with 837I 2310A attending) for line rules."""
    which = ctx.kind
    if (which, loop.spec.id) not in (("837P", "2310B"), ("837I", "2310A")) or loop.parent is None:
        return
    here = party_id(loop)
    ctx.state["snip4.claim_provider"] = (id(loop.parent), here)
    billing = ctx.state.get("snip4.billing")
    nm1 = loop.first("NM1")
    if which == "837P" and here and isinstance(billing, tuple) and billing[0] == here and nm1 is not None:
        yield segment_finding(ctx, "snip4.rendering.same_as_billing", f"the rendering provider ({nm1.segment[9]}) is "
                              "the billing provider; send loop 2310B only when someone else rendered the care",
                              nm1, ik304="I9", severity=WARNING)


def _same_as_claim_provider(ctx: Context, loop: Loop, claim: Loop | None) -> SegmentNode | None:
    """The NM1 of ``loop`` when it names the same provider as the claim-level one kept by the rule above."""
    kept = ctx.state.get("snip4.claim_provider")
    here = party_id(loop)
    nm1 = loop.first("NM1")
    if claim is None or not here or not isinstance(kept, tuple) or kept != (id(claim), here):
        return None
    return nm1


@loop_rule("2310D", snip=4)
def institutional_rendering_provider(ctx: Context, loop: Loop) -> Iterator[Finding]:
    """837I 2310D rendering provider: "Required when the Rendering Provider NM1 information is different than
    that carried in the Loop ID-2310A Attending Provider"."""
    nm1 = _same_as_claim_provider(ctx, loop, loop.parent) if ctx.kind == "837I" else None
    if nm1 is not None:
        yield segment_finding(ctx, "snip4.rendering.same_as_attending", f"the rendering provider ({nm1.segment[9]}) "
                              "is the attending provider; send loop 2310D only when they differ", nm1, ik304="I9",
                              severity=WARNING)


@loop_rule("2420A", snip=4)
def line_rendering_provider(ctx: Context, loop: Loop) -> Iterator[Finding]:
    """837P 2420A: "Required when the Rendering Provider NM1 information is different than that carried in Loop
    ID-2310B Rendering Provider"."""
    claim = ancestor(loop, "2300")
    nm1 = _same_as_claim_provider(ctx, loop, claim) if ctx.kind == "837P" else None
    if nm1 is not None:
        yield segment_finding(ctx, "snip4.line_rendering.same_as_claim", f"the line's rendering provider "
                              f"({nm1.segment[9]}) is the claim's (2310B); send 2420A only when this line's "
                              "provider differs", nm1, ik304="I9", severity=WARNING)


# -- segments: service lines, diagnoses, dates ------------------------------------------------------------------
def _diagnosis_count(claim: Loop) -> int:
    """The diagnoses SV107 points at: ABK/ABF (BK/BF) codes in HI — and a code whose qualifier is no code the
    guide knows there (SNIP 2 reports that qualifier; the code still takes its place in the list)."""
    return sum(1 for hi in segments(claim, "HI") for n in range(1, len(hi.segment) + 1)
               if hi.segment.component(n, 1) in DIAGNOSIS_QUALIFIERS
               or (hi.segment.component(n, 1) and not _valid_code(hi, n, 1)))


def _valid_code(node: SegmentNode, n: int, k: int = 0) -> bool:
    """Whether element n (component k) holds a code the guide lists for it there — or is not a coded element.
    Rules that act on a qualifier skip an invalid one: the element check reports it, once."""
    spec = node.element_spec(n)
    if spec is not None and k:
        spec = spec.components[k - 1] if k <= len(spec.components) else None
    value = node.segment.component(n, k) if k else node.segment[n]
    return spec is None or not spec.codes or value in spec.codes


@segment_rule("SV1", snip=4)
def diagnosis_pointers(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """837P SV107: each pointer names a diagnosis of the claim's HI (1 … number of codes), and none repeats."""
    claim = node.loop.parent
    if ctx.kind != "837P" or claim is None or claim.spec.id != "2300" or not node.segment[7]:
        return
    cached = ctx.state.get("snip4.dx_count")
    if isinstance(cached, tuple) and cached[0] is claim:
        count = cached[1]
    else:
        count = _diagnosis_count(claim)
        ctx.state["snip4.dx_count"] = (claim, count)  # the claim's HI come before its lines
    seen: set[str] = set()
    for k, pointer in enumerate(node.segment.components(7), start=1):
        if not pointer.isdigit():
            continue
        if count and not 1 <= int(pointer) <= count:
            yield element_finding(ctx, "snip4.line.dx_pointer_range", f"diagnosis pointer {pointer} names no "
                                  f"diagnosis: the claim lists {count} in HI; point to 1 … {count}", node, 7, k,
                                  ik403="7")
        elif pointer in seen:
            yield element_finding(ctx, "snip4.line.dx_pointer_repeat", f"diagnosis pointer {pointer} is given twice "
                                  "in SV107; list each diagnosis once", node, 7, k, ik403="I12")
        seen.add(pointer)


@segment_rule("HI", snip=4)
def icd_codes_without_decimal_point(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """HI: "Do not transmit the decimal points in the diagnosis codes. The decimal point is assumed" (also ICD
    procedure codes)."""
    if "." not in node.segment.text() or not _is_837(ctx):
        return
    for n in range(1, len(node.segment) + 1):
        code = node.segment.component(n, 2)
        if node.segment.component(n, 1) in ICD_QUALIFIERS and "." in code:
            yield element_finding(ctx, "snip4.diagnosis.decimal_point", f"ICD code {code!r} contains a decimal "
                                  f"point; send it without one ({code.replace('.', '')!r})", node, n, 2, ik403="6")


@segment_rule("DTP", snip=4)
def service_dates_plausible(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """Service dates (DTP*472), the statement period (DTP*434) and the admission date (DTP*435) are not in the
    future and not before 1900."""
    what = SERVICE_DATES.get(node.segment[1])
    span = dtp_period(node) if what and _is_837(ctx) else None
    if span is None:
        return
    if in_future(span[1]):
        yield element_finding(ctx, "snip4.date.future", f"the {what} {node.segment[3]} is in the future; a claim "
                              "bills care already given: correct the date", node, 3, ik403="8")
    if span[0] < OLDEST:
        yield element_finding(ctx, "snip4.date.too_old", f"the {what} {node.segment[3]} is before 1900; correct the "
                              "year", node, 3, ik403="8")
