"""Find the subject among the people in a clip and keep the pose tracker on them.

MediaPipe pose tracks one person and sticks to whoever it found first. Clinic clips contain other
people, so ptplan (1) discovers everyone on sampled frames by detecting, masking the person found and
detecting again, (2) links those sightings into identities and picks the subject (user box, else the
largest and most central over time), and (3) tracks frame by frame inside a crop around the
subject's last box with other people painted out. A sudden jump of the torso centre or scale marks
the frame as an identity jump: the landmarks are dropped, never mixed into a measure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ptplan.video.skeleton import landmark_index, load_data

MAX_PEOPLE = 3
MIN_VIS = 0.3


def bbox(lm: np.ndarray) -> np.ndarray:
    """(x0, y0, x1, y1) of the visible landmarks (all of them when too few are visible)."""
    pts = lm[lm[:, 2] >= MIN_VIS, :2]
    if len(pts) < 8:
        pts = lm[:, :2]
    return np.array([pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max()])


def torso(lm: np.ndarray) -> tuple[np.ndarray, float]:
    """Torso centre (x, y) and torso length (shoulder midpoint to hip midpoint), pixels."""
    idx = landmark_index()
    sh = (lm[idx["left_shoulder"], :2] + lm[idx["right_shoulder"], :2]) / 2
    hp = (lm[idx["left_hip"], :2] + lm[idx["right_hip"], :2]) / 2
    return (sh + hp) / 2, float(np.linalg.norm(sh - hp))


def torso_visibility(lm: np.ndarray) -> float:
    idx = landmark_index()
    return float(np.mean([lm[idx[n], 2] for n in load_data("skeleton")["torso"]]))


def iou(a: np.ndarray, b: np.ndarray) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def mask_box(rgb: np.ndarray, box: np.ndarray, grow: float = 0.15) -> np.ndarray:
    """A copy of the image with the (grown) box painted mid-grey, so the detector looks elsewhere."""
    out = rgb.copy()
    h, w = rgb.shape[:2]
    bw, bh = box[2] - box[0], box[3] - box[1]
    x0, y0 = int(max(0, box[0] - grow * bw)), int(max(0, box[1] - grow * bh))
    x1, y1 = int(min(w, box[2] + grow * bw)), int(min(h, box[3] + grow * bh))
    out[y0:y1, x0:x1] = 127
    return out


def people_in(rgb: np.ndarray, detector) -> list[np.ndarray]:
    """Boxes of up to MAX_PEOPLE people: detect, paint the person out, detect again."""
    boxes: list[np.ndarray] = []
    img = rgb
    for _ in range(MAX_PEOPLE):
        lm = detector.estimate(img)
        if lm is None or torso_visibility(lm) < 0.5:
            break
        b = bbox(lm)
        if any(iou(b, o) > 0.3 for o in boxes):
            break
        boxes.append(b)
        img = mask_box(img, b)
    return boxes


@dataclass
class Identity:
    """One person seen on sampled frames: frame index -> box."""

    boxes: dict[int, np.ndarray] = field(default_factory=dict)

    def last(self) -> tuple[int, np.ndarray]:
        f = max(self.boxes)
        return f, self.boxes[f]

    def box_at(self, frame: int, fps: float, reach_s: float = 0.5) -> np.ndarray | None:
        """Box interpolated between sightings; held for ``reach_s`` beyond the first/last sighting."""
        fr = np.array(sorted(self.boxes))
        if frame < fr[0] - reach_s * fps or frame > fr[-1] + reach_s * fps:
            return None
        arr = np.array([self.boxes[f] for f in fr])
        return np.array([np.interp(frame, fr, arr[:, k]) for k in range(4)])


def _centre(b: np.ndarray) -> np.ndarray:
    return np.array([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2])


def _height(b: np.ndarray) -> float:
    return float(max(b[3] - b[1], b[2] - b[0], 1.0))


def link(sightings: list[tuple[int, list[np.ndarray]]], fps: float) -> list[Identity]:
    """Link per-frame boxes into identities: optimal assignment on centre distance (in heights) plus
    scale change, gated by how far a person can walk in the time between sightings."""
    from scipy.optimize import linear_sum_assignment

    ids: list[Identity] = []
    for frame, boxes in sightings:
        cost = np.full((len(boxes), max(len(ids), 1)), 1e6)
        for r, b in enumerate(boxes):
            for k, ident in enumerate(ids):
                f0, b0 = ident.last()
                dt = max((frame - f0) / fps, 1 / fps)
                # people walk across the image, not up it: a vertical shift counts three times
                d = np.linalg.norm((_centre(b) - _centre(b0)) * [1.0, 3.0]) / _height(b0)
                ratio = _height(b) / _height(b0)
                if d <= 0.3 + 1.2 * dt and 0.6 <= ratio <= 1.6 and dt <= 2.5:
                    cost[r, k] = d + abs(np.log(ratio))
        rows, cols = linear_sum_assignment(cost) if ids else ([], [])
        matched = {r: c for r, c in zip(rows, cols, strict=True) if cost[r, c] < 1e6}
        for r, b in enumerate(boxes):
            if r in matched:
                ids[matched[r]].boxes[frame] = b
            else:
                ids.append(Identity({frame: b}))
    return ids


def choose_subject(ids: list[Identity], width: int, height: int, user_box: np.ndarray | None = None,
                   prefer_moving: bool = False) -> int | None:
    """Index of the subject: best overlap with the user's box; else the largest and most central person,
    seen most often; for walking tasks, travelling across the frame counts most (bystanders stand)."""
    if not ids:
        return None
    if user_box is not None:
        scores = [max(iou(user_box, b) for b in i.boxes.values()) for i in ids]
        return int(np.argmax(scores)) if max(scores) > 0.1 else None
    most = max(len(i.boxes) for i in ids)
    scores = []
    for ident in ids:
        boxes = np.array(list(ident.boxes.values()))
        heights = np.maximum(boxes[:, 3] - boxes[:, 1], 1.0)
        centres = (boxes[:, :2] + boxes[:, 2:]) / 2
        off = np.linalg.norm((centres - [width / 2, height / 2]) / [width, height], axis=1)
        score = np.percentile(heights, 90) / height * float(np.mean(1.0 - off)) * np.sqrt(len(boxes) / most)
        if prefer_moving:
            score *= 1.0 + np.ptp(centres[:, 0]) / np.median(heights)
        scores.append(score)
    return int(np.argmax(scores))


@dataclass
class TrackState:
    last_frame: int = -10**9
    last_centre: np.ndarray | None = None
    last_size: float = 0.0
    box: np.ndarray | None = None
    crop_side: float = 0.0


@dataclass
class FrameResult:
    status: str                     # ok | absent | lost | jump
    landmarks: np.ndarray | None    # (33, 3) in frame pixels when ok
    box: np.ndarray | None          # subject box used for the crop (frame pixels)
    world: np.ndarray | None = None  # (33, 3) the model's 3-D estimate in metres when ok (see backends)


class SubjectTracker:
    """Frame-by-frame pose of one subject inside a crop around their last box."""

    CROP_GROW = 1.5        # crop side = 1.5 x the larger side of the subject's box
    JUMP_BASE = 0.5        # torso lengths the torso centre may move between consecutive frames
    JUMP_PER_S = 4.0       # ... plus this many torso lengths per second of gap
    SCALE_RANGE = (0.7, 1.4)
    HOLD_S = 0.5           # keep using the last own box this long after losing the subject
    RETRY_AFTER = 6        # after this many misses in a row ...
    RETRY_EVERY = 3        # ... run the model on every 3rd frame only

    def __init__(self, backend, subject: Identity | None, others: list[Identity], fps: float, size: tuple[int, int]):
        self.backend, self.subject, self.others, self.fps = backend, subject, others, fps
        self.w, self.h = size
        self.st = TrackState()
        self.misses = 0  # consecutive frames without the subject

    def expected_box(self, i: int) -> np.ndarray | None:
        if self.st.box is not None and (i - self.st.last_frame) / self.fps <= self.HOLD_S:
            return self.st.box
        return self.subject.box_at(i, self.fps) if self.subject is not None else None

    def step(self, i: int, rgb: np.ndarray) -> FrameResult:
        box = self.expected_box(i)
        if box is None:
            return FrameResult("absent", None, None)
        if self.misses >= self.RETRY_AFTER and i % self.RETRY_EVERY:
            self.misses += 1  # long out of sight (e.g. leaving the frame): look again only every few frames
            return FrameResult("lost", None, box)
        x0, y0, crop = self._crop(i, rgb, box)
        lm = self.backend.estimate(crop)
        if lm is None or torso_visibility(lm) < 0.5:
            self.misses += 1
            return FrameResult("lost", None, box)
        lm[:, 0] += x0
        lm[:, 1] += y0
        verdict = self._consistent(i, lm, box)
        if verdict != "ok":
            self.misses += 1
            self.backend.reset()
            self.st.crop_side = 0.0
            return FrameResult(verdict, None, box)
        c, s = torso(lm)
        self.misses = 0
        self.st = TrackState(i, c, s, bbox(lm), self.st.crop_side)
        return FrameResult("ok", lm, self.st.box, getattr(self.backend, "world", None))

    def _consistent(self, i: int, lm: np.ndarray, box: np.ndarray) -> str:
        """"ok"; "jump" when it contradicts the recent own track; "lost" when it is off the expected box."""
        c, s = torso(lm)
        if self.st.last_centre is not None and (i - self.st.last_frame) / self.fps <= self.HOLD_S:
            gap = (i - self.st.last_frame) / self.fps
            moved = np.linalg.norm(c - self.st.last_centre) / self.st.last_size
            ratio = s / self.st.last_size
            same = moved <= self.JUMP_BASE + self.JUMP_PER_S * gap and self.SCALE_RANGE[0] <= ratio <= self.SCALE_RANGE[1]
            return "ok" if same else "jump"
        # no recent own track: the torso must sit inside the subject's expected box
        return "ok" if box[0] <= c[0] <= box[2] and box[1] <= c[1] <= box[3] else "lost"

    def _crop(self, i: int, rgb: np.ndarray, box: np.ndarray) -> tuple[int, int, np.ndarray]:
        side = self.CROP_GROW * _height(box)
        if not self.st.crop_side or not 0.85 <= side / self.st.crop_side <= 1.15:
            if self.st.crop_side:
                self.backend.reset()  # the tracker's region of interest is in crop coordinates
            self.st.crop_side = side
        side = int(self.st.crop_side)
        cx, cy = _centre(box)
        sw, sh = min(side, self.w), min(side, self.h)
        x0 = int(np.clip(cx - sw / 2, 0, self.w - sw))
        y0 = int(np.clip(cy - sh / 2, 0, self.h - sh))
        crop = rgb[y0:y0 + sh, x0:x0 + sw]
        for other in self.others:
            ob = other.box_at(i, self.fps, reach_s=0.5)
            if ob is not None and iou(ob, box) < 0.1:
                crop = mask_box(crop, ob - [x0, y0, x0, y0], grow=0.05)
        return x0, y0, crop
