"""The motor-control, Pilates, McKenzie, strengthening and functional exercises of the knowledge base."""

from collections import Counter

import pytest

from ptplan.core import conditions
from ptplan.core.facts import unknown_fact
from ptplan.core.kb import loader
from ptplan.core.kb_index import index_of

FAMILY_MINIMUM = {"motor_control": 10, "pilates": 5, "mckenzie": 4, "strengthening": 9, "functional": 6}
REQUIRED_IDS = {"drawing_in_supine": "motor_control", "quad_setting": "strengthening",
                "bridge": "strengthening", "chair_squat": "functional"}
FILES = {f"exercises/{family}.yaml" for family in FAMILY_MINIMUM}


@pytest.fixture(scope="module")
def kb():
    return loader.load()


@pytest.fixture(scope="module")
def mine(kb):
    """The exercises defined in this helper's files."""
    return {eid: ex for eid, ex in kb.exercises.items() if kb.sources[("exercises", eid)] in FILES}


def test_it_has_at_least_the_planned_number_per_family(mine):
    counts = Counter(ex.family for ex in mine.values())
    for family, minimum in FAMILY_MINIMUM.items():
        assert counts[family] >= minimum, f"{family}: {counts[family]} < {minimum}"
    assert len(mine) >= 34


def test_it_keeps_each_family_in_its_own_file(kb, mine):
    for eid, ex in mine.items():
        assert kb.sources[("exercises", eid)] == f"exercises/{ex.family}.yaml"


@pytest.mark.parametrize(("eid", "family"), REQUIRED_IDS.items())
def test_it_defines_the_required_self_care_exercises(mine, eid, family):
    assert eid in mine
    assert mine[eid].family == family
    assert mine[eid].self_care is True


def test_it_names_the_required_exercises_in_japanese(mine):
    assert mine["quad_setting"].name.ja == "大腿四頭筋セッティング"
    assert mine["bridge"].name.ja == "ブリッジ"
    assert mine["chair_squat"].name.ja == "いすを使ったスクワット"


def test_it_links_progressions_up_and_regressions_down(mine):
    for eid, ex in mine.items():
        if ex.progression:
            assert ex.progression in mine, f"{eid} progresses outside these files"
            assert mine[ex.progression].level >= ex.level, eid
        if ex.regression:
            assert ex.regression in mine, f"{eid} regresses outside these files"
            assert mine[ex.regression].level <= ex.level, eid


def test_it_has_a_motor_control_chain_from_cognitive_to_loaded(mine):
    chain, cur = [], "drawing_in_supine"
    while cur:
        chain.append(cur)
        cur = mine[cur].progression
    levels = [mine[c].level for c in chain]
    assert chain[:4] == ["drawing_in_supine", "bent_knee_fallout", "heel_slide_drawing_in", "dead_bug_legs"]
    assert levels == sorted(levels) and levels[0] == 1 and levels[-1] == 3


def test_it_cites_a_reference_for_every_exercise_and_dose(kb, mine):
    for eid, ex in mine.items():
        assert ex.refs and all(r in kb.references for r in ex.refs), eid
        assert ex.dose.refs and all(r in kb.references for r in ex.dose.refs), eid


def test_it_writes_three_to_six_steps_in_both_languages(mine):
    for eid, ex in mine.items():
        assert 3 <= len(ex.steps.en) <= 6, eid
        assert len(ex.steps.ja) == len(ex.steps.en), eid


def test_it_uses_only_known_facts_in_contraindications(kb, mine):
    for eid, ex in mine.items():
        for c in ex.contraindications:
            for leaf in conditions.leaves(c.when.parsed):
                assert unknown_fact(leaf.path, kb) is None, (eid, leaf.path)


def test_it_keeps_floor_exercises_from_people_who_cannot_get_down(mine):
    no_floor = {"activity.can_get_to_floor": False}
    for eid, ex in mine.items():
        blocked = any(c.when.parsed.evaluate(no_floor) for c in ex.contraindications)
        if ex.floor_work:
            assert blocked, eid


def _blocked(ex, facts) -> bool:
    """Excluded by its own contraindications or by a contraindication rule (core/exclusions.py)."""
    return any(c.fn(facts, None) for c in index_of(loader.default_kb()).exclusions[ex.id])


def _cautioned(ex, facts) -> bool:
    return any(c.fn(facts, None) for c in index_of(loader.default_kb()).cautions[ex.id])


def test_it_blocks_extension_exercises_when_flexion_is_preferred(mine):
    for facts in ({"symptoms.directional_preference": "flexion"}, {"symptoms.worse_extension": True},
                  {"finding.directional_preference_flexion": True}):
        for eid in ("prone_lying", "prone_on_elbows", "prone_press_up", "standing_extension"):
            assert _blocked(mine[eid], facts), (eid, facts)
        assert not _blocked(mine["knees_to_chest"], facts)


def test_it_blocks_flexion_exercises_when_extension_is_preferred(mine):
    facts = {"symptoms.directional_preference": "extension"}
    for eid in ("knees_to_chest", "seated_flexion"):
        assert _blocked(mine[eid], facts)
    assert not _blocked(mine["prone_press_up"], facts)


def test_it_addresses_directional_preference_findings(mine):
    extension = {eid for eid, ex in mine.items() if "directional_preference_extension" in ex.addresses}
    flexion = {eid for eid, ex in mine.items() if "directional_preference_flexion" in ex.addresses}
    assert extension == {"prone_lying", "prone_on_elbows", "prone_press_up", "standing_extension"}
    assert flexion == {"knees_to_chest", "seated_flexion"}


def test_it_blocks_loaded_spinal_flexion_with_osteoporosis(mine):
    facts = {"condition.osteoporosis": True}
    assert _blocked(mine["seated_flexion"], facts)
    assert _blocked(mine["knees_to_chest"], facts)


def test_it_blocks_deep_knee_loading_when_the_knee_is_swollen(mine):
    for facts in ({"symptoms.knee_swelling": True}, {"finding.knee_effusion": True}):
        for eid in ("wall_sit", "step_up", "split_squat", "step_down", "squat_lift"):
            assert _blocked(mine[eid], facts), (eid, facts)
        assert not _blocked(mine["quad_setting"], facts)


def test_it_blocks_prone_work_and_cautions_supine_work_in_pregnancy(mine):
    prone = [eid for eid, ex in mine.items() if ex.position == "prone"]
    supine = [eid for eid, ex in mine.items() if ex.position == "supine"]
    assert len(prone) >= 5 and len(supine) > 10
    for weeks in (8, 24, None):
        facts = {"condition.pregnancy": True, "pregnancy.weeks": weeks}
        assert all(_blocked(mine[eid], facts) for eid in prone)
        # one rule by gestational week: lying on the back gets a caution from 16 weeks (or when unknown)
        assert all(_cautioned(mine[eid], facts) is (weeks != 8) for eid in supine)
    assert not _blocked(mine["drawing_in_supine"], {"condition.pregnancy": True, "pregnancy.weeks": 30})


def test_it_blocks_weight_on_the_hands_with_wrist_pain(mine):
    facts = {"condition.wrist_or_hand_pain": True}
    for eid, ex in mine.items():
        if ex.position == "quadruped":
            assert _blocked(ex, facts), eid
    assert _blocked(mine["prone_press_up"], facts)


def test_it_allows_the_self_care_basics_for_a_plain_case(mine):
    plain = {"activity.can_get_to_floor": True, "symptoms.directional_preference": "unknown"}
    for eid in ("quad_setting", "bridge", "chair_squat", "drawing_in_supine"):
        assert not _blocked(mine[eid], plain), eid


def test_it_keeps_bed_friendly_basics_for_people_who_cannot_get_to_the_floor(mine):
    no_floor = {"activity.can_get_to_floor": False}
    for eid in ("bridge", "quad_setting", "chair_squat", "drawing_in_supine", "drawing_in_sitting", "prone_press_up"):
        assert mine[eid].floor_work is False, eid
        assert not _blocked(mine[eid], no_floor), eid
