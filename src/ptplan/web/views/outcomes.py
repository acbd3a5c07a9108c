"""The clinic lead's outcomes page (admin): share reaching the MCID at 6 and 12 weeks per measure, adherence
and alerts, by knee–back pattern and by leading hypothesis, as server-drawn SVG bars and a table, with the
anonymized exports (CSV, FHIR NDJSON) of the API. See :mod:`ptplan.clinic.outcomes`."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ptplan.clinic import outcomes
from ptplan.http.deps import SessionDep
from ptplan.web import charts
from ptplan.web.base import page

router = APIRouter()
LABEL_MAX = 24  # characters of a group name beside a bar (the table below gives it in full)


def _short(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[:LABEL_MAX - 1] + "…"


def _label(p, g: dict) -> str:
    """The group's name beside its bar, led by what it is split by (a pattern and a hypothesis can sound alike)."""
    name = g["label"][p.lang]
    tag = {"pattern": "outcomes.tag_pattern", "hypothesis": "outcomes.tag_hypothesis"}.get(g["by"])
    return _short(f"{p._(tag)}: {name}") if tag else name


def _note(p, cell: dict) -> str:
    if cell["suppressed"]:
        return p._("outcomes.suppressed_short")
    if not cell["n"]:
        return p._("outcomes.no_follow_up")
    return f"{cell['reached']}/{cell['n']} ({round(100 * cell['share'])}%)"


def _charts(p, report: dict) -> list[dict]:
    out = []
    for m in report["measures"]:
        figures = []
        for weeks in report["windows"]:
            cells = [(g, g["mcid"][m["id"]][str(weeks)]) for g in report["groups"]]
            title = p._("outcomes.chart_title", measure=m["name"][p.lang],
                        weeks=weeks)
            items = [charts.Bar(_label(p, g), c["share"], _note(p, c), c["suppressed"]) for g, c in cells]
            figures.append({"weeks": weeks, "svg": charts.bars(title, items, p._("chart.empty"))})
        out.append({"measure": m, "figures": figures})
    return out


@router.get("/outcomes")
def outcomes_page(request: Request, db: SessionDep):
    p = page(request, db, login=True, roles=("admin",))
    report = outcomes.report(p.actor)
    return p.render("outcomes.html", report=report, measure_charts=_charts(p, report))
