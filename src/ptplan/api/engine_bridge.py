"""The API's one door into the engine: ``ptplan.core.services`` (plans), ``ptplan.core.measures``
(scores) and ``ptplan.core.progression`` (reviews). Routes call these, never the core modules
directly, so the mapping of core error paths to request fields lives in one place."""

from __future__ import annotations

from ptplan.core import measures, services
from ptplan.core.case import Case
from ptplan.core.case_io import check_against_kb
from ptplan.core.kb.loader import default_kb
from ptplan.errors import InputError, Problem


def plan_from_data(data: dict, lang: str = "ja") -> dict:
    return services.plan_from_data(data, lang=lang)


def make_plan(case: Case, lang: str = "ja") -> dict:
    return services.make_plan(case, lang=lang)


def patient_view(plan: dict) -> dict:
    return services.patient_view(plan)


def check_case(case: Case, prefix: str = "") -> Case:
    """Knowledge-base checks for a case the request model already parsed (no second structural pass)."""
    problems = check_against_kb(case, default_kb())
    if problems:
        raise InputError([Problem(f"{prefix}{p.path}", p.message, p.code, p.message_ja) for p in problems], status=422)
    return case


def plan_from_case(case: Case, lang: str = "ja") -> dict:
    return services.make_plan(check_case(case), lang=lang)


def score_measure(name: str, answers: list | dict) -> dict:
    try:
        return measures.score(name, answers).as_dict()
    except InputError as err:
        raise InputError([Problem(_answers_path(p.path, name), p.message, p.code, p.message_ja) for p in err.problems],
                         status=422) from None


def _answers_path(path: str, name: str) -> str:
    # The scorer names items as ``<measure>.item[n]`` and the measure as ``measure``; map to request fields.
    if path == "measure":
        return "name"
    return "answers" + path.removeprefix(name) if path.startswith(name) else "answers"


def review(plan: dict, baseline: dict, latest: dict, sessions: list[dict], lang: str = "ja") -> dict:
    return services.review(plan, baseline, latest, sessions, lang=lang)
