"""Charts as inline SVG written here (no script, no network): horizontal bars, stacked bars, and bars against a
benchmark. Every chart is an ``<svg data-chart="NAME">``; every data point is an element with ``class="point"``,
``data-key`` and ``data-value``, so a test (or a person with the inspector) can tell a chart rendered with data."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH = 560
LABEL = 215          # room for the labels left of the bars
VALUE = 115          # room for the value right of a bar
ROW = 24
PALETTE = ("#2f6f9f", "#59a14f", "#edc948", "#f28e2b", "#e15759", "#76b7b2", "#b07aa1")


def _short(label: str) -> str:
    return label if len(label) <= 29 else label[:28] + "…"


def _frame(name: str, title: str, height: int, body: str, width: int = WIDTH) -> str:
    return (f'<figure class="chart" style="max-width:{width}px"><figcaption>{escape(title)}</figcaption>'
            f'<svg data-chart="{name}" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">{body}</svg></figure>')


def _empty(name: str, title: str) -> str:
    return (f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
            f'<svg data-chart="{name}" data-empty="1" width="{WIDTH}" height="40" xmlns="http://www.w3.org/2000/svg">'
            f'<text x="8" y="24" class="muted">nothing to show</text></svg></figure>')


def bars(name: str, title: str, points: Sequence[tuple[str, float, str]], color: str = PALETTE[0]) -> str:
    """One horizontal bar per (label, value, value as shown)."""
    if not points:
        return _empty(name, title)
    top = max(v for _, v, _ in points) or 1
    span = WIDTH - LABEL - VALUE
    rows = []
    for n, (label, value, shown) in enumerate(points):
        y = 6 + n * ROW
        width = max(1.0, span * value / top)
        rows.append(f'<text x="{LABEL - 6}" y="{y + 15}" text-anchor="end">{escape(_short(label))}</text>'
                    f'<rect class="point" data-key="{escape(label)}" data-value="{value}" x="{LABEL}" y="{y}" '
                    f'width="{width:.1f}" height="{ROW - 6}" fill="{color}"><title>{escape(label)}: '
                    f'{escape(shown)}</title></rect>'
                    f'<text x="{LABEL + width + 6:.1f}" y="{y + 15}">{escape(shown)}</text>')
    return _frame(name, title, 12 + len(points) * ROW, "".join(rows))


def stacked(name: str, title: str, series: Sequence[str], rows: Sequence[tuple[str, Sequence[float]]],
            shown: str = "{:,.2f}") -> str:
    """One horizontal bar per row, cut into the series (e.g. aging buckets), with a legend."""
    if not rows or not any(sum(v) for _, v in rows):
        return _empty(name, title)
    top = max(sum(v) for _, v in rows) or 1
    span = WIDTH - LABEL - 20
    legend = "".join(f'<rect x="{LABEL + n * 70}" y="4" width="10" height="10" fill="{PALETTE[n]}"/>'
                     f'<text x="{LABEL + n * 70 + 14}" y="13" class="small">{escape(s)}</text>'
                     for n, s in enumerate(series))
    out = [legend]
    for r, (label, values) in enumerate(rows):
        y = 24 + r * ROW
        x = float(LABEL)
        out.append(f'<text x="{LABEL - 6}" y="{y + 15}" text-anchor="end">{escape(_short(label))}</text>')
        for n, value in enumerate(values):
            if value <= 0:
                continue
            width = span * value / top
            out.append(f'<rect class="point" data-key="{escape(label)}|{escape(series[n])}" data-value="{value}" '
                       f'x="{x:.1f}" y="{y}" width="{width:.1f}" height="{ROW - 6}" fill="{PALETTE[n]}">'
                       f'<title>{escape(label)}, {escape(series[n])}: {shown.format(value)}</title></rect>')
            x += width
    return _frame(name, title, 30 + len(rows) * ROW, "".join(out))


def against(name: str, title: str, points: Sequence[tuple[str, float, float | None]]) -> str:
    """Bars (a provider's shares) with a benchmark tick on each: (label, share, benchmark share or None)."""
    if not points:
        return _empty(name, title)
    width, label_width = 390, 56
    span = width - label_width - 50
    rows = []
    for n, (label, share, bench) in enumerate(points):
        y = 6 + n * ROW
        bar = max(1.0, span * share)
        rows.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
                    f'<rect class="point" data-key="{escape(label)}" data-value="{share}" x="{label_width}" y="{y}" '
                    f'width="{bar:.1f}" height="{ROW - 6}" fill="{PALETTE[0]}"><title>{escape(label)}: '
                    f'{share * 100:.1f}%</title></rect>'
                    f'<text x="{label_width + span + 8}" y="{y + 15}">{share * 100:.0f}%</text>')
        if bench is not None:
            x = label_width + span * bench
            rows.append(f'<line class="benchmark" data-key="{escape(label)}" data-value="{bench}" x1="{x:.1f}" '
                        f'x2="{x:.1f}" y1="{y - 2}" y2="{y + ROW - 4}" stroke="#e15759" stroke-width="3">'
                        f'<title>benchmark {bench * 100:.1f}%</title></line>')
    return _frame(name, title, 12 + len(points) * ROW, "".join(rows), width)
