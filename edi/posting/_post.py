"""Posting an 835 file: each transaction set (ERA) in one database transaction, exactly once.

An ERA's key is payer + TRN02 + TRN03; its row goes in first (INSERT … ON CONFLICT DO NOTHING), so an ERA posted
before — from this file or inside another — is reported with when and by which run, and nothing changes; two
posters racing on PostgreSQL meet at that unique key and one of them finds it taken. Claim payments are matched
and posted a thousand at a time as the file streams (memory stays flat); at SE the ERA's balance is checked —
BPR02 = Σ CLP04 − Σ PLB in the 835 itself, and in the ledger Σ posted to claims + Σ PLB + Σ suspense = BPR02 —
and the transaction commits, or rolls back with a finding naming the segment. A file all of whose ERAs are in is
recorded (its SHA-256), so posting it again is answered without reading it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edi.errors import EdiError
from edi.logging import get_logger
from edi.posting._acks import AckResult
from edi.posting._match import LineMatch, match_claim, match_lines
from edi.posting._plan import ZERO, PaymentPlan, plan_payment, where
from edi.posting._rules import Rules, load_rules

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from edi.ledger import Ledger, Source
    from edi.models import ClaimPayment, Remittance

CHUNK = 1000
ONE = Decimal(1)
PLAN_LINES = 200   # claim payments kept per ERA for the printed plan


@dataclass(slots=True)
class EraResult:
    """One ERA's outcome: posted, already-posted, refused (does not balance, cannot be stored) or planned."""

    key: str
    payer: str
    trace: str
    payment: Decimal
    where: str
    status: str = "posted"
    claims: int = 0
    matched: int = 0
    posted_to_claims: Decimal = ZERO
    plb: Decimal = ZERO
    suspense: Decimal = ZERO
    exceptions: int = 0
    work_items: int = 0
    findings: list[str] = field(default_factory=list)
    previously: str = ""           # already-posted: when and by which run
    plan: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class FileResult:
    file: str
    eras: list[EraResult] = field(default_factory=list)
    already: str = ""              # the whole file was posted before: when, by which run
    findings: list[str] = field(default_factory=list)
    acks: list[AckResult] = field(default_factory=list)   # TA1, 999, 277CA: claim status advanced

    @property
    def clean(self) -> bool:
        """Everything posted (or posted before), nothing in the exception queue, nothing refused."""
        return not self.findings and not any(a.unmatched for a in self.acks) and all(e.status in ("posted", "already-posted", "planned") and not e.exceptions
                                         and not e.findings for e in self.eras)


def post_file(ledger: Ledger, path: Path, *, dry_run: bool = False, force: bool = False,
              rules: Rules | None = None) -> FileResult:
    from edi.ledger import Source
    from edi.ledger import _posting as store

    source = Source.of_file(path, "835")
    result = FileResult(str(path))
    if not dry_run:
        with ledger._read() as conn:
            done = store.posted_file(conn, source.sha256)
        if done is not None:
            result.already = f"posted {done[0]:%Y-%m-%d %H:%M:%S} UTC by run {done[1]}"
            return result
        with ledger.transaction() as journal:
            run_id = journal.start_run("post")
    else:
        run_id = None
    poster = _FilePoster(ledger, source, result, rules or load_rules(), dry_run, force, run_id)
    try:
        poster.run(path)
    finally:
        poster.abandon()
    refused = any(e.status == "refused" for e in result.eras)
    if not dry_run and not refused and not result.findings and (result.eras or result.acks):
        with ledger.transaction() as journal:
            source_id = journal.source_ids([source])[source.sha256]
            store.record_posted_file(journal.conn, source_id, len(result.eras), run_id)
    return result


class _FilePoster:
    def __init__(self, ledger: Ledger, source: Source, result: FileResult, rules: Rules, dry_run: bool,
                 force: bool, run_id: int | None) -> None:
        self.ledger, self.source, self.result, self.rules = ledger, source, result, rules
        self.dry_run, self.force, self.run_id = dry_run, force, run_id
        self.era: _EraPoster | None = None

    def run(self, path: Path) -> None:
        from edi.models import ClaimAcknowledgment, ClaimPayment, FunctionalGroupAck, InterchangeAck, Remittance, \
            iter_records
        from edi.models._stream import Head, Tail
        from edi.models.envelope import InterchangeEnvelope
        from edi.posting._acks import record_ack

        isa: InterchangeEnvelope | None = None
        try:
            for record in iter_records(path, name=str(path)):
                if isinstance(record, InterchangeEnvelope):
                    isa = record
                elif isinstance(record, InterchangeAck):
                    self.result.acks.append(record_ack(self.ledger, self.source, isa, record, self.dry_run))
                elif isinstance(record, Head):
                    self.abandon()
                    if isinstance(record.model, Remittance):
                        self.era = _EraPoster(self, record.model)
                    elif isinstance(record.model, (FunctionalGroupAck, ClaimAcknowledgment)):
                        self.result.acks.append(record_ack(self.ledger, self.source, isa, record.model,
                                                           self.dry_run))
                    else:
                        self.result.findings.append(f"{path}: ST02 {_st02(record.model)}: not an 005010X221A1 "
                                                    "835, a 999 or a 277CA (edi post reads those): not posted")
                elif isinstance(record, ClaimPayment) and self.era is not None:
                    self.era.add(record)
                elif isinstance(record, Tail) and self.era is not None:
                    era, self.era = self.era, None
                    era.finish(tuple(record.fields.get("provider_adjustments", ())))
        except EdiError as exc:
            self.result.findings.append(str(exc))
        if not self.result.eras and not self.result.findings and not self.result.acks:
            self.result.findings.append(f"{path}: no 005010X221A1 835, 999, TA1 or 277CA in it: nothing posted")

    def abandon(self) -> None:
        if self.era is not None:
            era, self.era = self.era, None
            era.fail("the transaction ended before its SE: not posted")


def _st02(model: Any) -> str:
    return model.source.transaction if getattr(model, "source", None) else "?"


class _EraPoster:
    """One ERA: an open database transaction from its header to its SE."""

    def __init__(self, owner: _FilePoster, remit: Remittance) -> None:
        from edi.ledger import Journal
        from edi.ledger import _posting as store

        self.owner, self.remit = owner, remit
        payer = remit.payer
        payer_id = (payer.id if payer else "") or remit.originating_company_id or \
                   ((payer.last_name if payer else "") or "UNKNOWN")
        src = remit.source
        place = f"ISA13 {src.interchange} GS06 {src.group} ST02 {src.transaction}" if src else ""
        key = f"{payer_id}|{remit.trace_number}|{remit.originating_company_id}" if remit.trace_number else \
            f"{owner.source.sha256}|{place}"
        self.result = EraResult(key[:200], payer_id, remit.trace_number, remit.total_actual_provider_payment or ZERO,
                                f"{Path(owner.result.file).name}: {place}")
        owner.result.eras.append(self.result)
        self.pending: list[ClaimPayment] = []
        self.clp04 = ZERO
        self.ordinal = 0
        self.skip = False
        self.conn: Connection | None = owner.ledger.engine.connect()
        self.transaction = self.conn.begin()
        self.journal = Journal(self.conn, owner.run_id)
        try:
            if self.result.payment != self.result.payment.quantize(Decimal("0.01")):
                self.fail(f"{self.result.where}: BPR02 {self.result.payment} has fractions of a cent; not posted")
                return
            known = store.find_era(self.conn, self.result.key)
            if known is None:
                source_id = self.journal.source_ids([owner.source])[owner.source.sha256]
                self.era_id = store.insert_era(self.conn, {
                    "era_key": self.result.key, "source_id": source_id, "source_ref": place[:200],
                    "payer_id": payer_id[:80], "payer_name": ((payer.last_name if payer else "") or None),
                    "trace_number": remit.trace_number[:50], "payment_amount": self.result.payment,
                    "credit_debit": remit.credit_debit_flag[:1] or None,
                    "payment_method": remit.payment_method_code[:3] or None,
                    "payment_date": remit.payment_effective_date, "forced": int(owner.force),
                    "run_id": owner.run_id})
                if self.era_id is None:
                    known = store.find_era(self.conn, self.result.key)
            if known is not None and (known.payment_amount, known.payment_date) != \
                    (self.result.payment, remit.payment_effective_date):
                self.fail(f"{self.result.where}: TRN02 {remit.trace_number} of payer {payer_id} was posted before "
                          f"(run {known.run_id}, from {known.source_name}) with BPR02 {known.payment_amount} dated "
                          f"{known.payment_date}; this one says {self.result.payment} dated "
                          f"{remit.payment_effective_date}: a trace number used twice, not posted")
                return
            if known is not None:
                self.result.status = "already-posted"
                self.result.previously = f"posted {known.recorded_at:%Y-%m-%d %H:%M:%S} UTC by run {known.run_id} " \
                                         f"from {known.source_name}"
                self.skip = True
                self._close(commit=False)
        except EdiError as exc:
            self.fail(str(exc))
        except Exception as exc:   # a database error: one line
            self.fail(_reason(exc))

    # ------------------------------------------------------------ streaming
    def add(self, cp: ClaimPayment) -> None:
        self.result.claims += 1
        self.clp04 += cp.paid_amount or ZERO
        if self.skip:
            return
        self.pending.append(cp)
        if len(self.pending) >= CHUNK:
            self._flush()

    def finish(self, plbs: tuple[Any, ...]) -> None:
        if self.skip:
            return
        try:
            self._flush()
            if self.skip:
                return
            self._post_plb(plbs)
            self._check(plbs)
            if self.skip:
                return
            if self.owner.dry_run:
                self.result.status = "planned"
                self._close(commit=False)
            else:
                self._close(commit=True)
                get_logger(__name__).info("post.era", run=self.owner.run_id, era=self.era_id,
                                          trace=self.result.trace, claims=self.result.claims,
                                          suspense=str(self.result.suspense))
        except EdiError as exc:
            self.fail(str(exc))
        except Exception as exc:
            self.fail(_reason(exc))

    def fail(self, finding: str) -> None:
        self.result.status = "refused"
        self.result.findings.append(finding)
        self.skip = True
        self._close(commit=False)

    def _close(self, commit: bool) -> None:
        if self.conn is None:
            return
        try:
            if commit:
                self.transaction.commit()
            else:
                self.transaction.rollback()
        finally:
            self.conn.close()
            self.conn = None

    # ------------------------------------------------------------ a chunk of claim payments
    def _flush(self) -> None:
        if not self.pending or self.skip:
            return
        chunk, self.pending = self.pending, []
        try:
            self._post_chunk(chunk)
        except EdiError as exc:
            self.fail(str(exc))
        except Exception as exc:
            self.fail(_reason(exc))

    def _post_chunk(self, chunk: list[ClaimPayment]) -> None:
        from edi.ledger import ClaimStatus, StatusEvent
        from edi.ledger import _posting as store

        assert self.conn is not None
        conn = self.conn
        exact = store.claims_by_number(conn, [cp.patient_control_number for cp in chunk])
        unsure = [cp.payer_claim_control_number for cp in chunk if len(exact.get(cp.patient_control_number, ())) != 1]
        earlier = store.payments_by(conn, payer_numbers=unsure) if unsure else []
        by_number: dict[str, int] = {}
        for p in earlier:
            if p.claim_id is not None and p.payer_claim_number:
                by_number[p.payer_claim_number] = p.claim_id
        matches = []
        for cp in chunk:
            found = exact.get(cp.patient_control_number, [])
            prefixed = store.claims_by_prefix(conn, cp.patient_control_number) \
                if not found and len(cp.patient_control_number) >= 6 and \
                cp.payer_claim_control_number not in by_number else []
            matches.append(match_claim(cp, found, by_number.get(cp.payer_claim_control_number), prefixed))
        keys = store.line_keys(conn, [m.claim_id for m in matches if m.claim_id is not None])
        by_6r: dict[int, list[LineMatch]] = {}   # claim payments whose every line REF*6R names one of the claim's
        for n, (cp, m) in enumerate(zip(chunk, matches)):
            if m.claim_id is not None:
                found = keys.get(m.claim_id, {})
                ids = [found.get(svc.line_item_control_number) for svc in cp.services]
                if all(ids) and len(set(ids)) == len(ids):
                    by_6r[n] = [LineMatch(i, "6r", ONE) for i in ids]
        lines = store.lines_of(conn, [m.claim_id for n, m in enumerate(matches)
                                      if m.claim_id is not None and n not in by_6r])
        reversal_claims = [m.claim_id for cp, m in zip(chunk, matches) if cp.is_reversal and m.claim_id]
        prior = store.payments_by(conn, claim_ids=reversal_claims) if reversal_claims else []
        plans: list[tuple[ClaimPayment, PaymentPlan, str]] = []
        for n, (cp, m) in enumerate(zip(chunk, matches)):
            self.ordinal += 1
            line_matches = by_6r.get(n) or (match_lines(cp.services, lines.get(m.claim_id, [])) if m.claim_id
                                            else [])
            plan = plan_payment(self.ordinal, cp, m, line_matches, self.owner.rules, self.owner.force)
            if plan.finding is not None and not self.owner.force:
                self.result.findings.append(plan.finding)
            plans.append((cp, plan, self._fingerprint(cp)))
        if self.result.findings and not self.owner.force:
            self.fail(f"{self.result.where}: the 835 does not balance in itself; not posted "
                      "(--force posts it with the difference flagged)")
            return
        # reversals: the earlier payment of the claim (this ERA's or another's) that nothing reversed yet
        rows = []
        taken: set[int] = set()
        for cp, plan, fingerprint in plans:
            reverses = None
            if cp.is_reversal and plan.match.claim_id is not None:
                candidates = [p for p in prior if p.claim_id == plan.match.claim_id and p.status_code != "22"
                              and not p.reversed and p.payment_id not in taken]
                exact_amount = [p for p in candidates if p.paid == -(cp.paid_amount or ZERO)]
                pick = (exact_amount or candidates or [None])[-1]
                if pick is not None:
                    reverses = pick.payment_id
                    taken.add(pick.payment_id)
                else:
                    plan.work_items.append({"queue": "exception", "root_cause": "matching", "action": "match",
                                            "amount": cp.paid_amount or ZERO,
                                            "note": f"{where(cp)}: a reversal (CLP02 22) of a payment the ledger "
                                                    "does not hold"})
            plan.reverses = reverses
            rows.append({"fingerprint": fingerprint, "era_id": self.era_id, "ordinal": plan.ordinal,
                         "claim_id": plan.match.claim_id, "match_method": plan.match.method,
                         "match_score": plan.match.score, "patient_control_number": cp.patient_control_number[:38],
                         "payer_claim_number": cp.payer_claim_control_number[:50] or None,
                         "status_code": cp.status_code[:2], "charge": cp.total_charge or ZERO,
                         "paid": cp.paid_amount or ZERO, "patient_responsibility": cp.patient_responsibility,
                         "reverses_id": reverses,
                         "source_ref": f"segment {cp.source.segment + 1}" if cp.source else None})
        ids = store.insert_claim_payments(conn, rows)
        postings, items, events = [], [], []
        for cp, plan, fingerprint in plans:
            payment_id = ids[fingerprint]
            stamp = {"era_id": self.era_id, "claim_payment_id": payment_id, "claim_id": plan.match.claim_id}
            for row in plan.postings:
                row.update(stamp)
            postings.extend(plan.postings)
            items.extend({"line_ref": None, "group_code": None, "reason_code": None, "remark_code": None,
                          "note": None} | w | stamp for w in plan.work_items)
            if plan.match.claim_id is not None and plan.status:
                events.append(StatusEvent(plan.match.claim_id, ClaimStatus(plan.status),
                                          f"era:{self.era_id}:{plan.ordinal}", None,
                                          reason_code=cp.status_code, source=self.owner.source,
                                          source_ref=where(cp)[:200]))
            self._tally(cp, plan)
        store.insert_postings(conn, postings)
        store.insert_work_items(conn, items)
        self.journal.record_status(events)

    def _tally(self, cp: ClaimPayment, plan: PaymentPlan) -> None:
        r = self.result
        if plan.match.claim_id is not None:
            r.matched += 1
            r.posted_to_claims += sum((p["amount"] for p in plan.postings if p["account"] in ("payment", "interest")),
                                      ZERO)
        r.suspense += plan.suspense
        r.exceptions += sum(1 for w in plan.work_items if w["queue"] == "exception")
        r.work_items += sum(1 for w in plan.work_items if w["queue"] == "denial")
        if len(r.plan) < PLAN_LINES:
            r.plan.append({"clp01": cp.patient_control_number, "status": cp.status_code,
                           "claim_id": plan.match.claim_id, "match": plan.match.method,
                           "score": str(plan.match.score), "paid": str(plan.paid),
                           "suspense": str(plan.suspense), "entries": len(plan.postings),
                           "work_items": [f"{w['queue']}:{w['root_cause']}:{w['action']}" for w in plan.work_items],
                           "reverses": plan.reverses})

    def _fingerprint(self, cp: ClaimPayment) -> str:
        parts = (self.result.key, str(self.ordinal), cp.patient_control_number, cp.status_code,
                 str(cp.total_charge), str(cp.paid_amount), cp.payer_claim_control_number)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    # ------------------------------------------------------------ PLB and the balance
    def _post_plb(self, plbs: tuple[Any, ...]) -> None:
        from edi.ledger import _posting as store

        assert self.conn is not None
        refs = [item.reference for plb in plbs for item in plb.items if item.reference]
        claims = store.claims_by_number(self.conn, refs)
        by_payer_number = {p.payer_claim_number: p.claim_id for p in store.payments_by(self.conn, payer_numbers=refs)
                           if p.claim_id is not None}
        rows = []
        for plb in plbs:
            for item in plb.items:
                amount = -(item.amount or ZERO)   # PLB04 positive reduces the payment
                ref = item.reference
                claim_id = None
                if ref:
                    named = claims.get(ref, [])
                    claim_id = named[-1].claim_id if len(named) == 1 else by_payer_number.get(ref)
                rows.append({"era_id": self.era_id, "claim_payment_id": None, "claim_id": claim_id,
                             "claim_line_id": None, "line_ref": None, "line_match": None, "account": "plb",
                             "kind": item.reason[:20] or "plb", "group_code": None, "reason_code": item.reason[:5],
                             "remarks": None, "amount": amount, "quantity": None,
                             "reference": ref[:50] or None, "flagged": 0})
                self.result.plb += amount
        store.insert_postings(self.conn, rows)

    def _check(self, plbs: tuple[Any, ...]) -> None:
        from edi.ledger import _posting as store

        assert self.conn is not None
        plb_total = sum((item.amount or ZERO for plb in plbs for item in plb.items), ZERO)
        expected = self.clp04 - plb_total
        bpr02 = self.result.payment
        if expected != bpr02:
            segment = self.remit.source.segment + 2 if self.remit.source else 0   # BPR follows ST (1-based)
            finding = (f"{self.result.where}: BPR02 {bpr02} (segment {segment}) ≠ Σ CLP04 {self.clp04} − Σ PLB "
                       f"{plb_total} = {expected}")
            if not self.owner.force:
                self.fail(finding + "; not posted (--force posts it with the difference in suspense, flagged)")
                return
            self.result.findings.append(finding + "; posted with --force, the difference in suspense")
            store.insert_postings(self.conn, [{
                "era_id": self.era_id, "claim_payment_id": None, "claim_id": None, "claim_line_id": None,
                "line_ref": None, "line_match": None, "account": "suspense", "kind": "imbalance",
                "group_code": None, "reason_code": None, "remarks": None, "amount": bpr02 - expected,
                "quantity": None, "reference": None, "flagged": 1}])
            self.result.suspense += bpr02 - expected
        totals = store.era_totals(self.conn, self.era_id)
        money = sum((totals.get(a, ZERO) for a in ("payment", "interest", "plb", "suspense")), ZERO)
        if money != bpr02:   # the ledger's own invariant: a bug if it fails, and nothing is committed
            self.fail(f"{self.result.where}: posted {money} ≠ BPR02 {bpr02}: not posted (a posting error; report it)")


def _reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
