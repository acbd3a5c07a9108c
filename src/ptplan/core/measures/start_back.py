"""Keele STarT Back: total 0-9, psychosocial subscale 0-5 (items 5-9), risk low / medium / high.

Input coding (documented in measures.yaml): items 1-8 are 0 disagree / 1 agree; item 9 is the
5-point answer coded 0-4 (0 not at all … 4 extremely) and scores 1 only for the top two categories.
"""

from __future__ import annotations

from ptplan.core.measures.common import pick, require_all
from ptplan.core.measures.registry import register
from ptplan.core.measures.result import Computed

#: item 9 codes that score 1 ("very much", "extremely")
ITEM9_SCORING = (3, 4)


def item_scores(values) -> list[int]:
    scored = [int(v) for v in values[:8]]
    scored.append(1 if int(values[8]) in ITEM9_SCORING else 0)
    return scored


def risk(total: int, psychosocial: int) -> str:
    """The subscale decides first (4-5 = high); otherwise the total (0-3 low, 4+ medium)."""
    if psychosocial >= 4:
        return "high"
    return "low" if total <= 3 else "medium"


@register("start_back")
def start_back(values, meta) -> Computed:
    require_all("start_back", values)
    scored = item_scores(values)
    sub = next(s for s in meta.subscales if s.id == "psychosocial")
    total, psycho = sum(scored), sum(pick(scored, sub.items))
    return Computed(float(total), {"psychosocial": float(psycho)}, band=risk(total, psycho),
                    extra={"total": float(total)})
