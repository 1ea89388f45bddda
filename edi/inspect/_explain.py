"""`edi explain CODE…`: what a code means and what to do about it — CARC (alone or as group-CARC, CO-45), RARC,
place of service, 835 claim status (CLP02), 277CA status category, adjustment group, claim frequency, TA1
(TA104/TA105) and 999 (IK304, IK403, IK501, IK502, AK901, AK905) codes, our validation finding codes
(docs/validation-rules.md) and scrub edit codes (docs/scrub-edits.md).

A bare code is read every way it can be ("16" is a CARC, a place of service and an IK403 code, …); ``kind:code``
("ik403:I12", "pos:11") picks one. Names come from the tables in mappings/codes/; CARC and RARC descriptions are
X12's and are not shipped, so for them the status our dated table records is given, with where to read the text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from edi._data import docs_dir
from edi.inspect._codes import named_table
from edi.validate.codesets import CodeSet, carc, place_of_service, rarc

X12_CODES = "https://x12.org/codes"


@dataclass(frozen=True)
class Explanation:
    kind: str         # "CARC", "IK403 (999)", "finding", …
    code: str         # as asked: "CO-45", "I12"
    meaning: str
    action: str       # what to do about it
    source: str       # the table or document it comes from

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Kind:
    name: str
    table: Callable[[], CodeSet]
    action: Callable[[str], str]


def _fixed(text: str) -> Callable[[str], str]:
    return lambda code: text


def _verdict(accepted: str, noted: str, rejected: str) -> Callable[[str], str]:
    return lambda code: accepted if code == "A" else noted if code == "E" else rejected


_ENVELOPE = ("fix the interchange envelope (the ISA element it concerns, or ISA/IEA pairing) and send the whole "
             "interchange again under a new ISA13")
_KINDS: dict[str, _Kind] = {k.name.split()[0].lower(): k for k in (
    _Kind("POS (place of service)", place_of_service,
          _fixed("use the code for where the service was rendered on the date of service (837P CLM05-1, SV105)")),
    _Kind("CLP02 (835 claim status)", functools.partial(named_table, "claim-status.csv"),
          lambda code: {"4": "denied: route by the CARCs of the claim's CAS segments; correct and resubmit, or appeal",
                        "22": "a reversal: the payer takes back an earlier payment of this claim; post it against that "
                              "payment, then post the correction that follows"}.get(
              code, "post what the claim payment carries (CLP04 paid, CAS adjustments, patient responsibility)")),
    _Kind("STC (277CA status category)", functools.partial(named_table, "claim-status-category.csv"),
          lambda code: "correct the claim as the STC's status code and entity say, and send it again as a new "
                       "original (frequency 1): a rejected claim never entered adjudication" if code in ("A3", "A6", "A7", "A8")
          else "nothing to do yet: watch for the 835"),
    _Kind("GROUP (claim adjustment group)", functools.partial(named_table, "claim-adjustment-group.csv"),
          lambda code: {"CO": "contractual: write it off; the patient may not be billed for it",
                        "PR": "patient responsibility: bill the patient (or the next payer)",
                        "PI": "payer initiated: the patient may not be billed; appeal if it is wrong",
                        "OA": "other: read the CARC; usually neither the patient's nor a write-off until resolved",
                        "CR": "a correction or reversal (4010 and 837 COB only)"}.get(code, "")),
    _Kind("FREQUENCY (claim frequency, CLM05-3)", functools.partial(named_table, "claim-frequency.csv"),
          lambda code: "7 and 8 must carry the payer's claim number of the original (2300 REF*F8)"
          if code in ("7", "8") else ""),
    _Kind("FILING (claim filing indicator, SBR09 / CLP06)", functools.partial(named_table, "claim-filing-indicator.csv"),
          _fixed("the kind of plan the payer says the claim is for; it must match the payer's profile")),
    _Kind("ENTITY (entity identifier, NM101 / N101 / STC01-3)", functools.partial(named_table, "entity-identifier.csv"),
          _fixed("in a 277CA, the party whose data the claim was rejected for")),
    _Kind("TA104 (TA1 acknowledgment)", functools.partial(named_table, "ta1-ack.csv"),
          _verdict("nothing to do", "the interchange was accepted; read the TA105 note", _ENVELOPE)),
    _Kind("TA105 (TA1 note)", functools.partial(named_table, "ta1-note.csv"),
          lambda code: "nothing to do" if code == "000" else _ENVELOPE),
    _Kind("IK304 (999 segment error)", functools.partial(named_table, "ik304.csv"),
          _fixed("fix the segment the IK3 names (IK301 segment, IK302 its position in the transaction set, IK303 "
                 "the loop) and send the transaction set again")),
    _Kind("IK403 (999 element error)", functools.partial(named_table, "ik403.csv"),
          _fixed("fix the element the IK4 names (IK401 its position, IK402 its data element number, IK404 the "
                 "value sent) and send the transaction set again")),
    _Kind("IK501 (999 transaction set verdict)", functools.partial(named_table, "ik501.csv"),
          _verdict("nothing to do", "accepted: read the IK3/IK4 segments and fix them before the next file",
                   "rejected: none of the transaction set's claims were taken; fix what IK502 and the IK3/IK4 "
                   "say and send the transaction set again")),
    _Kind("IK502 (999 transaction set error)", functools.partial(named_table, "ik502.csv"),
          _fixed("fix the transaction set's envelope (ST/SE) or the segments the IK3s name and send it again")),
    _Kind("AK901 (999 functional group verdict)", functools.partial(named_table, "ak901.csv"),
          _verdict("nothing to do", "accepted: read the IK5s of its transaction sets",
                   "read each transaction set's IK5: the rejected ones must be fixed and sent again")),
    _Kind("AK905 (999 functional group error)", functools.partial(named_table, "ak905.csv"),
          _fixed("fix the functional group's envelope (GS/GE) and send the group again under a new GS06")),
)}
_GROUP_CARC = re.compile(r"^(CO|PR|OA|PI|CR)-?([A-Z]?\d{1,3}|[A-Z]\d)$")
_RARC = re.compile(r"^(M|MA|N)\d{1,3}$")
_ICD10 = re.compile(r"^[A-TV-Z]\d[0-9A-Z](\.?[0-9A-Z]{1,4})?$")


def explain(code: str) -> list[Explanation]:
    """Every reading of ``code`` we have a table for; empty when none."""
    text = code.strip()
    kind, sep, value = text.partition(":")
    if sep and kind.lower() in (*_KINDS, "carc", "rarc", "icd10", "finding", "edit"):
        return list(_as(kind.lower(), value.strip(), text))
    upper = text.upper()
    found = list(_group_carc(upper, text)) if _GROUP_CARC.match(upper) else []
    if "." in text:
        found += _finding(text) + _edit(text)
    if _ICD10.match(upper):
        found += _icd10(upper, text)
    for name in ("carc", "rarc", *_KINDS):
        found += _as(name, upper if name in ("carc", "rarc") else text, text)
    return found


def _as(kind: str, value: str, asked: str) -> list[Explanation]:
    if kind == "carc":
        return [e for e in [_dated(carc(), value, asked, "CARC")] if e] if not _RARC.match(value) else []
    if kind == "rarc":
        return [e for e in [_dated(rarc(), value, asked, "RARC")] if e]
    if kind == "icd10":
        return _icd10(value, asked)
    if kind == "finding":
        return _finding(value)
    if kind == "edit":
        return _edit(value)
    spec = _KINDS[kind]
    table = spec.table()
    entry = table.lookup(value)
    if entry is None:
        return []
    return [Explanation(spec.name, asked, entry.name or "(no name in our table)", spec.action(value), table.version)]


def _dated(table: CodeSet, value: str, asked: str, kind: str) -> Explanation | None:
    entry = table.lookup(value)
    if entry is None:
        return None
    if entry.deactivated or entry.stop is not None:
        status = "deactivated" + (f" from {entry.stop}" if entry.stop else "")
        action = ("a payer may not use it on a remittance dated after that; ask the payer which code replaces it"
                  if kind == "CARC" else "no longer in use; ask the payer which remark replaces it")
    else:
        status = "current" + (f" since {entry.start}" if entry.start else "")
        action = ("read the adjustment's group: CO write off, PR bill the patient, OA/PI do not bill the patient"
                  if kind == "CARC" else "a remark explaining an adjustment: read it with the CARC it comes with")
    page = "claim-adjustment-reason-codes" if kind == "CARC" else "remittance-advice-remark-codes"
    return Explanation(kind, asked, f"{kind} {value}, {status}; its description is X12's, not shipped: "
                       f"{X12_CODES}/{page}", action, table.version)


def _group_carc(upper: str, asked: str) -> Iterator[Explanation]:
    match = _GROUP_CARC.match(upper)
    assert match is not None
    group, reason = match.groups()
    found = _as("group", group, asked)
    reading = _dated(carc(), reason, asked, "CARC")
    if not found or reading is None:
        return
    yield Explanation(f"CARC in group {group}", asked, f"{found[0].meaning}: {reading.meaning}", found[0].action,
                      reading.source)


def _icd10(code: str, asked: str) -> list[Explanation]:
    """An ICD-10-CM code as of today: billable, a category, or no code — by the release today falls in."""
    from edi.codes import icd10, sex_age, unspecified_alternatives

    plain = code.upper().replace(".", "")
    check = icd10(plain, date.today())
    if check.status.value == "invalid" and not _ICD10.match(code.upper()):
        return []
    meaning = f"{plain} {check.message}" if check.message else f"{plain} is billable in ICD-10-CM {check.release.name}"
    rule = sex_age(plain)
    if rule.sex or rule.age:
        sex = {"F": "female ", "M": "male "}.get(rule.sex or "", "")
        meaning += f"; only for {sex}patients" + (f" aged {rule.age[0]}-{rule.age[1]}" if rule.age else "")
    action = "bill it" if check.ok else "code a billable code the record supports"
    alternatives = unspecified_alternatives(plain, date.today()) if check.ok else []
    if alternatives:
        action = f"billable, but unspecified: code the specific one the record supports ({', '.join(alternatives[:4])} …)"
    return [Explanation("ICD-10-CM", asked, meaning, action, check.release.source)]


@functools.cache
def _rule_rows() -> dict[str, tuple[str, str]]:
    """docs/validation-rules.md's tables: finding code → (what it checks, where the rule comes from)."""
    rows: dict[str, tuple[str, str]] = {}
    try:
        text = (docs_dir() / "validation-rules.md").read_text(encoding="utf-8")
    except OSError:
        return rows
    for line in text.splitlines():
        if line.startswith("| `snip"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            code = cells[0].strip("`")
            rows.setdefault(code, (cells[1], cells[-1]))
    return rows


def _finding(code: str) -> list[Explanation]:
    row = _rule_rows().get(code)
    if row is None:
        return []
    snip = code.split(".", 1)[0].removeprefix("snip")
    return [Explanation(f"finding (SNIP {snip})", code, row[0],
                        "fix the value the finding names in the system that wrote the file (its message gives the "
                        "segment, element and the fix), then send the transaction set again",
                        f"docs/validation-rules.md; rule source: {row[1]}")]


def _edit(code: str) -> list[Explanation]:
    from edi.claims.scrub import EDITS

    found = EDITS.get(code)
    if found is None:
        return []
    held = ("an error: the claim is held until it is fixed" if found.severity.value == "error"
            else "a warning: the claim goes out unless the build holds warnings (--hold warning)")
    return [Explanation(f"scrub edit ({found.root_cause.value})", code, found.summary,
                        f"{held}; fixing it prevents the denial {found.prevents} (root cause: "
                        f"{found.root_cause.value})", "docs/scrub-edits.md")]


def kinds() -> list[str]:
    return ["carc", "rarc", *_KINDS, "icd10", "finding", "edit"]
