"""Every GET route that shows patient data writes an audit event naming who read it and which patient or
record (issue 14 item 7; security-review F14). The routes come from the app itself: a new GET route must be
added either to ``AUDITED`` (with the request that shows its data and the event it must write) or to
``NO_PATIENT_DATA`` (reviewed: it shows none), or this test fails."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sec_helpers import PASSWORD, all_routes, sqlite_world
from sqlalchemy import func, select

from ptplan.store.models import AuditEvent

#: GET routes reviewed as showing no patient data, with the reason
NO_PATIENT_DATA = {
    "/": "redirects to the user's home page",
    "/login": "the login form",
    "/self-check": "the public self-check form; nothing is stored or read",
    "/docs": "Swagger UI",
    "/api/v1/openapi.json": "the API's schema",
    "/api/v1/health": "server and database status",
    "/api/v1/auth/me": "the caller's own login account (username, role), no patient record",
    "/api/v1/worklist/settings": "the clinic's alert thresholds",
    "/api/v1/clinic/settings": "the clinic's own settings (keep video clips or not)",
    "/patient.webmanifest": "the web app manifest (names and icons of the app, no login)",
    "/patient-sw.js": "the service worker script, a static file",
}


@dataclass
class Read:
    """One request that shows patient data, and the event it must leave: ``who`` as the user, ``action`` on
    ``resource``, the patient's id (``None`` for pages listing many patients) and the record's id (``None``:
    not checked, or a list)."""

    who: str
    url: str
    action: str
    resource: str
    patient: str | None = "hana"
    record: str | None = None


def audited(c) -> dict[str, list[Read]]:
    """Route → the reads that must be audited, with ``c`` the Aoba clinic's ids (hana's record and plan)."""
    pid, aid, plan, vid = c.patient_id, c.assessment_id, c.plan_id, c.video_id
    api = "/api/v1"
    return {
        f"{api}/patients": [Read("taro", f"{api}/patients", "list", "patient", None)],
        f"{api}/patients/{{patient_id}}": [Read("taro", f"{api}/patients/{pid}", "read", "patient", record="patient")],
        f"{api}/patients/{{patient_id}}/timeline": [Read("taro", f"{api}/patients/{pid}/timeline", "read", "timeline")],
        f"{api}/patients/{{patient_id}}/assessments": [Read("taro", f"{api}/patients/{pid}/assessments", "list",
                                                             "assessment")],
        f"{api}/assessments/{{assessment_id}}": [Read("taro", f"{api}/assessments/{aid}", "read", "assessment",
                                                      record="assessment")],
        f"{api}/patients/{{patient_id}}/measures": [Read("taro", f"{api}/patients/{pid}/measures", "list", "measure"),
                                                    Read("hana", f"{api}/patients/{pid}/measures", "list", "measure")],
        f"{api}/patients/{{patient_id}}/sessions": [Read("taro", f"{api}/patients/{pid}/sessions", "list", "session"),
                                                    Read("hana", f"{api}/patients/{pid}/sessions", "list", "session")],
        f"{api}/plans/{{plan_id}}": [Read("taro", f"{api}/plans/{plan}", "read", "plan", record="plan"),
                                     Read("hana", f"{api}/plans/{plan}", "read", "plan", record="plan")],
        f"{api}/plans/{{plan_id}}/document": [
            Read("taro", f"{api}/plans/{plan}/document?format=fhir", "export", "plan", record="plan"),
            Read("taro", f"{api}/plans/{plan}/document?format=md", "export", "plan", record="plan"),
            Read("hana", f"{api}/plans/{plan}/document?format=html", "export", "plan", record="plan")],
        f"{api}/patients/{{patient_id}}/plans": [Read("taro", f"{api}/patients/{pid}/plans", "list", "plan")],
        f"{api}/patients/{{patient_id}}/reviews": [Read("taro", f"{api}/patients/{pid}/reviews", "list", "review")],
        f"{api}/assessments/{{assessment_id}}/videos": [Read("taro", f"{api}/assessments/{aid}/videos", "list", "video")],
        f"{api}/videos/{{video_id}}": [Read("taro", f"{api}/videos/{vid}", "read", "video", record="video")],
        f"{api}/exports/outcomes.csv": [Read("taro", f"{api}/exports/outcomes.csv", "export", "outcomes", None)],
        f"{api}/audit": [Read("ayako", f"{api}/audit", "list", "audit", None),
                         Read("ayako", f"{api}/audit?patient_id={pid}", "list", "audit")],
        f"{api}/worklist": [Read("taro", f"{api}/worklist", "list", "worklist", None)],
        f"{api}/outcomes": [Read("ayako", f"{api}/outcomes", "read", "outcomes", None),
                            Read("ayako", f"{api}/outcomes?format=csv", "export", "outcomes", None),
                            Read("ayako", f"{api}/outcomes?format=ndjson", "export", "outcomes", None)],
        f"{api}/me/calendar.ics": [Read("hana", f"{api}/me/calendar.ics?key={{feed}}", "read", "calendar_feed",
                                        record="plan")],
        f"{api}/users": [Read("ayako", f"{api}/users", "list", "user", None)],
        f"{api}/users/{{user_id}}": [Read("ayako", f"{api}/users/{c.user_ids['hana']}", "read", "user",
                                          record="hana_user")],
        # the web pages
        "/patients": [Read("taro", "/patients", "list", "patient", None),
                      Read("taro", "/patients?q=aoba", "list", "patient", None)],
        "/patients/{patient_id}": [Read("taro", f"/patients/{pid}", "read", "patient", record="patient")],
        "/patients/{patient_id}/assess": [Read("taro", f"/patients/{pid}/assess", "read", "patient", record="patient"),
                                          Read("taro", f"/patients/{pid}/assess?follow_up=1", "read", "assessment",
                                               record="assessment")],
        "/plans/{plan_id}": [Read("taro", f"/plans/{plan}", "read", "plan", record="plan")],
        "/plans/{plan_id}/review": [Read("taro", f"/plans/{plan}/review", "read", "review", record="plan")],
        "/plans/{plan_id}/handout": [Read("taro", f"/plans/{plan}/handout", "export", "plan", record="plan"),
                                     Read("hana", f"/plans/{plan}/handout", "export", "plan", record="plan")],
        "/plans/{plan_id}/rehab-plan": [Read("taro", f"/plans/{plan}/rehab-plan", "export", "plan", record="plan")],
        "/me": [Read("hana", "/me", "read", "plan", record="plan")],
        "/me/progress": [Read("hana", "/me/progress", "read", "session")],
        "/admin": [Read("ayako", "/admin", "list", "patient", None)],
        "/admin/audit": [Read("ayako", "/admin/audit", "list", "audit", None),
                         Read("ayako", f"/admin/audit?patient_id={pid}", "list", "audit")],
        "/worklist": [Read("taro", "/worklist", "list", "worklist", None)],
        "/outcomes": [Read("ayako", "/outcomes", "read", "outcomes", None)],
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with sqlite_world(tmp_path_factory.mktemp("audit")) as w:
        yield w


def _browser(world, username: str) -> TestClient:
    """A client with ``username``'s session cookie (the web pages) and bearer token (the API)."""
    client = TestClient(world.app, raise_server_exceptions=False,
                        headers={"Authorization": f"Bearer {world.tokens[username]}"})
    assert client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD}).status_code == 200
    return client


def _events_after(world, last_id: int) -> list[AuditEvent]:
    with world.app.state.sessions() as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id)))


def _last_id(world) -> int:
    with world.app.state.sessions() as db:
        return db.scalar(select(func.max(AuditEvent.id))) or 0


def test_every_get_route_is_either_audited_or_reviewed_as_showing_no_patient_data(world):
    routes = {path for method, path in all_routes(world.app) if method == "GET"}
    table = audited(world.clinics["aoba"])
    assert not set(table) & set(NO_PATIENT_DATA)
    assert routes - set(table) - set(NO_PATIENT_DATA) == set(), "a GET route is neither audited here nor reviewed"
    assert set(table) | set(NO_PATIENT_DATA) <= routes, "a listed route no longer exists"
    assert len(table) >= 30


def test_each_read_of_patient_data_writes_an_event_with_the_reader_and_the_patient(world, monkeypatch):
    import ptplan.render

    # the documents are audited before they are rendered; rendering them (a PDF takes seconds) is tested elsewhere
    monkeypatch.setattr(ptplan.render, "render", lambda plan, fmt, *a, **kw: "rendered")
    c = world.clinics["aoba"]
    clients = {who: _browser(world, who) for who in ("ayako", "taro", "hana")}
    feed = clients["hana"].post("/api/v1/me/calendar").json()["key"]
    records = {"patient": c.patient_id, "assessment": c.assessment_id, "plan": c.plan_id, "video": c.video_id,
               "hana_user": c.user_ids["hana"]}
    checked, missing = 0, []
    for route, reads in audited(c).items():
        for read in reads:
            before = _last_id(world)
            url = read.url.replace("{feed}", feed)
            client = TestClient(world.app, raise_server_exceptions=False) if "key=" in url else clients[read.who]
            resp = client.get(url, follow_redirects=False)
            where = f"{route}: GET {url} as {read.who}"
            assert resp.status_code == 200, f"{where} -> {resp.status_code} {resp.text[:200]}"
            events = [(e.username, e.action, e.resource, e.patient_id, e.resource_id) for e in _events_after(world, before)]
            patient = c.patient_id if read.patient else None
            matching = [e for e in events if e[:4] == (read.who, read.action, read.resource, patient)
                        and (read.record is None or e[4] == records[read.record])]
            if not matching:
                missing.append(f"{where} left no ({read.who}, {read.action}, {read.resource}, patient {patient}, "
                               f"record {read.record}) event; it left {events}")
            checked += 1
    assert missing == []
    assert checked >= 38


def test_the_audit_log_shows_that_it_was_read_and_by_whom(world):
    """Reading the log is itself in the log (the next page shows it), filtered or not."""
    admin = world.client("ayako")
    hana = world.clinics["aoba"].patient_id
    assert admin.get("/api/v1/audit", params={"patient_id": hana}).status_code == 200
    items = admin.get("/api/v1/audit", params={"limit": 5}).json()["items"]
    assert (items[0]["username"], items[0]["action"], items[0]["resource"], items[0]["patient_id"]) == (
        "ayako", "list", "audit", hana)
    # a filter on an id no row can have is still a read of the log, recorded without the impossible id
    assert admin.get("/api/v1/audit", params={"patient_id": 2**40}).status_code == 200
    newest = admin.get("/api/v1/audit", params={"limit": 1}).json()["items"][0]
    assert (newest["resource"], newest["patient_id"]) == ("audit", None)


@pytest.mark.parametrize("typed", [
    {"pain.low_back.nrs": "11"},  # a field error
    {"pain.low_back.nrs": "5", "red_flags.saddle_numbness": "no", "assessed_on": "2026-02-30",
     "patient.chart_number": "A-77"},  # a date no calendar has, with a record change that must not be stored
], ids=["field error", "impossible date with a record change"])
def test_an_assessment_form_refused_and_shown_again_writes_no_read_event_and_stores_nothing(world, typed):
    from ptplan.store.models import Assessment, Patient

    taro = _browser(world, "taro")
    pid = world.clinics["aoba"].other_patient_id
    assert taro.get(f"/patients/{pid}/assess").status_code == 200  # opening the form is the audited read
    before = _last_id(world)
    with world.app.state.sessions() as db:
        assessments = db.scalar(select(func.count()).select_from(Assessment).where(Assessment.patient_id == pid))
    resp = taro.post(f"/patients/{pid}/assess", data={"csrf_token": taro.cookies.get("ptplan_csrf"), **typed},
                     follow_redirects=False)
    assert resp.status_code == 422, resp.text[:300]
    assert all(f'value="{v}"' in resp.text for k, v in typed.items() if k != "red_flags.saddle_numbness")
    assert [(e.action, e.resource) for e in _events_after(world, before)] == []
    with world.app.state.sessions() as db:
        assert db.get(Patient, pid).chart_number is None
        assert db.scalar(select(func.count()).select_from(Assessment).where(Assessment.patient_id == pid)) == assessments


def test_an_assessment_refused_after_the_record_change_leaves_the_record_and_its_audit_trail_unchanged(
        world, monkeypatch):
    """The record change (カルテ番号, フリガナ) and the assessment are one transaction: when the last step of the
    save refuses (an InputError from the plan), the form answers 422 and neither the record change nor its
    'update patient' event is stored."""
    from ptplan.clinic import plans
    from ptplan.errors import InputError
    from ptplan.store.models import Assessment, Patient

    def refuse(*_args, **_kwargs):
        raise InputError.single("case.assessed_on", "refused by the test", "test", "テストで拒否")

    taro = _browser(world, "taro")
    pid = world.clinics["aoba"].other_patient_id
    assert taro.get(f"/patients/{pid}/assess").status_code == 200
    with world.app.state.sessions() as db:
        furigana = db.get(Patient, pid).furigana
        assessments = db.scalar(select(func.count()).select_from(Assessment).where(Assessment.patient_id == pid))
    before = _last_id(world)
    monkeypatch.setattr(plans, "make", refuse)
    typed = {"pain.low_back.nrs": "5", "patient.chart_number": "B-88", "patient.furigana": "テスト ヘンコウ"}
    resp = taro.post(f"/patients/{pid}/assess", data={"csrf_token": taro.cookies.get("ptplan_csrf"), **typed},
                     follow_redirects=False)
    assert resp.status_code == 422, resp.text[:300]
    assert 'value="B-88"' in resp.text
    assert [(e.action, e.resource) for e in _events_after(world, before)] == []
    with world.app.state.sessions() as db:
        assert (db.get(Patient, pid).chart_number, db.get(Patient, pid).furigana) == (None, furigana)
        assert db.scalar(select(func.count()).select_from(Assessment).where(Assessment.patient_id == pid)) == assessments
    # the same form saved: the record change, its one update event and the assessment are stored together
    monkeypatch.undo()
    resp = taro.post(f"/patients/{pid}/assess", data={"csrf_token": taro.cookies.get("ptplan_csrf"), **typed},
                     follow_redirects=False)
    assert resp.status_code == 303, resp.text[:300]
    events = [(e.action, e.resource, e.detail) for e in _events_after(world, before)]
    assert ("update", "patient", "chart_number,furigana") in events
    assert [e[:2] for e in events].count(("update", "patient")) == 1
    assert ("create", "assessment") in [e[:2] for e in events]
    with world.app.state.sessions() as db:
        assert (db.get(Patient, pid).chart_number, db.get(Patient, pid).furigana) == ("B-88", "テスト ヘンコウ")
