"""Props of the exercise illustrations: how they hold the figure up and how they are drawn.

Heights are in figure units (a standing figure is about 100 units tall).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ptplan.render.skeleton import Figure, Point

SEAT, TABLE, STEP, BALL_R, ROLLER_R, MAT, CUSHION = 25.0, 30.0, 11.0, 13.0, 5.0, 2.0, 4.0
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
    floor = MAT if any(p.kind == "mat" for p in props) else 0.0
    lift = floor - _lowest(fig)
    named = fig.named()
    for p in props:
        held = _support(p)
        if held is not None:
            lift = max(lift, held[1] + HALF_BODY - named[held[0]][1])
    return fig.moved(0.0, lift)


SUPPORT = {"chair": ("pelvis", SEAT), "step": ("near_foot", STEP), "ball": ("pelvis", 2 * BALL_R),
           "cushion": ("near_foot", CUSHION), "table": ("pelvis", TABLE)}


def _support(p: Prop) -> tuple[str, float] | None:
    """(body point, height) a prop holds up; a chair with ``under`` is a chair back to hold, not a seat."""
    if p.kind not in SUPPORT or (p.kind in ("chair", "table") and p.under):
        return None
    point, height = SUPPORT[p.kind]
    return p.under or point, height


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
        if p.kind == "mat":
            out += [(min(xs) - 4, 0.0), (max(xs) + 4, 0.0)]
        if p.kind == "table" and not p.under:
            out += [(min(x for x, _ in fig.chains["trunk"] + [fig.head]) - 4, TABLE), (fig.chains["trunk"][0][0] + 6, 0.0)]
        if p.kind == "wall":
            out += [_wall_x(fig, p), 0.0], [_wall_x(fig, p), 95.0]
        if p.kind == "chair":
            x0, x1 = _chair_span(fig, p)
            out += [(x0 - 2, 48.0), (x1 + 2, 0.0)]
        if p.kind in ("pole", "box") and p.under:
            hand = fig.named()[p.under]
            out += [(hand[0] - 13, 0.0), (hand[0] + 6, hand[1])]
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


def _chair_span(fig: Figure, p: Prop) -> tuple[float, float]:
    """x of the backrest and of the seat's front edge."""
    if p.under == "anchor_back":  # behind the figure, seat facing it
        x = min(x for x, _ in fig.points()) - 3
        return x - 22, x
    if p.under:  # a chair back to hold: backrest under the hand, seat facing away from the figure
        x = fig.named()[p.under][0] + 1.5
        return x, x + 22
    return -12.0, 10.0


def _chair(fig: Figure, p: Prop, s, ox, oy) -> str:
    back, front = _chair_span(fig, p)
    top = fig.named()[p.under][1] - HALF_BODY if p.under and p.under in fig.named() else 48.0
    lo, hi = min(back, front), max(back, front)
    return (_rect(lo, SEAT - 3, hi, SEAT, s, ox, oy, WOOD) + _line((back, SEAT), (back - (1 if back < front else -1) * 1.5,
            top), s, ox, oy, WOOD, 2.6) + _line((lo + 2, SEAT - 3), (lo + 2, 0), s, ox, oy, WOOD, 2.2)
            + _line((hi - 2, SEAT - 3), (hi - 2, 0), s, ox, oy, WOOD, 2.2))


def svg_behind(fig: Figure, props: list[Prop], s: float, ox: float, oy: float) -> str:
    """Props drawn under the figure: furniture, floor things, wall."""
    xs = [x for x, _ in fig.points()]
    named, out = fig.named(), []
    for p in props:
        if p.kind == "mat":
            out.append(_rect(min(xs) - 4, 0, max(xs) + 4, MAT, s, ox, oy, MAT_FILL, "#74c0fc", 0.8))
        elif p.kind == "table" and not p.under:  # treatment table under the trunk, ending just past the pelvis
            lo, hi = min(x for x, _ in fig.chains["trunk"] + [fig.head]) - 4, fig.chains["trunk"][0][0] + 6
            out.append(_rect(lo, TABLE - 4, hi, TABLE, s, ox, oy, "#dee2e6", "#868e96"))
            out += [_line((x, TABLE - 4), (x, 0), s, ox, oy, "#868e96", 2) for x in (lo + 2, hi - 2)]
        elif p.kind == "chair":
            out.append(_chair(fig, p, s, ox, oy))
        elif p.kind == "table" and p.under:
            at = named[p.under]
            out.append(_rect(at[0] - 4, at[1] - HALF_BODY - 3, at[0] + 20, at[1] - HALF_BODY, s, ox, oy, "#dee2e6", "#868e96"))
            out += [_line((x, at[1] - HALF_BODY - 3), (x, 0), s, ox, oy, "#868e96", 2) for x in (at[0] - 2, at[0] + 18)]
        elif p.kind == "towel" and p.under:  # a rolled towel
            at = named[p.under]
            out.append(_circle((at[0], max(2.5, at[1] - HALF_BODY - 2.5)), 2.5, s, ox, oy, "#f3d9b1", TOWEL))
        elif p.kind == "cuff":
            at = named["low_back"]
            out.append(_rect(at[0] - 5, at[1] - HALF_BODY - 2.5, at[0] + 5, at[1] - HALF_BODY + 0.5, s, ox, oy,
                             "#74c0fc", "#1c7ed6"))
        elif p.kind == "cushion":
            at = named[p.under or "near_foot"]
            out.append(_rect(at[0] - 9, 0, at[0] + 9, CUSHION, s, ox, oy, "#e5dbff", "#9775fa", 2))
        elif p.kind == "wall":
            x = _wall_x(fig, p)
            out.append(_rect(x - 1.5 if p.under != "anchor_front" else x, 0, x if p.under != "anchor_front"
                             else x + 1.5, 95, s, ox, oy, "#ced4da", rx=0))
        elif p.kind == "step":
            foot = named[p.under or "near_foot"]
            out.append(_rect(foot[0] - 12, 0, foot[0] + 8, STEP, s, ox, oy, "#e9ecef", "#868e96"))
        elif p.kind in ("ball", "foam_roller"):
            r = BALL_R if p.kind == "ball" else ROLLER_R
            at = named[p.under or ("pelvis" if p.kind == "ball" else "upper_back")]
            centre = max(r, at[1] - HALF_BODY - r)  # a roller lies on the floor even if the body rests lower
            out.append(_circle((at[0], centre), r, s, ox, oy, "#fff3bf" if p.kind == "ball" else "#ffe8cc", "#f08c00"))
    return "".join(out)


def _stick(fig: Figure, s, ox, oy) -> str:
    """A dowel held along the back: from below the pelvis to above the head, just behind the body."""
    (px, py), (nx, ny) = fig.chains["trunk"][0], fig.chains["trunk"][-1]
    t = math.atan2(ny - py, nx - px)
    bx, by = 4.0 * math.cos(t + math.pi / 2), 4.0 * math.sin(t + math.pi / 2)  # posterior side
    ux, uy = math.cos(t), math.sin(t)
    return _line((px + bx - 6 * ux, py + by - 6 * uy), (nx + bx + 16 * ux, ny + by + 16 * uy), s, ox, oy, WOOD, 1.6)


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
        elif p.kind == "pole" and p.under:
            hand = fig.named()[p.under]
            out.append(_line(hand, (hand[0] - 12, 0.5), s, ox, oy, "#495057", 1.4))
        elif p.kind == "box" and p.under:
            hand = fig.named()[p.under]
            out.append(_rect(hand[0] - 6, hand[1] - 9, hand[0] + 6, hand[1] + 1, s, ox, oy, "#ffd8a8", "#d9480f"))
        elif p.kind == "stick":
            out.append(_stick(fig, s, ox, oy))
        elif p.kind == "pool":
            out.append(_rect(min(xs) - 6, 0, max(xs) + 6, 58, s, ox, oy, WATER, rx=0).replace(
                "<rect", '<rect fill-opacity="0.28"', 1))
            out.append(_line((min(xs) - 6, 58), (max(xs) + 6, 58), s, ox, oy, WATER, 1.2, "4 3"))
    return "".join(out)
