"""Server-side SVG charts and the read models behind them."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from ptplan.clinic import read_models
from ptplan.web import charts, records

D = dt.date(2026, 11, 2)


def test_it_draws_a_point_per_value_with_an_mcid_band_around_the_baseline():
    c = charts.Chart("Pain", "NRS", 0, 10, [(D, 6.0), (D + dt.timedelta(days=7), 3.0)], 2.0, "MCID ±2")
    svg = str(charts.svg(c, "none"))
    assert svg.count('class="dot"') == 2
    assert 'class="mcid"' in svg and "MCID ±2" in svg
    # baseline 6 ± 2 on a 0-10 scale 162 px tall, starting at y=24: band from y(8) to y(4)
    assert 'y="56.4"' in svg and 'height="64.8"' in svg
    assert 'role="img"' in svg and "<title>Pain</title>" in svg


def test_it_says_when_there_is_no_data():
    svg = str(charts.svg(charts.Chart("ODI", "%", 0, 100, []), "No data yet"))
    assert "No data yet" in svg and "polyline" not in svg


def test_it_counts_adherence_per_week_against_the_plan():
    plan = {"program": {"components": [{"id": "c", "exercises": [
        {"id": "bridge", "dose": {"sessions_per_week": 3}}, {"id": "quad_setting", "dose": {"sessions_per_week": 3}}]}]}}
    done = [(0, ["bridge", "quad_setting"]), (2, ["bridge", "quad_setting"]), (4, []), (7, ["bridge"])]
    rows = [SimpleNamespace(performed_on=D + dt.timedelta(days=i), exercises=ex, pain_before=None, pain_after=None)
            for i, ex in done]
    # week 1: 4 of 6 prescribed exercise-sessions; week 2: 1 of 6
    assert read_models.adherence(rows, plan) == [(D, 67), (D + dt.timedelta(days=7), 17)]
    assert read_models.adherence(rows, None) == []


def test_it_takes_the_mcid_from_the_measures_knowledge_or_the_cited_fallback():
    points, ref = records.mcid("odi")
    assert points == 10.0 and ref == "ostelo_2008"


def test_it_shows_only_the_numbers_of_a_finding_value():
    from ptplan.web.base import finding_value

    assert finding_value({"test.passive_slr.min": 55.0}) == "55"
    assert finding_value({"activity.exercise_days_per_week": 0, "activity.level": "light", "x": True}) == "0"
    assert finding_value(None) == "" and finding_value(12.5) == "12.5"


def test_bars_draw_a_share_and_show_a_suppressed_group_in_words_not_as_zero():
    items = [charts.Bar("All", 0.6, "3/5 (60%)"), charts.Bar("Small <group>", None, "not shown", suppressed=True),
             charts.Bar("None reached", 0.0, "0/5 (0%)")]
    svg = str(charts.bars("NRS at 6 weeks", items, "no data"))
    span = charts.W - charts.BAR_LEFT - 110
    assert f'width="{span * 0.6:.1f}"' in svg and svg.count('class="bar"') == 2  # the suppressed one has no bar
    assert svg.count('class="suppressed"') == 1 and "not shown" in svg and "0/5 (0%)" in svg
    assert "Small &lt;group&gt;" in svg and 'role="img"' in svg and "<script" not in svg
