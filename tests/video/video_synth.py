"""Synthetic pose sequences with known geometry (pixels, image y grows downwards)."""

from __future__ import annotations

import numpy as np

from ptplan.video.skeleton import landmark_index

N = 33


def figure(points: dict[str, np.ndarray], frames: int, vis: float = 1.0) -> np.ndarray:
    """A (frames, 33, 3) sequence; landmarks not given sit at the first given point (never NaN)."""
    seq = np.zeros((frames, N, 3))
    first = next(iter(points.values()))
    seq[:, :, :2] = np.asarray(first)[:, None, :]
    for name, xy in points.items():
        seq[:, landmark_index()[name], :2] = xy
    seq[:, :, 2] = vis
    return seq


def const(x: float, y: float, frames: int) -> np.ndarray:
    return np.tile([x, y], (frames, 1)).astype(float)


def polar(origin: np.ndarray, length: float, angle_deg: np.ndarray) -> np.ndarray:
    """Point at ``length`` from ``origin``; angle from straight down, positive towards +x."""
    a = np.radians(angle_deg)
    return origin + length * np.stack([np.sin(a), np.cos(a)], axis=-1)


def walker(fps: float = 30.0, seconds: float = 6.0, cadence: float = 110.0, asym: float = 0.0,
           direction: float = -1.0, frontal: bool = False) -> np.ndarray:
    """A side-view walker: thighs swing sinusoidally, pelvis travels; ``asym`` shifts the right leg's phase
    so that step times become (0.5 +/- asym) x stride."""
    t = np.arange(int(fps * seconds)) / fps
    stride = 120.0 / cadence
    hip = np.stack([800 + direction * 300 * t, np.full_like(t, 400.0)], axis=1)
    width = 160.0 if frontal else 4.0
    pts = {}
    for side, sgn, phase in (("left", -1, 0.0), ("right", 1, 0.5 + asym)):
        swing = 25 * np.cos(2 * np.pi * (t / stride - phase)) * direction
        h = hip + [sgn * width / 2, 0]
        knee = polar(h, 200, swing)
        ankle = polar(knee, 200, swing - 10 * direction)
        pts[f"{side}_hip"], pts[f"{side}_knee"], pts[f"{side}_ankle"] = h, knee, ankle
        pts[f"{side}_heel"] = ankle - [direction * 15, -10]
        pts[f"{side}_foot_index"] = ankle + [direction * 50, 10]
        pts[f"{side}_shoulder"] = h + [direction * 10, -250]
        pts[f"{side}_ear"] = h + [direction * 15, -320]
    return figure(pts, len(t))
