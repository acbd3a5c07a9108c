"""Test results and findings in the words of a chart: 「股関節内旋可動域 右22°／左26°（参考可動域 45°）」.

Values come from the case when it is given, otherwise from the values a finding recorded; units, sides,
ordinal levels and sign conventions come from each test's ``record`` in the knowledge base.
"""

from __future__ import annotations

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
