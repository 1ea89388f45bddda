"""``edi payer simulate``: answer 837 files as one payer would — acknowledgments, then 835s — deterministically
for a seed. See docs/payer-simulator.md."""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import msgspec

from edi._data import read_toml
from edi.acks import ControlCounter
from edi.claims.encounter import Encounter
from edi.claims.scrub import EDITS, References, scrub_one
from edi.claims.scrub._profiles import parse_scrub
from edi.codes import NcciTables
from edi.errors import EdiError, MappingError
from edi.logging import get_logger
from edi.models.common import Adjustment, Amount
from edi.models.remittance import ClaimPayment
from edi.payer._adjudicate import ZERO, Benefits, Denial, Outcome, adjudicate, money
from edi.payer._frontend import answer
from edi.payer._profile import Adjudication, parse_adjudication
from edi.payer._remit import Batch, Payee, remittance, write_835
from edi.payer._state import PaidClaim, PayerState
from edi.validate import PayerProfile
from edi.validate.profiles import parse_profile, payers_dir
from edi.x12 import Party as IdParty

log = get_logger(__name__)
# CLP02 of a claim processed (and not reversed): what a replacement or void undoes
PAID = ("1", "2", "3", "19", "20", "21")


@dataclass
class Payer:
    """A payer profile read for simulation: adjudication rules, SNIP 7 rules, scrub profile."""

    adjudication: Adjudication
    rules: PayerProfile
    scrub: object
    member_pattern: str | None


def load_payer(name_or_path: str | Path) -> Payer:
    path = Path(name_or_path) if isinstance(name_or_path, Path) or str(name_or_path).endswith(".toml") \
        else payers_dir() / f"{name_or_path}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in payers_dir().glob("*.toml")))
        raise MappingError(f"no payer profile here (profiles in {payers_dir()}: {known or 'none'})", str(path))
    doc = read_toml(path)                          # a located error for a file that is not UTF-8 TOML
    rules = parse_profile(path.read_text(encoding="utf-8"), str(path))
    adjudication = parse_adjudication(doc, str(path))
    scrub = parse_scrub(doc, str(path), EDITS)
    pattern = doc.get("scrub", {}).get("member_id_pattern")
    return Payer(adjudication, rules, scrub, pattern if isinstance(pattern, str) else None)


def find_payer(path: Path) -> Payer:
    """The profile (with an [adjudication] table) whose ids include the payer id of the first claim of ``path``."""
    from edi.claims._extract import extract

    first = next(iter(extract(path)), None)
    if first is None:
        raise EdiError(f"{path}: no 837 claim to find its payer by; give --payer PROFILE")
    wanted = first.encounter.billed.payer.id
    for candidate in sorted(payers_dir().glob("*.toml")):
        doc = read_toml(candidate)
        if wanted in doc.get("payer", {}).get("ids", []) and "adjudication" in doc:
            return load_payer(candidate)
    raise EdiError(f"{path}: no payer profile in {payers_dir()} has id {wanted!r} and an [adjudication] table; "
                   "give --payer PROFILE")


@dataclass
class Summary:
    files: int = 0
    claims: int = 0
    accepted: int = 0
    not_adjudicated: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    denials: Counter[str] = field(default_factory=Counter)        # "CO-197" → claims or lines
    charged: Decimal = ZERO
    paid: Decimal = ZERO
    patient: Decimal = ZERO
    reversals: int = 0
    recouped: Decimal = ZERO
    interest: Decimal = ZERO
    written: list[Path] = field(default_factory=list)

    def text(self) -> str:
        lines = [f"{self.files} file(s), {self.claims} claim(s): {self.accepted} accepted and adjudicated"]
        for why, n in sorted(self.not_adjudicated.items()):
            lines.append(f"  {n} {why}")
        statuses = ", ".join(f"CLP02 {k}: {v}" for k, v in sorted(self.by_status.items()))
        lines.append(f"claim payments: {statuses or 'none'}; charged {self.charged}, paid {self.paid}, "
                     f"patient responsibility {self.patient}")
        if self.denials:
            lines.append("denials: " + ", ".join(f"{k} {v}" for k, v in sorted(self.denials.items())))
        if self.reversals or self.recouped or self.interest:
            lines.append(f"reversals {self.reversals}, recouped (PLB WO) {self.recouped}, interest (PLB L6) "
                         f"{self.interest}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, object]:
        return {"files": self.files, "claims": self.claims, "accepted": self.accepted,
                "not_adjudicated": dict(self.not_adjudicated), "by_status": dict(sorted(self.by_status.items())),
                "denials": dict(sorted(self.denials.items())), "charged": str(self.charged), "paid": str(self.paid),
                "patient_responsibility": str(self.patient), "reversals": self.reversals,
                "recouped": str(self.recouped), "interest": str(self.interest),
                "written": [str(p) for p in self.written]}


def simulate(files: list[Path], out_dir: Path, payer: Payer, *, seed: int = 0, as_of: date | None = None,
             state_path: Path | None = None, ncci: NcciTables | None = None) -> Summary:
    """Answer each 837 (acknowledgments into ``out_dir`` as they are made), adjudicate the accepted claims, write
    the 835s by receiver and payment date, save the state. ``as_of``: the day the files are received (default:
    each interchange's ISA09 date); ``ncci``: the NCCI tables the scrubber's edits use (default: the shipped
    extract)."""
    state = PayerState.load(state_path)
    counter = ControlCounter(out_dir)
    summary = Summary()
    profile = payer.adjudication
    payer_key = profile.ids[0]
    batches: dict[tuple[IdParty, date, str], Batch] = {}
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise EdiError(f"{path}: cannot read: {exc.strerror}") from exc
        received = as_of or _isa_date(data) or date.today()
        front = answer(path, data, profile, payer.rules, payer.member_pattern, out_dir,
                       datetime.combine(received, time(12, 0)), counter)
        summary.files += 1
        summary.written += [a.path for a in front.acks if a.path is not None]
        summary.not_adjudicated.update(front.rejected)
        summary.claims += len(front.accepted) + sum(front.rejected.values())
        summary.accepted += len(front.accepted)
        refs = References.for_run(received, ncci=ncci)
        for item in front.accepted:
            refs.profiles[item.encounter.billed.payer.id] = payer.scrub
            refs.rules[item.encounter.billed.payer.id] = payer.rules
        receiver = _submitter(front.report)
        for item in front.accepted:
            enc = item.encounter
            _one_claim(enc, scrub_one(enc, refs), profile, payer_key, state, seed, received,
                       batches, receiver, summary)
    _write(out_dir, profile, payer_key, batches, counter, summary)
    state.save()
    log.info("payer.simulated", files=summary.files, claims=summary.claims, accepted=summary.accepted,
             remittances=len(batches))
    return summary


def _isa_date(data: bytes) -> date | None:
    head = data[:120].decode("latin-1")
    if not head.startswith("ISA") or len(head) < 106:
        return None
    try:
        yymmdd = head.split(head[3])[9]
        return date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6]))
    except (IndexError, ValueError):
        return None


def _submitter(report: object) -> IdParty:
    interchanges = getattr(report, "interchanges", [])
    if interchanges:
        isa = interchanges[0].header
        return IdParty(isa[5] if isa[5] in ("ZZ", "01", "14", "20", "27", "28", "29", "30", "33") else "ZZ",
                       isa[6].strip() or "SUBMITTER")
    return IdParty("ZZ", "SUBMITTER")


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(hashlib.sha256("/".join(map(str, (seed, *parts))).encode()).digest())


def plan_year(on: date, start_month: int) -> int:
    return on.year if on.month >= start_month else on.year - 1


def payment_date(received: date, profile: Adjudication, rng: random.Random) -> date:
    day = received + timedelta(days=rng.randint(*profile.lag_days))
    if profile.payment_weekday is not None:
        day += timedelta(days=(profile.payment_weekday - day.weekday()) % 7)
    return day


def _payee(enc: Encounter) -> Payee:
    b = enc.billing_provider
    from edi.models.common import Address
    a = b.address
    return Payee(b.npi, (b.name + (" " + b.first_name if b.first_name else "")).strip() or "PROVIDER", b.tax_id,
                 Address(line1=a.line1, line2=a.line2, city=a.city, state=a.state, postal_code=a.postal_code)
                 if a is not None else None)


def _one_claim(enc: Encounter, findings: tuple, profile: Adjudication, payer_key: str, state: PayerState, seed: int,
               received: date, batches: dict, receiver: IdParty, summary: Summary) -> None:
    rng = _rng(seed, payer_key, enc.id, enc.frequency, received)
    paid_on = payment_date(received, profile, rng)
    batch = batches.setdefault((receiver, paid_on, enc.billing_provider.npi), Batch(_payee(enc)))
    key = f"{payer_key}|{enc.id}"
    earlier = state.claims.get(key) or _by_payer_claim(state, payer_key, enc.original_claim_number)
    if enc.frequency in ("7", "8") and earlier is not None and earlier.status in PAID:
        if enc.frequency == "8":          # a void: the payment is taken back from the next payment (PLB WO)
            if earlier.paid:
                batch.adjustments.append(("WO", earlier.payer_claim, earlier.paid))
            summary.recouped += earlier.paid
        else:                             # a replacement: the original is reversed (CLP02 22), then paid anew
            batch.claims.append(_reversal(earlier))
            summary.reversals += 1
            summary.paid -= earlier.paid
        state.accumulators[earlier.accumulator] = state.accumulators.get(earlier.accumulator, ZERO) - earlier.deductible
        earlier.status = "22"             # (the same object stays in the state under its own key)
        if enc.frequency == "8":
            return
    if enc.frequency == "1" and key in state.claims:
        findings = (*findings, _payer_finding(enc, "payer.duplicate", "OA-18",
                                              "the payer has already adjudicated a claim with this CLM01"))
    if enc.frequency == "8":              # a void of nothing the payer paid
        findings = (*findings, _payer_finding(enc, "payer.void.nothing_paid", "CO-16",
                                              "the payer paid no claim with this CLM01 or REF*F8 to void"))
    first = min(enc.dates_of_service) if enc.dates_of_service else received
    accumulator = f"{payer_key}|{enc.billed.member_id}|{plan_year(first, profile.plan_year_start_month)}"
    met = state.accumulators.get(accumulator, ZERO)
    benefits = Benefits(deductible_left=max(ZERO, profile.deductible - met))
    number = state.next_claim_number(_prefix(payer_key), f"{received:%y%j}")
    outcome = adjudicate(enc, findings, profile, benefits, rng, payer_claim=number, received=received,
                         institutional=enc.claim_type == "institutional")
    state.accumulators[accumulator] = met + outcome.deductible_used
    batch.claims += outcome.payments
    _tally(outcome, summary)
    interest = _interest(outcome.paid, received, paid_on, profile)
    if interest:
        batch.adjustments.append(("L6", number, -interest))
        summary.interest += interest
    if enc.frequency == "1" and key in state.claims:
        return                            # a duplicate: the payer keeps what it paid on the first one
    charge = sum((p.total_charge or ZERO for p in outcome.payments), ZERO)
    state.claims[key] = PaidClaim(number, charge, outcome.paid, outcome.patient, outcome.payments[0].status_code,
                                  outcome.deductible_used, accumulator, msgspec.json.encode(outcome.payments).decode())


def _prefix(payer_key: str) -> str:
    return "".join(c for c in payer_key if c.isalnum())[:4].upper()


def _by_payer_claim(state: PayerState, payer_key: str, number: str) -> PaidClaim | None:
    if not number:
        return None
    return next((c for k, c in state.claims.items() if k.startswith(payer_key + "|") and c.payer_claim == number), None)


def _payer_finding(enc: Encounter, code: str, denial: str, message: str) -> object:
    from edi.claims.scrub import RootCause, ScrubFinding
    from edi.validate import Severity
    return ScrubFinding(code, Severity.ERROR, RootCause.BILLING, denial, message, enc.id)


def _interest(paid: Decimal, received: date, paid_on: date, profile: Adjudication) -> Decimal:
    late = (paid_on - received).days - profile.prompt_pay_days
    if late <= 0 or paid <= 0 or not profile.interest_rate:
        return ZERO
    return money(paid * profile.interest_rate * late / 365)


def _negate(adjustments: tuple[Adjustment, ...]) -> tuple[Adjustment, ...]:
    return tuple(msgspec.structs.replace(a, amount=-a.amount) for a in adjustments)


def _reversal(earlier: PaidClaim) -> ClaimPayment:
    """The claim paid earlier, taken back: CLP02 22, every amount negated (so it balances as the original did)."""
    parts = msgspec.json.decode(earlier.claim, type=list[ClaimPayment])
    original = parts[0]
    services = tuple(msgspec.structs.replace(
        s, charge=-(s.charge or ZERO), paid_amount=-(s.paid_amount or ZERO), adjustments=_negate(s.adjustments),
        amounts=tuple(Amount(a.qualifier, -a.amount) for a in s.amounts))
        for p in parts for s in p.services)
    return msgspec.structs.replace(
        original, status_code="22", total_charge=-earlier.charge, paid_amount=-earlier.paid,
        patient_responsibility=-earlier.patient, adjustments=_negate(original.adjustments), services=services,
        crossover_carrier=None, outpatient=None)


def _tally(outcome: Outcome, summary: Summary) -> None:
    for p in outcome.payments:
        summary.by_status[p.status_code] += 1
        summary.charged += p.total_charge or ZERO
    summary.paid += outcome.paid
    summary.patient += outcome.patient
    for d in outcome.denials:
        summary.denials[f"{d.group}-{d.reason}"] += 1


def _write(out_dir: Path, profile: Adjudication, payer_key: str, batches: dict, counter: ControlCounter,
           summary: Summary) -> None:
    by_file: dict[tuple[IdParty, date], list] = {}
    for (receiver, paid_on, _), batch in sorted(batches.items(), key=lambda kv: (kv[0][1], kv[0][0].id, kv[0][2])):
        by_file.setdefault((receiver, paid_on), []).append(batch)
    for (receiver, paid_on), items in by_file.items():
        # trace numbers (TRN02) from the ISA13 the file will get: unique across runs into one folder, so two runs
        # paying on the same day never reuse one (posting refuses a trace used twice)
        isa13 = counter.peek().interchange
        models = [remittance(profile, payer_key, paid_on, batch, isa13 * 100 + k) for k, batch in enumerate(items, 1)]
        sender = IdParty("ZZ", _prefix(payer_key) + "PAYER")
        name = f"{_prefix(payer_key).lower()}-{paid_on:%Y%m%d}"
        summary.written.append(write_835(out_dir, name, models, sender, receiver, paid_on, counter))


__all__ = ["Denial", "Payer", "find_payer", "Summary", "load_payer", "payment_date", "plan_year", "simulate"]
