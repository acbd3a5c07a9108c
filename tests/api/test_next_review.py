"""The next review date follows the latest review decision's ``next_review_weeks`` (a hold or regress
can bring the review forward), else the plan's ``review_weeks``: as a pure reading and through the
worklist and the patient list, on both databases."""

from __future__ import annotations

import datetime as dt
import types

from test_worklist import TODAY, add_patient, alerts, issued_plan, of, web_login

from ptplan.clinic.read_models import next_review
from ptplan.store import repositories as repo
from ptplan.store.models import Patient, Plan, ReviewDecision


def _at(days_ago: int) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(9), tzinfo=dt.UTC)


def _plan(days_ago: int, weeks: int | None):
    return types.SimpleNamespace(created_at=_at(days_ago), plan_json={"follow_up": {"review_weeks": weeks}})


def _decision(days_ago: int, detail: dict):
    return types.SimpleNamespace(created_at=_at(days_ago), detail=detail)


def test_pure_reading():
    plan = _plan(30, 4)
    assert next_review(plan, None) == TODAY - dt.timedelta(days=30) + dt.timedelta(weeks=4)
    # the decision's own weeks count from the day of the decision
    assert next_review(plan, _decision(10, {"next_review_weeks": 2})) == TODAY + dt.timedelta(days=4)
    # a decision without weeks (refer gives null) keeps the plan's weeks, from the decision day
    assert next_review(plan, _decision(10, {"next_review_weeks": None})) == TODAY + dt.timedelta(days=18)
    assert next_review(plan, _decision(10, {})) == TODAY + dt.timedelta(days=18)
    assert next_review(_plan(3, None), None) == TODAY + dt.timedelta(days=25)  # the engine's default of 4 weeks
    assert next_review(None, None) is None


def _with_decision(world, name: str, decided_days_ago: int, weeks) -> int:
    pid = add_patient(world, "aoba", name, plan_age_days=20, sessions=[(0, 1, 1)])
    with world.app.state.sessions() as db:
        plan = db.scalars(repo.records_query(Plan, pid).limit(1)).first()
        repo.add_record(db, ReviewDecision, db.get(Patient, pid), None, plan_id=plan.id, decision="regress",
                        detail={"decision": "regress", "next_review_weeks": weeks}, created_at=_at(decided_days_ago))
        db.commit()
    return pid


def test_worklist_and_patient_list_use_the_decisions_weeks(world):
    plan_weeks = issued_plan()["follow_up"]["review_weeks"]
    assert plan_weeks > 2  # otherwise the decision could not bring the review forward
    sooner = _with_decision(world, "Brought forward", 13, 2)  # due tomorrow
    kept = _with_decision(world, "Plan weeks kept", 13, None)
    items = alerts(world)
    due = of(items, sooner, "review_due")
    assert len(due) == 1 and (TODAY + dt.timedelta(days=1)).isoformat() in due[0]["reason"]["en"]
    assert not [a for a in of(items, kept) if a["kind"].startswith("review")]
    client, _ = web_login(world, "taro")
    page = client.get(f"/patients/{sooner}")
    assert page.status_code == 200 and (TODAY + dt.timedelta(days=1)).isoformat() in page.text
