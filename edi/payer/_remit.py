"""Writing the payer's 835s: one file per receiver and payment date, one transaction per payee (billing
provider), built as models (edi.models.Remittance) and written by our model writer. BPR02 = Σ CLP04 − Σ PLB; a
run whose recoupments exceed its payments carries the difference forward (PLB FB) and pays nothing (BPR01 H)."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from edi.acks import ControlCounter
from edi.models._io import write_to
from edi.models.common import Address, Contact, Party, Reference
from edi.models.remittance import (ClaimPayment, HeaderNumber, ProviderAdjustment, ProviderAdjustmentItem,
                                   Remittance)
from edi.payer._profile import Adjudication
from edi.x12 import Delimiters, InterchangeHeader
from edi.x12 import Party as IdParty

ZERO = Decimal("0.00")
PLB_ITEMS = 6          # reason/amount pairs one PLB holds


@dataclass(frozen=True)
class Payee:
    npi: str
    name: str
    tax_id: str
    address: Address | None


@dataclass
class Batch:
    """What one payee is paid on one date: claim payments and provider-level adjustments (reason, reference,
    amount: positive takes money back, negative adds to the payment)."""

    payee: Payee
    claims: list[ClaimPayment] = field(default_factory=list)
    adjustments: list[tuple[str, str, Decimal]] = field(default_factory=list)


def _digits(text: str, n: int) -> str:
    return str(int(hashlib.sha256(text.encode()).hexdigest(), 16))[:n]


def remittance(profile: Adjudication, payer_id: str, paid_on: date, batch: Batch, trace_seq: int) -> Remittance:
    paid = sum((c.paid_amount or ZERO for c in batch.claims), ZERO)
    adjustments = list(batch.adjustments)
    total = paid - sum((a for _, _, a in adjustments), ZERO)
    if total < 0:
        adjustments.append(("FB", f"FB{paid_on:%Y%m%d}", total))
        total = ZERO
    r = profile.remit
    payee = batch.payee
    trace = f"{paid_on:%Y%m%d}{trace_seq:06d}"
    money: dict[str, object] = {"transaction_handling_code": "H", "payment_method_code": "NON"} if total == 0 else {
        "transaction_handling_code": "I", "payment_method_code": "ACH", "payment_format_code": "CCP",
        "sender_dfi_qualifier": "01", "sender_dfi_id": r.payer_bank, "sender_account_qualifier": "DA",
        "sender_account_number": r.payer_account, "payer_identifier": "1" + r.tax_id,
        "receiver_dfi_qualifier": "01", "receiver_dfi_id": "0" + _digits(payee.npi, 8),
        "receiver_account_qualifier": "DA", "receiver_account_number": _digits(payee.npi + "/acct", 10)}
    adjustments = _fitted(adjustments, paid_on)
    plbs = (ProviderAdjustment(provider_id=payee.npi, fiscal_period_date=date(paid_on.year, 12, 31), items=tuple(
        ProviderAdjustmentItem(reason=reason, reference=ref, amount=amount) for reason, ref, amount in adjustments)),
    ) if adjustments else ()
    claims = tuple(c if c.filing_indicator_code else _with_filing(c, r.filing_indicator) for c in batch.claims)
    return Remittance(
        total_actual_provider_payment=total, credit_debit_flag="C", payment_effective_date=paid_on,
        trace_type_code="1", trace_number=trace, originating_company_id="1" + r.tax_id,
        production_date=paid_on, **money,  # type: ignore[arg-type]
        payer=Party(entity="PR", last_name=r.payer_name or profile.name.upper(),
                    address=Address(line1=r.street, city=r.city, state=r.state, postal_code=r.postal_code),
                    references=(Reference(qualifier="2U", value=payer_id),),
                    contacts=(Contact(function="BL", name="EDI SUPPORT", channels=(("TE", r.contact_phone),)),)),
        payee=Party(entity="PE", last_name=payee.name, id_qualifier="XX", id=payee.npi, address=payee.address,
                    references=(Reference(qualifier="TJ", value=payee.tax_id),) if payee.tax_id else ()),
        headers=(HeaderNumber(number="1", claims=claims),) if claims else (), provider_adjustments=plbs)


def _fitted(items: list[tuple[str, str, Decimal]], paid_on: date) -> list[tuple[str, str, Decimal]]:
    """At most six items, so one PLB holds them: pyx12 and our validator (pyx12's map) both reject a second PLB in
    a transaction (loop FOOTER at most once), though the guide lets PLB repeat. Past six, the items of a reason
    are summed into one, referenced by the payment date (interest first, then recoupments)."""
    for reason in ("L6", "WO"):
        if len(items) <= PLB_ITEMS:
            break
        mine = [item for item in items if item[0] == reason]
        if len(mine) > 1:
            total = sum((amount for _, _, amount in mine), ZERO)
            items = [item for item in items if item[0] != reason] + [(reason, f"{reason}{paid_on:%Y%m%d}", total)]
    return items


def _with_filing(claim: ClaimPayment, filing: str) -> ClaimPayment:
    import msgspec
    return msgspec.structs.replace(claim, filing_indicator_code=filing)


def write_835(out_dir: Path, name: str, models: list[Remittance], sender: IdParty, receiver: IdParty, paid_on: date,
              counter: ControlCounter, usage: str = "P") -> Path:
    """One interchange of 835 transactions, named ``<name>.835.<ISA13>.x12``; written whole or not at all."""
    header = InterchangeHeader(sender, receiver, usage=usage, created=datetime.combine(paid_on, time(6, 0)))
    numbers = counter.reserve(1, len(models), sender=sender, receiver=receiver)
    isa13 = f"{numbers.interchange:09d}"
    buffer = io.BytesIO()
    write_to(buffer, models, header, numbers, Delimiters())
    target = out_dir / f"{name}.835.{isa13}.x12"
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    partial.write_bytes(buffer.getvalue())
    os.replace(partial, target)
    return target
