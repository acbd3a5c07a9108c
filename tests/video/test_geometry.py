"""Pure-math tests: angles, FPPA sign, view detection, on synthetic points with known geometry."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from video_synth import polar, walker

from ptplan.video.skeleton import fppa, joint_flexion, segment_inclination, tilt
from ptplan.video.view import detect_view, facing_sign


@settings(max_examples=60, deadline=None)
@given(flex=st.floats(0, 170), rot=st.floats(-180, 180), scale=st.floats(5, 2000))
def test_it_recovers_joint_flexion_under_rotation_and_scale(flex, rot, scale):
    vertex = np.array([[500.0, 500.0]])
    a = polar(vertex, scale, np.array([rot + 180.0]))        # thigh points up from the knee
    c = polar(vertex, scale * 0.9, np.array([rot - flex]))  # shank turns by the flexion angle
    assert joint_flexion(a, vertex, c)[0] == pytest.approx(flex, abs=1e-4)


def test_it_measures_segment_inclination_and_tilt_with_signs():
    base = np.array([[0.0, 0.0]])
    up_right = np.array([[100.0, -100.0]])  # image y down: this point is up and to the right
    assert segment_inclination(base, up_right)[0] == pytest.approx(45.0)
    assert segment_inclination(base, np.array([[0.0, -50.0]]))[0] == pytest.approx(0.0)
    assert tilt(base, np.array([[100.0, -10.0]]))[0] == pytest.approx(np.degrees(np.arctan(0.1)))
    assert tilt(np.array([[100.0, -10.0]]), base)[0] == pytest.approx(np.degrees(np.arctan(0.1)))


@pytest.mark.parametrize("offset, sign", [(20.0, 1), (-20.0, -1)])
def test_it_signs_fppa_positive_when_the_knee_falls_inside(offset, sign):
    # left leg on image right of the midline (person faces the camera); midline at x = 400
    hip, ankle = np.array([[500.0, 300.0]]), np.array([[500.0, 700.0]])
    knee = np.array([[500.0 - offset, 500.0]])
    expected = np.degrees(2 * np.arctan(abs(offset) / 200.0))
    assert fppa(hip, knee, ankle, np.array([400.0]))[0] == pytest.approx(sign * expected, abs=1e-6)


def test_it_detects_sagittal_frontal_and_oblique_views():
    assert detect_view(walker())["view"] == "sagittal"
    assert detect_view(walker(frontal=True))["view"] == "frontal"
    seq = walker()
    for side, sgn in (("left", -1), ("right", 1)):
        for part in ("shoulder", "hip"):
            seq[:, _i(f"{side}_{part}"), 0] += sgn * 45  # 90 px apart over a 250 px trunk: ratio 0.36
    assert detect_view(seq)["view"] == "oblique"


def test_it_finds_which_way_the_person_faces():
    assert facing_sign(walker(direction=-1.0)) == -1.0
    assert facing_sign(walker(direction=1.0)) == 1.0


def _i(name: str) -> int:
    from ptplan.video.skeleton import landmark_index

    return landmark_index()[name]
