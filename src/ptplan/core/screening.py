"""Safety screening: red flags → triage level and one referral action; yellow flags → plan changes.

Which triage levels stop exercise is a policy decision made here, once. Levels, most urgent first:

- ``emergency`` / ``urgent``: a red-flag rule matched; no program at all, the plan says what to do now.
- ``incomplete``: no urgent rule matched, but an essential red-flag question for the person's regions
  (spine, knee, general; ``red_flag_questions.yaml``) is unanswered or "don't know". Never reported as
  safe: the questions come first, the therapist may see a *provisional* program, and nothing
  patient-facing (handout, patient page, self-check) shows a program until they are answered.
- ``routine`` (e.g. suspected inflammatory back pain → rheumatology): refers *and* keeps the program,
  because exercise is part of that care and nothing suggests harm.
- ``none``: every essential question answered, no rule matched.

When several rules match, the plan shows one action: that of the most urgent rule (the first in the
knowledge base among equally urgent ones); the other matches are listed as reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ptplan.core import conditions
from ptplan.core.case import Case
from ptplan.core.compiled import holds
from ptplan.core.conditions import NormLookup
from ptplan.core.kb_index import index_of

LEVELS = ("none", "routine", "incomplete", "urgent", "emergency")
FORBIDS_EXERCISE = frozenset({"emergency", "urgent"})  # no program is built at all
ALLOWS_EXERCISE = frozenset({"none", "routine"})  # the patient may start the program
DEFAULT_REGION = "spine"  # screened when no pain site is recorded


@dataclass
class Screening:
    level: str = "none"
    flags: list = field(default_factory=list)  # RedFlag entries that fired, most urgent first
    because: dict[str, list[str]] = field(default_factory=dict)  # flag id -> red-flag answers that were "yes"
    to_ask: list[str] = field(default_factory=list)  # red-flag question ids still unknown, essential first
    essential_missing: list[str] = field(default_factory=list)  # the essential ones among to_ask
    regions: tuple[str, ...] = ()
    yellow: list = field(default_factory=list)  # YellowFlag entries that fired

    @property
    def exercise_allowed(self) -> bool:
        """May the patient start the program now? (``incomplete`` is not yet.)"""
        return self.level in ALLOWS_EXERCISE

    @property
    def program_status(self) -> str:
        """``issued`` (the patient gets it), ``provisional`` (therapist only) or ``withheld`` (none built)."""
        if self.level in FORBIDS_EXERCISE:
            return "withheld"
        return "provisional" if self.level == "incomplete" else "issued"

    @property
    def review_weeks(self) -> int | None:
        weeks = [y.review_weeks for y in self.yellow if y.review_weeks]
        return min(weeks) if weeks else None


def screen(case: Case, kb, facts: dict[str, Any], norms: NormLookup) -> Screening:
    s = Screening(regions=regions_of(case, kb))
    idx = index_of(kb)
    for flag, fn in idx.red_flags:
        if fn(facts, norms):
            s.flags.append(flag)
            s.because[flag.id] = _yes_answers(flag.when.parsed, case)
    s.flags.sort(key=lambda f: -LEVELS.index(f.urgency))  # stable: KB order within one urgency
    s.to_ask, s.essential_missing = unanswered(case, kb, facts, norms, s.regions)
    s.level = level_of(s.flags, bool(s.essential_missing))
    s.yellow = [y for y, fn in idx.yellow_flags if fn(facts, norms)]
    return s


def level_of(flags: list, essential_missing: bool) -> str:
    level = flags[0].urgency if flags else "none"
    if essential_missing and LEVELS.index(level) < LEVELS.index("incomplete"):
        return "incomplete"
    return level


def regions_of(case: Case, kb) -> tuple[str, ...]:
    """The red-flag regions to screen: general always, plus those of the pain sites (the spine by default)."""
    site_region = {site: region for region, sites in kb.meta.screening_regions.items() for site in sites}
    found = {site_region.get(p.site, DEFAULT_REGION) for p in case.pain} or {DEFAULT_REGION}
    return ("general", *sorted(found))


def is_essential(question, facts: dict[str, Any], norms: NormLookup) -> bool:
    return question.essential or (question.essential_when is not None and holds(question.essential_when, facts, norms))


def unanswered(case: Case, kb, facts: dict[str, Any], norms: NormLookup,
               regions: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(questions to ask, essential ones among them) for the regions, in question-file order with the
    essential ones first. Only questions some rule reads are asked."""
    asked = index_of(kb).red_flag_questions_used
    essential, other = [], []
    for qid, q in kb.red_flag_questions.items():
        if qid in asked and q.region in regions and case.answer(qid) == "unknown":
            (essential if is_essential(q, facts, norms) else other).append(qid)
    return essential + other, essential


def may_be_essential(kb, regions: tuple[str, ...], facts: dict[str, Any] | None = None,
                     norms: NormLookup | None = None) -> list[str]:
    """The red-flag questions the screen of these regions needs answered before it says anything but
    ``incomplete``, among those some rule reads, in question-file order: the essential ones, and those essential
    under a condition (``essential_when``) when it holds for ``facts`` (all of them without facts). The
    assessment form asks these first."""
    asked = index_of(kb).red_flag_questions_used
    return [qid for qid, q in kb.red_flag_questions.items()
            if qid in asked and q.region in regions
            and (q.essential or (q.essential_when is not None and (facts is None or is_essential(q, facts, norms))))]


def evidence(cond: conditions.Condition, facts: dict[str, Any], norms: NormLookup) -> list[tuple[str, Any]]:
    """The (path, value) of every leaf that holds and made the rule fire (leaves under ``not`` excluded)."""
    if isinstance(cond, conditions.Leaf):
        return [(cond.path, facts.get(cond.path))] if cond.evaluate(facts, norms) else []
    if cond.kind == "not":
        return []
    out: list[tuple[str, Any]] = []
    for child in cond.children:
        if not child.evaluate(facts, norms):
            continue  # a branch that did not hold is not why the rule fired
        for item in evidence(child, facts, norms):
            if item not in out:
                out.append(item)
    return out


def _yes_answers(cond: conditions.Condition, case: Case) -> list[str]:
    paths = [leaf.path[len("red_flag."):] for leaf in conditions.leaves(cond) if leaf.path.startswith("red_flag.")]
    return sorted({q for q in paths if case.answer(q) == "yes"})
