"""Contact sheet: every exercise illustration on one page, for review by a therapist."""

from __future__ import annotations

from xml.sax.saxutils import escape

from ptplan.render.figures import illustration_svg
from ptplan.render.pdf import FAMILY

CELL_W, CELL_H, COLS = 300.0, 150.0, 4


def _name(kb, eid: str, lang: str, limit: int | None = None) -> str:
    ex = kb.exercises.get(eid)
    name = ex.name.get(lang) if ex else eid
    return name if limit is None or len(name) <= limit else name[: limit - 1] + "…"


def contact_sheet_svg(kb, lang: str = "ja") -> str:
    """One SVG grid: each cell holds the start/end drawing and the exercise id and name."""
    ids = sorted(kb.kind("illustrations"))
    rows = (len(ids) + COLS - 1) // COLS
    cells = []
    for i, eid in enumerate(ids):
        x, y = (i % COLS) * CELL_W, (i // COLS) * CELL_H
        svg = illustration_svg(kb, eid).replace(' class="exercise-figure"', "")
        svg = svg.replace("<svg ", f'<svg x="{x + 8:.0f}" y="{y + 6:.0f}" ', 1)
        svg = _fit(svg, CELL_W - 16, CELL_H - 34)
        label = (f'<text x="{x + 8:.0f}" y="{y + CELL_H - 18:.0f}" font-size="12" font-family="{FAMILY}, Noto Sans CJK JP, '
                 f'sans-serif" fill="#212529">{escape(_name(kb, eid, lang, 23 if lang == "ja" else 44))}</text>'
                 f'<text x="{x + 8:.0f}" y="{y + CELL_H - 5:.0f}" font-size="9" font-family="monospace" '
                 f'fill="#868e96">{escape(eid)}</text>')
        frame = (f'<rect x="{x + 2:.0f}" y="{y + 2:.0f}" width="{CELL_W - 4:.0f}" height="{CELL_H - 4:.0f}" '
                 f'fill="none" stroke="#e9ecef"/>')
        cells.append(frame + svg + label)
    w, h = COLS * CELL_W, max(rows, 1) * CELL_H
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0f} {h:.0f}" width="{w:.0f}" '
            f'height="{h:.0f}"><rect width="100%" height="100%" fill="#fff"/>{"".join(cells)}</svg>')


def _fit(svg: str, w: float, h: float) -> str:
    """Replace the nested svg's width/height so it fits the cell (the viewBox keeps the aspect)."""
    import re

    svg = re.sub(r' width="[\d.]+"', f' width="{w:.0f}"', svg, count=1)
    return re.sub(r' height="[\d.]+"', f' height="{h:.0f}"', svg, count=1)


def contact_sheet_html(kb, lang: str = "ja") -> str:
    ids = sorted(kb.kind("illustrations"))
    cells = "".join(
        f'<figure>{illustration_svg(kb, eid)}<figcaption>{escape(_name(kb, eid, lang))}'
        f'<code>{escape(eid)}</code></figcaption></figure>' for eid in ids)
    title = "運動イラスト一覧" if lang == "ja" else "Exercise illustrations"
    return (f'<!doctype html><html lang="{lang}"><meta charset="utf-8"><title>{title}</title><style>'
            f'body{{font-family:"{FAMILY}","BIZ UDPGothic","Noto Sans CJK JP","Noto Sans JP",sans-serif;margin:12px}}'
            '.grid{display:grid;grid-template-columns:repeat(4,1fr);gap:8px}'
            'figure{margin:0;border:1px solid #e9ecef;padding:6px;break-inside:avoid}'
            'figure svg{width:100%;height:auto;max-height:120px}'
            'figcaption{font-size:12px}code{display:block;color:#868e96;font-size:9px}'
            f'@page{{size:A4 landscape;margin:10mm}}</style><h1>{title}</h1><div class="grid">{cells}</div></html>')
