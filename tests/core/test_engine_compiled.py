"""The compiled conditions must agree with the reference evaluator on every KB condition."""

from case_strategies import cases
from hypothesis import given, settings

from ptplan.core import conditions
from ptplan.core.compiled import holds
from ptplan.core.facts import build_facts
from ptplan.core.findings import derive_findings
from ptplan.core.kb.loader import default_kb
from ptplan.core.kb.schema import ConditionData
from ptplan.core.norms import lookup_for

KB = default_kb()


def _all_conditions():
    from ptplan.core.kb.integrity import _walk

    for entries in KB.entries.values():
        for entry in entries.values():
            for _, value in _walk(entry):
                if isinstance(value, ConditionData):
                    yield value


CONDITIONS = list(_all_conditions())


@settings(max_examples=100, deadline=None)
@given(cases(KB, red_flag_yes_weight=3))
def test_it_agrees_with_the_reference_evaluator(case):
    facts = build_facts(case, {"start_back": {"risk": "high"}, "fabq": {"pa": 16}})
    norms = lookup_for(KB, case.demographics.age, case.demographics.sex)
    derive_findings(case, KB, facts, norms)
    for cond in CONDITIONS:
        assert holds(cond, facts, norms) == cond.parsed.evaluate(facts, norms), cond.data


def test_it_handles_each_operator_like_the_reference():
    facts = {"a": 3, "b": True, "c": "x", "d": None}
    for data in [{"fact": "a", "lt": 4}, {"fact": "a", "ge": 3.5}, {"fact": "b", "gt": 0}, {"fact": "c", "in": ["x"]},
                 {"fact": "d", "known": False}, {"fact": "z", "known": False}, {"fact": "z", "ne": 1},
                 {"fact": "c", "ne": "y"}, {"fact": "b", "is": True}, {"not": {"fact": "z", "eq": 1}},
                 {"any": [{"fact": "z", "eq": 1}, {"all": [{"fact": "a", "eq": 3}, {"fact": "c", "eq": "x"}]}]}]:
        parsed = conditions.parse(data)
        assert holds(parsed, facts) == parsed.evaluate(facts), data
