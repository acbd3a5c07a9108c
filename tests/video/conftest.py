"""Shared fixtures for the video tests: where the real clips are, and one analysis per clip per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def shared_data() -> Path | None:
    """PTPLAN_SHARED_DATA, else the first ``shared/data`` found walking up from the project root."""
    env = os.environ.get("PTPLAN_SHARED_DATA")
    if env:
        return Path(env) if Path(env).is_dir() else None
    for parent in [ROOT, *ROOT.parents]:
        cand = parent / "shared" / "data"
        if cand.is_dir():
            return cand
    return None


@pytest.fixture(scope="session")
def data_dir() -> Path:
    pytest.importorskip("mediapipe", reason="needs the video extra: pip install 'ptplan[video]'")
    pytest.importorskip("cv2", reason="needs the video extra: pip install 'ptplan[video]'")
    d = shared_data()
    if d is None or not (d / "walk_sagittal.mp4").is_file():
        pytest.skip("real clips absent: set PTPLAN_SHARED_DATA or put them in ../shared/data")
    return d



@pytest.fixture(scope="session")
def multiview(data_dir) -> dict:
    """The four lab clips tracked once per session: camera name -> ptplan.video.analyze.Tracked."""
    from reference3d import MULTIVIEW

    from ptplan.video.analyze import track

    if not all((data_dir / f"multiview_{c}.mp4").is_file() for c in MULTIVIEW):
        pytest.skip("multiview clips absent from the shared data")
    return {c: track(str(data_dir / f"multiview_{c}.mp4")) for c in MULTIVIEW}
