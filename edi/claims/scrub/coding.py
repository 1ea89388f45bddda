"""Coding edits: diagnoses valid and billable on the date of service, specific, fit for the patient's sex and
age; diagnosis pointers; NCCI procedure-to-procedure pairs, medically unlikely units and add-on codes; modifiers
25 and 59; E/M codes fit for the place of service. Who fixes them: the coder.

ICD-10-CM is judged by the same tables and the same date as ``edi validate``'s SNIP 5 (:mod:`edi.codes`); NCCI
data comes from CMS's files loaded into the ledger, else the shipped extract (``References.ptp/mue/addon``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from edi import codes
from edi.claims.encounter import Encounter
from edi.claims.scrub._context import References
from edi.claims.scrub._edit import Hit, RootCause, edit
from edi.claims.scrub._facts import EM_OFFICE, age_on, claim_date, dx, is_em, line_date, line_provider_npi, patient_key
from edi.codes import Icd10Status
from edi.validate import Severity
from edi.validate.codesets import PROCEDURE

CODING = RootCause.CODING
ICD10 = "edi.codes ICD-10-CM by release (mappings/codes/icd-10-cm.txt)"
NCCI = "NCCI tables: the ledger's loaded CMS quarter, else mappings/codes/ncci-*.csv"
X_MODIFIERS = frozenset({"59", "XE", "XS", "XP", "XU"})
ICD10_START = date(2015, 10, 1)      # ICD-10-CM for services from this day (45 CFR 162.1002(c))


def _diagnoses(enc: Encounter) -> Iterator[tuple[str, str]]:
    """(field path, code) of every ICD-10-CM code the claim carries in HI (SNIP 5 checks the same ones)."""
    if enc.icd_version != 10:
        return
    for n, d in enumerate(enc.diagnoses):
        yield f"diagnoses[{n}].code", d.code
    if enc.admitting_diagnosis:
        yield "admitting_diagnosis", enc.admitting_diagnosis
    for n, code in enumerate(enc.reason_for_visit):
        yield f"reason_for_visit[{n}]", code
    for n, d in enumerate(enc.external_causes):
        yield f"external_causes[{n}].code", d.code


def _icd10(enc: Encounter, refs: References, status: Icd10Status) -> Iterator[Hit]:
    day = claim_date(enc, refs.as_of)
    for path, raw in _diagnoses(enc):
        check = codes.icd10(dx(raw), day)
        if check.status is not status:
            continue
        severity = None if check.definite else Severity.WARNING
        message = f"{path} {raw!r} {check.message}"
        if status is Icd10Status.NOT_BILLABLE:
            children = codes.icd10_children(dx(raw), day)
            message += f"; code to the highest specificity ({', '.join(children)} …)" if children else ""
        else:
            message += "; correct the code"
        yield Hit(message, path, source=check.release.version, severity=severity)


@edit("coding.icd10.invalid", root_cause=CODING, prevents="CO-146", data=ICD10)
def icd10_invalid(enc: Encounter, refs: References) -> Iterator[Hit]:
    """A diagnosis is an ICD-10-CM code in the release in effect on the date of service (a warning where the
    release is not known and its neighbours disagree, as SNIP 5's gap)."""
    yield from _icd10(enc, refs, Icd10Status.INVALID)
    day = claim_date(enc, refs.as_of)
    if enc.icd_version == 9 and day >= ICD10_START:
        yield Hit(f"icd_version is 9, but ICD-9-CM codes are not used for services on or after {ICD10_START} (the "
                  f"date of service is {day}); code the diagnoses in ICD-10-CM", "icd_version",
                  source="HIPAA ICD-10 compliance date (45 CFR 162.1002)")
    for path, raw in _diagnoses(enc):
        check = codes.icd10(dx(raw), day)
        if check.status is Icd10Status.GAP:
            yield Hit(f"{path} {raw!r} {check.message}; check the code against the release in effect", path,
                      source=check.release.version, severity=Severity.WARNING)


@edit("coding.icd10.not_billable", root_cause=CODING, prevents="CO-146", data=ICD10)
def icd10_not_billable(enc: Encounter, refs: References) -> Iterator[Hit]:
    """A diagnosis is billable (a leaf code), not a category with codes below it, on the date of service."""
    yield from _icd10(enc, refs, Icd10Status.NOT_BILLABLE)


@edit("coding.icd10.unspecified", root_cause=CODING, prevents="CO-16", severity=Severity.WARNING, data=ICD10)
def icd10_unspecified(enc: Encounter, refs: References) -> Iterator[Hit]:
    """A diagnosis titled "unspecified" where the release has more specific codes beside it (payers deny
    unspecified codes when the record supports a specific one)."""
    day = claim_date(enc, refs.as_of)
    for path, raw in _diagnoses(enc):
        alternatives = codes.unspecified_alternatives(dx(raw), day)
        if alternatives:
            shown = ", ".join(alternatives[:4]) + (" …" if len(alternatives) > 4 else "")
            yield Hit(f"{path} {raw!r} is an unspecified code; code the specific one the record supports ({shown})",
                      path, source=codes.icd10(dx(raw), day).release.version)


def _sex_age_rules(enc: Encounter) -> Iterator[tuple[str, str, codes.SexAge]]:
    for path, raw in _diagnoses(enc):
        limits = codes.sex_age(dx(raw))
        if limits.limited:
            yield path, raw, limits


@edit("coding.icd10.sex", root_cause=CODING, prevents="CO-10",
      data="mappings/codes/icd-10-cm-sex-age.csv (sex rows: derived from ICD-10-CM titles)")
def icd10_sex(enc: Encounter, refs: References) -> Iterator[Hit]:
    """A diagnosis limited to one sex (pregnancy, prostate, …) fits the patient's sex (patient.sex F or M)."""
    sex = enc.patient.sex
    if sex not in ("F", "M"):
        return
    for path, raw, limits in _sex_age_rules(enc):
        if limits.sex and limits.sex != sex:
            rule = next(r for r in limits.rules if r.edit == "sex")
            word = {"F": "female", "M": "male"}
            yield Hit(f"{path} {raw!r} is a {word[limits.sex]}-only diagnosis but patient.sex is {sex}; correct the "
                      "diagnosis or the patient's sex", path, source=f"ICD-10-CM sex edits ({rule.source})")


@edit("coding.icd10.age", root_cause=CODING, prevents="CO-9",
      data="mappings/codes/icd-10-cm-sex-age.csv (CMS Medicare Code Editor v37 age lists)")
def icd10_age(enc: Encounter, refs: References) -> Iterator[Hit]:
    """A diagnosis limited to an age (newborn, pediatric, maternity) fits the patient's age on the date of
    service (from patient.birth_date)."""
    born = enc.patient.birth_date
    if born is None:
        return
    day = claim_date(enc, refs.as_of)
    years = age_on(born, day)
    for path, raw, limits in _sex_age_rules(enc):
        if limits.age and not limits.age[0] <= years <= limits.age[1]:
            rule = next(r for r in limits.rules if r.edit == "age")
            yield Hit(f"{path} {raw!r} is a {limits.category} diagnosis (ages {limits.age[0]}–{limits.age[1]}) but "
                      f"the patient is {years} on {day}; correct the diagnosis or patient.birth_date", path,
                      source=f"ICD-10-CM age edits ({rule.source})")


@edit("coding.dx_pointer.range", root_cause=CODING, prevents="CO-16",
      data="005010X222A1 SV107 (diagnosis code pointers)")
def dx_pointer_range(enc: Encounter, refs: References) -> Iterator[Hit]:
    """837P: each line points to 1–4 diagnoses that exist (1 … the number of diagnoses), each once."""
    if enc.institutional:
        return
    count = len(enc.diagnoses)
    for n, line in enumerate(enc.lines):
        path = f"lines[{n}].diagnosis_pointers"
        if not line.diagnosis_pointers:
            yield Hit(f"{path} is empty; point the line to the diagnoses it treats (1 … {count})", path, n)
        for pointer in line.diagnosis_pointers:
            if not 1 <= pointer <= count:
                yield Hit(f"{path} names diagnosis {pointer}, but the encounter has {count}; point to 1 … {count}",
                          path, n)
        if len(set(line.diagnosis_pointers)) != len(line.diagnosis_pointers):
            yield Hit(f"{path} repeats a pointer {list(line.diagnosis_pointers)}; list each diagnosis once", path, n)
    if count > 12:
        yield Hit(f"diagnoses holds {count} codes; an 837P carries 12 at most: keep the 12 the lines point to",
                  "diagnoses")


@edit("coding.dx_pointer.principal", root_cause=CODING, prevents="CO-16",
      data="005010X222A1 HI (ABK principal diagnosis), SV107")
def dx_pointer_principal(enc: Encounter, refs: References) -> Iterator[Hit]:
    """837P: some line points to the principal (first) diagnosis; a principal no service treats is a coding
    error (resequence the diagnoses or fix the pointers)."""
    if enc.institutional or not enc.lines:
        return
    if not any(1 in line.diagnosis_pointers for line in enc.lines):
        yield Hit(f"no line points to diagnoses[0] ({enc.diagnoses[0].code!r}, the principal); point the main "
                  "service to it or put the diagnosis the services treat first", "lines[0].diagnosis_pointers", 0)


@edit("coding.procedure.format", root_cause=CODING, prevents="CO-16",
      data="CPT/HCPCS code shapes (edi.validate.codesets.PROCEDURE, shared with SNIP 5)")
def procedure_format(enc: Encounter, refs: References) -> Iterator[Hit]:
    """A CPT/HCPCS procedure (qualifier HC) has a code's shape: 5 digits, 4 digits + F/T/U, or a letter + 4
    digits."""
    for n, line in enumerate(enc.lines):
        code = line.procedure_code
        if code and line.procedure_qualifier == "HC" and not PROCEDURE.fullmatch(code):
            yield Hit(f"lines[{n}].procedure_code {code!r} is not a CPT/HCPCS code; correct it",
                      f"lines[{n}].procedure_code", n)


def _same_day(enc: Encounter, refs: References) -> dict[tuple[date, str], list[int]]:
    """Professional lines with a procedure, grouped by (date of service, rendering NPI): NCCI's unit."""
    groups: dict[tuple[date, str], list[int]] = defaultdict(list)
    if enc.institutional:
        return groups
    for n, line in enumerate(enc.lines):
        if line.procedure_code:
            groups[line_date(enc, line, refs.as_of), line_provider_npi(enc, line)].append(n)
    return groups


@edit("coding.ncci.ptp", root_cause=CODING, prevents="CO-236", data=NCCI)
def ncci_ptp(enc: Encounter, refs: References) -> Iterator[Hit]:
    """NCCI procedure-to-procedure: a column-2 code billed with its column-1 code (same patient, provider and
    date) is bundled — never allowed with modifier indicator 0; with indicator 1 only with an NCCI-associated
    modifier (59, XE, XS, XP, XU, anatomic, global surgery …) on the column-2 line."""
    for (day, _), numbers in _same_day(enc, refs).items():
        lines = {n: enc.lines[n] for n in numbers}
        by_code: dict[str, list[int]] = defaultdict(list)
        for n, line in lines.items():
            by_code[line.procedure_code].append(n)
        if len(by_code) < 2:
            continue
        for pair in refs.ptp(tuple(by_code), day):
            first = enc.lines[by_code[pair.column1][0]] if by_code.get(pair.column1) else None
            for n in by_code.get(pair.column2, ()):
                line = enc.lines[n]
                if _bypassed(pair, line.modifiers, first.modifiers if first else ()):
                    continue
                source = refs.ncci_source("ptp", pair.quarter, pair.source)
                path = f"lines[{n}].procedure_code"
                if pair.modifier == 0:
                    fix = "no modifier allows the pair: remove the column-2 service"
                else:
                    fix = ("when the record shows a distinct service (other site, session or encounter), add 59 or "
                           "XE/XS/XP/XU to it; else remove it")
                yield Hit(f"{path} {pair.column2} is bundled into {pair.column1} on {day} (NCCI PTP, modifier "
                          f"indicator {pair.modifier}); {fix}", path, n, source)


# NCCI-associated modifiers that name a site (NCCI Policy Manual ch. I §E): they bypass an indicator-1 edit only
# when the two codes are at different sites, so the same one on both lines bypasses nothing.
ANATOMIC = frozenset({"E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "LC", "LD",
                      "LM", "LT", "RC", "RI", "RT", "TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9"})


def _bypassed(pair: codes.PtpEdit, column2: tuple[str, ...], column1: tuple[str, ...]) -> bool:
    """Indicator 1 and an NCCI-associated modifier on the column-2 line; a site modifier only when the column-1
    line is not at the same site."""
    if not pair.bypassed_by(column2):
        return False
    used = set(column2) & codes.PTP_MODIFIERS
    return bool(used - ANATOMIC) or bool(used - set(column1))


@edit("coding.mue", root_cause=CODING, prevents="CO-151", data=NCCI)
def mue_units(enc: Encounter, refs: References) -> Iterator[Hit]:
    """Medically unlikely edits: a line's units (MAI 1), or a code's units on one date of service for the patient
    and provider (MAI 2 and 3, counting earlier claims of the batch that go out), are at most the code's MUE
    value."""
    for (day, provider), numbers in _same_day(enc, refs).items():
        by_code: dict[str, list[int]] = defaultdict(list)
        for n in numbers:
            by_code[enc.lines[n].procedure_code].append(n)
        for code, ns in by_code.items():
            found = refs.mue(code, day)
            if found is None:
                continue
            source = refs.ncci_source("mue", found.quarter, found.source)
            for n in ns:
                units = enc.lines[n].units
                if units > found.value:
                    yield Hit(f"lines[{n}].units {units} of {code} exceed its MUE of {found.value} (MAI "
                              f"{found.mai}); bill at most {found.value}, or appeal with the record",
                              f"lines[{n}].units", n, source)
            total = sum((enc.lines[n].units for n in ns), Decimal(0))
            if not found.per_day or any(enc.lines[n].units > found.value for n in ns):
                continue
            earlier = refs.batch.units((patient_key(enc), provider, day, code))
            if total + earlier > found.value:
                where = f" over {len(ns)} lines" if len(ns) > 1 else ""
                before = f" and {earlier} more on other claims of this batch" if earlier else ""
                yield Hit(f"{code} is billed for {total} units on {day}{where}{before}; its MUE is {found.value} per "
                          f"day for the patient and provider (MAI {found.mai}): bill at most {found.value}",
                          f"lines[{ns[-1]}].units", ns[-1], source)


@edit("coding.addon.primary_missing", root_cause=CODING, prevents="CO-107", data=NCCI)
def addon_primary(enc: Encounter, refs: References) -> Iterator[Hit]:
    """An add-on code is billed with one of its primary procedures the same day (type 1; type 3 a warning, as
    contractors may allow others; type 2's primaries are the contractor's, not checked)."""
    for (day, _), numbers in _same_day(enc, refs).items():
        present = {enc.lines[n].procedure_code for n in numbers}
        for n in numbers:
            code = enc.lines[n].procedure_code
            rule = refs.addon(code, day)
            if rule is None or rule.type == 2:
                continue
            listed = [p for p in rule.primaries if p != "CCCCC"]
            if listed and present.isdisjoint(listed):
                first = rule.edits[0]
                shown = ", ".join(listed[:6]) + (" …" if len(listed) > 6 else "")
                yield Hit(f"lines[{n}].procedure_code {code} is an add-on code billed without its primary "
                          f"procedure ({shown}) on {day}; add the primary or remove the add-on",
                          f"lines[{n}].procedure_code", n, refs.ncci_source("addon", first.quarter, first.source),
                          Severity.WARNING if rule.type == 3 else None)


# Surgical procedures with a global period make a same-day E/M need modifier 25 (57 when the E/M is the decision
# for a major surgery): CMS Claims Processing Manual ch. 12 §30.6.6, NCCI Policy Manual ch. I §D. Without CMS's
# physician fee schedule global-days file at hand, "surgical" is the CPT surgery section (10004–69990), less
# codes with no global period (XXX) that the samples bill.
NO_GLOBAL = frozenset({"36415", "36416"})


def _is_procedure_needing_25(code: str) -> bool:
    return code.isdigit() and len(code) == 5 and 10004 <= int(code) <= 69990 and code not in NO_GLOBAL


_MOD25_SOURCE = ("CMS Claims Processing Manual ch. 12 §30.6.6 (CPT surgery section as the procedures with a global "
                 "period)")


@edit("coding.modifier25.missing", root_cause=CODING, prevents="CO-97", data=_MOD25_SOURCE)
def modifier25_missing(enc: Encounter, refs: References) -> Iterator[Hit]:
    """An E/M billed the same day as a minor procedure (by the same provider) carries modifier 25 (or 57 for
    the decision for surgery); without it the E/M is bundled into the procedure."""
    for (day, _), numbers in _same_day(enc, refs).items():
        procedures = [enc.lines[n].procedure_code for n in numbers
                      if _is_procedure_needing_25(enc.lines[n].procedure_code)
                      and refs.addon(enc.lines[n].procedure_code, day) is None]   # an add-on's primary decides
        if not procedures:
            continue
        for n in numbers:
            line = enc.lines[n]
            if is_em(line.procedure_code) and not {"25", "57"} & set(line.modifiers):
                yield Hit(f"lines[{n}].modifiers: E/M {line.procedure_code} is billed with {procedures[0]} the same "
                          "day without modifier 25; add 25 when the record shows a significant, separately "
                          "identifiable E/M, else remove the E/M", f"lines[{n}].modifiers", n, _MOD25_SOURCE)


@edit("coding.modifier25.without_procedure", root_cause=CODING, prevents="CO-4", severity=Severity.WARNING,
      data=_MOD25_SOURCE)
def modifier25_alone(enc: Encounter, refs: References) -> Iterator[Hit]:
    """Modifier 25 on an E/M with no other procedure the same day: the modifier says nothing and some payers
    deny the line."""
    for _, numbers in _same_day(enc, refs).items():
        others = [n for n in numbers if not is_em(enc.lines[n].procedure_code)]
        for n in numbers:
            line = enc.lines[n]
            if is_em(line.procedure_code) and "25" in line.modifiers and not others:
                yield Hit(f"lines[{n}].modifiers: E/M {line.procedure_code} carries 25 but no procedure is billed "
                          "the same day; remove modifier 25", f"lines[{n}].modifiers", n, _MOD25_SOURCE)


@edit("coding.modifier59.no_edit", root_cause=CODING, prevents="CO-4", severity=Severity.WARNING, data=NCCI)
def modifier59_no_edit(enc: Encounter, refs: References) -> Iterator[Hit]:
    """Modifier 59 or XE/XS/XP/XU on a line that no NCCI PTP edit pairs with another line of the same day: the
    modifier bypasses nothing and invites review (NCCI Policy Manual ch. I §E)."""
    for (day, _), numbers in _same_day(enc, refs).items():
        codes_here = tuple({enc.lines[n].procedure_code for n in numbers})
        paired = {code for edit_ in refs.ptp(codes_here, day) for code in (edit_.column1, edit_.column2)}
        for n in numbers:
            line = enc.lines[n]
            used = sorted(X_MODIFIERS & set(line.modifiers))
            if used and line.procedure_code not in paired:
                yield Hit(f"lines[{n}].modifiers: {used[0]} on {line.procedure_code}, but no NCCI PTP edit pairs it "
                          f"with another service on {day}{_no_data(refs, line.procedure_code)}; remove {used[0]}",
                          f"lines[{n}].modifiers", n, _ptp_table(refs))


def _no_data(refs: References, code: str) -> str:
    if refs.ledger is not None and refs.quarter("ncci-ptp") is not None or refs.tables.covers("ptp", code):
        return ""
    return " (the NCCI PTP table in use holds no rows for this code: load CMS's quarter with `edi codes load`)"


def _ptp_table(refs: References) -> str:
    quarter = refs.quarter("ncci-ptp") if refs.ledger is not None else None
    if quarter is not None:
        return f"NCCI PTP {quarter} (loaded into the ledger)"
    found = refs.tables.coverage.get("ptp")
    return f"NCCI PTP {found.quarter} ({found.source})" if found and found.quarter else \
        "NCCI PTP extract (mappings/codes/ncci-ptp.csv: no rows)"


# Office E/M codes are for the office or other outpatient setting; inpatient (21), emergency department (23) and
# nursing facility (31, 32) visits have E/M codes of their own (CPT E/M guidelines; CMS Claims Processing Manual
# ch. 12 §30.6).
_NOT_OFFICE = {"21": "inpatient hospital (99221–99239)", "23": "emergency department (99281–99285)",
               "31": "skilled nursing facility (99304–99316)", "32": "nursing facility (99304–99316)"}


@edit("coding.em.place_of_service", root_cause=CODING, prevents="CO-5",
      data="CMS Claims Processing Manual ch. 12 §30.6; CMS place of service codes")
def em_place_of_service(enc: Encounter, refs: References) -> Iterator[Hit]:
    """An office or outpatient E/M (99202–99215) is not billed at an inpatient, emergency department or nursing
    facility place of service, which have E/M codes of their own."""
    if enc.institutional:
        return
    for n, line in enumerate(enc.lines):
        pos = line.place_of_service or enc.place_of_service
        if line.procedure_code in EM_OFFICE and pos in _NOT_OFFICE:
            field = f"lines[{n}].place_of_service" if line.place_of_service else "place_of_service"
            yield Hit(f"lines[{n}].procedure_code {line.procedure_code} is an office visit but {field} is {pos}, "
                      f"{_NOT_OFFICE[pos]}: code the visit for that setting, or correct the place of service",
                      field, n)
