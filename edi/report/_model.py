"""The report's numbers as msgspec Structs: what ``compute`` returns, what ``--format json`` writes and what the
HTML page shows. Money is ``Decimal`` (JSON: a string, to the cent); rates are fractions 0–1 rounded to four
places, or None when nothing was there to count (a rate of nothing is not 0%)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec


class Rate(msgspec.Struct, frozen=True):
    """``numerator`` of ``denominator`` (counts), and the fraction."""

    numerator: int
    denominator: int
    rate: float | None


class Group(msgspec.Struct, frozen=True):
    """Denials (or underpaid lines) sharing a key: a root cause, a payer, or a group-CARC."""

    key: str
    items: int                 # denial work items (one per CAS of a denied claim or zero-paid line), or lines
    claims: int                # distinct claims
    amount: Decimal            # Σ the work items' amounts
    rate: float | None = None  # by payer: its claims first denied / its claims remitted


class DenialReason(msgspec.Struct, frozen=True):
    """A group-CARC (+ RARC) with its count and the fix the work queue gives (mappings/posting/denials.toml)."""

    code: str                  # "CO-16 MA130"
    root_cause: str
    action: str
    fix: str
    items: int
    amount: Decimal


class Denials(msgspec.Struct, frozen=True):
    initial: Rate              # claims (CLM01 + payer) whose first remittance denied the claim or a line
    initial_amount: Decimal    # Σ CLP03 (charges) of the claims initially denied (HFMA: denied claims' charges)
    charges_remitted: Decimal  # Σ CLP03 of first remittances
    amount_rate: float | None  # initial_amount / charges_remitted
    by_root_cause: list[Group]
    by_payer: list[Group]
    by_carc: list[Group]
    top_reasons: list[DenialReason]


ALL_PAYERS, PATIENT, TOTAL = "all payers", "patient", "total"      # the aging table's summary rows


class AgingRow(msgspec.Struct, frozen=True):
    payer: str                 # a payer; "all payers" (insurance A/R), "patient" (patient A/R), "total"
    buckets: list[Decimal]     # balances aged 0–30, 31–60, 61–90, 91–120, 120+ days: a payer's from the last date
                               # of service, the patient's from the day the last payer's remittance left it to them
    claims: list[int]          # open claims per bucket
    total: Decimal


class Receivables(msgspec.Struct, frozen=True):
    total: Decimal                     # total A/R at as_of: insurance + patient
    claims_open: int                   # claims with an open balance (a claim owed by a payer and its patient: 2)
    insurance: Decimal                 # open balances at payers
    insurance_claims: int
    patient: Decimal                   # what the claims' last payers left patients (patient payments: not recorded)
    patient_claims: int
    net_revenue_90_days: Decimal       # gross charges − contractual adjustments, services in the last 90 days
    average_daily_net_revenue: Decimal
    days_in_ar: float | None
    aged_over_90: Decimal              # A/R in the 91–120 and 120+ buckets
    aged_over_90_rate: float | None    # aged_over_90 / total
    bucket_names: list[str]
    aging: list[AgingRow]              # per payer, then "all payers", "patient", "total" ([] when nothing is open)


class Collections(msgspec.Struct, frozen=True):
    gross_charges: Decimal
    contractual: Decimal               # CO-45 and CO-253 adjustments
    net_revenue: Decimal               # gross_charges − contractual
    payments: Decimal                  # insurance payments (every payer of the claims), net of reversals
    patient_responsibility: Decimal    # what each claim's last payer left the patient (Σ its PR): patient A/R,
                                       # since patient payments are not in the ledger (nor in payments)
    gross_collection_rate: float | None
    net_collection_rate: float | None


class Underpayment(msgspec.Struct, frozen=True):
    claim: str                 # CLM01
    payer: str
    line: int
    procedure: str
    expected: Decimal          # the contract: fee × units (or percent of charge), at most the charge
    allowed: Decimal           # what the payer allowed: paid + patient responsibility on the line
    short: Decimal             # expected − allowed
    reasons: str               # the line's adjustments other than CO-45 ("CO-150 4.00")


class Underpayments(msgspec.Struct, frozen=True):
    lines_checked: int
    lines: int
    amount: Decimal
    by_payer: list[Group]
    top: list[Underpayment]


class FilingRisk(msgspec.Struct, frozen=True):
    claim: str
    payer: str
    service_date: date
    deadline: date
    days_left: int             # negative: the limit has passed
    status: str


class EmProvider(msgspec.Struct, frozen=True):
    provider: str              # NPI
    specialty: str             # the benchmark's specialty for the provider's taxonomy, or the taxonomy
    category: str              # new | established
    counts: dict[str, int]     # code → visits
    shares: dict[str, float]
    benchmark: dict[str, float]   # code → share, {} without a benchmark
    mean_level: float
    benchmark_level: float | None
    flag: str                  # likely overcoding | likely undercoding | within range | too few visits | no benchmark


class Kpis(msgspec.Struct, frozen=True):
    as_of: date
    ledger: str                        # the URL, password hidden
    claims: int                        # claims in the ledger with a service date on or before as_of
    clean_claim: Rate                  # encounters passing the scrubber the first time
    first_pass_acceptance: Rate        # claims accepted by 999/277CA without a rejection
    first_pass_payment: Rate           # claims paid on their first remittance with no denial
    denials: Denials
    receivables: Receivables
    collections: Collections
    underpayments: Underpayments
    timely_filing: list[FilingRisk]
    em_levels: list[EmProvider]
    em_benchmark_source: str
