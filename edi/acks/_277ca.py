"""277CA claim acknowledgments: every claim of a validated 837 accepted (A2:20) or rejected with the status
that its first claim-level error maps to (mappings/acks/277ca-status.toml), the error's words in STC12."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from edi._data import mapping_path
from edi.acks._policy import DEFAULT_POLICY, AckPolicy, safe_text as _safe
from edi.models._io import read
from edi.models.acks import (AcknowledgedClaim, ClaimAcknowledgment, InformationReceiver, InformationSource,
                             Patient, ProviderOfService, Status, StatusInfo, Trace)
from edi.models.claim import Claim, ClaimTransaction
from edi.models.common import Party
from edi.validate import Finding, Report, TransactionResult
from edi.x12 import Source



@functools.cache
def status_table() -> dict[str, dict[str, str]]:
    with mapping_path("acks", "277ca-status.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return {"accepted": data["accepted"], "default": data["default"], **data.get("codes", {})}


def status_for(finding: Finding | None) -> StatusInfo:
    table = status_table()
    if finding is None:
        row = table["accepted"]
    else:
        prefixes = [key for key in table if finding.code.startswith(key)]
        row = table[max(prefixes, key=len)] if prefixes else table["default"]
    return StatusInfo(category=row["category"], status=row["status"], entity=row.get("entity", ""))


def build_277ca(report: Report, source: Source, *, when: date | None = None,
                policy: AckPolicy = DEFAULT_POLICY) -> list[ClaimAcknowledgment]:
    """One 277CA per 837 transaction that the 999 accepts (read again as models for names and ids); a
    transaction the 999 rejects has no claims to acknowledge."""
    today = when or date.today()
    results = {(r.transaction.group.control if r.transaction.group else None, r.transaction.control): r
               for r in report.transactions
               if not any(policy.in_999(f) and f.is_error for f in r.findings)}
    acks = []
    for model in read(source, name=report.file):
        if not isinstance(model, ClaimTransaction) or model.source is None:
            continue
        result = results.get((model.source.group, model.source.transaction))
        if result is not None:
            acks.append(_acknowledge(model, result, today, policy))
    return acks


def _acknowledge(model: ClaimTransaction, result: TransactionResult, today: date,
                 policy: AckPolicy) -> ClaimAcknowledgment:
    errors = {index: [f for f in findings if policy.in_277ca(f)]
              for index, (_, findings) in result.claim_findings.items()}
    by_provider: dict[str, list[tuple[Claim, AcknowledgedClaim]]] = {}
    for index, claim in enumerate(model.claims):
        acked = _claim(claim, errors.get(index, []), today)
        npi = claim.billing_provider.provider.id if claim.billing_provider.provider else ""
        by_provider.setdefault(npi, []).append((claim, acked))
    providers = tuple(_provider(items, today, n) for n, items in enumerate(by_provider.values(), start=1))
    everything = [pair for items in by_provider.values() for pair in items]
    receiver = InformationReceiver(
        name=_as(model.submitter, "41", "46"), trace=Trace(type="2", number=model.originator_id or "0"),
        statuses=(Status(codes=(StatusInfo(category="A1", status="19", entity="PR"),), effective=today,
                         action="WQ", charge=_total(c for c, _ in everything)),),
        **_counts(everything, "accepted_quantity", "rejected_quantity", "accepted_amount", "rejected_amount"),
        providers=providers)
    source = InformationSource(name=_as(model.receiver, "AY", "46"),
                               trace=Trace(type="1", number=model.source.transaction if model.source else "1"),
                               received=today, processed=today, receivers=(receiver,))
    return ClaimAcknowledgment(reference=f"{model.originator_id or 'BATCH'}", created=today, created_time="1200",
                               information_sources=(source,))


def _claim(claim: Claim, errors: list[Finding], today: date) -> AcknowledgedClaim:
    first = errors[0] if errors else None
    status = Status(codes=(status_for(first),), effective=today, action="U" if first else "WQ",
                    charge=claim.total_charge or Decimal(0), message=_message(first))
    starts = [line.service_date for line in claim.lines if line.service_date]
    ends = [line.service_date_to or line.service_date for line in claim.lines if line.service_date]
    start = min(starts) if starts else claim.statement_from or today
    end = max(ends) if ends else claim.statement_to or start  # type: ignore[type-var]
    return AcknowledgedClaim(trace=Trace(type="2", number=claim.patient_control_number), statuses=(status,),
                             service_from=start, service_to=end if end != start else None)


def _message(finding: Finding | None) -> str:
    return _safe(f"{finding.code}: {finding.message}")[:264] if finding is not None else ""



def _provider(items: list[tuple[Claim, AcknowledgedClaim]], today: date, n: int) -> ProviderOfService:
    billing = items[0][0].billing_provider.provider or Party(entity="85")
    patients = tuple(Patient(name=_patient_name(claim), claims=(acked,)) for claim, acked in items)
    return ProviderOfService(name=Party(entity="85", entity_type="2", last_name=billing.last_name,
                                        id_qualifier="XX", id=billing.id),
                             trace=Trace(type="1", number=str(n)),
                             statuses=(Status(codes=(StatusInfo(category="A1", status="19", entity="PR"),),
                                              action="WQ", charge=_total(c for c, _ in items)),),
                             **_counts(items, "accepted_quantity", "rejected_quantity", "accepted_amount",
                                       "rejected_amount"), patients=patients)


def _patient_name(claim: Claim) -> Party:
    person = (claim.patient.person if claim.patient and claim.patient.person else None) or claim.subscriber.member
    member_id = claim.subscriber.member.name.id if claim.subscriber.member else ""
    name = person.name if person else Party(entity="QC")
    return Party(entity="QC", entity_type="1", last_name=_safe(name.last_name), first_name=_safe(name.first_name),
                 middle_name=_safe(name.middle_name), suffix=_safe(name.suffix),
                 id_qualifier="MI" if member_id else "", id=_safe(member_id))


def _as(party: Party | None, entity: str, qualifier: str) -> Party:
    party = party or Party(entity=entity)
    return Party(entity=entity, entity_type="2", last_name=party.last_name or "UNKNOWN", id_qualifier=qualifier,
                 id=party.id or "UNKNOWN")


def _total(claims: Iterable[Claim]) -> Decimal:
    return sum((c.total_charge or Decimal(0) for c in claims), Decimal(0))


def _counts(items: list[tuple[Claim, AcknowledgedClaim]], aq: str, rq: str, aa: str, ra: str) -> dict[str, Decimal]:
    accepted = [c for c, a in items if not a.rejected]
    rejected = [c for c, a in items if a.rejected]
    out: dict[str, Decimal] = {}
    if accepted:
        out[aq], out[aa] = Decimal(len(accepted)), _total(accepted)
    if rejected:
        out[rq], out[ra] = Decimal(len(rejected)), _total(rejected)
    return out
