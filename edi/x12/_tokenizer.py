"""Streaming tokenizer: bytes or a file → Segments with positions, in bounded memory.

Text is decoded as ISO-8859-1, so every byte maps to one character and back: offsets in characters are byte
offsets, and writing the segments back gives the exact bytes read.
"""

from __future__ import annotations

import io
import operator
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from edi.errors import FramingError
from edi.x12._delimiters import ISA_SEARCH, WHITESPACE, Delimiters, read_isa
from edi.x12._segment import Position, Segment

BOM = "\xef\xbb\xbf"  # UTF-8 byte-order mark, as ISO-8859-1 characters
CHUNK_SIZE = 1 << 20

Source = bytes | bytearray | memoryview | Path | BinaryIO


Keep = Callable[[Segment], bool]
# Segment ids that end a transaction's body (what a skip stops at): its SE, or a broken envelope's next level.
ENVELOPE_IDS = ("SE", "ST", "GS", "GE", "ISA", "IEA", "TA1")
AROUND_ENVELOPE = 32   # segments split after a skip stops at an envelope segment (SE, GE, IEA, ISA, GS, ST …)


def tokenize(source: Source, *, name: str | None = None, chunk_size: int = CHUNK_SIZE,
             keep: Keep | None = None) -> Iterator[Segment]:
    """Yield every segment of ``source`` (bytes, a Path, or a binary file object) in file order.

    Several interchanges per file are read, each with its own delimiters. Raises :class:`FramingError` (with
    the file name, segment number, byte offset and line) when the input cannot be split into segments.

    ``keep`` is asked about each ST: when it answers False, the body of that transaction (up to the next
    envelope segment) may be skipped without being split — its segments still count in ``index``, ``line`` and
    offsets, so the next segment yielded is where it is in the file. A file's last segment is always yielded.
    Skipping is an optimisation, not a promise: where the fast path does not apply, every segment comes.
    """
    stream, label = _open(source, name)
    try:
        yield from _Tokenizer(stream, label, chunk_size, keep).segments()
    finally:
        if isinstance(source, Path):
            stream.close()


def _open(source: Source, name: str | None) -> tuple[BinaryIO, str]:
    if isinstance(source, Path):
        return source.open("rb"), name or str(source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source)), name or "<bytes>"
    if hasattr(source, "read"):
        return source, name or getattr(source, "name", "<stream>")
    raise TypeError(f"tokenize() takes bytes, a Path or a binary file object, not {type(source).__name__}")


def _uniform_gap(pieces: list[str], stripped: list[str], limit: int) -> str | None:
    """The whitespace after each terminator of a chunk's ``limit`` complete segments when it is the same for all
    — nothing, or one line feed — else None. Checked with whole-list operations, not segment by segment."""
    if len(pieces[0]) != len(stripped[0]):
        return None
    if stripped is pieces:
        return ""
    raw, bare = pieces[1:limit + 1], stripped[1:limit + 1]
    gap_chars = sum(map(len, raw)) - sum(map(len, bare))
    if gap_chars == 0:
        return ""
    if gap_chars == limit and sum(map(operator.ne, raw, bare)) == limit and "".join(raw).count("\n") == limit:
        return "\n"  # every gap is one character, and all of them are line feeds
    return None


class _Tokenizer:
    def __init__(self, stream: BinaryIO, source: str, chunk_size: int, keep: Keep | None = None) -> None:
        self.stream = stream
        self.keep = keep
        self.skipping = False  # inside a transaction body that ``keep`` declined, across chunk boundaries
        self.handed_back = False   # the fast path stopped at a declined ST: the buffer is re-cut from there
        self.at_envelope = False   # a skip stopped at an envelope segment
        self.source = source
        self.chunk_size = max(chunk_size, 256)
        self.buf = ""       # text not yet consumed; starts at a segment's first character or at leading text
        self.base = 0       # byte offset of buf[0]
        self.eof = False
        self.index = 0
        self.line = 1

    def _fill(self) -> bool:
        if self.eof:
            return False
        data = self.stream.read(self.chunk_size)
        if not data:
            self.eof = True
            return False
        self.buf += data.decode("latin-1")
        return True

    def _position(self, offset_in_buf: int = 0) -> Position:
        return Position(self.base + offset_in_buf, self.index, self.line)

    def _error(self, message: str, offset_in_buf: int = 0) -> FramingError:
        return FramingError(message, self._position(offset_in_buf), self.source)

    def segments(self) -> Iterator[Segment]:
        while len(self.buf) < 512 and self._fill():
            pass
        lead = ""
        if self.buf.startswith(BOM):
            lead = BOM
        stripped = self.buf[len(lead):].lstrip(WHITESPACE)
        lead = self.buf[: len(self.buf) - len(stripped)]
        if not stripped:
            raise self._error("the file is empty: no ISA segment found")
        self.buf, self.base = stripped, len(lead)
        self.line += lead.count("\n")
        while True:
            delimiters, inside_isa = self._start_interchange()
            more = yield from self._interchange(delimiters, lead, inside_isa)
            lead = ""
            if not more:
                return

    def _start_interchange(self) -> tuple[Delimiters, int]:
        """The delimiters of the interchange the buffer starts with, and how many terminator characters its ISA
        holds inside its fields (ISA11 may be the terminator, or a field may hold it)."""
        while len(self.buf) < ISA_SEARCH and self._fill():
            pass
        head = self.buf[:ISA_SEARCH]
        if not head.startswith("ISA"):
            found = head[:30].split("\n")[0]
            raise self._error(f"expected an ISA interchange header, found {found!r}; an X12 file must start "
                              "with ISA (the delimiters are read from it)")
        delimiters, length = read_isa(head, self._position(), self.source)
        return delimiters, head.count(delimiters.segment, 0, length - 1)

    def _interchange(self, d: Delimiters, lead: str, inside_isa: int = 0) -> Iterator[Segment]:
        """Yield the segments of one interchange; return True when another ISA follows. ``inside_isa``
        terminator characters stand inside the ISA's fields: its pieces are joined back into one segment."""
        t, es = d.segment, d.element
        ws = "".join(c for c in WHITESPACE if c not in (t, es, d.component, d.repetition))
        t_is_break = t in "\r\n"
        bin_marker = "BIN" + es
        tails: dict[str, str] = {}
        ends = re.compile(re.escape(t) + (f"[{re.escape(ws)}]*" if ws else "") +
                          f"(?=(?:{'|'.join(ENVELOPE_IDS)}){re.escape(es)})")
        while True:
            if self.skipping and not (t_is_break or lead):
                self._skip_ahead(ends, t, es, ws, bin_marker)
            # after a skip stopped at an envelope segment, split only the segments around it: the next ST may be
            # declined too, handing the rest of the chunk back to the skip unsplit
            few = self.at_envelope and not self.eof
            pieces = self.buf.split(t, AROUND_ENVELOPE) if few else self.buf.split(t)
            self.at_envelope = False
            if inside_isa:
                pieces[:inside_isa + 1] = [t.join(pieces[:inside_isa + 1])]
                inside_isa = 0
            n = len(pieces)
            limit = n - 1 if self.eof else n - 2
            has_bin = bin_marker in self.buf
            pos = 0
            i = 0
            if not (has_bin or t_is_break or lead):
                stripped = [p.lstrip(ws) for p in pieces] if ws else pieces
                joined = "".join(stripped[:-1] if few else stripped)   # (the rest, unsplit, is read next time)
                if "\n" not in joined and "\r" not in joined:
                    i, pos, iea = yield from self._plain_chunk(pieces, stripped, limit, d, tails)
                    pieces[i] = stripped[i]
                    if iea:
                        remainder = t.join(pieces[i:])
                        if remainder.startswith("ISA"):
                            self.buf = remainder
                            self.base += pos
                            return True
                    if self.handed_back:  # a declined ST: the rest of the chunk goes back to the raw-text skip
                        self.handed_back = False
                        self.buf = t.join(pieces[i:])
                        self.base += pos
                        continue
            if i < limit:
                self.skipping = False  # the general path yields every segment
            while i < limit:
                body = pieces[i]
                binary = has_bin and body.startswith(bin_marker)
                if binary:
                    body, used = self._binary(body, pieces, i, limit, t, es, pos)
                    if used < 0:
                        break  # needs more data
                    i += used
                nxt = pieces[i + 1]
                if t_is_break and i + 1 == limit and not self.eof and not nxt.lstrip(ws):
                    break  # a blank line ends what is read so far: the next chunk tells what follows it
                if nxt and nxt[0] in ws:
                    rest = nxt.lstrip(ws)
                    gap = nxt[: len(nxt) - len(rest)]
                    pieces[i + 1] = rest
                else:
                    gap = ""
                    rest = nxt
                while t_is_break and not rest and i + 2 <= limit:
                    # an empty line between segments whose terminator is a line break
                    nxt2 = pieces[i + 2]
                    rest = nxt2.lstrip(ws)
                    gap += t + nxt2[: len(nxt2) - len(rest)]
                    pieces[i + 2] = rest
                    i += 1
                tail = tails.get(gap)
                if tail is None:
                    tail = tails[gap] = t + gap
                seg = Segment.of(tuple(body.split(es, 2) if binary else body.split(es)), self.base + pos, self.index,
                                 self.line, tail, lead, d)
                lead = ""
                self.index += 1
                if gap:
                    self.line += gap.count("\n") or gap.count("\r")
                if t_is_break and (t == "\n" or not gap.startswith("\n")):
                    self.line += 1
                if "\n" in body:
                    self.line += body.count("\n")
                pos += len(body) + len(tail)
                i += 1
                yield seg
                if seg.id == "IEA":
                    remainder = t.join(pieces[i:])
                    if remainder.startswith("ISA"):
                        self.buf = remainder
                        self.base += pos
                        return True
            self.buf = t.join(pieces[i:])
            self.base += pos
            if self.eof and i >= n - 1:
                final = self._final_segment(d, ws, lead)
                if final is not None:
                    yield final
                return False
            self._fill()

    def _plain_chunk(self, pieces: list[str], stripped: list[str], limit: int, d: Delimiters,
                     tails: dict[str, str]) -> Iterator[Segment]:
        """The fast path for a chunk whose segments hold no line breaks and no binary data: the bulk of any file.
        Returns (pieces consumed, characters consumed, whether it stopped after an IEA)."""
        t, es = d.segment, d.element
        base, index, line, pos = self.base, self.index, self.line, 0
        i = 0
        iea = False
        keep = self.keep
        stop = limit - 1 if self.eof else limit  # a skip never swallows the file's last segment
        if self.skipping:
            i, index, pos, line = self._skip_body(pieces, stripped, 0, stop, es, index, pos, line)
        gap = _uniform_gap(pieces, stripped, limit) if limit > 0 else None
        if gap is not None:
            # every segment is followed by the same gap ("\n" after each "~", or nothing): no per-segment
            # whitespace to measure
            tail = tails.get(gap) or tails.setdefault(gap, t + gap)
            step = len(tail)
            lines = gap.count("\n")
            while i < limit:
                body = stripped[i]
                e = tuple(body.split(es))
                seg = Segment(e[0], e, base + pos, index, line, tail, "", d)
                index += 1
                line += lines
                pos += len(body) + step
                i += 1
                yield seg
                sid = seg.id
                if sid == "IEA":
                    iea = True
                    break
                if keep is not None and sid == "ST" and not keep(seg):
                    self.skipping = self.handed_back = True   # _skip_ahead passes over the body in the raw text
                    break
            self.index, self.line = index, line
            return i, pos, iea
        while i < limit:
            body = stripped[i]
            after = pieces[i + 1]
            gap_length = len(after) - len(stripped[i + 1])
            if gap_length:
                gap = after[:gap_length]
                tail = tails.get(gap)
                if tail is None:
                    tail = tails[gap] = t + gap
                e = tuple(body.split(es))
                seg = Segment(e[0], e, base + pos, index, line, tail, "", d)
                line += gap.count("\n") or gap.count("\r")
            else:
                tail = t
                e = tuple(body.split(es))
                seg = Segment(e[0], e, base + pos, index, line, t, "", d)
            index += 1
            pos += len(body) + len(tail)
            i += 1
            yield seg
            sid = seg.id
            if sid == "IEA":
                iea = True
                break
            if keep is not None and sid == "ST" and not keep(seg):
                self.skipping = self.handed_back = True
                break
        self.index, self.line = index, line
        return i, pos, iea

    def _skip_ahead(self, ends: re.Pattern[str], t: str, es: str, ws: str, bin_marker: str) -> None:
        """Inside a declined transaction body at the start of a chunk: pass over its whole segments in the raw
        text, up to the next envelope segment (or up to the chunk's last two segments), without splitting it —
        counting terminators and line feeds instead. Leaves anything unusual (binary data, carriage returns, the
        end of the file) to the piece-by-piece skip."""
        buf = self.buf
        if buf.startswith(tuple(seg_id + es for seg_id in ENVELOPE_IDS)):
            self.skipping = False
            self.at_envelope = True
            return
        found = ends.search(buf)
        if found is not None:
            cut = found.end()
        elif self.eof:
            return  # the file's last segment is always yielded: the piece-by-piece path takes it from here
        else:
            last = buf.rfind(t)
            before = buf.rfind(t, 0, last) if last > 0 else -1
            if before < 0:
                return
            rest = buf[before + 1:]
            cut = before + 1 + len(rest) - len(rest.lstrip(ws))  # keep the last whole segment and the piece after it
        skipped = buf[:cut]
        if "\r" in skipped or bin_marker in skipped:
            return
        self.index += skipped.count(t)
        self.line += skipped.count("\n")
        self.base += cut
        self.buf = buf[cut:]
        self.skipping = found is None
        self.at_envelope = found is not None

    def _skip_body(self, pieces: list[str], stripped: list[str], i: int, stop: int, es: str, index: int,
                   pos: int, line: int) -> tuple[int, int, int, int]:
        """Pass over complete segments from piece i up to the next envelope segment without splitting them:
        returns the next piece, and the segment index, character position and line number after them."""
        ends = tuple(seg_id + es for seg_id in ENVELOPE_IDS)
        j = i
        while j < stop and not stripped[j].startswith(ends):
            j += 1
        self.skipping = j >= stop
        if j == i:
            return i, index, pos, line
        after = pieces[i + 1: j + 1]   # what follows each skipped terminator: its gap, then the next body
        pos += (j - i) + len(stripped[i]) - len(stripped[j]) + sum(map(len, after))
        text = "".join(after)          # line breaks in it are all in gaps (the fast path has none in bodies)
        feeds, returns = text.count("\n"), text.count("\r")
        if not returns or returns == text.count("\r\n"):
            line += feeds
        elif not feeds:
            line += returns
        else:
            for k in range(i + 1, j + 1):  # both CR-only and LF line ends: count gap by gap, as the reader does
                gap = pieces[k][: len(pieces[k]) - len(stripped[k])]
                line += gap.count("\n") or gap.count("\r")
        return j, index + j - i, pos, line

    def _final_segment(self, d: Delimiters, ws: str, lead: str) -> Segment | None:
        """Text after the last terminator: whitespace (already the last tail) or a final unterminated segment."""
        body = self.buf.rstrip(ws)
        if not body:
            return None
        if not body.startswith("IEA" + d.element):
            # only a final IEA without its terminator is taken as complete (a common writer slip)
            other = re.search(rf"([^\w\s{re.escape(d.element)}])\s*(?:{'|'.join(ENVELOPE_IDS)}){re.escape(d.element)}",
                              body)
            if other is not None and other.group(1) != d.segment:
                raise self._error(f"the body ends its segments with {other.group(1)!r} but the ISA declares "
                                  f"{d.segment!r} (the character after ISA16 {d.component!r}); no segment after the "
                                  f"ISA can be read ({body[:40]!r} …)")
            raise self._error(f"the file ends inside a segment: {body[:40]!r} has no segment terminator "
                              f"{d.segment!r} (the file may be truncated)")
        seg = Segment.of(tuple(body.split(d.element)), self.base, self.index, self.line, self.buf[len(body):], lead, d)
        self.index += 1
        return seg

    def _binary(self, body: str, pieces: list[str], i: int, limit: int, t: str, es: str,
                pos: int) -> tuple[str, int]:
        """Join pieces a BIN segment's binary payload split apart; return (body, pieces used) or (_, -1)."""
        parts = body.split(es, 2)
        if len(parts) < 3 or not parts[1].isdigit():
            raise self._error(f"BIN01 must be the number of bytes of binary data that follow, found "
                              f"{parts[1] if len(parts) > 1 else ''!r}", pos)
        need = len(parts[0]) + len(parts[1]) + 2 + int(parts[1])
        used = 0
        while len(body) < need:
            if i + used + 1 >= limit:
                if self.eof and i + used + 1 >= len(pieces):
                    raise self._error(f"the file ends inside a BIN segment's {parts[1]} bytes of data", pos)
                if not self.eof:
                    return body, -1
            used += 1
            body = body + t + pieces[i + used]
        if len(body) != need:
            raise self._error(f"BIN01 says {parts[1]} bytes of binary data, but the segment terminator "
                              f"{t!r} does not follow them", pos)
        return body, used
