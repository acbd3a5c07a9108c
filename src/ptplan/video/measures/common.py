"""Building blocks shared by the task measures: the measure record and its quality score."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ptplan.video import orientation
from ptplan.video.identity import side_certain
from ptplan.video.skeleton import load_data, visibility
from ptplan.video.view import suitability


@dataclass
class Context:
    """What every measure needs besides the pose sequence.

    ``identity``, ``roll`` and ``yaw_deg`` come from the clip (identity.repair, orientation); when they
    are None (synthetic sequences without the model's 3-D estimate) the coarse ``view`` label decides.
    """

    fps: float
    view: str                     # detected view of the clip
    valid: np.ndarray             # (frames,) True where the subject was tracked (not lost)
    raw: np.ndarray               # the uncleaned sequence: visibility comes from here
    warnings: list[dict] = field(default_factory=list)
    identity: dict | None = None  # identity.repair's report
    roll: dict | None = None      # orientation.estimate_roll's report
    yaw_deg: float | None = None  # body yaw against the image plane (0 front/back, 90 side)
    world: np.ndarray | None = None  # the model's 3-D estimate, identity-repaired


def meta(name: str) -> dict:
    return load_data("measures")[name]


def measure(name: str, value: float | None, frames: np.ndarray | list[int], ctx: Context,
            plane_obliquity: float | None = None, **extra) -> dict:
    """One measure with its unit, frames used, quality and validity note (all from ``measures.yaml``).

    Quality says whether the view, the camera's roll and left/right identity support the value:
    a measure from a view it is not valid in is withheld (value None, ``withheld`` gives the reason);
    a side-specific measure on frames whose identity stays uncertain keeps its value but is marked
    ``identity: uncertain`` (and derives no finding). ``plane_obliquity`` is the estimated angle between
    the measured joint's bending plane and the image (sagittal joint angles)."""
    m = meta(name)
    idx = np.asarray(frames, dtype=int)
    vis = visibility(ctx.raw[idx], m["landmarks"]) if idx.size else np.array([])
    mean_vis = float(np.nanmean(vis)) if vis.size and np.isfinite(vis).any() else 0.0
    withheld = None
    if ctx.yaw_deg is None:
        view_fit = suitability(ctx.view, m["views"])
        if view_fit < 1.0:
            ctx.warnings.append(_view_warning(name, ctx.view, m["views"], withheld=view_fit <= 0.2))
        if view_fit <= 0.2:
            withheld = "view"  # e.g. pelvic drop seen from the side: a number here would only mislead
    else:
        view_fit, withheld = _view_check(name, m, ctx, plane_obliquity)
    roll = ctx.roll["status"] if ctx.roll else "unknown"
    if m.get("vertical") and roll == "too_large" and withheld is None:
        withheld = "roll"
        ctx.warnings.append(_warn("roll_too_large", name, f"{name}: not measured; the camera is tilted by "
                                  f"{ctx.roll['roll_deg']}°, beyond {orientation.ROLL_MAX_DEG:.0f}°.",
                                  f"{name}: カメラの傾きが{ctx.roll['roll_deg']}°と大きく"
                                  f"（上限{orientation.ROLL_MAX_DEG:.0f}°）、計測していません。"))
    identity = "not_applicable"
    if m.get("side_specific"):
        identity = "ok" if ctx.identity is None or side_certain(ctx.identity, idx) else "uncertain"
    if withheld:
        value, view_fit = None, 0.0
    quality = {"visibility": round(mean_vis, 3), "view": round(view_fit, 2), "score": round(mean_vis * view_fit, 3),
               "identity": identity, "roll": roll if m.get("vertical") else "not_applicable"}
    if plane_obliquity is not None:
        quality["plane_obliquity_deg"] = round(float(plane_obliquity), 1) if np.isfinite(plane_obliquity) else None
    out = {"name": name, "value": None if value is None or not np.isfinite(value) else round(float(value), 2),
           "unit": m["unit"], "frames": _frame_ranges(idx),
           "n_frames": int(idx.size), "quality": quality, "withheld": withheld,
           "validity": m["validity"], "note": m["note"], "refs": list(m["refs"])}
    out.update(extra)
    return out


def _view_check(name: str, m: dict, ctx: Context, plane_obliquity: float | None) -> tuple[float, str | None]:
    """(view fit 1/0, reason withheld) from the obliquity estimates, with a warning when withheld."""
    views, yaw = set(m["views"]), ctx.yaw_deg
    if "oblique" in views or {"frontal", "sagittal"} <= views:
        return 1.0, None
    if "frontal" in views:
        if yaw <= orientation.FRONTAL_MAX_DEG:
            return 1.0, None
        ctx.warnings.append(_warn("view_unsuitable", name,
                                  f"{name}: not measured; the camera sees the body {yaw:.0f}° off a front or back "
                                  f"view (valid up to {orientation.FRONTAL_MAX_DEG:.0f}°).",
                                  f"{name}: 正面・背面から{yaw:.0f}°ずれた斜めの撮影のため計測していません"
                                  f"（有効なのは{orientation.FRONTAL_MAX_DEG:.0f}°まで）。"))
        return 0.0, "view"
    if m.get("plane"):
        ok = plane_obliquity is not None and np.isfinite(plane_obliquity) and plane_obliquity <= orientation.PLANE_MAX_DEG
        if ok:
            return 1.0, None
        seen = "could not be estimated" if plane_obliquity is None or not np.isfinite(plane_obliquity) \
            else f"is {plane_obliquity:.0f}° off the image plane"
        seen_ja = "推定できない" if "estimated" in seen else f"画面から{plane_obliquity:.0f}°傾いている"
        ctx.warnings.append(_warn("view_unsuitable", name,
                                  f"{name}: not measured; the joint's bending plane {seen} "
                                  f"(valid up to {orientation.PLANE_MAX_DEG:.0f}°).",
                                  f"{name}: 関節の曲がる面が{seen_ja}ため計測していません"
                                  f"（有効なのは{orientation.PLANE_MAX_DEG:.0f}°まで）。"))
        return 0.0, "view"
    if yaw >= orientation.SAGITTAL_MIN_DEG:
        return 1.0, None
    ctx.warnings.append(_warn("view_unsuitable", name,
                              f"{name}: not measured; the camera sees the body {yaw:.0f}° from a front or back view, "
                              f"a side view needs at least {orientation.SAGITTAL_MIN_DEG:.0f}°.",
                              f"{name}: 側方からの撮影が必要ですが、体の向きが正面・背面から{yaw:.0f}°"
                              f"（{orientation.SAGITTAL_MIN_DEG:.0f}°以上が必要）のため計測していません。"))
    return 0.0, "view"


def _warn(code: str, name: str, en: str, ja: str) -> dict:
    return {"code": code, "measure": name, "en": en, "ja": ja}


def _view_warning(name: str, view: str, suits: list[str], withheld: bool) -> dict:
    want, want_ja = "/".join(suits), "・".join(_VIEW_JA.get(v, v) for v in suits)
    seen_ja = _VIEW_JA.get(view, view)
    if withheld:
        return {"code": "view_unsuitable", "measure": name,
                "en": f"{name}: not measured; the clip looks {view} and this measure needs a {want} view.",
                "ja": f"{name}: 撮影方向が{seen_ja}のため計測していません（{want_ja}からの撮影が必要です）。"}
    return {"code": "view_unsuitable", "measure": name,
            "en": f"{name}: the clip looks {view}; this measure needs a {want} view, so read it with caution.",
            "ja": f"{name}: 撮影方向が{seen_ja}と判定されました。"
                  f"この指標には{want_ja}からの撮影が必要なため、参考値として扱ってください。"}


_VIEW_JA = {"sagittal": "側方", "frontal": "正面（前後）", "oblique": "斜め", "unknown": "不明"}


def _frame_ranges(idx: np.ndarray) -> list[list[int]]:
    """Compress sorted frame indices into [first, last] ranges."""
    if idx.size == 0:
        return []
    idx = np.unique(idx)
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]])
    return [[int(s), int(e)] for s, e in zip(starts, ends, strict=True)]


def finite_frames(*series: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Indices where every series is finite and the subject was tracked."""
    ok = valid.copy()
    for s in series:
        ok &= np.isfinite(s)
    return np.flatnonzero(ok)
