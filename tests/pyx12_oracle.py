"""pyx12 as a second opinion on loop placement (a helper module, no tests here).

``pyx12_loop_ids(path)`` returns, for every segment pyx12 reads from ``path``, in file order::

    (index, segment_id, loop_id)

* ``index``: 0-based position of the segment in the file, the ISA being 0 (counted over the whole file, across
  interchanges, groups and transactions: it is not ST-relative).
* ``segment_id``: the id actually read from the data (``seg_data.get_seg_id()``), not the id of the map node.
* ``loop_id``: the id of the innermost loop that contains the *map node* pyx12's
  ``X12ContextReader(params(), errh_null(), path).iter_segments()`` attached the segment to (with no loop id,
  every yielded node is one ``X12SegmentDataNode``; we walk ``node.x12_map_node.parent`` up to the first loop,
  which is the same as ``node.x12_map_node.x12path.loop_list[-1]``).

How pyx12 4.0.0 places segments (read from ``pyx12/x12context.py`` and ``pyx12/map_walker.py``, and checked
by running it):

Envelope segments
    * ``ISA`` is forced onto the *control* map node ``/ISA_LOOP/ISA`` -> loop ``ISA_LOOP``.
    * ``GS`` is forced onto ``/ISA_LOOP/GS_LOOP/GS``; at that point pyx12 looks up the transaction map from
      (ISA12, GS01, GS08) in ``map/maps.xml`` and switches to it -> loop ``GS_LOOP``. A GS08 with no map
      (``005010X222A2``, ``005010X223A3``, 4010 guides it does not ship, ...) raises
      ``pyx12.errors.EngineError("Map not found. icvn=..., fic=..., vriic=...")`` from the generator.
    * ``ST``, ``SE``, ``GE``, ``IEA`` (and ``TA1``) are *not* forced: they are found by the ordinary map walk
      in the transaction map, where ``ST`` and ``SE`` are children of ``ST_LOOP`` (so both report
      ``ST_LOOP``), ``GE`` is a child of ``GS_LOOP`` and ``IEA``/``TA1`` are children of ``ISA_LOOP``.
    * Header segments (``BHT``, ``BPR``, ``TRN``, ``AK1``, ...) sit directly in the map's ``HEADER`` loop;
      ``PLB`` (835) sits in ``FOOTER``; 1000A/1000B/2000A/2300/... segments report those loop ids.

Segments pyx12 cannot place
    The walker (``walk_tree.walk_errors``) searches forward only: from the current map node's position to
    the end of its loop, then the same in each enclosing loop up to the map root, entering a child loop only
    through that loop's first segment (with its qualifier). Anything it does not find that way -- an unknown
    segment id (``ZZZ``), a known segment outside its allowed context, or a known segment *earlier* in the
    same loop than the one just read (out of order) -- returns ``None``; ``iter_segments`` then keeps the
    previous map node (``if self.x12_map_node is None: self.x12_map_node = orig_node``). So the segment is
    reported in the loop of the last segment that *was* placed (a run of unplaceable segments all inherit
    it), and ``node.x12_map_node.id`` is that previous segment's id -- which is why this helper takes the
    id from the data. The next segment is searched from that same previous node. (``x12n_document`` does
    the same and reports "Segment XXX*.. not found. Started at <path of previous node>", IK304=1.)
    Examples (837P sample): ``ZZZ`` right after ``CLM`` -> ``(21, 'ZZZ', '2300')`` with map node ``CLM``;
    ``REF*6R`` then ``DTP*472`` in a 2400 -> the DTP reports ``2400`` on the ``REF[6R]`` node; ``DMG`` after a
    line's ``REF*6R`` -> ``2400`` (DMG exists only in loops entered through their NM1).
    Caveat: a misplaced segment that *does* match a later position in the current or an enclosing loop is
    placed there, popping the loops in between; it is not "unknown". Because the walk never goes back, what
    follows may then be unplaceable: a ``PLB`` inside a 2100 of an 835 is placed in ``FOOTER`` and every
    later SVC/CAS/CLP/NM1 of that transaction keeps the ``PLB`` node (loop ``FOOTER``) until ``SE``.
    A segment whose map usage is ``N`` (not used) is still placed on its map node (the validator reports it).
    Map-node paths carry the first qualifier code of same-position siblings only (``DTM*233`` shows as
    ``.../2100/DTM[232]``); use the loop id, not the bracket, to compare.

What ``X12Reader`` does before the walk (affects what the indexes count)
    The file is opened with ``encoding="ascii"`` (a UTF-8 BOM or any non-ASCII byte raises
    ``UnicodeDecodeError``); the first 106 characters must be the ISA (else ``pyx12.errors.X12Error``); the
    terminators are ISA[3], ISA[104], ISA[105] and, for 00501, ISA[82]. Segments are split on the
    terminator and leading CR/LF is stripped (leading spaces are stripped with an error). Iteration stops
    silently at the first empty segment (``~~``) and drops trailing text with no terminator, so on such
    files the list is shorter than the file's segments.
"""

from __future__ import annotations

import logging
from typing import Any

import pyx12.error_handler
import pyx12.params
import pyx12.x12context

__all__ = ["pyx12_loop_ids", "pyx12_placements"]


def _innermost_loop(map_node: Any) -> Any:
    node = map_node.parent
    while node is not None and not (node.is_loop() or node.is_map_root()):
        node = node.parent
    return node


def pyx12_placements(path: str) -> list[dict[str, Any]]:
    """Same walk as :func:`pyx12_loop_ids`, with more detail per segment.

    Each dict has ``index``, ``seg_id`` (from the data), ``map_seg_id`` (the map node pyx12 kept; differs from
    ``seg_id`` when pyx12 could not place the segment and kept the previous node), ``loop_id``, ``loop_path``
    (e.g. ``('ISA_LOOP', 'GS_LOOP', 'ST_LOOP', 'DETAIL', '2000A', '2000B', '2300')``), and ``map_path`` (the map
    node's path, e.g. ``/ISA_LOOP/GS_LOOP/ST_LOOP/DETAIL/2000A/2000B/2300/CLM``). Exceptions raised by pyx12
    (``EngineError`` for a GS08 it has no map for, ``X12Error`` for a file not starting with a 106-character
    ISA, ``UnicodeDecodeError`` for non-ASCII input) propagate.
    """
    logger = logging.getLogger("pyx12")
    saved = (logger.level, logger.propagate, logger.disabled)
    logger.disabled = True
    out: list[dict[str, Any]] = []
    try:
        reader = pyx12.x12context.X12ContextReader(
            pyx12.params.params(), pyx12.error_handler.errh_null(), path
        )
        try:
            for index, node in enumerate(reader.iter_segments()):
                map_node = node.x12_map_node
                loop = _innermost_loop(map_node)
                loop_id = "" if loop is None or loop.is_map_root() else (loop.id or "")
                out.append(
                    {
                        "index": index,
                        "seg_id": node.seg_data.get_seg_id(),
                        "map_seg_id": map_node.id,
                        "loop_id": loop_id,
                        "loop_path": tuple(map_node.x12path.loop_list),
                        "map_path": map_node.get_path(),
                    }
                )
        finally:
            reader.close()
    finally:
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        logger.disabled = saved[2]
    return out


def pyx12_loop_ids(path: str) -> list[tuple[int, str, str]]:
    """``[(index, segment_id, loop_id), ...]`` for every segment, in file order (see the module docstring)."""
    return [(p["index"], p["seg_id"], p["loop_id"]) for p in pyx12_placements(path)]
