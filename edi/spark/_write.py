"""Writing back: a DataFrame of coded encounters (edi.claims.Encounter) → 837P/837I interchange files, one per payer
of each encounter's billed coverage, written by the executors in parallel, with control numbers from the ledger.

Each payer's encounters go to one task (``groupByKey`` on the payer id), which maps them to claims
(``edi.claims.claim_of``), batches them into transactions (``edi.claims.transactions``: one claim type and billing
provider each, at most the receiver's claims per transaction), takes ISA13, GS06 and ST02s from the ledger's
counters for the receiver's sender–receiver pair (``Ledger.reserve_block``: never the same number twice, whichever
executor asks) and writes ``OUT/payer=<id>/<receiver's file name>`` under a temporary name, renamed when whole.
The encounters are not scrubbed and the files are not recorded as submissions: that is ``edi claims build``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec

from edi.errors import EdiError
from edi.split import _safe   # a payer id as a file name, as edi split names its files by payer


@dataclass(frozen=True)
class PayerFile:
    payer: str          # the billed coverage's payer id (2010BB NM109)
    path: str
    isa13: str
    transactions: int
    claims: int


def encounter_json(row: Any) -> str:
    """An encounter's JSON from a DataFrame row: its only (string) column as it is — ``spark.read.text`` of JSON
    Lines — else the row's fields (nested rows as objects, empty values left out so defaults apply)."""
    if len(row) == 1 and isinstance(row[0], str):
        return str(row[0])
    return msgspec.json.encode(_present(row.asDict(recursive=True))).decode()


def _present(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _present(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_present(v) for v in value]
    return value


def billed_payer(text: str) -> str:
    from edi.claims import Encounter

    enc = msgspec.json.decode(text, type=Encounter)
    return enc.coverages[enc.billed_coverage - 1].payer.id


def write_837(encounters: Any, out_dir: str | Path, *, ledger: str, receiver: str | None = None,
              usage: str | None = None) -> list[PayerFile]:
    """Write the encounters of a DataFrame as 837 files partitioned by payer (see the module docstring); the files
    written, by payer. ``ledger``: the ledger's URL or SQLite path (every executor must reach it); ``receiver``:
    a receiver profile of mappings/receivers (its ISA/GS ids, 1000A/1000B parties and limits)."""
    out = str(Path(out_dir).resolve())
    created = datetime.now().replace(second=0, microsecond=0)
    pairs = encounters.rdd.map(encounter_json).keyBy(billed_payer)
    written = pairs.groupByKey().map(
        lambda item: _write_payer(item[0], item[1], out, ledger, receiver, usage, created)).collect()
    return sorted(written, key=lambda f: f.payer)


def _write_payer(payer: str, texts: Iterable[str], out: str, ledger_url: str, receiver_name: str | None,
                 usage: str | None, created: datetime) -> PayerFile:
    from edi.claims import Encounter, claim_of, transactions
    from edi.claims._receivers import load_receiver
    from edi.ledger import open_ledger
    from edi.models import write
    from edi.x12 import ControlNumbers

    receiver = load_receiver(receiver_name)
    claims = sorted((claim_of(msgspec.json.decode(t, type=Encounter)) for t in texts),
                    key=lambda c: c.INSTITUTIONAL)   # one GS per claim type: 837P first, then 837I
    models = list(transactions(claims, submitter=receiver.submitter, receiver=receiver.receiver, created=created,
                               max_claims=receiver.max_claims_per_transaction))
    groups = len({m.INSTITUTIONAL for m in models})
    sender, partner = receiver.pair
    with open_ledger(ledger_url) as ledger:
        taken = ledger.reserve_block({"interchange": 1, "group": groups, "transaction": len(models)},
                                     sender=sender, receiver=partner)
    numbers = ControlNumbers(taken["interchange"][0], taken["group"][0], taken["transaction"][0])
    isa13 = f"{numbers.interchange:09d}"
    kind = "837i" if all(m.INSTITUTIONAL for m in models) else "837p"
    folder = Path(out) / f"payer={_safe(payer)}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / receiver.name_for(isa13, kind, created.date())
    if path.exists():
        raise EdiError(f"{path}: already there (ISA13 {isa13} from the ledger was used before)")
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(write(models, receiver.header(usage, created), numbers))
    partial.replace(path)
    return PayerFile(payer, str(path), isa13, len(models), len(claims))
