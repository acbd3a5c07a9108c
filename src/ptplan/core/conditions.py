"""The small condition language used by every knowledge-base rule.

A condition is plain data (YAML), so a therapist can read why a rule fires::

    all:
      - finding: hamstring_shortness
      - any:
          - fact: test.aslr.value
            ge: 1
          - finding: drawing_in_failure
      - not: {fact: symptoms.knee_swelling, is: true}

Leaves:
- ``finding: ID`` - true when the finding is present.
- ``fact: PATH`` with exactly one operator: ``eq ne lt le gt ge in is known below_norm above_norm``.
  A missing fact makes every operator false except ``known: false``.
Combinators: ``all: [...]``, ``any: [...]``, ``not: {...}``, and ``{at_least: N, of: [...]}`` for
criteria sets such as "4 of the 5 ASAS items".

Facts are a flat mapping built from a case by :mod:`ptplan.core.facts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "is", "known", "below_norm", "above_norm")

NormLookup = Callable[[str, float], "tuple[float | None, float | None]"]


class ConditionSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Leaf:
    path: str  # "finding.X" for finding leaves
    op: str
    value: Any

    def evaluate(self, facts: Mapping[str, Any], norms: NormLookup | None = None) -> bool:
        present = self.path in facts and facts[self.path] is not None
        if self.op == "known":
            return present is bool(self.value)
        if not present:
            return False
        actual = facts[self.path]
        match self.op:
            case "eq":
                return actual == self.value
            case "ne":
                return actual != self.value
            case "in":
                return actual in self.value
            case "is":
                return bool(actual) is bool(self.value)
            case "lt" | "le" | "gt" | "ge":
                if isinstance(actual, bool) or not isinstance(actual, int | float):
                    return False
                return _compare(self.op, float(actual), float(self.value))
            case "below_norm" | "above_norm":
                if norms is None or isinstance(actual, bool):
                    return False
                low, high = norms(self.path, float(actual))
                hit = (low is not None and actual < low) if self.op == "below_norm" else (
                    high is not None and actual > high)
                return hit is bool(self.value)
        raise ConditionSyntaxError(f"unknown operator {self.op}")  # pragma: no cover - parse forbids it


def _compare(op: str, a: float, b: float) -> bool:
    return {"lt": a < b, "le": a <= b, "gt": a > b, "ge": a >= b}[op]


@dataclass(frozen=True)
class Node:
    kind: str  # all | any | not | at_least
    children: tuple[Condition, ...]
    count: int = 0  # at_least: how many children must hold

    def evaluate(self, facts: Mapping[str, Any], norms: NormLookup | None = None) -> bool:
        if self.kind == "all":
            return all(c.evaluate(facts, norms) for c in self.children)
        if self.kind == "any":
            return any(c.evaluate(facts, norms) for c in self.children)
        if self.kind == "at_least":
            return sum(1 for c in self.children if c.evaluate(facts, norms)) >= self.count
        return not self.children[0].evaluate(facts, norms)


Condition = Leaf | Node


def parse(data: Any, where: str = "when") -> Condition:
    """Parse condition data; raise :class:`ConditionSyntaxError` naming the path of the fault."""
    if not isinstance(data, Mapping):
        raise ConditionSyntaxError(f"{where}: expected a mapping, got {type(data).__name__}")
    keys = set(data)
    for combinator in ("all", "any"):
        if keys == {combinator}:
            items = data[combinator]
            if not isinstance(items, list) or not items:
                raise ConditionSyntaxError(f"{where}.{combinator}: expected a non-empty list")
            return Node(combinator, tuple(parse(c, f"{where}.{combinator}[{i}]") for i, c in enumerate(items)))
    if keys == {"not"}:
        return Node("not", (parse(data["not"], f"{where}.not"),))
    if keys == {"at_least", "of"}:
        items, n = data["of"], data["at_least"]
        if not isinstance(items, list) or not items:
            raise ConditionSyntaxError(f"{where}.of: expected a non-empty list")
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(items):
            raise ConditionSyntaxError(f"{where}.at_least: expected a whole number from 1 to {len(items)}")
        return Node("at_least", tuple(parse(c, f"{where}.of[{i}]") for i, c in enumerate(items)), n)
    if keys == {"finding"}:
        if not isinstance(data["finding"], str):
            raise ConditionSyntaxError(f"{where}.finding: expected a finding id")
        return Leaf(f"finding.{data['finding']}", "is", True)
    if "fact" in keys:
        ops = keys - {"fact"}
        if len(ops) != 1 or not ops <= set(OPERATORS):
            raise ConditionSyntaxError(
                f"{where}: a fact needs exactly one operator of {', '.join(OPERATORS)}; got {sorted(ops)}")
        op = ops.pop()
        value = data[op]
        if op in ("lt", "le", "gt", "ge") and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ConditionSyntaxError(f"{where}.{op}: expected a number")
        if op == "in" and not isinstance(value, list):
            raise ConditionSyntaxError(f"{where}.in: expected a list")
        return Leaf(str(data["fact"]), op, value)
    raise ConditionSyntaxError(f"{where}: expected one of all/any/not/at_least/finding/fact, got {sorted(keys)}")


def leaves(cond: Condition) -> Iterator[Leaf]:
    if isinstance(cond, Leaf):
        yield cond
    else:
        for child in cond.children:
            yield from leaves(child)
