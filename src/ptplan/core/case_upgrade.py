"""Upgrade stored case dicts to the current case format, so what a clinic stored keeps working.

The clinic server keeps each assessment's case JSON as it was saved. Rather than rewrite stored
rows, every case is upgraded when it is read (:class:`ptplan.core.case.Case` calls :func:`upgrade`
before validating), by pure functions, one per version step. A case without ``schema_version`` is
version 1 (everything saved before the field existed).

Version 2 (issue 11): red-flag questions ask one thing each, so some were split or narrowed
(``SPLIT``). An old answer carries over to every question it covered: a stored "yes" stays a "yes"
on each narrower question (the safe direction: it can over-refer, never under-refer), and "no" and
"unknown" carry over the same way. ``ALSO_ON_YES`` adds what an old "yes" also said (the old
"minor trauma with osteoporosis risk" said the bones were weak).
"""

from __future__ import annotations

from typing import Any

CURRENT = 2
#: red-flag questions of version 1 -> the version-2 questions that together ask what it asked
SPLIT = {"fever_or_unwell": ("fever",), "feeling_systemically_unwell": ("chills_or_rigors",),
         "minor_trauma_with_osteoporosis_risk": ("minor_trauma",),
         "recent_infection_or_spinal_procedure": ("recent_bacterial_infection", "recent_spinal_procedure"),
         "knee_deformity_after_injury": ("knee_deformity_after_injury", "cold_numb_foot_after_injury")}
ALSO_ON_YES = {"minor_trauma_with_osteoporosis_risk": ("told_bones_weak",)}


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """A new dict in the current format (the input is not changed). Unknown versions are left for
    validation to refuse with a message naming ``schema_version``."""
    version = data.get("schema_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version >= CURRENT or version < 1:
        return data
    out = dict(data)
    if version < 2:
        out = _v1_to_v2(out)
    out["schema_version"] = CURRENT
    return out


def question_ids(qid: str) -> tuple[str, ...]:
    """The current ids of a red-flag question id that may come from an older case or client."""
    return SPLIT.get(qid, (qid,))


def upgrade_answers(flags: dict[str, Any]) -> dict[str, Any]:
    """Version-1 red-flag answers in version-2 ids; an answer the case gives to a new id itself wins."""
    out: dict[str, Any] = {}
    for qid, answer in flags.items():
        targets = question_ids(qid) + (ALSO_ON_YES.get(qid, ()) if answer == "yes" else ())
        for new in targets:
            if new == qid or new not in flags:
                out.setdefault(new, answer)
    return out


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    flags = data.get("red_flags")
    if isinstance(flags, dict):
        data["red_flags"] = upgrade_answers(flags)
    return data
