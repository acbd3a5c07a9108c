"""Squat: depth, trunk vs tibia, lumbar-flexion proxy, heel rise, FPPA, asymmetry, reps with per-rep values."""

from __future__ import annotations

import numpy as np
from scipy.signal import find_peaks

from ptplan.video.measures.common import Context, finite_frames, measure
from ptplan.video.skeleton import SIDES, angle_series, point
from ptplan.video.view import facing_sign

MIN_REP_S = 0.8        # a squat repetition takes longer than this
REP_DEPTH_LEG = 0.12   # the hips must drop by 12% of leg length to count as a repetition
BOTTOM_SHARE = 0.9     # "bottom" = knee flexion at or above 90% of the repetition's peak


def leg_length(seq: np.ndarray) -> float:
    d = [np.linalg.norm(point(seq, f"{s}_hip") - point(seq, f"{s}_ankle"), axis=1) for s in SIDES]
    return float(np.nanmedian(np.concatenate(d)))


def find_reps(seq: np.ndarray, fps: float, valid: np.ndarray) -> list[int]:
    """Frames of the lowest hip position of each repetition."""
    y = point(seq, "mid_hip")[:, 1]
    y = np.where(valid & np.isfinite(y), y, np.nan)
    if not np.isfinite(y).any():
        return []
    filled = np.nan_to_num(y, nan=float(np.nanmin(y)))
    peaks, _ = find_peaks(filled, distance=max(1, int(MIN_REP_S * fps)), prominence=REP_DEPTH_LEG * leg_length(seq))
    return [int(p) for p in peaks]


def rep_window(knee: np.ndarray, bottom: int) -> np.ndarray:
    """Frames around ``bottom`` where knee flexion stays at or above BOTTOM_SHARE of its peak there."""
    peak = knee[bottom]
    lo = bottom
    while lo > 0 and np.isfinite(knee[lo - 1]) and knee[lo - 1] >= BOTTOM_SHARE * peak:
        lo -= 1
    hi = bottom
    while hi < len(knee) - 1 and np.isfinite(knee[hi + 1]) and knee[hi + 1] >= BOTTOM_SHARE * peak:
        hi += 1
    return np.arange(lo, hi + 1)


def compute(seq: np.ndarray, ctx: Context) -> tuple[list[dict], dict, dict]:
    face = facing_sign(seq)
    knees = {s: angle_series(seq, f"knee_flexion_{s}") for s in SIDES}
    knee = np.nanmean(np.vstack([knees["left"], knees["right"]]), axis=0)
    trunk = angle_series(seq, "trunk_inclination") * face
    tibia = np.nanmean(np.vstack([angle_series(seq, f"tibia_inclination_{s}") for s in SIDES]), axis=0) * face
    fppas = {s: angle_series(seq, f"fppa_{s}") for s in SIDES}
    bottoms = [b for b in find_reps(seq, ctx.fps, ctx.valid) if np.isfinite(knee[b])]
    reps = [_rep(b, knee, knees, trunk, tibia, fppas, seq) for b in bottoms]
    used = np.unique(np.concatenate([r.pop("_frames") for r in reps])) if reps else np.array([], int)
    out = [measure("squat.reps", float(len(reps)), finite_frames(knee, valid=ctx.valid), ctx, per_rep=reps)]
    out += _summary(reps, used, ctx, seq)
    series = {"knee_flexion": knee, "trunk_inclination": trunk, "tibia_inclination": tibia,
              "fppa_left": fppas["left"], "fppa_right": fppas["right"]}
    return out, series, {"bottoms": bottoms}


def _rep(b: int, knee, knees, trunk, tibia, fppas, seq) -> dict:
    win = rep_window(knee, b)
    k = win[np.nanargmax(knee[win])]
    lumbar = float(np.nanmax(trunk[win]) - trunk[win[0]]) if np.isfinite(trunk[win]).any() else float("nan")
    return {"bottom_frame": int(k), "knee_flexion": _r(knee[k]),
            "knee_flexion_left": _r(np.nanmax(knees["left"][win])), "knee_flexion_right": _r(np.nanmax(knees["right"][win])),
            "trunk_tibia_difference": _r(trunk[k] - tibia[k]), "lumbar_flexion_proxy": _r(lumbar),
            "fppa_left": _r(fppas["left"][k]), "fppa_right": _r(fppas["right"][k]),
            "heel_rise": _r(heel_rise(seq, knee, win)), "_frames": win}


def heel_rise(seq: np.ndarray, knee: np.ndarray, win: np.ndarray) -> float:
    """Largest heel lift in ``win`` over the standing heel level, % of shank length (max of both sides)."""
    standing = np.isfinite(knee) & (knee < 20)
    if not standing.any():
        return float("nan")
    out = []
    for s in SIDES:
        heel_y = point(seq, f"{s}_heel")[:, 1]
        shank = np.nanmedian(np.linalg.norm(point(seq, f"{s}_knee") - point(seq, f"{s}_ankle"), axis=1))
        base = np.nanmedian(heel_y[standing])
        out.append(100.0 * (base - np.nanmin(heel_y[win])) / shank)
    return float(np.nanmax(out))


def _summary(reps: list[dict], used: np.ndarray, ctx: Context, seq: np.ndarray) -> list[dict]:
    def peak(key: str) -> float | None:
        vals = [r[key] for r in reps if r[key] is not None]
        return max(vals) if vals else None

    fppa = [v for v in (peak("fppa_left"), peak("fppa_right")) if v is not None]
    if ctx.view == "frontal":
        pairs = [(r["fppa_left"], r["fppa_right"]) for r in reps]
    else:
        pairs = [(r["knee_flexion_left"], r["knee_flexion_right"]) for r in reps]
    diffs = [abs(a - b) for a, b in pairs if a is not None and b is not None]
    return [measure("squat.depth", peak("knee_flexion"), used, ctx),
            measure("squat.trunk_tibia_difference", peak("trunk_tibia_difference"), used, ctx),
            measure("squat.lumbar_flexion_proxy", peak("lumbar_flexion_proxy"), used, ctx),
            measure("squat.heel_rise", peak("heel_rise"), used, ctx),
            measure("squat.fppa", max(fppa) if fppa else None, used, ctx),
            measure("squat.asymmetry", float(np.mean(diffs)) if diffs else None, used, ctx)]


def _r(v) -> float | None:
    return round(float(v), 2) if v is not None and np.isfinite(v) else None
