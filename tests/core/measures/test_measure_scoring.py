"""Each measure against worked examples computed by hand from its published algorithm."""

import pytest

from ptplan.core.measures import score
from ptplan.errors import InputError


def _err(name, answers):
    with pytest.raises(InputError) as exc:
        score(name, answers)
    return exc.value.problems[0]


# --- NRS -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("answers", "value", "band"), [
    ([0], 0.0, "none"), ([3], 3.0, "mild"), ([4], 4.0, "moderate"), ([6], 6.0, "moderate"),
    ([7], 7.0, "severe"), ([3.5], 3.5, "moderate"), ([6, 2, 8], 5.3, "moderate"), ([6, None, 8], 7.0, "severe"),
])
def test_it_scores_nrs_and_bands_it(answers, value, band):
    r = score("nrs", answers)
    assert (r.score, r.band["id"], r.direction) == (value, band, "higher_worse")
    assert r.mcid["points"] == 2 and r.mcid["percent"] == 30 and r.mcid["ref"] == "ostelo_2008"


def test_it_rejects_an_nrs_out_of_range_naming_the_item():
    p = _err("nrs", [11])
    assert (p.path, p.message, p.code) == ("nrs.item[1]", "expected 0–10, got 11", "range")


def test_it_rejects_four_nrs_ratings():
    p = _err("nrs", [1, 2, 3, 4])
    assert (p.path, p.message) == ("nrs.items", "expected 1–3 answers, got 4")


# --- ODI -------------------------------------------------------------------------------------------

def test_it_scores_the_odi_example_from_the_issue():
    r = score("odi", [2, 3, 1, 2, 0, 1, 2, 1, 3, 2])  # 17 / 50 x 100
    assert (r.score, r.unit, r.band["id"], r.band["ref"]) == (34.0, "percent", "moderate", "fairbank_2000")


def test_it_lowers_the_odi_denominator_by_five_per_missing_section():
    r = score("odi", [2, 2, 2, 2, 2, 2, 2, 2, 0, None])  # 16 / 45 x 100 = 35.56 (CLINICAL_FACTS example)
    assert (r.score, r.answered, r.missing) == (35.6, 9, [10])
    assert score("odi", [5] * 8 + [None, "-"]).score == 100.0  # 40 / 40


def test_it_refuses_odi_with_three_missing_sections():
    p = _err("odi", [1] * 7 + [None] * 3)
    assert p.path == "odi.items" and p.code == "missing" and "3 sections unanswered (8, 9, 10)" in p.message


@pytest.mark.parametrize(("total", "band"), [(10, "minimal"), (11, "moderate"), (20, "moderate"), (21, "severe"),
                                             (30, "severe"), (31, "crippled"), (40, "crippled"), (41, "bed_bound")])
def test_it_puts_odi_band_edges_where_fairbank_does(total, band):
    answers = [5] * (total // 5) + [total % 5] + [0] * (9 - total // 5)
    r = score("odi", answers[:10])
    assert r.score == total * 2 and r.band["id"] == band


def test_it_names_the_odi_item_that_is_out_of_range():
    p = _err("odi", [2, 3, 7, 2, 0, 1, 2, 1, 3, 2])
    assert (p.path, p.message, p.message_ja) == ("odi.item[3]", "expected 0–5, got 7", "0〜5 の範囲で入力してください（入力: 7）")


def test_it_rejects_half_points_on_the_odi():
    assert _err("odi", [2.5] + [0] * 9).code == "integer"


def test_it_rejects_a_wrong_odi_count():
    assert _err("odi", [1] * 9).message == "expected 10 answers, got 9"


# --- RMDQ ------------------------------------------------------------------------------------------

def test_it_counts_ticked_rmdq_items_and_treats_blanks_as_unticked():
    assert score("rmdq", [1, 0, 1, 1, 0, 1, 1] + [0] * 17).score == 5.0
    r = score("rmdq", [1, 1] + [None] * 22)
    assert (r.score, r.band["id"]) == (2.0, "recovered_range")
    assert score("rmdq", [1, 1, 1] + [0] * 21).band["id"] == "limited"


def test_it_accepts_an_rmdq_total_and_checks_its_range():
    assert score("rmdq", [12]).score == 12.0
    assert _err("rmdq", [25]).path == "rmdq.total"


# --- STarT Back --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("answers", "total", "psycho", "risk"), [
    ([1, 1, 0, 0, 0, 0, 0, 0, 4], 3, 1, "low"),       # item 9 "extremely" scores 1
    ([1, 1, 1, 1, 0, 0, 0, 0, 2], 4, 0, "medium"),    # item 9 "moderately" scores 0
    ([0, 0, 0, 0, 1, 1, 1, 0, 3], 4, 4, "high"),      # subscale 4 -> high
    ([1, 1, 1, 1, 1, 1, 1, 0, 2], 7, 3, "medium"),    # subscale 3 -> by total
    ([0, 0, 0, 0, 1, 1, 1, 1, 1], 4, 4, "high"),
    ([0, 0, 0, 0, 1, 1, 1, 0, 0], 3, 3, "low"),
])
def test_it_stratifies_start_back_as_keele_does(answers, total, psycho, risk):
    r = score("start_back", answers)
    assert (r.score, r.subscales["psychosocial"], r.band["id"]) == (total, psycho, risk)
    assert r.flat() | {} == {"score": total, "band": risk, "psychosocial": psycho, "total": total, "risk": risk}


def test_it_refuses_start_back_with_an_unanswered_item():
    assert _err("start_back", [0] * 8 + [None]).path == "start_back.item[9]"


def test_it_checks_start_back_item_ranges():
    assert _err("start_back", [2] + [0] * 8).message == "expected 0–1, got 2"
    assert _err("start_back", [0] * 8 + [5]).message == "expected 0–4, got 5"


# --- PSFS ------------------------------------------------------------------------------------------

def test_it_averages_the_psfs_activities_rated():
    assert score("psfs", [3, 4, 5]).score == 4.0
    assert score("psfs", [3, None, 6]).score == 4.5
    assert score("psfs", [2, 3, 3]).score == 2.7
    r = score("psfs", [7])
    assert (r.direction, r.mcid["points"], r.mcid["ref"], r.mdc["ref"]) == ("higher_better", 2, "moseng_2013",
                                                                         "stratford_1995")


def test_it_refuses_psfs_with_nothing_rated_or_six_activities():
    assert _err("psfs", [None, None, None]).code == "missing"
    assert _err("psfs", [5] * 6).message == "expected 1–5 answers, got 6"


# --- FABQ ------------------------------------------------------------------------------------------

FABQ = [6, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 0, 0, 5, 6]


def test_it_sums_the_fabq_subscales_from_their_items():
    r = score("fabq", FABQ)  # PA 1+2+3+4 = 10; W 5+6+1+2+3+4+5 = 26
    assert (r.score, r.subscales) == (10.0, {"pa": 10.0, "w": 26.0})
    assert r.subscale_bands["w"]["id"] == "usual"


def test_it_bands_fabq_w_above_29_as_elevated():
    answers = [0] * 16
    for i, v in zip([6, 7, 9, 10, 11, 12, 15], [6, 6, 6, 6, 6, 0, 0], strict=True):
        answers[i - 1] = v
    assert score("fabq", answers).subscale_bands["w"]["id"] == "elevated"  # W = 30
    answers[9] = 5
    assert score("fabq", answers).subscale_bands["w"]["id"] == "usual"  # W = 29


def test_it_leaves_fabq_w_unscored_for_someone_not_in_work():
    r = score("fabq", [None, 1, 2, 3, 4] + [None] * 11)
    assert r.subscales == {"pa": 10.0, "w": None}


def test_it_refuses_fabq_when_no_subscale_is_complete():
    assert _err("fabq", [0, 1, None, 3, 4] + [None] * 11).code == "missing"


# --- KOOS ------------------------------------------------------------------------------------------

def _koos(symptoms, pain, adl, sport, qol):
    return symptoms + pain + adl + sport + qol


def test_it_scores_koos_subscales_by_the_2012_guide():
    r = score("koos", _koos([1] * 7, [2, 2, 2, 2, 2, 1, 1, 1, 1], [0] * 17, [4] * 5, [3, 2, 2, 1]))
    # pain: mean 14/9 = 1.556 -> 100 - 38.9 = 61.1
    assert r.subscales == {"symptoms": 75.0, "pain": 61.1, "adl": 100.0, "sport_rec": 0.0, "qol": 50.0}
    assert r.score == 61.1 and r.direction == "higher_better"


def test_it_applies_the_koos_half_answered_rule():
    r = score("koos", _koos([1, 1, 1, 1, None, None, None], [2] * 4 + [None] * 5, [0] * 17, [None] * 5,
                            [4, 2, None, None]))
    assert r.subscales == {"symptoms": 75.0, "pain": None, "adl": 100.0, "sport_rec": None, "qol": 25.0}
    r = score("koos", _koos([0] * 7, [2] * 5 + [None] * 4, [0] * 17, [1, 1, 1, None, None], [4, None, None, None]))
    assert (r.subscales["pain"], r.subscales["sport_rec"], r.subscales["qol"]) == (50.0, 75.0, None)


# --- KOOS-12 ---------------------------------------------------------------------------------------

def test_it_scores_koos12_scales_and_summary():
    r = score("koos12", [1, 2, None, None, 0, 0, 1, 1, 2, 2, 2, 2])
    assert r.subscales == {"pain": 62.5, "function": 87.5, "qol": 50.0}
    assert r.score == r.extra["summary"] == 66.7  # (62.5 + 87.5 + 50) / 3


def test_it_imputes_koos12_with_the_persons_scale_mean():
    r = score("koos12", [1, 2, 3, None, 0, 0, 0, 0, 4, 4, 4, 4])
    assert r.subscales["pain"] == 50.0  # 1+2+3+2(imputed) = 8 of 16 -> 50
    assert r.subscales["qol"] == 0.0


def test_it_needs_two_of_four_koos12_items_and_then_drops_the_summary():
    r = score("koos12", [1, None, None, None, 0, 0, 1, 1, 2, 2, 2, 2])
    assert r.subscales["pain"] is None and r.score is None and r.flat()["summary"] is None


# --- JKOM, unavailable and unknown measures ---------------------------------------------------------

def test_it_sums_jkom_with_the_documented_coding_and_marks_it_unverified():
    answers = [1] * 8 + [2] * 10 + [0] * 5 + [4, 4]
    r = score("jkom", answers)
    assert r.subscales == {"pain_stiffness": 8.0, "daily_life": 20.0, "general_activities": 0.0, "health": 8.0}
    assert (r.score, r.extra["total_1to5"], r.status, r.mcid) == (36.0, 61.0, "unverified", None)


@pytest.mark.parametrize("name", ["joabpeq", "koos_ps"])
def test_it_refuses_to_guess_measures_whose_scoring_is_not_verified(name):
    assert _err(name, [0] * 25).code == "unavailable"


def test_it_names_an_unknown_measure():
    p = _err("womac", [0])
    assert p.code == "unknown" and "known:" in p.message and "odi" in p.message


def test_it_rejects_text_answers_clearly():
    assert _err("odi", ["a"] + [0] * 9).message == "expected a number or '-' for unanswered, got 'a'"
    assert _err("odi", "0123456789").message == "expected a list of item answers"
