#!/usr/bin/env python
"""Bench driver, the floor for any tokenizer: read the file, split it into segments and elements, count.

    python bare_split.py FILE

Prints one JSON line: ``{"segments": N, "elements": M}``. The delimiters are read from the fixed-width ISA
(element separator at index 3, segment terminator at index 105); whitespace after terminators is not a segment.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    data = Path(argv[1]).read_bytes().decode("latin-1")
    element, terminator = data[3], data[105]
    segments = elements = 0
    for raw in data.split(terminator):
        fields = raw.split(element)
        if fields[0].strip():
            segments += 1
            elements += len(fields)
    print(json.dumps({"segments": segments, "elements": elements}))
    return 0


if __name__ == "__main__":
    import atexit
    import gc

    atexit.register(gc.freeze)  # every tool measured exits the same way as the edi command (no collector pass at exit)
    sys.exit(main(sys.argv))
