"""ptplan.core.feedback: changes since the baseline, direction-aware from the knowledge base, each physical
test tied to the exercises of the plan that address the findings it yields."""

from __future__ import annotations

import pytest

from ptplan.core import feedback
from ptplan.core.kb.loader import default_kb
from ptplan.render import changes as changes_view

PLAN = {"program": {"components": [
    {"priority": 2, "exercises": [{"id": "cat_cow", "name": "Cat-cow", "addresses": ["h_lumbar_stiffness"]}]},
    {"priority": 1, "exercises": [{"id": "chair_squat", "name": "Chair squat",
                                   "addresses": ["low_lower_limb_strength", "squat_trunk_lean"]},
                                  {"id": "single_leg_balance", "name": "Balance", "addresses": ["poor_single_leg_balance"]}]},
]}}


@pytest.fixture(scope="module")
def kb():
    return default_kb()


def _by_id(items):
    return {c["id"]: c for c in items}


def test_measure_direction_comes_from_the_metadata(kb):
    got = _by_id(feedback.measure_changes({"nrs": 6, "koos12": 50, "odi": 20, "rmdq": 8, "psfs": None},
                                          {"nrs": 3, "koos12": 70.5, "odi": 30, "rmdq": 8, "psfs": 6}, kb))
    assert got["nrs"]["verdict"] == "better"  # lower pain is better (higher_worse)
    assert got["koos12"]["verdict"] == "better"  # a higher KOOS-12 is better (higher_better)
    assert got["odi"]["verdict"] == "worse"
    assert got["rmdq"]["verdict"] == "same"
    assert "psfs" not in got  # no baseline value: nothing to compare
    assert got["nrs"]["label"]["ja"] == kb.kind("measures")["nrs"].concept.ja and got["nrs"]["short"] == "NRS-11"
    assert all(c["exercises"] == [] for c in got.values())  # the whole programme works on pain and disability


def test_retests_read_their_direction_from_the_thresholds(kb):
    tests = kb.kind("tests")
    assert feedback.retest_direction(tests["chair_stand_30s"]) == "higher_better"  # fewer than 8 stands is the finding
    assert feedback.retest_direction(tests["timed_up_and_go"]) == "higher_worse"  # slower than the norm is the finding
    got = _by_id(feedback.retest_changes(
        {"chair_stand_30s": {"value": 8}, "timed_up_and_go": {"value": 12.5}, "single_leg_stance": {"left": 9, "right": 20},
         "knee_effusion": {"positive": True}, "thomas_hip": {"left": 10}},
        {"chair_stand_30s": {"value": 11}, "timed_up_and_go": {"value": 10.0}, "single_leg_stance": {"left": 14, "right": 18},
         "knee_effusion": {"positive": False}}, PLAN, kb))
    assert got["chair_stand_30s"]["verdict"] == "better" and got["timed_up_and_go"]["verdict"] == "better"
    assert got["single_leg_stance.left"]["verdict"] == "better" and got["single_leg_stance.right"]["verdict"] == "worse"
    same = {"chair_stand_30s": {"value": 8}}
    assert feedback.retest_changes(same, same, PLAN, kb) == []  # re-done with the same count: not news
    assert "knee_effusion" not in got and "thomas_hip.left" not in got  # positive/negative; not re-tested
    assert [e["id"] for e in got["chair_stand_30s"]["exercises"]] == ["chair_squat"]
    assert [e["id"] for e in got["single_leg_stance.left"]["exercises"]] == ["single_leg_balance"]


def test_verdict_without_a_direction_says_only_changed():
    assert feedback.verdict(3, 5, None) == "changed" and feedback.verdict(3, 3, None) == "same"
    assert feedback.verdict(3, 5, "higher_better") == "better" and feedback.verdict(3, 5, "higher_worse") == "worse"


def test_plain_words_in_both_languages(kb):
    found = feedback.changes({"nrs": 6}, {"nrs": 3}, {"chair_stand_30s": {"value": 8}}, {"chair_stand_30s": {"value": 11}},
                             PLAN, kb)
    ja, en = changes_view.view(found, "ja"), changes_view.view(found, "en")
    assert [i["text"] for i in ja["items"]] == ["痛みの強さ（NRS-11） 6 → 3", "30秒いす立ち上がりテスト（CS-30） 8回 → 11回"]
    assert [i["text"] for i in en["items"]] == ["Pain intensity (NRS-11) 6 → 3", "30-second chair stand (CS-30) 8 → 11"]
    assert ja["items"][1]["exercises"] == ["Chair squat"] and en["items"][0]["verdict_text"] == "better"
    assert changes_view.view([], "ja") is None
