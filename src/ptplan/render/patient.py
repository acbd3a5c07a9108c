"""What the handout says to the patient in their own words (data: ``patient_words.yaml``).

The plan's reasons are the therapist's (findings and hypotheses). The handout instead says what each exercise
works on, from its family and first target, so it never names a deficit or an instability, and it leads
katakana-only exercise names with a plain description.
"""

from __future__ import annotations

import functools
from importlib import resources

import yaml


@functools.lru_cache(maxsize=1)
def words() -> dict:
    text = resources.files("ptplan.render").joinpath("patient_words.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _pick(pair: dict | str, lang: str) -> str:
    return pair if isinstance(pair, str) else pair.get(lang) or pair.get("en", "")


def reason(exercise_id: str, kb, lang: str) -> str | None:
    """「膝を支える太ももの前の筋肉を強くする運動です。」 or None when the exercise is not in the knowledge base."""
    ex = kb.exercises.get(exercise_id) if kb is not None else None
    if ex is None:
        return None
    w = words()
    family = w["families"].get(ex.family)
    if family is None:
        return None
    targets = [t for t in ex.targets if t in w["targets"]]
    pattern = _pick(family, lang)
    if "{target}" in pattern:
        if not targets:
            return None
        pattern = pattern.format(target=_pick(w["targets"][targets[0]], lang))
    return pattern


def name(exercise_id: str, given: str, lang: str) -> str:
    """The name to print: 「あお向けで片膝を外に倒す運動（ベントニーフォールアウト）」 for a katakana-only name."""
    plain = words()["names"].get(exercise_id)
    if lang != "ja" or not plain or plain in given:
        return given
    return f"{plain}（{given}）"
