"""Revenue-cycle KPIs computed from the ledger (definitions and formulas: docs/kpis.md).

A handful of SQLAlchemy Core queries (the same on SQLite and PostgreSQL) read claims, status events, claim
payments, postings summed per claim line and account, and denial work items; the KPIs are then computed here.
The unit most KPIs count is a **claim chain**: the claims with one CLM01 to one payer (payer order), i.e. an
original claim and the replacements (frequency 7) sent for it. Its charge is its newest claim's; its payments,
adjustments and patient responsibility are every posting to any of its claims (so a reversal and its correction
net out as the payer meant).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from edi.ledger import Ledger
from edi.ledger import _schema as t
from edi.ledger._queries import current_status
from edi.logging import get_logger
from edi.report._model import (
    ALL_PAYERS,
    PATIENT,
    TOTAL,
    AgingRow,
    Collections,
    Group,
    DenialReason,
    Denials,
    EmProvider,
    FilingRisk,
    Kpis,
    Rate,
    Receivables,
    Underpayment,
    Underpayments,
)
from edi.report._reference import ESTABLISHED, NEW, Benchmark, Contract, benchmark, contracts

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
REVERSAL = "22"
PROCESSED = frozenset({"1", "2", "3", "19", "20", "21", "23"})      # CLP02: processed as primary … / forwarded
CROSSED_OVER = frozenset({"19", "20", "21", "23"})                  # CLP02: processed and forwarded to a next payer
NOT_BILLED = frozenset({None, "built", "held", "rejected", "replaced", "voided"})   # not (or no longer) at a payer
NEEDS_FILING = frozenset({"built", "held", "rejected"})             # the payer has no acceptable claim yet
CONTRACTUAL = frozenset({("CO", "45"), ("CO", "253")})               # fee schedule, sequestration
PRIOR_PAYER = ("OA", "23")                                          # a secondary's view of the primary's payment
BUCKETS = ("0-30", "31-60", "61-90", "91-120", "120+")
BUCKET_ENDS = (30, 60, 90, 120)
REVENUE_DAYS = 90            # days of net revenue the average daily revenue is taken over (HFMA: 3 months)
AT_RISK_DAYS = 30            # a claim within this many days of its filing limit (or past it) is at risk
MIN_EM_VISITS = 10           # fewer visits in a category: no over/undercoding flag
LEVEL_GAP = 0.5              # mean E/M level this far above/below the benchmark's: likely over/undercoding
TOP = 10


@dataclass
class _Chain:
    """One CLM01 to one payer: its claims (oldest first) and what was posted to them."""

    clm01: str
    order: int
    claims: list[Any] = field(default_factory=list)
    payments: list[Any] = field(default_factory=list)       # claim payments up to as_of, oldest first
    sums: dict[tuple[str, str | None, str | None], Decimal] = field(default_factory=dict)   # account, group, CARC
    denials: list[Any] = field(default_factory=list)         # denial work items up to as_of

    @property
    def newest(self) -> Any:
        return self.claims[-1]

    @property
    def first(self) -> Any:
        return self.claims[0]

    def total(self, account: str, exclude: tuple[str, str] | None = None) -> Decimal:
        return sum((v for (a, g, r), v in self.sums.items() if a == account and (g, r) != exclude), ZERO)

    def contractual(self) -> Decimal:
        return sum((v for (a, g, r), v in self.sums.items() if a == "adjustment" and (g, r) in CONTRACTUAL), ZERO)

    def first_remittance(self) -> Any | None:
        return next((p for p in self.payments if p.status_code != REVERSAL), None)

    def last_remittance(self) -> Any | None:
        return next((p for p in reversed(self.payments) if p.status_code != REVERSAL), None)


def compute(ledger: Ledger, as_of: date, *, payers: Path | None = None, benchmark_file: Path | None = None) -> Kpis:
    """The KPIs of the ledger as of a day: claims with a service date on or before it, ERAs paid on or before it.
    ``payers`` (a folder of payer profiles) and ``benchmark_file`` default to those in ``mappings/``."""
    with ledger.engine.connect() as conn:
        data = _Data.read(conn, as_of)
    kpis = _compute(data, as_of, ledger.url, contracts(payers), benchmark(benchmark_file))
    get_logger(__name__).info("report.computed", as_of=str(as_of), claims=kpis.claims, chains=len(data.chains),
                              denials=kpis.denials.initial.numerator, open_claims=kpis.receivables.claims_open)
    return kpis


# ---------------------------------------------------------------- reading
Sums = dict[tuple[str, str | None, str | None], Decimal]      # (account, group, CARC) → Σ amount
LineKey = tuple[tuple[str, int], int]                          # (chain, line number)


@dataclass
class _Data:
    chains: dict[tuple[str, int], _Chain]
    claim_chain: dict[int, tuple[str, int]]              # claim id → its chain
    acks: dict[int, dict[str, int]]                      # claim id → status → events (held, accepted, rejected)
    first_encounters: dict[str, Any]                     # encounter key → its first row (with the run's kind)
    lines: dict[int, list[Any]]                          # claim id → its lines
    line_sums: dict[LineKey, Sums]
    payer_names: dict[str, str]
    taxonomies: dict[str, str | None]                    # NPI → taxonomy (from an encounter as given)

    @classmethod
    def read(cls, conn: Connection, as_of: date) -> _Data:
        chains, claim_chain, payer_names = _read_claims(conn, as_of)
        paid_by = _read_payments(conn, as_of, chains, claim_chain)
        lines, line_number = _read_lines(conn, claim_chain)
        line_sums = _read_postings(conn, chains, paid_by, line_number)
        _read_denials(conn, chains, paid_by)
        return cls(chains, claim_chain, _read_acks(conn), _read_first_encounters(conn, as_of), lines, line_sums,
                   payer_names, _taxonomies(conn, chains.values(), lines))


def _read_claims(conn: Connection, as_of: date) -> tuple[dict[tuple[str, int], _Chain], dict[int, tuple[str, int]],
                                                          dict[str, str]]:
    """Claims served by as_of, into their chains (oldest first), with their current status and payer name."""
    c, cv = t.claims.c, t.coverages.c
    chains: dict[tuple[str, int], _Chain] = {}
    claim_chain: dict[int, tuple[str, int]] = {}
    payer_names: dict[str, str] = {}
    for row in conn.execute(
            select(c.id, c.encounter_id, c.payer_id, c.payer_order, c.patient_control_number, c.frequency_code,
                   c.total_charge, c.service_from, c.service_to, current_status(c.id).label("status"), cv.payer_name)
            .outerjoin(t.coverages, cv.id == c.coverage_id).where(c.service_from <= as_of).order_by(c.id)):
        key = (row.patient_control_number, row.payer_order)
        chains.setdefault(key, _Chain(*key)).claims.append(row)
        claim_chain[row.id] = key
        if row.payer_name:
            payer_names.setdefault(row.payer_id, row.payer_name)
    return chains, claim_chain, payer_names


def _read_acks(conn: Connection) -> dict[int, dict[str, int]]:
    e = t.claim_status_events.c
    acks: dict[int, dict[str, int]] = defaultdict(dict)
    for claim_id, status, n in conn.execute(
            select(e.claim_id, e.status, func.count()).where(e.status.in_(("held", "accepted", "rejected")))
            .group_by(e.claim_id, e.status)):
        acks[claim_id][status] = n
    return acks


def _read_first_encounters(conn: Connection, as_of: date) -> dict[str, Any]:
    en, runs = t.encounters.c, t.runs.c
    first: dict[str, Any] = {}
    for row in conn.execute(select(en.id, en.encounter_key, runs.kind).outerjoin(t.runs, runs.id == en.run_id)
                            .where(en.service_from <= as_of).order_by(en.id)):
        first.setdefault(row.encounter_key, row)
    return first


def _read_payments(conn: Connection, as_of: date, chains: dict[tuple[str, int], _Chain],
                   claim_chain: dict[int, tuple[str, int]]) -> dict[int, tuple[str, int]]:
    """Claim payments paid by as_of (BPR16, else the day posted) onto their chains; claim payment id → chain."""
    cp, era = t.claim_payments.c, t.eras.c
    paid_by: dict[int, tuple[str, int]] = {}
    for row in conn.execute(select(cp.id, cp.claim_id, cp.status_code, cp.charge, cp.paid, era.payment_date,
                                   era.recorded_at)
                            .join(t.eras, era.id == cp.era_id).where(cp.claim_id.is_not(None)).order_by(cp.id)):
        if (row.payment_date or row.recorded_at.date()) <= as_of and row.claim_id in claim_chain:
            chains[claim_chain[row.claim_id]].payments.append(row)
            paid_by[row.id] = claim_chain[row.claim_id]
    return paid_by


def _read_lines(conn: Connection, claim_chain: dict[int, tuple[str, int]]) -> tuple[dict[int, list[Any]],
                                                                                     dict[int, int]]:
    ln = t.claim_lines.c
    lines: dict[int, list[Any]] = defaultdict(list)
    line_number: dict[int, int] = {}
    for row in conn.execute(select(ln.id, ln.claim_id, ln.line_number, ln.procedure_code, ln.units, ln.charge,
                                   ln.revenue_code, ln.provider_npi).order_by(ln.claim_id, ln.line_number)):
        if row.claim_id in claim_chain:
            lines[row.claim_id].append(row)
            line_number[row.id] = row.line_number
    return lines, line_number


def _read_postings(conn: Connection, chains: dict[tuple[str, int], _Chain], paid_by: dict[int, tuple[str, int]],
                   line_number: dict[int, int]) -> dict[LineKey, Sums]:
    """Σ entries per account, group and CARC into each chain, and per chain line (by line number, so a replacement's
    line nets with the original's)."""
    p = t.postings.c
    keys: dict[tuple[str, str | None, str | None], tuple[str, str | None, str | None]] = {}
    line_sums: dict[LineKey, Sums] = defaultdict(dict)
    for row in conn.execute(select(p.claim_payment_id, p.claim_line_id, p.account, p.group_code, p.reason_code,
                                   func.sum(p.amount).label("amount"))
                            .where(p.claim_payment_id.is_not(None), p.claim_id.is_not(None))
                            .group_by(p.claim_payment_id, p.claim_line_id, p.account, p.group_code, p.reason_code)):
        key = paid_by.get(row.claim_payment_id)
        if key is None:
            continue
        what = keys.setdefault((row.account, row.group_code, row.reason_code),
                               (row.account, row.group_code, row.reason_code))
        sums = chains[key].sums
        sums[what] = sums.get(what, ZERO) + row.amount
        if row.claim_line_id in line_number:
            line = line_sums[key, line_number[row.claim_line_id]]
            line[what] = line.get(what, ZERO) + row.amount
    return line_sums


def _read_denials(conn: Connection, chains: dict[tuple[str, int], _Chain], paid_by: dict[int, tuple[str, int]]) -> None:
    w = t.work_items.c
    for row in conn.execute(select(w.id, w.claim_id, w.claim_payment_id, w.root_cause, w.action, w.group_code,
                                   w.reason_code, w.remark_code, w.amount, w.note)
                            .where(w.queue == "denial", w.claim_id.is_not(None)).order_by(w.id)):
        key = paid_by.get(row.claim_payment_id)
        if key is not None and row.group_code != "PR":     # a patient's share is not a denial
            chains[key].denials.append(row)


def _taxonomies(conn: Connection, chains: Iterable[_Chain], lines: dict[int, list[Any]]) -> dict[str, str | None]:
    """The taxonomy each E/M provider's encounters give them (the encounter as given, kept in the ledger)."""
    first_encounter: dict[str, int] = {}
    for chain in chains:
        for line in lines.get(chain.first.id, ()):
            if line.procedure_code in NEW + ESTABLISHED:
                first_encounter.setdefault(line.provider_npi, chain.first.encounter_id)
    if not first_encounter:
        return {}
    en = t.encounters.c
    documents = dict(conn.execute(select(en.id, en.document).where(en.id.in_(set(first_encounter.values())))).all())
    return {npi: _taxonomy(documents.get(encounter_id), npi) for npi, encounter_id in first_encounter.items()}


def _taxonomy(document: str | None, npi: str) -> str | None:
    if not document:
        return None
    doc = json.loads(document)
    people = [doc.get("billing_provider") or {}, *(doc.get("providers") or {}).values()]
    for line in doc.get("lines") or ():
        people.extend((line.get("providers") or {}).values())
    found = [p.get("taxonomy") for p in people if isinstance(p, dict) and p.get("npi") == npi and p.get("taxonomy")]
    return found[0] if found else None


# ---------------------------------------------------------------- computing
def _rate(numerator: int, denominator: int) -> Rate:
    return Rate(numerator, denominator, round(numerator / denominator, 4) if denominator else None)


def _ratio(numerator: Decimal, denominator: Decimal) -> float | None:
    return round(float(numerator / denominator), 4) if denominator else None


def _compute(data: _Data, as_of: date, url: str, contract: dict[str, Contract], bench: Benchmark) -> Kpis:
    chains = data.chains
    return Kpis(
        as_of=as_of, ledger=url, claims=len(data.claim_chain),
        clean_claim=_clean_claims(data),
        first_pass_acceptance=_first_pass_acceptance(data),
        first_pass_payment=_first_pass_payment(chains.values()),
        denials=_denials(chains.values(), data.payer_names),
        receivables=_receivables(chains, as_of, data.payer_names),
        collections=_collections(chains),
        underpayments=_underpayments(data, contract),
        timely_filing=_timely_filing(chains.values(), as_of, contract, data.payer_names),
        em_levels=_em_levels(data, bench),
        em_benchmark_source="mappings/benchmarks/em-levels.csv",
    )


def _clean_claims(data: _Data) -> Rate:
    """Encounters the scrubber judged (recorded by `claims build`), by their first version: not held."""
    scrubbed = clean = 0
    held_encounters = {row.encounter_id for chain in data.chains.values() for row in chain.claims
                       if data.acks.get(row.id, {}).get("held")}
    for first in data.first_encounters.values():
        if first.kind != "claims build":
            continue
        scrubbed += 1
        clean += first.id not in held_encounters
    return _rate(clean, scrubbed)


def _first_pass_acceptance(data: _Data) -> Rate:
    """Original claims a 999/277CA answered: accepted with no rejection."""
    answered = accepted = 0
    for chain in data.chains.values():
        events = data.acks.get(chain.first.id, {})
        if events.get("accepted") or events.get("rejected"):
            answered += 1
            accepted += not events.get("rejected")
    return _rate(accepted, answered)


def _first_pass_payment(chains: Iterable[_Chain]) -> Rate:
    """Claim chains remitted: the first remittance processed them (CLP02 1/2/3/19–23) with no denial (a claim
    whose allowed amount went to the deductible was paid as the contract says: it counts)."""
    remitted = paid = 0
    for chain in chains:
        first = chain.first_remittance()
        if first is None:
            continue
        remitted += 1
        denied = any(d.claim_payment_id == first.id for d in chain.denials)
        paid += first.status_code in PROCESSED and not denied
    return _rate(paid, remitted)


def _denials(chains: Iterable[_Chain], names: dict[str, str]) -> Denials:
    remitted = denied = 0
    denied_amount = charges = ZERO
    by_payer: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    items: list[tuple[_Chain, Any]] = []
    for chain in chains:
        first = chain.first_remittance()
        if first is None:
            continue
        payer = chain.newest.payer_id
        on_first = [d for d in chain.denials if d.claim_payment_id == first.id]
        is_denied = first.status_code == "4" or bool(on_first)
        remitted += 1
        denied += is_denied
        charges += first.charge
        denied_amount += first.charge if is_denied else ZERO
        by_payer[payer][0] += 1
        by_payer[payer][1] += is_denied
        items.extend((chain, d) for d in chain.denials)

    def grouped(key_of: Any) -> list[Group]:
        groups: dict[str, tuple[int, set[tuple[str, int]], Decimal]] = {}
        for chain, d in items:
            key = key_of(chain, d)
            n, claims, amount = groups.get(key, (0, set(), ZERO))
            groups[key] = (n + 1, claims | {(chain.clm01, chain.order)}, amount + (d.amount or ZERO))
        return sorted((Group(k, n, len(c), a) for k, (n, c, a) in groups.items()),
                      key=lambda g: (-g.items, -g.amount, g.key))

    payer_groups = {g.key: g for g in grouped(lambda c, d: c.newest.payer_id)}
    per_payer = [Group(_payer(p, names), g.items if g else 0, g.claims if g else 0, g.amount if g else ZERO,
                             _rate(n_denied, n).rate)
                 for p, (n, n_denied) in sorted(by_payer.items()) for g in [payer_groups.get(p)]]
    reasons: dict[tuple[str, str, str | None], list[Any]] = defaultdict(list)
    for _, d in items:
        reasons[d.group_code or "", d.reason_code or "", d.remark_code].append(d)
    top = sorted((DenialReason(_code(*k), ds[0].root_cause, ds[0].action, ds[0].note or "", len(ds),
                               sum((d.amount or ZERO for d in ds), ZERO)) for k, ds in reasons.items()),
                 key=lambda r: (-r.items, -r.amount, r.code))[:TOP]
    return Denials(_rate(denied, remitted), denied_amount, charges, _ratio(denied_amount, charges),
                   grouped(lambda c, d: d.root_cause), per_payer,
                   grouped(lambda c, d: f"{d.group_code}-{d.reason_code}"), top)


def _code(group: str, carc: str, rarc: str | None) -> str:
    return f"{group}-{carc}" + (f" {rarc}" if rarc else "")


def _payer(payer_id: str, names: dict[str, str]) -> str:
    return f"{names[payer_id]} ({payer_id})" if payer_id in names else payer_id


def _billed(chain: _Chain, chains: dict[tuple[str, int], _Chain]) -> Decimal:
    """What the chain asks of its payer: the charge (primary), or what the payer before left the patient."""
    before = chains.get((chain.clm01, chain.order - 1))
    if chain.order > 1 and before is not None:
        return before.total("patient")
    return chain.newest.total_charge


def _balance(chain: _Chain, chains: dict[tuple[str, int], _Chain]) -> Decimal:
    """The chain's open insurance balance: billed − payments − adjustments − patient responsibility."""
    settled = chain.total("payment") + chain.total("patient") + \
        chain.total("adjustment", exclude=PRIOR_PAYER if chain.order > 1 else None)
    return _billed(chain, chains) - settled


def _bucket(days: int) -> int:
    return next((n for n, end in enumerate(BUCKET_ENDS) if days <= end), len(BUCKET_ENDS))


def _receivables(chains: dict[tuple[str, int], _Chain], as_of: date, names: dict[str, str]) -> Receivables:
    """Insurance A/R (each billed chain's open balance, aged from its last date of service, per payer; a claim
    crossed over to a next payer that has not answered, by the payer that forwarded it) and patient A/R (what each
    claim's last payer left the patient, aged from that remittance's payment date)."""
    insurance: dict[str, tuple[list[Decimal], list[int]]] = {}
    patient: tuple[list[Decimal], list[int]] = ([ZERO] * 5, [0] * 5)

    def add(into: tuple[list[Decimal], list[int]], balance: Decimal, since: date) -> None:
        n = _bucket((as_of - since).days)
        into[0][n] += balance
        into[1][n] += 1

    def payer_row(label: str) -> tuple[list[Decimal], list[int]]:
        return insurance.setdefault(label, ([ZERO] * 5, [0] * 5))

    for chain in chains.values():
        balance = _balance(chain, chains)
        if chain.newest.status not in NOT_BILLED and balance > ZERO:
            add(payer_row(_payer(chain.newest.payer_id, names)), balance, chain.first.service_to)
    billed = _first_billed(chains)
    for group in billed:
        last, share, waiting = _patient_share(group)
        if share <= ZERO or (waiting and last is not group[-1]):    # nothing owed, or the next payer's claim is out
            continue
        if waiting:
            add(payer_row(f"crossed over by {_payer(last.newest.payer_id, names)}"), share, last.first.service_to)
        else:
            add(patient, share, _left_to_patient_on(last))
    payer_rows = [AgingRow(p, a, c, sum(a, ZERO)) for p, (a, c) in sorted(insurance.items())]
    insured = AgingRow(ALL_PAYERS, *_column_sums(payer_rows))
    patient_row = AgingRow(PATIENT, patient[0], patient[1], sum(patient[0], ZERO))
    total = AgingRow(TOTAL, *_column_sums([insured, patient_row]))
    start = as_of - timedelta(days=REVENUE_DAYS)
    net = sum((group[0].newest.total_charge - group[0].contractual() for group in billed
               if start < group[0].first.service_to <= as_of), ZERO)
    days = round(float(total.total * REVENUE_DAYS / net), 1) if net > ZERO else None
    aged = total.buckets[3] + total.buckets[4]
    return Receivables(total.total, sum(total.claims), insured.total, sum(insured.claims), patient_row.total,
                       sum(patient_row.claims), net, (net / REVENUE_DAYS).quantize(CENT), days, aged,
                       _ratio(aged, total.total), list(BUCKETS),
                       [*payer_rows, insured, patient_row, total] if total.total else [])


def _column_sums(rows: list[AgingRow]) -> tuple[list[Decimal], list[int], Decimal]:
    amounts = [sum((r.buckets[n] for r in rows), ZERO) for n in range(len(BUCKETS))]
    return amounts, [sum(r.claims[n] for r in rows) for n in range(len(BUCKETS))], sum(amounts, ZERO)


def _by_claim(chains: dict[tuple[str, int], _Chain]) -> dict[str, list[_Chain]]:
    """Each CLM01's chains, lowest payer order first."""
    grouped: dict[str, list[_Chain]] = defaultdict(list)
    for key in sorted(chains):
        grouped[key[0]].append(chains[key])
    return grouped


def _first_billed(chains: dict[tuple[str, int], _Chain]) -> list[list[_Chain]]:
    """The chains of each CLM01 whose first chain (its lowest payer order in the ledger) is billed. That is the
    primary claim, or the secondary claim of an encounter billed straight to its secondary payer (the primary
    paid outside the ledger: its payment is in the encounter, not in the ledger)."""
    return [group for group in _by_claim(chains).values() if group[0].newest.status not in NOT_BILLED]


def _patient_share(group: list[_Chain]) -> tuple[_Chain, Decimal, bool]:
    """What the claim's last payer left the patient (Σ its PR), the chain of that payer, and whether the claim
    still waits on a next payer: a claim to it was built, or the payer crossed the claim over to it (CLP02
    19-23). None remitted yet: (the first chain, 0, False)."""
    remitted = [chain for chain in group if chain.last_remittance() is not None]
    if not remitted:
        return group[0], ZERO, False
    last = remitted[-1]
    newest: Any = last.last_remittance()
    waiting = last is not group[-1] or newest.status_code in CROSSED_OVER
    return last, last.total("patient"), waiting


def _left_to_patient_on(chain: _Chain) -> date:
    """The day the last payer's remittance left the balance to the patient (BPR16, else the day posted)."""
    newest: Any = chain.last_remittance()
    return newest.payment_date or newest.recorded_at.date()


def _collections(chains: dict[tuple[str, int], _Chain]) -> Collections:
    gross = contractual = payments = patient = ZERO
    for group in _first_billed(chains):
        gross += group[0].newest.total_charge
        contractual += group[0].contractual()
        payments += sum((chain.total("payment") for chain in group), ZERO)
        _, share, waiting = _patient_share(group)
        patient += ZERO if waiting else share
    net = gross - contractual
    return Collections(gross, contractual, net, payments, patient, _ratio(payments, gross), _ratio(payments, net))


def _underpayments(data: _Data, contract: dict[str, Contract]) -> Underpayments:
    checked = 0
    found: list[tuple[str, Underpayment]] = []
    for (key, number), sums in data.line_sums.items():
        chain = data.chains[key]
        terms = contract.get(chain.newest.payer_id)
        line = next((ln for ln in data.lines.get(chain.newest.id, ()) if ln.line_number == number), None)
        if chain.order != 1 or terms is None or line is None:
            continue
        allowed = sum((v for (a, _, _), v in sums.items() if a in ("payment", "patient")), ZERO)
        expected = terms.expected(line.procedure_code, line.units, line.charge)
        if allowed <= ZERO or expected is None:
            continue                                   # denied or not adjudicated: a denial, not an underpayment
        checked += 1
        if expected - allowed >= CENT:
            reasons = ", ".join(f"{g}-{r} {v:.2f}" for (a, g, r), v in sorted(sums.items(), key=str)
                                if a == "adjustment" and (g, r) not in CONTRACTUAL and v)
            found.append((chain.newest.payer_id, Underpayment(
                chain.clm01, chain.newest.payer_id, number, line.procedure_code or line.revenue_code or "",
                expected, allowed, expected - allowed, reasons)))
    by_payer: dict[str, list[Underpayment]] = defaultdict(list)
    for payer, u in found:
        by_payer[payer].append(u)
    groups = [Group(_payer(p, data.payer_names), len(us), len({u.claim for u in us}),
                          sum((u.short for u in us), ZERO)) for p, us in sorted(by_payer.items())]
    top = sorted((u for _, u in found), key=lambda u: (-u.short, u.claim, u.line))[:TOP * 2]
    return Underpayments(checked, len(found), sum((u.short for _, u in found), ZERO), groups, top)


def _timely_filing(chains: Iterable[_Chain], as_of: date, contract: dict[str, Contract],
                   names: dict[str, str]) -> list[FilingRisk]:
    risks = []
    for chain in chains:
        status = chain.newest.status
        resubmit = status == "denied" and any(d.action == "resubmit-7" for d in chain.denials)
        terms = contract.get(chain.newest.payer_id)
        if not (status in NEEDS_FILING or resubmit) or terms is None or terms.timely_filing_days is None:
            continue
        deadline = chain.first.service_to + timedelta(days=terms.timely_filing_days)
        days_left = (deadline - as_of).days
        if days_left <= AT_RISK_DAYS:
            risks.append(FilingRisk(chain.clm01, _payer(chain.newest.payer_id, names), chain.first.service_to,
                                    deadline, days_left, status))
    return sorted(risks, key=lambda r: (r.days_left, r.claim))


def _level(code: str) -> int:
    return int(code[-1])


def _em_levels(data: _Data, bench: Benchmark) -> list[EmProvider]:
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for chain in data.chains.values():
        if chain.order != 1:
            continue
        for line in data.lines.get(chain.first.id, ()):
            code = line.procedure_code
            if code in NEW or code in ESTABLISHED:
                counts[line.provider_npi, "new" if code in NEW else "established"][code] += 1
    out = []
    for (npi, category), by_code in sorted(counts.items()):
        codes = NEW if category == "new" else ESTABLISHED
        visits = sum(by_code.values())
        specialty, shares, source = bench.lookup(data.taxonomies.get(npi), category)
        mean = sum(_level(c) * n for c, n in by_code.items()) / visits
        expected = (sum(_level(c) * s for c, s in shares.items()) / sum(shares.values())) if shares else None
        if expected is None:
            flag = "no benchmark"
        elif visits < MIN_EM_VISITS:
            flag = "too few visits"
        elif mean - expected >= LEVEL_GAP:
            flag = "likely overcoding"
        elif expected - mean >= LEVEL_GAP:
            flag = "likely undercoding"
        else:
            flag = "within range"
        out.append(EmProvider(npi, specialty + (f" [{source}]" if source else ""), category,
                              {c: by_code.get(c, 0) for c in codes},
                              {c: round(by_code.get(c, 0) / visits, 4) for c in codes},
                              {c: round(shares.get(c, 0.0), 4) for c in codes} if shares else {},
                              round(mean, 2), round(expected, 2) if expected is not None else None, flag))
    return out
