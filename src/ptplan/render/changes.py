"""The patient's changes since the baseline (:mod:`ptplan.core.feedback`) in plain words, for the partial
``templates/_changes.html`` that the handout and the web patient page both include."""

from __future__ import annotations

WORDS = {
    "title": ("前回からの変化（初回の評価と比べて）", "What has changed since your first assessment"),
    "hint": ("再評価の結果です。続けてきた運動の成果を確かめましょう。",
             "From your review: see what your exercises have done so far."),
    "better": ("よくなっています", "better"),
    "worse": ("悪くなっています。担当の理学療法士と相談しましょう", "worse: talk it over with your physiotherapist"),
    "same": ("変わりません", "no change"),
    "changed": ("変化しました", "changed"),
    "works_on": ("取り組む運動", "Exercises that work on this"),
    "works_on_paper": ("取り組む運動の番号", "Exercise numbers"),
    "whole_program": ("プログラム全体で取り組みます", "Your whole programme works on this"),
}
UNITS = {"s": ("秒", " s"), "count": ("回", ""), "percent": ("%", "%"), "deg": ("°", "°"), "cm": ("cm", " cm")}


def _w(key: str, lang: str) -> str:
    ja, en = WORDS[key]
    return ja if lang == "ja" else en


def _num(v: float, unit: str | None, lang: str) -> str:
    ja, en = UNITS.get(unit or "", ("", ""))
    return f"{v:g}{ja if lang == 'ja' else en}"


def view(changes: list[dict], lang: str, names: dict[str, str] | None = None, paper: bool = False) -> dict | None:
    """``{"title", "hint", "items": [{"text", "verdict", "verdict_text", "exercises", "whole_program"}]}`` or
    ``None`` when there is nothing to show. ``names`` gives the exercise names the reader sees (by id); on
    ``paper`` (the handout) those are the exercises' numbers."""
    if not changes:
        return None
    lang = "en" if lang == "en" else "ja"
    items = []
    for c in changes:
        label = c["label"][lang] + (f"（{c['short']}）" if lang == "ja" and c["short"] else
                                    f" ({c['short']})" if c["short"] else "")
        exercises = [(names or {}).get(e["id"]) or e["name"] for e in c["exercises"]]
        items.append({"id": c["id"], "kind": c["kind"], "verdict": c["verdict"], "verdict_text": _w(c["verdict"], lang),
                      "text": f"{label} {_num(c['baseline'], c['unit'], lang)} → {_num(c['latest'], c['unit'], lang)}",
                      "exercises": exercises, "whole_program": c["kind"] == "measure"})
    return {"title": _w("title", lang), "hint": "" if paper else _w("hint", lang),
            "works_on": _w("works_on_paper" if paper else "works_on", lang),
            "whole_program": _w("whole_program", lang), "items": items}
