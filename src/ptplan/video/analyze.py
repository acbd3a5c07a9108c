"""The whole analysis: find the subject, track, clean, measure, map to findings.

``analyze(path, task, settings)`` returns the JSON-ready dict used by the CLI and the API.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from ptplan.errors import InputError
from ptplan.video import findings as findings_mod
from ptplan.video import identity, orientation
from ptplan.video.backends import N_LANDMARKS, get_backend
from ptplan.video.measures import TASKS, task_module
from ptplan.video.measures.common import Context
from ptplan.video.reader import iter_frames, open_video, sample_frames
from ptplan.video.signal import SignalSettings, clean_sequence
from ptplan.video.tracking import SubjectTracker, choose_subject, link, people_in
from ptplan.video.view import detect_view

MIN_SECONDS = 1.0
MIN_TRACKED_S = 1.0


@dataclass
class Settings:
    backend: str = "mediapipe"
    signal: SignalSettings = field(default_factory=SignalSettings)
    subject_box: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 in pixels
    discover_every_s: float = 1.0   # people are looked for on one frame every this many seconds
    strict_view: bool = False   # raise instead of warn when the view does not suit the task
    workers: int = 1            # > 1: discovery and tracking in segments on a pool of warm worker processes


@dataclass
class Tracked:
    """The subject's landmarks over a clip, before any measure (what the pose model saw)."""

    fps: float
    size: tuple[int, int]
    raw: np.ndarray                 # (frames, 33, 3) x, y pixels and visibility; NaN where not tracked
    world: np.ndarray               # (frames, 33, 3) the model's own 3-D estimate, metres; NaN where absent
    status: list[str]
    boxes: np.ndarray
    seconds: float                  # time spent finding and tracking the subject


@dataclass
class Analysis:
    task: str
    fps: float
    size: tuple[int, int]
    raw: np.ndarray                 # (frames, 33, 3), NaN where the subject was not tracked
    clean: np.ndarray
    status: list[str]
    boxes: np.ndarray               # (frames, 4) crop boxes, NaN when absent
    measures: list[dict]
    series: dict[str, np.ndarray]
    events: dict
    result: dict


def normalise_task(task: str) -> str:
    t = task.replace("-", "_").strip().lower()
    if t not in TASKS:
        raise InputError.single("task", f"unknown task {task!r}; expected one of {', '.join(TASKS)}",
                                code="unknown_task", message_ja=f"課題 {task!r} はありません（{', '.join(TASKS)}）")
    return t


def analyze(path: str, task: str, settings: Settings | dict | None = None, progress: Callable | None = None) -> dict:
    """Analyse one clip; the JSON-ready result (measures, quality, findings, case fragment, stats)."""
    return run(path, task, settings, progress).result


def _settings(settings: Settings | dict | None) -> Settings:
    if settings is None:
        return Settings()
    if isinstance(settings, Settings):
        return settings
    data = dict(settings)
    sig = data.pop("signal", None) or {}
    if "cutoff_hz" in data:
        sig["cutoff_hz"] = data.pop("cutoff_hz")
    try:
        return Settings(signal=SignalSettings(**sig), **data)
    except TypeError as exc:
        raise InputError.single("settings", f"unknown setting: {exc}", code="invalid",
                                message_ja="設定に不明な項目があります") from exc


def run(path: str, task: str, settings: Settings | dict | None = None, progress: Callable | None = None) -> Analysis:
    task, s = normalise_task(task), _settings(settings)
    return measure_tracked(track(path, s, progress, prefer_moving=task == "gait"), task, s)


def track(path: str, settings: Settings | dict | None = None, progress: Callable | None = None,
          prefer_moving: bool = False) -> Tracked:
    """Find the subject and track their landmarks over the clip (the slow part: the pose model)."""
    s = _settings(settings)
    t0 = time.perf_counter()
    cap, n, fps, w, h = open_video(path)
    cap.release()
    if n / fps < MIN_SECONDS:
        raise InputError.single("file", f"the clip is {n / fps:.2f} s long; at least {MIN_SECONDS:.0f} s is needed",
                                code="too_short",
                                message_ja=f"動画が短すぎます（{n / fps:.2f}秒）。{MIN_SECONDS:.0f}秒以上必要です")
    if s.workers > 1:
        from ptplan.video.parallel import get_pool

        pool = get_pool(s.workers, s.backend)
        every = max(1, round(fps * s.discover_every_s))
        subject, others = _choose(pool.discover(path, n, every), fps, w, h, s, prefer_moving)
        raw, world, status, boxes = pool.track(path, n, fps, (w, h), subject, others, progress)
    else:
        subject, others = _discover(path, fps, w, h, s, prefer_moving=prefer_moving)
        raw, world, status, boxes = _track(path, n, fps, (w, h), subject, others, s, progress)
    return Tracked(fps, (w, h), raw, world, status, boxes, time.perf_counter() - t0)


def measure_tracked(tr: Tracked, task: str, settings: Settings | dict | None = None) -> Analysis:
    """Measures, quality and findings from tracked landmarks (fast; can be re-run on the same tracking)."""
    task, s = normalise_task(task), _settings(settings)
    ok = np.array([st == "ok" for st in tr.status])
    if ok.sum() / tr.fps < MIN_TRACKED_S:
        raise InputError.single("file", "the person was tracked in too few frames to measure anything",
                                code="no_person", message_ja="人物を十分なフレーム数で追跡できず、計測できません")
    t0 = time.perf_counter() - tr.seconds
    return _measure(task, s, tr, ok, t0)


def _discover(path, fps, w, h, s: Settings, prefer_moving: bool = False):
    detector = get_backend(s.backend, static=True)
    try:
        every = max(1, round(fps * s.discover_every_s))
        sightings = [(i, people_in(rgb, detector)) for i, rgb in sample_frames(path, every)]
    finally:
        detector.close()
    return _choose(sightings, fps, w, h, s, prefer_moving)


def _choose(sightings, fps, w, h, s: Settings, prefer_moving: bool):
    ids = link([x for x in sightings if x[1]], fps)
    box = np.array(s.subject_box, dtype=float) if s.subject_box is not None else None
    k = choose_subject(ids, w, h, box, prefer_moving)
    if k is None:
        where = "inside the given box" if box is not None else "in the clip"
        ja = "動画の中に人物が見つかりません" if box is None else "指定した枠の中に人物が見つかりません"
        raise InputError.single("file", f"no person found {where}", code="no_person", message_ja=ja)
    return ids[k], [x for j, x in enumerate(ids) if j != k]


def _track(path, n, fps, size, subject, others, s: Settings, progress):
    """Track the subject over the clip in one pass; a reader thread decodes ahead of inference.

    (With ``Settings.workers > 1`` the clip is tracked in segments on warm worker processes instead:
    parallel.py. Threads do not help: MediaPipe holds the GIL while it runs.)
    """
    count = iter(range(1, n + 1))
    return _track_segment(path, 0, n, fps, size, subject, others, s, lambda: progress and progress(next(count), n))


def _track_segment(path, lo, hi, fps, size, subject, others, s: Settings, tick):
    backend = get_backend(s.backend)
    try:
        raw, world, status, boxes, _ = track_range(backend, path, lo, hi, fps, size, subject, others, tick=tick)
    finally:
        backend.close()
    return raw, world, status, boxes


def track_range(backend, path, lo, hi, fps, size, subject, others, state=None, tick=None):
    """Track frames [lo, hi) with ``backend``: (raw, world, status, boxes, final tracker state).

    ``state`` hands over a previous segment's final state (see parallel.py)."""
    tracker = SubjectTracker(backend, subject, others, fps, size)
    if state is not None:
        tracker.st, tracker.misses = state
    raw = np.full((hi - lo, N_LANDMARKS, 3), np.nan)
    world = np.full((hi - lo, N_LANDMARKS, 3), np.nan)
    boxes = np.full((hi - lo, 4), np.nan)
    status = ["absent"] * (hi - lo)
    for i, rgb in iter_frames(path, start=lo, end=hi):
        r = tracker.step(i, rgb)
        status[i - lo] = r.status
        if r.landmarks is not None:
            raw[i - lo] = r.landmarks
            if r.world is not None:
                world[i - lo] = r.world
        if r.box is not None:
            boxes[i - lo] = r.box
        if tick:
            tick()
    return raw, world, status, boxes, (tracker.st, tracker.misses)


def _measure(task, s: Settings, tr: Tracked, ok, t0) -> Analysis:
    fps, size, raw, status, boxes, n, t_track = tr.fps, tr.size, tr.raw, tr.status, tr.boxes, len(tr.status), tr.seconds
    fixed, ident = identity.repair(raw, fps)
    clean = clean_sequence(fixed, fps, s.signal)
    roll = orientation.estimate_roll(clean, fps)
    level = orientation.unroll(clean, roll["roll_deg"], size) if roll["status"] in ("level", "corrected") else clean
    world = identity.apply(tr.world, ident)
    view = detect_view(raw[ok])
    view.update(orientation.view_summary(world, ok))
    ctx = Context(fps=fps, view=view["view"], valid=np.isfinite(clean[:, 0, 0]), raw=fixed, identity=ident,
                  roll=roll, yaw_deg=view["yaw_deg"], world=world)
    measures, series, events = task_module(task).compute(level, ctx)
    ctx.warnings.extend(_roll_warnings(roll))
    found = findings_mod.evaluate(measures, view)
    warnings = _dedupe(ctx.warnings)
    if s.strict_view and warnings:
        raise InputError.single("file", warnings[0]["en"], code="wrong_view", message_ja=warnings[0]["ja"])
    elapsed = time.perf_counter() - t0
    counts = {k: status.count(k) for k in ("ok", "lost", "jump", "absent")}
    result = {
        "task": task, "view": view, "measures": measures, "findings": found,
        "case_fragment": findings_mod.case_fragment(task, measures, found),
        "events": events, "warnings": warnings, "identity": identity.public(ident), "roll": roll,
        "quality": {"tracked_frames": counts["ok"], "status_counts": counts,
                    "detected_pct": round(100.0 * counts["ok"] / n, 1),
                    "identity_jumps": [i for i, st in enumerate(status) if st == "jump"],
                    "mean_visibility": round(float(np.nanmean(raw[ok][:, :, 2])), 3)},
        "stats": {"frames": n, "fps_video": round(fps, 3), "duration_s": round(n / fps, 3),
                  "processing_s": round(elapsed, 3), "tracking_s": round(t_track, 3),
                  "fps_processing": round(n / elapsed, 2), "realtime_factor": round(n / fps / elapsed, 3)},
        "settings": {"backend": s.backend, "model_complexity": 1, **asdict(s.signal)},
    }
    return Analysis(task, fps, size, raw, clean, status, boxes, measures, series, events, result)


def _roll_warnings(roll: dict) -> list[dict]:
    lim = orientation.ROLL_WARN_DEG
    if roll["status"] == "unknown":
        return [{"code": "roll_unknown", "measure": "camera.roll",
                 "en": "The camera's tilt could not be estimated (no frame standing straight on both feet); "
                       "angles against the vertical are read against the image and derive no finding.",
                 "ja": "両足でまっすぐ立つ場面がなく、カメラの傾きを推定できませんでした。"
                       "鉛直に対する角度は画面基準の参考値で、所見には使いません。"}]
    if roll["status"] == "too_large":
        top = orientation.ROLL_MAX_DEG
        return [{"code": "roll_too_large", "measure": "camera.roll",
                 "en": f"The camera was tilted by {roll['roll_deg']}° (limit {top:.0f}°); angles against the vertical "
                       "were not measured. Level the camera and record again.",
                 "ja": f"カメラが{roll['roll_deg']}°傾いていました（上限{top:.0f}°）。鉛直に対する角度は計測していません。"
                       "カメラを水平にして撮り直してください。"}]
    if roll["status"] == "corrected":
        return [{"code": "roll_corrected", "measure": "camera.roll",
                 "en": f"The camera was tilted by {roll['roll_deg']}° (more than {lim:.0f}°); angles were corrected for it. "
                       "Level the camera next time.",
                 "ja": f"カメラが{roll['roll_deg']}°傾いていました（{lim:.0f}°超）。角度は補正済みです。"
                       "次回はカメラを水平にしてください。"}]
    return []


def _dedupe(warnings: list[dict]) -> list[dict]:
    seen, out = set(), []
    for w in warnings:
        if w["measure"] not in seen:
            seen.add(w["measure"])
            out.append(w)
    return out
