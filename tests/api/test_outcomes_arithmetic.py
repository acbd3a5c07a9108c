"""ptplan.clinic.outcomes.summarize on constructed cohorts: the MCID reached or not (points or percent,
direction-aware, as the measures define it), the 6- and 12-week windows, suppression of groups of fewer
than 5, adherence and alert counts. No database."""

from __future__ import annotations

import datetime as dt

from ptplan.clinic import outcomes
from ptplan.clinic.outcomes import PatientRecord

DAY0 = dt.date(2026, 1, 5)


def rec(pattern="knee_to_back", hypothesis="h_a", logged=0, prescribed=0.0, alerts=0, **series) -> PatientRecord:
    """``series``: measure -> [(days after baseline, score), ...]."""
    return PatientRecord(pattern, hypothesis, {n: [(DAY0 + dt.timedelta(days=d), float(v)) for d, v in s]
                                               for n, s in series.items()}, logged, prescribed, alerts)


def row(rows, by="all", gid="all"):
    return next(r for r in rows if r["by"] == by and r["id"] == gid)


def test_mcid_reached_or_not_by_points_or_percent_and_direction():
    cohort = [rec(nrs=[(0, 6), (42, 4)]),  # 2 points: the MCID (Ostelo 2008)
              rec(nrs=[(0, 6), (42, 5)]),  # 1 point, 17%: not
              rec(nrs=[(0, 3), (42, 2)]),  # 1 point but 33% of baseline: reached by percent
              rec(nrs=[(0, 4), (42, 7)]),  # worse
              rec(nrs=[(0, 8), (42, 8)])]
    cell = row(outcomes.summarize(cohort))["mcid"]["nrs"]["6"]
    assert cell == {"n": 5, "reached": 2, "share": 0.4, "suppressed": False}
    knees = [rec(koos12=[(0, 50), (40, 58)]), rec(koos12=[(0, 50), (40, 55)]), rec(koos12=[(0, 60), (40, 40)]),
             rec(koos12=[(0, 40), (40, 70)]), rec(koos12=[(0, 55), (40, 63)])]
    cell = row(outcomes.summarize(knees))["mcid"]["koos12"]["6"]  # higher is better; MCID 8 [unverified]
    assert cell["n"] == 5 and cell["reached"] == 3


def test_six_and_twelve_week_windows():
    cohort = [rec(odi=[(0, 40), (42, 28), (84, 38)]) for _ in range(5)]  # reached at 6 weeks, not at 12
    rows = outcomes.summarize(cohort)
    assert row(rows)["mcid"]["odi"]["6"]["reached"] == 5 and row(rows)["mcid"]["odi"]["12"]["reached"] == 0
    assert row(rows)["mcid"]["odi"]["12"]["n"] == 5
    # the follow-up nearest the target day is the one read; one before day 28 counts for neither window
    w6 = outcomes.data().windows[0]
    assert outcomes.follow_up([(DAY0, 40.0), (DAY0 + dt.timedelta(days=30), 20.0),
                               (DAY0 + dt.timedelta(days=45), 35.0)], w6) == (40.0, 35.0)
    early = [rec(odi=[(0, 40), (20, 10)]) for _ in range(5)]
    assert row(outcomes.summarize(early))["mcid"]["odi"]["6"]["suppressed"]  # n = 0: nothing to show


def test_a_group_of_four_is_suppressed_and_five_is_shown():
    cohort = ([rec("knee_to_back", "h_a", 10, 20.0, 1, rmdq=[(0, 12), (80, 6)]) for _ in range(5)]
              + [rec("back_to_knee", "h_b", 3, 20.0, 2, rmdq=[(0, 12), (80, 11)]) for _ in range(4)]
              + [rec("concurrent", "h_c", 0, 20.0, 0) for _ in range(3)])  # two small groups: neither can be derived
    rows = outcomes.summarize(cohort)
    shown, hidden = row(rows, "pattern", "knee_to_back"), row(rows, "pattern", "back_to_knee")
    assert shown["patients"] == 5 and shown["mcid"]["rmdq"]["12"] == {"n": 5, "reached": 5, "share": 1.0,
                                                                     "suppressed": False}
    assert shown["adherence"] == {"logged": 50, "prescribed": 100.0, "share": 0.5, "suppressed": False}
    assert shown["alerts"] == {"count": 5, "suppressed": False}
    assert hidden["suppressed"] and hidden["patients"] is None
    assert hidden["mcid"]["rmdq"]["12"] == {"n": None, "reached": None, "share": None, "suppressed": True}
    assert hidden["adherence"]["share"] is None and hidden["alerts"]["count"] is None  # never 0
    assert row(rows, "hypothesis", "h_b")["suppressed"] and not row(rows, "hypothesis", "h_a")["suppressed"]
    everyone = row(rows)
    assert everyone["patients"] == 12 and everyone["alerts"]["count"] == 13
    assert everyone["adherence"]["logged"] == 62 and everyone["adherence"]["share"] == round(62 / 240, 3)


def test_one_hidden_group_is_not_left_to_be_worked_out_from_the_total():
    cohort = ([rec("knee_to_back", "h_a", nrs=[(0, 6), (42, 3)]) for _ in range(6)]
              + [rec("back_to_knee", "h_b", nrs=[(0, 6), (42, 3)]) for _ in range(5)]
              + [rec("concurrent", "h_c", nrs=[(0, 6), (42, 6)]) for _ in range(4)])
    rows = outcomes.summarize(cohort)
    assert row(rows)["patients"] == 15 and row(rows)["mcid"]["nrs"]["6"]["reached"] == 11
    # all 15 minus 6 minus 5 would give the hidden 4: the smallest shown group (5) is hidden with it
    assert row(rows, "pattern", "concurrent")["suppressed"] and row(rows, "pattern", "back_to_knee")["suppressed"]
    assert row(rows, "pattern", "knee_to_back")["patients"] == 6
    # the same for one cell: 5 with a 6-week follow-up in each of two groups, 3 in the third
    cells = ([rec("knee_to_back", "h_a", odi=[(0, 40), (42, 20)]) for _ in range(5)] + [rec("knee_to_back", "h_a")]
             + [rec("back_to_knee", "h_b", odi=[(0, 40), (42, 20)]) for _ in range(6)]
             + [rec("concurrent", "h_c", odi=[(0, 40), (42, 20)]) for _ in range(3)] + [rec("concurrent", "h_c")] * 2)
    rows = outcomes.summarize(cells)
    knee, back = row(rows, "pattern", "knee_to_back"), row(rows, "pattern", "back_to_knee")
    assert not knee["suppressed"] and not back["suppressed"]  # the groups are 6, 6 and 5 patients
    assert row(rows, "pattern", "concurrent")["mcid"]["odi"]["6"]["suppressed"]  # only 3 followed up
    assert knee["mcid"]["odi"]["6"]["suppressed"] and back["mcid"]["odi"]["6"]["n"] == 6


def test_measure_info_carries_each_mcids_source_and_status():
    from ptplan.core.kb.loader import default_kb

    info = {m["id"]: m["mcid"] for m in outcomes.measure_info(default_kb())}
    assert set(info) == {"nrs", "odi", "rmdq", "koos12"}
    assert info["nrs"]["points"] == 2 and info["nrs"]["percent"] == 30 and info["nrs"]["ref"] == "ostelo_2008"
    assert info["koos12"]["status"] == "unverified" and info["odi"]["status"] == "verified"
