"""Segment-parallel tracking on a pool of warm worker processes.

MediaPipe holds the GIL while it runs, so threads do not run two inferences at once, and a freshly
spawned process spends seconds importing MediaPipe and building its graph. A :class:`WarmPool` keeps
``workers`` processes alive with the pose model loaded (one tracking model and one static detector
each), so a clip can be cut into segments that are tracked at the same time.

Hand-over between segments: each segment after the first starts tracking ``OVERLAP_S`` before its
own first frame, from the subject's box found by discovery, so that the model's own tracking region
and ptplan's track state are settled when its frames begin. On the overlap the two segments'
torso centres must agree (within HANDOVER_TORSO torso lengths on the frames both tracked); if they
do not — the later segment locked onto someone else — that segment is tracked again in one worker
starting from the earlier segment's last track state, so the result is what one pass would give.

Discovery (finding everyone on sampled frames) runs in the workers too, each on its own segment.
Forking after MediaPipe has run is unsafe, so workers are spawned.
"""

from __future__ import annotations

import atexit
import multiprocessing as mp
import os
import threading
from concurrent.futures import ProcessPoolExecutor

import numpy as np

OVERLAP_S = 0.5          # a segment starts this long before its first frame, to settle the tracker
HANDOVER_TORSO = 0.5     # torso-centre disagreement on the overlap that fails the hand-over
MIN_SEGMENT_S = 2.0      # shorter segments cost more in overlap than they save

_state: dict = {}        # per worker process: the warm models
_pools: dict[tuple[int, str], WarmPool] = {}
_lock = threading.Lock()


def _init(backend: str) -> None:
    os.environ.setdefault("GLOG_minloglevel", "2")
    from ptplan.video.backends import get_backend

    _state["backend"] = get_backend(backend)
    _state["detector"] = get_backend(backend, static=True)
    _state["name"] = backend


def _ping() -> int:
    return os.getpid()


def _discover_job(path: str, lo: int, hi: int, every: int) -> list:
    from ptplan.video.reader import sample_frames
    from ptplan.video.tracking import people_in

    return [(i, people_in(rgb, _state["detector"])) for i, rgb in sample_frames(path, every, start=lo, end=hi)]


def _track_job(path, lo, hi, warm_from, fps, size, subject, others, state=None):
    """Track frames [warm_from, hi); return arrays for [warm_from, hi) and the final track state."""
    from ptplan.video.analyze import track_range

    backend = _state["backend"]
    backend.reset()
    return track_range(backend, path, warm_from, hi, fps, size, subject, others, state=state)


class WarmPool:
    """``workers`` spawned processes with the pose model loaded once and kept."""

    def __init__(self, workers: int = 2, backend: str = "mediapipe") -> None:
        self.workers = workers
        self._ex = ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"), initializer=_init,
                                       initargs=(backend,))
        # make every worker start and load its models now, not during the first clip
        for f in [self._ex.submit(_ping) for _ in range(workers * 2)]:
            f.result()
        # every worker process (one ping each is not guaranteed: an early worker may answer them all)
        self.pids = sorted(self._ex._processes)

    def discover(self, path: str, n: int, every: int) -> list:
        cuts = np.linspace(0, n, self.workers + 1).astype(int)
        jobs = [self._ex.submit(_discover_job, path, int(a), int(b), every) for a, b in zip(cuts, cuts[1:], strict=False)]
        out = []
        for j in jobs:
            out.extend(j.result())
        return sorted(out, key=lambda x: x[0])

    def track(self, path: str, n: int, fps: float, size, subject, others, progress=None):
        """(raw, world, status, boxes) over the clip, tracked in segments with hand-over."""
        k = max(1, min(self.workers, int(n / fps // MIN_SEGMENT_S)))
        cuts = np.linspace(0, n, k + 1).astype(int)
        overlap = int(round(OVERLAP_S * fps))
        bounds = list(zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True))
        segs = [(a, b, max(0, a - overlap) if i else 0) for i, (a, b) in enumerate(bounds)]
        jobs = [self._ex.submit(_track_job, path, a, b, w, fps, size, subject, others) for a, b, w in segs]
        parts = [j.result() for j in jobs]
        for i in range(1, len(segs)):
            if not _handover_ok(parts[i - 1], segs[i - 1], parts[i], segs[i]):
                a, b, _ = segs[i]
                redo = self._ex.submit(_track_job, path, a, b, a, fps, size, subject, others, parts[i - 1][4])
                parts[i] = redo.result()
                segs[i] = (a, b, a)
            if progress:
                progress(int(segs[i][1]), n)
        return _join(parts, segs, n)

    def close(self) -> None:
        self._ex.shutdown(wait=True, cancel_futures=True)


def get_pool(workers: int, backend: str = "mediapipe") -> WarmPool:
    """The process-wide warm pool for this many workers (made on first use, kept until exit)."""
    with _lock:
        key = (workers, backend)
        if key not in _pools:
            _pools[key] = WarmPool(workers, backend)
        return _pools[key]


@atexit.register
def _close_all() -> None:
    for p in list(_pools.values()):
        p.close()
    _pools.clear()


def _centres(raw: np.ndarray) -> np.ndarray:
    from ptplan.video.tracking import torso

    out = np.full((len(raw), 3), np.nan)
    for i, lm in enumerate(raw):
        if np.isfinite(lm[0, 0]):
            c, s = torso(lm)
            out[i] = [c[0], c[1], s]
    return out


def _handover_ok(prev, prev_seg, cur, cur_seg) -> bool:
    """True when the two segments tracked the same person on their overlap (or cannot be compared)."""
    a, _, w = cur_seg
    if w >= a:
        return True
    p0 = prev_seg[2]
    prev_raw = prev[0][w - p0: a - p0]
    cur_raw = cur[0][: a - w]
    pc, cc = _centres(prev_raw), _centres(cur_raw)
    both = np.isfinite(pc[:, 0]) & np.isfinite(cc[:, 0])
    if not both.any():
        return not np.isfinite(pc[:, 0]).any()  # the earlier segment had nobody there: nothing to contradict
    d = np.linalg.norm(pc[both, :2] - cc[both, :2], axis=1) / pc[both, 2]
    return bool(np.median(d) <= HANDOVER_TORSO)


def _join(parts, segs, n):
    from ptplan.video.backends import N_LANDMARKS

    raw = np.full((n, N_LANDMARKS, 3), np.nan)
    world = np.full((n, N_LANDMARKS, 3), np.nan)
    boxes = np.full((n, 4), np.nan)
    status = ["absent"] * n
    for (r, wld, st, bx, _), (a, b, w) in zip(parts, segs, strict=True):
        sl = slice(a - w, b - w)
        raw[a:b], world[a:b], boxes[a:b] = r[sl], wld[sl], bx[sl]
        status[a:b] = st[a - w: b - w]
    return raw, world, status, boxes
