"""Assemble the plan JSON (docs/CONTRACTS.md) from the engine steps, with every item explained.

Flow: facts → findings → screening → reasoning → prescription → advice → follow-up. Every list
comes out in knowledge-base order, so the same case and KB give the same plan.
"""

from __future__ import annotations

from typing import Any

from ptplan.core import explain, prescription, reasoning
from ptplan.core.advice import place, select_advice
from ptplan.core.case import Case
from ptplan.core.exclusions import excluded
from ptplan.core.facts import build_facts
from ptplan.core.findings import derive_findings, done_tests
from ptplan.core.i18n import Text
from ptplan.core.measures import score_questionnaires
from ptplan.core.norms import lookup_for
from ptplan.core.screening import evidence, screen

#: engine convention (SPEC §1: "reassess every few weeks"); a yellow flag's review_weeks shortens it.
DEFAULT_REVIEW_WEEKS = 4
#: measures repeated at the review (STarT Back stratifies at baseline and is not a change measure)
FOLLOW_UP_MEASURES = ("nrs", "odi", "psfs")
LOCOMO_STAGES = {"locomo_stage_1", "locomo_stage_2", "locomo_stage_3"}


def tx(text: Text | None, lang: str) -> str | None:
    return text.get(lang) if text is not None else None


def why(text: Text, lang: str) -> dict[str, Any]:
    return {"why": text.get(lang), "why_i18n": {"ja": text.ja, "en": text.en}}


def build_plan(case: Case, kb, lang: str = "ja", measures: dict | None = None,
               self_care_only: bool = False) -> dict[str, Any]:
    measures = score_questionnaires(case.questionnaires, kb) if measures is None else measures
    facts = build_facts(case, measures)
    norms = lookup_for(kb, case.demographics.age, case.demographics.sex)
    found = derive_findings(case, kb, facts, norms)
    s = screen(case, kb, facts, norms)
    done = done_tests(case, kb)
    # one test result = one test and the values its finding read (two checklist observations are two results)
    results = reasoning.reason(case, kb, facts, norms, done,
                               {f: {f"{h.source}:{','.join(sorted(h.value))}", *(f"test:{t}" for t in h.also)}
                                for f, h in found.items()})
    supported = [r.id for r in results if r.status == "supported"]
    # Only hypotheses of moderate or high confidence shape the program; low ones are reported.
    drivers = [r.id for r in results if r.status == "supported" and r.confidence != "low"]
    # A provisional program is for the therapist only: the self-check (patient-facing) gets none.
    status = "withheld" if self_care_only and s.program_status == "provisional" else s.program_status
    program, advice, ctx = prescription.Program([]), [], None
    if status != "withheld":
        ctx = prescription.make_context(kb, facts, norms, set(found) | set(supported), self_care_only)
        evidence = {r.id: r.for_findings for r in results if r.id in drivers}
        program = prescription.build_program(kb, ctx, drivers, s.yellow, evidence)
        advice = select_advice(kb, facts, norms, self_care_only)
    phrases: dict[str, Any] = {}  # finding id -> its phrase: several hypotheses rest on the same finding
    plan = {
        "kb_version": kb.version, "lang": lang, "case_id": case.id,
        "disclaimer": kb.meta.disclaimer.get(lang),
        "triage": triage_json(kb, s, lang, facts, norms),
        "findings": [finding_json(kb, h, lang) for h in found.values()],
        "hypotheses": [hypothesis_json(kb, r, lang, found, case, facts, phrases) for r in results],
        "lenses": reasoning.lens_status(kb, results),
        "knee_back": reasoning.knee_back_pattern(case, results),
        "program": program_json(kb, program, s, lang, status, ctx),
        "advice": [advice_json(kb, a, lang, where, i + 1) for i, (a, where) in enumerate(place(advice))],
        "follow_up": follow_up_json(case, s, advice, lang, set(found), status),
    }
    plan["references"] = references_json(kb, plan)
    return plan


def triage_json(kb, s, lang: str, facts: dict[str, Any], norms) -> dict[str, Any]:
    """One headline and one action (the most urgent flag's; for ``incomplete``, answer the questions),
    every flag with its evidence as reasons, and the unanswered questions, essential ones first."""
    questions = kb.red_flag_questions
    flags = [flag_json(kb, f, s, lang, facts, norms) for f in s.flags]  # most urgent first
    action = tx(explain.INCOMPLETE_ACTION, lang) if s.level == "incomplete" else (flags[0]["action"] if flags else None)
    missing = set(s.essential_missing)
    return {"level": s.level, "exercise_allowed": s.exercise_allowed, "program_status": s.program_status,
            "headline": tx(explain.TRIAGE_HEADLINE[s.level], lang), "action": action,
            "clinician_note": tx(explain.INCOMPLETE_CLINICIAN, lang) if s.level == "incomplete" else None,
            "flags": flags, "referral": flags[0]["action"] if flags else None, "policy": tx(explain.POLICY, lang),
            "regions": list(s.regions), "essential_unanswered": len(missing),
            "to_ask": [{"id": q, "question": tx(questions[q].text, lang), "clinician": tx(questions[q].clinician, lang),
                        "essential": q in missing} for q in s.to_ask],
            "yellow_flags": [{"id": y.id, "name": tx(y.name, lang), "effect": tx(y.effect, lang), "refs": list(y.refs),
                              "review_weeks": y.review_weeks} for y in s.yellow]}


def flag_json(kb, f, s, lang: str, facts: dict[str, Any], norms) -> dict[str, Any]:
    shown = [explain.evidence_text(kb, path, value, lang) for path, value in evidence(f.when.parsed, facts, norms)]
    return {"id": f.id, "suspected": tx(f.suspected, lang), "urgency": f.urgency, "action": tx(f.action, lang),
            "refs": list(f.refs), "because": s.because.get(f.id, []), "evidence": [t for t in shown if t],
            "status": f.status}


def finding_json(kb, h, lang: str) -> dict[str, Any]:
    f = kb.findings[h.id]
    out = {"id": h.id, "name": tx(f.name, lang), "lens": f.lens, "source": h.source, "value": h.value,
           "threshold": tx(h.threshold, lang), "refs": list(h.refs), "status": h.status}
    if h.video is not None:
        out["video"] = dict(h.video)
    return out


def hypothesis_json(kb, r, lang: str, found: dict | None = None, case: Case | None = None,
                    facts: dict[str, Any] | None = None, phrases: dict | None = None) -> dict[str, Any]:
    h = kb.kind("hypotheses")[r.id]
    text = explain.hypothesis_explanation(kb, r.rules, r.status, r.missing_tests, r.for_findings, found, case, facts,
                                          phrases)
    return {"id": r.id, "name": tx(h.name, lang), "lens": h.lens, "status": r.status,
            "confidence": r.confidence if r.status == "supported" else "low", "score": r.score,
            "for": r.for_findings, "against": r.against, "rules": r.rules,
            "description": tx(h.description, lang), "explanation": text.get(lang), **why(text, lang),
            "refs": _refs(h.refs, *(kb.kind("rules")[x].refs for x in r.rules)),
            "discriminating_tests": r.missing_tests}


def _refs(*groups) -> list[str]:
    out: list[str] = []
    for g in groups:
        out += [r for r in g if r not in out]
    return out


def program_json(kb, program, s, lang: str, status: str, ctx) -> dict[str, Any]:
    """``status``: ``issued`` (for the patient), ``provisional`` (therapist only, until the essential
    questions are answered) or ``withheld`` (no program: a red flag, or an incomplete self-check)."""
    comps = program.components
    limits = kb.meta.program_limits
    extra = {"status": status, "precautions": precautions_json(ctx, lang),
             "exclusions": exclusions_json(kb, ctx, lang),
             "limits": {"daily_minutes": limits.daily_minutes, "max_exercises": limits.max_exercises},
             "minutes_per_day": round(program.minutes) if comps else 0,
             "left_for_later": [left_json(kb, x, lang) for x in program.left_for_later] if comps else [],
             "unserved": [{"hypothesis": h, "name": tx(kb.kind("hypotheses")[h].name, lang),
                           **why(explain.UNSERVED, lang)} for h in program.unserved] if comps else []}
    if not comps:
        note = None
        if status == "withheld" and s.level == "incomplete":
            note = tx(explain.WITHHELD_INCOMPLETE, lang)
        elif status != "withheld":
            note = tx(explain.NO_PROGRAM, lang)
        return {"components": [], "phases": [], "schedule": {"sessions_per_week": 0, "days": []}, "note": note,
                **extra}
    phases = phase_track(kb, comps[0].component.lens)
    return {"components": [component_json(kb, c, i + 1, lang) for i, c in enumerate(comps)],
            "phases": [{"id": p.id, "name": tx(p.name, lang), "weeks": f"{p.weeks_from}-{p.weeks_to}",
                        "weeks_from": p.weeks_from, "weeks_to": p.weeks_to, "goals": tx(p.goals, lang),
                        "progress_when": tx(p.progress_when, lang), "refs": list(p.refs), "status": p.status}
                       for p in phases],
            "schedule": prescription.schedule(comps),
            "note": tx(explain.PROVISIONAL_NOTE, lang) if status == "provisional" else None, **extra}


def left_json(kb, x, lang: str) -> dict[str, Any]:
    """An exercise the program would have taken, left for a later review because the day was full."""
    text = explain.left_for_later(x.reason, kb.meta.program_limits)
    return {"id": x.chosen.exercise.id, "name": tx(x.chosen.exercise.name, lang), "component": x.component.id,
            "reason": x.reason, "hypotheses": x.hypotheses, **why(text, lang)}


def precautions_json(ctx, lang: str) -> list[dict[str, Any]]:
    """Program-level precautions of the adjustments that fired (e.g. follow the surgeon's protocol)."""
    if ctx is None:
        return []
    return [{"id": a.id, "text": tx(a.program_note, lang), "refs": list(a.refs)} for a in ctx.adjustments
            if a.program_note is not None]


def exclusions_json(kb, ctx, lang: str) -> list[dict[str, Any]]:
    """What the case rules out and why, grouped by reason (exercises and advice ids)."""
    if ctx is None:
        return []
    return [{"id": g["id"], "reason": tx(g["reason"], lang), "refs": g["refs"], "exercises": g["exercises"],
             "advice": g["advice"], "names": [tx(kb.exercises[e].name, lang) for e in g["exercises"]]
             + [tx(kb.advice[a].title, lang) for a in g["advice"]]} for g in excluded(kb, ctx.facts, ctx.norms, ctx.holds)]


def phase_track(kb, lead_lens: str) -> list:
    """The phases for a program led by ``lead_lens``: its own track if the KB has one, else the general track."""
    phases = sorted(kb.kind("phases").values(), key=lambda p: (p.order, p.id))
    own = [p for p in phases if lead_lens in p.for_lenses]
    return own or [p for p in phases if not p.for_lenses]


def component_json(kb, cc, rank: int, lang: str) -> dict[str, Any]:
    comp = cc.component
    text = explain.because_of(kb, cc.reasons, comp.why) if cc.reasons else explain.text(
        ja=comp.why.ja + explain.FALLBACK.ja, en=f"{comp.why.en} {explain.FALLBACK.en}")
    families = list(dict.fromkeys(ch.exercise.family for ch in cc.exercises))
    return {"id": comp.id, "name": tx(comp.name, lang), "lens": comp.lens, "family": families[0],
            "families": families, "priority": rank, "kb_priority": comp.priority, "hypotheses": cc.reasons,
            **why(text, lang), "refs": list(comp.refs),
            "exercises": [exercise_json(kb, ch, comp, lang) for ch in cc.exercises]}


def exercise_json(kb, ch, comp, lang: str) -> dict[str, Any]:
    ex = ch.exercise
    text = explain.exercise_why(kb, ch.matched, comp.name, ch.adjustments, ch.aimed)
    return {"id": ex.id, "name": tx(ex.name, lang), "family": ex.family, "level": ex.level, "dose": ch.dose,
            **why(text, lang), "addresses": ch.matched, "refs": _refs(ex.refs, ch.dose["refs"]),
            "steps": list(ex.steps.get(lang)), "feel": tx(ex.feel, lang), "stop_if": tx(ex.stop_if, lang),
            "regression": ex.regression, "progression": ex.progression,
            "cautions": [c.get(lang) for c in (*ch.cautions, *ex.cautions)]}


def advice_json(kb, a, lang: str, place: str = "handout", rank: int = 1) -> dict[str, Any]:
    if a.findings:
        text = explain.because_of(kb, list(a.findings))
    elif a.entry.when is not None:
        text = explain.because_of_facts(list(a.facts)) or explain.RECORDED
    else:
        text = explain.GENERAL_ADVICE
    return {"id": a.entry.id, "category": a.entry.category, "title": tx(a.title, lang), "text": tx(a.text, lang),
            "evidence": tx(a.entry.evidence, lang), **why(text, lang), "refs": list(a.entry.refs),
            "rank": rank, "place": place, "status": a.entry.status}


def follow_up_json(case: Case, s, advice: list, lang: str, found: set[str], status: str) -> dict[str, Any]:
    measures = list(FOLLOW_UP_MEASURES)
    if case.has_pain("knee"):  # JKOM is the Japanese knee-OA measure; KOOS-12 keeps the international comparison
        measures += ["koos12", "jkom"]
    if "high_fear_avoidance" in found:
        measures.append("fabq")
    if found & LOCOMO_STAGES:  # repeat the questionnaire part of the ロコモ度テスト
        measures.append("locomo25")
    doctor = [tx(a.text, lang) for a in advice if a.entry.category == "see_doctor"] or [tx(explain.SEE_DOCTOR, lang)]
    review = None if status == "withheld" else (s.review_weeks or DEFAULT_REVIEW_WEEKS)
    # a measure repeated at the review shows change only against a baseline: ask for the missing ones now
    taken = set(case.questionnaires or {})
    return {"review_weeks": review, "measures": measures, "baseline_needed": [m for m in measures if m not in taken],
            "see_doctor_when": doctor}


def references_json(kb, plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every reference the plan cites, once, sorted by id. Also run on stored plans (the effective plan), so a
    plan made before ``program.precautions`` and ``exclusions`` existed is read without them."""
    t, program = plan["triage"], plan["program"]
    groups = [t["flags"], t["yellow_flags"], plan["findings"], plan["hypotheses"], plan["advice"], program["phases"],
              program["components"], program.get("precautions", []), program.get("exclusions", []),
              *(c["exercises"] for c in program["components"])]
    ids = {rid for group in groups for item in group for rid in item["refs"]}
    out = []
    for rid in sorted(ids):
        r = kb.references.get(rid)
        if r is not None:
            out.append({"id": rid, "citation": r.citation, "doi": r.doi, "url": r.url, "status": r.status})
    return out
