"""Terminal report of a plan (rich), Japanese by default. Reads only the plan dict (docs/CONTRACTS.md)."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from ptplan.render.context import program_status

LABELS = {
    "title": ("運動療法プラン", "Exercise therapy plan"),
    "self_title": ("セルフチェックの結果", "Your self-check result"),
    "triage": ("安全性の確認", "Safety check"),
    "level": ("判定", "Triage"),
    "stop": ("運動は行わず、次の対応をしてください", "Do not exercise; do this now"),
    "action": ("対応", "Action"),
    "reasons": ("理由", "Reasons"),
    "to_ask": ("まだ確認していない質問", "Still to ask"),
    "essential": ("必須", "essential"),
    "provisional": ("暫定", "provisional"),
    "precautions": ("プログラム上の注意", "Program precautions"),
    "excluded": ("除外した運動・助言", "Left out"),
    "yellow": ("心理社会的な要因（イエローフラッグ）", "Yellow flags"),
    "findings": ("所見", "Findings"),
    "hypotheses": ("臨床仮説", "Clinical hypotheses"),
    "knee_back": ("膝と腰の関係", "Knee-back pattern"),
    "program": ("運動プログラム", "Exercise program"),
    "phases": ("段階と進める基準", "Phases and when to progress"),
    "schedule": ("1週間の予定", "Weekly schedule"),
    "advice": ("セルフケアと生活のアドバイス", "Self-care and daily-life advice"),
    "follow_up": ("経過の確認", "Follow-up"),
    "doctor": ("こんなときは受診を", "See a doctor when"),
    "why": ("理由", "Why"),
    "missing": ("未実施の検査", "Tests not yet done"),
    "review": ("見直し", "Review"),
    "weeks": ("週後", "weeks"),
    "baseline_needed": ("初回に測っておく尺度（再評価で変化を判定するため）", "Measure now for a baseline"),
    "refs": ("文献", "Refs"),
}
#: fallback wording for plans stored before triage carried its own headline
LEVELS = {"emergency": ("緊急（今すぐ受診）", "EMERGENCY - go now", "bold white on red"),
          "urgent": ("至急（本日〜数日以内に受診）", "URGENT - see a doctor soon", "bold red"),
          "incomplete": ("安全確認が未完了", "Safety check not complete", "bold yellow"),
          "routine": ("通常の受診を勧める（運動は並行可）", "Routine referral (exercise may continue)", "yellow"),
          "none": ("現在の回答では危険な兆候は見つかっていません", "No warning signs in the answers given", "green")}
STATUS = {"supported": ("支持", "supported"), "insufficient_data": ("データ不足", "insufficient data")}
CONFIDENCE = {"high": ("高", "high"), "moderate": ("中", "moderate"), "low": ("低", "low")}
PATTERNS = {"knee_to_back": ("膝→腰", "knee → back"), "back_to_knee": ("腰→膝", "back → knee"),
            "concurrent": ("同時発症", "concurrent"), "none": ("該当なし", "not applicable"),
            "insufficient_data": ("判断に必要な情報が不足", "insufficient data")}
DAYS = {"mon": "月", "tue": "火", "wed": "水", "thu": "木", "fri": "金", "sat": "土", "sun": "日"}


def _l(key: str, lang: str) -> str:
    ja, en = LABELS[key]
    return ja if lang == "ja" else en


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "ja" else pair[1]


def dose_text(dose: dict[str, Any], lang: str) -> str:
    ja, en = [], []
    if dose.get("reps"):
        sets = dose.get("sets") or 1
        ja.append(f"{dose['reps']}回×{sets}セット" + ("（左右それぞれ）" if dose.get("per_side") else ""))
        en.append(f"{sets} × {dose['reps']} reps" + (" each side" if dose.get("per_side") else ""))
    if dose.get("hold_s"):
        ja.append(f"{dose['hold_s']}秒保持")
        en.append(f"hold {dose['hold_s']} s")
    if dose.get("duration_min"):
        ja.append(f"{dose['duration_min']}分")
        en.append(f"{dose['duration_min']} min")
    ja.append(f"週{dose['sessions_per_week']}回")
    en.append(f"{dose['sessions_per_week']}×/week")
    return "、".join(ja) if lang == "ja" else ", ".join(en)


def render_text(plan: dict[str, Any], width: int = 100, case: dict | None = None, kb=None) -> str:
    lang = plan.get("lang", "ja")
    out = io.StringIO()
    con = Console(file=out, width=width, force_terminal=False, color_system=None, highlight=False, soft_wrap=True)
    title = _l("self_title" if plan.get("mode") == "self_check" else "title", lang)
    con.print(Panel(f"{title}  (KB {plan['kb_version']})", expand=False))
    _triage(con, plan, lang)
    if program_status(plan) != "withheld":  # issued, or provisional (clearly marked) for the therapist
        if plan.get("mode") != "self_check":
            _findings(con, plan, lang, case, kb)
            _hypotheses(con, plan, lang)
        _program(con, plan, lang)
        _advice(con, plan, lang)
    elif plan["program"].get("note"):
        con.print(f"\n  {plan['program']['note']}")
    _follow_up(con, plan, lang)
    con.print(f"\n{plan['disclaimer']}")
    return out.getvalue()


def _triage(con: Console, plan: dict, lang: str) -> None:
    """The headline, one action (the most urgent), the flags as reasons, then the questions still to ask:
    essential first; the therapist sees the clinical term with the patient's wording."""
    t = plan["triage"]
    ja, en, style = LEVELS[t["level"]]
    head = t.get("headline") or (ja if lang == "ja" else en)
    con.print(f"\n[bold]{_l('triage', lang)}[/bold]  {_l('level', lang)}: [{style}]{head}[/{style}]")
    action = t.get("action") or (t["flags"][0]["action"] if t["flags"] else None)
    if action:
        con.print(f"  {_l('action', lang)}: {action}")
    if t["flags"]:
        con.print(f"  {_l('reasons', lang)}:")
        for f in t["flags"]:
            evidence = "、".join(f.get("evidence") or []) if lang == "ja" else ", ".join(f.get("evidence") or [])
            con.print(f"   ! {f['suspected']}" + (f"（{evidence}）" if evidence and lang == "ja" else
                                                  f" ({evidence})" if evidence else ""))
    if t.get("clinician_note") and plan.get("mode") != "self_check":
        con.print(f"  {t['clinician_note']}")
    if t["to_ask"]:
        con.print(f"  {_l('to_ask', lang)}:")
        for q in t["to_ask"]:
            mark = f"[{_l('essential', lang)}] " if q.get("essential") else ""
            shown = q["question"] if plan.get("mode") == "self_check" or not q.get("clinician") else (
                f"{q['clinician']} — 「{q['question']}」" if lang == "ja" else f"{q['clinician']} — \"{q['question']}\"")
            con.print(f"   - {mark}{shown}")
    for y in t["yellow_flags"]:
        con.print(f"  {_l('yellow', lang)}: {y['name']} — {y['effect']}")


def _findings(con: Console, plan: dict, lang: str, case: dict | None = None, kb=None) -> None:
    """Each finding with what was measured, as a chart says it (「SLR 右68°／左70°」), and its threshold."""
    if not plan["findings"]:
        return
    from ptplan.render.clinical import finding_text
    from ptplan.render.context import _kb

    kb = _kb(kb)
    table = Table(title=_l("findings", lang), show_lines=False, title_justify="left")
    for col in ("所見", "評価結果", "基準") if lang == "ja" else ("Finding", "Result", "Threshold"):
        table.add_column(col, overflow="fold")
    for f in plan["findings"]:
        table.add_row(f["name"], finding_text(kb, f, case, lang), f["threshold"])
    con.print(table)


def _hypotheses(con: Console, plan: dict, lang: str) -> None:
    con.print(f"\n[bold]{_l('hypotheses', lang)}[/bold]")
    for h in plan["hypotheses"]:
        status = _pick(STATUS[h["status"]], lang)
        conf = _pick(CONFIDENCE[h["confidence"]], lang) if h["status"] == "supported" else "-"
        con.print(f"  • {h['name']} [{status} / {conf}]")
        con.print(f"    {h['explanation']}")
    kb = plan.get("knee_back") or {}
    if kb.get("pattern") not in (None, "none"):
        con.print(f"  {_l('knee_back', lang)}: {_pick(PATTERNS[kb['pattern']], lang)}")


def _program(con: Console, plan: dict, lang: str) -> None:
    program = plan["program"]
    marked = f" [bold yellow]（{_l('provisional', lang)}）[/bold yellow]" if program_status(plan) == "provisional" else ""
    con.print(f"\n[bold]{_l('program', lang)}[/bold]{marked}")
    if program.get("note"):
        con.print(f"  {program['note']}")
    for pr in program.get("precautions", []):
        con.print(f"  {_l('precautions', lang)}: {pr['text']}")
    for c in program["components"]:
        con.print(f"\n {c['priority']}. [bold]{c['name']}[/bold]\n    {_l('why', lang)}: {c['why']}")
        for e in c["exercises"]:
            con.print(f"    - {e['name']}  ({dose_text(e['dose'], lang)})")
            con.print(f"      {e['why']}")
    if program["phases"]:
        con.print(f"\n[bold]{_l('phases', lang)}[/bold]")
        for p in program["phases"]:
            weeks = f"（{p['weeks_from']}〜{p['weeks_to']}週）" if lang == "ja" else f" (weeks {p['weeks']})"
            con.print(f"  {p['name']}{weeks}: {p['progress_when']}")
    days = program["schedule"]["days"]
    names = {e["id"]: e["name"] for c in program["components"] for e in c["exercises"]}
    if days:
        con.print(f"\n[bold]{_l('schedule', lang)}[/bold]")
        for d in days:
            day = DAYS[d["day"]] if lang == "ja" else d["day"].capitalize()
            con.print(f"  {day}: " + (" / " if lang == "ja" else ", ").join(names[i] for i in d["exercises"]))
    if program.get("exclusions") and plan.get("mode") != "self_check":
        con.print(f"\n[bold]{_l('excluded', lang)}[/bold]")
        for g in program["exclusions"]:
            con.print(f"  - {g['reason']}: " + ("、" if lang == "ja" else ", ").join(
                g.get("names") or g["exercises"] + g["advice"]))


def _advice(con: Console, plan: dict, lang: str) -> None:
    if not plan["advice"]:
        return
    con.print(f"\n[bold]{_l('advice', lang)}[/bold]")
    marks = {"more_information": ("（補足）", "(more info)"), "ask_doctor": ("（医師に相談）", "(ask the doctor)")}
    for a in plan["advice"]:
        mark = marks.get(a.get("place") or "", ("", ""))[0 if lang == "ja" else 1]
        evidence = f" [{a['evidence']}]" if a.get("evidence") else ""
        con.print(f"  • {a['title']}{mark}: {a['text']}{evidence}")


def _follow_up(con: Console, plan: dict, lang: str) -> None:
    f = plan["follow_up"]
    if f.get("review_weeks"):
        review = f"{f['review_weeks']}{_l('weeks', lang)}" if lang == "ja" else f"in {f['review_weeks']} weeks"
        con.print(f"\n[bold]{_l('follow_up', lang)}[/bold]  {_l('review', lang)}: {review}")
    if f.get("baseline_needed"):
        con.print(f"  {_l('baseline_needed', lang)}: {', '.join(f['baseline_needed'])}")
    con.print(f"\n[bold]{_l('doctor', lang)}[/bold]")
    for text in f["see_doctor_when"]:
        con.print(f"  • {text}")
