"""The registry of scoring algorithms (STYLE habit 5): name -> function.

Built-in measures register themselves exactly as an added measure would::

    @register("odi")
    def compute(values, meta) -> Computed: ...

Metadata (items, ranges, bands, MCID) comes from the knowledge base kind ``measures``; a measure
is scoreable when it has both a metadata entry with ``scoring: available`` and a registered function.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ptplan.core.measures.result import Computed

Algorithm = Callable[[Sequence[float | None], object], Computed]
REGISTRY: dict[str, Algorithm] = {}


def register(name: str) -> Callable[[Algorithm], Algorithm]:
    def deco(fn: Algorithm) -> Algorithm:
        if name in REGISTRY and REGISTRY[name] is not fn:
            raise ValueError(f"measure '{name}' is already registered")
        REGISTRY[name] = fn
        return fn

    return deco
