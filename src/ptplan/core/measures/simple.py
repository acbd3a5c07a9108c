"""Single-scale measures: NRS, ODI, RMDQ, PSFS."""

from __future__ import annotations

from ptplan.core.measures.common import answered, missing_items, r1, require_some
from ptplan.core.measures.registry import register
from ptplan.core.measures.result import Computed
from ptplan.errors import InputError


@register("nrs")
def nrs(values, meta) -> Computed:
    """One rating as given; two or three ratings (now, least, worst) averaged."""
    require_some("nrs", values, "rating")
    got = answered(values)
    return Computed(r1(sum(got) / len(got)))


@register("odi")
def odi(values, meta) -> Computed:
    """Sum / (5 x sections answered) x 100; refuse when more than ``max_missing`` sections are blank."""
    gaps = missing_items(values)
    if meta.max_missing is not None and len(gaps) > meta.max_missing:
        listed = ", ".join(map(str, gaps))
        raise InputError.single(
            "odi.items", f"{len(gaps)} sections unanswered ({listed}); at most {meta.max_missing} may be blank",
            "missing",
            f"未回答のセクションが {len(gaps)} 個あります（{listed}）。採点できるのは未回答 {meta.max_missing} 個までです")
    got = answered(values)
    return Computed(r1(sum(got) / (5 * len(got)) * 100))


@register("rmdq")
def rmdq(values, meta) -> Computed:
    """Count of ticked statements; blanks count as not ticked."""
    require_some("rmdq", values)
    return Computed(float(sum(answered(values))))


@register("psfs")
def psfs(values, meta) -> Computed:
    """Mean of the activities rated."""
    require_some("psfs", values, "activity")
    got = answered(values)
    return Computed(r1(sum(got) / len(got)))
