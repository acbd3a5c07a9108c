"""The outcome charts of a page, drawn from the read model's series (:class:`ptplan.clinic.read_models.Outcomes`)."""

from __future__ import annotations

from ptplan.clinic.read_models import Outcomes
from ptplan.web.charts import Chart

SCALES = {"nrs": (0, 10, True), "odi": (0, 100, True), "rmdq": (0, 24, True), "koos12": (0, 100, False),
          "koos_ps": (0, 100, True), "jkom": (0, 100, True)}
KNEE_MEASURES = ("koos12", "koos_ps", "jkom")


def mcid(name: str, kb=None) -> tuple[float | None, str | None]:
    if kb is None:
        from ptplan.core.kb.loader import default_kb

        kb = default_kb()
    entry = kb.kind("measures").get(name)
    found = getattr(entry, "mcid", None) if entry is not None else None
    points = getattr(found, "points", None) if found is not None else None
    if points is not None:
        return float(points), getattr(found, "ref", None)
    return None, None


def charts(data: Outcomes, _, kb=None, with_measures: bool = True) -> list[Chart]:
    out = [Chart(_("chart.session_pain"), "NRS", 0, 10, data.session_pain, *_mcid_args("nrs", _, kb)),
           Chart(_("chart.adherence"), "%", 0, 100, data.adherence, higher_worse=False)]
    if not with_measures:
        return out
    series = data.measures
    for name in ("nrs", "odi", "rmdq"):
        lo, hi, worse = SCALES[name]
        out.append(Chart(_(f"chart.{name}"), _(f"unit.{name}"), lo, hi, series.get(name, []), *_mcid_args(name, _, kb),
                         higher_worse=worse))
    knee = next((n for n in KNEE_MEASURES if series.get(n)), KNEE_MEASURES[0])
    lo, hi, worse = SCALES[knee]
    out.append(Chart(_("chart.knee", measure=knee.upper()), "0-100", lo, hi, series.get(knee, []),
                     *_mcid_args(knee, _, kb), higher_worse=worse))
    return out


def _mcid_args(name: str, _, kb) -> tuple[float | None, str]:
    points, ref = mcid(name, kb)
    return (points, _("chart.mcid", points=f"{points:g}", ref=ref or "-")) if points is not None else (None, "")
