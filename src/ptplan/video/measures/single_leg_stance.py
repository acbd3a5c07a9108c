"""Single-leg stance: hold time, sideways trunk lean and pelvic drop of the lifted side."""

from __future__ import annotations

import numpy as np

from ptplan.video.measures.common import Context, measure
from ptplan.video.signal import _runs
from ptplan.video.skeleton import angle_series, point

LIFT_LEG = 0.08   # a foot counts as off the floor when it is 8% of leg length above the other
MERGE_S = 0.2     # brief dips shorter than this do not end the hold


def lifted_side(seq: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """(frames,) +1 left foot lifted, -1 right foot lifted, 0 both down or unknown."""
    yl, yr = point(seq, "left_ankle")[:, 1], point(seq, "right_ankle")[:, 1]
    leg = np.nanmedian(np.linalg.norm(point(seq, "left_hip") - point(seq, "left_ankle"), axis=1))
    d = (yr - yl) / leg  # image y grows downwards: positive = left ankle higher
    out = np.where(d > LIFT_LEG, 1, np.where(d < -LIFT_LEG, -1, 0))
    return np.where(valid & np.isfinite(d), out, 0)


def longest_hold(side: np.ndarray, fps: float) -> tuple[int, int, int]:
    """(start, stop, side) of the longest run on one leg, bridging dips shorter than MERGE_S."""
    best = (0, 0, 0)
    for s in (1, -1):
        on = side == s
        for a, b in _runs(~on):
            if a > 0 and b < len(on) and (b - a) / fps < MERGE_S:
                on[a:b] = True
        for a, b in _runs(on):
            if b - a > best[1] - best[0]:
                best = (a, b, s)
    return best


def pelvic_drop(seq: np.ndarray, lifted: int) -> np.ndarray:
    """(frames,) degrees the lifted side's hip sits below the stance side's (positive = dropped)."""
    up, down = ("left", "right") if lifted == 1 else ("right", "left")
    hu, hd = point(seq, f"{up}_hip"), point(seq, f"{down}_hip")
    return np.degrees(np.arctan2(hu[:, 1] - hd[:, 1], np.abs(hu[:, 0] - hd[:, 0])))


def compute(seq: np.ndarray, ctx: Context) -> tuple[list[dict], dict, dict]:
    side = lifted_side(seq, ctx.valid)
    a, b, s = longest_hold(side, ctx.fps)
    frames = np.arange(a, b)
    trunk = angle_series(seq, "trunk_inclination")
    out = [measure("single_leg_stance.hold_time", (b - a) / ctx.fps, frames, ctx,
                   stance_side={1: "right", -1: "left"}.get(s))]
    if frames.size:
        drop = pelvic_drop(seq, s)[frames]
        out.append(measure("single_leg_stance.trunk_lean", float(np.nanpercentile(np.abs(trunk[frames]), 95)), frames, ctx))
        out.append(measure("single_leg_stance.pelvic_drop", float(np.nanpercentile(drop, 95)), frames, ctx))
    series = {"trunk_inclination": trunk, "lifted_side": side.astype(float)}
    return out, series, {"hold": [int(a), int(b)]}
