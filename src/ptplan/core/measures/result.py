"""What scoring a measure returns: :class:`MeasureResult`, plus the per-measure :class:`Computed` step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Computed:
    """What a scoring algorithm hands back before metadata (range, bands, MCID) is attached."""

    score: float | None
    subscales: dict[str, float | None] = field(default_factory=dict)
    band: str | None = None  # set only when the algorithm decides the band itself (STarT Back risk)
    extra: dict[str, Any] = field(default_factory=dict)  # further flat values (e.g. JKOM 1-5 total)


@dataclass(frozen=True)
class MeasureResult:
    """A scored questionnaire with everything needed to interpret it.

    ``band`` is ``{"id", "label": {"ja", "en"}, "ref", "status"}`` or ``None``; ``mcid``/``mdc`` are
    ``{"points", "percent", "ref", "status"}`` or ``None``; ``subscales`` maps id to value (``None``
    when that subscale could not be scored).
    """

    name: str
    score: float | None
    range: tuple[float, float] | None
    unit: str
    direction: str
    band: dict | None
    mcid: dict | None
    mdc: dict | None
    subscales: dict[str, float | None]
    subscale_bands: dict[str, dict | None]
    answered: int
    missing: list[int]
    status: str
    refs: list[str]
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "score": self.score, "range": list(self.range) if self.range else None,
                "unit": self.unit, "direction": self.direction, "band": self.band, "mcid": self.mcid,
                "mdc": self.mdc, "subscales": dict(self.subscales), "subscale_bands": dict(self.subscale_bands),
                "answered": self.answered, "missing": list(self.missing), "status": self.status,
                "refs": list(self.refs), **({"extra": dict(self.extra)} if self.extra else {})}

    def flat(self) -> dict[str, Any]:
        """The flat keys that become facts ``measure.<name>.<key>`` (see docs/CONTRACTS.md)."""
        out: dict[str, Any] = {"score": self.score, "band": self.band["id"] if self.band else None}
        out.update(self.subscales)
        out.update(self.extra)
        if self.name == "start_back":
            out["risk"] = out["band"]
        return out
