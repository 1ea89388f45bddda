"""A secondary claim's lines the primary payer adjudicated (2430, as `edi claims secondary` writes them): the
secondary pays what it would pay as primary, no more than the patient's share the primary left, worked by hand
from example-blue.toml (99213 fee 98.00, copay 25.00 at place of service 11, coinsurance 25%)."""

from __future__ import annotations

import dataclasses
import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import msgspec

from edi.claims.encounter import Adjustment, Encounter, Line, LinePayment
from edi.payer import Benefits, adjudicate, load_payer

SAMPLE = Path(__file__).parents[2] / "samples" / "cycle" / "encounters.jsonl"
D = Decimal


def secondary_visit() -> Encounter:
    """E000020000241 (EXHP1 primary, EXBLUE secondary) billed to EXBLUE: one 99213, charge 125.00, which EXHP1 paid
    80.00 with CO-45 25.00 and PR-2 20.00."""
    line = next(raw for raw in SAMPLE.read_bytes().splitlines() if b'"id":"E000020000241"' in raw)
    enc = msgspec.json.decode(line, type=Encounter)
    visit = Line(procedure_code="99213", charge=D("125.00"), diagnosis_pointers=(1,), prior_payments=(LinePayment(
        payer_id="EXHP1", paid=D("80.00"), date=date(2025, 9, 20),
        adjustments=(Adjustment("CO", "45", D("25.00")), Adjustment("PR", "2", D("20.00")))),))
    return msgspec.structs.replace(enc, billed_coverage=2, lines=(visit,))


def answer(deductible_left: str) -> tuple[object, Benefits]:
    profile = dataclasses.replace(load_payer("example-blue").adjudication, unexplained_denial_rate=0.0)
    benefits = Benefits(deductible_left=D(deductible_left))
    outcome = adjudicate(secondary_visit(), (), profile, benefits, random.Random(1), payer_claim="EXBL1",
                         received=date(2025, 9, 25), institutional=False)
    (payment,) = outcome.payments
    return payment, benefits


def cas(service: object) -> list[tuple[str, str, Decimal]]:
    return [(a.group, a.reason, a.amount) for a in service.adjustments]   # type: ignore[attr-defined]


def test_secondary_pays_up_to_the_share_the_primary_left() -> None:
    """Deductible met. As primary EXBLUE would pay: allowed 98.00 - copay 25.00 = 73.00, coinsurance 25% of 73.00
    = 18.25, so 54.75; the primary left the patient 20.00, so EXBLUE pays 20.00 and the patient owes nothing;
    OA-23 = 125.00 - 20.00 = 105.00 (the primary's 80.00 paid and 25.00 written off)."""
    payment, _ = answer("0")
    (service,) = payment.services
    assert (payment.status_code, payment.paid_amount, payment.patient_responsibility) == ("2", D("20.00"), D("0"))
    assert cas(service) == [("OA", "23", D("105.00"))]


def test_secondary_leaves_the_patient_its_own_cost_sharing_and_gives_back_the_unused_deductible() -> None:
    """Deductible not met (750.00 left). As primary: 98.00 - copay 25.00 = 73.00, all to the deductible, so 0.00;
    EXBLUE pays 0.00 and the patient keeps the primary's 20.00, as EXBLUE's copay (first in order) up to 20.00;
    the deductible is not applied, so the member still has 750.00 left."""
    payment, benefits = answer("750.00")
    (service,) = payment.services
    assert (payment.status_code, payment.paid_amount, payment.patient_responsibility) == ("2", D("0.00"), D("20.00"))
    assert cas(service) == [("OA", "23", D("105.00")), ("PR", "3", D("20.00"))]
    assert (benefits.deductible_left, benefits.deductible_used) == (D("750.00"), D("0.00"))
