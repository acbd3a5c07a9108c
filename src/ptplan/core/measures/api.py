"""The public functions: :func:`score`, :func:`score_questionnaires`, :func:`compare`, :func:`catalogue`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ptplan.core.measures.answers import check_answers
from ptplan.core.measures.common import missing_items
from ptplan.core.measures.registry import REGISTRY
from ptplan.core.measures.result import Computed, MeasureResult
from ptplan.errors import InputError, Problem


def _kb(kb):
    if kb is None:
        from ptplan.core.kb.loader import default_kb

        kb = default_kb()
    return kb


def measure_meta(name: str, kb=None):
    """The metadata entry of a scoreable measure, or a clear InputError."""
    metas = _kb(kb).kind("measures")
    if name not in metas:
        known = ", ".join(sorted(metas))
        raise InputError.single("measure", f"unknown measure '{name}'; known: {known}", "unknown",
                                f"'{name}' という評価尺度はありません（使えるもの: {known}）")
    meta = metas[name]
    if meta.scoring != "available" or name not in REGISTRY:
        why = meta.unavailable_reason
        raise InputError.single(name, why.en if why else "no scoring algorithm", "unavailable",
                                why.ja if why else "採点方法が用意されていません")
    return meta


def _band(bands, ref, status, value, chosen: str | None = None) -> dict | None:
    if value is None or not bands:
        return None
    band = next((b for b in bands if b.id == chosen), None) if chosen else \
        next((b for b in bands if value <= b.max + 1e-9), bands[-1])
    if band is None:
        return None
    return {"id": band.id, "label": band.label.model_dump(), "ref": ref, "status": status}


def threshold_dict(t) -> dict | None:
    if t is None:
        return None
    return {"points": t.points, "percent": t.percent, "ref": t.ref, "status": t.status,
            "note": t.note.model_dump() if t.note else None}


def _total_only(name: str, answers: Sequence, meta) -> Computed | None:
    """Measures that accept a single total (RMDQ) when only the sum was recorded."""
    if not (meta.total_allowed and len(answers) == 1 and len(meta.items) > 1):
        return None
    lo, hi = meta.range
    v = answers[0]
    if isinstance(v, bool) or not isinstance(v, int | float) or not float(v).is_integer() or not lo <= v <= hi:
        raise InputError.single(f"{name}.total", f"expected a whole number {lo:g}–{hi:g}, got {v!r}", "range",
                                f"合計点は {lo:g}〜{hi:g} の整数で入力してください（入力: {v!r}）")
    return Computed(float(v))


def score(name: str, answers: Sequence[Any], kb=None) -> MeasureResult:
    """Score one questionnaire by its published algorithm; raise InputError naming the bad item."""
    meta = measure_meta(name, kb)
    computed = _total_only(name, answers, meta) if isinstance(answers, list | tuple) else None
    values: list[float | None] = []
    if computed is None:
        values = check_answers(name, answers, meta)
        computed = REGISTRY[name](values, meta)
    sub_bands = {s.id: _band(s.bands, s.bands_ref, s.bands_status, computed.subscales.get(s.id))
                 for s in meta.subscales if s.bands}
    return MeasureResult(
        name=name, score=computed.score, range=meta.range, unit=meta.unit, direction=meta.direction,
        band=_band(meta.bands, meta.bands_ref, meta.bands_status, computed.score, computed.band),
        mcid=threshold_dict(meta.mcid), mdc=threshold_dict(meta.mdc), subscales=dict(computed.subscales),
        subscale_bands=sub_bands, answered=sum(v is not None for v in values) if values else len(meta.items),
        missing=missing_items(values), status=meta.status, refs=list(meta.refs), extra=dict(computed.extra))


def score_questionnaires(questionnaires: Mapping[str, Sequence[Any]], kb=None) -> dict[str, dict[str, Any]]:
    """Score every questionnaire of a case: name -> flat values (``score``, ``band`` and the subscales).

    Measures the knowledge base knows but cannot score (JOABPEQ, KOOS-PS) give
    ``{"score": None, "unavailable": True}``; every other problem is collected into one InputError
    whose paths start with ``questionnaires.``.
    """
    kb = _kb(kb)
    out: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for name, answers in (questionnaires or {}).items():
        meta = kb.kind("measures").get(name)
        if meta is not None and meta.scoring == "unavailable":
            out[name] = {"score": None, "unavailable": True}
            continue
        try:
            out[name] = score(name, answers, kb).flat()
        except InputError as err:
            problems += [Problem(f"questionnaires.{p.path}" if p.path != "measure" else f"questionnaires.{name}",
                                 p.message, p.code, p.message_ja) for p in err.problems]
    if problems:
        raise InputError(problems)
    return out
