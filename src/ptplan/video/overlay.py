"""Outputs for people: a video with the tracked skeleton and angles, and a time-series plot."""

from __future__ import annotations

import numpy as np

from ptplan.errors import PtplanError
from ptplan.video.skeleton import landmark_index, load_data

COLOURS = {"ok": (60, 200, 60), "lost": (0, 165, 255), "jump": (0, 0, 255), "absent": (128, 128, 128)}


def write_overlay(path: str, analysis, out_path: str) -> None:
    """Draw the cleaned skeleton, the subject box and the task's angles on every frame."""
    import cv2

    from ptplan.video.reader import iter_frames

    w, h = analysis.size
    writer = cv2.VideoWriter(out_path, cv2.VideoWriter_fourcc(*"mp4v"), analysis.fps, (w, h))
    if not writer.isOpened():
        raise PtplanError.single("--overlay", f"cannot write a video to {out_path}", code="write_failed",
                                 message_ja=f"{out_path} に動画を書き込めません")
    try:
        for i, rgb in iter_frames(path):
            if i >= len(analysis.status):
                break
            frame = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
            _draw(frame, analysis, i)
            writer.write(frame)
    finally:
        writer.release()


def _draw(frame: np.ndarray, a, i: int) -> None:
    import cv2

    idx, status = landmark_index(), a.status[i]
    box = a.boxes[i]
    if np.isfinite(box).all():
        cv2.rectangle(frame, (int(box[0]), int(box[1])), (int(box[2]), int(box[3])), COLOURS[status], 2)
    lm = a.clean[i]
    if status == "ok" and np.isfinite(lm[:, :2]).all():
        for p, q in load_data("skeleton")["connections"]:
            cv2.line(frame, _pt(lm[idx[p]]), _pt(lm[idx[q]]), (255, 255, 255), 3)
        for j in range(len(lm)):
            cv2.circle(frame, _pt(lm[j]), 4, (0, 200, 255), -1)
    y = 40
    _text(frame, f"{i}  {status}", y, COLOURS[status])
    for name, series in list(a.series.items())[:4]:
        v = series[i] if i < len(series) else np.nan
        if np.isfinite(v):
            y += 36
            _text(frame, f"{name}: {v:.0f}", y, (255, 255, 255))


def _text(frame: np.ndarray, text: str, y: int, colour: tuple[int, int, int]) -> None:
    import cv2

    # dark outline first so the label reads on sky and on grass alike
    cv2.putText(frame, text, (20, y), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (0, 0, 0), 5)
    cv2.putText(frame, text, (20, y), cv2.FONT_HERSHEY_SIMPLEX, 0.9, colour, 2)


def _pt(p: np.ndarray) -> tuple[int, int]:
    return int(p[0]), int(p[1])


def write_plot(analysis, out_path: str) -> None:
    """Angles over time with the detected events marked; lost frames show as gaps."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = np.arange(len(analysis.status)) / analysis.fps
    fig, ax = plt.subplots(figsize=(10, 4.5))
    for name, series in analysis.series.items():
        if np.isfinite(series).any() and name != "lifted_side":
            ax.plot(t[: len(series)], series, label=name)
    for name, frames in analysis.events.items():
        if isinstance(frames, list) and frames and name.startswith(("hs_", "bottoms")):
            ax.vlines(np.asarray(frames) / analysis.fps, *ax.get_ylim(), linestyles=":", colors="grey", linewidth=0.8)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("angle (deg)")
    ax.set_title(f"{analysis.task}: view {analysis.result['view']['view']}")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(out_path, dpi=100)
    plt.close(fig)
