"""The API's only door into the engine: ``ptplan.core.services``, ``measures`` and ``progression``.

Measures (``ptplan.core.measures.score``) and reviews (``ptplan.core.progression.review``) are real.
INTERIM (for the lead to remove when the engine branch is on main): while ``ptplan.core.services`` is
missing, preview and plans return triage only (red-flag rules from the knowledge base, no program)
marked ``"engine": "triage-only-fallback"``. Once it imports, every call goes to it.
"""

from __future__ import annotations

import importlib
from typing import Any

from ptplan.core.case import Case
from ptplan.core.case_io import validate_case
from ptplan.errors import InputError, Problem


def _module(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def plan_from_data(data: dict, lang: str = "ja") -> dict:
    services = _module("ptplan.core.services")
    if services is not None and hasattr(services, "plan_from_data"):
        return services.plan_from_data(data, lang=lang)
    return _triage_only(validate_case(data), lang)


def make_plan(case: Case, lang: str = "ja") -> dict:
    services = _module("ptplan.core.services")
    if services is not None and hasattr(services, "make_plan"):
        return services.make_plan(case, lang=lang)
    return _triage_only(case, lang)


def score_measure(name: str, answers: list) -> dict:
    measures = _module("ptplan.core.measures")
    if measures is not None and hasattr(measures, "score"):
        try:
            result = measures.score(name, answers)
        except InputError as err:
            raise InputError([Problem(_answers_path(p.path, name), p.message, p.code, p.message_ja) for p in err.problems],
                             status=422) from None
        return result.as_dict() if hasattr(result, "as_dict") else _as_dict(result)
    if not name.isidentifier() or len(name) > 40:
        raise InputError.single("name", "expected a measure name such as odi, rmdq, nrs", "unknown_measure",
                                "尺度名（odi, rmdq, nrs など）を指定してください")
    return {"name": name, "score": None, "engine": "unscored-fallback"}


def _answers_path(path: str, name: str) -> str:
    # The scorer names items as ``<measure>.item[n]`` and the measure as ``measure``; map to request fields.
    if path == "measure":
        return "name"
    return "answers" + path.removeprefix(name) if path.startswith(name) else "answers"


def review(plan: dict, baseline: dict, latest: dict, sessions: list[dict], lang: str = "ja") -> dict:
    progression = _module("ptplan.core.progression")
    if progression is not None and hasattr(progression, "review"):
        return progression.review(plan, baseline, latest, sessions, lang=lang)
    return {"decision": "hold", "reasons": [], "engine": "review-fallback"}


def _as_dict(result: Any) -> dict:
    if hasattr(result, "model_dump"):
        return result.model_dump(mode="json")
    if hasattr(result, "__dataclass_fields__"):
        import dataclasses

        return dataclasses.asdict(result)
    return dict(result)


def _triage_only(case: Case, lang: str) -> dict:
    from ptplan.core.facts import build_facts
    from ptplan.core.kb.loader import default_kb

    kb = default_kb()
    facts = build_facts(case)
    flags = [{"id": rid, "suspected": rf.suspected.get(lang), "urgency": rf.urgency, "action": rf.action.get(lang),
              "refs": list(rf.refs), "because": []}
             for rid, rf in kb.red_flags.items() if rf.when.parsed.evaluate(facts)]
    order = ["emergency", "urgent", "routine"]
    level = min((f["urgency"] for f in flags), key=order.index, default="none") if flags else "none"
    return {"kb_version": kb.version, "lang": lang, "engine": "triage-only-fallback",
            "triage": {"level": level, "exercise_allowed": not flags, "flags": flags, "to_ask": [], "yellow_flags": []},
            "findings": [], "hypotheses": [], "program": {"components": [], "phases": [], "schedule": {}},
            "advice": [], "follow_up": {}, "references": [], "disclaimer": kb.meta.disclaimer.get(lang)}
