#!/usr/bin/env python
"""Peer driver: walk an 837 or 835 with pyx12's X12ContextReader, one loop tree per claim.

    python pyx12_walk.py FILE

Detects the transaction from the file's GS08 / ST01 (837 -> ``iter_segments("2300")``, 835 ->
``iter_segments("2100")``), touches every segment of every yielded node (loop trees and the single segments
outside them), and prints one JSON line with the counts, e.g.::

    {"file": "...", "transaction": "837", "gs08": "005010X222A1", "loop": "2300", "claims": 3,
     "segments": 90, "claim_segments": 62, "service_lines": 6, "cas": 2, "charge_total": "560",
     "walk_seconds": 0.05}

``claims`` counts the yielded 2300/2100 trees, ``segments`` every segment pyx12 yielded (ISA..IEA),
``claim_segments`` those inside the claim trees, ``service_lines`` SV1/SV2 (837) or SVC (835) inside them,
``cas`` CAS segments inside them (837: 2320/2430 CAS; 835: claim and line CAS), ``charge_total`` the sum of
CLM02 / CLP03. pyx12's logging is silenced. Exit status 0 on success, 1 when pyx12 raises (the JSON line then
carries ``"exception"``), 2 when the file is not an 837 or 835.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from decimal import Decimal, InvalidOperation

LOOP_FOR = {"837": "2300", "835": "2100"}
LINE_IDS = {"837": ("SV1", "SV2"), "835": ("SVC",)}
CHARGE = {"837": ("CLM", 2), "835": ("CLP", 3)}


def sniff(path: str) -> tuple[str | None, str | None]:
    """Return (ST01, GS08) of the first transaction, read with the ISA's own delimiters."""
    with open(path, "rb") as f:
        head = f.read(1 << 16).decode("latin-1")
    start = head.find("ISA")
    if start < 0 or len(head) < start + 106:
        return None, None
    ele, term = head[start + 3], head[start + 105]
    gs08 = st01 = None
    for raw in head[start:].split(term):
        seg = raw.strip("\r\n\t ")
        fields = seg.split(ele)
        if fields[0] == "GS" and gs08 is None and len(fields) > 8:
            gs08 = fields[8]
        elif fields[0] == "ST":
            st01 = fields[1] if len(fields) > 1 else None
            break
    return st01, gs08


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: pyx12_walk.py FILE", file=sys.stderr)
        return 2
    path = argv[1]
    logger = logging.getLogger("pyx12")
    logger.disabled = True
    logger.setLevel(logging.CRITICAL + 1)
    logger.propagate = False

    st01, gs08 = sniff(path)
    if st01 is None and gs08 is not None:
        st01 = {"005010X221A1": "835", "005010X221": "835"}.get(gs08, "837" if gs08.startswith("005010X22") else None)
    out: dict[str, object] = {"file": path, "transaction": st01, "gs08": gs08}
    if st01 not in LOOP_FOR:
        out["exception"] = f"not an 837 or 835 (ST01={st01!r}, GS08={gs08!r})"
        print(json.dumps(out))
        return 2
    loop_id = LOOP_FOR[st01]
    line_ids = LINE_IDS[st01]
    charge_seg, charge_pos = CHARGE[st01]
    out["loop"] = loop_id

    import pyx12.error_handler
    import pyx12.params
    import pyx12.x12context

    claims = segments = claim_segments = service_lines = cas = 0
    charge_total = Decimal(0)
    t0 = time.perf_counter()
    try:
        reader = pyx12.x12context.X12ContextReader(
            pyx12.params.params(), pyx12.error_handler.errh_null(), path
        )
        try:
            for node in reader.iter_segments(loop_id):
                is_tree = node.type == "loop" and node.id == loop_id
                if is_tree:
                    claims += 1
                for item in node.iterate_segments():
                    seg = item["segment"]
                    seg_id = seg.get_seg_id()
                    segments += 1
                    if not is_tree:
                        continue
                    claim_segments += 1
                    if seg_id in line_ids:
                        service_lines += 1
                    elif seg_id == "CAS":
                        cas += 1
                    elif seg_id == charge_seg:
                        try:
                            charge_total += Decimal(seg.get_value(f"{charge_seg}{charge_pos:02d}") or "0")
                        except InvalidOperation:
                            pass
        finally:
            reader.close()
    except Exception as exc:  # pyx12 raises EngineError / X12Error / UnicodeDecodeError on some inputs
        out["exception"] = f"{type(exc).__name__}: {exc}"
        out.update(claims=claims, segments=segments)
        print(json.dumps(out))
        return 1
    out.update(
        claims=claims,
        segments=segments,
        claim_segments=claim_segments,
        service_lines=service_lines,
        cas=cas,
        charge_total=str(charge_total),
        walk_seconds=round(time.perf_counter() - t0, 3),
    )
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    import atexit
    import gc

    atexit.register(gc.freeze)  # every tool measured exits the same way as the edi command (no collector pass at exit)
    sys.exit(main(sys.argv))
