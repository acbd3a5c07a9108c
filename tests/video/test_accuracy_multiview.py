"""Accuracy of the single-leg-stance analysis on each of the four calibrated lab cameras, against a
3-D reference triangulated from all four (tests/video/reference3d.py; skipped without the video extra
or the shared clips).

The reference is built from MediaPipe's own 2-D landmarks (DLT from the cameras that see a landmark,
left/right labels made consistent across cameras), so it shares the pose model's placement biases:
the errors below measure what the view, the camera's roll, perspective and left/right swaps do to a
single-camera measure, not the pose model's own error. They are optimistic for that reason.

In the clip the person stands on the left leg while the right foot swings up and forward (right knee
bending to about 66°), leaning the trunk about 40° from the vertical, then steps forward onto it.
"""

from __future__ import annotations

import numpy as np
import pytest
import reference3d as r3
from reference3d import MULTIVIEW

from ptplan.video import orientation

pytestmark = pytest.mark.video

# Reprojection: the issue measured 9-15 px between the calibration's projection of a triangulated point
# and MediaPipe's landmark in each camera; 20 px leaves room for the lens-distortion model we apply.
REPROJECTION_PX = 20.0
# Hold window: the reference calls a foot lifted when its ankle is 8% of leg length above the other
# (the same cut-off as ptplan); a foot rises and lands over about 0.2 s, so where each method crosses
# its cut-off can differ by that much: 12 frames at 60 fps.
HOLD_FRAMES = 12
# Trunk lean (the target): within 8° on every camera, against the lean the camera can see (the
# reference's hip-shoulder line projected into the camera, against the projected world vertical).
TRUNK_DEG = 8.0
# Peak knee flexion (the target) within 6° where ptplan judged the view valid for it; 6° is about
# what a 35° obliquity (orientation.PLANE_MAX_DEG) takes off a 66° bend in the worst case (atan(tan 66° ·
# cos 35°) = 61.6°), plus a degree or two of triangulation noise.
KNEE_DEG = 6.0
# Roll: a person standing at ease leans a few degrees; 3° covers that on these clips.
ROLL_DEG = 3.0
# A camera counts as oblique for frontal-plane measures when the reference puts it 30° or more off the
# person's front or back (cam03 34°, cam04 38°).
OBLIQUE_YAW = 30.0


@pytest.fixture(scope="module")
def ref(multiview, data_dir):
    cams = r3.read_qca(data_dir / "multiview_calib.qca.txt")
    X, flips = r3.triangulate_consistent([cams[c] for c in MULTIVIEW], [multiview[c].raw for c in MULTIVIEW])
    leg = float(np.nanmedian(np.linalg.norm(r3.p3(X, "left_hip") - r3.p3(X, "left_ankle"), axis=1)))
    dz = (r3.ankle_height3d(X, "right") - r3.ankle_height3d(X, "left")) / leg
    lifted = np.flatnonzero(dz > 0.08)
    runs = np.split(lifted, np.flatnonzero(np.diff(lifted) > 1) + 1)
    hold = max(runs, key=len)
    frames = np.arange(hold[0], hold[-1] + 1)
    return {"cams": cams, "X": X, "flips": flips, "hold": (int(hold[0]), int(hold[-1]) + 1), "frames": frames,
            "knee_peak": float(np.nanmax(r3.flexion3d(X, "right_hip", "right_knee", "right_ankle")[frames])),
            "pelvis": float(np.nanpercentile(r3.pelvic_obliquity3d(X, "right")[frames], 95))}


@pytest.fixture(scope="module")
def results(multiview):
    from ptplan.video.analyze import measure_tracked

    return {c: measure_tracked(multiview[c], "single_leg_stance").result for c in MULTIVIEW}


def _m(result: dict, name: str) -> dict:
    return next(m for m in result["measures"] if m["name"] == f"single_leg_stance.{name}")


def test_the_calibration_reprojects_onto_every_cameras_landmarks(ref, multiview):
    for c in MULTIVIEW:
        assert r3.reprojection_px(ref["cams"][c], ref["X"], multiview[c].raw) < REPROJECTION_PX, c
    # the camera directions docs/video.md states, from the reference: cam01 front (person's right),
    # cam02 front-left, cam03 back-left, cam04 back-right
    az = {c: r3.camera_azimuth(ref["cams"][c], ref["X"]) for c in MULTIVIEW}
    assert -45 < az["cam01"] < 0 < az["cam02"] < 45
    assert 90 < az["cam03"] < 180 and -180 < az["cam04"] < -90


def test_the_reference_is_a_left_leg_stance_with_the_right_knee_bending(ref):
    assert ref["hold"][1] - ref["hold"][0] > 40  # over 0.67 s on one leg
    assert 50 < ref["knee_peak"] < 80
    assert ref["pelvis"] < 0  # the lifted (right) side sits higher, it does not drop


def test_stance_side_and_hold_window_match_on_every_camera(ref, results):
    for c, r in results.items():
        hold = _m(r, "hold_time")
        assert hold["stance_side"] == "left", c
        start, stop = r["events"]["hold"]
        assert abs(start - ref["hold"][0]) <= HOLD_FRAMES, (c, start, ref["hold"])
        assert abs(stop - ref["hold"][1]) <= HOLD_FRAMES, (c, stop, ref["hold"])


def test_the_swap_on_the_front_camera_is_found_and_repaired(ref, results):
    truth = set(ref["flips"]["cam02"]["legs"])
    assert len(truth) > 15  # MediaPipe swaps left and right on cam02 for over 15 frames
    found = {f for a, b in results["cam02"]["identity"]["swapped"]["legs"] for f in range(a, b + 1)}
    assert len(truth & found) >= 0.8 * len(truth)
    assert len(found - truth) <= 0.2 * len(truth)
    for c in ("cam01", "cam03", "cam04"):  # the reference saw no swap there, and ptplan repaired none
        assert not ref["flips"][c]["legs"] and not results[c]["identity"]["swapped"]["legs"], c


def test_pelvic_drop_has_the_reference_sign_wherever_it_is_reported(results):
    reported = {c: _m(r, "pelvic_drop")["value"] for c, r in results.items() if _m(r, "pelvic_drop")["value"] is not None}
    assert reported, "pelvic drop was withheld on every camera"
    assert all(v < 0 for v in reported.values()), reported
    for r in results.values():
        assert "hip_abductor_weakness" not in {f["finding"] for f in r["findings"]}


def test_trunk_lean_is_within_8_degrees_on_every_camera(ref, results):
    for c, r in results.items():
        seen = float(np.nanpercentile(r3.apparent_lean(ref["cams"][c], ref["X"])[ref["frames"]], 95))
        value = _m(r, "trunk_lean")["value"]
        assert value is not None and abs(value - seen) <= TRUNK_DEG, (c, value, seen)


def test_the_roll_estimate_matches_the_calibration(ref, results):
    for c, r in results.items():
        truth = r3.image_roll(ref["cams"][c], ref["X"])
        assert r["roll"]["roll_deg"] is not None and abs(r["roll"]["roll_deg"] - truth) <= ROLL_DEG, (c, r["roll"], truth)
    assert results["cam04"]["roll"]["status"] == "corrected"  # rolled about 26°: corrected, with a warning
    assert "roll_corrected" in {w["code"] for w in results["cam04"]["warnings"]}


def test_peak_knee_flexion_is_within_6_degrees_where_the_view_is_valid_and_withheld_elsewhere(ref, results):
    reported = 0
    for c, r in results.items():
        m = _m(r, "lifted_knee_flexion_peak")
        assert m["side"] == "right", c
        if m["value"] is None:
            assert m["withheld"] == "view", c
            assert any(w["measure"] == m["name"] for w in r["warnings"]), c
        else:
            reported += 1
            assert m["quality"]["plane_obliquity_deg"] <= orientation.PLANE_MAX_DEG
            assert abs(m["value"] - ref["knee_peak"]) <= KNEE_DEG, (c, m["value"], ref["knee_peak"])
    assert reported >= 1


def test_valgus_is_withheld_on_the_oblique_cameras(ref, results):
    oblique = [c for c in MULTIVIEW if r3.body_yaw3d(ref["cams"][c], ref["X"]) >= OBLIQUE_YAW]
    assert oblique, "no camera is oblique by the reference"
    for c in oblique:
        m = _m(results[c], "stance_knee_fppa")
        assert m["value"] is None and m["withheld"] == "view", (c, m["value"])
        assert results[c]["view"]["yaw_deg"] > orientation.FRONTAL_MAX_DEG
