"""After a review, the patient's own page and the handout show what has changed since the baseline
(ptplan.core.feedback through the shared partial _changes.html); before one they do not. Both databases."""

from __future__ import annotations

import datetime as dt

from test_worklist import add_patient, web_login

from ptplan.store import repositories as repo
from ptplan.store.models import MeasureResult, Patient, Plan

CHAIR = "chair_stand_30s"


def _retest(world, pid: int) -> None:
    """A second NRS and a re-assessment with the chair stand done again (8 → 11 stands)."""
    with world.app.state.sessions() as db:
        patient = db.get(Patient, pid)
        first = {"lang": "ja", "demographics": {"age": 50, "sex": "female"}, "pain": [{"site": "low_back", "nrs": 6}],
                 "tests": {CHAIR: {"value": 8}}}
        repo.add_assessment(db, patient, first, dt.date(2026, 1, 5), None)
        repo.add_assessment(db, patient, {**first, "tests": {CHAIR: {"value": 11}}}, dt.date(2026, 2, 5), None)
        repo.add_record(db, MeasureResult, patient, None, name="nrs", taken_on=dt.date(2026, 2, 5), answers=[3],
                        result={"score": 3}, score=3)
        db.commit()


def test_the_patient_page_and_the_handout_show_the_changes_after_a_review(world):
    hana = add_patient(world, "aoba", "Feedback patient")  # an issued program (every warning sign answered "no")
    with world.app.state.sessions() as db:
        repo.create_user(db, repo.get_or_create_clinic(db, "Aoba"), "feedback_user", "correct horse battery", "patient",
                         patient_id=hana)
        repo.add_record(db, MeasureResult, db.get(Patient, hana), None, name="nrs", taken_on=dt.date(2026, 1, 5),
                        answers=[6], result={"score": 6}, score=6)
        plan_id = db.scalars(repo.records_query(Plan, hana).limit(1)).first().id
        db.commit()
    client, home = web_login(world, "feedback_user")
    assert home == "/me"
    assert 'class="changes"' not in client.get("/me").text  # no review yet: nothing to compare
    _retest(world, hana)
    r = world.client("taro").post(f"/api/v1/plans/{plan_id}/reviews", json={"lang": "ja"})
    assert r.status_code == 201, r.text
    page = client.get("/me").text
    part = page[page.index('<section class="changes"'):page.index("</section>", page.index('<section class="changes"'))]
    assert "痛みの強さ（NRS-11） 6 → 3" in part and "よくなっています" in part
    assert "30秒いす立ち上がりテスト（CS-30） 8回 → 11回" in part
    english = client.get("/me?lang=en").text
    assert "Pain intensity (NRS-11) 6 → 3" in english and "What has changed" in english
    handout = world.client("taro").get(f"/api/v1/plans/{plan_id}/document", params={"format": "html"})
    assert handout.status_code == 200 and "6 → 3" in handout.text and "前回からの変化" in handout.text
    staff, _ = web_login(world, "taro")
    web_handout = staff.get(f"/plans/{plan_id}/handout")
    assert web_handout.status_code == 200 and "8回 → 11回" in web_handout.text
    # another clinic's patient sees none of it
    sora, _ = web_login(world, "sora")
    assert 'class="changes"' not in sora.get("/me").text
