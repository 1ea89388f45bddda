"""277CA claim acknowledgments: every claim of a validated 837 accepted (A2:20) or rejected with every error that
concerns it — in the claim, or in the billing provider, subscriber or patient loops above it — each as a status
composite (STC01, STC10, STC11, then more STC segments): category and status from the finding's code
(mappings/acks/277ca-status.toml), entity from the loop at fault (2310B rendering → 82 …), the errors' words in
STC12.

Streamed: the 837 is read again claim by claim (each claim's segments freed once it is a model) and each 277CA
transaction is handed over as soon as its 837 transaction ends, so memory holds one transaction's claim
statuses, never the file's claims."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from edi._data import mapping_path
from edi.acks._999 import rejected_by_999
from edi.acks._policy import DEFAULT_POLICY, AckPolicy, claim_of, hl_level, safe_text as _safe
from edi.guide import Loop, SegmentNode, TransactionSpec, TreeBuilder, guide_for, guide_named
from edi.guide._tree import Fold, stream_closed
from edi.models._base import Source as ModelSource
from edi.models._io import folds_for
from edi.models._raw import envelope_source
from edi.models.acks import (AcknowledgedClaim, ClaimAcknowledgment, InformationReceiver, InformationSource,
                             Patient, ProviderOfService, Status, StatusInfo, Trace)
from edi.models.claim import Claim
from edi.models.common import Party, party_of
from edi.validate import Finding, Report, TransactionResult
from edi.validate.codesets import npi_problem
from edi.x12 import Source, Transaction

STC_COMPOSITES = 3      # STC01, STC10, STC11: the status composites one STC segment holds
STC12_LENGTH = 264      # free-form message text (AN 1-264)
_RECEIVED = StatusInfo(category="A1", status="19", entity="PR")   # 2200B/2200C: received by the payer


@functools.cache
def status_table() -> dict[str, dict[str, str]]:
    with mapping_path("acks", "277ca-status.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return {"accepted": data["accepted"], "default": data["default"], **data.get("codes", {})}


def status_for(finding: Finding | None, entity: str = "") -> StatusInfo:
    """STC category and status for a finding (None: accepted), with the entity code of the loop at fault."""
    table = status_table()
    if finding is None:
        row = table["accepted"]
    else:
        prefixes = [key for key in table if finding.code.startswith(key)]
        row = table[max(prefixes, key=len)] if prefixes else table["default"]
    return StatusInfo(category=row["category"], status=row["status"], entity=entity)


@functools.cache
def _allowed_entities() -> frozenset[str]:
    """STC01-3 codes the 277CA guide allows for a claim (2200D)."""
    stc = guide_named("277ca").segment_by_path("/ISA_LOOP/GS_LOOP/ST_LOOP/DETAIL/2000A/2000B/2000C/2000D/2200D/STC")
    assert stc is not None and stc.elements[0].components, "pyx12's 277CA map defines 2200D STC01"
    return stc.elements[0].components[2].codes


@functools.cache
def loop_entities(guide: TransactionSpec) -> dict[str, str]:
    """837 loop id → the entity identifier code of who it names (its NM101, from the guide): 2310B → 82 in an
    837P. HL levels take their name loop's (2000A → 85). Codes the 277CA cannot carry are left out."""
    allowed = _allowed_entities()
    found: dict[str, str] = {}
    for loop in guide.root.walk_loops():
        first = loop.children[0] if loop.children else None
        if first is not None and not first.is_loop and first.id == "NM1" and first.elements:
            codes = sorted(first.elements[0].codes & allowed)
            if codes:
                found.setdefault(loop.id, codes[0])
    for level, name in (("2000A", "2010AA"), ("2000B", "2010BA"), ("2000C", "2010CA")):
        if name in found:
            found[level] = found[name]
    return found


def entity_of(finding: Finding, guide: TransactionSpec | None) -> str:
    """The entity code of the innermost loop a finding is in ("" for the claim or a service line itself)."""
    if guide is None:
        return ""
    innermost = finding.location.loop_path.rsplit("/", 1)[-1].split("[", 1)[0]
    return loop_entities(guide).get(innermost, "")


# -- reading the 837 again, claim by claim ------------------------------------------------------------------
@dataclass(frozen=True)
class _Header:
    """An 837 transaction's header: its ST (to find its report), BHT03, submitter and receiver."""

    st_index: int
    source: ModelSource
    reference: str
    submitter: Party | None
    receiver: Party | None


def _header(loop: Loop, envelope: Transaction) -> _Header:
    bht = next((c.segment for c in loop.children if isinstance(c, SegmentNode) and c.segment.id == "BHT"), None)
    names = {c.spec.id: party_of(c) for c in loop.children if isinstance(c, Loop) and c.children
             and isinstance(c.children[0], SegmentNode)}
    return _Header(envelope.header.index, envelope_source(envelope), bht[3] if bht is not None else "",
                   names.get("1000A"), names.get("1000B"))


_END = object()   # an 837 transaction's claims are all read (its DETAIL loop closed)


def _claims_with_headers(source: Source, name: str | None) -> Iterator[_Header | Claim | object]:
    """Each 837 transaction's header, its claims as they close, then ``_END``. The tree keeps nothing: claims
    and the subscriber loops that held them are folded away (a fold returning None drops its loop)."""
    ready: list[_Header | Claim | object] = []

    def folds(guide: TransactionSpec | None) -> dict[str, Fold]:
        claim = folds_for(guide).get("2300") if guide is not None and guide.id.startswith("837") else None
        if claim is None:
            return {}
        return {"HEADER": lambda loop, envelope: ready.append(_header(loop, envelope)),
                "2300": lambda loop, envelope: ready.append(claim(loop, envelope)),
                "2000B": lambda loop, envelope: None, "DETAIL": lambda loop, envelope: ready.append(_END)}

    return stream_closed(source, name, lambda t: TreeBuilder(t, folds=folds), ready)


# -- building -----------------------------------------------------------------------------------------------
def build_277ca(report: Report, source: Source, *, when: datetime | date | None = None,
                policy: AckPolicy = DEFAULT_POLICY) -> list[ClaimAcknowledgment]:
    """Every 277CA transaction of :func:`iter_277ca`, in a list (for small files)."""
    return list(iter_277ca(report, source, when=when, policy=policy))


def iter_277ca(report: Report, source: Source, *, when: datetime | date | None = None,
               policy: AckPolicy = DEFAULT_POLICY) -> Iterator[ClaimAcknowledgment]:
    """One 277CA per 837 transaction that the 999 accepts, each as soon as its claims are read; a transaction the
    999 rejects has no claims to acknowledge (:func:`not_acknowledged` says which)."""
    now = _moment(when)
    rejected = rejected_by_999(report, policy)
    results = {r.transaction.header.index: r for r in report.transactions
               if claims_to_acknowledge(r.transaction) and r.transaction.header.index not in rejected}
    batch: _Batch | None = None
    for item in _claims_with_headers(source, report.file):
        if isinstance(item, _Header):
            result = results.get(item.st_index)
            batch = _Batch(item, result, policy, now.date()) if result is not None else None
        elif batch is None:
            continue
        elif item is _END:
            yield batch.acknowledgment(now)
            batch = None
        else:
            batch.add(item)  # type: ignore[arg-type]


def claims_to_acknowledge(transaction: Transaction) -> bool:
    """A 5010 837: what a 277CA (005010X214) answers; an older 837's partner expects no 5010 acknowledgment."""
    return transaction.set_id == "837" and transaction.guide.startswith("00501")


def not_acknowledged(report: Report, policy: AckPolicy = DEFAULT_POLICY) -> list[str]:
    """Why 837 transactions of the report get no 277CA: the 999 rejects them, or they are older than 5010."""
    rejected = rejected_by_999(report, policy)
    notes = []
    for r in report.transactions:
        t = r.transaction
        if t.set_id != "837":
            continue
        if not claims_to_acknowledge(t):
            notes.append(f"transaction {t.control} ({t.guide}) is an 837 of a version before 5010: a 277CA "
                         "(005010X214) does not answer it")
        elif t.header.index in rejected:
            notes.append(f"transaction {t.control}: no 277CA, the 999 rejects it "
                         f"({sum(policy.in_999(f, '837') for f in r.findings)} error(s) of syntax or guide, "
                         "see the 999), so none of its claims is acknowledged")
    return notes


def _moment(when: datetime | date | None) -> datetime:
    if when is None:
        return datetime.now().replace(second=0, microsecond=0)
    return when if isinstance(when, datetime) else datetime.combine(when, time())


class _Batch:
    """One 837 transaction being acknowledged: its header, its report, and its claims' statuses (not the claims)
    by billing provider — consecutive claims of one 2000A share a 2000C."""

    def __init__(self, header: _Header, result: TransactionResult, policy: AckPolicy, today: date) -> None:
        self.header = header
        self.today = today
        self.guide = guide_for(result.transaction.guide, result.transaction.set_id)
        self.claim_errors = {index: [f for f in findings if policy.in_277ca(f)]
                             for index, (_, findings) in result.claim_findings.items()}
        # errors of the billing provider, subscriber and patient loops, for the claims under them
        self.level_errors = [f for f in result.findings if hl_level(f) and claim_of(f) is None
                             and policy.in_277ca(f)]
        self.count = 0
        self.providers: list[tuple[Party, list[tuple[Decimal, Patient]]]] = []   # (name, [(CLM02, patient)])
        self._billing: int | None = None

    def add(self, claim: Claim) -> None:
        errors = self.claim_errors.get(self.count, []) + self._level_errors(claim)
        self.count += 1
        hl = claim.billing_provider.source.segment if claim.billing_provider.source else None
        if not self.providers or hl != self._billing:
            self._billing = hl
            self.providers.append((_provider_name(claim), []))
        self.providers[-1][1].append((claim.total_charge or Decimal(0), self._patient(claim, errors)))

    def _level_errors(self, claim: Claim) -> list[Finding]:
        """The HL-level errors that concern ``claim``: those after the HL of its level and before its CLM."""
        if not self.level_errors or claim.source is None:
            return []
        starts = {"2000A": claim.billing_provider.source, "2000B": claim.subscriber.source,
                  "2000C": claim.patient.source if claim.patient is not None else None}
        out = []
        for f in self.level_errors:
            start = starts.get(hl_level(f) or "")
            if start is not None and start.segment <= f.location.segment_index < claim.source.segment:
                out.append(f)
        return out

    def _patient(self, claim: Claim, errors: list[Finding]) -> Patient:
        today = self.today
        statuses = _statuses(errors, self.guide, claim.total_charge or Decimal(0), today)
        starts = [line.service_date for line in claim.lines if line.service_date]
        ends = [line.service_date_to or line.service_date for line in claim.lines if line.service_date]
        start = min(starts) if starts else claim.statement_from or today
        end = max(ends) if ends else claim.statement_to or start  # type: ignore[type-var]
        acked = AcknowledgedClaim(trace=Trace(type="2", number=_safe(claim.patient_control_number) or "0"),
                                  statuses=statuses, service_from=start, service_to=end if end != start else None)
        return Patient(name=_patient_name(claim), claims=(acked,))

    def acknowledgment(self, now: datetime) -> ClaimAcknowledgment:
        today = now.date()
        providers = tuple(_provider(name, items, n) for n, (name, items) in enumerate(self.providers, 1))
        claims = [item for _, items in self.providers for item in items]
        h = self.header
        receiver = InformationReceiver(
            name=_as(h.submitter, "41", "46"), trace=Trace(type="2", number=_safe(h.reference) or "0"),
            statuses=(Status(codes=(_RECEIVED,), effective=today, action="WQ", charge=_total(claims)),),
            **_counts(claims, "accepted_quantity", "rejected_quantity", "accepted_amount", "rejected_amount"),
            providers=providers)
        receipt = Trace(type="1", number=h.source.transaction or "1")   # the 837's ST02
        source = InformationSource(name=_as(h.receiver, "AY", "46"), trace=receipt, received=today, processed=today,
                                   receivers=(receiver,))
        return ClaimAcknowledgment(reference=_safe(h.reference) or "BATCH", created=today,
                                   created_time=now.strftime("%H%M"), information_sources=(source,))


def _statuses(errors: list[Finding], guide: TransactionSpec | None, charge: Decimal,
              today: date) -> tuple[Status, ...]:
    """Accepted: one STC A2:20. Rejected: every distinct status of its errors, three to an STC (STC01, STC10,
    STC11), each STC with the words of its errors in STC12."""
    if not errors:
        return (Status(codes=(status_for(None),), effective=today, action="WQ", charge=charge),)
    by_status: dict[StatusInfo, list[Finding]] = {}
    for f in errors:
        by_status.setdefault(status_for(f, entity_of(f, guide)), []).append(f)
    infos = list(by_status)
    statuses = []
    for start in range(0, len(infos), STC_COMPOSITES):
        chunk = infos[start:start + STC_COMPOSITES]
        words = "; ".join(f"{f.code} - {f.message}" for info in chunk for f in by_status[info])
        statuses.append(Status(codes=tuple(chunk), effective=today, action="U", charge=charge,
                               message=_safe(words)[:STC12_LENGTH].rstrip()))
    return tuple(statuses)


def _provider_name(claim: Claim) -> Party:
    """2100C NM1*85: the billing provider with its NPI (XX) — or, when it has none that is valid, its tax id (FI):
    NM108/NM109 are required, and an acknowledgment must not echo a bad NPI it rejects."""
    billing = claim.billing_provider.provider or Party(entity="85")
    npi = billing.id if billing.id_qualifier == "XX" and npi_problem(billing.id) is None else ""
    qualifier, number = ("XX", npi) if npi else ("FI", billing.reference("EI") or billing.reference("SY") or "")
    person = billing.entity_type == "1"
    return Party(entity="85", entity_type="1" if person else "2", last_name=_safe(billing.last_name) or "UNKNOWN",
                 first_name=_safe(billing.first_name) if person else "",
                 middle_name=_safe(billing.middle_name) if person else "",
                 suffix=_safe(billing.suffix) if person else "", id_qualifier=qualifier,
                 id=_safe(number) or "UNKNOWN")


def _provider(name: Party, items: list[tuple[Decimal, Patient]], n: int) -> ProviderOfService:
    """2000C with its 2200C (whose STC has no STC02 in the guide)."""
    return ProviderOfService(name=name, trace=Trace(type="1", number=str(n)),
                             statuses=(Status(codes=(_RECEIVED,), action="WQ", charge=_total(items)),),
                             **_counts(items, "accepted_quantity", "rejected_quantity", "accepted_amount",
                                       "rejected_amount"), patients=tuple(p for _, p in items))


def _patient_name(claim: Claim) -> Party:
    """2100D NM1*QC: the patient (or the subscriber when the patient is the subscriber), with the member id."""
    person = (claim.patient.person if claim.patient and claim.patient.person else None) or claim.subscriber.member
    member_id = claim.subscriber.member.name.id if claim.subscriber.member else ""
    name = person.name if person else Party(entity="QC")
    return Party(entity="QC", entity_type="1", last_name=_safe(name.last_name) or "UNKNOWN",
                 first_name=_safe(name.first_name), middle_name=_safe(name.middle_name), suffix=_safe(name.suffix),
                 id_qualifier="MI", id=_safe(member_id) or "UNKNOWN")


def _as(party: Party | None, entity: str, qualifier: str) -> Party:
    party = party or Party(entity=entity)
    return Party(entity=entity, entity_type="2", last_name=_safe(party.last_name) or "UNKNOWN",
                 id_qualifier=qualifier, id=_safe(party.id) or "UNKNOWN")


def _total(items: Iterable[tuple[Decimal, Patient]]) -> Decimal:
    return sum((charge for charge, _ in items), Decimal(0))


def _counts(items: list[tuple[Decimal, Patient]], aq: str, rq: str, aa: str, ra: str) -> dict[str, Decimal]:
    accepted = [item for item in items if not item[1].claims[0].rejected]
    rejected = [item for item in items if item[1].claims[0].rejected]
    out: dict[str, Decimal] = {}
    if accepted:
        out[aq], out[aa] = Decimal(len(accepted)), _total(accepted)
    if rejected:
        out[rq], out[ra] = Decimal(len(rejected)), _total(rejected)
    return out
