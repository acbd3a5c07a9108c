import pytest

from ptplan.core import conditions as c


def test_it_evaluates_nested_conditions():
    cond = c.parse({"all": [{"finding": "a"}, {"any": [{"fact": "age", "lt": 40}, {"not": {"finding": "b"}}]}]})
    assert cond.evaluate({"finding.a": True, "age": 50})
    assert not cond.evaluate({"finding.a": True, "finding.b": True, "age": 50})
    assert cond.evaluate({"finding.a": True, "finding.b": True, "age": 30})


def test_it_treats_a_missing_fact_as_false_except_for_known_false():
    assert not c.parse({"fact": "age", "ge": 0}).evaluate({})
    assert not c.parse({"fact": "age", "ne": 3}).evaluate({})
    assert c.parse({"fact": "age", "known": False}).evaluate({})


def test_it_never_compares_a_boolean_as_a_number():
    assert not c.parse({"fact": "x", "gt": 0}).evaluate({"x": True})


@pytest.mark.parametrize("bad", [{"fact": "a"}, {"fact": "a", "lt": "3"}, {"all": []}, {"nope": 1}, [1]])
def test_it_rejects_malformed_conditions(bad):
    with pytest.raises(c.ConditionSyntaxError):
        c.parse(bad)


def test_it_uses_norm_lookups():
    cond = c.parse({"fact": "test.x.value", "below_norm": True})
    assert cond.evaluate({"test.x.value": 9}, lambda path, v: (10, 20))
    assert not cond.evaluate({"test.x.value": 12}, lambda path, v: (10, 20))
