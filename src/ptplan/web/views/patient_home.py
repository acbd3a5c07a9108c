"""Patient: today's exercises (steps, dose, hold/rest timer), logging a session, own progress charts.

Everything shown comes from the effective plan (the therapist's edits applied)."""

from __future__ import annotations

import datetime as dt
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup

from ptplan.clinic import calendar, feedback, inputs, read_models, sessions, symptoms
from ptplan.errors import InputError
from ptplan.http.deps import SessionDep
from ptplan.render import changes as changes_view
from ptplan.web import charts, records
from ptplan.web.base import FormDep, checked_form, page

router = APIRouter()
RPE = tuple(range(11))  # how hard it felt, 0-10 (the core's ``rpe``)
FORM_NAMES = {"date": "performed_on", "notes": "note", "exercises": "done"}  # problem path -> form field


def _home(p, values: dict, errors: dict, status: int = 200, saved: bool = False, feed_url: str | None = None):
    from ptplan.clinic import worklist

    patient, current = read_models.my_plan(p.actor)
    kb = p.actor.knowledge()
    questions, texts = symptoms.questions(kb), worklist.texts()
    # What a "yes" alone means, for a log kept offline (the page tells the patient at once, before it is sent).
    sign_actions = {q.id: symptoms.report({q.id: "yes"}, kb, texts)["action"] for q in questions}
    found = feedback.changes_for(p.actor.db, patient.id, current.plan, kb) if current else []
    return p.render("me.html", status=status, patient=patient, plan=current.plan if current else None,
                    changes=changes_view.view(found, p.lang),
                    row=current.row if current else None, values=values, errors=errors, saved=saved, rpe_scale=RPE,
                    symptom_questions=questions, sign_actions=sign_actions, feed_url=feed_url,
                    client_key=values.get("client_key") or secrets.token_urlsafe(16),
                    has_feed=feed_url is not None or calendar.has_feed(p.actor),
                    figure=lambda exercise_id: illustration(kb, exercise_id))


def illustration(kb, exercise_id: str) -> Markup | None:
    """The drawing of an exercise, when the knowledge base has one for it."""
    from ptplan.render.figures import illustration_svg

    try:
        return Markup(illustration_svg(kb, exercise_id, animated=True))
    except KeyError:
        return None


@router.get("/me")
def today(request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=("patient",))
    return _home(p, {"performed_on": dt.date.today().isoformat(), "done": None}, {},
                 saved=request.query_params.get("saved") == "1")


@router.post("/me/sessions")
def log_session(request: Request, db: SessionDep, form: FormDep):
    p = page(request, db, login=True, roles=("patient",))
    form = checked_form(request, form)
    values = {k: str(form.get(k) or "").strip()
              for k in ("performed_on", "pain_before", "pain_after", "rpe", "note", "client_key")}
    values["done"] = form.getlist("done")
    answers = {k.split(".", 1)[1]: v for k, v in form.items() if k.startswith("symptoms.") and v in ("yes", "no")}
    values["symptoms"] = answers
    errors: dict[str, list[str]] = {}
    numbers = {key: _pain(values[key], key, errors, p) for key in ("pain_before", "pain_after", "rpe")}
    current = read_models.current_plan(p.actor, p.actor.user.patient_id)
    try:
        body = inputs.parse(inputs.SessionIn, {
            "date": values["performed_on"] or dt.date.today().isoformat(), "notes": values["note"] or None,
            "exercises": [{"id": e} for e in values["done"]], "plan_id": current.row.id if current else None,
            "symptoms": answers or None, "client_key": values["client_key"] or None, **numbers})
        if not errors:
            row = sessions.log_session(p.actor, p.actor.user.patient_id, {**body.model_dump(mode="json", exclude={"date"}),
                                                                           "date": body.date})
    except InputError as err:
        for pr in err.problems:  # an id not in the program: a stale page (the plan was edited since) or a forged form
            text = p._("error.not_in_plan") if pr.code == "not_in_plan" else p._("error.bad_value")
            if text not in (field := errors.setdefault(FORM_NAMES.get(pr.path.split(".")[0], ""), [])):
                field.append(text)
    if errors:
        return _home(p, values, errors, status=422)
    # A log sent again (the offline queue, a double click) was stored once; the answer is the same as the first time.
    if row.symptoms and row.symptoms.get("action"):  # a "yes": tell the patient at once what to do
        return p.render("symptom_result.html", report=row.symptoms)
    return RedirectResponse("/me/progress?saved=1", status_code=303)


@router.post("/me/calendar")
def make_calendar(request: Request, db: SessionDep, form: FormDep):
    """A new secret calendar URL (shown once); the earlier one stops working."""
    p = page(request, db, login=True, roles=("patient",))
    checked_form(request, form)
    key = calendar.issue_feed(p.actor)
    url = str(request.url_for("calendar_feed").include_query_params(key=key))
    return _home(p, {"performed_on": dt.date.today().isoformat(), "done": None}, {}, feed_url=url)


@router.post("/me/calendar/revoke")
def revoke_calendar(request: Request, db: SessionDep, form: FormDep):
    p = page(request, db, login=True, roles=("patient",))
    checked_form(request, form)
    calendar.revoke_feed(p.actor)
    return RedirectResponse("/me#calendar", status_code=303)


def _pain(raw: str, key: str, errors: dict, p) -> float | None:
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 10:
        errors[key] = [p._("error.pain_range")]
        return None
    return value


@router.get("/me/progress")
def progress(request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=("patient",))
    data = read_models.my_progress(p.actor)
    chart_list = records.charts(data.pop("outcomes"), p._, p.actor.knowledge(), with_measures=False)
    return p.render("progress.html", saved=request.query_params.get("saved") == "1",
                    charts=[(c, charts.svg(c, p._("chart.empty"))) for c in chart_list], **data)
