"""The demo clinic: three logins, a few patients and six weeks of history, loaded once.

Cases come from ``examples/*.yaml`` when the project ships them, otherwise from a small built-in
case. Loading is idempotent: a database that already has the demo clinic is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptplan.core import measures, services
from ptplan.core.case_io import load_case_file, validate_case
from ptplan.errors import InputError
from ptplan.store import repositories as repo
from ptplan.store.models import Clinic, MeasureResult, Plan, SessionLog

DEMO_CLINIC = "Demo clinic / デモ整形外科クリニック"
DEMO_PASSWORD = "demo-password"
DEMO_USERS = [("demo-admin", "admin", "管理者 デモ"), ("demo-therapist", "therapist", "理学療法士 デモ"),
              ("demo-patient", "patient", "患者 デモ")]
PATIENT_NAMES = ["山田 花子", "佐藤 健", "鈴木 美咲", "高橋 誠", "田中 陽子"]
WEEKS = 6
BUILTIN_CASE = {"lang": "ja", "demographics": {"age": 52, "sex": "female"},
                "pain": [{"site": "low_back", "nrs": 5}],
                "history": {"back_duration_weeks": 30},
                "red_flags": {"saddle_numbness": "no"}}


def example_cases(root: Path | None = None) -> list:
    """Validated example cases from examples/ (repo root or package), or the built-in one."""
    here = Path(__file__).resolve().parents[1]
    for folder in ([root] if root else []) + [Path.cwd() / "examples", here / "examples", here.parents[1] / "examples"]:
        files = sorted(folder.glob("*.yaml")) if folder and folder.is_dir() else []
        cases = []
        for f in files:
            try:
                cases.append(load_case_file(f))
            except InputError:  # an example the knowledge base of this install cannot read is left out
                continue
        if cases:
            return cases
    return [validate_case(BUILTIN_CASE)]


def load_demo(db: Session, today: dt.date | None = None) -> bool:
    """Create the demo clinic; return False (and change nothing) when it is already there."""
    if db.scalar(select(Clinic.id).where(Clinic.name == DEMO_CLINIC)) is not None:
        return False
    today = today or dt.date.today()
    clinic = repo.get_or_create_clinic(db, DEMO_CLINIC)
    cases = example_cases()
    therapist = None
    patients = []
    for i, name in enumerate(PATIENT_NAMES):
        patients.append(repo.create_patient(db, clinic.id, name=name, birth_year=1960 + 5 * i,
                                            sex="female" if i % 2 == 0 else "male"))
    for username, role, display in DEMO_USERS:
        user = repo.create_user(db, clinic, username, DEMO_PASSWORD, role, display,
                                patients[0].id if role == "patient" else None)
        therapist = user if role == "therapist" else therapist
    rng = random.Random(5)
    for i, patient in enumerate(patients):
        case = cases[i % len(cases)]
        start = today - dt.timedelta(weeks=WEEKS)
        assessment = repo.add_assessment(db, patient, case.model_dump(mode="json", exclude_none=True), start,
                                         therapist.id)
        plan_json = services.make_plan(case, lang="ja")
        plan = repo.add_record(db, Plan, patient, therapist.id, assessment_id=assessment.id, created_at=_at(start),
                               kb_version=str(plan_json.get("kb_version", "")), lang="ja", plan_json=plan_json, edits=[])
        _history(db, patient, plan, therapist.id, start, rng)
    db.flush()
    return True


def _history(db: Session, patient, plan, user_id: int, start: dt.date, rng: random.Random) -> None:
    """Weekly pain ratings falling from about 6 to 3, ODI at start and end, sessions on three days a week."""
    program = services.patient_view(plan.plan_json)["program"]  # no sessions of a program the patient never got
    ids = [ex["id"] for comp in program.get("components", []) for ex in comp.get("exercises", [])]
    for week in range(WEEKS + 1):
        nrs = max(0.0, round(6 - 0.5 * week + rng.uniform(-0.5, 0.5)))
        day = start + dt.timedelta(weeks=week)
        _measure(db, patient, user_id, "nrs", [nrs], day)
        if week in (0, WEEKS):
            _measure(db, patient, user_id, "odi", [3 if week == 0 else 1] * 5 + [2] * 5, day)
        if week == WEEKS:
            break
        for offset in (0, 2, 4):
            done = [{"id": i, "sets": 2} for i in ids] if rng.random() > 0.15 else []
            repo.add_record(db, SessionLog, patient, user_id, plan_id=plan.id, performed_on=day + dt.timedelta(days=offset),
                            exercises=done, pain_before=nrs, pain_after=max(0.0, nrs - 1), rpe=4.0, note=None)


def _measure(db: Session, patient, user_id: int, name: str, answers: list, day: dt.date) -> None:
    result = measures.score(name, answers).as_dict()
    repo.add_record(db, MeasureResult, patient, user_id, name=name, taken_on=day, answers=answers, result=result,
                    score=result.get("score"))


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC)
