"""score_questionnaires (the contract keys), compare (direction-aware change) and the catalogue."""

import pytest

from ptplan.core.measures import catalogue, compare, score, score_questionnaires
from ptplan.errors import InputError

CASE_QUESTIONNAIRES = {
    "nrs": [6], "odi": [2, 3, 1, 2, 0, 1, 2, 1, 3, 2], "rmdq": [9], "psfs": [3, 4, 5],
    "start_back": [1, 0, 1, 0, 1, 1, 1, 0, 3], "fabq": [0, 4, 4, 4, 4] + [0] * 11,
    "koos12": [1, 2, 2, 1, 0, 1, 1, 2, 2, 2, 2, 2], "joabpeq": [0] * 25,
}


def test_it_gives_the_contract_keys_for_each_questionnaire():
    s = score_questionnaires(CASE_QUESTIONNAIRES)
    assert s["start_back"] == {"score": 6.0, "band": "high", "total": 6.0, "psychosocial": 4.0, "risk": "high"}
    assert (s["fabq"]["pa"], s["fabq"]["w"]) == (16.0, 0.0)
    assert (s["odi"]["score"], s["rmdq"]["score"], s["nrs"]["score"], s["psfs"]["score"]) == (34.0, 9.0, 6.0, 4.0)
    assert {k: s["koos12"][k] for k in ("pain", "function", "qol", "summary")} == \
        {"pain": 62.5, "function": 75.0, "qol": 50.0, "summary": 62.5}
    assert s["joabpeq"] == {"score": None, "unavailable": True}


def test_it_collects_every_questionnaire_problem_under_questionnaires():
    with pytest.raises(InputError) as exc:
        score_questionnaires({"odi": [9] + [0] * 9, "nrs": [12], "wat": [1]})
    paths = [p.path for p in exc.value.problems]
    assert paths == ["questionnaires.odi.item[1]", "questionnaires.nrs.item[1]", "questionnaires.wat"]


def test_it_calls_a_higher_worse_drop_an_improvement():
    c = compare("odi", [2, 3, 1, 2, 0, 1, 2, 1, 3, 2], [1, 1, 1, 1, 0, 1, 1, 1, 1, 1])  # 34 -> 18
    assert (c["change"], c["improvement"], c["percent_improvement"], c["mcid_met"], c["worsened"]) == \
        (-16.0, 16.0, 47.1, True, False)
    assert c["mcid"]["ref"] == "ostelo_2008"


def test_it_calls_a_higher_better_rise_an_improvement():
    c = compare("psfs", [3, 3, 3], [5, 5, 5])
    assert (c["change"], c["improvement"], c["percent_improvement"], c["mcid_met"], c["mdc_exceeded"]) == \
        (2.0, 2.0, 28.6, True, True)
    c = compare("psfs", [5, 5, 5], [4, 4, 4])
    assert (c["improvement"], c["mcid_met"], c["worsened"]) == (-1.0, False, False)


def test_it_meets_the_mcid_by_percent_when_points_fall_short():
    c = compare("nrs", [3], [2])  # 1 point, but 33% of baseline (Ostelo: 2 points or 30%)
    assert (c["improvement"], c["percent_improvement"], c["mcid_met"]) == (1.0, 33.3, True)
    c = compare("nrs", [8], [7])
    assert (c["percent_improvement"], c["mcid_met"]) == (12.5, False)


def test_it_flags_clinically_important_worsening():
    c = compare("nrs", [3], [5])
    assert (c["improvement"], c["worsened"], c["mcid_met"]) == (-2.0, True, False)


def test_it_compares_subscales_and_scored_values():
    base = score("koos12", [2] * 12)
    c = compare("koos12", base, {"pain": 70.0, "score": 60.0}, key="pain")
    assert (c["baseline"], c["latest"], c["improvement"], c["mcid_met"]) == (50.0, 70.0, 20.0, True)
    assert compare("rmdq", 12, 6)["mcid_met"] is True


def test_it_has_no_verdict_without_an_mcid_or_a_value():
    assert compare("start_back", [0] * 9, [1] * 8 + [4])["mcid_met"] is None
    assert compare("koos12", [2] * 12, [None] * 4 + [1] * 8)["mcid_met"] is None


def test_it_prefixes_compare_errors_with_the_timepoint():
    with pytest.raises(InputError) as exc:
        compare("nrs", [5], [14])
    assert exc.value.problems[0].path == "latest.nrs.item[1]"


def test_it_lists_every_measure_with_its_status():
    cat = {m["id"]: m for m in catalogue("en")}
    assert set(cat) >= {"nrs", "odi", "rmdq", "start_back", "psfs", "fabq", "koos", "koos12", "jkom", "joabpeq"}
    assert cat["joabpeq"]["available"] is False and "formulas" in cat["joabpeq"]["reason"]
    assert cat["odi"]["range"] == [0, 100] and cat["odi"]["mcid"]["ref"] == "ostelo_2008"
    assert cat["psfs"]["items"] == "1-5"


def _sample_answers(meta):
    n = meta.min_items or len(meta.items)
    return [meta.item_ranges.get(i, (meta.item_min, meta.item_max))[0] for i in range(1, n + 1)]


def test_it_produces_every_measure_fact_the_knowledge_base_reads():
    from ptplan.core import conditions
    from ptplan.core.kb.integrity import _walk
    from ptplan.core.kb.loader import default_kb
    from ptplan.core.kb.schema import ConditionData

    kb = default_kb()
    read = {leaf.path for entries in kb.entries.values() for e in entries.values() for _, v in _walk(e)
            if isinstance(v, ConditionData) for leaf in conditions.leaves(v.parsed) if leaf.path.startswith("measure.")}
    assert read  # the rules do read scored questionnaires
    for path in read:
        _, name, key = path.split(".", 2)
        meta = kb.kind("measures")[name]
        assert key in score(name, _sample_answers(meta)).flat(), path
