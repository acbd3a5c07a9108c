"""Task measures recovered from synthetic keypoint sequences built from known angles and timings."""

from __future__ import annotations

import numpy as np
import pytest
from video_synth import const, figure, polar, walker

from ptplan.video.measures import forward_bend, gait, single_leg_stance, squat
from ptplan.video.measures.common import Context


def ctx_for(seq: np.ndarray, fps: float, view: str) -> Context:
    return Context(fps=fps, view=view, valid=np.ones(len(seq), bool), raw=seq)


def by_name(measures: list[dict]) -> dict[str, dict]:
    return {m["name"]: m for m in measures}


@pytest.mark.parametrize("cadence", [90.0, 110.0, 125.0])
def test_it_recovers_cadence_from_a_synthetic_walker(cadence):
    seq = walker(cadence=cadence)
    m = by_name(gait.compute(seq, ctx_for(seq, 30.0, "sagittal"))[0])
    assert m["gait.cadence"]["value"] == pytest.approx(cadence, abs=1.5)
    assert m["gait.stride_time"]["value"] == pytest.approx(120.0 / cadence, abs=0.03)
    assert m["gait.step_time_asymmetry"]["value"] < 3.0


def test_it_recovers_step_time_asymmetry():
    seq = walker(cadence=100.0, asym=0.025, seconds=8.0)  # step times 0.525 / 0.475 of the stride: 10 %
    m = by_name(gait.compute(seq, ctx_for(seq, 30.0, "sagittal"))[0])
    assert m["gait.step_time_asymmetry"]["value"] == pytest.approx(10.0, abs=2.0)


def test_it_withholds_frontal_measures_in_a_side_view_and_warns():
    seq = walker()
    ctx = ctx_for(seq, 30.0, "sagittal")
    m = by_name(gait.compute(seq, ctx)[0])
    assert m["gait.pelvic_drop"]["value"] is None
    assert any(w["measure"] == "gait.pelvic_drop" and w["ja"] and w["en"] for w in ctx.warnings)


def squatter(fps: float = 30.0, reps: int = 3, depth: float = 100.0, lean_extra: float = 10.0) -> np.ndarray:
    """Side view facing +x: ankle fixed, tibia tilts forward by half the knee flexion, trunk by tibia + extra."""
    t = np.arange(int(fps * (reps * 2.0 + 1.0))) / fps
    cyc = np.clip(t - 0.5, 0, reps * 2.0)
    theta = depth * (1 - np.cos(np.pi * cyc)) / 2          # 2 s per repetition
    beta = theta / 2
    gamma = beta + lean_extra * theta / depth
    ankle = const(500, 800, len(t))
    knee = polar(ankle, 220, 180 - beta)
    hip = polar(knee, 220, 180 - beta + theta)
    shoulder = polar(hip, 260, 180 - gamma)
    pts = {}
    for side, dx in (("left", -3), ("right", 3)):
        pts.update({f"{side}_ankle": ankle + [dx, 0], f"{side}_knee": knee + [dx, 0], f"{side}_hip": hip + [dx, 0],
                    f"{side}_shoulder": shoulder + [dx, 0], f"{side}_heel": ankle + [dx - 20, 10],
                    f"{side}_foot_index": ankle + [dx + 60, 10]})
    return figure(pts, len(t))


def test_it_counts_squat_reps_and_recovers_depth_and_trunk_lean():
    seq = squatter()
    m = by_name(squat.compute(seq, ctx_for(seq, 30.0, "sagittal"))[0])
    assert m["squat.reps"]["value"] == 3
    assert len(m["squat.reps"]["per_rep"]) == 3
    assert m["squat.depth"]["value"] == pytest.approx(100.0, abs=1.0)
    assert m["squat.trunk_tibia_difference"]["value"] == pytest.approx(10.0, abs=1.0)
    assert m["squat.heel_rise"]["value"] == pytest.approx(0.0, abs=1.0)


def bender(fps: float = 60.0) -> tuple[np.ndarray, dict[str, float]]:
    """Forward bend built with the uniform-arc trunk model and the Esola phase ratios 1.9 / 0.9 / 0.4."""
    ratios = {"early": 1.9, "middle": 0.9, "late": 0.4}
    s_knots, p_knots, l_knots = [0.0], [0.0], [0.0]
    for r in ratios.values():
        dp = 30.0 / (1 + r)
        s_knots.append(s_knots[-1] + 30.0)
        p_knots.append(p_knots[-1] + dp)
        l_knots.append(l_knots[-1] + 30.0 - dp)
    t = np.arange(int(fps * 8)) / fps
    s = np.interp(t, [0, 0.5, 3.5, 4.5, 7.5, 8], [0, 0, 90, 90, 0, 0])
    p, lum = np.interp(s, s_knots, p_knots), np.interp(s, s_knots, l_knots)
    hip = const(600, 600, len(t))
    arc = 260.0
    half = np.radians(lum / 2)
    chord = arc * np.where(half > 1e-9, np.sin(half) / np.where(half > 1e-9, half, 1), 1.0)
    shoulder = hip + np.stack([chord * np.sin(np.radians(p + lum / 2)), -chord * np.cos(np.radians(p + lum / 2))], 1)
    ear = shoulder + 70 * np.stack([np.sin(np.radians(p + lum)), -np.cos(np.radians(p + lum))], 1)
    pts = {}
    for side, dx in (("left", -2), ("right", 2)):
        pts.update({f"{side}_hip": hip + [dx, 0], f"{side}_shoulder": shoulder + [dx, 0], f"{side}_ear": ear + [dx, 0],
                    f"{side}_knee": hip + [dx, 220], f"{side}_ankle": hip + [dx, 440],
                    f"{side}_heel": hip + [dx - 20, 450], f"{side}_foot_index": hip + [dx + 60, 450]})
    return figure(pts, len(t)), ratios


def test_it_recovers_lumbar_to_hip_ratios_per_phase():
    seq, ratios = bender()
    m = by_name(forward_bend.compute(seq, ctx_for(seq, 60.0, "sagittal"))[0])
    for phase, r in ratios.items():
        assert m[f"forward_bend.ratio_{phase}"]["value"] == pytest.approx(r, abs=0.1), phase
    assert m["forward_bend.hip_flexion_proxy_peak"]["value"] == pytest.approx(10.34 + 15.79 + 21.43, abs=1.0)


def stander(fps: float = 30.0, drop_deg: float = 6.0) -> np.ndarray:
    """Front view, standing on the right leg from 1 s to 6 s with the left (lifted) side of the pelvis dropped."""
    t = np.arange(int(fps * 7)) / fps
    hold = (t >= 1.0) & (t < 6.0)
    hw = 100.0
    lift = np.where(hold, 80.0, 0.0)
    drop = np.where(hold, hw * np.tan(np.radians(drop_deg)), 0.0)
    pts = {"right_hip": const(450, 500, len(t)), "left_hip": const(550, 500, len(t)) + np.stack([0 * t, drop], 1),
           "right_ankle": const(450, 900, len(t)), "left_ankle": const(550, 900, len(t)) - np.stack([0 * t, lift], 1),
           "right_shoulder": const(440, 240, len(t)), "left_shoulder": const(560, 240, len(t))}
    pts["right_knee"], pts["left_knee"] = const(450, 700, len(t)), const(550, 700, len(t)) - np.stack([0 * t, lift], 1)
    return figure(pts, len(t))


def test_it_measures_single_leg_hold_time_and_pelvic_drop():
    seq = stander()
    m = by_name(single_leg_stance.compute(seq, ctx_for(seq, 30.0, "frontal"))[0])
    assert m["single_leg_stance.hold_time"]["value"] == pytest.approx(5.0, abs=0.05)
    assert m["single_leg_stance.hold_time"]["stance_side"] == "right"
    assert m["single_leg_stance.pelvic_drop"]["value"] == pytest.approx(6.0, abs=0.2)
    assert m["single_leg_stance.trunk_lean"]["value"] == pytest.approx(0.0, abs=0.5)
