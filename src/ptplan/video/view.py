"""Which way the camera sees the person: sagittal (side-on), frontal (front/back) or oblique."""

from __future__ import annotations

import numpy as np

from ptplan.video.skeleton import point

# Shoulder/hip width relative to trunk height. Side-on the two shoulders overlap (ratio near 0);
# facing the camera the shoulders are about as wide as the trunk is tall (ratio near 0.7-0.9).
SAGITTAL_MAX = 0.25
FRONTAL_MIN = 0.45


def width_ratio(seq: np.ndarray) -> np.ndarray:
    """(frames,) mean of shoulder and hip width divided by trunk height."""
    sw = np.abs(point(seq, "left_shoulder")[:, 0] - point(seq, "right_shoulder")[:, 0])
    hw = np.abs(point(seq, "left_hip")[:, 0] - point(seq, "right_hip")[:, 0])
    trunk = np.linalg.norm(point(seq, "mid_shoulder") - point(seq, "mid_hip"), axis=1)
    return (sw + hw) / 2 / trunk


def detect_view(seq: np.ndarray) -> dict:
    """The view over the whole sequence: {view, width_ratio, per_frame share of each view}."""
    r = width_ratio(seq)
    r = r[np.isfinite(r)]
    if r.size == 0:
        return {"view": "unknown", "width_ratio": None, "share": {}}
    med = float(np.median(r))
    view = "sagittal" if med <= SAGITTAL_MAX else "frontal" if med >= FRONTAL_MIN else "oblique"
    share = {"sagittal": float(np.mean(r <= SAGITTAL_MAX)), "frontal": float(np.mean(r >= FRONTAL_MIN))}
    share["oblique"] = 1.0 - share["sagittal"] - share["frontal"]
    return {"view": view, "width_ratio": round(med, 3), "share": {k: round(v, 3) for k, v in share.items()}}


def suitability(view: str, suits: list[str]) -> float:
    """1 when the view suits the measure, 0.5 when oblique (projection error), else 0.2."""
    if view in suits:
        return 1.0
    return 0.5 if view == "oblique" else 0.2


def facing_sign(seq: np.ndarray) -> float:
    """+1 when the person faces/moves towards image right, -1 towards the left (from toes vs heels)."""
    d = []
    for side in ("left", "right"):
        d.append(point(seq, f"{side}_foot_index")[:, 0] - point(seq, f"{side}_heel")[:, 0])
    m = np.nanmedian(np.concatenate(d))
    return 1.0 if not np.isfinite(m) or m >= 0 else -1.0
