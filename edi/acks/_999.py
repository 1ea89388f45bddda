"""999 implementation acknowledgments built from a validation report: AK1, per transaction AK2 / IK3 (with CTX)
/ IK4 / IK5, and AK9 — one 999 per functional group."""

from __future__ import annotations

from collections.abc import Iterator

from edi.acks._policy import DEFAULT_POLICY, AckPolicy, claim_of, echoed_number, safe_text as _safe
from edi.guide import guide_for
from edi.models.acks import ElementError, ErrorContext, FunctionalGroupAck, SegmentError, TransactionAck
from edi.validate import Finding, Report, TransactionResult
from edi.x12 import Group, Transaction

# IK502 transaction set syntax error codes for envelope problems of a transaction.
_IK502 = {"snip1.envelope.se01.count": "4", "snip1.envelope.se02.control": "3", "snip1.envelope.se.missing": "2",
          "snip1.envelope.st02.duplicate": "23", "snip1.envelope.st02.format": "7"}


GS06_DUPLICATE = "snip1.envelope.gs06.duplicate"   # AK905 19: group control number not unique in the interchange

# Transaction sets that acknowledge others (ST01): never acknowledged themselves, or partners would answer each
# other's acknowledgments for ever. A 277 is one when its guide is the 277CA's.
ACK_SETS = {"999": "999", "997": "997", "277": "277CA"}
ACK_GUIDES = {"277": "005010X214"}


def acknowledgment_kind(transaction: Transaction) -> str | None:
    """"999", "997" or "277CA" when the transaction is itself an acknowledgment, else None."""
    kind = ACK_SETS.get(transaction.set_id)
    wanted = ACK_GUIDES.get(transaction.set_id)
    return kind if kind and (wanted is None or transaction.guide.startswith(wanted)) else None


def not_answered(transaction: Transaction) -> str | None:
    """Why a 999 says nothing about a transaction (None when it does): it is an acknowledgment, or no guide is
    known for it, so a 999 could only echo its envelope."""
    kind = acknowledgment_kind(transaction)
    if kind is not None:
        return f"transaction {transaction.control} is a {kind}: acknowledgments are never acknowledged"
    if guide_for(transaction.guide, transaction.set_id) is None:
        return (f"transaction {transaction.control} ({transaction.set_id} {transaction.guide or 'no version'}): "
                "no implementation guide is known for it, so no 999 is written")
    if not transaction.guide.startswith("00501"):
        return (f"transaction {transaction.control} ({transaction.set_id} {transaction.guide}) is of a version "
                "before 5010, whose partners expect a 997, not a 999: no 999 is written")
    return None


def build_999(report: Report, policy: AckPolicy = DEFAULT_POLICY) -> list[FunctionalGroupAck]:
    """One 999 per functional group of the validated file, in file order, but for groups of acknowledgments or
    of transactions no guide covers (:func:`not_answered` says why for each)."""
    groups: dict[int, tuple[Group, list[TransactionResult]]] = {}
    for result in report.transactions:
        group = result.transaction.group
        if group is not None:
            groups.setdefault(id(group), (group, []))[1].append(result)
    groups = {key: (group, results) for key, (group, results) in groups.items()
              if any(not_answered(r.transaction) is None for r in results)}
    envelope = [f for f in report.findings if f.code in _IK502]
    duplicates = {f.location.segment_index for f in report.findings if f.code == GS06_DUPLICATE}
    return [_group_ack(group, results, envelope, policy, group.header.index in duplicates)
            for group, results in groups.values()]


def _group_ack(group: Group, results: list[TransactionResult], envelope: list[Finding], policy: AckPolicy,
               duplicate: bool) -> FunctionalGroupAck:
    acks = [_transaction_ack(r, envelope, policy) for r in results]
    accepted = sum(1 for a in acks if a.code in ("A", "E"))
    included = int(group.trailer[1]) if group.trailer is not None and group.trailer[1].isdigit() else len(acks)
    problems = tuple(code for code, wrong in (("3", group.trailer is None), ("4", group.trailer is not None and
                     group.trailer[2] != group.control), ("5", included != len(acks)), ("19", duplicate)) if wrong)
    code = "R" if accepted == 0 else "P" if accepted < len(acks) else "E" if problems else "A"
    return FunctionalGroupAck(functional_id=group.functional_id, group_control_number=echoed_number(group.control, 1, 9),
                              version=group.version, transactions=tuple(acks), code=code,
                              included_count=included, received_count=len(acks), accepted_count=accepted,
                              error_codes=problems)


def _transaction_ack(result: TransactionResult, envelope: list[Finding], policy: AckPolicy) -> TransactionAck:
    t = result.transaction
    own = [f for f in result.findings if policy.in_999(f, t.set_id)]
    trailer = [f for f in envelope if _about(f, t)]
    errors = tuple(_segment_errors(own))
    in_segments = bool(errors) or any(f.is_error for f in own)
    codes = tuple(dict.fromkeys([_IK502[f.code] for f in trailer] + (["5"] if in_segments else [])))[:5]
    rejected = bool(codes) or any(f.is_error for f in own)
    warned = bool(own)
    return TransactionAck(set_id=t.set_id, control_number=t.control, guide=t.header[3], segment_errors=errors,
                          code="R" if rejected else "E" if warned else "A", error_codes=codes)


def _about(finding: Finding, t: Transaction) -> bool:
    """Whether an envelope finding is about this transaction: it stands between its ST and SE (control numbers
    may repeat), or, when the SE is missing, it names the transaction's control numbers."""
    if t.trailer is not None:
        return t.header.index <= finding.location.segment_index <= t.trailer.index
    return finding.location.control[1:] == (t.group.control if t.group else None, t.control)


def rejected_by_999(report: Report, policy: AckPolicy = DEFAULT_POLICY) -> set[int]:
    """The transactions (by their ST's segment index) that the 999 rejects: the 277CA leaves them out."""
    envelope = [f for f in report.findings if f.code in _IK502]
    return {r.transaction.header.index for r in report.transactions
            if _transaction_ack(r, envelope, policy).code == "R"}


def _segment_errors(findings: list[Finding]) -> Iterator[SegmentError]:
    """One IK3 per segment: its elements' problems as IK4s, its own problem (missing, unexpected …) as IK304."""
    by_segment: dict[tuple[int, str], list[Finding]] = {}
    for f in findings:
        missing = str(f.details.get("missing") or "").split("*")[0] if f.ik304 in ("3", "I6") else ""
        named = missing if 2 <= len(missing) <= 3 and missing.isalnum() and not missing.isdigit() else ""
        key = (f.location.segment_index, named or f.location.segment_id)
        by_segment.setdefault(key, []).append(f)
    for (_, seg_id), items in by_segment.items():
        first = items[0]
        loc = first.location
        element_errors = tuple(_element_error(f) for f in items if f.ik403 and f.location.element_position)
        own = next((f.ik304 for f in items if f.ik304 and f.ik304 != "8"), None)
        claim = claim_of(first)
        contexts = (ErrorContext(name="CLM01", reference=_safe(claim)[:35]),) if claim else ()
        shown = _segment_id(seg_id)
        if not shown:
            continue   # no id a 999 can carry (empty or one character): IK5 still rejects the transaction
        yield SegmentError(segment_id=shown, position=loc.position_in_transaction or None, loop_id=loc.loop_id[:4],
                           code=own or "8", contexts=contexts, element_errors=element_errors[:99])


def _segment_id(seg_id: str) -> str:
    """IK301 for a segment: its id, cut to three characters when longer (IK302 still points at it exactly);
    "" when it has no id a 999 can carry."""
    shown = _safe(seg_id)[:3]
    return shown if len(shown) >= 2 and shown.isalnum() else ""


def _element_error(f: Finding) -> ElementError:
    element, component, repetition = f.location.element_position or (0, 0, 0)
    reference = f.location.data_element or ""
    bad = _safe(f.value or "")[:99].strip() if f.ik403 not in ("1", "I9") else ""
    return ElementError(code=f.ik403 or "", element_position=element, component_position=component or None,
                        repetition_position=repetition or None, element_reference=reference if reference.isdigit()
                        else "", bad_data=bad)



