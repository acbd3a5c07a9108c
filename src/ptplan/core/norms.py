"""Age- and sex-specific reference ranges from ``AssessmentTest.norms``.

A condition ``{fact: test.chair_stand_30s.value, below_norm: true}`` asks this lookup for the
range that applies to the person; a sex-specific row wins over an ``any`` row of the same age band.
"""

from __future__ import annotations

from ptplan.core.conditions import NormLookup
from ptplan.core.kb.schema import Norm


def pick_norm(norms: list[Norm], age: int | None, sex: str | None) -> Norm | None:
    """The row that applies to this age and sex, or ``None`` when no row does (or age is unknown)."""
    if age is None:
        return None
    rows = [n for n in norms if n.age_min <= age <= n.age_max and n.sex in ("any", sex)]
    rows.sort(key=lambda n: (n.sex == "any", n.age_min))
    return rows[0] if rows else None


def lookup_for(kb, age: int | None, sex: str | None) -> NormLookup:
    """A norm lookup bound to one person: ``(fact path, value) -> (low, high)``."""

    def lookup(path: str, value: float) -> tuple[float | None, float | None]:
        parts = path.split(".")
        if len(parts) < 3 or parts[0] != "test" or parts[1] not in kb.tests:
            return None, None
        row = pick_norm(kb.tests[parts[1]].norms, age, sex)
        return (row.low, row.high) if row else (None, None)

    return lookup


def norm_text(kb, test_id: str, age: int | None, sex: str | None) -> tuple[str | None, str | None]:
    """A short (ja, en) description of the reference range used, for the finding's threshold."""
    test = kb.tests.get(test_id)
    row = pick_norm(test.norms, age, sex) if test else None
    if row is None:
        return None, None
    bounds = [f"≥{row.low:g}" if row.low is not None else "", f"≤{row.high:g}" if row.high is not None else ""]
    rng = " ".join(b for b in bounds if b)
    return (f"{row.age_min}〜{row.age_max}歳の基準 {rng}", f"norm for age {row.age_min}-{row.age_max}: {rng}")
