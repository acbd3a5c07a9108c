"""Reassessment: decide progress / hold / regress / refer for the program and for each exercise.

Inputs are the plan JSON (docs/CONTRACTS.md), baseline and latest questionnaires, session logs, the
red-flag questions answered "yes" at follow-up and the new signs recorded (``type: sign`` entries:
spreading numbness, a warm swollen knee...). The rules are data (``kb/progression.yaml``): decision
rules are tried in ascending priority and the first whose checks hold decides; every decision carries
its reasons (ja and en) with the references or the basis of each threshold.

The course is read recent-first: a flare in the last week (or the last three sessions) lowers the load
whatever the older sessions showed, and a program that is lowering or under review never raises a dose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ptplan.core import dosing
from ptplan.core.case_upgrade import question_ids
from ptplan.core.i18n import Text
from ptplan.core.measures import compare, score_questionnaires
from ptplan.core.sessions import SessionLog, adherence, parse_sessions, plan_exercises
from ptplan.errors import InputError, Problem


def _kb(kb):
    if kb is None:
        from ptplan.core.kb.loader import default_kb

        kb = default_kb()
    return kb


def _timepoint(data: Any, which: str) -> tuple[dt.date | None, dict, str]:
    """``{"date", "questionnaires": {...}}`` or a bare ``{name: answers}`` mapping."""
    if data is None:
        return None, {}, which
    if not isinstance(data, Mapping):
        raise InputError.single(which, "expected a mapping of questionnaires", "type", "質問票の対応表が必要です")
    qs = data.get("questionnaires", data)
    raw = data.get("date")
    try:
        day = dt.date.fromisoformat(str(raw)) if raw is not None else None
    except ValueError:
        raise InputError.single(f"{which}.date", f"expected YYYY-MM-DD, got {raw!r}", "date",
                                "日付は YYYY-MM-DD で入力してください") from None
    if not isinstance(qs, Mapping):
        raise InputError.single(f"{which}.questionnaires", "expected a mapping of measure name to answers", "type",
                                "評価尺度名と回答の対応表が必要です")
    prefix = f"{which}.questionnaires" if "questionnaires" in data else which
    return day, {k: v for k, v in qs.items() if k != "date"}, prefix


def _scored(qs: dict, prefix: str, kb) -> dict[str, dict]:
    """Score one time point; error paths start with ``prefix`` (e.g. ``latest.questionnaires``)."""
    try:
        return score_questionnaires(qs, kb)
    except InputError as err:
        raise InputError([Problem(prefix + p.path.removeprefix("questionnaires"), p.message, p.code, p.message_ja)
                          for p in err.problems]) from None


def setting(kb, sid: str, default: float) -> float:
    rule = kb.kind("progression").get(sid)
    return float(rule.value) if rule is not None and rule.value is not None else default


def setting_measures(kb, sid: str) -> set[str]:
    rule = kb.kind("progression").get(sid)
    return set(rule.measures) if rule is not None else set()


def compare_all(base: dict[str, dict], last: dict[str, dict], kb) -> dict[str, dict]:
    """Every change measure scored at both time points, compared on its headline score (measures that only
    stratify, such as STarT Back, are not compared)."""
    skip = setting_measures(kb, "stratify_only")
    return {n: compare(n, base[n], last[n], kb=kb) for n in base
            if n in last and n not in skip and not base[n].get("unavailable") and not last[n].get("unavailable")}


def _red_flags(ids: Iterable[str], kb) -> tuple[list[str], list[dict]]:
    # a client may still send version-1 question ids (e.g. fever_or_unwell): read them as their successors
    ids = [new for q in (ids or ()) for new in (question_ids(q) if isinstance(q, str) else (q,))]
    known = kb.red_flag_questions
    bad = [Problem(f"new_red_flags[{i}]", f"unknown red-flag question '{q}'", "unknown",
                   f"'{q}' というレッドフラッグの質問はありません")
           for i, q in enumerate(ids) if not isinstance(q, str) or q not in known]
    if bad:
        raise InputError(bad)
    facts = {f"red_flag.{q}": "unknown" for q in known} | {f"red_flag.{q}": "yes" for q in ids}
    hits = [{"id": rid, "suspected": rf.suspected.model_dump(), "urgency": rf.urgency, "action": rf.action.model_dump(),
             "refs": list(rf.refs)} for rid, rf in kb.red_flags.items() if rf.when.parsed.evaluate(facts)]
    return ids, hits


def _signs(ids: Iterable[str], kb) -> tuple[list[str], dict[str, int]]:
    """Validate the new signs recorded at follow-up; count them by kind (neuro, flare)."""
    ids = list(ids or ())
    known = {r.id: r for r in kb.kind("progression").values() if r.type == "sign"}
    bad = [Problem(f"new_signs[{i}]", f"unknown sign '{x}'; expected one of {', '.join(sorted(known))}", "unknown",
                   f"'{x}' という所見の項目はありません")
           for i, x in enumerate(ids) if not isinstance(x, str) or x not in known]
    if bad:
        raise InputError(bad)
    ids = list(dict.fromkeys(ids))
    return ids, {kind: sum(1 for x in ids if known[x].sign == kind) for kind in ("neuro", "flare")}


def _mean(xs: Sequence[float]) -> float | None:
    return round(sum(xs) / len(xs), 1) if xs else None


def _rise(s: SessionLog, exercise_id: str | None) -> float | None:
    own = next((e.pain_after for e in s.exercises if e.id == exercise_id and e.pain_after is not None), None)
    return own - s.pain_before if (own is not None and s.pain_before is not None) else s.pain_rise


def recent(sessions: Sequence[SessionLog], days: int = 7, at_least: int = 3) -> list[SessionLog]:
    """The recent course: sessions of the last ``days`` days up to the newest, or the last ``at_least``
    sessions when that holds more."""
    if not sessions:
        return []
    newest = max(s.date for s in sessions)
    week = [s for s in sessions if (newest - s.date).days < days]
    return week if len(week) >= at_least else list(sessions[-at_least:])


def session_metrics(sessions: Sequence[SessionLog], exercise_id: str | None = None, kb=None) -> dict[str, Any]:
    """Sessions logged, pain rise (whole window and recent course), flares in the recent course and mean
    effort; for one exercise when ``exercise_id`` is given."""
    chosen = [s for s in sessions if exercise_id is None or s.did(exercise_id)]
    rises = [r for r in (_rise(s, exercise_id) for s in chosen) if r is not None]
    kb = _kb(kb)
    late = recent(chosen, int(setting(kb, "recent_days", 7)), int(setting(kb, "recent_sessions", 3)))
    late_rises = [r for r in (_rise(s, exercise_id) for s in late) if r is not None]
    flare = setting(kb, "flare_pain_rise", 2)
    return {"sessions_logged": len(chosen), "mean_pain_rise": _mean(rises),
            "recent_sessions": len(late), "recent_mean_pain_rise": _mean(late_rises),
            "recent_flares": sum(1 for r in late_rises if r >= flare - 1e-9),
            "mean_rpe": _mean([s.rpe for s in chosen if s.rpe is not None])}


def _holds(check, metrics: Mapping[str, Any]) -> bool:
    actual = metrics.get(check.metric)
    if actual is None:
        return False
    if check.op == "eq":
        return actual == check.value
    if isinstance(actual, bool):
        return False
    return {"ge": actual >= check.value, "gt": actual > check.value, "le": actual <= check.value,
            "lt": actual < check.value}[check.op]


def _show(metric: str, v: Any) -> str:
    if metric == "adherence" and isinstance(v, float):
        return f"{round(v * 100)}%"
    return f"{v:g}" if isinstance(v, float) else str(v)


def _reason(rule_id: str, text, refs, status: str, lang: str, basis=None, **fmt) -> dict[str, Any]:
    i18n = {k: getattr(text, k).format(**fmt) for k in ("ja", "en")}
    out = {"rule": rule_id, "text": i18n[lang], "i18n": i18n, "refs": list(refs), "status": status}
    if basis is not None:
        out["basis"] = basis.model_dump()
    return out


def _check_reason(rule, check, metrics, lang) -> dict[str, Any]:
    return _reason(rule.id, check.because, check.refs, check.status, lang, check.basis,
                   actual=_show(check.metric, metrics.get(check.metric)), value=_show(check.metric, check.value))


def _unmet(rules: Sequence, metrics: Mapping[str, Any], scope: str, lang: str) -> list[dict]:
    out = []
    for rule in (r for r in rules if r.type == "decision" and r.decision == "progress" and scope in r.scope):
        missing = [c for c in rule.all if not _holds(c, metrics)]
        if rule.any and not any(_holds(c, metrics) for c in rule.any):
            missing += rule.any
        for c in missing:
            if c.unmet is not None:
                out.append(_reason(rule.id, c.unmet, c.refs, c.status, lang, c.basis,
                                   actual=_show(c.metric, metrics.get(c.metric)), value=_show(c.metric, c.value)))
    return out


def decide(rules: Sequence, metrics: Mapping[str, Any], scope: str, lang: str) -> tuple[Any, list[dict]]:
    """The first decision rule (by priority) for ``scope`` whose checks hold, and why."""
    for rule in sorted((r for r in rules if r.type == "decision" and scope in r.scope), key=lambda r: r.priority):
        all_ok = all(_holds(c, metrics) for c in rule.all)
        hits = [c for c in rule.any if _holds(c, metrics)]
        if all_ok and (hits or not rule.any):
            reasons = [_check_reason(rule, c, metrics, lang) for c in [*rule.all, *hits]]
            if not rule.all and not rule.any:  # the default: say what kept the program from progressing
                reasons += _unmet(rules, metrics, scope, lang)
            if rule.action is not None:
                reasons.append(_reason(rule.id, rule.action, rule.refs, rule.status, lang))
            return rule, reasons
    raise InputError.single("progression", "no decision rule applies (the knowledge base needs a default rule)",
                            "kb", "適用できる判定ルールがありません")


AT_TOP = Text(ja="量は上限で、これより難しい種目が登録されていないため、今の内容を続けます。",
              en="The dose is at its upper limit and no harder variation is in the knowledge base, so keep it as is.")
AT_BOTTOM = Text(ja="量はすでに最小です。この種目はいったん休み、担当の理学療法士に相談してください。",
                 en="The dose is already at its lowest; pause this exercise and talk it over with your physiotherapist.")


def _dose_change(kb, ex: dict, decision: str, lang: str) -> tuple[str, dict, str | None, dict]:
    """(decision, new dose, exercise switched to, reason) for a progress or regress decision."""
    dr = dosing.dose_rule(kb, ex.get("family"))
    step = dosing.step_up if decision == "progress" else dosing.step_down
    after, switch, change = step(kb, ex, dr, lang)
    if change is not None:
        return decision, after, switch, _reason(dr.id, change, dr.refs, dr.status, lang, dr.basis)
    if decision == "progress":  # nothing left to raise: keep the exercise as it is
        return "hold", after, None, _reason("dose_limit", AT_TOP, [], "verified", lang)
    return decision, after, None, _reason("dose_limit", AT_BOTTOM, [], "verified", lang)


NOT_NOW = Text(ja="プログラム全体が負荷を下げる段階か見直し中のため、この種目の量も上げません。",
               en="The program as a whole is being lowered or reviewed, so this exercise's dose is not raised either.")


def _exercise_decision(kb, ex: dict, rules, program_rule, metrics: dict, lang: str) -> dict[str, Any]:
    """A referred program changes no exercise; otherwise each exercise is decided on its own metrics, and a
    program that is regressing or under review raises no exercise's dose."""
    before = dict(ex.get("dose") or {})
    decision, reasons, after, switch = "refer", [], before, None
    if program_rule.decision != "refer":
        rule, reasons = decide(rules, metrics, "exercise", lang)
        decision = rule.decision
        if decision == "progress" and program_rule.decision in ("regress", "review"):
            decision, reasons = "hold", [*reasons, _reason(program_rule.id, NOT_NOW, [], "verified", lang)]
        if decision in ("progress", "regress"):
            decision, after, switch, why = _dose_change(kb, ex, decision, lang)
            reasons.append(why)
    return {"id": ex["id"], "component": ex.get("component"), "decision": decision, "dose_before": before,
            "dose_after": after, "switch_to": switch, "metrics": metrics, "reasons": reasons}


def _review_weeks(plan: Mapping, kb) -> float:
    given = ((plan or {}).get("follow_up") or {}).get("review_weeks")
    if isinstance(given, int | float) and not isinstance(given, bool) and given > 0:
        return float(given)
    return setting(kb, "review_weeks_default", 4.0)


def _phases(plan: Mapping, decision: str, current: str | None) -> dict[str, Any]:
    phases = [p.get("id") for p in ((plan or {}).get("program") or {}).get("phases") or [] if p.get("id")]
    cur = current if current in phases else (phases[0] if phases else None)
    nxt = cur
    if decision == "progress" and cur is not None and phases.index(cur) + 1 < len(phases):
        nxt = phases[phases.index(cur) + 1]
    return {"current": cur, "next": nxt, "all": phases}


def _any(values: list) -> bool | None:
    known = [v for v in values if v is not None]
    return any(known) if known else None


def program_metrics(comparisons: dict, adh: dict, sessions, n_flags: int, weeks: float | None, review_weeks: float,
                    kb=None, signs: Mapping[str, int] | None = None) -> dict[str, Any]:
    kb = _kb(kb)
    primary = setting_measures(kb, "primary_measures")
    main = [c for n, c in comparisons.items() if n in primary]
    signs = signs or {}
    return {"new_red_flags": n_flags, "new_neuro_signs": signs.get("neuro", 0),
            "new_acute_flares": signs.get("flare", 0), "weeks_elapsed": weeks,
            "review_due": None if weeks is None else weeks >= review_weeks,
            "refer_due": None if weeks is None else weeks >= setting(kb, "refer_weeks", 12),
            "adherence": adh["overall"],
            "any_mcid_met": _any([c["mcid_met"] for c in comparisons.values()]),
            "any_worsened": any(bool(c["worsened"]) for c in comparisons.values()),
            "primary_mcid_met": _any([c["mcid_met"] for c in main]),
            "primary_worsened": any(bool(c["worsened"]) for c in main), **session_metrics(sessions, kb=kb)}


def missing_baseline(base: Mapping[str, dict], last: Mapping[str, dict], kb) -> list[str]:
    """Primary measures taken at the latest time point but not at baseline: they cannot show change yet."""
    primary = setting_measures(kb, "primary_measures")
    return sorted(n for n in last if n in primary and n not in base)


def review(plan: Mapping[str, Any], baseline: Any, latest: Any, sessions: Iterable[Any],
           new_red_flags: Iterable[str] = (), lang: str = "ja", kb=None, phase: str | None = None,
           new_signs: Iterable[str] = ()) -> dict[str, Any]:
    """Decide progress / hold / regress / refer for the program and each exercise (see module doc)."""
    kb = _kb(kb)
    lang = "en" if lang == "en" else "ja"
    rules = list(kb.kind("progression").values())
    (b_day, b_qs, b_at), (l_day, l_qs, l_at) = _timepoint(baseline, "baseline"), _timepoint(latest, "latest")
    b_scores, l_scores = _scored(b_qs, b_at, kb), _scored(l_qs, l_at, kb)
    comparisons = compare_all(b_scores, l_scores, kb)
    logs = parse_sessions(sessions or [])
    start, end = b_day or (logs[0].date if logs else None), l_day or (logs[-1].date if logs else None)
    adh = adherence(plan, logs, start, end)
    weeks = round(((end - start).days + 1) / 7, 1) if start and end else None
    review_weeks = _review_weeks(plan, kb)
    flags, flag_hits = _red_flags(new_red_flags, kb)
    signs, sign_counts = _signs(new_signs, kb)
    inside = [s for s in logs if start is None or start <= s.date <= (end or s.date)]
    metrics = program_metrics(comparisons, adh, inside, len(flags), weeks, review_weeks, kb, sign_counts)
    rule, reasons = decide(rules, metrics, "program", lang)
    exercises = []
    for ex in plan_exercises(plan):
        own = {**metrics, **session_metrics(inside, ex["id"], kb),
               "adherence": adh["per_exercise"][ex["id"]]["ratio"]}
        exercises.append(_exercise_decision(kb, ex, rules, rule, own, lang))
    refs = sorted({r for x in [reasons, *[e["reasons"] for e in exercises]] for reason in x for r in reason["refs"]})
    return {"decision": rule.decision, "rule": rule.id, "name": rule.name.get(lang), "name_i18n": rule.name.model_dump(),
            "status": "unverified" if any(r["status"] == "unverified" for r in reasons) else "verified",
            "reasons": reasons, "metrics": metrics, "measures": comparisons, "adherence": adh,
            "weeks_elapsed": weeks, "review_weeks": review_weeks,
            "next_review_weeks": rule.next_review_weeks or (None if rule.decision == "refer" else review_weeks),
            "missing_baseline": missing_baseline(b_scores, l_scores, kb),
            "stratification": {n: l_scores[n] for n in setting_measures(kb, "stratify_only") if n in l_scores},
            "new_red_flags": flags, "red_flags": flag_hits, "new_signs": signs,
            "phase": _phases(plan, rule.decision, phase or (plan or {}).get("current_phase")),
            "exercises": exercises, "references": refs, "lang": lang}
