"""The parts of a stored case that a follow-up carries without a form field, in the words of a chart.

「手術歴：人工膝関節置換術後（右、2019-04）」, 「疼痛部位：首 NRS 3」, 「片脚立位時間（開眼）：メモ 痛みで中止」:
what the section 「前回の記録から引き継ぐ項目」 lists, never a case path or JSON. Names come from the knowledge
base (tests, measures, conditions) and the page's messages; a value with no name of its own is shown as written.
"""

from __future__ import annotations

from ptplan.web import i18n

OPTION_GROUP = {"numbness_sites": "site"}  # a field whose values are named under another field's options


def lines(kept: dict, kb, lang: str) -> list[tuple[str, str]]:
    """(part, text) per carried item, in the order of the case."""
    out: list[tuple[str, str]] = []
    for key, value in kept.items():
        part = _label(lang, f"assess.carried_part.{key}", key)
        for text in _texts(key, value, kb, lang):
            out.append((part, text))
    return out


def _sep(lang: str) -> str:
    return "、" if lang == "ja" else ", "


def _colon(lang: str) -> str:
    return "：" if lang == "ja" else ": "


def _paren(text: str, lang: str) -> str:
    return f"（{text}）" if lang == "ja" else f" ({text})"


def _texts(key: str, value, kb, lang: str) -> list[str]:
    if key == "surgeries":
        return [_surgery(s, kb, lang) for s in value if isinstance(s, dict)]
    if key == "pain":
        return [_pain(p, lang) for p in value if isinstance(p, dict)]
    if key == "questionnaires":
        measures = kb.kind("measures")
        return [_answered(measures[m].name.get(lang) if m in measures else m, items, lang)
                for m, items in value.items()]
    if key in ("tests", "movement"):
        return [f"{_item_name(tid, kb, lang)}{_colon(lang)}{_pairs(result, lang)}" for tid, result in value.items()
                if isinstance(result, dict)]
    if isinstance(value, dict):
        return [_pairs(value, lang)]
    if isinstance(value, list):
        return [_sep(lang).join(_plain(v, lang) for v in value)]
    return [_plain(value, lang)]


def _surgery(s: dict, kb, lang: str) -> str:
    kind = s.get("type")
    condition = kb.conditions.get(kind)
    name = condition.name.get(lang) if condition is not None else _label(lang, f"opt.surgery.{kind}", str(kind))
    details = [_label(lang, f"opt.side.{s['side']}", s["side"]) if s.get("side") else None, s.get("date")]
    details = [d for d in details if d]
    return name + _paren(_sep(lang).join(details), lang) if details else name


def _pain(p: dict, lang: str) -> str:
    site = _label(lang, f"opt.site.{p.get('site')}", str(p.get("site")))
    side = _paren(_label(lang, f"opt.side.{p['side']}", p["side"]), lang) if p.get("side") else ""
    nrs = p.get("nrs")
    level = f"NRS {nrs:g}" if isinstance(nrs, int | float) else i18n.gettext(lang, "assess.carried_no_nrs")
    worst = p.get("nrs_worst")
    worst = _paren(f"{i18n.gettext(lang, 'assess.carried_worst')} {worst:g}", lang) if isinstance(worst, int | float) else ""
    return f"{site}{side} {level}{worst}"


def _answered(name: str, items, lang: str) -> str:
    items = items if isinstance(items, list) else []
    done = sum(v is not None for v in items)
    return name + _colon(lang) + i18n.gettext(lang, "assess.carried_answered", done=done, total=len(items))


def _item_name(item_id: str, kb, lang: str) -> str:
    """A test's name, or a movement task's by its observation test; an id the KB does not know as written."""
    test = kb.tests.get(item_id) or kb.tests.get(f"{item_id}_observation")
    return test.name.get(lang) if test is not None else item_id


def _pairs(values: dict, lang: str) -> str:
    return _sep(lang).join(f"{_label(lang, f'assess.carried_key.{k}', k)} {_value(k, v, lang)}" for k, v in values.items())


def _value(key: str, value, lang: str) -> str:
    if key in ("measures", "evidence") and isinstance(value, dict):  # video measures: how many, not their ids
        return i18n.gettext(lang, "assess.carried_count", n=len(value))
    if isinstance(value, str):
        group = OPTION_GROUP.get(key, key)
        return _label(lang, f"opt.{group}.{value}", _label(lang, f"choice.{value}", value))
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "・".join(_value(key, v, lang) for v in value)
    return _plain(value, lang)


def _plain(value, lang: str) -> str:
    if isinstance(value, bool):
        return i18n.gettext(lang, "answer.yes" if value else "answer.no")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return _pairs(value, lang)
    if isinstance(value, list):
        return "・".join(_plain(v, lang) for v in value)
    return str(value)


def _label(lang: str, msgid: str, fallback: str) -> str:
    text = i18n.catalogue(lang).get(msgid)
    return text if text else fallback
