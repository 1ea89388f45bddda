"""Synthetic 835 (005010X221A1) remittances, one transaction per 5,000 claims, written claim by claim.

BPR02 (the payment) comes before the claims it totals, so each transaction is generated twice: a first pass
adjudicates its claims only to add up CLP04, the second writes them. Both passes draw from the same per-claim
random streams, so they agree, and memory stays flat.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from edi.synth._adjudicate import ZERO, Adjustment, ClaimPayment, LinePayment, adjudicate
from edi.synth._encounter import Payer, Provider, encounter, roster
from edi.synth._envelope import chunks, group, interchange
from edi.synth._random import amount, d8, digits, share
from edi.x12._writer import Built

GUIDE = "005010X221A1"
CAS_GROUPS = ("CO", "PR", "OA", "PI")
# CLP06 has no CI (commercial) or BL (Blue Cross) in the 835 guide, unlike the 837's SBR09: report those
# plans as indemnity (15) and PPO (12).
FILING_IN_835 = {"CI": "15", "BL": "12"}


@dataclass(frozen=True)
class Remittance:
    """What one transaction's header says: who pays whom, how, and when."""
    payer: Payer
    payee: Provider
    paid_on: date
    method: str                          # BPR04: ACH or CHK
    trace: str                           # TRN02: EFT trace or check number
    accounts: tuple[str, str, str, str]  # payer routing/account, payee routing/account


def synth_835(claims: int, seed: int, payer_contact: bool = False) -> Iterator[Built]:
    """The segments (ISA … IEA) of an 835 interchange with ``claims`` claims, all fixed by ``seed``.

    ``payer_contact`` adds the 1000A PER*BL (payer technical contact). The guide requires it and pyx12 reports
    its absence, but LinuxForHealth x12 rejects any PER in 1000A, so the benchmark files leave it out.
    """
    day = roster(seed).start + timedelta(days=160)
    bodies = (_transaction(seed, n, start, stop, payer_contact) for n, start, stop in chunks(claims))
    return interchange(group("HP", GUIDE, "835", None, bodies), seed, "SYNTHPAYER", "SYNTHPROVIDER", day)


def _remittance(seed: int, number: int) -> Remittance:
    team = roster(seed)
    rng = random.Random(f"{seed}/835/{number}")
    method = "ACH" if rng.random() < 0.75 else "CHK"
    trace = digits(rng, 12) if method == "ACH" else digits(rng, 8)
    accounts = (digits(rng, 9), digits(rng, 10), digits(rng, 9), digits(rng, 10))
    payer = team.payers[(seed + number) % len(team.payers)]
    payee = team.billing[number % len(team.billing)]
    return Remittance(payer, payee, team.start + timedelta(days=160 + number), method, trace, accounts)


def _payments(seed: int, remit: Remittance, start: int, stop: int) -> Iterator[ClaimPayment]:
    """The claims of one transaction, adjudicated by its payer."""
    filing = FILING_IN_835.get(remit.payer.filing, remit.payer.filing)
    paid = ZERO
    for index in range(start, stop):
        payment = adjudicate(encounter(seed, index), seed, filing, paid)
        paid += payment.paid
        yield payment


def _transaction(seed: int, number: int, start: int, stop: int, payer_contact: bool) -> Iterator[Built]:
    remit = _remittance(seed, number)
    paid = sum((payment.paid for payment in _payments(seed, remit, start, stop)), ZERO)
    provider_adjustments = _provider_adjustments(random.Random(f"{seed}/835/{number}/plb"), paid, start)
    total = paid - sum((value for _, _, value in provider_adjustments), ZERO)
    yield _bpr(remit, total)
    yield ("TRN", "1", remit.trace, "1" + remit.payer.tax_id)
    yield ("DTM", "405", d8(remit.paid_on - timedelta(days=2)))
    yield from _parties(remit, payer_contact)
    yield ("LX", "1")
    for payment in _payments(seed, remit, start, stop):
        yield from _claim(payment)
    yield from _plb(remit, provider_adjustments)


def _bpr(remit: Remittance, total: Decimal) -> Built:
    when = d8(remit.paid_on)
    if total == 0:
        return ("BPR", "H", "0", "C", "NON", *([""] * 11), when)
    if remit.method == "CHK":
        return ("BPR", "C", amount(total), "C", "CHK", *([""] * 11), when)
    payer_bank, payer_account, payee_bank, payee_account = remit.accounts
    return ("BPR", "I", amount(total), "C", "ACH", "CCP", "01", payer_bank, "DA", payer_account,
            "1" + remit.payer.tax_id, "", "01", payee_bank, "DA", payee_account, when)


def _parties(remit: Remittance, payer_contact: bool) -> Iterator[Built]:
    payer, payee = remit.payer, remit.payee
    yield ("N1", "PR", payer.name)
    yield ("N3", "PO BOX 1000")
    yield ("N4", "ANYTOWN", "IL", "62701")
    yield ("REF", "2U", payer.id)
    # LinuxForHealth x12 (a benchmark peer) rejects a PER segment in 1000A, so by default we emit none, not
    # even the PER*BL the guide requires (pyx12 then reports it missing, once per transaction).
    if payer_contact:
        yield ("PER", "BL", "EDI SUPPORT", "TE", "5555550199")
    yield ("N1", "PE", payee.name, "XX", payee.npi)
    yield ("N3", payee.address.street)
    yield ("N4", payee.address.city, payee.address.state, payee.address.zip)
    yield ("REF", "TJ", payee.tax_id)


def _claim(payment: ClaimPayment) -> Iterator[Built]:
    claim = payment.claim
    yield ("CLP", claim.pcn, payment.status, amount(payment.charge), amount(payment.paid),
           amount(payment.patient), payment.filing, payment.payer_claim, claim.place, claim.frequency)
    yield from _cas(payment.adjustments)
    patient = claim.patient or claim.subscriber
    yield ("NM1", "QC", "1", patient.last, patient.first, "", "", "", "MI", claim.subscriber.member_id)
    if claim.patient is not None:
        subscriber = claim.subscriber
        yield ("NM1", "IL", "1", subscriber.last, subscriber.first, "", "", "", "MI", subscriber.member_id)
    if claim.rendering:
        yield ("NM1", "82", "1", claim.rendering.name, claim.rendering.first, "", "", "", "XX", claim.rendering.npi)
    yield from _claim_remark(payment)
    yield ("DTM", "232", d8(claim.first_day))
    yield ("DTM", "233", d8(claim.last_day))
    yield ("DTM", "050", d8(claim.received))
    for line in payment.lines:
        yield from _service(line)


def _claim_remark(payment: ClaimPayment) -> Iterator[Built]:
    """MIA for an inpatient stay (here only some place-of-service 21 claims, to exercise readers), else MOA."""
    if payment.inpatient:
        yield ("MIA", "0", "", "", "", payment.remark or "MA07")
    elif payment.remark:
        yield ("MOA", "", "", payment.remark)


def _service(line: LinePayment) -> Iterator[Built]:
    procedure = ("HC", line.code, *line.line.modifiers)
    units = "" if line.line.units == 1 else str(line.line.units)
    submitted = ("HC", line.submitted, *line.line.modifiers) if line.submitted else ""
    yield ("SVC", procedure, amount(line.charge), amount(line.paid), "", units, submitted)
    yield ("DTM", "472", d8(line.line.day))
    yield from _cas(line.adjustments)
    yield ("REF", "6R", line.line.control)
    if line.allowed is not None:
        yield ("AMT", "B6", amount(line.allowed))
    if line.remark:
        yield ("LQ", "HE", line.remark)


def _cas(adjustments: tuple[Adjustment, ...]) -> Iterator[Built]:
    """One CAS per group code, at most six (reason, amount, quantity) triplets each."""
    for code in CAS_GROUPS:
        triplets = [(reason, amount(value), "") for group_code, reason, value in adjustments if group_code == code]
        for first in range(0, len(triplets), 6):
            yield ("CAS", code, *(e for triplet in triplets[first:first + 6] for e in triplet))


def _provider_adjustments(rng: random.Random, paid: Decimal, start: int) -> list[tuple[str, str, Decimal]]:
    """PLB items (reason, reference, amount) for about half the transactions: an overpayment recovery (WO,
    positive: reduces the payment), interest (L6, negative: increases it), sometimes a forward balance (FB)."""
    if paid <= 0 or rng.random() >= 0.5:
        return []
    items = [("WO", f"P{start + 1:07d}", share(paid, rng, 0.002, 0.02))]
    if rng.random() < 0.6:
        items.append(("L6", f"INT{digits(rng, 6)}", -share(paid, rng, 0.0005, 0.003)))
    if rng.random() < 0.3:
        items.append(("FB", f"FB{digits(rng, 6)}", share(paid, rng, 0.001, 0.01)))
    return [item for item in items if item[2] != 0]


def _plb(remit: Remittance, items: list[tuple[str, str, Decimal]]) -> Iterator[Built]:
    fiscal_year_end = date(remit.paid_on.year, 12, 31)
    for first in range(0, len(items), 6):
        pairs = (e for code, ref, value in items[first:first + 6] for e in ((code, ref), amount(value)))
        yield ("PLB", remit.payee.npi, d8(fiscal_year_end), *pairs)
