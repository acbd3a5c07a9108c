"""The patient's calendar feed (RFC 5545): parsed with the icalendar library, events on the prescribed
weekdays with that day's exercises until the review, updated when the plan is edited, refused after
revocation; and ``ptplan plan CASE --format ics``. Both databases (the ``world`` fixture)."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from ptplan.store import repositories as repo

icalendar = pytest.importorskip("icalendar", reason="icalendar (the render extra) is not installed")

from test_worklist import add_patient, issued_plan  # noqa: E402

PASSWORD = "correct horse battery"
BYDAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}


def patient_client(world, name: str, clinic: str = "aoba") -> tuple[TestClient, int]:
    pid = add_patient(world, clinic, name)
    with world.app.state.sessions() as db:
        user = repo.create_user(db, repo.get_or_create_clinic(db, clinic.capitalize()), name, PASSWORD, "patient",
                                patient_id=pid)
        token, _ = repo.issue_token(db, user, "api", dt.timedelta(days=1))
        db.commit()
    return TestClient(world.app, headers={"Authorization": f"Bearer {token}"}, raise_server_exceptions=False), pid


def events(text: str) -> list:
    cal = icalendar.Calendar.from_ical(text)
    assert cal["version"] == "2.0" and cal.get("prodid")
    return list(cal.walk("VEVENT"))


def test_feed_matches_the_schedule_and_is_refused_after_revocation(world):
    client, pid = patient_client(world, "calendar_patient")
    made = client.post("/api/v1/me/calendar")
    assert made.status_code == 201, made.text
    url = made.json()["url"]
    assert "/api/v1/me/calendar.ics?key=" in url
    anonymous = TestClient(world.app, raise_server_exceptions=False)
    r = anonymous.get(url)  # the phone calendar sends the URL only
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    evs = events(r.text)
    plan = issued_plan()
    names = {ex["id"]: ex["name"] for c in plan["program"]["components"] for ex in c["exercises"]}
    days = [d for d in plan["program"]["schedule"]["days"] if d["exercises"]]
    assert days, "the test plan should prescribe some days"
    weekly = [e for e in evs if e.get("rrule")]
    assert sorted(e["rrule"]["BYDAY"][0] for e in weekly) == sorted(BYDAY[d["day"]] for d in days)
    today = dt.date.today()
    weeks = plan["follow_up"]["review_weeks"]
    review_day = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date() + dt.timedelta(weeks=weeks)
    for d in days:
        ev = next(e for e in weekly if e["rrule"]["BYDAY"][0] == BYDAY[d["day"]])
        start = ev.decoded("dtstart")
        assert start.weekday() == list(BYDAY).index(d["day"]) and start >= today - dt.timedelta(days=1)
        for ex in d["exercises"]:
            assert names[ex] in str(ev["summary"]) and names[ex] in str(ev["description"])
        assert ev["rrule"]["UNTIL"][0] < review_day
        assert ev.walk("VALARM"), "each exercise day carries a reminder"
    review = [e for e in evs if not e.get("rrule")]
    assert [e.decoded("dtstart") for e in review] == [review_day]
    assert client.delete("/api/v1/me/calendar").status_code == 204
    assert anonymous.get(url).status_code == 404


def test_a_new_url_replaces_the_old_one(world):
    client, _ = patient_client(world, "calendar_remake")
    old = client.post("/api/v1/me/calendar").json()["url"]
    new = client.post("/api/v1/me/calendar").json()["url"]
    anonymous = TestClient(world.app, raise_server_exceptions=False)
    assert anonymous.get(old).status_code == 404 and anonymous.get(new).status_code == 200
    assert anonymous.get("/api/v1/me/calendar.ics", params={"key": "x" * 40}).status_code == 404
    assert anonymous.get("/api/v1/me/calendar.ics").status_code == 422


def test_the_feed_follows_plan_edits(world):
    client, pid = patient_client(world, "calendar_edited")
    url = client.post("/api/v1/me/calendar").json()["url"]
    anonymous = TestClient(world.app, raise_server_exceptions=False)
    before = events(anonymous.get(url).text)
    plan_id = world.client("taro").get(f"/api/v1/patients/{pid}/plans").json()["items"][0]["id"]
    first = issued_plan()["program"]["components"][0]["exercises"][0]
    r = world.client("taro").post(f"/api/v1/plans/{plan_id}/edits", json={
        "op": "remove", "path": "/program/components/0/exercises/0", "reason": "痛みが出るため"})
    assert r.status_code == 201, r.text
    after = events(anonymous.get(url).text)
    assert {str(e["uid"]) for e in after} <= {str(e["uid"]) for e in before}  # same events, replaced
    assert all(int(e["sequence"]) == 1 for e in after) and all(int(e["sequence"]) == 0 for e in before)
    assert any(first["name"] in str(e.get("description", "")) for e in before)
    assert not any(first["name"] in str(e.get("description", "")) for e in after)


def test_only_patients_have_a_feed(world):
    assert world.client("taro").post("/api/v1/me/calendar").status_code == 403


def test_a_provisional_program_gives_the_review_only(world):
    hana = world.client("hana")  # her plan's screening is incomplete: nothing to exercise yet
    url = hana.post("/api/v1/me/calendar").json()["url"]
    evs = events(TestClient(world.app).get(url).text)
    assert [bool(e.get("rrule")) for e in evs] == [False]
    hana.delete("/api/v1/me/calendar")


def test_cli_plan_format_ics(tmp_path):
    from typer.testing import CliRunner

    from ptplan.cli import app
    from ptplan.core.kb.loader import default_kb

    case = tmp_path / "case.yaml"
    answers = "\n".join(f"  {q}: 'no'" for q in default_kb().red_flag_questions)
    case.write_text("demographics: {age: 52, sex: male}\npain: [{site: low_back, nrs: 5}]\nred_flags:\n" + answers
                    + "\n", encoding="utf-8")
    out = tmp_path / "plan.ics"
    result = CliRunner().invoke(app, ["plan", str(case), "--format", "ics", "-o", str(out),
                                      "--review-date", "2027-01-29"])
    assert result.exit_code == 0, result.output
    evs = events(out.read_text(encoding="utf-8"))
    assert any(e.get("rrule") for e in evs)
    assert [e.decoded("dtstart") for e in evs if not e.get("rrule")] == [dt.date(2027, 1, 29)]


def test_web_patient_makes_and_revokes_the_calendar_url(world):
    from test_worklist import web_login

    with world.app.state.sessions() as db:
        pid = add_patient(world, "kita", "web calendar")
        repo.create_user(db, repo.get_or_create_clinic(db, "Kita"), "web_calendar", PASSWORD, "patient",
                         patient_id=pid)
        db.commit()
    client, _ = web_login(world, "web_calendar")
    assert 'id="make-calendar"' in client.get("/me").text
    r = client.post("/me/calendar", data={"csrf_token": client.cookies.get("ptplan_csrf")})
    assert r.status_code == 200
    url = r.text.split('id="feed-url" readonly value="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    anonymous = TestClient(world.app, raise_server_exceptions=False)
    assert anonymous.get(url).status_code == 200
    r = client.post("/me/calendar/revoke", data={"csrf_token": client.cookies.get("ptplan_csrf")},
                    follow_redirects=False)
    assert r.status_code == 303
    assert anonymous.get(url).status_code == 404
    assert client.post("/me/calendar", data={}).status_code == 403  # no CSRF token
