"""The therapist's home page: the clinic's worklist, most urgent first, each alert with its reason, a
link and an acknowledge form (note kept and audited)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from ptplan.clinic import inputs, worklist
from ptplan.clinic.access import STAFF
from ptplan.errors import PtplanError
from ptplan.http.deps import SessionDep
from ptplan.web.base import FormDep, checked_form, page

router = APIRouter()


def _render(p, status: int = 200, errors: dict | None = None, values: dict | None = None, done: bool = False):
    show_all = p.request.query_params.get("all") == "1"
    items = worklist.worklist(p.actor, include_acknowledged=show_all)
    return p.render("worklist.html", status=status, items=items, show_all=show_all, errors=errors or {},
                    values=values or {}, done=done)


@router.get("/worklist")
def worklist_page(request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=STAFF)
    return _render(p, done=request.query_params.get("done") == "1")


@router.post("/worklist/ack")
def acknowledge(request: Request, db: SessionDep, form: FormDep):
    p = page(request, db, login=True, roles=STAFF)
    form = checked_form(request, form)
    key, note = str(form.get("key") or ""), str(form.get("note") or "").strip()
    try:
        body = inputs.parse(inputs.AckIn, {"key": key, "note": note or None})
        worklist.acknowledge(p.actor, body.key, body.note)
    except PtplanError as err:
        return _render(p, status=err.status if err.status < 500 else 422,
                       errors={key: p.messages(err.problems)}, values={key: note})
    return RedirectResponse("/worklist?done=1", status_code=303)
