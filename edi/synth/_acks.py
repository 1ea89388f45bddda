"""Synthetic 999 and 277CA acknowledgments of the synthetic 837P of the same seed, built from the typed models.

The 837P of ``(claims, seed)`` is generated, written and read back with :func:`edi.guide.iter_transactions`, so
every acknowledgment names what is really in that file: GS06 and ST02 in the 999 (AK1/AK2, IK3 positions, CTX
CLM01), CLM01 and CLM02 in the 277CA (TRN*2, STC04), REF*6R as REF*FJ. Outcomes are drawn from
``random.Random`` streams keyed by the seed, so the same seed always gives the same bytes.

The 999 accepts most transactions (IK5*A) and notes errors (E) or rejects (R) some, with IK3/CTX/IK4. The 277CA
comes from each payer (one 2000A per payer of a batch): most claims are accepted (A1:19 and/or A2:20, REF*1K
with the payer claim number the synthetic 835 reports as CLP07), a few rejected (A7/A3 with status and entity
codes, some at the service line). The two are drawn independently: the 277CA does not leave out the claims of
a transaction the 999 rejected.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import msgspec

from edi.guide import Loop, TransactionTree, iter_transactions
from edi.models._base import day, money
from edi.models.acks import (AcknowledgedClaim, AcknowledgedLine, ClaimAcknowledgment, ElementError,
                             ErrorContext, FunctionalGroupAck, InformationReceiver, InformationSource, Patient,
                             ProviderOfService, SegmentError, Status, StatusInfo, Trace, TransactionAck)
from edi.models.common import Party, Reference, party_of
from edi.synth._837p import synth_837p
from edi.synth._adjudicate import _payer_claim
from edi.synth._encounter import encounter
from edi.synth._envelope import DELIMITERS, group, interchange
from edi.x12 import write
from edi.x12._writer import Built

ZERO = Decimal(0)
# 277CA rejections: (STC01, STC10 or None, free-form message, at a service line?)
REJECTIONS = (
    (("A7", "562", "85"), None, "", False),                          # billing provider NPI
    (("A7", "164", "IL"), None, "", False),                          # subscriber's contract/member number
    (("A3", "21", ""), ("A3", "158", "QC"), "PATIENT BIRTH DATE", False),   # missing information: birth date
    (("A3", "21", ""), None, "", True),                              # a line's procedure code (A3:454)
)


@dataclass(frozen=True)
class _Line:
    procedure: tuple[str, ...]      # SV101
    charge: Decimal                 # SV102
    control: str                    # REF*6R
    served: date | None             # DTP*472
    procedure_at: int               # positions in the transaction (ST = 1), for IK302
    date_at: int
    date_text: str


@dataclass(frozen=True)
class _Claim:
    index: int                      # 0-based claim number in the 837P (the encounter index)
    pcn: str                        # CLM01
    charge: Decimal                 # CLM02
    at: int                         # CLM position in the transaction
    onset_at: int | None            # DTP*431 position
    provider: int                   # which 2000A of the transaction
    patient: Party                  # NM1*QC (2010CA) or the subscriber (2010BA), with the member id
    payer: Party                    # 2010BB
    lines: tuple[_Line, ...]


@dataclass(frozen=True)
class _Batch:
    group: str                      # GS06
    version: str                    # GS08
    control: str                    # ST02
    guide: str                      # ST03
    reference: str                  # BHT03
    created: date                   # BHT04
    submitter: Party                # 1000A
    providers: tuple[Party, ...]    # 2010AA per 2000A, NM1 and REF*EI only
    claims: tuple[_Claim, ...]


# -- reading the 837P --------------------------------------------------------------------------------------
def _batches(claims: int, seed: int) -> Iterator[_Batch]:
    numbers = itertools.count()
    for tree in iter_transactions(write(synth_837p(claims, seed), DELIMITERS)):
        yield _batch(tree, numbers)


def _batch(tree: TransactionTree, numbers: Iterator[int]) -> _Batch:
    start = tree.envelope.header.index - 1
    bht = next(n.segment for n in tree.segments() if n.segment.id == "BHT")
    providers, found = [], []
    for k, billing in enumerate(tree.loops("2000A")):
        provider = party_of(next(billing.loops("2010AA")))
        providers.append(_bare(provider, references=provider.references))
        found += [_claim(loop, k, next(numbers), start) for loop in billing.loops("2300")]
    group = tree.envelope.group
    return _Batch(group.control if group else "", group.version if group else "", tree.envelope.control,
                  tree.envelope.header[3], bht[3], day(bht[4]) or date(2024, 1, 1),
                  _bare(party_of(next(tree.loops("1000A")))), tuple(providers), tuple(found))


def _bare(party: Party, **keep: object) -> Party:
    """The NM1 part of a party (the 277CA's name loops hold nothing else), plus what ``keep`` names."""
    changes: dict[str, object] = {"address": None, "references": (), "contacts": (), "source": None}
    return msgspec.structs.replace(party, **{**changes, **keep})


def _claim(loop: Loop, provider: int, index: int, start: int) -> _Claim:
    holder = loop.parent
    assert holder is not None
    subscriber_level = holder if holder.id == "2000B" else holder.parent
    assert subscriber_level is not None
    subscriber = party_of(next(subscriber_level.loops("2010BA")))
    named = party_of(next(holder.loops("2010CA"))) if holder.id == "2000C" else subscriber
    patient = Party(entity="QC", entity_type="1", last_name=named.last_name, first_name=named.first_name,
                    id_qualifier="MI", id=subscriber.id)
    clm = loop.first("CLM")
    onset = next((n for n in loop.children if not isinstance(n, Loop) and n.segment.id == "DTP"
                  and n.segment[1] == "431"), None)
    assert clm is not None
    return _Claim(index, clm[1], money(clm[2]) or ZERO, clm.segment.index - start,
                  onset.segment.index - start if onset is not None else None, provider,
                  patient, _bare(party_of(next(subscriber_level.loops("2010BB")))),
                  tuple(_line(line, start) for line in loop.loops("2400")))


def _line(loop: Loop, start: int) -> _Line:
    sv1, dtp, ref = loop.first("SV1"), loop.first("DTP"), loop.first("REF")
    assert sv1 is not None and dtp is not None and ref is not None
    return _Line(sv1.segment.components(1), money(sv1[2]) or ZERO, ref[2], day(dtp[3]),
                 sv1.segment.index - start, dtp.segment.index - start, dtp[3])


# -- 999 ---------------------------------------------------------------------------------------------------
def synth_999(claims: int, seed: int) -> Iterator[Built]:
    """The 999 interchange (ISA … IEA) acknowledging the synthetic 837P of ``(claims, seed)``."""
    batches = _batches(claims, seed)
    first = next(batches)
    acks = [_transaction_ack(first, seed, 0)]
    acks += [_transaction_ack(batch, seed, n) for n, batch in enumerate(batches, 1)]
    ack = FunctionalGroupAck(functional_id="HC", group_control_number=first.group, version=first.version,
                             transactions=tuple(acks), code=_group_code(acks))
    guide = FunctionalGroupAck.GUIDE
    content = group(FunctionalGroupAck.FUNCTIONAL_ID, guide, FunctionalGroupAck.SET_ID, guide, [ack.body()])
    return interchange(content, seed, "SYNTHCLEARING", "SYNTHSUBMITTER", first.created + timedelta(days=1))


def _group_code(acks: list[TransactionAck]) -> str:
    codes = {ack.code for ack in acks}
    if codes == {"R"}:
        return "R"
    return "P" if "R" in codes else "E" if "E" in codes else "A"


def _transaction_ack(batch: _Batch, seed: int, number: int) -> TransactionAck:
    rng = random.Random(f"{seed}/999/{number}")
    roll = rng.random()
    code = "A" if roll < 0.6 else "E" if roll < 0.8 else "R"
    errors: tuple[SegmentError, ...] = ()
    if code != "A":
        picked = rng.sample(batch.claims, min(len(batch.claims), rng.randint(1, 3)))
        errors = tuple(sorted((_segment_error(rng, claim) for claim in picked), key=lambda e: e.position or 0))
    return TransactionAck(set_id="837", control_number=batch.control, guide=batch.guide, segment_errors=errors,
                          code=code, error_codes=("5",) if errors else ())


def _segment_error(rng: random.Random, claim: _Claim) -> SegmentError:
    unit = ErrorContext(name="CLM01", reference=claim.pcn)
    line = rng.choice(claim.lines)
    kind = rng.choice(("procedure", "date", "onset"))
    if kind == "onset" and claim.onset_at is not None:
        trigger = ErrorContext(name="SITUATIONAL TRIGGER", segment_id="CLM", segment_position=claim.at,
                               loop_id="2300", element_position=11, component_position=1, element_reference="1362")
        return SegmentError(segment_id="DTP", position=claim.onset_at, loop_id="2300", code="I9",
                            contexts=(unit, trigger))
    if kind == "date":
        bad = ElementError(code="8", element_position=3, element_reference="1251", bad_data=line.date_text)
        return SegmentError(segment_id="DTP", position=line.date_at, loop_id="2400", code="8", contexts=(unit,),
                            element_errors=(bad,))
    bad = ElementError(code="7", element_position=1, component_position=2, element_reference="234",
                       bad_data=line.procedure[1] if len(line.procedure) > 1 else "")
    return SegmentError(segment_id="SV1", position=line.procedure_at, loop_id="2400", code="8", contexts=(unit,),
                        element_errors=(bad,))


# -- 277CA -------------------------------------------------------------------------------------------------
def synth_277ca(claims: int, seed: int) -> Iterator[Built]:
    """The 277CA interchange (ISA … IEA) acknowledging each claim of the synthetic 837P of ``(claims, seed)``."""
    batches = _batches(claims, seed)
    first = next(batches)
    acks = (_claim_ack(batch, seed, n) for n, batch in enumerate(itertools.chain([first], batches)))
    guide = ClaimAcknowledgment.GUIDE
    content = group(ClaimAcknowledgment.FUNCTIONAL_ID, guide, ClaimAcknowledgment.SET_ID, guide,
                    (ack.body() for ack in acks))
    return interchange(content, seed, "SYNTHPAYERS", "SYNTHSUBMITTER", first.created + timedelta(days=2))


def _claim_ack(batch: _Batch, seed: int, number: int) -> ClaimAcknowledgment:
    processed = batch.created + timedelta(days=2)
    payers: dict[str, list[_Claim]] = {}
    for claim in batch.claims:
        payers.setdefault(claim.payer.id, []).append(claim)
    sources = tuple(_source(batch, claims, seed, processed, f"RCPT{seed % 100000:05d}{number + 1:04d}{k:03d}")
                    for k, claims in enumerate(payers.values(), 1))
    return ClaimAcknowledgment(reference=f"SYN277CA{seed % 100000:05d}{number + 1:04d}", created=processed,
                               created_time="0700", information_sources=sources)


def _source(batch: _Batch, claims: list[_Claim], seed: int, processed: date, receipt: str) -> InformationSource:
    acknowledged = [(claim, _acknowledged(claim, seed, processed)) for claim in claims]
    providers: dict[int, list[tuple[_Claim, AcknowledgedClaim]]] = {}
    for claim, ack in acknowledged:
        providers.setdefault(claim.provider, []).append((claim, ack))
    levels = tuple(_provider(batch.providers[k], items) for k, items in providers.items())
    status = _summary([ack for _, ack in acknowledged], processed)
    receiver = InformationReceiver(name=batch.submitter, trace=Trace(type="2", number=batch.reference),
                                   statuses=(status,), **_totals([ack for _, ack in acknowledged]),
                                   providers=levels)
    return InformationSource(name=claims[0].payer, trace=Trace(type="1", number=receipt),
                             received=batch.created + timedelta(days=1), processed=processed, receivers=(receiver,))


def _provider(provider: Party, items: list[tuple[_Claim, AcknowledgedClaim]]) -> ProviderOfService:
    acks = [ack for _, ack in items]
    tax_id = provider.reference("EI")
    return ProviderOfService(name=_bare(provider), trace=Trace(type="1", number="0"),
                             statuses=(_summary(acks, None),), **_totals(acks),
                             secondary_id=Reference(qualifier="TJ", value=tax_id) if tax_id else None,
                             patients=tuple(Patient(name=claim.patient, claims=(ack,)) for claim, ack in items))


def _summary(acks: Iterable[AcknowledgedClaim], effective: date | None) -> Status:
    total = sum((ack.total_charge or ZERO for ack in acks), ZERO)
    return Status(codes=(StatusInfo(category="A1", status="19", entity="PR"),), effective=effective, action="WQ",
                  charge=total)


def _totals(acks: list[AcknowledgedClaim]) -> dict[str, Decimal | None]:
    accepted = [ack for ack in acks if not ack.rejected]
    rejected = [ack for ack in acks if ack.rejected]

    def total(items: list[AcknowledgedClaim]) -> Decimal | None:
        return sum((ack.total_charge or ZERO for ack in items), ZERO) if items else None

    return {"accepted_quantity": Decimal(len(accepted)) if accepted else None,
            "rejected_quantity": Decimal(len(rejected)) if rejected else None,
            "accepted_amount": total(accepted), "rejected_amount": total(rejected)}


def _acknowledged(claim: _Claim, seed: int, processed: date) -> AcknowledgedClaim:
    rng = random.Random(f"{seed}/277ca/{claim.index}")
    served = [line.served for line in claim.lines if line.served is not None]
    dates = {"service_from": min(served, default=None), "service_to": max(served, default=None)}
    trace = Trace(type="2", number=claim.pcn)
    if rng.random() < 0.07:
        first, second, message, at_line = rng.choice(REJECTIONS)
        codes = tuple(StatusInfo(category=c[0], status=c[1], entity=c[2]) for c in (first, second) if c)
        status = Status(codes=codes, effective=processed, action="U", charge=claim.charge, message=message)
        lines = (_rejected_line(rng.choice(claim.lines), processed),) if at_line else ()
        return AcknowledgedClaim(trace=trace, statuses=(status,), lines=lines, **dates)
    steps = (("A1", "19"), ("A2", "20")) if rng.random() < 0.3 else (("A2", "20"),)
    statuses = tuple(Status(codes=(StatusInfo(category=category, status=code, entity="PR"),), effective=processed,
                            action="WQ", charge=claim.charge) for category, code in steps)
    return AcknowledgedClaim(trace=trace, statuses=statuses,
                             payer_claim_control_number=_payer_claim(encounter(seed, claim.index)),
                             **dates)


def _rejected_line(line: _Line, processed: date) -> AcknowledgedLine:
    status = Status(codes=(StatusInfo(category="A3", status="454"),), effective=processed, action="U")
    return AcknowledgedLine(procedure=line.procedure, charge=line.charge, statuses=(status,),
                            line_item_control_number=line.control, service_from=line.served, service_to=line.served)
