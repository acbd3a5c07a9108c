"""Read and validate case files (YAML or JSON) into a :class:`~ptplan.core.case.Case`.

Validation happens in two passes and reports every problem, each naming its field path and
what was expected: first the structure (types, ranges of the case model), then the knowledge
base (test ids, per-test units and ranges, red-flag question ids, observation ids).
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from ptplan.core.case import Case
from ptplan.errors import InputError, Problem, message_ja

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser is ~10x faster
UNIT_WORDS = {"deg": ("degrees", "度"), "s": ("seconds", "秒"), "count": ("count", "回"),
              "mmHg": ("mmHg", "mmHg"), "points": ("points", "点"), "cm": ("centimetres", "cm"),
              "none": ("", "")}


def parse_text(text: str, source: str = "case") -> dict:
    """Parse YAML or JSON text (JSON is YAML) into a mapping, or raise a clear InputError."""
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError.single(source, f"not valid YAML or JSON{where}: {getattr(exc, 'problem', exc)}",
                                "syntax", f"YAML/JSON として読めません{where}") from None
    if not isinstance(data, dict):
        raise InputError.single(source, "expected a mapping of case fields at the top level", "type",
                                "最上位はケースの項目の対応表（mapping）である必要があります")
    return data


def load_case_file(path: str | Path, kb=None) -> Case:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.single(str(p), "file not found", "not_found", "ファイルが見つかりません") from None
    except (UnicodeDecodeError, IsADirectoryError):
        raise InputError.single(str(p), "expected a UTF-8 YAML or JSON text file", "encoding",
                                "UTF-8 の YAML または JSON ファイルが必要です") from None
    return validate_case(parse_text(text, p.name), kb)


def validate_case(data: dict[str, Any], kb=None) -> Case:
    """Validate a mapping into a Case; raise one InputError listing every problem."""
    if kb is None:
        from ptplan.core.kb.loader import default_kb

        kb = default_kb()
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise InputError([_problem(e) for e in exc.errors()]) from None
    problems = check_against_kb(case, kb)
    if problems:
        raise InputError(problems)
    return case


def _problem(err: dict) -> Problem:
    loc = [str(p) for p in err["loc"]]
    path = ".".join(loc)
    expected = _expected(loc)
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    got = err.get("input")
    if err["type"] not in ("missing", "extra_forbidden") and not isinstance(got, dict | list):
        msg += f" (got {got!r})"
    if expected:
        msg += f"; expected {expected}"
    return Problem(path, msg, err["type"], message_ja(err["type"], err.get("ctx")))


def _expected(loc: list[str]) -> str:
    """Describe the expected value of the field at ``loc`` from the model (type and unit)."""
    model: Any = Case
    field = None
    for part in loc:
        if isinstance(model, type) and issubclass(model, BaseModel) and part in model.model_fields:
            field = model.model_fields[part]
            model = _inner(field.annotation)
        elif field is not None and get_origin(field.annotation) is dict:
            model = _inner(get_args(field.annotation)[1]) if get_args(field.annotation) else None
        else:
            continue
    if field is None:
        return ""
    bits = []
    choices = _literal_choices(field.annotation)
    if choices:
        bits.append("one of " + ", ".join(map(str, choices)))
    for m in field.metadata:
        for name, word in (("ge", ">="), ("le", "<="), ("gt", ">"), ("lt", "<")):
            if getattr(m, name, None) is not None:
                bits.append(f"{word} {getattr(m, name)}")
    if field.description:
        bits.append(field.description)
    return ", ".join(bits)


def _inner(annotation: Any) -> Any:
    for arg in get_args(annotation) or (annotation,):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        inner = _inner(arg) if get_args(arg) else None
        if inner is not None:
            return inner
    return annotation


def _literal_choices(annotation: Any) -> list:
    from typing import Literal

    if get_origin(annotation) is Literal:
        return list(get_args(annotation))
    out = []
    for arg in get_args(annotation):
        out += _literal_choices(arg)
    return out


def check_case(case: Case, kb) -> Case:
    """The knowledge-base half of :func:`validate_case`, for a case a request model already parsed."""
    problems = check_against_kb(case, kb)
    if problems:
        raise InputError(problems, status=422)
    return case


def check_against_kb(case: Case, kb) -> list[Problem]:
    problems: list[Problem] = []
    for qid in case.red_flags:
        if qid not in kb.red_flag_questions:
            problems.append(Problem(f"red_flags.{qid}", "unknown red-flag question; expected one of "
                                    + ", ".join(sorted(kb.red_flag_questions)), "unknown_id",
                                    "未知のレッドフラッグ質問です"))
    for i, cid in enumerate(case.conditions):
        if cid not in kb.conditions:
            problems.append(Problem(f"conditions[{i}]", f"unknown condition '{cid}'; expected one of "
                                    + ", ".join(sorted(kb.conditions)), "unknown_id", "未知の既往・状態です"))
    for tid, result in case.tests.items():
        problems += _check_test(tid, result, kb)
    for task, movement in case.movement.items():
        test = kb.tests.get(f"{task}_observation")
        allowed = set(test.record.choices) if test else set()
        for i, obs in enumerate(movement.observations):
            if obs not in allowed:
                problems.append(Problem(f"movement.{task}.observations[{i}]",
                                        f"unknown observation '{obs}'; expected one of {', '.join(sorted(allowed))}",
                                        "unknown_id", "未知の観察項目です"))
    return problems


KIND_WORDS = {"angle": ("an angle", "角度"), "seconds": ("a time", "時間"), "count": ("a count", "回数"),
              "pressure": ("a pressure", "圧"), "score": ("a score", "点数"), "length": ("a length", "長さ")}


def _check_test(tid: str, result, kb) -> list[Problem]:
    test = kb.tests.get(tid)
    if test is None:
        close = sorted({*difflib.get_close_matches(tid, kb.tests, n=3, cutoff=0.6),
                        *(t for t in kb.tests if tid in t.split("_") or t.startswith(tid))})[:5]
        hint = f"; did you mean {', '.join(close)}?" if close else "; `ptplan kb stats` lists the tests"
        return [Problem(f"tests.{tid}", f"unknown test name{hint}", "unknown_test", "未知の検査名です")]
    rec = test.record
    en, ja = UNIT_WORDS[rec.unit]
    out = _check_result_kind(tid, result, rec)
    for side in ("value", "left", "right"):
        v = getattr(result, side)
        if v is None:
            continue
        if rec.kind in ("positive", "checklist"):
            out.append(Problem(f"tests.{tid}.{side}", f"this test records {rec.kind}, not a number",
                               "type", "この検査は数値ではなく陽性/陰性または観察項目で記録します"))
            continue
        if side != "value" and not rec.sided:
            out.append(Problem(f"tests.{tid}.{side}", "this test is not recorded per side; use value",
                               "type", "この検査は左右別ではありません。value を使ってください"))
        lo, hi = rec.min, rec.max
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            out.append(Problem(f"tests.{tid}.{side}", f"out of range: expected {en} between {lo} and {hi}, got {v}",
                               "out_of_range", f"範囲外です: {lo}〜{hi} {ja} の値が必要です（入力値 {v}）"))
    for i, obs in enumerate(result.observations):
        if obs not in rec.choices:
            out.append(Problem(f"tests.{tid}.observations[{i}]", f"unknown observation '{obs}'; expected one of "
                               + ", ".join(rec.choices), "unknown_id", "未知の観察項目です"))
    return out


def _check_result_kind(tid: str, result, rec) -> list[Problem]:
    """A field the test does not record is refused, never silently ignored (e.g. ``positive`` on an angle)."""
    out = []
    base = f"tests.{tid}"
    if rec.kind in KIND_WORDS:
        what_en, what_ja = KIND_WORDS[rec.kind]
        unit_en, unit_ja = UNIT_WORDS[rec.unit]
        where_en = "left and right" if rec.sided else "value"
        where_ja = "left と right" if rec.sided else "value"
        for name in ("positive", "observations"):
            if name in result.model_fields_set:
                out.append(Problem(f"{base}.{name}", f"this test records {what_en} in {unit_en}, not {name}; "
                                   f"give {where_en} in {unit_en}", "wrong_kind",
                                   f"この検査は{what_ja}（{unit_ja}）で記録します。{name} ではなく {where_ja} に"
                                   f"{unit_ja}で入力してください"))
    elif rec.kind == "positive" and "observations" in result.model_fields_set:
        out.append(Problem(f"{base}.observations", "this test records positive (true/false), not observations",
                           "wrong_kind", "この検査は陽性/陰性（positive: true/false）で記録します"))
    elif rec.kind == "checklist" and result.positive is not None:
        out.append(Problem(f"{base}.positive", "this test records observations (a list, [] = observed, no faults), "
                           f"not positive; expected any of {', '.join(rec.choices)}", "wrong_kind",
                           "この検査は観察項目のリストで記録します（異常なしは []）"))
    if result.reproduces_radicular_pain is not None and not rec.symptom_reproduction:
        out.append(Problem(f"{base}.reproduces_radicular_pain", "this test does not record symptom reproduction",
                           "wrong_kind", "この検査では症状の再現を記録しません"))
    if result.side is not None and rec.kind not in ("positive", "checklist") and not rec.symptom_reproduction:
        out.append(Problem(f"{base}.side", "this test records each side as left/right; side is for positive or "
                           "observed results", "wrong_kind", "この検査は left/right で左右を記録します"))
    return out


def case_json_schema() -> dict:
    schema = Case.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ptplan case"
    return schema


def dumps_schema() -> str:
    return json.dumps(case_json_schema(), ensure_ascii=False, indent=2)
