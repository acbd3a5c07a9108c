"""Props of the exercise illustrations: how they hold the figure up and how they are drawn.

Heights are in figure units (a standing figure is about 100 units tall).
"""

from __future__ import annotations

from dataclasses import dataclass

from ptplan.render.skeleton import Figure, Point

SEAT, TABLE, STEP, BALL_R, ROLLER_R, MAT = 25.0, 30.0, 11.0, 13.0, 5.0, 2.0
HALF_BODY = 3.0  # half the drawn limb thickness: how far a joint sits above what it rests on
BAND, TOWEL, WOOD, WATER, MAT_FILL = "#2b8a3e", "#b08150", "#8d6e53", "#4dabf7", "#d0ebff"


@dataclass(frozen=True)
class Prop:
    kind: str
    between: tuple[str, str] | None = None
    under: str | None = None


def normalise(p) -> Prop:
    if isinstance(p, str):
        return Prop(p)
    return Prop(p.kind, tuple(p.between) if p.between else None, p.under)


def _lowest(fig: Figure) -> float:
    return min(y for _, y in fig.points()) - HALF_BODY


def rest(fig: Figure, props: list[Prop]) -> Figure:
    """Move the figure up so it rests on the floor (or mat/table) and on anything placed under it."""
    base = {"mat": MAT, "table": TABLE}
    floor = max([0.0] + [base[p.kind] for p in props if p.kind in base])
    lift = floor - _lowest(fig)
    named = fig.named()
    for p in props:
        need = _support_height(p)
        if need is not None:
            point = named.get(p.under or "pelvis")
            lift = max(lift, need + HALF_BODY - point[1])
    return fig.moved(0.0, lift)


def _support_height(p: Prop) -> float | None:
    if p.kind == "chair":
        return SEAT
    if p.kind == "step":
        return STEP
    if p.kind == "ball" and p.under in (None, "pelvis"):
        return 2 * BALL_R
    if p.kind == "foam_roller":
        return 2 * ROLLER_R
    return None


def _anchor(fig: Figure, name: str) -> Point:
    xs = [x for x, _ in fig.points()]
    pelvis_y = fig.chains["trunk"][0][1]
    return {"anchor_front": (max(xs) + 14, pelvis_y), "anchor_back": (min(xs) - 14, pelvis_y),
            "anchor_low_front": (max(xs) + 14, 3.0), "anchor_low_back": (min(xs) - 14, 3.0)}[name]


def _point(fig: Figure, name: str) -> Point:
    return _anchor(fig, name) if name.startswith("anchor") else fig.named()[name]


def extent(fig: Figure, props: list[Prop]) -> list[Point]:
    """Extra points the props occupy, so the drawing's box includes them."""
    xs = [x for x, _ in fig.points()]
    out: list[Point] = []
    for p in props:
        if p.between:
            out += [_point(fig, n) for n in p.between]
        if p.kind in ("mat", "table"):
            out += [(min(xs) - 4, 0.0), (max(xs) + 4, 0.0)]
        if p.kind == "wall":
            out += [_wall_x(fig, p), 0.0], [_wall_x(fig, p), 95.0]
        if p.kind == "chair":
            out += [(-14.0, 48.0), (10.0, 0.0)]
        if p.kind == "pool":
            out += [(min(xs) - 6, 58.0), (max(xs) + 6, 0.0)]
    return [tuple(p) for p in out]


def _wall_x(fig: Figure, p: Prop) -> float:
    xs = [x for x, _ in fig.points()]
    return max(xs) + 4.5 if p.under == "anchor_front" else min(xs) - 4.5


def _xy(pt: Point, s: float, ox: float, oy: float) -> tuple[float, float]:
    return (pt[0] - ox) * s, (oy - pt[1]) * s


def _rect(x0, y0, x1, y1, s, ox, oy, fill, stroke="none", rx=1.5) -> str:
    (a, b), (c, d) = _xy((x0, y1), s, ox, oy), _xy((x1, y0), s, ox, oy)
    return (f'<rect x="{a:.1f}" y="{b:.1f}" width="{c - a:.1f}" height="{d - b:.1f}" rx="{rx * s:.1f}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{0.8 * s:.1f}"/>')


def _line(p1: Point, p2: Point, s, ox, oy, colour, width, dash="") -> str:
    (a, b), (c, d) = _xy(p1, s, ox, oy), _xy(p2, s, ox, oy)
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="{a:.1f}" y1="{b:.1f}" x2="{c:.1f}" y2="{d:.1f}" stroke="{colour}" '
            f'stroke-width="{width * s:.1f}" stroke-linecap="round"{extra}/>')


def _circle(c: Point, r: float, s, ox, oy, fill, stroke) -> str:
    x, y = _xy(c, s, ox, oy)
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r * s:.1f}" fill="{fill}" stroke="{stroke}" stroke-width="{s:.1f}"/>'


def _chair(s, ox, oy) -> str:
    return (_rect(-12, SEAT - 3, 10, SEAT, s, ox, oy, WOOD) + _line((-11, SEAT), (-13, 48), s, ox, oy, WOOD, 2.6)
            + _line((-10, SEAT - 3), (-10, 0), s, ox, oy, WOOD, 2.2) + _line((8, SEAT - 3), (8, 0), s, ox, oy, WOOD, 2.2))


def svg_behind(fig: Figure, props: list[Prop], s: float, ox: float, oy: float) -> str:
    """Props drawn under the figure: furniture, floor things, wall."""
    xs = [x for x, _ in fig.points()]
    named, out = fig.named(), []
    for p in props:
        if p.kind == "mat":
            out.append(_rect(min(xs) - 4, 0, max(xs) + 4, MAT, s, ox, oy, MAT_FILL, "#74c0fc", 0.8))
        elif p.kind == "table":
            out.append(_rect(min(xs) - 4, TABLE - 4, max(xs) + 4, TABLE, s, ox, oy, "#dee2e6", "#868e96"))
            out += [_line((x, TABLE - 4), (x, 0), s, ox, oy, "#868e96", 2) for x in (min(xs), max(xs))]
        elif p.kind == "chair":
            out.append(_chair(s, ox, oy))
        elif p.kind == "wall":
            x = _wall_x(fig, p)
            out.append(_rect(x - 1.5 if p.under != "anchor_front" else x, 0, x if p.under != "anchor_front"
                             else x + 1.5, 95, s, ox, oy, "#ced4da", rx=0))
        elif p.kind == "step":
            foot = named[p.under or "near_foot"]
            out.append(_rect(foot[0] - 12, 0, foot[0] + 8, STEP, s, ox, oy, "#e9ecef", "#868e96"))
        elif p.kind in ("ball", "foam_roller"):
            r = BALL_R if p.kind == "ball" else ROLLER_R
            at = named[p.under or "pelvis"]
            top = at[1] - HALF_BODY
            out.append(_circle((at[0], top - r), r, s, ox, oy, "#fff3bf" if p.kind == "ball" else "#ffe8cc", "#f08c00"))
    return "".join(out)


def svg_front(fig: Figure, props: list[Prop], s: float, ox: float, oy: float) -> str:
    """Props drawn over the figure: bands, towels, water."""
    xs = [x for x, _ in fig.points()]
    out = []
    for p in props:
        if p.kind in ("band", "towel") and p.between:
            a, b = (_point(fig, n) for n in p.between)
            colour, width = (BAND, 1.6) if p.kind == "band" else (TOWEL, 2.4)
            out.append(_line(a, b, s, ox, oy, colour, width))
            out += [_circle(pt, 1.6, s, ox, oy, colour, colour) for pt in (a, b) if pt not in fig.named().values()]
        elif p.kind == "pool":
            out.append(_rect(min(xs) - 6, 0, max(xs) + 6, 58, s, ox, oy, WATER, rx=0).replace(
                "<rect", '<rect fill-opacity="0.28"', 1))
            out.append(_line((min(xs) - 6, 58), (max(xs) + 6, 58), s, ox, oy, WATER, 1.2, "4 3"))
    return "".join(out)
