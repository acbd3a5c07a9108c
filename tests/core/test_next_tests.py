"""The tests that would change the plan (reasoning.next_tests): never a test already done, only tests of the
complaint's region, most discriminating first (ties in knowledge-base order)."""

from __future__ import annotations

import os

from case_strategies import cases
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptplan.core import services
from ptplan.core.case_io import validate_case
from ptplan.core.findings import done_tests
from ptplan.core.kb.loader import default_kb
from ptplan.core.kb_index import index_of
from ptplan.core.reasoning import next_tests
from ptplan.core.screening import regions_of

KB = default_kb()
EXAMPLES = {"thorough": 1000}.get(os.environ.get("HYPOTHESIS_PROFILE", ""), 60)
RUN = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HYPS = KB.kind("hypotheses")


def case_of(*sites, **rest):
    return validate_case({"id": "t", "pain": [{"site": s} for s in sites], **rest}, KB)


def region_tests(regions) -> set[str]:
    """Every test that discriminates a hypothesis about one of the regions."""
    return {t for hid, h in HYPS.items() if set(h.regions) & set(regions) for t in index_of(KB).discriminating[hid]}


@RUN
@given(cases(KB), st.none() | st.integers(0, 10))
def test_it_never_returns_a_done_test_and_only_tests_of_the_complaint_region(case, limit):
    ranked = next_tests(KB, case, limit)
    assert not set(ranked) & set(done_tests(case, KB))
    assert set(ranked) <= region_tests(regions_of(case, KB))
    assert len(ranked) == len(set(ranked)) and (limit is None or len(ranked) <= limit)


@RUN
@given(cases(KB), st.sampled_from([("general", "spine"), ("general", "knee"), ("general", "knee", "spine")]))
def test_a_given_complaint_region_limits_the_tests(case, regions):
    assert set(next_tests(KB, case, regions=regions)) <= region_tests(regions)


def test_a_knee_complaint_gets_knee_tests_and_no_lumbar_motor_control_tests():
    ranked = next_tests(KB, case_of("knee"))
    assert {"quadriceps_strength", "knee_extension_range", "knee_effusion"} <= set(ranked)
    assert not {"drawing_in_pbu_supine", "aslr", "prone_instability", "seated_thoracic_rotation"} & set(ranked)


def test_a_back_complaint_gets_no_knee_only_tests():
    ranked = next_tests(KB, case_of("low_back"))
    assert "drawing_in_pbu_supine" in ranked
    assert not {"knee_effusion", "quadriceps_strength", "knee_extension_range", "neuro_screen"} & set(ranked)


def test_the_knee_back_pattern_tests_come_only_with_both_complaints():
    assert "neuro_screen" not in next_tests(KB, case_of("low_back"))  # h_back_to_knee needs knee and back pain
    assert "neuro_screen" in next_tests(KB, case_of("low_back", "knee"))


def test_it_ranks_by_the_number_of_open_hypotheses_then_by_kb_order():
    case = case_of("low_back", "knee")
    ranked = next_tests(KB, case)
    disc = index_of(KB).discriminating
    n = {t: sum(t in disc[h] for h in HYPS) for t in ranked}  # no rule fired against anything: all are open
    order = list(KB.tests)
    assert ranked == sorted(ranked, key=lambda t: (-n[t], order.index(t)))
    assert ranked[0] == "aslr"  # three open hypotheses (motor control, compensatory and posterior-chain shortness)


def test_a_done_sided_test_is_not_offered_again():
    case = case_of("low_back", "knee", tests={"passive_slr": {"left": 70.0, "right": 70.0}})
    assert "passive_slr" in next_tests(KB, case_of("low_back", "knee"))
    assert "passive_slr" not in next_tests(KB, case)
    assert next_tests(KB, case, limit=3) == next_tests(KB, case)[:3]


def test_the_service_reads_a_case_still_being_filled_in():
    # a bad part (age out of range) is left out rather than failing; the complaint's pain sites still count
    focus = services.assessment_focus({"id": "t", "pain": [{"site": "knee"}], "demographics": {"age": 500}}, KB, 4)
    assert focus["tests"] == next_tests(KB, case_of("knee"), limit=4) and len(focus["tests"]) == 4


@RUN
@given(cases(KB))
def test_the_form_asks_every_red_flag_question_the_screen_can_need(case):
    """may_be_essential (what the complaint-first form opens) covers every essential question the safety screen
    finds unanswered for the case's regions, conditional ones included; without facts, every conditional one."""
    from ptplan.core.facts import build_facts
    from ptplan.core.measures import score_questionnaires
    from ptplan.core.norms import lookup_for
    from ptplan.core.screening import may_be_essential, unanswered

    regions = regions_of(case, KB)
    facts = build_facts(case, score_questionnaires(case.questionnaires, KB))
    norms = lookup_for(KB, case.demographics.age, case.demographics.sex)
    _to_ask, essential = unanswered(case, KB, facts, norms, regions)
    asked = set(may_be_essential(KB, regions, facts, norms))
    assert set(essential) <= asked <= set(may_be_essential(KB, regions))
    assert all(q in essential for q in asked if case.answer(q) == "unknown")  # nothing asked that is not needed
