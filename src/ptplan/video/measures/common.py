"""Building blocks shared by the task measures: the measure record and its quality score."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ptplan.video.skeleton import load_data, visibility
from ptplan.video.view import suitability


@dataclass
class Context:
    """What every measure needs besides the pose sequence."""

    fps: float
    view: str                     # detected view of the clip
    valid: np.ndarray             # (frames,) True where the subject was tracked (not lost)
    raw: np.ndarray               # the uncleaned sequence: visibility comes from here
    warnings: list[dict] = field(default_factory=list)


def meta(name: str) -> dict:
    return load_data("measures")[name]


def measure(name: str, value: float | None, frames: np.ndarray | list[int], ctx: Context, **extra) -> dict:
    """One measure with its unit, frames used, quality and validity note (all from ``measures.yaml``)."""
    m = meta(name)
    idx = np.asarray(frames, dtype=int)
    vis = visibility(ctx.raw[idx], m["landmarks"]) if idx.size else np.array([])
    mean_vis = float(np.nanmean(vis)) if vis.size and np.isfinite(vis).any() else 0.0
    view_fit = suitability(ctx.view, m["views"])
    if view_fit < 1.0:
        ctx.warnings.append(_view_warning(name, ctx.view, m["views"], withheld=view_fit <= 0.2))
    if view_fit <= 0.2:
        value = None  # e.g. pelvic drop seen from the side: a number here would only mislead
    out = {"name": name, "value": None if value is None or not np.isfinite(value) else round(float(value), 2),
           "unit": m["unit"], "frames": _frame_ranges(idx),
           "n_frames": int(idx.size),
           "quality": {"visibility": round(mean_vis, 3), "view": round(view_fit, 2),
                       "score": round(mean_vis * view_fit, 3)},
           "validity": m["validity"], "note": m["note"], "refs": list(m["refs"])}
    out.update(extra)
    return out


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
