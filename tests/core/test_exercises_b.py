"""Exercise files of part B: stretching, mobility, aerobic, yoga and balance."""

from collections import Counter

import pytest

from ptplan.core.kb import loader
from ptplan.core.kb_index import index_of

MY_FILES = {f"exercises/{name}.yaml" for name in ("stretching", "mobility", "aerobic", "yoga", "balance")}
MIN_PER_FAMILY = {"stretching": 10, "mobility": 8, "aerobic": 5, "yoga": 4, "balance": 5}
REQUIRED_SELF_CARE = ("standing_quadriceps_stretch", "seated_hamstring_stretch", "butterfly_stretch")
FLOOR_POSITIONS = {"supine", "prone", "side_lying", "quadruped", "kneeling"}


@pytest.fixture(scope="module")
def kb():
    return loader.default_kb()


@pytest.fixture(scope="module")
def mine(kb):
    return {eid: ex for eid, ex in kb.exercises.items() if kb.sources[("exercises", eid)] in MY_FILES}


#: every piece of equipment recorded at home, so only clinical reasons exclude an exercise here
AT_HOME = {f"activity.home_equipment.{e}": True for e in ("band", "ball", "foam_roller", "dumbbell",
                                                           "pressure_biofeedback")} | {"activity.pool_access": True}


def _fires(ex, facts: dict) -> list[str]:
    """Reasons (en) of the exclusions that hold for these facts: the exercise's own contraindications, the
    contraindication rules on its position and loads, and equipment not at home (core/exclusions.py)."""
    facts = AT_HOME | facts
    return [c.reason.en for c in index_of(loader.default_kb()).exclusions[ex.id] if c.fn(facts, None)]


def test_it_loads_every_file_of_part_b(kb):
    sources = {kb.sources[("exercises", eid)] for eid in kb.exercises}
    assert sources >= MY_FILES


def test_it_has_enough_exercises_in_each_family(mine):
    counts = Counter(ex.family for ex in mine.values())
    for family, minimum in MIN_PER_FAMILY.items():
        assert counts[family] >= minimum, f"{family}: {counts[family]} < {minimum}"
    assert sum(counts.values()) >= 30


def test_it_puts_each_family_in_its_own_file(kb, mine):
    for eid, ex in mine.items():
        assert kb.sources[("exercises", eid)] == f"exercises/{ex.family}.yaml", eid


@pytest.mark.parametrize("eid", REQUIRED_SELF_CARE)
def test_it_has_the_required_self_care_stretches(mine, eid):
    ex = mine[eid]
    assert ex.family == "stretching"
    assert ex.self_care is True
    assert ex.lens == "mobility"


def test_it_keeps_progression_and_regression_links_inside_part_b(mine):
    for eid, ex in mine.items():
        for target in (ex.regression, ex.progression):
            assert target is None or target in mine, f"{eid} -> {target} leaves the part-B files"


def test_it_goes_up_in_level_on_progression_and_down_on_regression(mine):
    for eid, ex in mine.items():
        if ex.progression:
            assert mine[ex.progression].level >= ex.level, f"{eid} progresses to an easier exercise"
        if ex.regression:
            assert mine[ex.regression].level <= ex.level, f"{eid} regresses to a harder exercise"


def test_it_ends_every_regression_chain(mine):
    for eid in mine:
        seen, cur = {eid}, mine[eid].regression
        while cur is not None:
            assert cur not in seen, f"regression chain from {eid} loops at {cur}"
            seen.add(cur)
            cur = mine[cur].regression


def test_it_cites_references_for_every_exercise_and_dose(kb, mine):
    for eid, ex in mine.items():
        assert ex.refs and ex.dose.refs, eid
        assert set(ex.refs) | set(ex.dose.refs) <= set(kb.references), eid


def test_it_addresses_only_findings_from_the_vocabulary(kb, mine):
    """Findings, or a hypothesis the exercise treats as a whole (schema: "finding or hypothesis ids"), e.g. walking
    as graded activity for psychosocial barriers (issue 12)."""
    for eid, ex in mine.items():
        assert set(ex.addresses) <= set(kb.findings) | set(kb.kind("hypotheses")), eid


def test_it_writes_three_to_six_steps_in_both_languages(mine):
    for eid, ex in mine.items():
        assert 3 <= len(ex.steps.ja) <= 6, eid
        assert len(ex.steps.ja) == len(ex.steps.en), f"{eid}: ja and en steps differ in number"


def test_it_doses_stretches_within_the_acsm_hold_range(mine):
    for eid, ex in mine.items():
        if ex.family != "stretching":
            continue
        assert 10 <= ex.dose.hold_s <= 60, eid
        assert ex.dose.hold_s * ex.dose.reps == 60, eid
        assert ex.dose.sessions_per_week >= 2, eid
        assert "garber_2011" in ex.dose.refs, eid


def test_it_starts_aerobic_work_below_the_weekly_target(mine):
    aerobic = [ex for ex in mine.values() if ex.family == "aerobic"]
    for ex in aerobic:
        assert ex.lens == "conditioning"
        assert ex.dose.duration_min is not None, ex.id
        assert ex.dose.duration_min * ex.dose.sessions_per_week <= 150, ex.id
        assert "garber_2011" in ex.dose.refs, ex.id
    walk = next(ex for ex in aerobic if ex.id == "flat_ground_walking")
    assert set(walk.dose.refs) == {"garber_2011", "pocovi_2024"}
    assert walk.self_care is True


def test_it_keeps_floor_exercises_away_from_people_who_cannot_get_down(mine):
    for eid, ex in mine.items():
        if ex.position in FLOOR_POSITIONS and "table" not in ex.equipment:
            assert ex.floor_work, f"{eid} is done lying or kneeling but not marked floor_work"
        if ex.floor_work:
            assert _fires(ex, {"activity.can_get_to_floor": False}), eid
            assert not _fires(ex, {"activity.can_get_to_floor": True}), eid


def test_it_excludes_pool_walking_for_wounds_and_when_no_pool_is_recorded(mine):
    pool = mine["water_walking"]
    assert pool.position == "water" and "pool" in pool.equipment
    assert _fires(pool, {"condition.open_wound_or_skin_infection": True})
    assert _fires(pool, {}) == []
    for no_pool in ({"activity.pool_access": False}, {"activity.pool_access": None}):  # never assumed
        assert _fires(pool, no_pool) == ["No record that a pool is available (the therapist can add it for the clinic)"]


def test_it_keeps_a_balance_disorder_on_supported_versions(mine):
    guarded = [ex for ex in mine.values() if _fires(ex, {"condition.balance_disorder": True})]
    assert {ex.id for ex in guarded} >= {"single_leg_stance_cushion", "star_step_reach"}
    for ex in guarded:
        cur = mine[ex.regression]
        while _fires(cur, {"condition.balance_disorder": True}):
            cur = mine[cur.regression]
        assert cur.id == "single_leg_stance_supported"


def test_it_avoids_deep_knee_bending_with_an_inflamed_knee(mine):
    for eid in ("standing_quadriceps_stretch", "side_lying_quadriceps_stretch", "childs_pose"):
        assert _fires(mine[eid], {"finding.knee_inflamed": True}), eid
        assert _fires(mine[eid], {"symptoms.knee_swelling": True}), eid
    assert not _fires(mine["standing_quadriceps_stretch"], {"symptoms.knee_swelling": False})


def test_it_guards_end_range_spine_work_in_osteoporosis(mine):
    fired = {eid for eid, ex in mine.items() if _fires(ex, {"condition.osteoporosis": True})}
    assert {"double_knee_to_chest", "supine_twist", "foam_roller_thoracic_extension"} <= fired
    assert "seated_hamstring_stretch" not in fired


def test_it_guards_deep_hip_flexion_and_rotation_after_hip_replacement(mine):
    fired = {eid for eid, ex in mine.items() if _fires(ex, {"condition.hip_replacement": True})}
    assert {"supine_figure4_piriformis_stretch", "hip_90_90_switches", "double_knee_to_chest",
            "childs_pose", "supine_twist"} <= fired


def test_it_avoids_extension_postures_when_extension_hurts(mine):
    sphinx = mine["sphinx_pose"]
    assert _fires(sphinx, {"symptoms.worse_extension": True})
    assert _fires(sphinx, {"finding.directional_preference_flexion": True})
    assert not _fires(sphinx, {"finding.directional_preference_extension": True})
