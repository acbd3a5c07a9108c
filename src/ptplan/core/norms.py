"""Age- and sex-specific reference ranges from ``AssessmentTest.norms``.

A condition ``{fact: test.chair_stand_30s.value, below_norm: true}`` asks this lookup for the
range that applies to the person; a sex-specific row wins over an ``any`` row of the same age band.
Rows of ``kind: reference`` (published reference values such as the JOA / 日本リハビリテーション医学会
参考可動域角度) are never used as a range: they are printed beside the measured value.
"""

from __future__ import annotations

from ptplan.core.conditions import NormLookup
from ptplan.core.kb.schema import Norm


def pick_norm(norms: list[Norm], age: int | None, sex: str | None) -> Norm | None:
    """The population row that applies to this age and sex, or ``None`` when no row does (or age is unknown)."""
    if age is None:
        return None
    rows = [n for n in norms if n.kind == "population" and n.age_min <= age <= n.age_max and n.sex in ("any", sex)]
    rows.sort(key=lambda n: (n.sex == "any", n.age_min))
    return rows[0] if rows else None


def reference_row(kb, test_id: str) -> Norm | None:
    """The test's published reference value (``kind: reference``), if it has one."""
    test = kb.tests.get(test_id)
    return next((n for n in test.norms if n.kind == "reference"), None) if test else None


def lookup_for(kb, age: int | None, sex: str | None) -> NormLookup:
    """A norm lookup bound to one person: ``(fact path, value) -> (low, high)``."""

    def lookup(path: str, value: float) -> tuple[float | None, float | None]:
        parts = path.split(".")
        if len(parts) < 3 or parts[0] != "test" or parts[1] not in kb.tests:
            return None, None
        row = pick_norm(kb.tests[parts[1]].norms, age, sex)
        return (row.low, row.high) if row else (None, None)

    return lookup


def _ages(row: Norm) -> tuple[str, str]:
    if row.age_max >= 110:
        return f"{row.age_min}歳以上", f"{row.age_min} and over"
    return f"{row.age_min}〜{row.age_max}歳", f"{row.age_min}-{row.age_max}"


#: unit words after a number (ja, en) for each KB record unit, written the way a chart writes them
UNITS = {"deg": ("°", "°"), "s": ("秒", " s"), "count": ("回", ""), "mmHg": (" mmHg", " mmHg"), "points": ("点", ""),
         "cm": (" cm", " cm"), "none": ("", "")}


def _range(row: Norm, unit: str) -> tuple[str, str]:
    u_ja, u_en = UNITS.get(unit, ("", ""))
    if row.low is not None and row.high is not None:
        return f"標準範囲 {row.low:g}〜{row.high:g}{u_ja}", f"normal range {row.low:g}-{row.high:g}{u_en}"
    if row.high is not None:
        return f"基準 {row.high:g}{u_ja}以下", f"reference {row.high:g}{u_en} or less"
    return f"基準 {row.low:g}{u_ja}以上", f"reference {row.low:g}{u_en} or more"


def norm_text(kb, test_id: str, age: int | None, sex: str | None) -> tuple[str | None, str | None]:
    """A short (ja, en) description of the range used, for the finding's threshold, e.g.
    「65〜69歳女性の標準範囲 17〜21回」; the measuring method follows when the row records one."""
    test = kb.tests.get(test_id)
    row = pick_norm(test.norms, age, sex) if test else None
    if row is None or (row.low is None and row.high is None):
        return None, None
    who_ja, who_en = {"female": ("女性", " women"), "male": ("男性", " men")}.get(row.sex, ("", ""))
    ages_ja, ages_en = _ages(row)
    rng_ja, rng_en = _range(row, test.record.unit)
    ja, en = f"{ages_ja}{who_ja}の{rng_ja}", f"ages {ages_en}{who_en}: {rng_en}"
    if row.method is not None:
        ja, en = f"{ja}、{row.method.ja}", f"{en}, {row.method.en}"
    return ja, en


def reference_text(kb, test_id: str) -> tuple[str | None, str | None]:
    """The published reference value with its method, e.g. 「参考可動域 45°、背臥位で股関節・膝関節90°屈曲位」."""
    row = reference_row(kb, test_id)
    if row is None:
        return None, None
    record = kb.tests[test_id].record
    u_ja, u_en = UNITS.get(record.unit, ("", ""))
    word_ja, word_en = ("参考可動域", "reference range of motion") if record.kind == "angle" else ("参考値", "reference value")
    ja, en = f"{word_ja} {row.reference:g}{u_ja}", f"{word_en} {row.reference:g}{u_en}"
    if row.method is not None:
        ja, en = f"{ja}、{row.method.ja}", f"{en}, {row.method.en}"
    return ja, en


SIDES = {"ja": ("右", "左", "／"), "en": ("R ", "L ", " / ")}


def _num(v: float, record) -> str:
    v = -v if record.negate and v else v  # a negated 0 stays 0 (not −0°)
    text = f"{v:g}"
    return text.replace("-", "−") if record.negate or record.kind in ("angle", "pressure") else text


def _one(v: float, record, lang: str) -> str:
    unit = UNITS[record.unit][0 if lang == "ja" else 1]
    text = f"{_num(v, record)}{unit}"
    if record.levels and record.min is not None and float(v).is_integer():
        text += f"（{record.levels[int(v - record.min)].get(lang)}）" if lang == "ja" else \
            f" ({record.levels[int(v - record.min)].get(lang)})"
    return text


def result_text(kb, test_id: str, result: dict, lang: str, height_cm: float | None = None) -> str:
    """One recorded result, e.g. ``右22°／左26°``, ``2点（両脚30cm）``, ``140 cm（身長比 0.93）``."""
    record = kb.tests[test_id].record
    right, left, sep = SIDES[lang]
    if result.get("left") is not None or result.get("right") is not None:
        parts = [f"{side}{_one(result[key], record, lang)}" for side, key in ((right, "right"), (left, "left"))
                 if result.get(key) is not None]
        return sep.join(parts)
    if result.get("value") is not None:
        text = _one(result["value"], record, lang)
        if record.unit == "cm" and height_cm:
            ratio = f"{result['value'] / height_cm:.2f}"
            text += f"（身長比 {ratio}）" if lang == "ja" else f" (per height {ratio})"
        return text
    if result.get("positive") is not None:
        return ("陽性" if result["positive"] else "陰性") if lang == "ja" else (
            "positive" if result["positive"] else "negative")
    return ""
