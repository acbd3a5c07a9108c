"""Outcome measures: scoring by each instrument's published algorithm, and change over time.

Public API (docs/CONTRACTS.md)::

    score(name, answers) -> MeasureResult            # .as_dict(), .flat()
    score_questionnaires(case.questionnaires) -> {name: {"score", "band", subscales...}}
    compare(name, baseline, latest, key="score") -> {"change", "improvement", "mcid_met", ...}
    catalogue(lang) -> one summary per measure (for ``ptplan measure list``)

Metadata (items, ranges, bands, MCID/MDC, references) is data in ``kb/measures.yaml``; the
algorithms register in :data:`ptplan.core.measures.registry.REGISTRY` on import below.
"""

from ptplan.core.measures import locomo, simple, start_back, subscaled  # noqa: F401  (register the built-ins)
from ptplan.core.measures.api import measure_meta, score, score_questionnaires
from ptplan.core.measures.catalogue import catalogue
from ptplan.core.measures.compare import compare
from ptplan.core.measures.registry import REGISTRY, register
from ptplan.core.measures.result import Computed, MeasureResult

__all__ = ["REGISTRY", "Computed", "MeasureResult", "catalogue", "compare", "measure_meta", "register", "score",
           "score_questionnaires"]
