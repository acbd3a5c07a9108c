"""Migrations build the schema from nothing, match the models exactly, and undo cleanly."""

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from ptplan.store import db as store_db
from ptplan.store.models import Base
from ptplan.store.name_search import include_object

TABLES = {"clinics", "users", "auth_tokens", "patients", "assessments", "plans", "measure_results", "session_logs",
          "review_decisions", "audit_events", "video_analyses"}


def test_it_upgrades_an_empty_database_to_head(empty_engine):
    store_db.upgrade(empty_engine)
    assert store_db.current_revision(empty_engine) == store_db.head_revision()
    assert set(inspect(empty_engine).get_table_names()) >= TABLES


def test_it_leaves_no_difference_between_models_and_migrations(empty_engine):
    store_db.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True,
                                                                    "include_object": include_object}), Base.metadata)
    assert diff == []


def test_it_downgrades_to_an_empty_database_and_up_again(empty_engine):
    store_db.upgrade(empty_engine)
    store_db.downgrade(empty_engine, "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    assert store_db.current_revision(empty_engine) is None
    store_db.upgrade(empty_engine)
    assert set(inspect(empty_engine).get_table_names()) >= TABLES


def test_it_refuses_to_change_or_delete_audit_events(empty_engine):
    store_db.upgrade(empty_engine)
    with empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_events (at, username, action, resource) "
                          "VALUES (CURRENT_TIMESTAMP, 'taro', 'read', 'patient')"))
    for sql in ("UPDATE audit_events SET username = 'mallory'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), empty_engine.begin() as conn:
            conn.execute(text(sql))
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT username FROM audit_events")).scalars().all() == ["taro"]


OLD_PLAN = {"lang": "ja", "findings": [], "hypotheses": [], "references": [], "triage": {"flags": [], "yellow_flags": []},
            "advice": [], "program": {"phases": [], "components": [
                {"id": "c_motor_control", "name": "体幹", "refs": [], "exercises": [
                    {"id": "abdominal_bracing", "dose": {"sets": 1, "sessions_per_week": 7}, "refs": []},
                    {"id": "heel_slide_drawing_in", "dose": {"sets": 2, "sessions_per_week": 7}, "refs": []}]}]}}
OLD_EDITS = [  # as the web forms and the API stored them before typed edits
    {"op": "set", "path": "/program/components/0/exercises/0", "value": {"id": "bird_dog", "dose": {}},
     "reason": "swap abdominal_bracing → bird_dog: no device", "by": "taro", "at": "2026-11-01T09:00:00"},
    {"op": "set", "path": "/program/components/0/exercises/1/dose", "value": {"sets": 3, "sessions_per_week": 3},
     "reason": "dose", "by": "taro", "at": "2026-11-01T09:01:00"},
    {"op": "set", "path": "/program/components/0/exercises", "value": [{"id": "bird_dog"}, {"id": "heel_slide_drawing_in"},
                                                                        {"id": "bridge"}], "reason": "add bridge"},
    {"op": "remove", "path": "/program/components/0/exercises/1", "value": None, "reason": "remove"},
    {"op": "set", "path": "", "value": None, "reason": "broke every page"},
]


def test_it_turns_old_plan_edits_into_typed_records(empty_engine):
    from ptplan.core.kb.loader import default_kb
    from ptplan.core.plan_edits import effective_plan

    store_db.upgrade(empty_engine, "0002")
    with empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO clinics (name, patient_count, keep_video_clips, created_at) "
                          "VALUES ('A', 1, false, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO patients (clinic_id, name, created_at) VALUES (1, 'P', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO assessments (clinic_id, patient_id, version, case_json, created_at) "
                          "VALUES (1, 1, 1, '{}', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO plans (clinic_id, patient_id, assessment_id, kb_version, lang, plan_json, edits, "
                          "created_at) VALUES (1, 1, 1, '1', 'ja', :plan, :edits, CURRENT_TIMESTAMP)"),
                     {"plan": json.dumps(OLD_PLAN), "edits": json.dumps(OLD_EDITS)})
    store_db.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        edits = json.loads(conn.execute(text("SELECT edits FROM plans")).scalar_one()) if empty_engine.dialect.name \
            == "sqlite" else conn.execute(text("SELECT edits FROM plans")).scalar_one()
    assert [e["op"] for e in edits] == ["swap", "dose", "add", "remove", "note"]
    assert (edits[0]["exercise"], edits[0]["exercise_id"], edits[0]["by"]) == ("abdominal_bracing", "bird_dog", "taro")
    assert (edits[1]["exercise"], edits[1]["dose"]) == ("heel_slide_drawing_in", {"sets": 3, "sessions_per_week": 3})
    assert (edits[2]["component"], edits[2]["exercise_id"]) == ("c_motor_control", "bridge")
    assert edits[3]["exercise"] == "heel_slide_drawing_in"
    assert edits[4]["legacy"]["path"] == "" and edits[4]["reason"] == "broke every page"  # kept, no longer applied
    plan = effective_plan(OLD_PLAN, edits, default_kb()).plan
    assert [e["id"] for e in plan["program"]["components"][0]["exercises"]] == ["bird_dog", "bridge"]
