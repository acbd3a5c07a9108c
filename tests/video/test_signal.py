"""Gap filling and the zero-lag low-pass filter."""

from __future__ import annotations

import numpy as np
import pytest

from ptplan.video.signal import SignalSettings, fill_gaps, lowpass


def test_it_filters_noise_without_shifting_the_peak():
    fps = 30.0
    t = np.arange(300) / fps
    clean = 50 * np.cos(2 * np.pi * 1.0 * t)  # peaks fall on frames 30, 60, ...
    noisy = clean + 8 * np.sin(2 * np.pi * 12.0 * t)
    out = lowpass(noisy, fps, SignalSettings(cutoff_hz=6.0))
    inner = slice(30, -30)
    assert np.max(np.abs(out[inner] - clean[inner])) < 2.0
    assert np.argmax(out[50:70]) == 10  # zero lag: the filtered peak stays on frame 60


def test_it_keeps_the_cutoff_a_setting():
    fps, t = 30.0, np.arange(300) / 30.0
    x = 10 * np.sin(2 * np.pi * 4.0 * t)
    kept = lowpass(x, fps, SignalSettings(cutoff_hz=10.0))
    cut = lowpass(x, fps, SignalSettings(cutoff_hz=1.5))
    assert np.std(kept[30:-30]) > 6.5
    assert np.std(cut[30:-30]) < 1.5


def test_it_fills_short_gaps_and_leaves_long_ones():
    fps, s = 30.0, SignalSettings(max_gap_s=0.25)
    x = np.arange(60, dtype=float)
    vis = np.ones(60)
    vis[10:14] = 0.0   # 4 frames: filled
    vis[30:45] = 0.0   # 15 frames = 0.5 s: left missing
    out = fill_gaps(x, vis, fps, s)
    assert out[10:14] == pytest.approx([10, 11, 12, 13])
    assert np.isnan(out[30:45]).all()


def test_it_weights_half_visible_samples_by_visibility():
    fps, s = 30.0, SignalSettings(min_visibility=0.3, full_visibility=0.7)
    x = np.zeros(21)
    x[10] = 100.0          # an outlier seen with visibility 0.5 -> half trusted
    vis = np.ones(21)
    vis[10] = 0.5
    assert fill_gaps(x, vis, fps, s)[10] == pytest.approx(50.0)
