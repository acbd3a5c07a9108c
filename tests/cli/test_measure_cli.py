"""``ptplan measure``: scoring from the command line and the measure list."""

import json

import pytest


def test_it_scores_the_odi_example(run):
    code, out, _ = run("measure", "score", "odi", "2", "3", "1", "2", "0", "1", "2", "1", "3", "2",
                       "--lang", "en")
    assert code == 0
    assert out.splitlines()[0] == "odi: 34% (range 0–100, higher = worse)"
    assert "moderate disability [fairbank_2000]" in out and "MCID: 10 points or 30% [ostelo_2008, verified]" in out


def test_it_reads_a_dash_as_unanswered(run):
    code, out, _ = run("measure", "score", "odi", "2", "2", "2", "2", "2", "2", "2", "2", "0", "-",
                       "--json")
    data = json.loads(out)
    assert (code, data["score"], data["missing"]) == (0, 35.6, [10])


def test_it_names_the_bad_item_and_exits_2(run):
    code, _, err = run("measure", "score", "odi", "2", "3", "7", "2", "0", "1", "2", "1", "3", "2")
    assert code == 2 and err.strip() == "error: odi.item[3]: expected 0–5, got 7"


def test_it_prints_the_json_error_shape(run):
    code, out, _ = run("measure", "score", "nrs", "x", "--json")
    data = json.loads(out)
    assert code == 2 and data["error"]["problems"][0]["field"] == "nrs.item[1]"


def test_it_scores_start_back_risk(run):
    code, out, _ = run("measure", "score", "start_back", "1", "0", "1", "0", "1", "1", "1", "0", "3",
                       "--json")
    data = json.loads(out)
    assert (data["score"], data["subscales"]["psychosocial"], data["band"]["id"]) == (6, 4, "high")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_it_lists_measures_with_ranges_and_references(run, lang):
    code, out, _ = run("measure", "list", "--lang", lang)
    lines = {ln.split()[0]: ln for ln in out.splitlines()}
    assert code == 0 and "range 0–100" in lines["odi"] and "ostelo_2008" in lines["odi"]
    assert ("not scored" in lines["joabpeq"]) and "range 0–24" in lines["rmdq"]


def test_it_scores_locomo25_into_its_locomo_range(run):
    code, out, _ = run("measure", "score", "locomo25", *(["1"] * 16 + ["0"] * 9))
    assert code == 0
    assert out.splitlines()[0] == "locomo25: 16 (range 0–100, 高いほど悪い)"
    assert "ロコモ度2の範囲 [joa_locomo_2020]" in out
    code, _, err = run("measure", "score", "locomo25", *(["1"] * 24))
    assert code == 2 and "locomo25.items" in err
