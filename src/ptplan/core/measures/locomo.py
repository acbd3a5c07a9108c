"""ロコモ25 (GLFS-25): the sum of 25 items coded 0 (best) to 4 (worst), total 0-100 (seichi_2012).

The band (ロコモ度 range of the questionnaire) comes from ``measures.yaml``; the overall ロコモ度 also needs
the stand-up and two-step tests and is decided by ``finding_rules.yaml`` (fr_locomo_*).
"""

from __future__ import annotations

from ptplan.core.measures.common import require_all
from ptplan.core.measures.registry import register
from ptplan.core.measures.result import Computed


@register("locomo25")
def locomo25(values, meta) -> Computed:
    """Sum of the 25 answers; refuse when any is unanswered (no published missing-item rule)."""
    require_all("locomo25", values)
    return Computed(float(sum(values)))
