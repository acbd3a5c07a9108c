"""Measures reported as subscales: FABQ, KOOS, KOOS-12, JKOM."""

from __future__ import annotations

from ptplan.core.measures.common import answered, pick, r1, require_all, require_some
from ptplan.core.measures.registry import register
from ptplan.core.measures.result import Computed
from ptplan.errors import InputError


def _none_scoreable(name: str, meta) -> InputError:
    need = ", ".join(f"{s.id} {s.min_answered or len(s.items)}/{len(s.items)}" for s in meta.subscales)
    return InputError.single(f"{name}.items", f"too many unanswered items: no subscale can be scored (needs {need})",
                             "missing", f"未回答が多すぎて、どのサブスケールも採点できません（必要数: {need}）")


@register("fabq")
def fabq(values, meta) -> Computed:
    """Subscale sums (PA items 2-5, W items 6, 7, 9-12, 15), each only when all its items are answered."""
    subs = {}
    for s in meta.subscales:
        got = pick(values, s.items)
        subs[s.id] = float(sum(got)) if None not in got else None
    if all(v is None for v in subs.values()):
        raise _none_scoreable("fabq", meta)
    return Computed(subs[meta.primary], subs)


def koos_transform(item_values: list[float]) -> float:
    """KOOS: 100 - mean x 100 / 4, so 100 = no problems and 0 = extreme problems."""
    return 100 - (sum(item_values) / len(item_values)) * 100 / 4


def _koos_like(name: str, values, meta) -> dict[str, float | None]:
    """Each subscale scored when at least ``min_answered`` items are answered, else ``None``.

    Averaging the answered items equals person-mean imputation of the missing ones (KOOS-12)."""
    require_some(name, values)
    subs: dict[str, float | None] = {}
    for s in meta.subscales:
        got = answered(pick(values, s.items))
        subs[s.id] = koos_transform(got) if len(got) >= (s.min_answered or len(s.items)) else None
    if all(v is None for v in subs.values()):
        raise _none_scoreable(name, meta)
    return subs


@register("koos")
def koos(values, meta) -> Computed:
    subs = {k: (r1(v) if v is not None else None) for k, v in _koos_like("koos", values, meta).items()}
    return Computed(subs[meta.primary], subs)


@register("koos12")
def koos12(values, meta) -> Computed:
    raw = _koos_like("koos12", values, meta)
    summary = r1(sum(raw.values()) / len(raw)) if None not in raw.values() else None
    subs = {k: (r1(v) if v is not None else None) for k, v in raw.items()}
    return Computed(summary, subs, extra={"summary": summary})


@register("jkom")
def jkom(values, meta) -> Computed:
    """Sums with items coded 0-4 (total 0-100); the 1-5 coding's total (25-125) is reported as ``total_1to5``."""
    require_all("jkom", values)
    subs = {s.id: float(sum(pick(values, s.items))) for s in meta.subscales}
    total = float(sum(values))
    return Computed(total, subs, extra={"total": total, "total_1to5": total + len(values)})
