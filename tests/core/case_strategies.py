"""Hypothesis strategies that build random but valid cases from the knowledge base."""

from __future__ import annotations

from typing import get_args

from hypothesis import strategies as st

from ptplan.core.case import Case, MovementTask, OnsetOrder, PainSiteName

BOOL = st.none() | st.booleans()


def _test_result(test):
    rec = test.record
    if rec.kind == "checklist":
        return st.builds(dict, observations=st.lists(st.sampled_from(rec.choices), min_size=1, max_size=3, unique=True))
    if rec.kind == "positive":
        return st.builds(dict, positive=st.booleans())
    lo, hi = rec.min if rec.min is not None else 0, rec.max if rec.max is not None else 100
    value = st.integers(int(lo), int(hi)).map(float)
    if rec.sided:
        return st.builds(dict, left=value, right=value)
    return st.builds(dict, value=value)


def _tests(kb):
    ids = sorted(kb.tests)
    return st.lists(st.sampled_from(ids), max_size=8, unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries({tid: _test_result(kb.tests[tid]) for tid in chosen}))


def _movement(kb):
    tasks = [t for t in get_args(MovementTask) if f"{t}_observation" in kb.tests]
    return st.dictionaries(st.sampled_from(tasks), st.nothing(), max_size=0) if not tasks else st.lists(
        st.sampled_from(tasks), max_size=2, unique=True).flatmap(lambda chosen: st.fixed_dictionaries({
            t: st.builds(dict, observations=st.lists(st.sampled_from(kb.tests[f"{t}_observation"].record.choices),
                                                     max_size=3, unique=True)) for t in chosen}))


#: case fields the safety rules read (pregnancy by week, surgery and its date, temperature, diagnosis)
_SAFETY_FIELDS = {
    "pregnancy": st.fixed_dictionaries({}, optional={"weeks": st.integers(0, 42), "pelvic_girdle_pain": st.booleans()}),
    "surgeries": st.lists(st.fixed_dictionaries({"type": st.sampled_from(
        ["lumbar_fusion", "discectomy", "knee_replacement", "hip_replacement"])}, optional={
        "date": st.sampled_from(["2026-10-01", "2025-01-15", "2020-06"])}), max_size=2),
    "assessed_on": st.just("2026-11-02"),
    "vitals": st.fixed_dictionaries({"temperature_c": st.sampled_from([36.4, 37.4, 37.5, 38.6])}),
}


def case_data(kb, red_flag_yes_weight: int = 1):
    answers = st.sampled_from(["no"] * 6 + ["unknown"] * 2 + ["yes"] * red_flag_yes_weight)
    symptoms = st.fixed_dictionaries({}, optional={
        name: BOOL for name in ("worse_sitting", "worse_standing_up", "worse_walking", "worse_stairs", "knee_swelling",
                                "knee_warmth", "morning_stiffness_knee", "morning_stiffness_back", "eases_with_movement",
                                "night_pain", "back_heaviness_to_thigh", "numbness_below_knee")}
    ).flatmap(lambda d: st.fixed_dictionaries({
        **{k: st.just(v) for k, v in d.items()},
        "irritability": st.none() | st.sampled_from(["low", "moderate", "high"]),
        "directional_preference": st.sampled_from(["flexion", "extension", "none", "unknown"])}))
    return st.fixed_dictionaries({
        "demographics": st.fixed_dictionaries({
            "age": st.integers(18, 95), "sex": st.sampled_from(["female", "male", "other"]),
            "height_cm": st.integers(140, 195), "weight_kg": st.integers(40, 130)}),
        "pain": st.lists(st.sampled_from(get_args(PainSiteName)), min_size=1, max_size=3, unique=True).map(
            lambda sites: [{"site": s} for s in sites]),
        "history": st.fixed_dictionaries({"onset_order": st.sampled_from(get_args(OnsetOrder)),
                                          "onset_gap_weeks": st.none() | st.integers(0, 60)}, optional={
            "back_diagnosis": st.sampled_from(["none", "spinal_stenosis", "disc_herniation"]),
            "back_duration_weeks": st.integers(0, 800), "onset_speed": st.sampled_from(["sudden", "gradual", "unknown"]),
            "knee_injury_recent": st.booleans()}),
        "symptoms": symptoms,
        "red_flags": st.dictionaries(st.sampled_from(sorted(kb.red_flag_questions)), answers, max_size=8),
        "conditions": st.lists(st.sampled_from(sorted(kb.conditions)), max_size=3, unique=True),
        "tests": _tests(kb),
        "movement": _movement(kb),
        "activity": st.fixed_dictionaries({"level": st.sampled_from(["sedentary", "light", "moderate", "active"]),
                                           "can_get_to_floor": BOOL}, optional={
            "pool_access": BOOL,
            "home_equipment": st.lists(st.sampled_from(["band", "ball", "foam_roller", "dumbbell", "pressure_biofeedback"]),
                                       max_size=2, unique=True)}),
    }, optional=_SAFETY_FIELDS)


def cases(kb, red_flag_yes_weight: int = 1):
    return case_data(kb, red_flag_yes_weight).map(Case.model_validate)
