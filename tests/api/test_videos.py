"""Clip upload: checks on size, type and access, the background job, and keeping or deleting the clip.

The two real-clip tests (one per database) upload walk_sagittal.mp4 and wait for the analysis; they
skip without the video extra or ../shared/data.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from ptplan.clinic.videos import check_decodable, run_analysis, sniff
from ptplan.errors import PtplanError
from ptplan.server import create_app
from ptplan.settings import Settings
from ptplan.store.models import AuditEvent, Clinic, VideoAnalysis
from sample_clips import NOT_DECODABLE, tiny_mp4

ROOT = Path(__file__).resolve().parents[2]
FAKE_MP4 = NOT_DECODABLE["MP4 magic and zeros"]  # the right magic, but no playable video inside


def _shared_clip() -> Path | None:
    env = os.environ.get("PTPLAN_SHARED_DATA")
    candidates = [Path(env)] if env else [p / "shared" / "data" for p in [ROOT, *ROOT.parents]]
    found = [c / "walk_sagittal.mp4" for c in candidates if (c / "walk_sagittal.mp4").is_file()]
    return found[0] if found else None


def _upload(client, assessment_id: int, content: bytes, task: str = "gait", name: str = "clip.mp4",
            content_type: str = "video/mp4"):
    return client.post(f"/api/v1/assessments/{assessment_id}/videos", data={"task": task},
                       files={"file": (name, content, content_type)})


def _wait(client, video_id: int, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/videos/{video_id}").json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.2)
    raise AssertionError(f"video {video_id} still {body['status']} after {timeout} s")


def _videos_dir(world) -> Path:
    return world.app.state.settings.data_dir / "videos"


def _clips(world) -> set[Path]:
    folder = _videos_dir(world)
    return set(folder.iterdir()) if folder.is_dir() else set()


def _field(resp) -> str:
    return resp.json()["error"]["problems"][0]["field"]


def test_it_recognises_video_containers_by_their_first_bytes():
    assert sniff(FAKE_MP4) == ".mp4"
    assert sniff(b"\x1a\x45\xdf\xa3" + bytes(12)) == ".webm"
    assert sniff(b"RIFF\x00\x00\x00\x00AVI LIST") == ".avi"
    assert sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ") is None
    assert sniff(b"just some text, honestly") is None


def test_it_refuses_a_text_file_named_mp4_naming_the_file(world):
    before = _clips(world)
    resp = _upload(world.client("taro"), world.clinics["aoba"].assessment_id, b"hello, not a video at all\n" * 20)
    assert resp.status_code == 415
    assert _field(resp) == "file"
    assert resp.json()["error"]["problems"][0]["code"] == "unsupported_type"
    assert _clips(world) == before


def test_it_refuses_an_unknown_task_naming_it(world):
    resp = _upload(world.client("taro"), world.clinics["aoba"].assessment_id, FAKE_MP4, task="cartwheel")
    assert resp.status_code == 422
    assert _field(resp) == "task"


@pytest.mark.parametrize("size", [5_000, 200_000], ids=["counted while streaming", "declared length"])
def test_it_refuses_a_clip_over_the_size_limit_with_413(world, tmp_path, size):
    settings = Settings(data_dir=tmp_path, secret_key="test-secret-key-0123456789abcdef", max_video_mb=0.001)
    app = create_app(settings, engine=world.app.state.engine, migrate=False)
    world_small = type(world)(app, world.tokens, world.clinics, world.clinic_of)
    resp = _upload(world_small.client("taro"), world.clinics["aoba"].assessment_id, FAKE_MP4 + bytes(size))
    assert resp.status_code == 413
    assert _field(resp) == "file"
    assert not (tmp_path / "videos").exists() or not any((tmp_path / "videos").iterdir())


def test_it_answers_404_for_an_unknown_assessment(world):
    resp = _upload(world.client("taro"), 987_654_321, FAKE_MP4)
    assert resp.status_code == 404
    assert _field(resp) == "assessment_id"


def test_it_answers_404_for_another_clinics_assessment(world):
    before = _clips(world)
    resp = _upload(world.client("taro"), world.clinics["kita"].assessment_id, FAKE_MP4)
    assert resp.status_code == 404
    assert _clips(world) == before


def _rows(world) -> int:
    with world.app.state.sessions() as db:
        return db.scalar(select(func.count()).select_from(VideoAnalysis))


@pytest.mark.parametrize("content", NOT_DECODABLE.values(), ids=NOT_DECODABLE.keys())
def test_it_refuses_a_file_with_container_magic_that_does_not_decode_before_queuing_it(world, content):
    pytest.importorskip("cv2", reason="needs the video extra: pip install 'ptplan[video]'")
    before, rows = _clips(world), _rows(world)
    resp = _upload(world.client("taro"), world.clinics["aoba"].assessment_id, content)
    assert resp.status_code == 422, resp.text
    problem = resp.json()["error"]["problems"][0]
    assert problem["field"] == "file" and problem["code"] == "not_a_video"
    assert "first frame" in problem["message"] and "最初のフレーム" in problem["message_ja"]
    assert _clips(world) == before and _rows(world) == rows


def test_it_refuses_clips_with_a_clear_501_when_the_decoder_is_not_installed(world, monkeypatch):
    monkeypatch.setitem(sys.modules, "ptplan.video.reader", None)  # makes the import raise ImportError
    before, rows = _clips(world), _rows(world)
    resp = _upload(world.client("taro"), world.clinics["aoba"].assessment_id, FAKE_MP4)
    assert resp.status_code == 501  # as the other features of an extra this server lacks
    problem = resp.json()["error"]["problems"][0]
    assert problem["field"] == "file" and problem["code"] == "video_unavailable"
    assert "install ptplan[video]" in problem["message"]
    assert _clips(world) == before and _rows(world) == rows


def test_the_decoder_check_passes_a_real_clip_from_the_shared_data(tmp_path):
    pytest.importorskip("cv2", reason="needs the video extra: pip install 'ptplan[video]'")
    path = _shared_clip()
    if path is None:
        pytest.skip("real clips absent: set PTPLAN_SHARED_DATA or put them in ../shared/data")
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    check_decodable(copy)  # raises for a clip the decoder cannot open
    assert copy.is_file()


def test_it_queues_a_clip_that_decodes_and_fails_the_job_clearly_when_it_cannot_be_analysed(world):
    taro = world.client("taro")
    clip = tiny_mp4()  # plays, but is three frames long with nobody in it
    resp = _upload(taro, world.clinics["aoba"].assessment_id, clip, name="../../etc/clip.mp4")
    assert resp.status_code == 202, resp.text
    queued = resp.json()
    assert queued["status"] in ("queued", "running") and queued["filename"] == "clip.mp4"
    assert queued["size_bytes"] == len(clip)
    done = _wait(taro, queued["id"])
    assert done["status"] == "failed" and done["result"] is None
    assert done["error"][0]["field"] == "file" and done["error"][0]["message"]
    assert done["clip_stored"] is False
    listed = taro.get(f"/api/v1/assessments/{world.clinics['aoba'].assessment_id}/videos").json()
    assert queued["id"] in [v["id"] for v in listed["items"]]


def test_it_lets_the_patient_read_their_own_analysis(world):
    resp = world.client("hana").get(f"/api/v1/videos/{world.clinics['aoba'].video_id}")
    assert resp.status_code == 200
    assert resp.json()["status"] == "done" and resp.json()["task"] == "gait"


def test_it_audits_uploads_and_reads(world):
    taro = world.client("taro")
    resp = _upload(taro, world.clinics["aoba"].assessment_id, tiny_mp4())
    video_id = resp.json()["id"]
    _wait(taro, video_id)
    with world.app.state.sessions() as db:
        actions = set(db.scalars(select(AuditEvent.action).where(AuditEvent.resource == "video",
                                                                 AuditEvent.resource_id == video_id)))
    assert {"create", "read"} <= actions


def test_it_fails_the_job_with_an_install_hint_without_the_video_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "ptplan.video.analyze", None)  # makes the import raise ImportError
    with pytest.raises(PtplanError) as info:
        run_analysis("/nonexistent.mp4", "gait")
    assert info.value.problems[0].path == "file"
    assert "install ptplan[video]" in info.value.problems[0].message
    assert info.value.problems[0].code == "video_unavailable"


@pytest.fixture
def clip() -> Path:
    pytest.importorskip("mediapipe", reason="needs the video extra: pip install 'ptplan[video]'")
    pytest.importorskip("cv2", reason="needs the video extra: pip install 'ptplan[video]'")
    path = _shared_clip()
    if path is None:
        pytest.skip("real clips absent: set PTPLAN_SHARED_DATA or put them in ../shared/data")
    return path


def _set_keep(world, clinic: str, keep: bool) -> None:
    with world.app.state.sessions() as db:
        db.execute(update(Clinic).where(Clinic.id == world.clinics[clinic].id).values(keep_video_clips=keep))
        db.commit()


@pytest.mark.video
def test_it_analyses_a_real_walk_and_deletes_or_keeps_the_clip_per_clinic_setting(world, clip):
    # One real upload per database: SQLite checks deletion (the default), PostgreSQL checks keeping.
    keep = world.app.state.engine.dialect.name == "postgresql"
    _set_keep(world, "kita", keep)
    try:
        mika = world.client("mika")
        resp = _upload(mika, world.clinics["kita"].assessment_id, clip.read_bytes(), name=clip.name)
        assert resp.status_code == 202, resp.text
        done = _wait(mika, resp.json()["id"])
    finally:
        _set_keep(world, "kita", False)
    assert done["status"] == "done", done["error"]
    cadence = {m["name"]: m["value"] for m in done["result"]["measures"]}["gait.cadence"]
    assert 80 < cadence < 120
    assert done["clip_stored"] is keep
    assert len([p for p in _clips(world) if p.stat().st_size == clip.stat().st_size]) == (1 if keep else 0)
