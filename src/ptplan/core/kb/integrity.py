"""Cross-reference checks over a loaded knowledge base.

Shape is checked by the schema; this module checks what only the whole base can tell: every id
referenced exists, every condition names a real fact, progression chains do not loop, every
clinical threshold cites a reference, and Japanese texts keep one spelling per term.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel

from ptplan.core import conditions
from ptplan.core.facts import unknown_fact
from ptplan.core.kb.schema import ConditionData
from ptplan.errors import Problem

#: fields (by name, anywhere in an entry) that hold reference ids
REF_FIELDS = {"refs", "ref", "bands_ref"}


def check(kb) -> list[Problem]:
    problems: list[Problem] = []
    for kind, entries in kb.entries.items():
        for eid, entry in entries.items():
            where = f"{kb.sources.get((kind, eid), kind)} ({eid})"
            walked = list(_walk(entry))  # one walk per entry serves both checks (load time)
            problems += _check_refs(kb, walked, where)
            problems += _check_conditions(kb, walked, where)
            problems += _check_spelling(kb.meta.ja_spelling, walked, where)
    problems += _check_exercises(kb)
    problems += _check_screening(kb)
    problems += _check_tests(kb)
    problems += _check_reasoning(kb)
    problems += _check_illustrations(kb)
    return problems


def _where(kb, kind: str, eid: str) -> str:
    return f"{kb.sources.get((kind, eid), kind)} ({eid})"


def _check_reasoning(kb) -> list[Problem]:
    """Hypotheses, rules, components and derived findings must point at ids that exist."""
    hyps, out = kb.kind("hypotheses"), []
    for hid, h in hyps.items():
        out += _ids_exist(h.discriminating_tests, kb.tests, f"{_where(kb, 'hypotheses', hid)}.discriminating_tests",
                          "test")
    for rid, r in kb.kind("rules").items():
        out += _ids_exist([r.hypothesis], hyps, f"{_where(kb, 'rules', rid)}.hypothesis", "hypothesis")
    added = {cid for entry in [*kb.yellow_flags.values(), *kb.kind("adjustments").values()]
             for cid in entry.adds_components}
    for cid, c in kb.kind("components").items():
        out += _ids_exist(c.hypotheses, hyps, f"{_where(kb, 'components', cid)}.hypotheses", "hypothesis")
        out += _ids_exist(c.targets, kb.findings, f"{_where(kb, 'components', cid)}.targets", "finding")
        if not c.hypotheses and not c.fallback and cid not in added:
            out.append(Problem(_where(kb, "components", cid), "a component needs hypotheses, fallback: true, or a "
                               "yellow flag or adjustment that adds it", "orphan"))
    for fid, f in kb.kind("finding_rules").items():
        out += _ids_exist([f.finding], kb.findings, f"{_where(kb, 'finding_rules', fid)}.finding", "finding")
    for kind in ("yellow_flags", "adjustments"):
        for eid, entry in kb.kind(kind).items():
            out += _ids_exist(entry.adds_components, kb.kind("components"), f"{_where(kb, kind, eid)}.adds_components",
                              "component")
    for tid, t in kb.tests.items():
        out += _ids_exist(t.discriminates, hyps, f"{_where(kb, 'tests', tid)}.discriminates", "hypothesis")
    for pid, p in kb.kind("phases").items():
        if p.weeks_from > p.weeks_to:
            out.append(Problem(_where(kb, "phases", pid), "weeks_from is after weeks_to", "range"))
    return out


def _check_screening(kb) -> list[Problem]:
    """Essential questions must be read by a rule (else they could never be missing), pain sites must be
    real, and every piece of equipment an exercise needs must be listed."""
    from typing import get_args

    from ptplan.core.case import PainSiteName

    out = []
    read = {leaf.path[len("red_flag."):] for f in kb.red_flags.values() for leaf in conditions.leaves(f.when.parsed)
            if leaf.path.startswith("red_flag.")}
    for qid, q in kb.red_flag_questions.items():
        if (q.essential or q.essential_when is not None) and qid not in read:
            out.append(Problem(_where(kb, "red_flag_questions", qid), "an essential question no red-flag rule reads",
                               "unused"))
    for region, sites in kb.meta.screening_regions.items():
        out += _ids_exist(sites, get_args(PainSiteName), f"meta.yaml.screening_regions.{region}", "pain site")
    if kb.kind("equipment"):
        for eid, ex in kb.exercises.items():
            out += _ids_exist(ex.equipment, kb.kind("equipment"), f"{_where(kb, 'exercises', eid)}.equipment",
                              "equipment (equipment.yaml)")
    return out


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Yield (field path, value) for every field of a model, recursing into lists and models."""
    if isinstance(value, BaseModel) and not isinstance(value, ConditionData):
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")
    else:
        yield path, value


def _check_refs(kb, walked: list[tuple[str, Any]], where: str) -> list[Problem]:
    out = []
    for path, value in walked:
        name = path.rsplit(".", 1)[-1].split("[", 1)[0]
        if name in REF_FIELDS and isinstance(value, str) and value not in kb.references:
            out.append(Problem(f"{where}.{path}", f"unknown reference id '{value}'", "dangling_ref"))
    return out


def _check_conditions(kb, walked: list[tuple[str, Any]], where: str) -> list[Problem]:
    out = []
    for path, value in walked:
        if isinstance(value, ConditionData):
            for leaf in conditions.leaves(value.parsed):
                why = unknown_fact(leaf.path, kb)
                if why:
                    out.append(Problem(f"{where}.{path}", f"{leaf.path}: {why}", "unknown_fact"))
    return out


def _check_spelling(spelling: dict[str, str], walked: list[tuple[str, Any]], where: str) -> list[Problem]:
    """Japanese texts use one spelling per term (meta.yaml ja_spelling)."""
    return [Problem(f"{where}.{path}", f"write '{good}' instead of '{bad}' (meta.yaml ja_spelling)", "spelling")
            for path, value in walked if path.endswith("ja") and isinstance(value, str)
            for bad, good in spelling.items() if bad in value]


def _ids_exist(ids: Iterable[str], pool, where: str, what: str) -> list[Problem]:
    return [Problem(where, f"unknown {what} '{i}'", "dangling_id") for i in ids if i not in pool]


def _check_exercises(kb) -> list[Problem]:
    out = []
    addressable = set(kb.findings) | set(kb.kind("hypotheses"))
    for eid, ex in kb.exercises.items():
        where = f"{kb.sources[('exercises', eid)]} ({eid})"
        out += _ids_exist(ex.addresses, addressable, f"{where}.addresses", "finding or hypothesis")
        for link in ("regression", "progression"):
            target = getattr(ex, link)
            if target is not None and target not in kb.exercises:
                out.append(Problem(f"{where}.{link}", f"unknown exercise '{target}'", "dangling_id"))
            if target == eid:
                out.append(Problem(f"{where}.{link}", "an exercise cannot link to itself", "cycle"))
        if ex.dose.reps is None and ex.dose.hold_s is None and ex.dose.duration_min is None:
            out.append(Problem(f"{where}.dose", "needs reps, hold_s or duration_min", "dose"))
    out += _check_chains(kb)
    return out


def _check_chains(kb) -> list[Problem]:
    """Following progression links must end; a loop would make progression run forever."""
    out = []
    for eid in kb.exercises:
        seen, cur = {eid}, kb.exercises[eid].progression
        while cur is not None and cur in kb.exercises:
            if cur in seen:
                out.append(Problem(f"{kb.sources[('exercises', eid)]} ({eid}).progression",
                                   f"progression chain loops back to '{cur}'", "cycle"))
                break
            seen.add(cur)
            cur = kb.exercises[cur].progression
    return out


def _check_tests(kb) -> list[Problem]:
    out = []
    for tid, test in kb.tests.items():
        where = f"{kb.sources[('tests', tid)]} ({tid})"
        out += _ids_exist([y.finding for y in test.yields], kb.findings, f"{where}.yields", "finding")
        if test.record.kind == "checklist" and not test.record.choices:
            out.append(Problem(f"{where}.record.choices", "a checklist test needs its observation ids", "choices"))
        for i, n in enumerate(test.norms):
            if n.age_min > n.age_max:
                out.append(Problem(f"{where}.norms[{i}]", "age_min is above age_max", "range"))
    return out


def _check_illustrations(kb) -> list[Problem]:
    """Every exercise has a picture, every picture belongs to an exercise and names known poses.

    A knowledge base without any illustrations (e.g. a small test KB) is valid; once it has some, it
    needs one for every exercise, because the handout draws them all.
    """
    out = []
    pictures, poses = kb.kind("illustrations"), kb.kind("poses")
    if not pictures:
        return out
    for eid in kb.exercises:
        if eid not in pictures:
            out.append(Problem(f"illustrations ({eid})", f"exercise '{eid}' has no illustration keyframes",
                               "missing_illustration"))
    for iid, pic in pictures.items():
        where = f"{kb.sources[('illustrations', iid)]} ({iid})"
        if iid not in kb.exercises:
            out.append(Problem(where, f"unknown exercise '{iid}'", "dangling_id"))
        for name in ("start", "end"):
            frame = getattr(pic, name)
            if frame.pose not in poses:
                out.append(Problem(f"{where}.{name}.pose", f"unknown pose '{frame.pose}'", "dangling_id"))
        if pic.start == pic.end:
            out.append(Problem(where, "start and end keyframes are identical", "still_picture"))
    return out
