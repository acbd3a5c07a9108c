"""Left/right identity: find and repair the pose model's left/right label swaps, and say where it stays unsure.

MediaPipe labels left and right from its own guess of which way the person faces; when that guess
flips (head down in a forward lean, a back view, legs crossing in a side view) the left and right
landmarks swap, for one frame or for dozens. A swapped frame turns the stance leg into the lifted one
and the sign of a pelvic drop around, so every side-specific measure depends on getting this right.

Two groups swap independently: the legs below the hips, and the rest of the body. For each group:

1. **Continuity.** Frame to frame, each side's points move little; the labelling that keeps each
   side's trajectory continuous (least total displacement from the previous repaired frame) is kept.
   When the two sides are too close together to tell apart (legs crossing, feet together) the frame is
   *ambiguous*: the model's labels are kept and the chain is cut there.
2. **Orientation of each unbroken run.** Continuity only ties frames together; which of the two
   labellings is right is decided per run by votes: the model's own label on each frame and, for the
   legs, which hip each knee hangs from. A run whose votes are close to even, or that is too short to
   count, stays *uncertain*. (The facing direction was tried as a cue for the body: MediaPipe reports
   the face points fully visible from behind too, and its 3-D nose follows its own left/right guess,
   so neither is independent of the error it would check; the foot's pointing direction says which
   way the person faces in a side view, not which foot is which.)

Measures that name a side (stance side, pelvic drop, one knee's angle, step asymmetry) read the
uncertain frames from :func:`report` and are flagged, and no side-specific finding is derived from them.
"""

from __future__ import annotations

import numpy as np

from ptplan.video.skeleton import landmark_index

LEG_PARTS = ("knee", "ankle", "heel", "foot_index")
KEYS = {"upper": ("shoulder", "hip"), "legs": ("knee", "ankle", "heel", "foot_index")}
MIN_SEPARATION = 0.15   # the two sides' key points closer than this (torso lengths): cannot be told apart
MIN_RUN_S = 0.2         # a run shorter than this cannot be oriented by votes
CLEAR_MARGIN = 0.3      # a run's votes must lean this far from even: (for - against) / all
UNCERTAIN_SHARE = 0.1   # a side-specific measure is uncertain when more of its frames are


def pairs(group: str) -> list[tuple[int, int]]:
    """(left, right) landmark index pairs of a group: "legs" below the hip, "upper" the rest."""
    idx = landmark_index()
    out = []
    for name, i in idx.items():
        if name.startswith("left_") and ((name[5:] in LEG_PARTS) == (group == "legs")):
            out.append((i, idx["right_" + name[5:]]))
    return out


def swap(seq: np.ndarray, group: str, frames: np.ndarray | slice = slice(None)) -> np.ndarray:
    """A copy with the group's left and right landmarks exchanged on ``frames``."""
    out = seq.copy()
    for a, b in pairs(group):
        out[frames, a], out[frames, b] = seq[frames, b], seq[frames, a]
    return out


def _keys(group: str) -> tuple[list[int], list[int]]:
    idx = landmark_index()
    return ([idx[f"left_{k}"] for k in KEYS[group]], [idx[f"right_{k}"] for k in KEYS[group]])


def _torso(seq: np.ndarray) -> np.ndarray:
    idx = landmark_index()
    sh = (seq[:, idx["left_shoulder"], :2] + seq[:, idx["right_shoulder"], :2]) / 2
    hp = (seq[:, idx["left_hip"], :2] + seq[:, idx["right_hip"], :2]) / 2
    return np.linalg.norm(sh - hp, axis=1)


def _chain(seq: np.ndarray, group: str) -> tuple[np.ndarray, np.ndarray]:
    """(flip relative to the model, ambiguous) per frame, from continuity alone."""
    li, ri = _keys(group)
    n = len(seq)
    flip, amb = np.zeros(n, bool), np.zeros(n, bool)
    scale = _torso(seq)
    prev = None
    for f in range(n):
        L, R = seq[f, li, :2], seq[f, ri, :2]
        if not (np.isfinite(L).all() and np.isfinite(R).all() and np.isfinite(scale[f]) and scale[f] > 0):
            prev = None
            continue
        if np.mean(np.linalg.norm(L - R, axis=1)) / scale[f] < MIN_SEPARATION:
            amb[f], prev = True, None
            continue
        if prev is not None:
            pL, pR = prev
            keep = np.linalg.norm(L - pL, axis=1).sum() + np.linalg.norm(R - pR, axis=1).sum()
            cross = np.linalg.norm(R - pL, axis=1).sum() + np.linalg.norm(L - pR, axis=1).sum()
            flip[f] = cross < keep
        prev = (R, L) if flip[f] else (L, R)
    return flip, amb


def _runs(flip: np.ndarray, amb: np.ndarray, seq: np.ndarray, group: str) -> list[tuple[int, int]]:
    """[start, stop) of the unbroken continuity chains (cut at ambiguous or untracked frames)."""
    li, ri = _keys(group)
    ok = np.isfinite(seq[:, li + ri, 0]).all(axis=1) & ~amb
    out, start = [], None
    for f in range(len(seq) + 1):
        if f < len(seq) and ok[f]:
            start = f if start is None else start
        elif start is not None:
            out.append((start, f))
            start = None
    return out


def _cue(seq: np.ndarray, group: str) -> np.ndarray:
    """Per frame +1 when the cue says the model's labels are right, -1 wrong, 0 no opinion."""
    idx = landmark_index()
    out = np.zeros(len(seq))
    if group == "upper":
        return out  # no cue independent of the model (see the module docstring)
    else:
        for side, other in (("left", "right"), ("right", "left")):
            knee = seq[:, idx[f"{side}_knee"], :2]
            own = np.linalg.norm(knee - seq[:, idx[f"{side}_hip"], :2], axis=1)
            far = np.linalg.norm(knee - seq[:, idx[f"{other}_hip"], :2], axis=1)
            hips = np.linalg.norm(seq[:, idx["left_hip"], :2] - seq[:, idx["right_hip"], :2], axis=1)
            clear = np.abs(far - own) >= 0.5 * hips
            out += np.where(clear, np.sign(far - own), 0.0) / 2
    return np.nan_to_num(out)


def _orient(seq: np.ndarray, group: str, fps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(swap these frames, uncertain frames, ambiguous frames) for one group."""
    flip, amb = _chain(seq, group)
    uncertain = np.zeros(len(seq), bool)
    cue = _cue(swap(seq, group, flip), group)  # the cue on the continuity-repaired labels
    for a, b in _runs(flip, amb, seq, group):
        model = np.where(flip[a:b], -1.0, 1.0)  # +1: the chain agrees with the model's label
        votes = np.concatenate([model, cue[a:b][cue[a:b] != 0] * 1.0])
        lean = votes.sum() / max(len(votes), 1)
        if lean < 0:
            flip[a:b] = ~flip[a:b]
        if (b - a) / fps < MIN_RUN_S or abs(lean) < CLEAR_MARGIN:
            uncertain[a:b] = True
    return flip, uncertain, amb


def repair(seq: np.ndarray, fps: float) -> tuple[np.ndarray, dict]:
    """The sequence with left/right swaps undone, and the identity report (see :func:`report`)."""
    out = seq.copy()
    info: dict = {"swapped": {}, "uncertain": {}, "flip_masks": {}}
    unsure = np.zeros(len(seq), bool)
    for group in ("upper", "legs"):  # the legs' cue reads the hips, so the body goes first
        flip, uncertain, _ = _orient(out, group, fps)
        out = swap(out, group, flip)
        info["flip_masks"][group] = flip
        info["swapped"][group] = _ranges(np.flatnonzero(flip))
        info["uncertain"][group] = _ranges(np.flatnonzero(uncertain))
        unsure |= uncertain
    tracked = np.isfinite(seq[:, 0, 0])
    share = float(unsure[tracked].mean()) if tracked.any() else 1.0
    n_swapped = int(sum(b - a + 1 for g in info["swapped"].values() for a, b in g))
    info.update({"uncertain_mask": unsure, "uncertain_share": round(share, 3), "swapped_frames": n_swapped,
                 "status": "uncertain" if share > UNCERTAIN_SHARE else "repaired" if n_swapped else "consistent"})
    return out, info


def apply(seq: np.ndarray, info: dict) -> np.ndarray:
    """The same repair on another per-frame landmark array (e.g. the model's 3-D estimate)."""
    out = seq
    for group, flip in info["flip_masks"].items():
        out = swap(out, group, flip)
    return out


def side_certain(info: dict, frames: np.ndarray) -> bool:
    """True when left/right identity holds on (almost) all the given frames."""
    frames = np.asarray(frames, dtype=int)
    if frames.size == 0:
        return False
    return float(info["uncertain_mask"][frames].mean()) <= UNCERTAIN_SHARE


def public(info: dict) -> dict:
    """The JSON-ready part of the report."""
    return {k: v for k, v in info.items() if k not in ("uncertain_mask", "flip_masks")}


def _ranges(idx: np.ndarray) -> list[list[int]]:
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]])
    return [[int(s), int(e)] for s, e in zip(starts, ends, strict=True)]
