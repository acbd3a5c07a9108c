"""Gait: cadence, step and stride times, step-time asymmetry, stance knee flexion, trunk lean, pelvic drop.

Events follow the coordinate method of Zeni et al. (2008): heel strike is the instant the ankle is
furthest ahead of the pelvis, toe off the instant the toe is furthest behind it.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import find_peaks

from ptplan.video.measures.common import Context, finite_frames, measure
from ptplan.video.skeleton import SIDES, angle_series, point

MIN_STEP_S = 0.25      # faster than 240 steps/min is not walking
PROMINENCE_LEG = 0.15  # an event must stand out by 15% of leg length
STANCE_SHARE = 0.3     # heel strike to mid-stance, as a share of the stride


def walking_direction(seq: np.ndarray) -> float:
    """+1 when the pelvis travels towards image right, else -1 (falls back to where the toes point)."""
    x = point(seq, "mid_hip")[:, 0]
    ok = np.isfinite(x)
    if ok.sum() >= 2 and abs(x[ok][-1] - x[ok][0]) > 0.5 * _leg_length(seq):
        return 1.0 if x[ok][-1] > x[ok][0] else -1.0
    from ptplan.video.view import facing_sign

    return facing_sign(seq)


def _leg_length(seq: np.ndarray) -> float:
    d = [np.linalg.norm(point(seq, f"{s}_hip") - point(seq, f"{s}_ankle"), axis=1) for s in SIDES]
    return float(np.nanmedian(np.concatenate(d)))


def gait_events(seq: np.ndarray, fps: float, valid: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """Heel-strike and toe-off frame indices per side: {"left": {"hs": .., "to": ..}, ...}."""
    direction, leg = walking_direction(seq), _leg_length(seq)
    hip_x = point(seq, "mid_hip")[:, 0]
    out = {}
    for side in SIDES:
        ahead = (point(seq, f"{side}_ankle")[:, 0] - hip_x) * direction
        behind = -(point(seq, f"{side}_foot_index")[:, 0] - hip_x) * direction
        out[side] = {"hs": _peaks(ahead, fps, leg, valid), "to": _peaks(behind, fps, leg, valid)}
    for kind in ("hs", "to"):
        _drop_twins(out, kind, fps)
    return out


def _drop_twins(events: dict, kind: str, fps: float) -> None:
    """Drop an event that follows the other foot's same event within MIN_STEP_S: a left/right label
    flip makes one foot's event appear on both sides."""
    labelled = sorted((int(f), side) for side in SIDES for f in events[side][kind])
    kept: list[tuple[int, str]] = []
    for f, side in labelled:
        if kept and kept[-1][1] != side and (f - kept[-1][0]) / fps < MIN_STEP_S:
            continue
        kept.append((f, side))
    for side in SIDES:
        events[side][kind] = np.array([f for f, s in kept if s == side], dtype=int)


def _peaks(signal: np.ndarray, fps: float, leg: float, valid: np.ndarray) -> np.ndarray:
    s = np.where(valid & np.isfinite(signal), signal, np.nan)
    filled = np.nan_to_num(s, nan=np.nanmin(s) if np.isfinite(s).any() else 0.0)
    peaks, _ = find_peaks(filled, distance=max(1, int(2 * MIN_STEP_S * fps)), prominence=PROMINENCE_LEG * leg)
    # a peak at the clip edge or next to a lost frame is not a real turning point
    keep = [p for p in peaks if 0 < p < len(s) - 1 and np.isfinite(s[p - 1]) and np.isfinite(s[p + 1])]
    return np.asarray(keep, dtype=int)


def step_times(events: dict, fps: float) -> dict[str, list[float]]:
    """Step times per side (contralateral heel strike -> this heel strike) and stride times per side."""
    labelled = sorted([(int(f), side) for side in SIDES for f in events[side]["hs"]])
    steps: dict[str, list[float]] = {"left": [], "right": []}
    for (f0, s0), (f1, s1) in zip(labelled, labelled[1:], strict=False):
        if s0 != s1:
            steps[s1].append((f1 - f0) / fps)
    strides = {side: (np.diff(events[side]["hs"]) / fps).tolist() for side in SIDES}
    return {"step_left": steps["left"], "step_right": steps["right"],
            "stride_left": strides["left"], "stride_right": strides["right"]}


def asymmetry_percent(a: list[float], b: list[float]) -> float:
    """|mean a - mean b| over their mean, in percent (NaN when a side has no value)."""
    if not a or not b:
        return float("nan")
    ma, mb = float(np.mean(a)), float(np.mean(b))
    return 100.0 * abs(ma - mb) / ((ma + mb) / 2)


def stance_knee_range(seq: np.ndarray, events: dict, side: str, fps: float) -> tuple[float, list[int]]:
    """Mean knee-flexion range from heel strike to mid-stance (the first STANCE_SHARE of the stride).

    The window ends before toe off on purpose: toe-off events suffer most from left/right label flips,
    and the knee flexes for push-off there, which is not the loading-response flexion wanted here.
    """
    knee = angle_series(seq, f"knee_flexion_{side}")
    hs = events[side]["hs"]
    stride = np.median(np.diff(hs)) if hs.size >= 2 else 1.1 * fps
    width = int(round(STANCE_SHARE * stride))
    ranges, frames = [], []
    for h in hs:
        seg = knee[h:h + width + 1]
        if len(seg) == width + 1 and np.isfinite(seg).all():
            ranges.append(float(seg.max() - seg.min()))
            frames.extend(range(h, h + width + 1))
    return (float(np.median(ranges)) if ranges else float("nan")), frames  # median: robust to a flipped stance


def compute(seq: np.ndarray, ctx: Context) -> tuple[list[dict], dict, dict]:
    fps = ctx.fps
    events = gait_events(seq, fps, ctx.valid)
    times = step_times(events, fps)
    all_steps = times["step_left"] + times["step_right"]
    hs_frames = sorted(int(f) for s in SIDES for f in events[s]["hs"])
    span = list(range(hs_frames[0], hs_frames[-1] + 1)) if hs_frames else []
    step = float(np.mean(all_steps)) if all_steps else float("nan")
    strides = times["stride_left"] + times["stride_right"]
    out = [measure("gait.cadence", 60.0 / step if all_steps else None, span, ctx, n_steps=len(all_steps)),
           measure("gait.step_time", step, span, ctx),
           measure("gait.stride_time", float(np.mean(strides)) if strides else None, span, ctx),
           measure("gait.step_time_asymmetry", asymmetry_percent(times["step_left"], times["step_right"]), span, ctx,
                   left_s=_mean(times["step_left"]), right_s=_mean(times["step_right"]))]
    ranges = {}
    for side in SIDES:
        value, frames = stance_knee_range(seq, events, side, fps)
        ranges[side] = value
        out.append(measure(f"gait.stance_knee_flexion_range_{side}", value, frames, ctx))
    both = [v for v in ranges.values() if np.isfinite(v)]
    out.append(measure("gait.stance_knee_flexion_range_min", min(both) if both else None, span, ctx))
    out.extend(_trunk_and_pelvis(seq, ctx))
    series = {f"knee_flexion_{s}": angle_series(seq, f"knee_flexion_{s}") for s in SIDES}
    series["trunk_inclination"] = angle_series(seq, "trunk_inclination") * walking_direction(seq)
    ev = {f"{k}_{s}": events[s][k].tolist() for s in SIDES for k in ("hs", "to")}
    return out, series, ev


def _trunk_and_pelvis(seq: np.ndarray, ctx: Context) -> list[dict]:
    trunk = angle_series(seq, "trunk_inclination")
    pelvis = angle_series(seq, "pelvic_tilt")
    fr = finite_frames(trunk, valid=ctx.valid)
    fp = finite_frames(pelvis, valid=ctx.valid)
    forward = float(np.mean(trunk[fr]) * walking_direction(seq)) if fr.size else None
    lateral = float(np.percentile(np.abs(trunk[fr]), 95)) if fr.size else None
    drop = float(np.percentile(np.abs(pelvis[fp] - np.median(pelvis[fp])), 95)) if fp.size else None
    return [measure("gait.trunk_lean_forward", forward, fr, ctx),
            measure("gait.trunk_lean_lateral", lateral, fr, ctx),
            measure("gait.pelvic_drop", drop, fp, ctx)]


def _mean(v: list[float]) -> float | None:
    return round(float(np.mean(v)), 3) if v else None
