"""Uploads are authenticated and authorized from their headers before the body is read: an anonymous
100 MiB upload is refused without the server reading it or writing anything to disk."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sec_helpers import sqlite_world

MIB = 1024 * 1024


@pytest.fixture
def world(tmp_path):
    with sqlite_world(tmp_path) as w:
        yield w


def _body(total: int, counter: list[int]):
    """A multipart body of ``total`` bytes, generated as it is read (counts what the server pulled)."""
    head = (b"--b\r\nContent-Disposition: form-data; name=\"task\"\r\n\r\nsquat\r\n--b\r\nContent-Disposition: form-data; "
            b"name=\"file\"; filename=\"big.mp4\"\r\nContent-Type: video/mp4\r\n\r\n")
    yield head
    chunk = b"\0" * MIB
    sent = len(head)
    while sent < total:
        counter[0] += 1
        sent += len(chunk)
        yield chunk
    yield b"\r\n--b--\r\n"


def _disk_used(folders) -> int:
    return sum(f.stat().st_size for d in folders if d.exists() for f in Path(d).rglob("*") if f.is_file())


@pytest.mark.parametrize("who", [None, "hana", "bad-token", "cookie-without-csrf"])
def test_an_unauthorized_100_mib_upload_is_refused_before_the_body_is_read(world, who, monkeypatch, tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setenv("TMPDIR", str(spool))
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    client = TestClient(world.app, raise_server_exceptions=False)
    headers = {"Content-Type": "multipart/form-data; boundary=b"}  # chunked: no Content-Length to refuse on
    if who == "hana":
        headers["Authorization"] = f"Bearer {world.tokens['hana']}"  # a patient may not upload
    elif who == "bad-token":
        headers["Authorization"] = "Bearer not-a-token"
    elif who == "cookie-without-csrf":
        assert client.post("/api/v1/auth/login", json={"username": "taro", "password": "correct horse battery"}
                           ).status_code == 200
    pulled = [0]
    aid = world.clinics["aoba"].assessment_id
    resp = client.post(f"/api/v1/assessments/{aid}/videos", content=_body(100 * MIB, pulled), headers=headers)
    assert resp.status_code == {None: 401, "bad-token": 401, "hana": 403, "cookie-without-csrf": 403}[who], resp.text
    assert pulled[0] <= 1, f"{pulled[0]} MiB of the body were read"  # the client may have one chunk in flight
    videos = world.app.state.settings.data_dir / "videos"
    assert _disk_used([spool, videos]) == 0
    assert resp.headers["connection"] == "close"


def test_a_therapist_upload_still_goes_through_the_gate(world):
    aid = world.clinics["aoba"].assessment_id
    resp = world.client("taro").post(f"/api/v1/assessments/{aid}/videos", data={"task": "squat"},
                                     files={"file": ("x.mp4", os.urandom(2048), "video/mp4")})
    # past the gate: the route's own clip check answers (random bytes are no video), not 401/403
    assert resp.status_code == 415 and resp.json()["error"]["problems"][0]["field"] == "file", resp.text
