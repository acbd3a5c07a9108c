"""Bad input answers 4xx naming the field, never a 500: far-future and ancient dates, NUL bytes, non-ASCII
digits, over-long forwarded headers, deeply nested JSON."""

from __future__ import annotations

import pytest
from sec_helpers import sqlite_world


@pytest.fixture
def world(tmp_path):
    with sqlite_world(tmp_path) as w:
        yield w


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2999-01-01"])
def test_a_patient_cannot_log_a_session_or_measure_far_from_today(world, day):
    hana = world.client("hana")
    pid = world.clinics["aoba"].patient_id
    resp = hana.post(f"/api/v1/patients/{pid}/sessions", json={"date": day, "pain_before": 3})
    assert resp.status_code == 422 and resp.json()["error"]["problems"][0]["field"] == "date", resp.text
    resp = world.client("taro").post(f"/api/v1/patients/{pid}/measures", json={"name": "nrs", "answers": [4],
                                                                                "taken_on": day})
    assert resp.status_code == 422 and resp.json()["error"]["problems"][0]["field"] == "taken_on", resp.text
    assert world.client("taro").get(f"/patients/{pid}").status_code == 200  # the pages still open


def test_odd_values_answer_4xx_never_500(world):
    taro = world.client("taro")
    pid = world.clinics["aoba"].patient_id
    for method, path, kw in [
        ("GET", "/api/v1/patients", {"params": {"q": "a\x00b"}}),
        ("GET", "/api/v1/plans/2147483648", {}),
        ("GET", "/api/v1/audit", {"params": {"patient_id": 2**53}}),
        ("GET", "/patients", {"params": {"q": "a\x00b"}}),
        ("POST", "/self-check", {"data": {"age": "²"}}),
        ("POST", "/self-check", {"data": {"age": "9" * 5000}}),
        ("GET", "/admin/audit", {"params": {"patient_id": "²", "offset": "9" * 20}}),
        ("POST", f"/api/v1/patients/{pid}/sessions", {"content": "[" * 5000 + "]" * 5000,
                                                      "headers": {"Content-Type": "application/json"}}),
        ("GET", "/api/v1/auth/me", {"headers": {"X-Forwarded-For": "1" * 5000}}),
    ]:
        resp = taro.request(method, path, **kw)
        assert resp.status_code < 500, (method, path, resp.status_code, resp.text[:200])
