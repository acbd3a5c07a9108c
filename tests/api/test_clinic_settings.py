"""Clinic settings: an admin reads and changes keep_video_clips for their own clinic, the change is audited,
bad input is a 422 naming the field, and the job layer honours the setting (clip kept or deleted after done)."""

from __future__ import annotations

import secrets

from huey import MemoryHuey

from ptplan.clinic.jobs import VideoJobs
from ptplan.store.models import VideoAnalysis

URL = "/api/v1/clinic/settings"


def _analysed_clip(world, tmp_path) -> tuple[bool, bool]:
    """Queue and run one job in Aoba with a stand-in analyser; (clip still on disk, clip_path still set)."""
    clip = tmp_path / f"{secrets.token_hex(4)}.mp4"
    clip.write_bytes(b"clip")
    aoba = world.clinics["aoba"]
    with world.app.state.sessions() as db:
        row = VideoAnalysis(clinic_id=aoba.id, patient_id=aoba.patient_id, assessment_id=aoba.assessment_id,
                            task="gait", filename="c.mp4", size_bytes=4, clip_path=str(clip), status="queued")
        db.add(row)
        db.commit()
        video_id = row.id
    jobs = VideoJobs(world.app.state.sessions, MemoryHuey("settings", results=False, utc=True),
                     lambda path, task: {"task": task}, heartbeat_seconds=1)
    jobs.submit(video_id)
    jobs.huey.execute(jobs.huey.dequeue())
    with world.app.state.sessions() as db:
        row = db.get(VideoAnalysis, video_id)
        assert row.status == "done"
        return clip.exists(), row.clip_path is not None


def test_an_admin_turns_keeping_clips_on_and_off_and_each_change_is_audited(sqlite_world, tmp_path):
    ayako = sqlite_world.client("ayako")
    assert ayako.get(URL).json() == {"keep_video_clips": False}
    assert _analysed_clip(sqlite_world, tmp_path) == (False, False)  # the default deletes the clip
    resp = ayako.patch(URL, json={"keep_video_clips": True})
    assert resp.status_code == 200 and resp.json() == {"keep_video_clips": True}
    assert ayako.get(URL).json() == {"keep_video_clips": True}
    assert _analysed_clip(sqlite_world, tmp_path) == (True, True)
    assert ayako.patch(URL, json={"keep_video_clips": False}).json() == {"keep_video_clips": False}
    assert _analysed_clip(sqlite_world, tmp_path) == (False, False)
    events = ayako.get("/api/v1/audit", params={"limit": 50}).json()["items"]
    changes = [e["detail"] for e in events if e["resource"] == "clinic_settings"]
    assert changes == ["keep_video_clips: True -> False", "keep_video_clips: False -> True"]  # newest first
    assert all(e["username"] == "ayako" and e["action"] == "update" for e in events if e["resource"] == "clinic_settings")


def test_it_changes_only_the_admins_own_clinic(sqlite_world):
    assert sqlite_world.client("ayako").patch(URL, json={"keep_video_clips": True}).status_code == 200
    assert sqlite_world.client("kenji").get(URL).json() == {"keep_video_clips": False}


def test_a_setting_that_is_not_a_yes_or_no_is_a_422_naming_the_field(sqlite_world):
    ayako = sqlite_world.client("ayako")
    for body, field in (({"keep_video_clips": "sometimes"}, "keep_video_clips"), ({"keep_clips": True}, "keep_clips")):
        resp = ayako.patch(URL, json=body)
        assert resp.status_code == 422, resp.text
        assert [p["field"] for p in resp.json()["error"]["problems"]] == [field]
    assert ayako.get(URL).json() == {"keep_video_clips": False}
