"""The authorization matrix run against the clinic layer itself, and through the web pages.

Same rules as ``test_authorization_matrix`` (the JSON API): a role that may not use a use case gets
PermissionDenied before any lookup; a record of another clinic is NotFound for everyone; a patient
reaches only their own record. Here every use case of :mod:`ptplan.clinic` is called directly with an
Actor, and every page and form of the web is requested with a session cookie.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from personas import CASE, PASSWORD
from test_authorization_matrix import ALL, PERSONAS, STAFF

from ptplan.clinic import (
    assessments,
    audit_log,
    clinic_settings,
    exports,
    measures,
    patients,
    plans,
    read_models,
    sessions,
    users,
    videos,
)
from ptplan.clinic.access import Actor
from ptplan.core.case import Case
from ptplan.errors import NotFoundError, PermissionDenied
from ptplan.store.models import User
from sample_clips import tiny_mp4

THERAPIST, CARE = ("therapist",), ("therapist", "patient")


@dataclass(frozen=True)
class UseCase:
    name: str
    roles: tuple[str, ...]
    call: Callable[[Actor, dict], object]
    targeted: bool = True

    @property
    def by_patient_id(self) -> bool:
        return "patient" in self.call.__code__.co_consts  # the call reads i["patient"]


USE_CASES = [
    UseCase("list_patients", STAFF, lambda a, i: patients.list_patients(a, None, 10, 0), targeted=False),
    UseCase("create_patient", STAFF, lambda a, i: patients.create_patient(a, {"name": "New"}), targeted=False),
    UseCase("get_patient", ALL, lambda a, i: patients.get_patient(a, i["patient"])),
    UseCase("update_patient", STAFF, lambda a, i: patients.update_patient(a, i["patient"], {"note": "seen"})),
    UseCase("timeline", ALL, lambda a, i: patients.timeline(a, i["patient"], 10)),
    UseCase("list_assessments", ALL, lambda a, i: assessments.list_assessments(a, i["patient"], 10, 0)),
    UseCase("add_assessment", THERAPIST, lambda a, i: assessments.add_assessment(a, i["patient"], Case.model_validate(CASE))),
    UseCase("assess_and_plan", THERAPIST,
            lambda a, i: assessments.assess_and_plan(a, i["patient"], Case.model_validate(CASE), "ja")),
    UseCase("get_assessment", ALL, lambda a, i: assessments.get_assessment(a, i["assessment"])),
    UseCase("latest_case", ALL, lambda a, i: assessments.latest_case(a, i["patient"])),
    UseCase("form_patient", THERAPIST, lambda a, i: assessments.form_patient(a, i["patient"])),
    UseCase("list_measures", ALL, lambda a, i: measures.list_measures(a, i["patient"], 10, 0)),
    UseCase("record_measure", CARE, lambda a, i: measures.record_measure(a, i["patient"], "nrs", [4], _day())),
    UseCase("list_sessions", ALL, lambda a, i: sessions.list_sessions(a, i["patient"], 10, 0)),
    UseCase("log_session", CARE, lambda a, i: sessions.log_session(a, i["patient"], {"date": _day()})),
    UseCase("create_plan", THERAPIST, lambda a, i: plans.create_plan(a, i["assessment"], "ja")),
    UseCase("get_plan", ALL, lambda a, i: plans.get_plan(a, i["plan"])),
    UseCase("list_plans", ALL, lambda a, i: plans.list_plans(a, i["patient"], 10, 0)),
    UseCase("edit_plan", THERAPIST, lambda a, i: plans.edit_plan(a, i["plan"], {"op": "note", "reason": "ok"})),
    UseCase("review", THERAPIST, lambda a, i: plans.review(a, i["plan"], "ja")),
    UseCase("list_reviews", ALL, lambda a, i: plans.list_reviews(a, i["patient"], 10, 0)),
    UseCase("upload_video", THERAPIST, lambda a, i: videos.upload(a, i["assessment"], io.BytesIO(tiny_mp4()), "c.mp4",
                                                                  "gait", i["folder"], 10**6)),
    UseCase("list_videos", ALL, lambda a, i: videos.list_videos(a, i["assessment"], 10, 0)),
    UseCase("get_video", ALL, lambda a, i: videos.get_video(a, i["video"])),
    UseCase("list_users", ("admin",), lambda a, i: users.list_users(a, 10, 0), targeted=False),
    UseCase("create_user", ("admin",), lambda a, i: users.create_user(a, f"u{i['n']}", "long-enough-pw", "therapist"),
            targeted=False),
    UseCase("get_user", ("admin",), lambda a, i: users.get_user(a, i["user"])),
    UseCase("update_user", ("admin",), lambda a, i: users.update_user(a, i["user"], {"display_name": "R"})),
    UseCase("admin_page", ("admin",), lambda a, i: users.admin_page(a), targeted=False),
    UseCase("get_clinic_settings", ("admin",), lambda a, i: clinic_settings.get_settings(a), targeted=False),
    UseCase("update_clinic_settings", ("admin",),
            lambda a, i: clinic_settings.update_settings(a, {"keep_video_clips": False}), targeted=False),
    UseCase("audit_events", ("admin",), lambda a, i: audit_log.list_events(a, None, 10, 0), targeted=False),
    UseCase("outcome_rows", STAFF, lambda a, i: exports.outcome_rows(a, "secret"), targeted=False),
    UseCase("patient_rows", STAFF, lambda a, i: read_models.patient_rows(a, None), targeted=False),
    UseCase("patient_page", STAFF, lambda a, i: read_models.patient_page(a, i["patient"])),
    UseCase("review_page", STAFF, lambda a, i: read_models.review_page(a, i["plan"])),
    UseCase("my_plan", ("patient",), lambda a, i: read_models.my_plan(a), targeted=False),
    UseCase("my_progress", ("patient",), lambda a, i: read_models.my_progress(a), targeted=False),
]
_counter = iter(range(10**6))


def _day():
    import datetime as dt

    return dt.date(2026, 2, 1)


def _ids(world, clinic: str, tmp_path) -> dict:
    c = world.clinics[clinic]
    return {"patient": c.patient_id, "assessment": c.assessment_id, "plan": c.plan_id, "video": c.video_id,
            "user": c.user_ids["mika" if clinic == "kita" else "taro"], "n": next(_counter), "folder": tmp_path}


def _cases():
    for uc in USE_CASES:
        for who, role in PERSONAS.items():
            for target in (("own", "other") if uc.targeted else ("own",)):
                yield pytest.param(uc, who, target, id=f"{uc.name} as {role} {who} on {target} clinic")


@pytest.mark.parametrize(("uc", "who", "target"), list(_cases()))
def test_it_enforces_role_and_clinic_in_the_use_case(world, tmp_path, uc, who, target):
    home = world.clinic_of[who]
    ids = _ids(world, home if target == "own" else ({"aoba", "kita"} - {home}).pop(), tmp_path)
    with world.app.state.sessions() as db:
        actor = Actor(db.get(User, world.clinics[home].user_ids[who]), db, "127.0.0.1")
        if PERSONAS[who] not in uc.roles:
            with pytest.raises(PermissionDenied):
                uc.call(actor, ids)
        elif target == "other":
            with pytest.raises(NotFoundError):
                uc.call(actor, ids)
        else:
            uc.call(actor, ids)


@pytest.mark.parametrize("uc", [u for u in USE_CASES if "patient" in u.roles and u.by_patient_id], ids=lambda u: u.name)
def test_it_hides_jun_from_patient_hana_in_every_use_case(world, tmp_path, uc):
    ids = {**_ids(world, "aoba", tmp_path), "patient": world.clinics["aoba"].other_patient_id}
    with world.app.state.sessions() as db:
        actor = Actor(db.get(User, world.clinics["aoba"].user_ids["hana"]), db, "127.0.0.1")
        with pytest.raises(NotFoundError):
            uc.call(actor, ids)


# --- the same rules through the web pages -------------------------------------------------------

@dataclass(frozen=True)
class Page:
    method: str
    path: str
    roles: tuple[str, ...]
    form: dict | None = None
    ok: tuple[int, ...] = (200,)
    targeted: bool = True


PAGES = [
    Page("GET", "/patients", STAFF, targeted=False),
    Page("POST", "/patients", STAFF, {"name": "Web Patient"}, (303,), targeted=False),
    Page("GET", "/patients/{patient}", STAFF),
    Page("GET", "/patients/{patient}/assess?follow_up=1", THERAPIST),
    Page("POST", "/patients/{patient}/assess", THERAPIST, {"red_flags.saddle_numbness": "no", "demographics.age": "40"},
         (303,)),
    Page("GET", "/plans/{plan}", STAFF),
    Page("POST", "/plans/{plan}/edit", THERAPIST, {"action": "remove", "component": "5", "exercise_index": "0",
                                                   "reason": "x"}, (422,)),  # the world's plan has no components
    Page("GET", "/plans/{plan}/review", STAFF),
    Page("POST", "/plans/{plan}/review", THERAPIST, {}, (303,)),
    Page("GET", "/plans/{plan}/handout", ALL),
    Page("GET", "/me", ("patient",), targeted=False),
    Page("GET", "/me/progress", ("patient",), targeted=False),
    Page("POST", "/me/sessions", ("patient",), {"performed_on": "2026-02-01", "pain_after": "3"}, (303,),
         targeted=False),
    Page("GET", "/admin", ("admin",), targeted=False),
    Page("POST", "/admin/users", ("admin",), {"username": "web{n}", "password": "long-enough-pw", "role": "therapist"},
         (303,), targeted=False),
    Page("GET", "/admin/audit", ("admin",), targeted=False),
    Page("POST", "/admin/settings", ("admin",), {}, (303,), targeted=False),  # box unchecked: keep clips off
]


@pytest.fixture(scope="module")
def browsers(world):
    out = {}
    for who in PERSONAS:
        client = TestClient(world.app, raise_server_exceptions=False, follow_redirects=False)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        form = {"username": who, "password": PASSWORD, "csrf_token": token}
        assert client.post("/login", data=form).status_code == 303
        out[who] = client
    return out


def _page_cases():
    for pg in PAGES:
        for who, role in PERSONAS.items():
            for target in (("own", "other") if pg.targeted else ("own",)):
                yield pytest.param(pg, who, target, id=f"{pg.method} {pg.path} as {role} {who} on {target} clinic")


@pytest.mark.parametrize(("pg", "who", "target"), list(_page_cases()))
def test_it_enforces_role_and_clinic_on_every_page(world, browsers, tmp_path, pg, who, target):
    home = world.clinic_of[who]
    ids = _ids(world, home if target == "own" else ({"aoba", "kita"} - {home}).pop(), tmp_path)
    client = browsers[who]
    url = pg.path.format(**ids)
    if pg.method == "GET":
        resp = client.get(url)
    else:
        form = {k: v.format(**ids) for k, v in (pg.form or {}).items()}
        resp = client.post(url, data={**form, "csrf_token": client.cookies.get("ptplan_csrf")})
    expected = (403,) if PERSONAS[who] not in pg.roles else pg.ok if target == "own" else (404,)
    assert resp.status_code in expected, resp.text[:300]
