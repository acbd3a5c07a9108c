"""Outcome charts drawn on the server as inline SVG: no script, prints well, readable without colour.

A chart is a line over dated values on a fixed scale. The MCID band is drawn around the first
(baseline) value: a later point outside the band has changed by at least the minimal clinically
important difference; a point inside has not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

W, H = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 14, 24, 34


@dataclass(frozen=True)
class Chart:
    title: str
    unit: str
    lo: float
    hi: float
    points: list[tuple[dt.date, float]]
    mcid: float | None = None
    mcid_label: str = ""
    higher_worse: bool = True

    @property
    def latest(self) -> float | None:
        return self.points[-1][1] if self.points else None


def _x(i: int, n: int) -> float:
    span = W - LEFT - RIGHT
    return LEFT + (span / 2 if n == 1 else span * i / (n - 1))


def _y(v: float, lo: float, hi: float) -> float:
    v = min(max(v, lo), hi)
    return TOP + (H - TOP - BOTTOM) * (1 - (v - lo) / (hi - lo or 1))


def svg(chart: Chart, empty_text: str) -> Markup:
    """The chart as an accessible inline SVG (role img, title and a text description of the values)."""
    parts = [f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(chart.title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(chart.title)}</title>']
    parts += _axes(chart)
    if chart.points:
        parts += _band(chart) + _line(chart)
    else:
        parts.append(f'<text x="{W / 2}" y="{H / 2}" text-anchor="middle" class="empty">{escape(empty_text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _axes(c: Chart) -> list[str]:
    out = []
    for k in range(5):
        v = c.lo + (c.hi - c.lo) * k / 4
        y = _y(v, c.lo, c.hi)
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                   f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{v:g}</text>')
    out.append(f'<text x="4" y="12" class="unit">{escape(c.unit)}</text>')
    return out


def _band(c: Chart) -> list[str]:
    if c.mcid is None:
        return []
    base = c.points[0][1]
    y1, y2 = _y(base + c.mcid, c.lo, c.hi), _y(base - c.mcid, c.lo, c.hi)
    return [f'<rect x="{LEFT}" y="{y1:.1f}" width="{W - LEFT - RIGHT}" height="{max(y2 - y1, 1):.1f}" class="mcid">'
            f'<title>{escape(c.mcid_label)}</title></rect>']


def _line(c: Chart) -> list[str]:
    n = len(c.points)
    xy = [(_x(i, n), _y(v, c.lo, c.hi)) for i, (_d, v) in enumerate(c.points)]
    out = [f'<polyline class="series" fill="none" points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in xy)}"/>']
    step = max(1, n // 6)
    for i, ((d, v), (x, y)) in enumerate(zip(c.points, xy, strict=True)):
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" class="dot"><title>{d.isoformat()}: {v:g}</title></circle>')
        if i % step == 0 or i == n - 1:
            out.append(f'<text x="{x:.1f}" y="{H - 12}" text-anchor="middle" class="tick">{d.month}/{d.day}</text>')
    return out


@dataclass(frozen=True)
class Bar:
    label: str
    share: float | None  # 0..1; None when suppressed or no one to count
    note: str  # what is printed at the end of the bar: "3/5 (60%)", or the suppression text
    suppressed: bool = False


BAR_H, BAR_GAP, BAR_LEFT = 22, 8, 190


def bars(title: str, items: list[Bar], empty_text: str) -> Markup:
    """Shares as horizontal bars on a 0-100% scale, as an accessible inline SVG. A suppressed group has no
    bar, a hatched outline and its note in words, so it can never be read as 0%."""
    h = TOP + max(1, len(items)) * (BAR_H + BAR_GAP) + 20
    span = W - BAR_LEFT - 110
    parts = [f'<svg class="chart bars" viewBox="0 0 {W} {h}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for k in range(5):
        x = BAR_LEFT + span * k / 4
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP - 6}" y2="{h - 18}" class="grid"/>'
                     f'<text x="{x:.1f}" y="{h - 4}" text-anchor="middle" class="tick">{25 * k}%</text>')
    if not items:
        parts.append(f'<text x="{W / 2}" y="{h / 2}" text-anchor="middle" class="empty">{escape(empty_text)}</text>')
    for i, b in enumerate(items):
        y = TOP + i * (BAR_H + BAR_GAP)
        parts.append(f'<text x="{BAR_LEFT - 8}" y="{y + BAR_H * 0.7:.1f}" text-anchor="end" class="tick">'
                     f'{escape(b.label)}</text>')
        if b.suppressed:
            parts.append(f'<rect x="{BAR_LEFT}" y="{y}" width="{span}" height="{BAR_H}" class="suppressed">'
                         f'<title>{escape(b.note)}</title></rect>')
            end = BAR_LEFT + span
        else:
            width = span * min(max(b.share or 0.0, 0.0), 1.0)
            parts.append(f'<rect x="{BAR_LEFT}" y="{y}" width="{max(width, 0.5):.1f}" height="{BAR_H}" class="bar">'
                         f'<title>{escape(b.label)}: {escape(b.note)}</title></rect>')
            end = BAR_LEFT + width
        parts.append(f'<text x="{end + 6:.1f}" y="{y + BAR_H * 0.7:.1f}" class="tick">{escape(b.note)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
