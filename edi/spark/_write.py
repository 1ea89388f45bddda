"""Writing back: a DataFrame of coded encounters (edi.claims.Encounter) → 837P/837I interchange files, partitioned
by receiver and by payer of each encounter's billed coverage, written by the executors in parallel, with control
numbers from the ledger.

``receiver`` is one receiver profile (mappings/receivers) for every payer, or a mapping ``{payer id: receiver, "*":
default}``. The driver first counts the encounters of each payer (``countByKey``: a few numbers), routes each payer
to its receiver — a payer with no receiver, or two different profiles of one key, is an EdiError before any file
is written — and gives each payer ``ceil(count / (0.8 × max_claims_per_file))`` buckets, numbered one after the
other across payers. An encounter goes to its payer's bucket ``crc32(its JSON text) % buckets`` (stable from run
to run, unlike Python's ``hash``); ``groupByKey`` on the bucket number, one bucket a partition, makes each bucket
one task, so no task holds much more than one file's worth of encounters, however many a payer has.
A task sorts its encounters by their JSON text, splits them evenly into files of at most the receiver's
``max_claims_per_file`` claims, and for each file maps them to claims (``edi.claims.claim_of``), batches them into
transactions (``edi.claims.transactions``: one claim type and billing provider each, at most the receiver's claims
per transaction), takes ISA13, GS06 and ST02s from the ledger's counters for the receiver's sender–receiver pair
(``Ledger.reserve_block``: never the same number twice, whichever executor asks) and writes
``OUT/receiver=<key>/payer=<id>/<receiver's file name>`` under a temporary name, renamed when whole. Which
encounters share a file depends on the input only, not on how tasks are scheduled (the ISA13s do).
The encounters are not scrubbed and the files are not recorded as submissions: that is ``edi claims build``.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec

from edi.errors import EdiError
from edi.logging import get_logger
from edi.split import _safe   # a payer id as a file name, as edi split names its files by payer


@dataclass(frozen=True)
class PayerFile:
    payer: str          # the billed coverage's payer id (2010BB NM109)
    path: str
    isa13: str
    transactions: int
    claims: int
    receiver: str       # the receiver profile's key (its file's stem), as in the path's receiver=<key> folder


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


def write_837(encounters: Any, out_dir: str | Path, *, ledger: str,
              receiver: str | Path | Mapping[str, str | Path] | None = None,
              usage: str | None = None) -> list[PayerFile]:
    """Write the encounters of a DataFrame as 837 files partitioned by receiver and payer (see the module
    docstring); the files written, sorted by receiver, payer and path. ``ledger``: the ledger's URL or SQLite path
    (every executor must reach it); ``receiver``: a receiver profile of mappings/receivers by name or path (its
    ISA/GS ids, 1000A/1000B parties and limits) for every payer, or a mapping of payer ids to receivers with
    ``"*"`` for the others; None is the default receiver."""
    out = str(Path(out_dir).resolve())
    created = datetime.now().replace(second=0, microsecond=0)
    pairs = encounters.rdd.map(encounter_json).keyBy(billed_payer)
    counts = {str(payer): int(n) for payer, n in pairs.countByKey().items()}
    profiles = receivers_of(receiver, counts)
    first: dict[str, tuple[int, int]] = {}     # payer → (its first bucket, its buckets): bucket k is task k
    owner: list[tuple[str, Any]] = []          # bucket → (payer, receiver)
    log = get_logger(__name__)
    for payer in sorted(counts):
        profile = profiles[payer]
        n = buckets(counts[payer], profile.max_claims_per_file)
        first[payer] = (len(owner), n)
        owner += [(payer, profile)] * n
        log.info("spark.write_837.payer", receiver=profile.key, payer=payer, encounters=counts[payer], buckets=n)
    if not owner:
        return []

    def bucket(item: tuple[str, str]) -> tuple[int, str]:
        start, n = first[item[0]]
        return start + zlib.crc32(item[1].encode()) % n, item[1]

    written = pairs.map(bucket).groupByKey(numPartitions=len(owner), partitionFunc=lambda k: k).flatMap(
        lambda item: _write_bucket(*owner[item[0]], item[1], out, ledger, usage, created)).collect()
    return sorted(written, key=lambda f: (f.receiver, f.payer, f.path))


def receivers_of(receiver: str | Path | Mapping[str, str | Path] | None, payers: Iterable[str]) -> dict[str, Any]:
    """Each payer's receiver profile (``route``); an EdiError when two different profiles have the same key, as
    their files would share a receiver=<key> folder."""
    from edi.claims._receivers import load_receiver

    names = route(receiver, payers)
    loaded = {name: load_receiver(name) for name in set(names.values())}
    keys: dict[str, Any] = {}
    for name in sorted(loaded, key=str):
        profile = loaded[name]
        if keys.setdefault(profile.key, profile) != profile:
            raise EdiError(f"receiver {name}: another receiver profile of the mapping is also named "
                           f"{profile.key!r}; give the files different names (a receiver=<key> folder each)")
    return {payer: loaded[name] for payer, name in names.items()}


def route(receiver: str | Path | Mapping[str, str | Path] | None, payers: Iterable[str]) -> dict[str, str | Path]:
    """The receiver (name or path) of each payer: ``receiver`` itself (None: the default receiver), or the payer's
    entry of a mapping, else its ``"*"``; an EdiError names a payer the mapping has no receiver for."""
    from edi.claims._receivers import DEFAULT

    if not isinstance(receiver, Mapping):
        return {payer: receiver or DEFAULT for payer in payers}
    routes: dict[str, str | Path] = {}
    for payer in sorted(payers):
        name = receiver.get(payer, receiver.get("*"))
        if name is None:
            mapped = ", ".join(sorted(k for k in receiver if k != "*")) or "none"
            raise EdiError(f"payer {payer}: no receiver for it in the receiver mapping (mapped: {mapped}); add "
                           f"{payer!r}: <receiver name or path>, or '*': <receiver> for every payer not named")
        routes[payer] = name
    return routes


def buckets(count: int, max_per_file: int) -> int:
    """How many tasks a payer's encounters go to: about 0.8 of a file's worth each, so a bucket rarely needs a
    second file."""
    return max(1, math.ceil(count / (0.8 * max_per_file)))


def _write_bucket(payer: str, receiver: Any, texts: Iterable[str], out: str, ledger_url: str, usage: str | None,
                  created: datetime) -> list[PayerFile]:
    ordered = sorted(texts)      # the same files whatever order the shuffle brought them in
    files = math.ceil(len(ordered) / receiver.max_claims_per_file)
    return [_write_file(payer, ordered[len(ordered) * i // files:len(ordered) * (i + 1) // files], out, ledger_url,
                        receiver, usage, created) for i in range(files)]


def _write_file(payer: str, texts: list[str], out: str, ledger_url: str, receiver: Any, usage: str | None,
                created: datetime) -> PayerFile:
    from edi.claims import Encounter, claim_of, transactions
    from edi.ledger import open_ledger
    from edi.models import write
    from edi.x12 import ControlNumbers

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
    folder = Path(out) / f"receiver={receiver.key}" / f"payer={_safe(payer)}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / receiver.name_for(isa13, kind, created.date())
    if path.exists():
        raise EdiError(f"{path}: already there (ISA13 {isa13} from the ledger was used before)")
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(write(models, receiver.header(usage, created), numbers))
    partial.replace(path)
    get_logger(__name__).info("spark.write_837.file", receiver=receiver.key, payer=payer, isa13=isa13,
                              transactions=len(models), claims=len(claims))
    return PayerFile(payer, str(path), isa13, len(models), len(claims), receiver.key)
