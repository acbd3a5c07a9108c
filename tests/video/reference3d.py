"""A 3-D reference for the multiview clips: the shared Qualisys calibration, DLT triangulation of
MediaPipe's 2-D landmarks from the cameras that see them, and the same measures taken in 3-D.

Calibration (``multiview_calib.qca.txt``): each camera's ``transform`` is its pose in the world
(rotation r11..r33 whose rows are the camera axes in world coordinates, position x, y, z in mm);
``intrinsic`` holds focal lengths and principal point in 1/64 pixel plus radial/tangential distortion.
The Qualisys camera looks along its -z axis with y up, so the OpenCV camera (z forward, y down) is
that frame turned 180° about x. World z is vertical (up). :func:`reprojection_px` checks all of this
against the landmarks themselves.

The reference shares MediaPipe's own landmark biases (it is triangulated from the same detections),
so errors against it are optimistic: they measure projection, view, roll and identity effects, not
the pose model's placement error.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ptplan.video.skeleton import landmark_index

MULTIVIEW = ("cam01", "cam02", "cam03", "cam04")
MIN_VIS = 0.5      # a camera's landmark takes part in triangulation at this visibility or more
FLIP = np.diag([1.0, -1.0, -1.0])


@dataclass(frozen=True)
class Camera:
    name: str
    K: np.ndarray          # 3x3 intrinsics, pixels
    dist: np.ndarray       # k1, k2, p1, p2, k3 (OpenCV order)
    R: np.ndarray          # world -> OpenCV camera
    t: np.ndarray          # mm
    centre: np.ndarray     # camera position in the world, mm

    @property
    def P(self) -> np.ndarray:
        return self.K @ np.hstack([self.R, self.t[:, None]])

    def project(self, X: np.ndarray) -> np.ndarray:
        """(..., 3) world mm -> (..., 2) undistorted pixels."""
        x = X @ self.R.T + self.t
        uv = x[..., :2] / x[..., 2:3]
        return uv @ self.K[:2, :2].T + self.K[:2, 2]

    def undistort(self, uv: np.ndarray) -> np.ndarray:
        """(n, 2) distorted pixels -> undistorted pixels (same K)."""
        import cv2

        pts = np.asarray(uv, dtype=np.float64).reshape(-1, 1, 2)
        return cv2.undistortPoints(pts, self.K, self.dist, P=self.K).reshape(-1, 2)


def read_qca(path: Path) -> dict[str, Camera]:
    out = {}
    for cam in ET.parse(path).getroot().iter("camera"):
        tr, it = cam.find("transform").attrib, cam.find("intrinsic").attrib
        rot = np.array([[float(tr[f"r{i}{j}"]) for j in (1, 2, 3)] for i in (1, 2, 3)])
        pos = np.array([float(tr[k]) for k in ("x", "y", "z")])
        R = FLIP @ rot
        K = np.array([[float(it["focalLengthU"]) / 64, 0, float(it["centerPointU"]) / 64],
                      [0, float(it["focalLengthV"]) / 64, float(it["centerPointV"]) / 64], [0, 0, 1]])
        dist = np.array([float(it["radialDistortion1"]), float(it["radialDistortion2"]),
                         float(it["tangentalDistortion1"]), float(it["tangentalDistortion2"]),
                         float(it["radialDistortion3"])])
        out[cam.attrib["serial"]] = Camera(cam.attrib["serial"], K, dist, R, -R @ pos, pos)
    return out


def triangulate(cams: list[Camera], views: list[np.ndarray]) -> np.ndarray:
    """(frames, 33, 3) world mm by linear DLT from every camera whose landmark is visible (>= 2 needed).

    ``views`` are the per-camera (frames, 33, 3) MediaPipe sequences (x, y pixels, visibility).
    """
    n = min(v.shape[0] for v in views)
    und = [c.undistort(v[:n, :, :2].reshape(-1, 2)).reshape(n, -1, 2) for c, v in zip(cams, views, strict=True)]
    out = np.full((n, views[0].shape[1], 3), np.nan)
    for f in range(n):
        for j in range(views[0].shape[1]):
            rows = []
            for c, v, u in zip(cams, views, und, strict=True):
                if np.isfinite(v[f, j, 0]) and v[f, j, 2] >= MIN_VIS:
                    P, (x, y) = c.P, u[f, j]
                    rows += [x * P[2] - P[0], y * P[2] - P[1]]
            if len(rows) >= 4:
                _, _, vt = np.linalg.svd(np.array(rows))
                X = vt[-1]
                out[f, j] = X[:3] / X[3]
    return out


#: left/right pairs MediaPipe can swap as a block: the legs below the hip, and the rest of the body
LEG_PARTS = ("knee", "ankle", "heel", "foot_index")


def pairs(group: str) -> list[tuple[int, int]]:
    idx = landmark_index()
    out = []
    for name, i in idx.items():
        if name.startswith("left_"):
            part = name[5:]
            if (part in LEG_PARTS) == (group == "legs"):
                out.append((i, idx["right_" + part]))
    return out


def swapped(seq: np.ndarray, group: str) -> np.ndarray:
    out = seq.copy()
    for a, b in pairs(group):
        out[..., [a, b], :] = seq[..., [b, a], :]
    return out


def _dlt(Ps: list[np.ndarray], uvs: list[np.ndarray]) -> tuple[np.ndarray, float]:
    rows = []
    for P, (x, y) in zip(Ps, uvs, strict=True):
        rows += [x * P[2] - P[0], y * P[2] - P[1]]
    _, _, vt = np.linalg.svd(np.array(rows))
    X = vt[-1][:3] / vt[-1][3]
    err = 0.0
    for P, uv in zip(Ps, uvs, strict=True):
        h = P @ np.append(X, 1.0)
        err += float(np.linalg.norm(h[:2] / h[2] - uv))
    return X, err


def triangulate_consistent(cams: list[Camera], views: list[np.ndarray]) -> tuple[np.ndarray, dict]:
    """Like :func:`triangulate`, but on each frame each camera's left/right labels (legs, upper body) are
    taken swapped or not, whichever makes the cameras agree best (least reprojection error); the one
    labelling left open (all cameras swapped together) is settled by anatomy: each knee nearest its own
    hip, and the face in front of the chest. Returns the reference and, per camera, the frames whose
    labels it swapped."""
    n = min(v.shape[0] for v in views)
    und = [np.concatenate([c.undistort(v[:n, :, :2].reshape(-1, 2)).reshape(n, -1, 2), v[:n, :, 2:3]], axis=2)
           for c, v in zip(cams, views, strict=True)]
    Ps = [c.P for c in cams]
    fixed = [u.copy() for u in und]
    flips = {c.name: {"legs": [], "upper": []} for c in cams}
    for f in range(n):
        for group in ("upper", "legs"):
            best = None
            for combo in range(2 ** len(cams)):
                err, cnt = 0.0, 0
                for a, b in pairs(group):
                    for j in (a, b):
                        Pj, uvj = [], []
                        for k, u in enumerate(fixed):
                            jj = (b if j == a else a) if combo >> k & 1 else j
                            if np.isfinite(u[f, jj, 0]) and u[f, jj, 2] >= MIN_VIS:
                                Pj.append(Ps[k])
                                uvj.append(u[f, jj, :2])
                        if len(Pj) >= 2:
                            err += _dlt(Pj, uvj)[1]
                            cnt += len(Pj)
                score = err / max(cnt, 1)
                if best is None or score < best[0] - 1e-9:
                    best = (score, combo)
            for k in range(len(cams)):
                if best[1] >> k & 1:
                    fixed[k][f] = swapped(fixed[k][f], group)
    X = _triangulate_undistorted(Ps, fixed)
    # settle the labelling all cameras share by anatomy
    for f in range(n):
        lk, rk = X[f, landmark_index()["left_knee"]], X[f, landmark_index()["right_knee"]]
        lh, rh = X[f, landmark_index()["left_hip"]], X[f, landmark_index()["right_hip"]]
        if np.linalg.norm(lk - lh) + np.linalg.norm(rk - rh) > np.linalg.norm(lk - rh) + np.linalg.norm(rk - lh):
            X[f] = swapped(X[f], "legs")
            for u in fixed:
                u[f] = swapped(u[f], "legs")
    fwd = facing3d(X)
    nose = X[:, landmark_index()["nose"], :2] - p3(X, "mid_shoulder")[:, :2]
    for f in np.flatnonzero(np.sum(fwd * nose, axis=1) < 0):
        X[f] = swapped(X[f], "upper")
        for u in fixed:
            u[f] = swapped(u[f], "upper")
    for c, u, v in zip(cams, fixed, und, strict=True):
        for group in ("legs", "upper"):
            a = pairs(group)[0][0]
            flips[c.name][group] = [int(f) for f in range(n)
                                    if np.isfinite(v[f, a, 0]) and not np.allclose(u[f, a, :2], v[f, a, :2])]
    return X, flips


def _triangulate_undistorted(Ps: list[np.ndarray], und: list[np.ndarray]) -> np.ndarray:
    n, m = und[0].shape[:2]
    out = np.full((n, m, 3), np.nan)
    for f in range(n):
        for j in range(m):
            sel = [(P, u[f, j, :2]) for P, u in zip(Ps, und, strict=True)
                   if np.isfinite(u[f, j, 0]) and u[f, j, 2] >= MIN_VIS]
            if len(sel) >= 2:
                out[f, j] = _dlt([s[0] for s in sel], [s[1] for s in sel])[0]
    return out


def reprojection_px(cam: Camera, X: np.ndarray, seq: np.ndarray) -> float:
    """Median distance (px) between the reference projected into ``cam`` and its own visible landmarks."""
    n = min(len(X), len(seq))
    ok = np.isfinite(X[:n, :, 0]) & np.isfinite(seq[:n, :, 0]) & (seq[:n, :, 2] >= MIN_VIS)
    und = cam.undistort(seq[:n, :, :2].reshape(-1, 2)).reshape(n, -1, 2)
    d = np.linalg.norm(cam.project(X[:n]) - und, axis=-1)
    return float(np.median(d[ok]))


def p3(X: np.ndarray, name: str) -> np.ndarray:
    if name.startswith("mid_"):
        part = name[4:]
        return (p3(X, f"left_{part}") + p3(X, f"right_{part}")) / 2
    return X[:, landmark_index()[name]]


def flexion3d(X: np.ndarray, a: str, b: str, c: str) -> np.ndarray:
    v1, v2 = p3(X, a) - p3(X, b), p3(X, c) - p3(X, b)
    cos = np.sum(v1 * v2, axis=-1) / (np.linalg.norm(v1, axis=-1) * np.linalg.norm(v2, axis=-1))
    return 180.0 - np.degrees(np.arccos(np.clip(cos, -1, 1)))


def trunk_lean3d(X: np.ndarray) -> np.ndarray:
    """Angle of the hip-to-shoulder line against the world vertical, degrees (any direction)."""
    d = p3(X, "mid_shoulder") - p3(X, "mid_hip")
    return np.degrees(np.arctan2(np.linalg.norm(d[:, :2], axis=1), d[:, 2]))


def ankle_height3d(X: np.ndarray, side: str) -> np.ndarray:
    return p3(X, f"{side}_ankle")[:, 2]


def pelvic_obliquity3d(X: np.ndarray, lifted: str) -> np.ndarray:
    """Degrees the lifted side's hip sits below the stance side's (positive = dropped), world vertical."""
    stance = "left" if lifted == "right" else "right"
    d = p3(X, f"{lifted}_hip") - p3(X, f"{stance}_hip")
    return np.degrees(np.arctan2(-d[:, 2], np.linalg.norm(d[:, :2], axis=1)))


def facing3d(X: np.ndarray) -> np.ndarray:
    """(frames, 2) horizontal unit vector the subject faces: the hips' left->right line turned by 90°.

    The person's right-to-left vector crossed with up points forward."""
    lr = p3(X, "left_hip") - p3(X, "right_hip")
    fwd = np.cross(lr, [0.0, 0.0, 1.0])
    fwd = fwd[:, :2]
    return fwd / np.linalg.norm(fwd, axis=1, keepdims=True)


def camera_azimuth(cam: Camera, X: np.ndarray) -> float:
    """Degrees between the subject's facing direction and the direction to the camera (0 = camera in
    front, 180 behind, +90 on the subject's left, -90 on the right), median over frames."""
    f = facing3d(X)
    to_cam = cam.centre[None, :2] - p3(X, "mid_hip")[:, :2]
    ang = np.degrees(np.arctan2(f[:, 0] * to_cam[:, 1] - f[:, 1] * to_cam[:, 0], np.sum(f * to_cam, axis=1)))
    return float(np.nanmedian(ang))


def image_roll(cam: Camera, X: np.ndarray) -> float:
    """Degrees the world's vertical through the subject's hips leans from the image vertical (towards
    image right, y up): the roll a level-seeking estimate should find."""
    hip = p3(X, "mid_hip")
    ok = np.isfinite(hip).all(axis=1)
    a, b = cam.project(hip[ok]), cam.project(hip[ok] + [0.0, 0.0, 500.0])
    d = b - a
    return float(np.degrees(np.median(np.arctan2(d[:, 0], -d[:, 1]))))


def plane_obliquity3d(cam: Camera, X: np.ndarray, a: str, b: str, c: str) -> np.ndarray:
    """(frames,) degrees between the plane a-b-c and the camera's image plane (0 = facing the bend)."""
    n = np.cross(p3(X, a) - p3(X, b), p3(X, c) - p3(X, b))
    ray = p3(X, b) - cam.centre
    cos = np.abs(np.sum(n * ray, axis=1)) / (np.linalg.norm(n, axis=1) * np.linalg.norm(ray, axis=1))
    return np.degrees(np.arccos(np.clip(cos, 0, 1)))


def body_yaw3d(cam: Camera, X: np.ndarray) -> float:
    """Degrees 0..90 between the hip line and the camera's image plane, median (0 = front or back view)."""
    d = p3(X, "left_hip") - p3(X, "right_hip")
    ray = p3(X, "mid_hip") - cam.centre
    d[:, 2], ray[:, 2] = 0, 0
    cos = np.abs(np.sum(d * ray, axis=1)) / (np.linalg.norm(d, axis=1) * np.linalg.norm(ray, axis=1))
    return float(np.nanmedian(90.0 - np.degrees(np.arccos(np.clip(cos, 0, 1)))))


def apparent_lean(cam: Camera, X: np.ndarray) -> np.ndarray:
    """(frames,) trunk lean as a perfect landmark set would show it in this camera once its roll is taken
    out: the angle in the image between the projected hip->shoulder line and the projected world
    vertical through the hips (unsigned)."""
    hip, sh = p3(X, "mid_hip"), p3(X, "mid_shoulder")
    a, b, v = cam.project(hip), cam.project(sh), cam.project(hip + [0.0, 0.0, 500.0])
    t, u = b - a, v - a
    cos = np.sum(t * u, axis=1) / (np.linalg.norm(t, axis=1) * np.linalg.norm(u, axis=1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))
