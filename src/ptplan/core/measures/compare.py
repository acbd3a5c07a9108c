"""Change between two scorings of one measure, judged against its MCID (direction-aware)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ptplan.core.measures.api import measure_meta, score, threshold_dict
from ptplan.core.measures.result import MeasureResult
from ptplan.errors import InputError

EPS = 1e-9


def _value(name: str, which: str, given: Any, key: str, kb) -> float | None:
    """Accept answers (scored here), a MeasureResult, a flat dict from score_questionnaires, or a number."""
    if isinstance(given, MeasureResult):
        flat = given.flat()
    elif isinstance(given, Mapping):
        flat = dict(given)
    elif isinstance(given, int | float) and not isinstance(given, bool):
        return float(given)
    else:
        try:
            flat = score(name, given, kb).flat()
        except InputError as err:
            raise InputError([p.__class__(f"{which}.{p.path}", p.message, p.code, p.message_ja)
                              for p in err.problems]) from None
    if key not in flat:
        raise InputError.single(f"{which}.{key}", f"{name} has no value '{key}'", "unknown",
                                f"{name} に '{key}' という値はありません")
    return flat[key]


def _threshold(meta, key: str):
    sub = next((s for s in meta.subscales if s.id == key), None)
    return (sub.mcid if sub and sub.mcid else None) or meta.mcid


def _percent(improvement: float, baseline: float, meta, key: str) -> float | None:
    """Improvement as a share of the room the baseline left (distance to the best end of the range)."""
    sub = next((s for s in meta.subscales if s.id == key), None)
    lo, hi = sub.range if sub else meta.range
    room = (baseline - lo) if meta.direction == "higher_worse" else (hi - baseline)
    return round(improvement / room * 100, 1) if room > EPS else None


def compare(name: str, baseline: Any, latest: Any, key: str = "score", kb=None) -> dict[str, Any]:
    """Direction-aware change: ``improvement`` > 0 always means better, whatever the scale's direction.

    ``mcid_met`` is true when the improvement reaches the MCID in points or in percent of baseline;
    ``worsened`` when the score moved the other way by at least the MCID points. Both are ``None``
    when the measure has no MCID (STarT Back, FABQ, JKOM) or a value is missing.
    """
    meta = measure_meta(name, kb)
    b, latest_v = _value(name, "baseline", baseline, key, kb), _value(name, "latest", latest, key, kb)
    t = _threshold(meta, key)
    out: dict[str, Any] = {"name": name, "key": key, "baseline": b, "latest": latest_v, "direction": meta.direction,
                           "change": None, "improvement": None, "percent_improvement": None,
                           "mcid": threshold_dict(t), "mcid_met": None, "worsened": None,
                           "mdc_exceeded": None, "status": meta.status}
    if b is None or latest_v is None:
        return out
    change = round(latest_v - b, 1)
    improvement = change if meta.direction == "higher_better" else -change
    pct = _percent(improvement, b, meta, key)
    out.update(change=change, improvement=improvement, percent_improvement=pct)
    if t is not None:
        by_points = t.points is not None and improvement >= t.points - EPS
        by_pct = t.percent is not None and pct is not None and pct >= t.percent - EPS
        out["mcid_met"] = bool(by_points or by_pct)
        out["worsened"] = bool(t.points is not None and improvement <= -t.points + EPS)
    if meta.mdc is not None and meta.mdc.points is not None and key == "score":
        out["mdc_exceeded"] = abs(change) >= meta.mdc.points - EPS
    return out
