"""Public self-check (no login; nothing is stored): red-flag questions first, then where it hurts, which
came first, how it behaves and what helps → triage and, when exercise is safe, a self-care plan."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ptplan.core import services
from ptplan.errors import InputError
from ptplan.http.deps import kb_of
from ptplan.web import forms
from ptplan.web.base import page

router = APIRouter()
SITES = ("low_back", "buttock", "thigh", "leg", "knee")
BEHAVIOUR = ("worse_sitting", "worse_standing", "worse_walking", "worse_bending", "worse_stairs", "eases_with_movement",
             "morning_stiffness_back", "night_pain", "numbness", "knee_swelling")


def _fields(kb) -> dict:
    return {"red_flags": forms.red_flag_groups(kb, self_check_only=True), "sites": SITES,
            "onset": forms.OPTIONS["onset_order"], "behaviour": BEHAVIOUR, "helps": forms.OPTIONS["helps"]}


@router.get("/self-check")
def self_check_form(request: Request):
    p = page(request)
    return p.render("self_check.html", values={}, errors={}, **_fields(kb_of(request)))


def answers_from(form) -> dict:
    answers: dict = {"red_flags": {k.split(".", 1)[1]: v for k, v in form.items()
                                   if k.startswith("red_flags.") and v in ("yes", "no", "unknown")}}
    answers["pain"] = [{"site": s} for s in form.getlist("pain") if s in SITES]
    if form.get("onset_order") in forms.OPTIONS["onset_order"]:
        answers["onset_order"] = form.get("onset_order")
    answers["symptoms"] = {k: form.get(f"symptoms.{k}") == "yes" for k in BEHAVIOUR
                           if form.get(f"symptoms.{k}") in ("yes", "no")}
    answers["helps"] = [h for h in form.getlist("helps") if h in forms.OPTIONS["helps"]]
    age = str(form.get("age") or "").strip()
    if age:
        answers["age"] = int(age) if age.isascii() and age.isdigit() and len(age) < 4 else age
    return answers


def run_self_check(answers: dict, lang: str, kb=None) -> dict:
    return services.self_check(answers, lang=lang, kb=kb)


@router.post("/self-check")
async def self_check_result(request: Request):
    p = page(request)
    form = await request.form()
    answers = answers_from(form)
    try:
        result = run_self_check(answers, p.lang, kb_of(request))
    except InputError as err:
        errors = {pr.path.replace("demographics.", ""): [pr.message_ja if p.lang == "ja" and pr.message_ja
                                                           else pr.message] for pr in err.problems}
        values = {k: form.getlist(k) if k in ("pain", "helps") else form.get(k) for k in form}  # shown again as typed
        return p.render("self_check.html", status=422, values=values, errors=errors, **_fields(kb_of(request)))
    return p.render("self_check_result.html", result=result, triage=result.get("triage") or {})


@router.post("/self-check/triage")
async def self_check_triage(request: Request):
    p = page(request)
    form = await request.form()
    answers = answers_from(form)
    triage = None
    if answers["red_flags"]:
        try:
            triage = services.screen_case(answers, p.lang, kb_of(request), self_check_answers=True)
        except InputError:
            triage = None
    return p.render("_triage.html", triage=triage, public=True)
