"""A payer simulator: answers our 837s as a payer and its clearinghouse would — TA1, 999 and 277CA from our own
validator and acknowledgment builders, then 835s adjudicated with the fee schedule and plan benefits of a payer
profile's ``[adjudication]`` table, deterministically for a seed (docs/payer-simulator.md).

    payer = load_payer("example-commercial")
    summary = simulate([Path("claims.x12")], Path("out"), payer, seed=1, state_path=Path("payer.json"))
"""

from edi.payer._adjudicate import Benefits, Denial, Outcome, adjudicate, allowed_for
from edi.payer._profile import Adjudication, load_adjudication, parse_adjudication
from edi.payer._simulate import Payer, Summary, find_payer, load_payer, payment_date, plan_year, simulate
from edi.payer._state import PayerState

__all__ = ["Adjudication", "Benefits", "Denial", "Outcome", "Payer", "PayerState", "Summary", "adjudicate",
           "allowed_for", "find_payer", "load_adjudication", "load_payer", "parse_adjudication", "payment_date", "plan_year",
           "simulate"]
