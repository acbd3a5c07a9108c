"""Self-care advice chosen from the KB by ``when`` / ``not_when`` (e.g. no heat on a warm, swollen knee) and
never when a contraindication rule excludes what it asks of the body (``loads``; core/exclusions.py).

Advice texts may use ``{placeholders}``: ``weight_kg``, ``bmi``, any key of the entry's ``numbers``,
and, when ``numbers`` holds ``loss_fraction`` and ``load_ratio``, the knee-load arithmetic
``loss_kg`` (weight × fraction, in whole kg) and ``knee_load_kg`` (that loss × ratio per step). Advice whose
placeholders cannot be filled for this person is left out rather than shown half-made.

:func:`place` ranks what was chosen (the entry's ``rank``, then KB order) and says where each item goes: the
handout carries at most :data:`HANDOUT_MAX` self-care items, most relevant first; the rest go to "more
information"; "see a doctor" items go with the follow-up; medical options go to the therapist's view and the
patient's short "ask your doctor about" list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ptplan.core import explain
from ptplan.core.conditions import NormLookup
from ptplan.core.exclusions import advice_blocked
from ptplan.core.i18n import Text
from ptplan.core.kb_index import index_of

#: most self-care items on the handout (clinical review 2.2: a 66-year-old will not read 30 bullets; 5-7 tailored)
HANDOUT_MAX = 8
PLACEMENTS = ("handout", "more_information", "see_doctor", "ask_doctor")


@dataclass(frozen=True)
class ChosenAdvice:
    entry: Any
    title: Text
    text: Text
    findings: tuple[str, ...]
    facts: tuple[str, ...] = ()  # case facts in `when` that hold (e.g. pain.knee, bmi)


def select_advice(kb, facts: dict[str, Any], norms: NormLookup, self_care_only: bool = False) -> list[ChosenAdvice]:
    out = []
    idx = index_of(kb)
    leaves = idx.advice_findings
    for a, when, not_when in idx.advice:
        if self_care_only and not a.self_care:
            continue
        if (when is not None and not when(facts, norms)) or (not_when is not None and not_when(facts, norms)):
            continue
        if advice_blocked(kb, a.id, facts, norms):
            continue
        text = fill_numbers(a.text, _numbers(a, facts)) if "{" in a.text.ja or "{" in a.text.en else a.text
        if text is None:
            continue
        found = tuple(path[8:] for path in leaves[a.id] if facts.get(path))
        held = tuple(dict.fromkeys(path for path, fn in idx.advice_fact_leaves[a.id] if fn(facts, norms)))
        out.append(ChosenAdvice(a, a.title, text, found, held))
    return out


def place_of(a: ChosenAdvice) -> str:
    """Where an item goes before the handout cap: see_doctor, ask_doctor or self-care (handout)."""
    if a.entry.category == "see_doctor":
        return "see_doctor"
    return "handout" if a.entry.self_care else "ask_doctor"


def place(chosen: list[ChosenAdvice], handout_max: int = HANDOUT_MAX) -> list[tuple[ChosenAdvice, str]]:
    """The chosen advice, most relevant first, each with its place (:data:`PLACEMENTS`), in place
    order: the handout's items, then more information, then see-a-doctor items, then medical options."""
    order = {id(a): i for i, a in enumerate(chosen)}
    ranked = sorted(chosen, key=lambda a: (a.entry.rank, order[id(a)]))
    out, on_handout = [], 0
    for a in ranked:
        where = place_of(a)
        if where == "handout":
            where = "handout" if on_handout < handout_max else "more_information"
            on_handout += where == "handout"
        out.append((a, where))
    return sorted(out, key=lambda pair: PLACEMENTS.index(pair[1]))


def _numbers(a, facts: dict[str, Any]) -> dict[str, float]:
    values = {k: v for k, v in (("weight_kg", facts.get("weight_kg")), ("bmi", facts.get("bmi"))) if v is not None}
    values.update(a.numbers)
    if "loss_fraction" in a.numbers and "load_ratio" in a.numbers and "weight_kg" in values:
        # whole kilograms, and the load worked out from the rounded loss, so the sum the patient reads adds up
        values["loss_kg"] = max(1, round(values["weight_kg"] * a.numbers["loss_fraction"]))
        values["knee_load_kg"] = round(values["loss_kg"] * a.numbers["load_ratio"])
    return values


def fill_numbers(text: Text, values: dict[str, float]) -> Text | None:
    if "{" not in text.ja and "{" not in text.en:
        return text
    try:
        return explain.text(ja=text.ja.format_map(_fmt(values)), en=text.en.format_map(_fmt(values)))
    except (KeyError, ValueError, IndexError):
        return None


def _fmt(values: dict[str, float]) -> dict[str, str]:
    return {k: f"{v:g}" for k, v in values.items()}
