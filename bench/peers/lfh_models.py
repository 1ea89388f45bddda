#!/usr/bin/env python
"""Peer driver: read an 837P or 835 into LinuxForHealth x12's pydantic models (``X12ModelReader.models()``).

    bench/.venv-lfh/bin/python lfh_models.py FILE

LinuxForHealth x12 needs pydantic 1, so it runs in its own virtual environment (bench/.venv-lfh, made by
bin/bench). Touches every claim and service line of every model and prints one JSON line with the counts:
``claims``, ``service_lines``, ``charge_total`` (Σ CLM02 / CLP03) — the same keys as bench/drivers/edi_models.py.

    bench/.venv-lfh/bin/python lfh_models.py FILE --json OUT

also dumps every model as JSON into OUT (one document per line, pydantic's ``model.json()``): the peer of
``edi to-json --models``.
"""

from __future__ import annotations

import json
import sys
import time
from decimal import Decimal


def count_837(model) -> tuple[int, int, Decimal]:  # type: ignore[no-untyped-def]
    claims = lines = 0
    total = Decimal(0)
    for provider in model.loop_2000a:
        for subscriber in provider.loop_2000b:
            claim_loops = list(subscriber.loop_2300 or [])
            for patient in subscriber.loop_2000c or []:
                claim_loops.extend(patient.loop_2300 or [])
            for claim in claim_loops:
                claims += 1
                lines += len(claim.loop_2400)
                total += Decimal(str(claim.clm_segment.total_claim_charge_amount))
    return claims, lines, total


def count_835(model) -> tuple[int, int, Decimal]:  # type: ignore[no-untyped-def]
    claims = lines = 0
    total = Decimal(0)
    for header in model.loop_2000:
        for claim in header.loop_2100:
            claims += 1
            lines += len(claim.loop_2110 or [])
            total += Decimal(str(claim.clp_segment.total_claim_charge_amount))
    return claims, lines, total


def main(path: str, json_out: str | None = None) -> int:
    from linuxforhealth.x12.io import X12ModelReader

    started = time.perf_counter()
    claims = lines = 0
    total = Decimal(0)
    sink = open(json_out, "w", encoding="utf-8") if json_out else None
    try:
        with X12ModelReader(path) as reader:
            for model in reader.models():
                if sink is not None:
                    sink.write(model.json())
                    sink.write("\n")
                count = count_835 if hasattr(model, "loop_2000") else count_837
                c, n, t = count(model)
                claims, lines, total = claims + c, lines + n, total + t
    except Exception as exc:
        print(json.dumps({"exception": f"{type(exc).__name__}: {str(exc)[:300]}"}))
        return 1
    finally:
        if sink is not None:
            sink.close()
    print(json.dumps({"claims": claims, "service_lines": lines, "charge_total": str(total),
                      "seconds": round(time.perf_counter() - started, 3)}))
    return 0


if __name__ == "__main__":
    import atexit
    import gc

    atexit.register(gc.freeze)  # every tool measured exits the same way as the edi command (no collector pass at exit)
    sys.exit(main(sys.argv[1], sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--json" else None))
