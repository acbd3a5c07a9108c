"""Single-leg stance: hold time and stance side, trunk lean, pelvic drop of the lifted side, the lifted
knee's flexion and the stance knee's FPPA.

The sequence arrives identity-repaired and turned so that the body's standing vertical is vertical
(see orientation.py). Foot contact is not read from image height: in an oblique view, or with one foot
ahead of the other, the farther foot sits higher in the image while both are on the floor, and a foot
swinging towards the camera sinks in the image while it rises. Instead it comes from each ankle's
motion — away from its standing place, moving, or resting at a new place — and from its height over
the other ankle along the body's standing vertical in the model's 3-D estimate, relative to the
standing frames (the floor line); see :func:`lifted_side`. Without a 3-D estimate (synthetic input)
the image heights relative to the standing frames stand in for it.
"""

from __future__ import annotations

import numpy as np

from ptplan.video import orientation
from ptplan.video.measures.common import Context, measure
from ptplan.video.signal import _runs
from ptplan.video.skeleton import angle_series, point

LIFT_LEG = 0.08   # a foot counts as off the floor when it is 8% of leg length above the other
MERGE_S = 0.2     # brief dips shorter than this do not end the hold
START_S = 0.2           # the feet's standing places: the first this many seconds of quiet standing
MOVING_LEG_S = 0.3      # an ankle faster than this (leg lengths per second) is moving


def _leg(seq: np.ndarray) -> float:
    return float(np.nanmedian(np.linalg.norm(point(seq, "left_hip") - point(seq, "left_ankle"), axis=1)))


def _moving(seq: np.ndarray, side: str, fps: float, leg: float) -> np.ndarray:
    """(frames,) True while the ankle moves faster than MOVING_LEG_S leg lengths per second."""
    p = point(seq, f"{side}_ankle")
    v = np.linalg.norm(np.gradient(p, axis=0), axis=1) * fps / leg
    return np.nan_to_num(v, nan=0.0) > MOVING_LEG_S


def lifted_side(seq: np.ndarray, valid: np.ndarray, world: np.ndarray | None = None, fps: float = 30.0) -> np.ndarray:
    """(frames,) +1 left foot lifted, -1 right foot lifted, 0 both down or unknown.

    A foot is off the floor while it is away from where it stood (more than LIFT_LEG of leg length
    from its place in the standing frames at the start) and either still moving or held higher than
    the other foot (the model's 3-D heights, :func:`world_height_difference`). A foot that comes to
    rest at a new place without being higher has landed (a step)."""
    leg = _leg(seq)
    start = orientation.quiet_standing(seq, fps)[: max(2, int(START_S * fps))]
    if start.size == 0:
        start = np.flatnonzero(valid)[: max(2, int(START_S * fps))]
    d = world_height_difference(seq, world, fps) if world is not None else None
    if d is None:
        d = (point(seq, "right_ankle")[:, 1] - point(seq, "left_ankle")[:, 1]) / leg  # y down: + = left higher
        d = d - np.nanmedian(d[start]) if start.size else d
    out = np.zeros(len(seq), int)
    for sign, side in ((1, "left"), (-1, "right")):
        p = point(seq, f"{side}_ankle")
        away = np.linalg.norm(p - np.nanmedian(p[start], axis=0), axis=1) / leg > LIFT_LEG
        higher = np.nan_to_num(d * sign, nan=0.0) > LIFT_LEG
        out[np.nan_to_num(away, nan=0).astype(bool) & (_moving(seq, side, fps, leg) | higher) & (out == 0)] = sign
    both = np.zeros(len(seq), bool)
    for sign in (1, -1):
        both |= (out == sign) & (np.nan_to_num(-d * sign, nan=0.0) > LIFT_LEG)  # the other foot is the higher one
    out[both] = 0
    return np.where(valid & np.isfinite(d), out, 0)


def world_height_difference(seq: np.ndarray, world: np.ndarray, fps: float) -> np.ndarray | None:
    """(frames,) left ankle height minus right, in leg lengths, along the body's standing vertical in the
    model's 3-D estimate, less its value while standing on both feet (the floor line); None without it."""
    from ptplan.video.signal import SignalSettings, lowpass
    from ptplan.video.skeleton import landmark_index

    idx = landmark_index()
    frames = orientation.quiet_standing(seq, fps)
    if frames.size == 0 or not np.isfinite(world[frames]).any():
        return None
    la, ra = world[:, idx["left_ankle"]], world[:, idx["right_ankle"]]
    sh = (world[:, idx["left_shoulder"]] + world[:, idx["right_shoulder"]]) / 2
    up = np.nanmedian(sh[frames] - (la[frames] + ra[frames]) / 2, axis=0)
    up = up / np.linalg.norm(up)
    leg = np.nanmedian(np.linalg.norm(world[:, idx["left_hip"]] - la, axis=1))
    d = lowpass((la - ra) @ up / leg, fps, SignalSettings())
    return d - np.nanmedian(d[frames])


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
    side = lifted_side(seq, ctx.valid, ctx.world, ctx.fps)
    a, b, s = longest_hold(side, ctx.fps)
    frames = np.arange(a, b)
    trunk = angle_series(seq, "trunk_inclination")
    hold = measure("single_leg_stance.hold_time", (b - a) / ctx.fps, frames, ctx,
                   stance_side={1: "right", -1: "left"}.get(s))
    out = [hold]
    if frames.size:
        if ctx.identity is not None and not _certain(ctx, frames):
            hold["stance_side_certain"] = False  # which foot was up cannot be told reliably
        lifted, stance = ("left", "right") if s == 1 else ("right", "left")
        drop = pelvic_drop(seq, s)[frames]
        out.append(measure("single_leg_stance.trunk_lean", float(np.nanpercentile(np.abs(trunk[frames]), 95)), frames, ctx))
        out.append(measure("single_leg_stance.pelvic_drop", float(np.nanpercentile(drop, 95)), frames, ctx))
        knee = angle_series(seq, f"knee_flexion_{lifted}")[frames]
        peak = int(np.nanargmax(knee)) if np.isfinite(knee).any() else None
        obl = None
        if peak is not None and ctx.world is not None:
            plane = orientation.plane_obliquity(ctx.world[frames], f"{lifted}_hip", f"{lifted}_knee", f"{lifted}_ankle")
            near = plane[max(0, peak - 2): peak + 3]
            obl = float(np.nanmedian(near)) if np.isfinite(near).any() else float("nan")
        out.append(measure("single_leg_stance.lifted_knee_flexion_peak",
                           float(knee[peak]) if peak is not None else None, frames, ctx, plane_obliquity=obl,
                           side=lifted, peak_frame=int(frames[peak]) if peak is not None else None))
        fppa = angle_series(seq, f"fppa_{stance}")[frames]
        out.append(measure("single_leg_stance.stance_knee_fppa",
                           float(np.nanmax(fppa)) if np.isfinite(fppa).any() else None, frames, ctx, side=stance))
    series = {"trunk_inclination": trunk, "lifted_side": side.astype(float)}
    return out, series, {"hold": [int(a), int(b)]}


def _certain(ctx: Context, frames: np.ndarray) -> bool:
    from ptplan.video.identity import side_certain

    return side_certain(ctx.identity, frames)
