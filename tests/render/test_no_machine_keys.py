"""Property: no user-facing output of any generated case shows a machine key such as ``passive_slr.min=68.0``
or ``squat_observation.obs.trunk_lean=True`` (issue 16): findings read as a chart writes them."""

import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from ptplan.core.kb.loader import default_kb
from ptplan.render import render

services = pytest.importorskip("ptplan.core.services")
sys.path.insert(0, str(Path(__file__).parents[1] / "core"))
from case_strategies import cases  # noqa: E402  (test helper shared with the engine tests)

KB = default_kb()
MACHINE_KEY = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?:\.[a-z0-9_]+)+\s*=")
FORMATS = ("text", "md", "html", "rehab-plan-html")


def test_the_pattern_catches_the_keys_the_review_found():
    for shown in ("passive_slr.min=68.0", "squat_observation.obs.trunk_lean=True", "test.knee_warmth=True",
                  "activity.exercise_days_per_week=0, level=sedentary"):
        assert MACHINE_KEY.search(shown), shown
    assert not MACHINE_KEY.search("SLR 右68°／左70°、スクワット：体幹前傾あり, BMI 26.6 (x = 2)")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases(KB, red_flag_yes_weight=1))
def test_no_output_shows_a_machine_key(case):
    data = case.model_dump(mode="json", exclude_none=True)
    for lang in ("ja", "en"):
        plan = services.make_plan(case, lang)
        for fmt in FORMATS:
            out = render(plan, fmt, lang, case=data, figures=False)
            found = MACHINE_KEY.findall(out) and MACHINE_KEY.search(out).group(0)
            assert not found, (fmt, lang, found)
