"""``ptplan check``: the patient self-check in the terminal.

Order: red-flag questions first (the KB's self-check ones), then where it hurts, which came first,
how the symptoms behave and what helps → triage and a self-care plan. Reads plain lines, so it
works on piped stdin too. Yes/no questions take はい / いいえ / わからない, y / n / ? (also in
full-width characters) and ask again on anything else, so a typo is never read as an answer; only
the end of input counts as "don't know". While an essential safety question is "don't know" the
result is "safety check not complete" and no exercise is given.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from enum import StrEnum

import typer

from ptplan.core.kb.loader import default_kb
from ptplan.core.services import self_check

YES = {"y", "yes", "はい", "1"}
NO = {"n", "no", "いいえ", "2"}
DONT_KNOW = {"?", "わからない", "分からない", "不明", "3"}
T = {
    "intro": ("セルフチェックを始めます。当てはまるものに答えてください（はい=y / いいえ=n / わからない=?）。",
              "Self-check. Answer y (yes), n (no) or ? (don't know)."),
    "again": ("「はい」「いいえ」「わからない」（y / n / ?）のどれかで答えてください。",
              "Please answer yes, no or don't know (y / n / ?)."),
    "again_number": ("表示された番号で答えてください。", "Please answer with one of the numbers shown."),
    "sites": ("痛む場所は？ 1=腰 2=膝 3=腰と膝", "Where does it hurt? 1=low back 2=knee 3=both"),
    "order": ("どちらが先に痛くなりましたか？ 1=膝が先 2=腰が先 3=ほぼ同時 4=わからない",
              "Which began first? 1=knee 2=back 3=about the same time 4=don't know"),
    "helps": ("楽になるものは？（番号をカンマ区切り、なければ空欄）1=温める 2=冷やす 3=動く 4=休む 5=歩く",
              "What helps? (numbers, comma separated; blank for none) 1=heat 2=cold 3=moving 4=rest 5=walking"),
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
Ask = Callable[[str], "str | None"]  # None = end of input


class Lang(StrEnum):
    ja = "ja"
    en = "en"


def _t(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "ja" else pair[1]


def normalize(raw: str) -> str:
    """Full-width forms (ｙ, Ｎ, ？) become their ASCII forms; case, spaces and a final 。 are ignored."""
    return unicodedata.normalize("NFKC", raw).strip().rstrip("。.").strip().lower()


def parse_answer(raw: str) -> str | None:
    """``yes`` / ``no`` / ``unknown``, or ``None`` when the answer is not one of the accepted words."""
    word = normalize(raw)
    return "yes" if word in YES else "no" if word in NO else "unknown" if word in DONT_KNOW else None


def ask_until(ask: Ask, prompt: str, parse: Callable[[str], object], again: str, end=None):
    """Ask until ``parse`` accepts the line; the end of input gives ``end``."""
    while True:
        raw = ask(prompt)
        if raw is None:
            return end
        value = parse(raw)
        if value is not None:
            return value
        typer.echo(again)


def ask_yes_no(ask: Ask, prompt: str, lang: str) -> str:
    return ask_until(ask, prompt, parse_answer, _t(T["again"], lang), end="unknown")


def ask_red_flags(ask: Ask, lang: str) -> dict[str, str]:
    questions = [q for q in default_kb().red_flag_questions.values() if q.self_check]
    return {q.id: ask_yes_no(ask, q.text.get(lang), lang) for q in questions}


def _choice(options: dict[str, object]) -> Callable[[str], object]:
    return lambda raw: options.get(normalize(raw))


def ask_rest(ask: Ask, lang: str) -> dict:
    again = _t(T["again_number"], lang)
    sites = ask_until(ask, _t(T["sites"], lang), _choice({"1": ["low_back"], "2": ["knee"], "3": ["low_back", "knee"]}),
                      again, end=["low_back"])
    answers: dict = {"pain": sites}
    if len(sites) == 2:
        answers["onset_order"] = ask_until(ask, _t(T["order"], lang), _choice(
            {"1": "knee_first", "2": "back_first", "3": "together", "4": "unknown"}), again, end="unknown")
    symptoms = {}
    for field, site, text in SYMPTOMS:
        if site is None or site in sites:
            value = ask_yes_no(ask, _t(text, lang), lang)
            if value != "unknown":
                symptoms[field] = value == "yes"
    answers["symptoms"] = symptoms
    picked = [HELPS[x.strip()] for x in normalize(ask(_t(T["helps"], lang)) or "").split(",") if x.strip() in HELPS]
    answers["helps"] = list(dict.fromkeys(picked))
    age = normalize(ask(_t(T["age"], lang)) or "")
    if age.isdigit():
        answers["age"] = int(age)
    return answers


def _reader() -> Ask:
    def ask(prompt: str) -> str | None:
        typer.echo(prompt + " ", nl=False)
        try:
            line = input()
        except EOFError:
            typer.echo("")
            return None
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
        # a red flag (say where to go now) or an unanswered essential question (say which): ask nothing more
        typer.echo(render_text(first), nl=False)
        return
    answers.update(ask_rest(ask, lang.value))
    typer.echo(render_text(self_check(answers, lang.value)), nl=False)
