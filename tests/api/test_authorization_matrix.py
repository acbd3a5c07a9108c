"""Every endpoint × every role × own or other clinic.

Rules the matrix checks: a role that may not use an endpoint gets 403 (before any lookup, so nothing
leaks); a record of another clinic is 404 for everyone, as if it did not exist; a patient reaches only
their own record (another patient of the same clinic is 404); nobody without a token gets past 401.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sample_clips import tiny_mp4

ALL = ("admin", "therapist", "patient")
STAFF = ("admin", "therapist")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {patient} {assessment} {plan} {user} are filled from the target clinic
    roles: tuple[str, ...]
    body: dict | None = None
    ok: int = 200
    targeted: bool = True  # False: the endpoint is scoped to the caller's clinic, there is no "other" target
    upload: bool = False  # True: the body is a multipart form (``body`` are its fields) with a tiny clip that decodes


ENDPOINTS = [
    Endpoint("GET", "/patients", STAFF, targeted=False),
    Endpoint("POST", "/patients", STAFF, {"name": "New Patient"}, 201, targeted=False),
    Endpoint("GET", "/patients/{patient}", ALL),
    Endpoint("PATCH", "/patients/{patient}", STAFF, {"note": "seen today"}),
    Endpoint("GET", "/patients/{patient}/timeline", ALL),
    Endpoint("GET", "/patients/{patient}/assessments", ALL),
    Endpoint("POST", "/patients/{patient}/assessments", ("therapist",), {"case": {"lang": "ja"}}, 201),
    Endpoint("GET", "/assessments/{assessment}", ALL),
    Endpoint("GET", "/patients/{patient}/measures", ALL),
    Endpoint("POST", "/patients/{patient}/measures", ("therapist", "patient"),
             {"name": "nrs", "answers": [4], "taken_on": "2026-02-01"}, 201),
    Endpoint("GET", "/patients/{patient}/sessions", ALL),
    Endpoint("POST", "/patients/{patient}/sessions", ("therapist", "patient"), {"date": "2026-02-01"}, 201),
    Endpoint("POST", "/plans", ("therapist",), {"assessment_id": "{assessment}"}, 201),
    Endpoint("GET", "/plans/{plan}", ALL),
    Endpoint("GET", "/patients/{patient}/plans", ALL),
    Endpoint("GET", "/plans/{plan}/document?format=md", ALL),
    Endpoint("POST", "/plans/{plan}/edits", ("therapist",), {"op": "note", "path": "", "reason": "tolerates more"},
             201),
    Endpoint("POST", "/plans/{plan}/reviews", ("therapist",), {}, 201),
    Endpoint("GET", "/patients/{patient}/reviews", ALL),
    Endpoint("POST", "/assessments/{assessment}/videos", ("therapist",), {"task": "gait"}, 202, upload=True),
    Endpoint("GET", "/assessments/{assessment}/videos", ALL),
    Endpoint("GET", "/videos/{video}", ALL),
    Endpoint("GET", "/users", ("admin",), targeted=False),
    Endpoint("POST", "/users", ("admin",), {"username": "newbie{n}", "password": "long-enough-pw", "role": "therapist"},
             201, targeted=False),
    Endpoint("GET", "/users/{user}", ("admin",)),
    Endpoint("PATCH", "/users/{user}", ("admin",), {"display_name": "Renamed"}),
    Endpoint("GET", "/audit", ("admin",), targeted=False),
    Endpoint("GET", "/clinic/settings", ("admin",), targeted=False),
    Endpoint("PATCH", "/clinic/settings", ("admin",), {"keep_video_clips": False}, targeted=False),
    Endpoint("GET", "/exports/outcomes.csv", STAFF, targeted=False),
    Endpoint("GET", "/outcomes", ("admin",), targeted=False),
    Endpoint("GET", "/outcomes?format=csv", ("admin",), targeted=False),
    Endpoint("GET", "/outcomes?format=ndjson", ("admin",), targeted=False),
    Endpoint("GET", "/auth/me", ALL, targeted=False),
]
PERSONAS = {"ayako": "admin", "taro": "therapist", "hana": "patient",  # Aoba clinic
            "kenji": "admin", "mika": "therapist", "sora": "patient"}  # Kita clinic
_counter = iter(range(10**6))


def _fill(value, ids: dict):
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if filled.isdigit() and value.startswith("{") else filled
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _send(client, ep: Endpoint, ids: dict):
    url = "/api/v1" + _fill(ep.path, ids)
    if ep.upload:
        return client.request(ep.method, url, data=_fill(ep.body, ids), files={"file": ("clip.mp4", tiny_mp4())})
    return client.request(ep.method, url, json=_fill(ep.body, ids))


def _ids(world, clinic: str) -> dict:
    c = world.clinics[clinic]
    return {"patient": c.patient_id, "assessment": c.assessment_id, "plan": c.plan_id, "video": c.video_id,
            "user": c.user_ids["mika" if clinic == "kita" else "taro"], "n": next(_counter)}


def _expected(ep: Endpoint, role: str, target: str) -> int:
    if role not in ep.roles:
        return 403
    return ep.ok if target == "own" else 404


def _cases():
    for ep in ENDPOINTS:
        for who, role in PERSONAS.items():
            for target in (("own", "other") if ep.targeted else ("own",)):
                yield pytest.param(ep, who, target, id=f"{ep.method} {ep.path} as {role} {who} on {target} clinic")


@pytest.mark.parametrize(("ep", "who", "target"), list(_cases()))
def test_it_enforces_role_and_clinic_for(world, ep, who, target):
    home = world.clinic_of[who]
    ids = _ids(world, home if target == "own" else ({"aoba", "kita"} - {home}).pop())
    resp = _send(world.client(who), ep, ids)
    assert resp.status_code == _expected(ep, PERSONAS[who], target), resp.text
    if resp.status_code >= 400:
        assert resp.json()["error"]["code"] in {"forbidden", "not_found"}


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda ep: f"{ep.method} {ep.path}")
def test_it_asks_for_login_without_a_token(world, ep):
    ids = _ids(world, "aoba")
    resp = _send(world.client(), ep, ids)
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "unauthenticated"
    assert resp.headers["www-authenticate"] == "Bearer"


PATIENT_SCOPED = [ep for ep in ENDPOINTS if ep.path.startswith("/patients/{patient}") and "patient" in ep.roles]


@pytest.mark.parametrize("ep", PATIENT_SCOPED, ids=lambda ep: f"{ep.method} {ep.path}")
def test_it_hides_jun_from_patient_hana_of_the_same_clinic(world, ep):
    ids = {**_ids(world, "aoba"), "patient": world.clinics["aoba"].other_patient_id}
    resp = _send(world.client("hana"), ep, ids)
    assert resp.status_code == 404
