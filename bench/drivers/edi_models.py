#!/usr/bin/env python
"""Bench driver: an 837P or 835 into edi's typed models.

    python edi_models.py FILE            # edi.models.iter_claims: every claim as a model, streaming
    python edi_models.py FILE --write    # edi.models.read per transaction, then each written back to X12

Prints one JSON line with ``claims``, ``service_lines`` and ``charge_total`` (the keys of
bench/peers/lfh_models.py). With ``--write`` it adds ``read_seconds``, ``write_seconds`` and ``bytes``: the
time to build the transaction models and the time to write them back, measured inside the process.
"""

from __future__ import annotations

import json
import sys
import time
from decimal import Decimal
from pathlib import Path


def count(claim: object) -> tuple[int, Decimal]:
    lines = getattr(claim, "lines", None) or getattr(claim, "services", ())
    return len(lines), getattr(claim, "total_charge", None) or Decimal(0)


def stream(path: Path) -> dict[str, object]:
    from edi.models import iter_claims

    claims = lines = 0
    total = Decimal(0)
    for claim in iter_claims(path):
        n, charge = count(claim)
        claims, lines, total = claims + 1, lines + n, total + charge
    return {"claims": claims, "service_lines": lines, "charge_total": str(total)}


def read_and_write(path: Path) -> dict[str, object]:
    from edi.models import iter_write, read
    from edi.x12 import InterchangeHeader, Party

    header = InterchangeHeader(Party("ZZ", "SENDER"), Party("ZZ", "RECEIVER"))
    claims = lines = size = 0
    total = Decimal(0)
    reading = writing = 0.0
    mark = time.perf_counter()
    for model in read(path):
        reading += time.perf_counter() - mark
        for claim in model.claims:  # type: ignore[attr-defined]
            n, charge = count(claim)
            claims, lines, total = claims + 1, lines + n, total + charge
        mark = time.perf_counter()
        size += sum(len(chunk) for chunk in iter_write([model], header))
        writing += time.perf_counter() - mark
        mark = time.perf_counter()
    return {"claims": claims, "service_lines": lines, "charge_total": str(total), "read_seconds": round(reading, 3),
            "write_seconds": round(writing, 3), "bytes": size}


if __name__ == "__main__":
    from edi import skip_final_collection

    skip_final_collection()  # as the edi command does: no collector pass over every object at exit
    target = Path(sys.argv[1])
    print(json.dumps(read_and_write(target) if "--write" in sys.argv[2:] else stream(target)))
