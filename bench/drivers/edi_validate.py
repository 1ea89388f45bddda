#!/usr/bin/env python
"""Bench driver: full validation (SNIP 1-5) of a file and its 999, as `edi validate --ack 999` does.

    python edi_validate.py FILE            # on every core: a big file's transactions are shared out
    python edi_validate.py FILE --jobs 1   # in this one process

Prints one JSON line: ``segments``, ``findings``, ``errors``, ``transactions`` and ``ack_bytes`` (the 999's size),
so the harness can see that every segment was read and a 999 written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(path: str, jobs: int | None) -> int:
    from edi.acks import ack_bytes
    from edi.validate import validate

    report = validate(Path(path), snips=(1, 2, 3, 4, 5), jobs=jobs)
    ack = ack_bytes("999", report, Path(path)) or b""
    print(json.dumps({"segments": report.segments, "findings": len(report.findings), "errors": len(report.errors),
                      "transactions": len(report.transactions), "ack_bytes": len(ack)}))
    return 0 if report.fatal is None else 1


if __name__ == "__main__":
    from edi import skip_final_collection

    skip_final_collection()  # as the edi command does: no collector pass over every object at exit
    sys.exit(main(sys.argv[1], int(sys.argv[3]) if sys.argv[2:3] == ["--jobs"] else None))
