"""Exercise illustrations drawn from keyframe data (``kb/poses.yaml`` + ``kb/illustrations/*.yaml``).

Each exercise has a start and an end keyframe: a named base pose plus joint-angle overrides and props.
:func:`illustration_svg` poses the figure by forward kinematics (:mod:`ptplan.render.skeleton`), rests it
on the floor or on its props, and draws both frames side by side as a small, print-friendly SVG
(or one frame animated between the two with SMIL when ``animated=True``).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from ptplan.render import props as P
from ptplan.render.pdf import FAMILY
from ptplan.render.skeleton import Figure, solve

INK, FAR_INK, ACCENT = "#2f3a45", "#9aa5b1", "#e8590c"
STROKE = {"trunk": 7.0, "leg": 5.0, "arm": 4.2}
FRONT_TRUNK = 14.0
SCALE, GAP = 1.2, 26.0  # px per figure unit; gap between the two frames


@dataclass(frozen=True)
class Frame:
    figure: Figure
    props: list  # list[Prop-like]
    view: str


def frame_of(kb, keyframe) -> Frame:
    pose = kb.kind("poses")[keyframe.pose]
    figure = solve({**pose.angles, **keyframe.set}, pose.view, pose.thigh_scale)
    props = [P.normalise(p) for p in keyframe.props]
    return Frame(P.rest(figure, props), props, pose.view)


def _bounds(frames: list[Frame]) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for f in frames:
        for x, y in f.figure.points() + P.extent(f.figure, f.props):
            xs.append(x)
            ys.append(y)
    pad = 7.0
    return min(xs) - pad, min(min(ys), 0.0) - 3.0, max(xs) + pad, max(ys) + pad + 6  # room for the frame number


def _path(points, scale, ox, oy, curve: bool = False) -> str:
    """Polyline through the joints; the trunk (curve=True) is one quadratic curve through its control point."""
    cmds = ("M", "Q", "") if curve else ("M",) + ("L",) * (len(points) - 1)
    return " ".join(c + f"{(x - ox) * scale:.1f},{(oy - y) * scale:.1f}" for c, (x, y) in zip(cmds, points, strict=True))


def _chain_style(name: str, highlight: list[str], view: str) -> tuple[str, float]:
    kind = "trunk" if name == "trunk" else name.split("_")[1]
    colour = ACCENT if name in highlight else (FAR_INK if name.startswith("far") else INK)
    # seen from the front the trunk is as wide as the shoulders, so the limbs attach to its edges
    return colour, (FRONT_TRUNK if kind == "trunk" and view == "front" else STROKE[kind])


ORDER = ("far_leg", "far_arm", "trunk", "near_leg", "near_arm")


def _figure_svg(frames: list[Frame], highlight: list[str], scale: float, ox: float, oy: float, dur: float) -> str:
    first = frames[0].figure
    out = []
    for name in ORDER:
        colour, width = _chain_style(name, highlight, frames[0].view)
        d = [_path(f.figure.chains[name], scale, ox, oy, name == "trunk") for f in frames]
        anim = (f'<animate attributeName="d" values="{d[0]};{d[1]};{d[0]}" dur="{dur}s" '
                f'repeatCount="indefinite"/>') if len(frames) > 1 else ""
        out.append(f'<path d="{d[0]}" stroke="{colour}" stroke-width="{width * scale:.1f}" fill="none" '
                   f'stroke-linecap="round" stroke-linejoin="round">{anim}</path>')
    hx, hy = (first.head[0] - ox) * scale, (oy - first.head[1]) * scale
    anim = ""
    if len(frames) > 1:
        h2 = frames[1].figure.head
        x2, y2 = (h2[0] - ox) * scale, (oy - h2[1]) * scale
        anim = "".join(f'<animate attributeName="{a}" values="{v1:.1f};{v2:.1f};{v1:.1f}" dur="{dur}s" '
                       f'repeatCount="indefinite"/>' for a, v1, v2 in (("cx", hx, x2), ("cy", hy, y2)))
    colour = ACCENT if "head" in highlight else INK
    out.append(f'<circle cx="{hx:.1f}" cy="{hy:.1f}" r="{6.5 * scale:.1f}" fill="#fff" stroke="{colour}" '
               f'stroke-width="{2.4 * scale:.1f}">{anim}</circle>')
    return "".join(out)


def _panel(frame: Frame, highlight: list[str], box, scale: float, dx: float, label: str) -> str:
    x0, y0, x1, y1 = box
    ground = (y1 - 0.0) * scale
    body = [f'<line x1="0" y1="{ground:.1f}" x2="{(x1 - x0) * scale:.1f}" y2="{ground:.1f}" '
            f'stroke="#c5ccd3" stroke-width="1.2"/>',
            P.svg_behind(frame.figure, frame.props, scale, x0, y1),
            _figure_svg([frame], highlight, scale, x0, y1, 0),
            P.svg_front(frame.figure, frame.props, scale, x0, y1)]
    tag = (f'<circle cx="9" cy="9" r="7.5" fill="{INK}"/><text x="9" y="12.6" font-size="10" '
           f'text-anchor="middle" fill="#fff" font-family="{FAMILY}, sans-serif" font-weight="bold">{label}</text>')
    return f'<g transform="translate({dx:.1f},0)">{"".join(body)}{tag}</g>'


def _scale(box) -> float:
    """One fixed scale for every exercise, so figures print at the same size on every page."""
    return SCALE


def illustration_svg(kb, exercise_id: str, animated: bool = False, title: str | None = None) -> str:
    """SVG of an exercise: start ①, arrow, end ② (or one animated panel). Raises KeyError if absent."""
    pic = kb.kind("illustrations")[exercise_id]
    frames = [frame_of(kb, pic.start), frame_of(kb, pic.end)]
    box = _bounds(frames)
    box = (box[0], box[1], box[2], box[3])
    scale = _scale(box)
    w, h = (box[2] - box[0]) * scale, (box[3] - box[1]) * scale + 2
    hl = list(pic.highlight)
    label = f"<title>{escape(title)}</title>" if title else ""
    if animated:
        inner = (P.svg_behind(frames[0].figure, frames[0].props, scale, box[0], box[3])
                 + _figure_svg(frames, hl, scale, box[0], box[3], 3.0)
                 + P.svg_front(frames[0].figure, frames[0].props, scale, box[0], box[3]))
        return _svg(w, h, label + inner, exercise_id)
    arrow_x = w + GAP / 2
    arrow = (f'<path d="M{arrow_x - 8:.1f},{h / 2:.1f} L{arrow_x + 6:.1f},{h / 2:.1f} M{arrow_x + 1:.1f},'
             f'{h / 2 - 5:.1f} L{arrow_x + 7:.1f},{h / 2:.1f} L{arrow_x + 1:.1f},{h / 2 + 5:.1f}" stroke="{FAR_INK}" '
             f'stroke-width="2.2" fill="none" stroke-linecap="round"/>')
    inner = (_panel(frames[0], hl, box, scale, 0, "1") + arrow + _panel(frames[1], hl, box, scale, w + GAP, "2"))
    return _svg(2 * w + GAP, h, label + inner, exercise_id)


def _svg(w: float, h: float, inner: str, eid: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.1f} {h:.1f}" width="{w:.0f}" '
            f'height="{h:.0f}" class="exercise-figure" data-exercise="{escape(eid)}" role="img">{inner}</svg>')
