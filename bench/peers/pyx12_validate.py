#!/usr/bin/env python
"""Peer driver: validate a file with pyx12's x12n_document (the engine behind ``x12valid``).

    python pyx12_validate.py FILE

Runs ``x12n_document(param=params(), src_file=FILE, fd_997=None, fd_html=None)`` -- no 997/999 is written,
so pyx12 4.0.0's "Cannot create AK2" failure on valid 835s does not arise -- and prints one JSON line::

    {"valid": true, "errors": 0}

``valid`` is x12n_document's return value. ``errors`` is the number of error items in the err_handler tree
pyx12 built (ISA, GS, ST, segment and element errors, each counted once; pyx12's own ``get_error_count()``
counts a transaction with any bad segment as one error, so it is not used). The tree is reached by wrapping
``pyx12.error_handler.err_handler`` so the instance x12n_document creates is kept; nothing else changes.
pyx12's logging is silenced. Exit status 0 when pyx12 ran (valid or not), 1 when it raised (the JSON line then
has ``"valid": false, "errors": null`` and ``"exception"``).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any


def count_errors(node: Any) -> int:
    total = len(getattr(node, "errors", None) or [])
    for child in getattr(node, "children", None) or []:
        total += count_errors(child)
    for ele in getattr(node, "elements", None) or []:
        total += count_errors(ele)
    return total


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: pyx12_validate.py FILE", file=sys.stderr)
        return 2
    path = argv[1]
    logger = logging.getLogger("pyx12")
    logger.disabled = True
    logger.setLevel(logging.CRITICAL + 1)
    logger.propagate = False

    import pyx12.error_handler
    import pyx12.params
    import pyx12.x12n_document

    created: list[Any] = []
    base = pyx12.error_handler.err_handler

    class KeptErrHandler(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            created.append(self)

    pyx12.error_handler.err_handler = KeptErrHandler
    t0 = time.perf_counter()
    try:
        valid = pyx12.x12n_document.x12n_document(
            param=pyx12.params.params(), src_file=path, fd_997=None, fd_html=None
        )
    except Exception as exc:
        print(json.dumps({"valid": False, "errors": None, "exception": f"{type(exc).__name__}: {exc}"}))
        return 1
    finally:
        pyx12.error_handler.err_handler = base
    errors = count_errors(created[-1]) if created else None
    print(json.dumps({"valid": bool(valid), "errors": errors, "seconds": round(time.perf_counter() - t0, 3)}))
    return 0


if __name__ == "__main__":
    import atexit
    import gc

    atexit.register(gc.freeze)  # every tool measured exits the same way as the edi command (no collector pass at exit)
    sys.exit(main(sys.argv))
