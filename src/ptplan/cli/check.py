"""``ptplan check``: the patient self-check in the terminal.

Order: red-flag questions first (the KB's self-check ones), then where it hurts, which came first,
how the symptoms behave and what helps → triage and a self-care plan. Reads plain lines, so it
works on piped stdin too (an empty line or end of input counts as "don't know").
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

import typer

from ptplan.core.kb.loader import default_kb
from ptplan.core.services import self_check

YES = {"y", "yes", "はい", "1"}
NO = {"n", "no", "いいえ", "2"}
T = {
    "intro": ("セルフチェックを始めます。当てはまるものを答えてください（はい=y / いいえ=n / わからない=Enter）。",
              "Self-check. Answer y (yes), n (no) or press Enter for don't know."),
    "sites": ("痛む場所は？ 1=腰 2=膝 3=腰と膝", "Where does it hurt? 1=low back 2=knee 3=both"),
    "order": ("どちらが先に痛くなりましたか？ 1=膝が先 2=腰が先 3=ほぼ同時 4=わからない",
              "Which began first? 1=knee 2=back 3=about the same time 4=don't know"),
    "helps": ("楽になるものは？（番号をカンマ区切り）1=温める 2=冷やす 3=動く 4=休む 5=歩く",
              "What helps? (numbers, comma separated) 1=heat 2=cold 3=moving 4=rest 5=walking"),
    "age": ("年齢は？（空欄でも可）", "Your age? (optional)"),
}
SYMPTOMS = [
    ("worse_sitting", None, ("長く座ると痛みが強くなりますか？", "Is it worse after sitting for a long time?")),
    ("worse_standing_up", None, ("立ち上がるときに痛みますか？", "Does it hurt when you stand up?")),
    ("worse_walking", None, ("歩くと痛みますか？", "Does walking hurt?")),
    ("worse_stairs", "knee", ("階段で膝が痛みますか？", "Do stairs hurt your knee?")),
    ("morning_stiffness_knee", "knee", ("朝、膝がこわばりますか？", "Is your knee stiff in the morning?")),
    ("eases_with_movement", None, ("動いているうちに楽になりますか？", "Does it ease once you get moving?")),
    ("back_heaviness_to_thigh", "low_back", ("腰から太ももにかけて重だるさやしびれがありますか？",
                                             "Heaviness or numbness from the back into the thigh?")),
    ("knee_swelling", "knee", ("膝が腫れていますか？", "Is your knee swollen?")),
    ("knee_warmth", "knee", ("膝が熱を持っていますか？", "Does your knee feel warm?")),
]
HELPS = {"1": "heat", "2": "cold", "3": "movement", "4": "rest", "5": "walking"}


class Lang(StrEnum):
    ja = "ja"
    en = "en"


def _t(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "ja" else pair[1]


def _yes_no(raw: str) -> str:
    raw = raw.strip().lower()
    return "yes" if raw in YES else "no" if raw in NO else "unknown"


def ask_red_flags(ask: Callable[[str], str], lang: str) -> dict[str, str]:
    questions = [q for q in default_kb().red_flag_questions.values() if q.self_check]
    return {q.id: _yes_no(ask(q.text.get(lang))) for q in questions}


def ask_rest(ask: Callable[[str], str], lang: str) -> dict:
    sites = {"1": ["low_back"], "2": ["knee"], "3": ["low_back", "knee"]}.get(ask(_t(T["sites"], lang)).strip(), ["low_back"])
    answers: dict = {"pain": sites}
    if len(sites) == 2:
        order = ask(_t(T["order"], lang)).strip()
        answers["onset_order"] = {"1": "knee_first", "2": "back_first", "3": "together"}.get(order, "unknown")
    symptoms = {}
    for field, site, text in SYMPTOMS:
        if site is None or site in sites:
            value = _yes_no(ask(_t(text, lang)))
            if value != "unknown":
                symptoms[field] = value == "yes"
    answers["symptoms"] = symptoms
    picked = [HELPS[x.strip()] for x in ask(_t(T["helps"], lang)).split(",") if x.strip() in HELPS]
    answers["helps"] = list(dict.fromkeys(picked))
    age = ask(_t(T["age"], lang)).strip()
    if age.isdigit():
        answers["age"] = int(age)
    return answers


def _reader() -> Callable[[str], str]:
    def ask(prompt: str) -> str:
        typer.echo(prompt + " ", nl=False)
        try:
            line = input()
        except EOFError:
            line = ""
        typer.echo("")
        return line

    return ask


def check(lang: Lang = typer.Option(Lang.ja, "--lang", help="language of questions and result")):
    """Answer a few questions; get a triage result and a self-care plan."""
    from ptplan.render.text import render_text

    ask = _reader()
    typer.echo(_t(T["intro"], lang.value))
    answers = {"red_flags": ask_red_flags(ask, lang.value)}
    first = self_check(answers, lang.value)
    if not first["triage"]["exercise_allowed"]:
        typer.echo(render_text(first), nl=False)  # a red flag: say where to go now, ask nothing more
        return
    answers.update(ask_rest(ask, lang.value))
    typer.echo(render_text(self_check(answers, lang.value)), nl=False)
