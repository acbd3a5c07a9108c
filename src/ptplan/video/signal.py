"""Gap filling and zero-lag low-pass filtering of landmark trajectories."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, filtfilt


@dataclass(frozen=True)
class SignalSettings:
    """How landmark trajectories are cleaned. Defaults follow common 2-D gait practice."""

    cutoff_hz: float = 6.0          # Butterworth low-pass cut-off; a setting, not a fixed number
    order: int = 2                  # filtfilt doubles the effective order (zero lag)
    min_visibility: float = 0.3     # below this a landmark counts as missing
    full_visibility: float = 0.7    # at or above this a landmark is trusted fully
    max_gap_s: float = 0.25         # longer gaps stay missing (never invent a quarter second of motion)


def fill_gaps(x: np.ndarray, vis: np.ndarray, fps: float, s: SignalSettings) -> np.ndarray:
    """Fill short gaps in one coordinate series, weighting half-visible samples by visibility.

    Samples below ``min_visibility`` (or NaN) are missing; they are linearly interpolated from the
    trusted neighbours when the gap is at most ``max_gap_s``. Samples between ``min_visibility`` and
    ``full_visibility`` are blended with that interpolation in proportion to their visibility.
    """
    x = np.asarray(x, dtype=float)
    vis = np.nan_to_num(np.asarray(vis, dtype=float), nan=0.0)
    ok = np.isfinite(x) & (vis >= s.min_visibility)
    good = ok & (vis >= s.full_visibility)
    out = np.where(ok, x, np.nan)
    anchors = good if good.sum() >= 2 else ok
    if anchors.sum() < 2:
        return out
    t = np.arange(len(x))
    interp = np.interp(t, t[anchors], x[anchors])
    w = np.clip((vis - s.min_visibility) / (s.full_visibility - s.min_visibility), 0.0, 1.0)
    out = np.where(ok & ~good, w * x + (1 - w) * interp, out)
    missing = ~ok
    for start, stop in _runs(missing):
        inside = start > 0 and stop < len(x) and np.isfinite(out[start - 1]) and np.isfinite(out[stop])
        if inside and (stop - start) / fps <= s.max_gap_s:
            out[start:stop] = interp[start:stop]
    return out


def lowpass(x: np.ndarray, fps: float, s: SignalSettings) -> np.ndarray:
    """Zero-lag Butterworth low-pass on each finite run (NaN gaps split the series)."""
    x = np.asarray(x, dtype=float)
    if s.cutoff_hz <= 0 or s.cutoff_hz >= fps / 2:
        return x.copy()
    b, a = butter(s.order, s.cutoff_hz / (fps / 2))
    out = x.copy()
    pad = 3 * max(len(a), len(b))
    for start, stop in _runs(np.isfinite(x)):
        if stop - start > pad:
            out[start:stop] = filtfilt(b, a, x[start:stop])
    return out


def clean_sequence(seq: np.ndarray, fps: float, s: SignalSettings) -> np.ndarray:
    """Gap-fill and filter every landmark coordinate of a pose sequence ``(frames, landmarks, 3)``."""
    out = seq.copy()
    for j in range(seq.shape[1]):
        vis = seq[:, j, 2]
        for k in (0, 1):
            out[:, j, k] = lowpass(fill_gaps(seq[:, j, k], vis, fps, s), fps, s)
        out[:, j, 2] = np.where(np.isfinite(out[:, j, 0]), np.nan_to_num(vis, nan=0.0), np.nan)
    return out


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the True runs in a boolean array."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    edges = np.flatnonzero(np.diff(m.astype(int)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))

