#!/usr/bin/env python
"""Bench driver: walk an 837 or 835 with ``edi.guide.iter_loop_trees``, one loop tree per claim.

    python edi_walk.py FILE

Walks the 2300 (837) or 2100 (835) trees, touches every segment in them, and prints one JSON line with the
same count keys as ``bench/peers/pyx12_walk.py`` so the harness can compare them: ``claims`` (trees),
``claim_segments`` (segments inside them), ``service_lines`` (SV1/SV2/SVC), ``cas``, ``charge_total``
(Σ CLM02 / CLP03). Exit status 0 on success, 1 when the walk raises (the JSON line then has ``exception``).
"""

from __future__ import annotations

import json
import sys
import time
from decimal import Decimal
from pathlib import Path

LOOP_FOR = {"837": "2300", "835": "2100"}
LINE_IDS = {"SV1", "SV2", "SVC"}
CHARGE = {"837": ("CLM", 2), "835": ("CLP", 3)}


def transaction_set(path: Path) -> str | None:
    """ST01 of the first transaction, read from the head of the file with the ISA's delimiters."""
    with path.open("rb") as f:
        head = f.read(1 << 16).decode("latin-1")
    element, terminator = head[3], head[105]
    for raw in head.split(terminator):
        fields = raw.strip().split(element)
        if fields[0] == "ST" and len(fields) > 1:
            return fields[1]
    return None


def walk(path: Path, st01: str) -> dict[str, object]:
    from edi.guide import iter_loop_trees

    charge_id, charge_at = CHARGE[st01]
    claims = segments = lines = cas = 0
    charge = Decimal(0)
    for tree in iter_loop_trees(path, LOOP_FOR[st01]):
        claims += 1
        for node in tree.segments():
            segment = node.segment
            segments += 1
            if segment.id in LINE_IDS:
                lines += 1
            elif segment.id == "CAS":
                cas += 1
            elif segment.id == charge_id:
                charge += Decimal(segment[charge_at] or "0")
    return {"claims": claims, "claim_segments": segments, "service_lines": lines, "cas": cas,
            "charge_total": str(charge)}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: edi_walk.py FILE", file=sys.stderr)
        return 2
    path = Path(argv[1])
    st01 = transaction_set(path)
    out: dict[str, object] = {"file": str(path), "transaction": st01, "loop": LOOP_FOR.get(st01 or "")}
    if st01 not in LOOP_FOR:
        out["exception"] = f"not an 837 or 835 (ST01={st01!r})"
        print(json.dumps(out))
        return 2
    started = time.perf_counter()
    try:
        out.update(walk(path, st01))
    except Exception as exc:  # report, so the harness can show the tool as failed
        out["exception"] = f"{type(exc).__name__}: {exc}"
        print(json.dumps(out))
        return 1
    out["walk_seconds"] = round(time.perf_counter() - started, 3)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    from edi import skip_final_collection

    skip_final_collection()  # as the edi command does: no collector pass over every object at exit
    sys.exit(main(sys.argv))
