"""What the knowledge base must hold: counts, bilingual texts, cited thresholds, the ids that
docs/CONTRACTS.md promises, and sensible behaviour of the rules on the example cases."""

import re
from pathlib import Path

import pytest

from ptplan.core.case_io import load_case_file
from ptplan.core.facts import build_facts
from ptplan.core.kb.loader import default_kb
from ptplan.core.kb.stats import kb_stats

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = (ROOT / "docs" / "CONTRACTS.md").read_text(encoding="utf-8")
EXAMPLES = {p.name[:2]: p for p in sorted((ROOT / "examples").glob("*.yaml"))}


@pytest.fixture(scope="module")
def kb():
    return default_kb()


def _contract_tests() -> dict[str, str]:
    """test id -> the record cell of the CONTRACTS table."""
    rows = re.findall(r"^\| ([a-z_0-9]+) \| ([^|]+) \|", CONTRACTS, re.M)
    return {tid: record for tid, record in rows if tid != "id"}


def _contract_list(heading: str, stop: str) -> set[str]:
    block = CONTRACTS.split(heading, 1)[1].split(stop, 1)[0]
    return set(re.findall(r"\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b", block))


def test_it_holds_the_counts_the_issue_requires(kb):
    s = kb_stats(kb)
    assert s["tests"] >= 24
    assert s["references"] >= 25
    assert s["advice"] >= 25
    assert s["red_flag_questions"] >= 24
    assert s["red_flags"] >= 15
    assert s["yellow_flags"] >= 3


def test_it_has_every_text_in_japanese_and_english(kb):
    assert kb_stats(kb)["languages"] == {"ja": 1.0, "en": 1.0}


def test_it_has_every_contract_test_with_its_record(kb):
    contract = _contract_tests()
    assert len(contract) >= 24
    for tid, record in contract.items():
        assert tid in kb.tests, tid
        kind = record.split(",")[0].split(":")[0].strip()
        assert kb.tests[tid].record.kind == kind, tid
        assert kb.tests[tid].record.sided == ("sided" in record), tid
        if kind == "checklist":
            choices = [c.strip() for c in record.split(":", 1)[1].split(",")]
            assert list(kb.tests[tid].record.choices) == choices, tid


def test_it_has_every_contract_red_flag_question(kb):
    ids = _contract_list("**Red-flag questions**", "**Hypotheses**")
    ids -= {"red_flag_questions", "red_flags"}
    assert len(ids) >= 24
    assert ids <= set(kb.red_flag_questions)


def test_it_only_names_contract_hypotheses_as_discriminated(kb):
    hypotheses = {h for h in _contract_list("**Hypotheses**", "**Exercise families**") if h.startswith("h_")}
    assert len(hypotheses) == 15
    for test in kb.tests.values():
        assert set(test.discriminates) <= hypotheses, test.id


def test_it_cites_a_threshold_and_a_reference_for_every_yield(kb):
    for test in kb.tests.values():
        for y in test.yields:
            assert y.threshold.ja and y.threshold.en and y.refs, test.id
            assert all(r in kb.references for r in y.refs)


def test_it_marks_yields_unverified_when_every_source_is_unverified(kb):
    for test in kb.tests.values():
        for y in test.yields:
            if all(kb.references[r].status == "unverified" for r in y.refs):
                assert y.status == "unverified", (test.id, y.finding)


def test_it_gives_every_red_flag_an_urgency_and_an_action(kb):
    urgencies = {rf.urgency for rf in kb.red_flags.values()}
    assert urgencies == {"emergency", "urgent", "routine"}
    for rf in kb.red_flags.values():
        assert rf.action.ja and rf.action.en and rf.refs


def test_it_asks_every_red_flag_question_in_some_rule(kb):
    used = {leaf.path.split(".", 1)[1] for rf in kb.red_flags.values() for leaf in _leaves(rf.when)
            if leaf.path.startswith("red_flag.")}
    assert set(kb.red_flag_questions) <= used


def test_it_covers_every_advice_category(kb):
    from typing import get_args

    from ptplan.core.kb.schema import Advice

    categories = set(get_args(Advice.model_fields["category"].annotation))
    assert {a.category for a in kb.advice.values()} == categories
    for a in kb.advice.values():
        if a.category == "medical_option":
            assert a.evidence is not None, a.id


def test_it_gives_norms_a_known_reference_and_a_sane_age_band(kb):
    for test in kb.tests.values():
        for n in test.norms:
            assert n.ref in kb.references and n.age_min <= n.age_max
            assert n.low is not None or n.high is not None or n.mean is not None or n.reference is not None


@pytest.mark.parametrize("key", sorted(EXAMPLES))
def test_it_validates_every_example(key):
    assert load_case_file(EXAMPLES[key]).goals


# --- the rules applied to the example cases ---------------------------------------------------------

def _leaves(cond):
    from ptplan.core.conditions import leaves

    return leaves(cond.parsed)


def _evaluate(kb, key):
    """Facts of an example with test findings added, and a norm lookup by age and sex."""
    case = load_case_file(EXAMPLES[key])
    facts = build_facts(case)

    def norms(path, _value):
        test = kb.tests[path.split(".")[1]]
        d = case.demographics
        for n in test.norms:
            if d.age is not None and n.age_min <= d.age <= n.age_max and n.sex in ("any", d.sex):
                return n.low, n.high
        return None, None

    for test in kb.tests.values():
        for y in test.yields:
            if y.when.parsed.evaluate(facts, norms):
                facts[f"finding.{y.finding}"] = True
    return facts, norms


def _red_flags(kb, key):
    facts, norms = _evaluate(kb, key)
    return {rf.id: rf.urgency for rf in kb.red_flags.values() if rf.when.parsed.evaluate(facts, norms)}


def test_it_sends_the_cauda_equina_example_to_emergency(kb):
    assert _red_flags(kb, "08")["cauda_equina"] == "emergency"


def test_it_finds_no_red_flag_in_the_ordinary_examples(kb):
    for key in ("01", "02", "03", "04", "05", "06", "07", "09", "10"):
        assert _red_flags(kb, key) == {}, key


def test_it_finds_the_hamstring_and_control_findings_in_example_01(kb):
    facts, _ = _evaluate(kb, "01")
    for finding in ("hamstring_shortness", "lumbopelvic_control_deficit", "drawing_in_failure"):
        assert facts.get(f"finding.{finding}"), finding


def test_it_uses_age_and_sex_norms_for_the_older_adult(kb):
    facts, _ = _evaluate(kb, "04")  # 66-year-old woman: 10 stands < 11; TUG 9.8 s > 9.0 s
    assert facts.get("finding.low_lower_limb_strength") and facts.get("finding.slow_mobility")
    facts, _ = _evaluate(kb, "01")
    assert not facts.get("finding.low_lower_limb_strength")


def test_it_never_advises_heat_for_the_warm_swollen_knee(kb):
    facts, norms = _evaluate(kb, "07")
    assert facts.get("finding.knee_inflamed")
    given = {a.id for a in kb.advice.values()
             if (a.when is None or a.when.parsed.evaluate(facts, norms))
             and not (a.not_when and a.not_when.parsed.evaluate(facts, norms))}
    assert "cold_for_warm_knee" in given
    assert not any(kb.advice[a].category == "heat" for a in given)


def test_it_gives_the_knee_load_arithmetic_only_when_overweight_with_a_painful_knee(kb):
    advice = kb.advice["weight_knee_load"]
    assert "4 kg" in advice.text.ja and "1〜2 kg" in advice.text.ja
    knee = {"pain.knee": True, "age": 60}
    assert advice.when.parsed.evaluate({**knee, "bmi": 27.0})
    assert not advice.when.parsed.evaluate({**knee, "bmi": 22.0})
    assert not advice.when.parsed.evaluate({"bmi": 27.0, "age": 60})  # no knee pain
    assert not advice.when.parsed.evaluate({**knee, "bmi": 27.0, "age": 80})  # the frailty caution instead
    assert kb.advice["weight_frailty_caution"].when.parsed.evaluate({"bmi": 27.0, "age": 80})


def test_it_flags_high_start_back_risk_as_a_yellow_flag(kb):
    flag = kb.yellow_flags["start_back_high_risk"]
    assert flag.when.parsed.evaluate({"measure.start_back.risk": "high"})
    assert not flag.when.parsed.evaluate({"measure.start_back.risk": "low", "measure.start_back.psychosocial": 1})
