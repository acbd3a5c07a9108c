"""Safety-screen invariants over generated cases (hypothesis), on the packaged knowledge base:

- an essential red-flag question left unanswered for the person's regions never gives level ``none``,
  and then nothing patient-facing (handout, self-check) carries a program;
- when several flags fire, only the most urgent action is shown, in the plan and in every rendering;
- no excluded exercise or advice item reaches the plan or any rendered output.
"""

from __future__ import annotations

import os

from case_strategies import case_data, cases
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ptplan.core.case import Case
from ptplan.core.exclusions import excluded
from ptplan.core.facts import build_facts
from ptplan.core.findings import derive_findings
from ptplan.core.kb.loader import default_kb
from ptplan.core.norms import lookup_for
from ptplan.core.screening import LEVELS, is_essential, regions_of
from ptplan.core.services import make_plan, self_check
from ptplan.render import render
from ptplan.render.text import render_text

KB = default_kb()
EXAMPLES = {"thorough": 2000}.get(os.environ.get("HYPOTHESIS_PROFILE", ""), 80)
RUN = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _facts(case: Case):
    facts = build_facts(case, {})
    norms = lookup_for(KB, case.demographics.age, case.demographics.sex)
    derive_findings(case, KB, facts, norms)
    return facts, norms


def _essential_unknown(case: Case) -> list[str]:
    facts, norms = _facts(case)
    regions = regions_of(case, KB)
    return [q.id for q in KB.red_flag_questions.values()
            if q.region in regions and is_essential(q, facts, norms) and case.answer(q.id) == "unknown"]


@st.composite
def cases_missing_an_essential_answer(draw):
    data = draw(case_data(KB, red_flag_yes_weight=1))
    case = Case.model_validate(data)
    missing = _essential_unknown(case)
    if not missing:  # blank one essential question of the case's regions
        regions = regions_of(case, KB)
        pool = sorted(q.id for q in KB.red_flag_questions.values() if q.essential and q.region in regions)
        data["red_flags"] = {**data["red_flags"], draw(st.sampled_from(pool)): draw(st.sampled_from(["unknown", None]))}
        data["red_flags"] = {k: v for k, v in data["red_flags"].items() if v is not None}
        case = Case.model_validate(data)
    return case


@RUN
@given(cases_missing_an_essential_answer())
def test_it_never_reports_none_while_an_essential_question_is_unanswered(case):
    assert _essential_unknown(case)
    plan = make_plan(case, "ja", KB)
    t = plan["triage"]
    assert t["level"] != "none" and t["exercise_allowed"] is False
    assert LEVELS.index(t["level"]) >= LEVELS.index("incomplete")
    assert plan["program"]["status"] in ("provisional", "withheld")
    names = [e["name"] for c in plan["program"]["components"] for e in c["exercises"]]
    handout = render(plan, "md", "ja", date="2026-11-02")
    assert not any(name in handout for name in names)  # the provisional program stays with the therapist
    answers = {"red_flags": dict(case.red_flags), "pain": [p.site for p in case.pain if p.site in ("low_back", "knee")]}
    result = self_check(answers, "ja", KB)
    if _essential_unknown(Case.model_validate({"red_flags": answers["red_flags"],
                                               "pain": [{"site": s} for s in answers["pain"]]})):
        assert result["triage"]["level"] != "none" and result["program"]["components"] == []


@settings(RUN, max_examples=max(20, EXAMPLES // 2))  # several flags are rarer: half the examples, each filtered
@given(cases(KB, red_flag_yes_weight=4))
def test_it_shows_only_the_most_urgent_action(case):
    plan = make_plan(case, "en", KB)
    t = plan["triage"]
    assume(len(t["flags"]) >= 2)
    urgencies = [LEVELS.index(f["urgency"]) for f in t["flags"]]
    assert urgencies == sorted(urgencies, reverse=True)  # most urgent first
    if t["level"] != "incomplete":
        assert t["action"] == t["flags"][0]["action"]
    others = {f["action"] for f in t["flags"][1:]} - {t["action"]}
    for text in (render_text(plan), render(plan, "md", "en"), render(plan, "html", "en")):
        assert t["action"] in text
        assert not [a for a in others if a in text]


@RUN
@given(cases(KB))
def test_it_lets_no_excluded_exercise_or_advice_reach_any_output(case):
    facts, norms = _facts(case)
    out_ex = {e for g in excluded(KB, facts, norms) for e in g["exercises"]}
    out_adv = {a for g in excluded(KB, facts, norms) for a in g["advice"]}
    plan = make_plan(case, "ja", KB)
    chosen = {e["id"] for c in plan["program"]["components"] for e in c["exercises"]}
    assert not chosen & out_ex
    assert not {a["id"] for a in plan["advice"]} & out_adv
    # the therapist's "left out" list is the one place an excluded item may be named
    listed_apart = {**plan, "program": {**plan["program"], "exclusions": []}}
    shown = [render_text(listed_apart), render(plan, "md", "ja"), render(plan, "html", "ja"), render(plan, "fhir", "ja")]
    for eid in out_ex:
        name = KB.exercises[eid].name.ja
        assert not any(name in text for text in shown) or any(
            name in KB.exercises[c].name.ja for c in chosen), eid  # a chosen exercise may contain the same words
    for aid in out_adv:
        assert not any(KB.advice[aid].text.ja in text for text in shown), aid
