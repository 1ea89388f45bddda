"""pyx12's validator as a second opinion: the errors ``x12n_document`` finds, by segment (a helper, no tests).

``pyx12_errors(path)`` returns ``(line, segment_id, code, message)`` for every segment-level and element-level
error item in the error tree pyx12 builds (``line`` is pyx12's 1-based line counter; with one segment per line
it is the segment number). 999 files are not written (``fd_997=None``), so pyx12's "Cannot create AK2" failure
on valid 835s does not arise.
"""

from __future__ import annotations

import logging
from typing import Any

import pyx12.error_handler
import pyx12.params
import pyx12.x12n_document


def _walk(node: Any, out: list[tuple[int, str, str, str]]) -> None:
    seg_id = getattr(node, "seg_id", None) or getattr(node, "id", "") or ""
    line = getattr(node, "cur_line", 0) or 0
    for err in getattr(node, "errors", None) or []:
        code, message = err[0], err[1]
        out.append((line, seg_id, str(code), str(message)))
    for element in getattr(node, "elements", None) or []:
        for err in getattr(element, "errors", None) or []:
            out.append((line, seg_id, str(err[0]), str(err[1])))
    for child in getattr(node, "children", None) or []:
        _walk(child, out)


def pyx12_errors(path: str) -> list[tuple[int, str, str, str]]:
    logging.getLogger("pyx12").setLevel(logging.CRITICAL + 1)
    created: list[Any] = []
    base = pyx12.error_handler.err_handler

    class Kept(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            created.append(self)

    pyx12.error_handler.err_handler = Kept
    try:
        pyx12.x12n_document.x12n_document(param=pyx12.params.params(), src_file=path, fd_997=None, fd_html=None)
    finally:
        pyx12.error_handler.err_handler = base
    out: list[tuple[int, str, str, str]] = []
    if created:
        _walk(created[-1], out)
    return out
