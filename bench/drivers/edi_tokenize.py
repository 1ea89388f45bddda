#!/usr/bin/env python
"""Bench driver: count the segments ``edi.x12.tokenize`` yields for a file (streaming, with positions).

    python edi_tokenize.py FILE

Prints one JSON line: ``{"segments": N}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from edi.x12 import tokenize


def main(argv: list[str]) -> int:
    segments = 0
    for _ in tokenize(Path(argv[1])):
        segments += 1
    print(json.dumps({"segments": segments}))
    return 0


if __name__ == "__main__":
    from edi import skip_final_collection

    skip_final_collection()  # as the edi command does: no collector pass over every object at exit
    sys.exit(main(sys.argv))
