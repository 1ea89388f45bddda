"""Acknowledgments advance claim status through the ledger's status events: a TA1 (interchange), a 999 (each
transaction set of a group) and a 277CA (each claim) say whether claims we sent were accepted or rejected at the
front door, with the reason. Each event is keyed by the acknowledgment's file, place and claim, so reading the
same acknowledgment again adds nothing.

Which claims: a TA1 names an ISA13, a 999 a GS06 and ST02s, both of an interchange sent to the acknowledgment's
sender (its ISA06 = our submission's ISA08); a 277CA names each claim by its CLM01 (TRN02 at 2200D), with the
total charge (STC04) telling resubmissions apart."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from edi.ledger import Ledger, Source
    from edi.models.envelope import InterchangeEnvelope


@dataclass(slots=True)
class AckResult:
    kind: str                 # TA1, 999, 277CA
    where: str
    accepted: int = 0
    rejected: int = 0
    new_events: int = 0
    unmatched: list[str] = field(default_factory=list)


def record_ack(ledger: Ledger, source: Source, isa: InterchangeEnvelope | None, model: Any,
               dry_run: bool) -> AckResult:
    from edi.ledger import ClaimStatus, StatusEvent
    from edi.ledger import _posting as store
    from edi.models import ClaimAcknowledgment, FunctionalGroupAck, InterchangeAck

    sender = isa.sender_id.strip() if isa is not None else ""
    src = getattr(model, "source", None)
    place = f"ISA13 {isa.control if isa else '?'}" + (f" GS06 {src.group} ST02 {src.transaction}"
                                                      if src is not None and src.transaction else "")
    events: list[StatusEvent] = []
    with ledger.transaction() as journal:
        conn = journal.conn
        if isinstance(model, InterchangeAck):
            result = AckResult("TA1", f"{source.name}: {place}")
            claims = store.submitted_claims(conn, sender, interchange=model.control_number)
            if not claims:
                result.unmatched.append(f"{result.where}: TA1 for ISA13 {model.control_number}: no interchange "
                                        f"sent to {sender} with that number in the ledger")
            if not model.accepted:
                for claim_id in claims:
                    events.append(StatusEvent(claim_id, ClaimStatus.REJECTED, _key(source, place, claim_id),
                                              reason_code=f"TA1 {model.code} {model.note_code}".strip()[:30],
                                              reason=f"interchange {model.control_number} rejected (TA105 "
                                                     f"{model.note_code})", source=source, source_ref=place))
            result.rejected += 0 if model.accepted else len(claims)
        elif isinstance(model, FunctionalGroupAck):
            result = AckResult("999", f"{source.name}: {place}")
            for ack in model.transactions:
                claims = store.submitted_claims(conn, sender, group=model.group_control_number,
                                                transaction=ack.control_number)
                if not claims:
                    result.unmatched.append(f"{result.where}: AK2 {ack.set_id} {ack.control_number} of group "
                                            f"{model.group_control_number}: no such transaction sent to {sender}")
                status = ClaimStatus.ACCEPTED if ack.accepted else ClaimStatus.REJECTED
                reason = ",".join(ack.error_codes) or None
                for claim_id in claims:
                    events.append(StatusEvent(claim_id, status, _key(source, f"{place} AK2 {ack.control_number}",
                                                                     claim_id),
                                              reason_code=f"IK5 {ack.code}"[:30],
                                              reason=f"IK502 {reason}" if reason else None, source=source,
                                              source_ref=f"{place} AK2 {ack.control_number}"[:200]))
                if ack.accepted:
                    result.accepted += len(claims)
                else:
                    result.rejected += len(claims)
        elif isinstance(model, ClaimAcknowledgment):
            result = AckResult("277CA", f"{source.name}: {place}")
            items = model.claims
            known = store.claims_by_number(conn, [item.patient_control_number for item in items])
            for n, item in enumerate(items, 1):
                found = known.get(item.patient_control_number, [])
                charge = item.total_charge
                narrowed = [k for k in found if charge is None or k.total_charge == charge] or found
                codes = item.codes
                if not narrowed or not codes:
                    result.unmatched.append(f"{result.where}: claim {item.patient_control_number}: "
                                            + ("no claim with this CLM01 in the ledger" if not narrowed
                                               else "no STC"))
                    continue
                first = codes[0]
                if not (first.accepted or first.rejected):
                    continue   # A0/A1 received, or a pended/informational category: no status change
                status = ClaimStatus.ACCEPTED if first.accepted else ClaimStatus.REJECTED
                message = next((s.message for s in item.claim.statuses if s.message), "")
                reason = " ".join(f"{c.category}:{c.status}" + (f":{c.entity}" if c.entity else "") for c in codes)
                events.append(StatusEvent(narrowed[-1].claim_id, status, _key(source, f"{place} #{n}",
                                                                              narrowed[-1].claim_id),
                                          reason_code=f"{first.category}:{first.status}"[:30],
                                          reason=(reason + (f" {message}" if message else ""))[:1000],
                                          source=source, source_ref=f"{place} claim {item.patient_control_number}"
                                          [:200]))
                if first.accepted:
                    result.accepted += 1
                else:
                    result.rejected += 1
        else:
            raise TypeError(type(model).__name__)
        result.new_events = len(events) if dry_run else journal.record_status(events)
    return result


def _key(source: Source, place: str, claim_id: int) -> str:
    return f"ack:{source.sha256[:32]}:{place}:{claim_id}"[:200]
