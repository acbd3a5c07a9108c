"""Scored questionnaires for the engine.

TODO(remove once ptplan.core.measures lands on main): the measures helper writes
``ptplan.core.measures.score_questionnaires``; until then this computes nothing, so facts like
``measure.start_back.risk`` are simply unknown (and rules that read them do not fire).
"""

from __future__ import annotations

from typing import Any

from ptplan.core.case import Case


def score_measures(case: Case) -> dict[str, dict[str, Any]]:
    if not case.questionnaires:
        return {}
    try:
        from ptplan.core.measures import score_questionnaires  # type: ignore[import-not-found]
    except ImportError:
        return {}
    return score_questionnaires(case.questionnaires)
