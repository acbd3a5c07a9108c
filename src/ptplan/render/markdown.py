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
    lines = [f"### {ex['number']}. {ex['name']}", "", f"**{L['dose']}**: {ex['dose_line']}", ""]
    lines += [f"{i}. {s}" for i, s in enumerate(ex["steps"], 1)] + [""]
    lines += [f"- **{L['feel']}**: {ex.get('feel', '')}", f"- **{L['stop']}**: {ex.get('stop_if', '')}",
              f"- **{L['why']}**: {ex.get('why', '')}", ""]
    return lines


def _diary(c: dict) -> list[str]:
    L = c["L"]
    head = "| | " + " | ".join(c["days"]) + " |"
    rows = [head, "|---" * (len(c["days"]) + 1) + "|"]
    rows += [f"| {ex['number']}. {ex['name']} |" + "".join("   |" if on else " – |" for on in ex["days"])
             for ex in c["exercises"]]
    rows.append(f"| {L['pain_row']} |" + " |" * len(c["days"]))
    hint = L["tick_hint"] + (" " + L["rest_hint"].replace("斜線", "「–」").replace("Shaded", "“–”") if c["rest_days"] else "")
    return [f"## {L['tick_sheet']}", "", hint, ""] + rows + [""]


def _self_care(c: dict) -> list[str]:
    L = c["L"]
    lines = [f"## {L['self_care']}", ""]
    for a in c["advice"]:
        lines.append(f"- **{a.get('title', '')}** — {a.get('text', '')}")
    if c["medical_options"]:
        lines += ["", f"## {L['medical_options']}", "", L["medical_hint"], ""]
        lines += [f"- **{a.get('title', '')}** — {a.get('text', '')}" + (f" ({a['evidence']})" if a.get("evidence") else "")
                  for a in c["medical_options"]]
    lines += ["", f"## {L['see_doctor']}", ""] + [f"- {s}" for s in c["see_doctor"]]
    lines += [f"- **{a.get('title', '')}** — {a.get('text', '')}" for a in c["doctor_advice"]] + [""]
    return lines


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
        lines = _header(c) + notice + [f"## {L['about']}", ""]
        lines += [f"- **{comp.get('name', '')}** — {comp.get('why', '')}" for comp in c["components"]] + [""]
        lines += [f"## {L['exercises']}", ""]
        for ex in c["exercises"]:
            lines += _exercise(ex, L)
        lines += _diary(c) + _self_care(c)
    lines += ["---", "", f"_{c['disclaimer']}_", ""]
    return "\n".join(lines)
