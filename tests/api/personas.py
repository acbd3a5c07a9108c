"""Two clinics with named people (see conftest for who is who); shared by the fixtures and by the
schemathesis module, which must build its app at import time."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from fastapi.testclient import TestClient

from ptplan.core.case import Case
from ptplan.core.services import make_plan
from ptplan.server import create_app
from ptplan.settings import Settings
from ptplan.store import repositories as repo
from ptplan.store.models import MeasureResult, Plan, SessionLog, VideoAnalysis

PASSWORD = "correct horse battery"
CASE = {"lang": "ja", "demographics": {"age": 48, "sex": "female"}, "pain": [{"site": "low_back", "nrs": 5}],
        "red_flags": {"saddle_numbness": "no"}}
PEOPLE = {"aoba": {"ayako": "admin", "taro": "therapist", "hana": "patient"},
          "kita": {"kenji": "admin", "mika": "therapist", "sora": "patient"}}


@dataclass
class ClinicData:
    id: int
    patient_id: int  # the record of the clinic's patient with a login (hana / sora)
    other_patient_id: int  # a second patient of the same clinic (jun / yuki)
    assessment_id: int
    plan_id: int
    video_id: int = 0  # a finished analysis of the patient's assessment
    user_ids: dict[str, int] = field(default_factory=dict)


@dataclass
class World:
    app: object
    tokens: dict[str, str]
    clinics: dict[str, ClinicData]
    clinic_of: dict[str, str]

    def client(self, who: str | None = None) -> TestClient:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return TestClient(self.app, headers=headers, raise_server_exceptions=False)


def _seed_clinic(db, name: str, people: dict[str, str], tokens: dict[str, str]) -> ClinicData:
    clinic = repo.get_or_create_clinic(db, name)
    own = repo.create_patient(db, clinic.id, name=f"{name} patient with login", birth_year=1975, sex="female")
    other = repo.create_patient(db, clinic.id, name=f"{name} second patient", birth_year=1960, sex="male")
    data = ClinicData(clinic.id, own.id, other.id, 0, 0)
    for username, role in people.items():
        user = repo.create_user(db, clinic, username, PASSWORD, role, username,
                                own.id if role == "patient" else None)
        data.user_ids[username] = user.id
        tokens[username], _ = repo.issue_token(db, user, "api", dt.timedelta(days=1))
    for patient in (own, other):
        assessment = repo.add_assessment(db, patient, CASE, dt.date(2026, 1, 5), None)
        plan = repo.add_record(db, Plan, patient, None, assessment_id=assessment.id, kb_version="1.0.0", lang="ja",
                               plan_json=_plan(), edits=[])
        repo.add_record(db, MeasureResult, patient, None, name="nrs", taken_on=dt.date(2026, 1, 5), answers=[6],
                        result={"score": 6}, score=6)
        repo.add_record(db, SessionLog, patient, None, plan_id=plan.id, performed_on=dt.date(2026, 1, 6))
        video = repo.add_record(db, VideoAnalysis, patient, None, assessment_id=assessment.id, task="gait",
                                status="done", filename="walk.mp4", size_bytes=1000, result={"measures": []})
        if patient is own:
            data.assessment_id, data.plan_id, data.video_id = assessment.id, plan.id, video.id
    return data


@functools.cache
def _plan() -> dict:
    """The plan of ``CASE``, as the engine makes it (made once per test run)."""
    return make_plan(Case.model_validate(CASE), "ja")


def build_world(engine, tmp_path) -> World:
    settings = Settings(data_dir=tmp_path, secret_key="test-secret-key-0123456789abcdef")
    app = create_app(settings, engine=engine)
    tokens: dict[str, str] = {}
    with app.state.sessions() as db:
        clinics = {name: _seed_clinic(db, name.capitalize(), people, tokens) for name, people in PEOPLE.items()}
        db.commit()
    clinic_of = {u: c for c, people in PEOPLE.items() for u in people}
    return World(app, tokens, clinics, clinic_of)


def web_client(world, who: str) -> TestClient:
    """A web client logged in as ``who`` the way a browser does (login-CSRF token, cookie session)."""
    browser = TestClient(world.app, raise_server_exceptions=False)
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text).group(1)
    assert browser.post("/login", data={"username": who, "password": PASSWORD, "csrf_token": token},
                        follow_redirects=False).status_code == 303
    return browser
