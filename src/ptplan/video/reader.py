"""Video reading: open with a clear error, and a reader thread that decodes ahead of inference."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ptplan.errors import InputError


def open_video(path: str | Path):
    """An opened cv2.VideoCapture plus (frames, fps, width, height); InputError when it is not a video."""
    import cv2

    p = Path(path)
    if not p.is_file():
        raise InputError.single("file", f"no such file: {p}", code="not_found", message_ja=f"ファイルがありません: {p}")
    cap = cv2.VideoCapture(str(p))
    ok = cap.isOpened()
    n, fps = int(cap.get(cv2.CAP_PROP_FRAME_COUNT)), float(cap.get(cv2.CAP_PROP_FPS))
    w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    if not ok or n <= 0 or w <= 0 or not fps or fps != fps:
        cap.release()
        ja = f"{p.name} は読み込める動画ではありません（mp4 や mov を指定してください）"
        raise InputError.single("file", f"{p.name} is not a readable video (expected e.g. .mp4 or .mov)",
                                code="not_a_video", message_ja=ja)
    return cap, n, fps, w, h


def probe(path: str | Path) -> tuple[float, int, int]:
    """(fps, width, height) when the file opens as a video whose first frame decodes; InputError
    otherwise. Cheap: only the container header and the first frame are read (the upload check)."""
    cap, _n, fps, w, h = open_video(path)
    try:
        ok, frame = cap.read()
    finally:
        cap.release()
    if not ok or frame is None or frame.size == 0:
        name = Path(path).name
        raise InputError.single("file", f"{name}: the first frame of the video cannot be decoded", code="not_a_video",
                                message_ja=f"{name} の最初のフレームを読み込めません（壊れた動画か、動画ではありません）")
    return fps, w, h


def iter_frames(path: str | Path, prefetch: int = 8, start: int = 0,
                end: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """Yield (index, RGB frame) for frames [start, end); a thread decodes and converts colour while
    the caller runs inference."""
    import cv2

    cap, *_ = open_video(path)
    if start:
        cap.set(cv2.CAP_PROP_POS_FRAMES, start)

    def frames() -> Iterator[tuple[int, np.ndarray]]:
        i = start
        while end is None or i < end:
            ok, bgr = cap.read()
            if not ok:
                break
            yield i, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            i += 1

    return _ahead(frames(), cap.release, prefetch)


def sample_frames(path: str | Path, every: int, start: int = 0,
                  end: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """Yield (index, RGB) every ``every`` frames plus the last one (of frames [start, end)); frames between
    are only grabbed, in a thread, so decoding overlaps the caller's inference."""
    import cv2

    cap, n, *_ = open_video(path)
    wanted = set(range(0, n, every)) | {n - 1}
    stop = n if end is None else min(n, end)
    if start:
        cap.set(cv2.CAP_PROP_POS_FRAMES, start)

    def frames() -> Iterator[tuple[int, np.ndarray]]:
        for i in range(start, stop):
            if not cap.grab():
                break
            if i in wanted:
                ok, bgr = cap.retrieve()
                if ok:
                    yield i, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    return _ahead(frames(), cap.release, 2)


def _ahead(gen: Iterator, close, size: int) -> Iterator:
    """Run ``gen`` in a thread ``size`` items ahead of the consumer; ``close`` runs when it ends."""
    q: queue.Queue = queue.Queue(maxsize=size)
    stop = threading.Event()

    def work() -> None:
        try:
            for item in gen:
                if stop.is_set():
                    break
                q.put(item)
        finally:
            close()
            q.put(None)

    t = threading.Thread(target=work, name="ptplan-video-reader", daemon=True)
    t.start()
    try:
        while (item := q.get()) is not None:
            yield item
    finally:
        stop.set()
        while t.is_alive():  # drain so the reader can finish its last put
            try:
                q.get_nowait()
            except queue.Empty:
                t.join(0.05)
