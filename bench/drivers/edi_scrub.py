#!/usr/bin/env python
"""Bench driver: the scrubber alone on coded encounters (what `edi claims build` runs before it maps and batches).

    python edi_scrub.py ENCOUNTERS.jsonl

Prints one JSON line: ``encounters`` read, ``findings``, ``held`` (encounters with an error), ``invalid`` (rows
that are not encounters), ``scrub_seconds`` (reading and scrubbing, inside the process) and ``per_second``.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path


def main(path: str) -> int:
    from edi.claims import Encounter, read_encounters
    from edi.claims._batch import references_for
    from edi.claims.scrub import scrub

    started = time.perf_counter()
    items = read_encounters(Path(path))
    invalid = [0]

    def encounters() -> object:
        for item in items:
            if isinstance(item, Encounter):
                yield item
            else:
                invalid[0] += 1

    count = findings = held = 0
    for _, found in scrub(encounters(), references_for(date(2026, 1, 1), None)):  # type: ignore[arg-type]
        count += 1
        findings += len(found)
        held += any(f.is_error for f in found)
    seconds = time.perf_counter() - started
    print(json.dumps({"encounters": count, "findings": findings, "held": held, "invalid": invalid[0],
                      "scrub_seconds": round(seconds, 3), "per_second": round(count / seconds) if seconds else 0}))
    return 0


if __name__ == "__main__":
    from edi import skip_final_collection

    skip_final_collection()
    sys.exit(main(sys.argv[1]))
