"""Safety screening: red flags → triage level and referral; yellow flags → plan changes.

Which triage levels stop exercise is a policy decision made here, once:
- ``emergency`` and ``urgent`` forbid any exercise program; the plan says only what to do now.
- ``routine`` (e.g. suspected inflammatory back pain → rheumatology) refers *and* still allows
  exercise alongside the referral, because exercise is part of that care and nothing suggests harm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ptplan.core import conditions
from ptplan.core.case import Case
from ptplan.core.conditions import NormLookup
from ptplan.core.kb_index import index_of

LEVELS = ("none", "routine", "urgent", "emergency")
FORBIDS_EXERCISE = frozenset({"emergency", "urgent"})


@dataclass
class Screening:
    level: str = "none"
    flags: list = field(default_factory=list)  # RedFlag entries that fired
    because: dict[str, list[str]] = field(default_factory=dict)  # flag id -> red-flag answers that were "yes"
    to_ask: list[str] = field(default_factory=list)  # red-flag question ids still unknown
    yellow: list = field(default_factory=list)  # YellowFlag entries that fired

    @property
    def exercise_allowed(self) -> bool:
        return self.level not in FORBIDS_EXERCISE

    @property
    def review_weeks(self) -> int | None:
        weeks = [y.review_weeks for y in self.yellow if y.review_weeks]
        return min(weeks) if weeks else None


def screen(case: Case, kb, facts: dict[str, Any], norms: NormLookup) -> Screening:
    s = Screening()
    idx = index_of(kb)
    for flag, fn in idx.red_flags:
        if fn(facts, norms):
            s.flags.append(flag)
            s.because[flag.id] = _yes_answers(flag.when.parsed, case)
            if LEVELS.index(flag.urgency) > LEVELS.index(s.level):
                s.level = flag.urgency
    s.to_ask = unknown_questions(case, kb)
    s.yellow = [y for y, fn in idx.yellow_flags if fn(facts, norms)]
    return s


def unknown_questions(case: Case, kb) -> list[str]:
    """Red-flag questions some rule reads whose answer is still unknown, in question-file order.
    Knee questions are asked when the knee hurts; spine questions unless only the knee hurts."""
    asked = index_of(kb).red_flag_questions_used
    regions = {"general", "spine"} if not case.pain or any(p.site != "knee" for p in case.pain) else {"general"}
    if case.has_pain("knee"):
        regions.add("knee")
    return [qid for qid, q in kb.red_flag_questions.items()
            if qid in asked and q.region in regions and case.answer(qid) == "unknown"]


def _yes_answers(cond: conditions.Condition, case: Case) -> list[str]:
    paths = [leaf.path[len("red_flag."):] for leaf in conditions.leaves(cond) if leaf.path.startswith("red_flag.")]
    return sorted({q for q in paths if case.answer(q) == "yes"})
