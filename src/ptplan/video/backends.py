"""Pose backends behind a small registry. Only MediaPipe 0.10.14 ships now.

The MediaPipe wheel contains the "full" landmark model (model_complexity=1) and the person detector;
the lite and heavy models would be downloaded on first use, which ptplan never allows, so the
backend refuses any other complexity.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable

import numpy as np

from ptplan.errors import PtplanError

N_LANDMARKS = 33
BACKENDS: dict[str, Callable[..., PoseBackend]] = {}


def register(name: str):
    def deco(cls):
        BACKENDS[name] = cls
        return cls
    return deco


def get_backend(name: str = "mediapipe", **kw) -> PoseBackend:
    if name not in BACKENDS:
        raise PtplanError.single("settings.backend", f"unknown pose backend {name!r}; known: {sorted(BACKENDS)}",
                                 code="unknown_backend", message_ja=f"姿勢推定エンジン {name!r} はありません")
    return BACKENDS[name](**kw)


class PoseBackend:
    """Interface: ``estimate(rgb)`` -> (33, 3) array of x, y in pixels of the given image and visibility,
    or None when nobody is found. After a successful call ``world`` holds the model's own 3-D estimate
    (33, 3) in metres, camera-aligned (x right, y down, z away from the camera, origin between the hips),
    or None when the backend has none. ``reset()`` forgets the tracked person; ``close()`` frees the model."""

    name = "base"
    world: np.ndarray | None = None

    def estimate(self, rgb: np.ndarray) -> np.ndarray | None:  # pragma: no cover - interface
        raise NotImplementedError

    def reset(self) -> None:
        pass

    def close(self) -> None:
        pass


@register("mediapipe")
class MediaPipePose(PoseBackend):
    name = "mediapipe"
    MODEL_COMPLEXITY = 1  # the only landmark model inside the wheel; others would download

    def __init__(self, static: bool = False, model_complexity: int = 1, min_confidence: float = 0.5) -> None:
        if model_complexity != self.MODEL_COMPLEXITY:
            raise PtplanError.single("settings.model_complexity", "only model_complexity 1 is available offline",
                                     code="unsupported", message_ja="オフラインで使えるのは model_complexity 1 のみです")
        try:
            os.environ.setdefault("GLOG_minloglevel", "2")  # keep MediaPipe's C++ info lines off the CLI
            warnings.filterwarnings("ignore", message="SymbolDatabase.GetPrototype", category=UserWarning)
            import mediapipe as mp
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise missing_extra() from exc
        self._pose = mp.solutions.pose.Pose(static_image_mode=static, model_complexity=1, smooth_landmarks=False,
                                            enable_segmentation=False, min_detection_confidence=min_confidence,
                                            min_tracking_confidence=min_confidence)

    def estimate(self, rgb: np.ndarray) -> np.ndarray | None:
        res = self._pose.process(np.ascontiguousarray(rgb))
        self.world = None
        if res.pose_landmarks is None:
            return None
        if res.pose_world_landmarks is not None:
            self.world = np.array([[p.x, p.y, p.z] for p in res.pose_world_landmarks.landmark], dtype=float)
        h, w = rgb.shape[:2]
        lm = res.pose_landmarks.landmark
        return np.array([[p.x * w, p.y * h, p.visibility] for p in lm], dtype=float)

    def reset(self) -> None:
        self._pose.reset()

    def close(self) -> None:
        self._pose.close()


def missing_extra() -> PtplanError:
    return PtplanError.single("video", "video analysis needs the optional extra: pip install 'ptplan[video]'",
                              code="missing_extra",
                              message_ja="動画解析には追加パッケージが必要です: pip install 'ptplan[video]'")
