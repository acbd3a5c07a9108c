"""Forward bend: trunk inclination, a hip-flexion proxy, lumbar/hip ratios by phase, return pattern.

2-D pose has no lumbar points. The proxy treats the trunk between hip and shoulder as an arc that
bends evenly: its chord (hip -> shoulder) tilts by pelvis + lumbar/2, the line from the shoulders to
the ears follows the top of the arc (pelvis + lumbar). Hence lumbar = 2 (head line - chord) and
pelvis (hip flexion) = chord - lumbar / 2, both relative to the standing start. Neck bending and
shoulder movement add error; the ratios are proxies, compared with Esola 1996 (1.9 / 0.9 / 0.4).
"""

from __future__ import annotations

import numpy as np

from ptplan.video.measures.common import Context, finite_frames, measure
from ptplan.video.skeleton import angle_series
from ptplan.video.view import facing_sign

PHASES = {"early": (0.0, 30.0), "middle": (30.0, 60.0), "late": (60.0, 90.0)}
BASELINE_S = 0.3


def split_trunk(chord: np.ndarray, head_line: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(total flexion = hip + lumbar, lumbar proxy, hip proxy), relative to the first BASELINE_S seconds."""
    n = max(1, int(BASELINE_S * fps))
    c = chord - np.nanmedian(chord[:n])
    u = head_line - np.nanmedian(head_line[:n])
    lumbar = 2.0 * (u - c)
    hip = c - lumbar / 2.0
    return hip + lumbar, lumbar, hip


def phase_ratio(total: np.ndarray, lumbar: np.ndarray, hip: np.ndarray, lo: float, hi: float) -> float:
    """Lumbar change over hip change while the total tilt goes from ``lo`` to ``hi`` degrees (first pass)."""
    a = _first_at_least(total, lo)
    b = _first_at_least(total, hi)
    if a is None or b is None or b <= a:
        return float("nan")
    dh = hip[b] - hip[a]
    return float((lumbar[b] - lumbar[a]) / dh) if abs(dh) > 1e-6 else float("nan")


def _first_at_least(x: np.ndarray, v: float) -> int | None:
    idx = np.flatnonzero(np.isfinite(x) & (x >= v))
    return int(idx[0]) if idx.size else None


def compute(seq: np.ndarray, ctx: Context) -> tuple[list[dict], dict, dict]:
    face = facing_sign(seq)
    chord = angle_series(seq, "trunk_inclination") * face
    head = angle_series(seq, "head_line_inclination") * face
    total, lumbar, hip = split_trunk(chord, head, ctx.fps)
    frames = finite_frames(total, lumbar, valid=ctx.valid)
    if frames.size == 0:
        return [measure("forward_bend.trunk_inclination_peak", None, frames, ctx)], {}, {}
    peak = int(frames[np.argmax(total[frames])])
    down = slice(0, peak + 1)
    tilt = chord - np.nanmedian(chord[: max(1, int(BASELINE_S * ctx.fps))])
    out = [measure("forward_bend.trunk_inclination_peak", float(np.nanmax(tilt[frames])), frames, ctx),
           measure("forward_bend.hip_flexion_proxy_peak", float(hip[peak]), frames, ctx)]
    for name, (lo, hi) in PHASES.items():
        r = phase_ratio(total[down], lumbar[down], hip[down], lo, hi)
        out.append(measure(f"forward_bend.ratio_{name}", r, frames[frames <= peak], ctx,
                           reference={"early": 1.9, "middle": 0.9, "late": 0.4}[name]))
    out.append(measure("forward_bend.return_ratio_early", _return_ratio(total, lumbar, hip, peak),
                       frames[frames >= peak], ctx))
    series = {"trunk_inclination": total, "lumbar_proxy": lumbar, "hip_flexion_proxy": hip}
    return out, series, {"peak_frame": peak}


def _return_ratio(total: np.ndarray, lumbar: np.ndarray, hip: np.ndarray, peak: int) -> float:
    """Lumbar over hip change in the first third of the way back up."""
    back = total[peak:]
    if not np.isfinite(back).any():
        return float("nan")
    target = total[peak] - (total[peak] - np.nanmin(back)) / 3.0
    idx = np.flatnonzero(np.isfinite(back) & (back <= target))
    if idx.size == 0:
        return float("nan")
    b = peak + int(idx[0])
    dh = hip[b] - hip[peak]
    return float((lumbar[b] - lumbar[peak]) / dh) if abs(dh) > 1e-6 else float("nan")
