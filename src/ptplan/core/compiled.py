"""Conditions compiled to closures, for speed: the engine evaluates a few hundred per plan.

Semantics are exactly those of :meth:`ptplan.core.conditions.Leaf.evaluate` (a missing fact makes
every operator false except ``known: false``); ``tests/core/test_engine_compiled.py`` checks the two
agree on generated cases. Closures are cached by the identity of the parsed condition, which the
knowledge base keeps alive for as long as it is loaded.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from ptplan.core import conditions

Fn = Callable[[dict, Any], bool]
_CACHE: dict[int, tuple[Any, Fn]] = {}
_CMP = {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge}


def held(fn: Fn, facts: dict[str, Any], norms, memo: dict[Fn, bool]) -> bool:
    """``fn(facts, norms)``, evaluated once per ``memo`` (one plan's: a shared compiled condition, such as a
    contraindication rule that excludes many exercises, is then evaluated once for the plan)."""
    hit = memo.get(fn)
    if hit is None:
        hit = memo[fn] = fn(facts, norms)
    return hit


def holds(cond, facts: dict[str, Any], norms=None) -> bool:
    """Evaluate a ``ConditionData`` (or a parsed condition) against facts."""
    parsed = getattr(cond, "parsed", cond)
    hit = _CACHE.get(id(parsed))
    if hit is None or hit[0] is not parsed:
        hit = (parsed, compile_condition(parsed))
        _CACHE[id(parsed)] = hit
    return hit[1](facts, norms)


def compile_condition(cond: conditions.Condition) -> Fn:
    if isinstance(cond, conditions.Leaf):
        return _leaf(cond)
    fns = tuple(compile_condition(c) for c in cond.children)
    if cond.kind == "not":
        inner = fns[0]
        return lambda f, n: not inner(f, n)
    if cond.kind == "at_least":
        need = cond.count
        return lambda f, n: sum(1 for fn in fns if fn(f, n)) >= need
    if cond.kind == "all":
        def all_of(f, n):
            for fn in fns:  # noqa: SIM110 - an explicit loop avoids a generator per call
                if not fn(f, n):
                    return False
            return True
        return all_of

    def any_of(f, n):
        for fn in fns:  # noqa: SIM110 - an explicit loop avoids a generator per call
            if fn(f, n):
                return True
        return False
    return any_of


def _leaf(leaf: conditions.Leaf) -> Fn:
    path, op, want = leaf.path, leaf.op, leaf.value
    if op == "known":
        return lambda f, n: (f.get(path) is not None) is bool(want)
    if op == "eq":
        return lambda f, n: (v := f.get(path)) is not None and v == want
    if op == "ne":
        return lambda f, n: (v := f.get(path)) is not None and v != want
    if op == "in":
        return lambda f, n: (v := f.get(path)) is not None and v in want
    if op == "is":
        flag = bool(want)
        return lambda f, n: (v := f.get(path)) is not None and bool(v) is flag
    if op in _CMP:
        cmp, target = _CMP[op], float(want)
        return lambda f, n: (isinstance(v := f.get(path), int | float) and not isinstance(v, bool)
                             and cmp(float(v), target))
    return leaf.evaluate  # below_norm / above_norm: rare, keep the reference implementation
