"""The clinical vignette suite: each vignette (tests/vignettes/*.yaml) is one test of the plan its case gets.

Besides its explicit ``expect`` keys, every vignette is held to what it claims to cover: a positive
vignette must make each covered rule hold, a near miss must leave it silent (``_covers``). The suite as a
whole must hold a positive and a near miss for every red-flag rule, contraindication rule, piece of
equipment an exercise needs that is not assumed at home, and safety adjustment of the knowledge base.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from vignette_suite import ADAPTERS, KB, KINDS, Outcome, load_all, outcome

VIGNETTES = load_all()
SAFETY_ADJUSTMENTS = ("adj_recent_spine_surgery", "adj_recent_knee_replacement", "adj_osteoporosis")


def _same(got, want, what: str) -> None:
    assert got == want, f"{what}: expected {want!r}, got {got!r}"


def _subset(got, want, what: str) -> None:
    missing = [w for w in want if w not in got]
    assert not missing, f"{what}: missing {missing} (got {sorted(got)})"


def _none_of(got, unwanted, what: str) -> None:
    present = [w for w in unwanted if w in got]
    assert not present, f"{what}: should not contain {present}"


def _excluded(o: Outcome, want: dict) -> None:
    groups = o.exclusion_groups()
    in_program = {e["id"] for e in o.exercises} | {a["id"] for a in o.plan["advice"]}
    for rule, ids in want.items():
        _subset(groups.get(rule, set()), ids, f"excluded by {rule}")
        _none_of(in_program, ids, "program and advice")  # what is excluded never reaches the plan


def _not_excluded(o: Outcome, ids: list) -> None:
    for rule, items in o.exclusion_groups().items():
        _none_of(items, ids, f"excluded by {rule}")


def _not_excluded_by(o: Outcome, want: dict) -> None:
    groups = o.exclusion_groups()
    for rule, ids in want.items():
        _none_of(groups.get(rule, set()), ids, f"excluded by {rule}")


def _cautioned(o: Outcome, want: dict) -> None:
    for rule, ids in want.items():
        _subset(o.cautioned_by(rule), ids, f"cautioned by {rule}")
        reason = KB.kind("contraindications")[rule].reason.get(o.plan["lang"])
        for e in o.exercises:  # an exercise in the program carries the rule's caution text
            if e["id"] in o.cautioned_by(rule):
                assert reason in e["cautions"], (e["id"], rule)


def _not_cautioned(o: Outcome, want: dict) -> None:
    for rule, ids in want.items():
        _none_of(o.cautioned_by(rule), ids, f"cautioned by {rule}")


def _max_level(o: Outcome, want: dict) -> None:
    for e in o.exercises:
        cap = want.get(e["family"], want.get("any"))
        if cap is not None:
            assert e["level"] <= cap, (e["id"], e["family"], e["level"])


def _adapters(o: Outcome, names: list) -> None:
    _none_of(names, [n for n in names if n not in ADAPTERS], "adapter names")  # checked in test_vignette_adapters


def _component_ids(o: Outcome) -> list[str]:
    return [c["id"] for c in o.plan["program"]["components"]]


# --- reasoning and program (issue 12) ---
TRUNK_FAMILIES = {"motor_control", "pilates", "mckenzie"}


def _hyp(o: Outcome, hid: str) -> dict | None:
    return next((h for h in o.plan["hypotheses"] if h["id"] == hid and h["status"] == "supported"), None)


def served(plan: dict, hid: str) -> list[str]:
    """Exercises aimed at a supported hypothesis: in a component it called, addressing it or a finding it rests on
    (or, for a hypothesis that rests on no finding, any exercise of that component)."""
    h = next(h for h in plan["hypotheses"] if h["id"] == hid)
    basis = set(h["for"])
    return [e["id"] for c in plan["program"]["components"] if hid in c["hypotheses"] for e in c["exercises"]
            if hid in e["addresses"] or basis & set(e["addresses"]) or not basis]


def _hypotheses(o: Outcome, want: dict) -> None:
    order = ("low", "moderate", "high")
    for hid, level in want.items():
        h = _hyp(o, hid)
        assert h is not None, f"{hid} not supported"
        assert order.index(h["confidence"]) >= order.index(level), (hid, h["confidence"], h["rules"])
        assert served(o.plan, hid), f"{hid} is not served by any exercise"


def _explanation_contains(o: Outcome, want: dict) -> None:
    for hid, parts in want.items():
        text = _hyp(o, hid)["explanation"]
        _none_of(text, ["のいずれか"], f"{hid} explanation")
        missing = [p for p in parts if p not in text]
        assert not missing, f"{hid} explanation lacks {missing}: {text}"


def _served_by(o: Outcome, want: dict) -> None:
    for hid, ids in want.items():
        assert set(served(o.plan, hid)) & set(ids), f"{hid} served by {served(o.plan, hid)}, wanted one of {ids}"


def _trunk_work(o: Outcome, want: bool) -> None:
    trunk = [e["id"] for e in o.exercises if e["family"] in TRUNK_FAMILIES or KB.exercises[e["id"]].lens == "core"
             or "lumbopelvic_control_deficit" in KB.exercises[e["id"]].addresses]
    assert bool(trunk) is want, f"trunk or back work: {trunk}"


def _within_limits(o: Outcome, want: bool) -> None:
    limits = KB.meta.program_limits
    p = o.plan["program"]
    assert (len(o.exercises) <= limits.max_exercises and p["minutes_per_day"] <= limits.daily_minutes) is want, (
        len(o.exercises), p["minutes_per_day"])


CHECKS = {
    "triage": lambda o, w: _same(o.plan["triage"]["level"], w, "triage level"),
    "flags": lambda o, w: _same(o.flags, w, "flags (most urgent first)"),
    "flags_include": lambda o, w: _subset(o.flags, w, "flags"),
    "flags_absent": lambda o, w: _none_of(o.flags, w, "flags"),
    "action_of": lambda o, w: _same(o.plan["triage"]["action"],
                                    next(f["action"] for f in o.plan["triage"]["flags"] if f["id"] == w), "action"),
    "program": lambda o, w: _same(o.plan["program"]["status"], w, "program status"),
    "essential_unanswered": lambda o, w: _same([q["id"] for q in o.plan["triage"]["to_ask"] if q["essential"]], w,
                                               "essential questions unanswered"),
    "essential_unanswered_include": lambda o, w: _subset([q["id"] for q in o.plan["triage"]["to_ask"] if q["essential"]],
                                                         w, "essential questions unanswered"),
    "to_ask": lambda o, w: _same([q["id"] for q in o.plan["triage"]["to_ask"]], w, "questions to ask"),
    "excluded": _excluded,
    "excluded_advice": _excluded,
    "not_excluded": _not_excluded,
    "not_excluded_by": _not_excluded_by,
    "cautioned": _cautioned,
    "not_cautioned": _not_cautioned,
    "components_include": lambda o, w: _subset(_component_ids(o), w, "components"),
    "components_absent": lambda o, w: _none_of(_component_ids(o), w, "components"),
    "exercises_include": lambda o, w: _subset([e["id"] for e in o.exercises], w, "exercises"),
    "exercises_absent": lambda o, w: _none_of([e["id"] for e in o.exercises], w, "exercises"),
    "advice_include": lambda o, w: _subset([a["id"] for a in o.plan["advice"]], w, "advice"),
    "advice_absent": lambda o, w: _none_of([a["id"] for a in o.plan["advice"]], w, "advice"),
    "precautions": lambda o, w: _same(sorted(p["id"] for p in o.plan["program"]["precautions"]), sorted(w),
                                      "program precautions"),
    "max_level": _max_level,
    "adapters": _adapters,
    "hypotheses": _hypotheses,
    "explanation_contains": _explanation_contains,
    "served_by": _served_by,
    "findings_include": lambda o, w: _subset([f["id"] for f in o.plan["findings"]], w, "findings"),
    "findings_absent": lambda o, w: _none_of([f["id"] for f in o.plan["findings"]], w, "findings"),
    "families_include": lambda o, w: _subset({e["family"] for e in o.exercises}, w, "exercise families"),
    "trunk_work": _trunk_work,
    "within_limits": _within_limits,
    "left_for_later": lambda o, w: _same(bool(o.plan["program"]["left_for_later"]), w, "something left for later"),
    "advice_placed": lambda o, w: [_subset([a["id"] for a in o.plan["advice"] if a["place"] == where], ids,
                                           f"advice placed {where}") for where, ids in w.items()],
    "handout_at_most": lambda o, w: _at_most(len([a for a in o.plan["advice"] if a["place"] == "handout"]), w),
    "advice_first": lambda o, w: _same(next(a["id"] for a in o.plan["advice"] if a["place"] == "handout"), w,
                                       "first handout advice"),
}


def _at_most(n: int, limit: int) -> None:
    assert n <= limit, f"{n} handout advice items, more than {limit}"


def _holds(o: Outcome, target: str) -> bool:
    """Does the covered rule hold for this vignette?"""
    kind, _, name = target.partition(".")
    if kind == "red_flag":
        return name in o.flags
    if kind == "contraindication":
        return name in o.exclusion_groups() or bool(o.cautioned_by(name))
    if kind == "equipment":
        return target in o.exclusion_groups()
    if kind == "adjustment":
        return name in o.fired_adjustments()
    if kind == "hypothesis":
        h = _hyp(o, name)
        return h is not None and h["confidence"] != "low" and bool(served(o.plan, name))
    if kind == "advice":
        return name in [a["id"] for a in o.plan["advice"]]
    if kind == "screening" and name == "incomplete":
        return o.plan["triage"]["essential_unanswered"] > 0
    if kind == "screening" and name == "one_action":
        actions = [f["action"] for f in o.plan["triage"]["flags"]]
        return len(set(actions)) > 1 and o.plan["triage"]["action"] == actions[0]
    raise AssertionError(f"unknown coverage target {target}")


@pytest.mark.parametrize("v", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_it_meets_the_vignette(v):
    assert v["kind"] in KINDS, v["kind"]
    unknown = set(v["expect"]) - set(CHECKS)
    assert not unknown, f"unknown expect keys {unknown}; add a check to CHECKS (README.md)"
    o = outcome(v)
    for key, want in v["expect"].items():
        CHECKS[key](o, want)
    for target in v["covers"]:
        if v["kind"] == "positive" or not target.startswith("screening.one_action"):
            assert _holds(o, target) is (v["kind"] == "positive"), f"{v['kind']} vignette and {target}"


def test_it_has_unique_ids_and_at_least_forty_vignettes():
    ids = [v["id"] for v in VIGNETTES]
    assert len(ids) == len(set(ids)) and len(ids) >= 40


def _rules() -> list[str]:
    rules = [f"red_flag.{r}" for r in KB.red_flags]
    rules += [f"contraindication.{r}" for r in KB.kind("contraindications")]
    rules += [f"equipment.{e}" for e, entry in KB.kind("equipment").items() if entry.available_when is not None
              and any(e in ex.equipment for ex in KB.exercises.values())]  # equipment some exercise needs
    rules += [f"adjustment.{a}" for a in SAFETY_ADJUSTMENTS]
    return rules + ["screening.incomplete"]


def test_it_covers_every_safety_rule_with_a_positive_and_a_near_miss():
    seen = defaultdict(set)
    for v in VIGNETTES:
        for target in v["covers"]:
            seen[target].add(v["kind"])
    missing = {r: sorted(set(KINDS) - seen[r]) for r in _rules() if seen[r] != set(KINDS)}
    assert not missing, f"rules without a positive and a near-miss vignette: {missing}"


#: advice relevance rules of issue 12 item 6 and issue 17 item 5: each needs a positive and a near miss
ADVICE_RULES = ("neuro_monitoring", "fall_prevention_home", "bathing_heat_shock", "sitting_breaks", "weight_knee_load",
                "weight_frailty_caution", "knee_education_exercise_first", "hyaluronic_acid_injection",
                "regenerative_treatments", "seiza_knee", "futon_and_floor", "japanese_style_toilet",
                "insoles_and_knee_supports", "lumbar_corset", "care_insurance_home_support", "urgent_but_unsure_7119")


def test_it_covers_every_advice_relevance_rule_with_a_positive_and_a_near_miss():
    seen = defaultdict(set)
    for v in VIGNETTES:
        for target in v["covers"]:
            seen[target].add(v["kind"])
    missing = [a for a in ADVICE_RULES if seen[f"advice.{a}"] != set(KINDS) or KB.advice[a].when is None]
    assert not missing, f"advice relevance rules without a positive and a near-miss vignette: {missing}"


def test_it_applies_every_contraindication_rule_to_some_exercise_or_advice():
    from ptplan.core.kb_index import index_of

    idx = index_of(KB)
    used = {c.source for checks in [*idx.exclusions.values(), *idx.cautions.values(), *idx.advice_exclusions.values()]
            for c in checks}
    assert set(KB.kind("contraindications")) <= used


def test_it_serves_every_hypothesis_in_some_vignette():
    """Each hypothesis of the KB has a positive vignette in which it is moderate or high and served (issue 12)."""
    seen = {t.partition(".")[2] for v in VIGNETTES if v["kind"] == "positive" for t in v["covers"]
            if t.startswith("hypothesis.")}
    missing = sorted(set(KB.kind("hypotheses")) - seen)
    assert not missing, f"hypotheses without a positive vignette: {missing}"
