"""Landmark names and angle definitions, read from ``data/skeleton.yaml`` and ``data/angles.yaml``.

A pose sequence is a float array ``(frames, landmarks, 3)`` holding x and y in pixels (y down, as in
the image) and the visibility 0..1; a lost frame holds NaN. Angles are computed in a y-up frame so
that "forward" and "up" read naturally.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import yaml

SIDES = ("left", "right")


@cache
def load_data(name: str) -> dict:
    """One YAML file from ``ptplan/video/data``."""
    text = resources.files("ptplan.video").joinpath("data", f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def landmark_index() -> dict[str, int]:
    return dict(load_data("skeleton")["landmarks"])


@cache
def angle_defs() -> dict[str, dict]:
    """Angle definitions with ``{side}`` expanded: name -> {kind, a, vertex, c, planes}."""
    out: dict[str, dict] = {}
    for d in load_data("angles")["angles"]:
        sides = SIDES if "{side}" in d["name"] else (None,)
        for side in sides:
            out[d["name"].format(side=side)] = {k: (v.format(side=side) if isinstance(v, str) else v)
                                                for k, v in d.items() if k != "name"}
    return out


def point(seq: np.ndarray, name: str) -> np.ndarray:
    """(frames, 2) pixel coordinates of a landmark or derived point (mean of its parts)."""
    derived = load_data("angles")["derived"]
    if name in derived:
        return np.mean([point(seq, part) for part in derived[name]], axis=0)
    return seq[:, landmark_index()[name], :2]


def visibility(seq: np.ndarray, names: list[str]) -> np.ndarray:
    """(frames,) lowest visibility among the named landmarks (derived points use their parts)."""
    derived = load_data("angles")["derived"]
    flat: list[str] = []
    for n in names:
        flat.extend(derived.get(n, [n]))
    idx = [landmark_index()[n] for n in flat]
    return np.nanmin(seq[:, idx, 2], axis=1)


def _up(v: np.ndarray) -> np.ndarray:
    """Image vector (y down) -> y-up vector."""
    return np.stack([v[..., 0], -v[..., 1]], axis=-1)


def joint_flexion(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """180 - inner angle at b (degrees): 0 when a, b, c lie on a straight line."""
    v1, v2 = a - b, c - b
    cos = np.sum(v1 * v2, axis=-1) / (np.linalg.norm(v1, axis=-1) * np.linalg.norm(v2, axis=-1))
    return 180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def segment_inclination(a: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle of a->c against the upward vertical, degrees, positive towards +x (image right)."""
    d = _up(c - a)
    return np.degrees(np.arctan2(d[..., 0], d[..., 1]))


def tilt(a: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle of the line a->c against the horizontal, degrees in (-90, 90], positive when c is higher."""
    d = _up(c - a)
    d = np.where(d[..., :1] < 0, -d, d)  # direction-free: always read left to right
    return np.degrees(np.arctan2(d[..., 1], d[..., 0]))


def fppa(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, centre_x: np.ndarray) -> np.ndarray:
    """Frontal-plane projection angle, degrees; positive = knee inside the hip-ankle line (valgus).

    ``centre_x`` is the body midline (x of the mid-hip) that tells medial from lateral.
    """
    size = joint_flexion(hip, knee, ankle)
    t = (knee[..., 1] - hip[..., 1]) / (ankle[..., 1] - hip[..., 1])
    line_x = hip[..., 0] + t * (ankle[..., 0] - hip[..., 0])
    medial = np.sign(centre_x - hip[..., 0])
    return np.where((knee[..., 0] - line_x) * medial > 0, size, -size)


def angle_series(seq: np.ndarray, name: str) -> np.ndarray:
    """(frames,) one named angle from ``angles.yaml``."""
    d = angle_defs()[name]
    a, c = point(seq, d["a"]), point(seq, d["c"])
    if d["kind"] == "joint":
        return joint_flexion(a, point(seq, d["vertex"]), c)
    if d["kind"] == "segment":
        return segment_inclination(a, c)
    if d["kind"] == "tilt":
        return tilt(a, c)
    if d["kind"] == "fppa":
        return fppa(a, point(seq, d["vertex"]), c, point(seq, "mid_hip")[:, 0])
    raise ValueError(f"unknown angle kind {d['kind']!r}")


def names_used(defn: dict) -> list[str]:
    """Landmark or derived names an angle definition refers to."""
    return [defn[k] for k in ("a", "vertex", "c") if k in defn]
