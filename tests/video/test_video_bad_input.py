"""Bad input gets a clear InputError, never a traceback."""

from __future__ import annotations

import numpy as np
import pytest

from ptplan.errors import InputError, PtplanError

cv2 = pytest.importorskip("cv2", reason="needs the video extra: pip install 'ptplan[video]'")


def _write(path, frames: int, fps: float = 30.0) -> str:
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (160, 120))
    for i in range(frames):
        w.write(np.full((120, 160, 3), 90 + i % 5, np.uint8))
    w.release()
    return str(path)


def test_it_rejects_a_file_that_is_not_a_video(tmp_path):
    from ptplan.video.analyze import analyze

    p = tmp_path / "notes.mp4"
    p.write_text("not a video")
    with pytest.raises(InputError) as e:
        analyze(str(p), "gait")
    assert e.value.problems[0].code == "not_a_video" and e.value.problems[0].message_ja


def test_it_rejects_a_missing_file_and_an_unknown_task(tmp_path):
    from ptplan.video.analyze import analyze

    with pytest.raises(InputError, match="no such file"):
        analyze(str(tmp_path / "nope.mp4"), "gait")
    with pytest.raises(InputError, match="unknown task"):
        analyze(str(tmp_path / "nope.mp4"), "jumping")


def test_it_rejects_a_clip_that_is_too_short(tmp_path):
    from ptplan.video.analyze import analyze

    with pytest.raises(InputError) as e:
        analyze(_write(tmp_path / "short.mp4", 10), "squat")
    assert e.value.problems[0].code == "too_short"


def test_it_says_so_when_nobody_is_in_the_clip(tmp_path):
    pytest.importorskip("mediapipe", reason="needs the video extra")
    from ptplan.video.analyze import analyze

    with pytest.raises(InputError) as e:
        analyze(_write(tmp_path / "empty.mp4", 45), "squat")
    assert e.value.problems[0].code == "no_person"


def test_it_warns_or_refuses_when_the_view_does_not_suit_the_task():
    from video_synth import walker

    from ptplan.video.analyze import Settings, Tracked, measure_tracked

    seq = walker(frontal=True)  # gait filmed from the front: cadence and knee ranges need a side view
    tr = Tracked(30.0, (1600, 1000), seq, np.full(seq.shape, np.nan), ["ok"] * len(seq),
                 np.full((len(seq), 4), np.nan), 0.0)
    a = measure_tracked(tr, "gait", Settings())
    codes = {w["measure"] for w in a.result["warnings"]}
    assert "gait.cadence" in codes and all(w["ja"] and w["en"] for w in a.result["warnings"])
    with pytest.raises(InputError) as e:
        measure_tracked(tr, "gait", Settings(strict_view=True))
    assert e.value.problems[0].code == "wrong_view"


def test_it_refuses_the_models_that_would_download():
    pytest.importorskip("mediapipe", reason="needs the video extra")
    from ptplan.video.backends import get_backend

    with pytest.raises(PtplanError, match="model_complexity 1"):
        get_backend("mediapipe", model_complexity=2)
    with pytest.raises(PtplanError, match="unknown pose backend"):
        get_backend("openpose")
