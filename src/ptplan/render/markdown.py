"""Markdown version of the handout, for sending by e-mail or a messaging app.

Plain CommonMark only (headings, lists, bold, a table for the diary) so it reads well even where
Markdown is not rendered. Every interpolated text is HTML-escaped first (CommonMark passes raw HTML
through, so a name like ``<img onerror=...>`` would run wherever the Markdown is rendered).
"""

from __future__ import annotations

import html

from ptplan.render import context


def _header(c: dict) -> list[str]:
    L = c["L"]
    lines = [f"# {L['title']}", ""]
    for key, value in (("patient", c["patient"]), ("date", c["date"]), ("therapist", c["therapist"]),
                       ("review", c["review_date"])):
        if value:
            lines.append(f"- **{L[key]}**: {value}")
    return lines + [""]


def _referral(c: dict) -> list[str]:
    """One action (the most urgent), then every finding behind it; for an incomplete screen, the questions."""
    L, r = c["L"], c["referral"]
    title = L["incomplete_title"] if c["incomplete"] else L["referral_title"]
    lines = [f"# ⚠ {title}", "", f"**{r['headline']}**", ""]
    if r["action"]:
        lines += [f"**{L['what_to_do']}**: {r['action']}", ""]
    if r["questions"]:
        lines += [f"## {L['questions']}", "", L["questions_hint"], ""]
        lines += [f"- [ ] {q.get('question', '')}" for q in r["questions"]] + [""]
    if r["flags"]:
        lines += [f"## {L['why_referral']}", ""]
        for f in r["flags"]:
            lines.append(f"- **{f.get('suspected', '')}**")
            lines += [f"  - {b}" for b in f.get("because") or []]
        lines.append("")
    if c["incomplete"]:  # no action to go now: say when to see a doctor, as every patient document does
        lines += [f"## {L['see_doctor']}", ""] + [f"- {s}" for s in c["see_doctor"]] + [""]
    return lines + ([] if c["incomplete"] and not r["flags"] else [L["bring"], ""])


def _exercise(ex: dict, L: dict) -> list[str]:
    lines = [f"### {ex['number']}. {ex['patient_name']}", "", f"**{L['dose']}**: {ex['dose_line']}", ""]
    lines += [f"{i}. {s}" for i, s in enumerate(ex["steps"], 1)] + [""]
    lines += [f"- **{L['feel']}**: {ex.get('feel', '')}", f"- **{L['stop']}**: {ex.get('stop_if', '')}",
              f"- **{L['why']}**: {ex.get('plain_why', '')}", ""]
    return lines


def _diary(c: dict) -> list[str]:
    L = c["L"]
    head = "| | " + " | ".join(c["days"]) + " |"
    rows = [head, "|---" * (len(c["days"]) + 1) + "|"]
    rows += [f"| {ex['number']}. {ex['patient_name']} |" + "".join("   |" if on else " – |" for on in ex["days"])
             for ex in c["exercises"]]
    rows.append(f"| {L['pain_row']} |" + " |" * len(c["days"]))
    hint = L["tick_hint"] + (" " + L["rest_hint"].replace("斜線", "「–」").replace("Shaded", "“–”") if c["rest_days"] else "")
    return [f"## {L['tick_sheet']}", "", hint, ""] + rows + [""]


def _self_care(c: dict) -> list[str]:
    L = c["L"]
    lines = [f"## {L['self_care']}", ""]
    for a in c["advice"]:
        lines.append(f"- **{a.get('title', '')}** — {a.get('text', '')}")
    if c["more_information"]:
        lines += ["", L["more_information"].replace("{n}", str(len(c["more_information"])))]
    if c["ask_doctor"]:
        sep = "、" if c["lang"] == "ja" else ", "
        titles = sep.join(a.get("title", "") for a in c["ask_doctor"])
        lines += ["", f"## {L['ask_doctor']}", "", L["ask_doctor_hint"], "", titles]
    return lines + [""]


def _see_doctor(c: dict) -> list[str]:
    L = c["L"]
    lines = [f"## {L['see_doctor']}", ""] + [f"- {s}" for s in c["see_doctor"]]
    return lines + [f"- **{a.get('title', '')}** — {a.get('text', '')}" for a in c["doctor_advice"]] + [""]


def _escaped(value):
    """``value`` with every string in it HTML-escaped (``<``, ``>``, ``&``; quotes are harmless in text)."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if type(value) in (list, tuple):
        return type(value)(_escaped(v) for v in value)
    return value


def render_markdown(plan: dict, lang: str = "ja", **opts) -> str:
    c = _escaped(context.build(plan, lang, **opts))
    L = c["L"]
    if c["referral_only"]:
        lines = _referral(c) + _header(c)[2:]
    else:
        r = c["referral"]
        notice = [f"> **{r['headline']}** — {r['action']}", ""] if r["flags"] else []
        lines = _header(c) + notice
        if c["goals"]:
            lines += [f"## {L['goals']}", ""] + [f"- {g}" for g in c["goals"]] + [""]
        lines += _see_doctor(c) + [f"## {L['exercises']}", ""]
        for ex in c["exercises"]:
            lines += _exercise(ex, L)
        lines += _self_care(c) + ["---", "", f"_{c['disclaimer']}_", ""] + _diary(c)
        return "\n".join(lines)
    lines += ["---", "", f"_{c['disclaimer']}_", ""]
    return "\n".join(lines)
