"""The use-cases every adapter calls (CLI, API, web): make a plan, validate-and-plan, self-check, review.

All three are deterministic: the same input and knowledge-base version give the same plan dict,
and :func:`plan_json` turns it into byte-identical JSON.
"""

from __future__ import annotations

import json
from typing import Any

from ptplan.core import progression, reasoning, screening
from ptplan.core.case import Case
from ptplan.core.case_io import validate_case
from ptplan.core.facts import build_facts
from ptplan.core.findings import done_tests
from ptplan.core.i18n import LANGS
from ptplan.core.kb.loader import default_kb
from ptplan.core.measures import score_questionnaires
from ptplan.core.norms import lookup_for
from ptplan.core.plan import build_plan
from ptplan.errors import InputError

SELF_CHECK_KEYS = {"red_flags", "pain", "onset_order", "symptoms", "helps", "age", "sex", "height_cm",
                   "weight_kg", "activity", "conditions", "questionnaires"}


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise InputError.single("lang", f"expected one of {', '.join(LANGS)}, got {lang!r}", "invalid",
                                f"言語は {' / '.join(LANGS)} のいずれかです")
    return lang


def make_plan(case: Case, lang: str = "ja", kb=None, measures: dict | None = None) -> dict[str, Any]:
    """The plan JSON for a validated case (docs/CONTRACTS.md)."""
    return build_plan(case, kb or default_kb(), _lang(lang), measures)


def plan_from_data(data: dict, lang: str = "ja", kb=None) -> dict[str, Any]:
    """Validate a case mapping (raises :class:`InputError` naming each bad field), then plan."""
    kb = kb or default_kb()
    return make_plan(validate_case(data, kb), lang, kb)


def self_check(answers: dict, lang: str = "ja", kb=None) -> dict[str, Any]:
    """The patient self-check: answers → triage and a self-care plan (self-care exercises and advice only)."""
    kb = kb or default_kb()
    case = validate_case(self_check_case(answers), kb)
    plan = build_plan(case, kb, _lang(lang), self_care_only=True)
    plan["mode"] = "self_check"
    return plan


def screen_case(data: dict, lang: str = "ja", kb=None, self_check_answers: bool = False) -> dict[str, Any]:
    """The triage of a case that is still being filled in (the live banner of the assessment form and the
    self-check): the ``triage`` dict of the plan JSON. Parts that do not validate yet are left out rather
    than failing, so the banner always shows what the answers so far mean; the red-flag answers always count.
    ``self_check_answers``: ``data`` holds flat self-check answers (see :func:`self_check`)."""
    kb = kb or default_kb()
    case = _partial_case(self_check_case(data) if self_check_answers else dict(data), kb)
    return build_plan(case, kb, _lang(lang), self_care_only=self_check_answers)["triage"]


def _partial_case(data: dict, kb) -> Case:
    """A case still being filled in: the top-level parts that do not validate yet are left out (red-flag
    answers always count, so a bad one is still an error)."""
    for _ in range(len(data) + 1):
        try:
            return validate_case(data, kb)
        except InputError as err:
            bad = {pr.path.split(".")[0].split("[")[0] for pr in err.problems} - {"red_flags"}
            if not bad or not bad & set(data):
                raise
            data = {k: v for k, v in data.items() if k not in bad}
    return validate_case(data, kb)


def assessment_focus(data: dict, kb=None, limit: int | None = None) -> dict[str, Any]:
    """What the assessment form opens for a case still being filled in: the screening ``regions`` of its pain
    sites, the red-flag questions the screen of those regions needs for the case so far (``essential``, see
    :func:`ptplan.core.screening.may_be_essential`: a question essential only after a knee injury is asked
    when one is recorded), the ``tests`` not yet done that would change the plan most
    (:func:`ptplan.core.reasoning.next_tests`, at most ``limit``) and the ``done`` tests that would have been
    among them (so a test keeps its place once it has a result)."""
    kb = kb or default_kb()
    case = _partial_case({k: v for k, v in data.items() if k != "red_flags"}, kb)
    regions = screening.regions_of(case, kb)
    done = set(done_tests(case, kb))
    untested = case.model_copy(update={"tests": {}, "movement": {}})
    facts = build_facts(case, score_questionnaires(case.questionnaires, kb))
    essential = screening.may_be_essential(kb, regions, facts, lookup_for(kb, case.demographics.age,
                                                                           case.demographics.sex))
    return {"regions": list(regions), "essential": essential,
            "tests": reasoning.next_tests(kb, case, limit, regions),
            "done": [t for t in reasoning.next_tests(kb, untested, None, regions) if t in done]}


def self_check_case(answers: dict) -> dict[str, Any]:
    """Map the flat self-check answers onto the case structure."""
    if not isinstance(answers, dict):
        raise InputError.single("answers", "expected a mapping of answers", "type", "回答は対応表（mapping）で渡してください")
    unknown = sorted(set(answers) - SELF_CHECK_KEYS)
    if unknown:
        raise InputError.single(unknown[0], f"unknown answer; expected one of {', '.join(sorted(SELF_CHECK_KEYS))}",
                                "unknown_field", "未知の回答項目です")
    pain = answers.get("pain") or []
    symptoms = dict(answers.get("symptoms") or {})
    if answers.get("helps"):
        symptoms["helps"] = answers["helps"]
    demo = {k: answers[k] for k in ("age", "sex", "height_cm", "weight_kg") if answers.get(k) is not None}
    return {"id": "self_check", "demographics": demo,
            "pain": [p if isinstance(p, dict) else {"site": p} for p in pain],
            "history": {"onset_order": answers.get("onset_order") or "unknown"}, "symptoms": symptoms,
            "red_flags": answers.get("red_flags") or {}, "activity": answers.get("activity") or {},
            "conditions": answers.get("conditions") or [], "questionnaires": answers.get("questionnaires") or {}}


def review(plan: dict, baseline: dict, latest: dict, sessions: list[dict], new_red_flags=(),
           lang: str = "ja", kb=None, phase=None, new_signs=()) -> dict[str, Any]:
    """Follow-up decision (progress / hold / review / regress / refer) per program and exercise."""
    return progression.review(plan, baseline, latest, sessions, new_red_flags=new_red_flags, lang=_lang(lang),
                              kb=kb, phase=phase, new_signs=new_signs)


def program_issued(plan: dict[str, Any]) -> bool:
    """Whether the patient may receive the plan's program (plans stored before ``program.status`` existed:
    when exercise is allowed)."""
    program = plan.get("program") or {}
    return program.get("status", "issued") == "issued" and (plan.get("triage") or {}).get("exercise_allowed", True)


def patient_view(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan as the patient may receive it: a program that is not issued (provisional while the safety
    check is incomplete, or withheld) is left out, with its advice; triage and follow-up stay."""
    if program_issued(plan):
        return plan
    program = plan.get("program") or {}
    empty = {**program, "components": [], "phases": [], "schedule": {"sessions_per_week": 0, "days": []}}
    return {**plan, "program": empty, "advice": []}


def plan_json(plan: dict[str, Any]) -> str:
    """Stable JSON: sorted keys, real Japanese characters, trailing newline."""
    return json.dumps(plan, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
