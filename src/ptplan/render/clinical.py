"""Test results and findings in the words of a chart: 「股関節内旋可動域 右22°／左26°（参考可動域 45°）」.

Values come from the case when it is given, otherwise from the values a finding recorded; units, sides,
ordinal levels and sign conventions come from each test's ``record`` in the knowledge base.
"""

from __future__ import annotations

import functools
from importlib import resources

import yaml

from ptplan.core.norms import norm_text, reference_text, result_text


def _from_values(values: dict) -> dict[str, dict]:
    """Finding values (``test.<id>.<key>: v``) grouped back into one result per test."""
    out: dict[str, dict] = {}
    for path, v in values.items():
        parts = path.split(".")
        if parts[0] == "test" and len(parts) == 3:
            key = {"min": "value", "max": "value", "per_height": "ratio"}.get(parts[2], parts[2])
            out.setdefault(parts[1], {}).setdefault(key, v)
    return out


def measurement(kb, test_id: str, result: dict, lang: str, demographics: dict | None = None) -> str:
    """Test name and result, with the norm for the person's age and sex or the published reference value."""
    test, demo = kb.tests[test_id], demographics or {}
    if "ratio" in result and "value" not in result:  # only the two-step value was kept by the finding
        text = f"{result['ratio']:.2f}"
    else:
        text = result_text(kb, test_id, result, lang, demo.get("height_cm"))
    norm = norm_text(kb, test_id, demo.get("age"), demo.get("sex"))
    if norm[0] is None:
        norm = reference_text(kb, test_id)
    ref = norm[0] if lang == "ja" else norm[1]
    line = f"{test.name.get(lang)} {text}" if lang == "ja" else f"{test.name.get(lang)}: {text}"
    return f"{line}（{ref}）" if ref and lang == "ja" else (f"{line} ({ref})" if ref else line)


def evidence(kb, finding: dict, case: dict | None, lang: str) -> list[str]:
    """What was measured for one plan finding, one line per test or questionnaire it read."""
    tests = (case or {}).get("tests") or {}
    demo = (case or {}).get("demographics") or {}
    source = finding.get("source", "")
    values = finding.get("value") if isinstance(finding.get("value"), dict) else {}  # saved plans may hold a number
    grouped = _from_values(values)
    if source.startswith("test:"):
        tid = source[5:]
        grouped = {tid: tests.get(tid) or grouped.get(tid, {})}
    else:
        grouped = {tid: tests.get(tid) or r for tid, r in grouped.items()}
    lines = [measurement(kb, tid, r, lang, demo) for tid, r in grouped.items() if tid in kb.tests and r
             and kb.tests[tid].record.kind not in ("checklist",)]
    for path, v in sorted(values.items()):
        parts = path.split(".")
        if path == "bmi" and v is not None:
            lines.append(f"BMI {v:g}")
        if parts[0] == "measure" and parts[-1] == "score" and v is not None:
            meta = kb.kind("measures").get(parts[1])
            name = meta.name.get(lang) if meta else parts[1]
            lines.append(f"{name} {v:g}点" if lang == "ja" else f"{name}: {v:g}")
    return lines


@functools.lru_cache(maxsize=1)
def words() -> dict:
    text = resources.files("ptplan.render").joinpath("clinical_words.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def choice_label(choice: str, lang: str, test_id: str | None = None) -> str:
    """A checklist choice as a clinician writes it (the test's own wording first), the id when unknown."""
    w = words()
    pair = (w.get("test_choices", {}).get(test_id or "", {}).get(choice)) or w["choices"].get(choice)
    return pair.get(lang, pair["en"]) if pair else choice.replace("_", " ")


def _checklist_lines(kb, values: dict, lang: str) -> list[str]:
    """``test.<id>.obs.<choice>`` and ``movement.<task>.<choice>`` facts as 「スクワット：体幹前傾・膝の内側への倒れ込みあり」."""
    w, seen = words(), {}
    for path, v in values.items():
        parts = path.split(".")
        if v is not True:
            continue
        if parts[0] == "test" and len(parts) == 4 and parts[2] == "obs":
            tid, choice = parts[1], parts[3]
        elif parts[0] == "movement" and len(parts) == 3 and parts[1] in w["movement_tests"]:
            tid, choice = w["movement_tests"][parts[1]], parts[2]
        else:
            continue
        seen.setdefault(tid, [])
        if choice not in seen[tid]:
            seen[tid].append(choice)
    lines = []
    for tid, choices in seen.items():
        head = w["tests"].get(tid, {}).get(lang) or (kb.tests[tid].name.get(lang) if tid in kb.tests else tid)
        labels = [choice_label(c, lang, tid) for c in choices]
        lines.append(f"{head}：{'・'.join(labels)}あり" if lang == "ja" else f"{head}: {', '.join(labels)}")
    return lines


def _fact_lines(kb, values: dict, lang: str) -> list[str]:
    """Other case facts a finding read (symptoms, activity, conditions, red-flag answers, questionnaire bands)."""
    w, lines = words(), []
    for path, v in values.items():
        parts = path.split(".")
        if path in w["facts"]:
            shown = w["values"].get(str(v), {}).get(lang, f"{v:g}" if isinstance(v, float) else str(v))
            lines.append(w["facts"][path][lang].replace("{value}", shown))
        elif parts[0] == "condition" and len(parts) == 2 and v is True:
            cond = kb.kind("conditions").get(parts[1])
            lines.append(cond.name.get(lang) if cond is not None and hasattr(cond, "name") else parts[1].replace("_", " "))
        elif parts[0] == "red_flag" and len(parts) == 2 and parts[1] in kb.red_flag_questions:
            answer = {"yes": ("あり", "yes"), "no": ("なし", "no")}.get(str(v), (str(v), str(v)))
            q = kb.red_flag_questions[parts[1]]
            lines.append(f"{q.clinician.get(lang)}：{answer[0]}" if lang == "ja" else f"{q.clinician.get(lang)}: {answer[1]}")
    return lines


def finding_text(kb, finding: dict, case: dict | None, lang: str) -> str:
    """Everything one finding read, in a chart's words: 「SLR 右68°／左70°（…）」「スクワット：体幹前傾あり」.
    Never a fact key: a value this module cannot word is left out (the finding's name and threshold still say it)."""
    values = finding.get("value") if isinstance(finding.get("value"), dict) else {}
    lines = evidence(kb, finding, case, lang) + _checklist_lines(kb, values, lang) + _fact_lines(kb, values, lang)
    out: list[str] = []
    for line in lines:
        if line not in out:
            out.append(line)
    return ("、" if lang == "ja" else "; ").join(out)
