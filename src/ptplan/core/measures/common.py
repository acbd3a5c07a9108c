"""Small helpers the scoring algorithms share."""

from __future__ import annotations

from collections.abc import Sequence

from ptplan.errors import InputError


def r1(x: float) -> float:
    """Scores are reported to one decimal; bands are judged on the reported value."""
    return round(x + 0.0, 1)


def pick(values: Sequence[float | None], items: Sequence[int]) -> list[float | None]:
    """The answers to the given 1-based item numbers."""
    return [values[i - 1] for i in items]


def answered(values: Sequence[float | None]) -> list[float]:
    return [v for v in values if v is not None]


def missing_items(values: Sequence[float | None]) -> list[int]:
    return [i for i, v in enumerate(values, start=1) if v is None]


def require_all(name: str, values: Sequence[float | None]) -> None:
    """Refuse to score when any item is unanswered (measures without a published missing-item rule)."""
    gaps = missing_items(values)
    if gaps:
        listed = ", ".join(map(str, gaps))
        raise InputError.single(f"{name}.item[{gaps[0]}]",
                                f"unanswered; every item is needed to score {name} (unanswered items: {listed})",
                                "missing", f"未回答です。{name} の採点には全項目の回答が必要です（未回答: {listed}）")


def require_some(name: str, values: Sequence[float | None], what: str = "item") -> None:
    if not answered(values):
        raise InputError.single(f"{name}.items", f"no {what} answered; at least one is needed", "missing",
                                "回答がありません。少なくとも1つ必要です")
