"""The payer's front end: the clearinghouse and payer edits a file meets before adjudication, answered with our
own acknowledgments — TA1 for interchange problems, 999 per functional group, 277CA per claim — from our
validator run with the payer's SNIP 7 profile, plus the payer's eligibility edits (unknown member, no active
coverage) added to the report as claim-level findings, so the 277CA builder rejects those claims like any other."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from edi.acks import AckResult, ControlCounter, write_acks
from edi.claims._extract import Extracted, encounter_of
from edi.models._io import iter_claims
from edi.models.claim import Claim
from edi.payer._profile import Adjudication
from edi.validate import Finding, Location, PayerProfile, Report, Severity, validate

ACKS = ("ta1", "999", "277ca")


@dataclass
class FrontEnd:
    report: Report
    acks: list[AckResult]
    accepted: list[Extracted]                      # claims the 277CA accepts, in file order
    rejected: dict[str, int]                       # why claims were not adjudicated → how many


def member_problem(member_id: str, profile: Adjudication, pattern: str | None) -> tuple[str, str] | None:
    """(finding code, words) when the payer does not know the member or has no active coverage for them."""
    member = (profile.members or {}).get(member_id)
    if member is not None:
        return None if member.active else ("payer.coverage.inactive",
                                           "the payer has no active coverage for this member; check eligibility "
                                           "(270/271) and bill the patient's current plan")
    if pattern and not re.fullmatch(pattern, member_id):
        return ("payer.member.unknown", "the payer finds no member with this id (2010BA NM109); check the "
                                        "member id on the patient's card")
    return None


def answer(path: Path, data: bytes, profile: Adjudication, rules: PayerProfile | None, member_pattern: str | None,
           out_dir: Path, when: datetime, counter: ControlCounter) -> FrontEnd:
    # the claims as encounters (as edi.claims.extract gives them, without its round-trip check: not needed here)
    claims = [Extracted(encounter_of(c), (), (), c.source) for c in iter_claims(data, name=path.name)
              if isinstance(c, Claim)]
    profiles = []
    if rules is not None:
        payer_ids = {c.encounter.billed.payer.id for c in claims}
        profiles.append(replace(rules, ids=rules.ids | payer_ids))   # this payer answers whatever the 837 names
    report = validate(data, name=path.name, profiles=profiles, jobs=1)
    _add_payer_edits(report, claims, profile, member_pattern)
    acks = write_acks(report, data, [k for k in ACKS if k != "ta1" or wants_ta1(report)], out_dir, when=when,
                      counter=counter)
    accepted, rejected = _accepted(report, claims, acks)
    return FrontEnd(report, acks, accepted, rejected)


def wants_ta1(report: Report) -> bool:
    """A payer sends a TA1 when the interchange asks for one (ISA14 = 1) or has a problem of its own (or the file
    cannot be read at all); a clean interchange that asks for none gets none."""
    asked = any(i.header[14] == "1" for i in report.interchanges if len(i.header) > 14)
    problems = any(f.is_error for f in (*report.framing_findings, *report.envelope_findings))
    return asked or problems or report.fatal is not None or not report.interchanges


def _transaction_of(report: Report, segment: int) -> int | None:
    """The position in report.transactions of the 837 transaction holding the claim whose CLM is ``segment``."""
    found = None
    for n, result in enumerate(report.transactions):
        if result.transaction.header.index < segment:
            found = n
    return found


def _add_payer_edits(report: Report, claims: list[Extracted], profile: Adjudication, pattern: str | None) -> None:
    position: dict[int, int] = {}
    for item in claims:
        segment = item.source.segment if item.source is not None else 0
        n = _transaction_of(report, segment)
        if n is None:
            continue
        k = position.get(n, 0)
        position[n] = k + 1
        problem = member_problem(item.encounter.billed.member_id, profile, pattern)
        if problem is None:
            continue
        result = report.transactions[n]
        t = result.transaction
        group = t.group
        location = Location(file=report.file, control=(group.interchange.control if group else None,
                                                        group.control if group else None, t.control),
                            segment_index=segment, line=0, segment_id="CLM",
                            loop_path=f"2000A/2000B/2300[CLM01={item.encounter.id}]", loop_id="2300")
        finding = Finding(problem[0], 7, Severity.ERROR, problem[1], location)
        clm01, found = result.claim_findings.get(k, (item.encounter.id, ()))
        result.claim_findings[k] = (clm01, (*found, finding))
        result.findings.append(finding)
        report.findings.append(finding)


def _accepted(report: Report, claims: list[Extracted], acks: list[AckResult]) -> tuple[list[Extracted], dict[str, int]]:
    """The claims the written 277CA accepts (read back, so the simulator adjudicates exactly what it acknowledged)."""
    from edi.models._io import read
    from edi.models.acks import ClaimAcknowledgment

    statuses: list[str] = []
    for ack in acks:
        if ack.kind == "277ca" and ack.path is not None:
            for model in read(ack.path):
                if isinstance(model, ClaimAcknowledgment):
                    statuses += [claim.statuses[0].codes[0].category
                                 for source in model.information_sources for receiver in source.receivers
                                 for provider in receiver.providers for patient in provider.patients
                                 for claim in patient.claims]
    from edi.acks._999 import rejected_by_999

    rejected_sets = rejected_by_999(report)
    answered = [c for c in claims if (n := _transaction_of(report, c.source.segment if c.source else 0)) is not None
                and report.transactions[n].transaction.header.index not in rejected_sets]
    why: dict[str, int] = {}
    if len(claims) - len(answered):
        why["rejected with their transaction (999)"] = len(claims) - len(answered)
    if len(statuses) != len(answered):    # no 277CA at all (e.g. the file could not be read)
        if answered:
            why["not acknowledged by a 277CA"] = len(answered)
        return [], why
    accepted = [c for c, category in zip(answered, statuses) if category == "A2"]
    if len(answered) - len(accepted):
        why["rejected by the 277CA"] = len(answered) - len(accepted)
    return accepted, why
