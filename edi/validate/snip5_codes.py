"""SNIP 5 — external code sets: ICD-10-CM, place of service, CARC/RARC with their dates, NPI check digits,
taxonomy and procedure code formats.

Each finding names the code-set version it was checked against (``details["code_set"]``). Code lists pyx12 already
attaches to elements (states, claim status category and code, POS and remark codes by membership) are checked by
``_elements.py``; the rules here add what those lists cannot say: effective dates, billability, check digits.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import date

from edi import codes
from edi.codes import Icd10Status
from edi.guide import Loop, SegmentNode
from edi.validate import codesets
from edi.validate._engine import Context
from edi.validate._finding import Finding, Location, Severity
from edi.validate.snip4_situational import parse_date
from edi.validate._rules import loop_rule, segment_rule
from edi.validate.codesets import CodeSet, CodeStatus

ICD10_QUALIFIERS = frozenset({"ABK", "ABF", "ABJ", "APR", "ABN"})   # principal, other, admitting, reason, ext. cause
ICD9_QUALIFIERS = frozenset({"BK", "BF", "BJ", "PR", "BN"})         # the same roles for ICD-9-CM codes
ICD10_START = date(2015, 10, 1)                                     # HIPAA: ICD-10-CM for services from this day
_TAXONOMY = codesets.TAXONOMY
_PROCEDURE = codesets.PROCEDURE  # CPT; CPT Cat II/III, PLA; HCPCS Level II
_REASON_POSITIONS = (2, 5, 8, 11, 14, 17)                           # CAS reason codes
_REMARK_POSITIONS = {"MOA": (3, 4, 5, 6, 7), "MIA": (5, 20, 21, 22, 23)}


# -- helpers ---------------------------------------------------------------------------------------------------
def _at(ctx: Context, node: SegmentNode, n: int, k: int = 0) -> Location:
    """Location of element n (component k) of a segment, named from its guide spec; works inside loop rules."""
    seg = node.segment
    spec = node.element_spec(n)
    part = spec.components[k - 1] if spec is not None and k and k <= len(spec.components) else None
    named = part or (spec if not k else None)
    ref = named.id if named is not None else f"{seg.id}{n:02d}" + (f"-{k:02d}" if k else "")
    header = ctx.transaction.header if ctx.transaction is not None else None
    position = seg.index - header.index + 1 if header is not None and seg.index >= header.index >= 0 else 0
    return ctx.at(seg, node.loop, position, ref, named.name if named else None, (n, k, 0),
                  named.data_ele if named else None)


def _dates(loop: Loop, qualifiers: tuple[str, ...]) -> Iterator[date]:
    """Start dates (D8, RD8 or DT) of the DTP segments with these qualifiers in a loop and its 2400 lines."""
    for child in loop.children:
        if isinstance(child, Loop):
            if child.spec.id == "2400":
                yield from _dates(child, qualifiers)
            continue
        seg = child.segment
        if seg.id == "DTP" and seg[1] in qualifiers and seg[2] in ("D8", "RD8", "DT"):
            day = parse_date(seg[3])
            if day is not None:
                yield day


def service_date(ctx: Context, claim: Loop) -> date | None:
    """The claim's date of service: its earliest DTP*472 (service) or DTP*434 (statement period) start."""
    cached = ctx.state.get("snip5_dos")
    if isinstance(cached, tuple) and cached[0] is claim:
        return cached[1]  # type: ignore[no-any-return]
    day = min(_dates(claim, ("472", "434")), default=None)
    ctx.state["snip5_dos"] = (claim, day)
    return day


# -- ICD-10-CM -------------------------------------------------------------------------------------------------
@loop_rule("2300", snip=5)
def diagnosis_codes(ctx: Context, claim: Loop) -> Iterator[Finding]:
    """837 HI diagnoses (ABK/ABF/ABJ/APR/ABN) are ICD-10-CM codes valid and billable (leaf codes) in the release in
    effect on the date of service (edi.codes: FY2021 onwards, judged by the neighbouring releases where a release's
    source was not reached: a code in neither is an error, in only one a warning)."""
    if ctx.kind not in ("837P", "837I"):
        return
    dos = service_date(ctx, claim)
    day = dos or date.today()
    for node in claim.children:
        if node.__class__ is not SegmentNode or node.segment.id != "HI":  # type: ignore[union-attr]
            continue
        elements = node.segment.elements  # type: ignore[union-attr]
        sep = node.segment.delimiters.component if node.segment.delimiters else ":"  # type: ignore[union-attr]
        for n in range(1, len(elements)):
            qualifier, _, rest = elements[n].partition(sep)
            code = rest.partition(sep)[0]
            if qualifier in ICD9_QUALIFIERS and dos is not None and dos >= ICD10_START:
                yield ctx.finding("snip5.icd9.after_icd10", 5, f"HI{n:02d} qualifier {qualifier} marks an ICD-9-CM "
                                  f"code, but ICD-10-CM is required for services on or after 2015-10-01 (this claim: "
                                  f"{dos}); send the ICD-10-CM code with qualifier A{qualifier}", _at(ctx, node, n, 1),
                                  value=qualifier, ik304="8", ik403="7",
                                  code_set=codes.icd10_table().releases[-1].version)
            elif qualifier in ICD10_QUALIFIERS and code:
                finding = _icd10_finding(ctx, node, n, codes.icd10(code, day), day, dos is not None)
                if finding is not None:
                    yield finding


_ICD10_WHAT = {Icd10Status.INVALID: "invalid", Icd10Status.NOT_BILLABLE: "not_billable", Icd10Status.GAP: "gap"}


def _icd10_finding(ctx: Context, node: SegmentNode, n: int, check: codes.Icd10Check, day: date,
                   dated: bool) -> Finding | None:
    if check.status is Icd10Status.BILLABLE:
        return None
    code = check.code
    message = f"HI{n:02d}-2 diagnosis {code!r} {check.message}"
    if check.status is Icd10Status.INVALID and "." in code:
        message += " (X12 omits the decimal point: J20.9 is sent as J209)"
    elif check.status is Icd10Status.NOT_BILLABLE:
        message += f"; code to the highest specificity ({', '.join(codes.icd10_children(code, day))} …)"
    if not dated:
        message += f" (no DTP*472/434 on the claim: checked on today's date, {day})"
    return ctx.finding(f"snip5.icd10.{_ICD10_WHAT[check.status]}", 5, message, _at(ctx, node, n, 2), value=code,
                       ik304="8", ik403="7", severity=Severity.ERROR if check.definite else Severity.WARNING,
                       code_set=check.release.version, date_of_service=str(day))


# -- place of service --------------------------------------------------------------------------------------------
@loop_rule("2300", snip=5)
def place_of_service_dates(ctx: Context, claim: Loop) -> Iterator[Finding]:
    """837P CLM05-1 and SV105 place-of-service codes are in effect on the date of service (CMS POS code set);
    codes outside the list are reported by the element check against pyx12's 'pos' list."""
    if ctx.kind != "837P":
        return
    claim_day = service_date(ctx, claim) or date.today()
    clm = claim.first("CLM")
    if clm is not None:
        yield from _pos(ctx, clm, 5, 1, clm.segment.component(5, 1), claim_day)
    for line in claim.loops("2400"):
        sv1 = line.first("SV1")
        if sv1 is not None and sv1.segment[5]:
            yield from _pos(ctx, sv1, 5, 0, sv1.segment[5], min(_dates(line, ("472",)), default=claim_day))


def _pos(ctx: Context, node: SegmentNode, n: int, k: int, code: str, day: date) -> Iterator[Finding]:
    table = codesets.place_of_service()
    status = table.status(code, day)
    if status in (CodeStatus.NOT_YET, CodeStatus.ENDED):
        entry = table.lookup(code)
        assert entry is not None
        when = (f"takes effect {entry.start}" if status is CodeStatus.NOT_YET
                else f"ended {entry.stop}")
        yield ctx.finding("snip5.pos.not_effective", 5, f"place of service {code} ({entry.name}) {when}, but the "
                          f"date of service is {day}; use the code in effect on that date", _at(ctx, node, n, k),
                          value=code, ik304="8", ik403="7", code_set=table.version, date_of_service=str(day))


# -- NPI, taxonomy, procedure codes ------------------------------------------------------------------------------
def _npi(ctx: Context, node: SegmentNode, n: int) -> Iterator[Finding]:
    """Element ``n`` as an NPI — unless the guide marks it not used there (837P 2010AB, 2330x …): then it must
    go, which SNIP 2 says (snip2.element.not_used); its digits do not matter."""
    spec = node.element_spec(n)
    if spec is not None and spec.usage == "N":
        return
    value = node.segment[n]
    problem = codesets.npi_problem(value) if value else None
    if problem is not None:
        yield ctx.finding(f"snip5.npi.{problem[0]}", 5, problem[1], _at(ctx, node, n), value=value, ik304="8",
                          ik403="7", code_set="NPI (CMS NPPES, check digit ISO/IEC 7812 Luhn)")


@segment_rule("NM1", snip=5)
def nm1_npi(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """An NM109 identified as an NPI (NM108 = XX) is 10 digits with a valid check digit."""
    if node.segment[8] == "XX":
        yield from _npi(ctx, node, 9)


@segment_rule("N1", snip=5)
def n1_npi(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """An N104 identified as an NPI (N103 = XX, e.g. the 835 payee) is 10 digits with a valid check digit."""
    if node.segment[3] == "XX":
        yield from _npi(ctx, node, 4)


@segment_rule("REF", snip=5)
def ref_npi(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """A REF02 qualified as an NPI (REF01 = HPI, e.g. 835 2110 rendering provider) is a valid NPI."""
    if node.segment[1] == "HPI":
        yield from _npi(ctx, node, 2)


@segment_rule("PRV", snip=5)
def taxonomy_format(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """A PRV03 taxonomy (PRV02 = PXC) is a NUCC code: 10 characters, nine letters or digits then X."""
    value = node.segment[3]
    if node.segment[2] == "PXC" and value and not _TAXONOMY.fullmatch(value):
        yield ctx.finding("snip5.taxonomy.format", 5, f"PRV03 {value!r} is not a NUCC taxonomy code: taxonomy codes "
                          "are 10 characters, nine letters or digits followed by X (e.g. 207Q00000X)",
                          _at(ctx, node, 3), value=value, ik304="8", ik403="7", code_set="NUCC Health Care Provider "
                          "Taxonomy (format only)")


_PROCEDURE_ELEMENTS = {"SV1": (1,), "SV2": (2,), "SVC": (1, 6)}


@segment_rule("SV1", snip=5)
@segment_rule("SV2", snip=5)
@segment_rule("SVC", snip=5)
def procedure_format(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """A procedure code qualified HC (SV101-2, SV202-2, SVC01-2, SVC06-2) has the CPT or HCPCS Level II shape:
    5 digits, 4 digits + F/T/U, or a letter + 4 digits (format only: CPT descriptions are the AMA's)."""
    seg = node.segment
    separator = seg.delimiters.component if seg.delimiters else ":"
    for n in _PROCEDURE_ELEMENTS.get(seg.id, ()):
        code = _malformed_procedure(seg[n], separator)
        if code:
            yield ctx.finding("snip5.procedure.format", 5, f"{seg.id}{n:02d}-2 {code!r} is not a CPT/HCPCS code: CPT "
                              "codes are 5 digits (Category II/III and PLA: 4 digits + F/T/U), HCPCS Level II codes "
                              "a capital letter + 4 digits", _at(ctx, node, n, 2), value=code, ik304="8", ik403="7",
                              code_set="CPT/HCPCS (format only)")


@functools.lru_cache(maxsize=4096)  # a batch bills the same procedures again and again
def _malformed_procedure(value: str, separator: str) -> str | None:
    """The procedure code of an HC-qualified composite when it does not have the CPT/HCPCS shape, else None."""
    qualifier, _, rest = value.partition(separator)
    code = rest.partition(separator)[0]
    return code if qualifier == "HC" and code and not _PROCEDURE.fullmatch(code) else None


# -- CARC / RARC on the 835 ------------------------------------------------------------------------------------
@segment_rule("BPR", snip=5)
def remittance_date(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """Notes the 835 payment date (BPR16) that CARC/RARC dates are compared with; reports nothing."""
    day = parse_date(node.segment[16])
    if day is not None:
        ctx.state["remit_date"] = day
    return iter(())


@segment_rule("DTM", snip=5)
def production_date(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """Falls back to the 835 production date (DTM*405) when BPR16 gave no payment date; reports nothing."""
    if node.segment[1] == "405" and "remit_date" not in ctx.state:
        day = parse_date(node.segment[2])
        if day is not None:
            ctx.state["remit_date"] = day
    return iter(())


def _remit_code(ctx: Context, node: SegmentNode, n: int, table: CodeSet, kind: str,
                report_unknown: bool) -> Iterator[Finding]:
    code = node.segment[n]
    day = ctx.state.get("remit_date")
    day = day if isinstance(day, date) else date.today()
    status = table.status(code, day) if code else CodeStatus.IN_EFFECT
    if status is CodeStatus.IN_EFFECT or (status is CodeStatus.UNKNOWN and not report_unknown):
        return
    yield _remit_finding(ctx, node, n, table, kind, code, status, day)


def _remit_finding(ctx: Context, node: SegmentNode, n: int, table: CodeSet, kind: str, code: str,
                   status: CodeStatus, day: date) -> Finding:
    what, severity, why = _remit_problem(status, table.lookup(code), table, day)
    return ctx.finding(f"snip5.{kind}.{what}", 5, f"{node.segment.id}{n:02d} {table.name} {code} {why}",
                      _at(ctx, node, n), value=code, ik304="8", ik403="7", severity=severity,
                      code_set=table.version, remittance_date=str(day))


def _remit_problem(status: CodeStatus, entry: codesets.CodeEntry | None, table: CodeSet,
                   day: date) -> tuple[str, Severity, str]:
    """(finding code suffix, severity, what is wrong) for a CARC/RARC that is not in effect on ``day``."""
    if status is CodeStatus.UNKNOWN or entry is None:
        return "unknown", Severity.WARNING, f"is not in {table.version} (the list may be incomplete); check the code"
    if status is CodeStatus.NOT_YET:
        return "not_effective", Severity.ERROR, f"takes effect {entry.start}, after the remittance date {day}"
    if entry.stop is None:
        return "deactivated", Severity.WARNING, ("is deactivated (on a date the list does not record); the payer "
                                                 "should use a current code")
    return "deactivated", Severity.ERROR, (f"was deactivated on {entry.stop}, before the remittance date {day}; "
                                           "the payer must use a current code")


IN_EFFECT = CodeStatus.IN_EFFECT


@segment_rule("CAS", snip=5)
def adjustment_reasons(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """835 CAS reason codes are CARCs in effect on the remittance date (unknown codes: warning)."""
    if ctx.kind != "835":
        return
    elements = node.segment.elements
    day = ctx.state.get("remit_date")
    day = day if isinstance(day, date) else date.today()
    table = codesets.carc()
    status = table.status
    size = len(elements)
    for n in _REASON_POSITIONS[:(size + 1) // 3]:
        code = elements[n] if n < size else ""
        if code:
            found = status(code, day)
            if found is not IN_EFFECT:
                yield _remit_finding(ctx, node, n, table, "carc", code, found, day)


@segment_rule("LQ", snip=5)
def remark_codes(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """835 LQ*HE remark codes are RARCs in effect on the remittance date (unknown codes: warning)."""
    if ctx.kind == "835" and node.segment[1] == "HE":
        yield from _remit_code(ctx, node, 2, codesets.rarc(), "rarc", True)


@segment_rule("MOA", snip=5)
@segment_rule("MIA", snip=5)
def claim_remark_codes(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """835 MOA/MIA remark codes are not deactivated on the remittance date (membership: the element check)."""
    if ctx.kind == "835":
        for n in _REMARK_POSITIONS[node.segment.id]:
            yield from _remit_code(ctx, node, n, codesets.rarc(), "rarc", False)
