"""Where the camera stands relative to the world and the person: roll and obliquity.

**Roll.** Angles such as trunk lean and pelvic drop are read against the vertical, but the image's
vertical is the world's only when the camera is level. The roll is estimated from the standing
frames — knees straight and the body in one line, where the line from the ankles' midpoint to the
shoulders' midpoint is the body's vertical; the first such run of at least MIN_STANDING_S, since a
task starts from standing and a later bend seen edge-on can pass for standing — as the median angle
of that line against the image vertical. (The video's rotation metadata is applied by the decoder
before this; the floor line was not used: in an oblique view the line through both feet is not level
in the image even with a level camera.) The sequence is then turned by the opposite angle, so that the measures read against the
world. A person standing at ease leans a few degrees, so the estimate carries that much error.
A roll beyond ROLL_WARN_DEG is corrected with a warning; beyond ROLL_MAX_DEG (or with no standing
frames to estimate it from) the measures that read the vertical are withheld or flagged.

**Obliquity.** MediaPipe also estimates each landmark in 3-D (metres, camera-aligned). From it:
the body's yaw — the angle of the hip and shoulder lines against the image plane (0° = the camera
sees the person from the front or back, 90° = from the side) — and, for a bending knee, the
angle between its hip–knee–ankle plane and the image plane (0° = the camera faces the bend).
A frontal measure is valid up to FRONTAL_MAX_DEG of yaw; a sagittal angle up to PLANE_MAX_DEG of
its own plane's obliquity. These 3-D estimates come from one camera and are coarse, so the limits
are wide margins, not fine cut-offs.
"""

from __future__ import annotations

import numpy as np

from ptplan.video.skeleton import joint_flexion, landmark_index, point, segment_inclination

STANDING_KNEE_MAX = 40.0   # deg (2-D): a straight knee seen obliquely reads up to ~35° in the lab clips
BODY_LINE_MAX = 10.0       # deg: ankles-hips and hips-shoulders lines agree within this
MIN_STANDING_S = 0.15
ROLL_WARN_DEG = 5.0
ROLL_MAX_DEG = 30.0
FRONTAL_MAX_DEG = 35.0     # body yaw for frontal-plane measures (FPPA, pelvic drop, lateral lean)
SAGITTAL_MIN_DEG = 55.0    # body yaw for sagittal measures read off the whole body (forward trunk lean)
PLANE_MAX_DEG = 35.0       # a joint's bending plane against the image plane, for its flexion angle
MIN_BEND_DEG = 20.0        # below this the bending plane is undefined


def _mid(seq: np.ndarray, part: str) -> np.ndarray:
    return (point(seq, f"left_{part}") + point(seq, f"right_{part}")) / 2


def standing_frames(seq: np.ndarray) -> np.ndarray:
    knees = [joint_flexion(point(seq, f"{s}_hip"), point(seq, f"{s}_knee"), point(seq, f"{s}_ankle"))
             for s in ("left", "right")]
    legs = segment_inclination(_mid(seq, "ankle"), _mid(seq, "hip"))
    trunk = segment_inclination(_mid(seq, "hip"), _mid(seq, "shoulder"))
    ok = (knees[0] < STANDING_KNEE_MAX) & (knees[1] < STANDING_KNEE_MAX) & (np.abs(legs - trunk) < BODY_LINE_MAX)
    return np.flatnonzero(np.nan_to_num(ok, nan=0).astype(bool))


def quiet_standing(seq: np.ndarray, fps: float) -> np.ndarray:
    """The first unbroken run of standing frames lasting MIN_STANDING_S (a recorded task starts from
    standing; later "standing" frames can be a bend seen edge-on), else every standing frame."""
    frames = standing_frames(seq)
    if frames.size == 0:
        return frames
    breaks = np.flatnonzero(np.diff(frames) > 1)
    for run in np.split(frames, breaks + 1):
        if run.size >= MIN_STANDING_S * fps:
            return run
    return frames


def estimate_roll(seq: np.ndarray, fps: float) -> dict:
    """{"roll_deg": clockwise roll of the camera in degrees or None, "frames": standing frames used,
    "status": "level" | "corrected" | "too_large" | "unknown"}."""
    frames = quiet_standing(seq, fps)
    if frames.size < max(2, MIN_STANDING_S * fps):
        return {"roll_deg": None, "frames": int(frames.size), "status": "unknown", "method": "standing_body_line"}
    body = segment_inclination(_mid(seq, "ankle")[frames], _mid(seq, "shoulder")[frames])
    roll = float(np.median(body))
    status = "level" if abs(roll) <= ROLL_WARN_DEG else "corrected" if abs(roll) <= ROLL_MAX_DEG else "too_large"
    return {"roll_deg": round(roll, 1), "frames": int(frames.size), "status": status, "method": "standing_body_line"}


def unroll(seq: np.ndarray, roll_deg: float | None, size: tuple[int, int]) -> np.ndarray:
    """The sequence turned about the image centre so that the estimated body vertical is vertical."""
    if not roll_deg:
        return seq.copy()
    t = np.radians(roll_deg)  # the body line leans roll_deg towards image right (y up): turn it back
    c, s = np.cos(t), np.sin(t)
    cx, cy = size[0] / 2, size[1] / 2
    x, y = seq[..., 0] - cx, -(seq[..., 1] - cy)  # y up
    out = seq.copy()
    out[..., 0] = c * x - s * y + cx
    out[..., 1] = -(s * x + c * y) + cy
    return out


def body_yaw(world: np.ndarray) -> np.ndarray:
    """(frames,) degrees 0..90 between the person's hip/shoulder lines and the image plane."""
    idx = landmark_index()
    out = []
    for part in ("hip", "shoulder"):
        d = world[:, idx[f"left_{part}"]] - world[:, idx[f"right_{part}"]]
        out.append(np.degrees(np.arctan2(np.abs(d[:, 2]), np.abs(d[:, 0]))))
    stacked = np.vstack(out)
    counts = np.isfinite(stacked).sum(axis=0)
    return np.where(counts > 0, np.nansum(stacked, axis=0) / np.maximum(counts, 1), np.nan)


def plane_obliquity(world: np.ndarray, a: str, b: str, c: str) -> np.ndarray:
    """(frames,) degrees between the plane a-b-c and the image plane; NaN where the joint is nearly straight."""
    idx = landmark_index()
    pa, pb, pc = world[:, idx[a]], world[:, idx[b]], world[:, idx[c]]
    n = np.cross(pa - pb, pc - pb)
    norm = np.linalg.norm(n, axis=1)
    bend = joint_flexion(pa, pb, pc)
    with np.errstate(invalid="ignore", divide="ignore"):
        ang = np.degrees(np.arccos(np.clip(np.abs(n[:, 2]) / norm, 0, 1)))
    return np.where(bend >= MIN_BEND_DEG, ang, np.nan)


def view_summary(world: np.ndarray, valid: np.ndarray) -> dict:
    """Body yaw over the tracked frames: median and the frontal/sagittal validity it implies."""
    yaw = body_yaw(world)
    yaw = np.where(valid, yaw, np.nan)
    if not np.isfinite(yaw).any():
        return {"yaw_deg": None, "frontal_valid": False, "sagittal_valid": False}
    med = float(np.nanmedian(yaw))
    return {"yaw_deg": round(med, 1), "frontal_valid": med <= FRONTAL_MAX_DEG, "sagittal_valid": med >= SAGITTAL_MIN_DEG}
