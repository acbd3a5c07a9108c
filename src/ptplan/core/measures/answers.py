"""Turn raw answers into a checked list of numbers (``None`` = unanswered), or raise InputError.

Every problem names the item as ``<measure>.item[<n>]`` with 1-based item numbers, the way the
questionnaires number their items (FABQ items 2-5 are ``fabq.item[2]`` … ``fabq.item[5]``).
"""

from __future__ import annotations

import contextlib
import math
from numbers import Real
from typing import Any

from ptplan.errors import InputError, Problem

MISSING_MARKS = {"-", ""}


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _expected_count(meta) -> tuple[int, int]:
    n = len(meta.items)
    return (meta.min_items or n, meta.max_items or n)


def _check_one(name: str, i: int, value: Any, meta) -> tuple[float | None, Problem | None]:
    path = f"{name}.item[{i}]"
    if value is None or (isinstance(value, str) and value.strip() in MISSING_MARKS):
        return None, None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):  # forms and the command line send text
            value = float(value.strip())
    if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(float(value)):
        return None, Problem(path, f"expected a number or '-' for unanswered, got {value!r}", "type",
                             f"数値、または未回答なら '-' を入力してください（入力: {value!r}）")
    lo, hi = meta.item_ranges.get(i, (meta.item_min, meta.item_max))
    v = float(value)
    if not meta.fractions and not v.is_integer():
        return None, Problem(path, f"expected a whole number {_fmt(lo)}–{_fmt(hi)}, got {_fmt(v)}", "integer",
                             f"{_fmt(lo)}〜{_fmt(hi)} の整数を入力してください（入力: {_fmt(v)}）")
    if not lo <= v <= hi:
        return None, Problem(path, f"expected {_fmt(lo)}–{_fmt(hi)}, got {_fmt(v)}", "range",
                             f"{_fmt(lo)}〜{_fmt(hi)} の範囲で入力してください（入力: {_fmt(v)}）")
    return v, None


def check_answers(name: str, answers: Any, meta) -> list[float | None]:
    """Validate the answer list against the measure's metadata; raise one InputError listing all problems."""
    if isinstance(answers, str | bytes) or not hasattr(answers, "__iter__") or isinstance(answers, dict):
        raise InputError.single(name, "expected a list of item answers", "type", "項目の回答をリストで入力してください")
    answers = list(answers)
    lo, hi = _expected_count(meta)
    if not lo <= len(answers) <= hi:
        want = f"{lo}" if lo == hi else f"{lo}–{hi}"
        raise InputError.single(f"{name}.items", f"expected {want} answers, got {len(answers)}", "count",
                                f"回答は {want} 個必要です（入力: {len(answers)} 個）")
    values, problems = [], []
    for i, raw in enumerate(answers, start=1):
        v, problem = _check_one(name, i, raw, meta)
        values.append(v)
        if problem:
            problems.append(problem)
    if problems:
        raise InputError(problems)
    return values


def too_many_missing(name: str, path_items: list[int], message: str, message_ja: str) -> InputError:
    where = f"{name}.item[{path_items[0]}]" if len(path_items) == 1 else f"{name}.items"
    return InputError.single(where, message, "missing", message_ja)
