"""Advice chosen and ranked for the person: relevance rules, the handout cap and places (issue 12 item 6)."""

from __future__ import annotations

import os
import re

import pytest
from case_strategies import cases
from hypothesis import HealthCheck, given, settings

from ptplan.core.advice import HANDOUT_MAX, place
from ptplan.core.conditions import leaves
from ptplan.core.kb.loader import default_kb
from ptplan.core.services import make_plan

KB = default_kb()
RUN = settings(max_examples={"thorough": 2000}.get(os.environ.get("HYPOTHESIS_PROFILE", ""), 150), deadline=None,
               suppress_health_check=[HealthCheck.too_slow])
KNEE_EXAM = {"knee_effusion", "knee_inflamed", "knee_extension_deficit"}


#: the knee-OA rule (advice.yaml anchor &knee_oa): recorded knee OA, or knee pain with a positive knee examination
KNEE_OA_RULE = KB.advice["knee_education_exercise_first"].when.data


def _knee_oa_rule(a) -> bool:
    return a.when is not None and a.when.data == KNEE_OA_RULE


KNEE_OA_ADVICE = {a.id for a in KB.advice.values() if _knee_oa_rule(a)}


def test_the_knee_oa_rule_reads_the_diagnosis_and_the_examination():
    paths = {lf.path for lf in leaves(KB.advice["knee_education_exercise_first"].when.parsed)}
    assert {"history.knee_diagnosis", "pain.knee"} | {f"finding.{f}" for f in KNEE_EXAM} == paths


def test_the_knee_oa_rule_guards_the_knee_items_and_injections():
    assert {"knee_education_exercise_first", "hyaluronic_acid_injection", "regenerative_treatments",
            "corticosteroid_injection", "topical_nsaid", "seiza_knee", "japanese_style_toilet"} <= KNEE_OA_ADVICE


def test_every_advice_item_is_sourced_or_marked_convention():
    for a in KB.advice.values():
        assert a.refs or (a.status == "unverified" and a.basis is not None), a.id
    for aid in ("stairs_knee_technique", "bedding", "getting_out_of_bed", "desk_setup", "footwear"):
        assert KB.advice[aid].status == "unverified" and "慣例" in KB.advice[aid].basis.ja, aid


@RUN
@given(cases(KB))
def test_the_handout_never_lists_more_than_eight_items_most_relevant_first(case):
    advice = make_plan(case, "ja", KB)["advice"]
    handout = [a for a in advice if a["place"] == "handout"]
    assert len(handout) <= HANDOUT_MAX
    ranks = [KB.advice[a["id"]].rank for a in handout]
    assert ranks == sorted(ranks)
    # nothing on "more information" is more relevant than the handout's last item, and only when the handout is full
    more = [KB.advice[a["id"]].rank for a in advice if a["place"] == "more_information"]
    assert not more or (len(handout) == HANDOUT_MAX and min(more) >= ranks[-1])
    assert [a["rank"] for a in advice] == list(range(1, len(advice) + 1))
    for a in advice:
        entry = KB.advice[a["id"]]
        assert (a["place"] == "ask_doctor") is (not entry.self_care and entry.category != "see_doctor")


@RUN
@given(cases(KB))
def test_knee_oa_advice_never_appears_without_knee_oa_or_a_positive_knee_exam(case):
    plan = make_plan(case, "en", KB)
    shown = {a["id"] for a in plan["advice"]} & KNEE_OA_ADVICE
    if shown:
        found = {f["id"] for f in plan["findings"]}
        assert case.history.knee_diagnosis == "osteoarthritis" or (case.has_pain("knee") and found & KNEE_EXAM), shown


def test_place_caps_the_handout_and_keeps_see_doctor_and_medical_options_apart():
    from ptplan.core.case_io import load_case_file

    plan = make_plan(load_case_file("examples/04_knee_to_back.yaml"), "ja", KB)
    where = {a["id"]: a["place"] for a in plan["advice"]}
    assert sum(w == "handout" for w in where.values()) == HANDOUT_MAX
    assert where["hyaluronic_acid_injection"] == "ask_doctor" and where["see_doctor_hot_knee"] == "see_doctor"
    assert place([]) == []


@pytest.mark.parametrize("weight", [41.0, 63.0, 74.4, 98.6])
def test_the_weight_advice_speaks_in_whole_kilograms_that_add_up(weight):
    from ptplan.core.advice import _numbers, fill_numbers
    entry = KB.kind("advice")["weight_knee_load"]
    values = _numbers(entry, {"weight_kg": weight, "bmi": 27.0})
    text = fill_numbers(entry.text, values)
    kg = [float(x) for x in re.findall(r"約(\d+(?:\.\d+)?) kg", text.ja)][-2:]  # after the study's 「約4 kg」
    assert kg == [values["loss_kg"], values["knee_load_kg"]]
    assert all(x == int(x) for x in kg)  # 「約3 kg」, not 「約3.2 kg」
    assert kg[1] == kg[0] * entry.numbers["load_ratio"]  # the reader's own sum: 3 kg × 4 = 12 kg
