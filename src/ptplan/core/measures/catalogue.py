"""A summary of every measure in the knowledge base, scoreable or not (``ptplan measure list``)."""

from __future__ import annotations

from typing import Any

from ptplan.core.measures.registry import REGISTRY


def catalogue(lang: str = "ja", kb=None) -> list[dict[str, Any]]:
    if kb is None:
        from ptplan.core.kb.loader import default_kb

        kb = default_kb()
    out = []
    for mid, m in kb.kind("measures").items():
        available = m.scoring == "available" and mid in REGISTRY
        n = len(m.items)
        out.append({
            "id": mid, "name": m.name.get(lang), "available": available,
            "japanese_version": m.japanese_version.name.get(lang) if m.japanese_version else None,
            "reason": m.unavailable_reason.get(lang) if m.unavailable_reason else None,
            "items": f"{m.min_items}-{m.max_items or n}" if m.min_items else n,
            "range": list(m.range) if m.range else None, "unit": m.unit, "direction": m.direction,
            "subscales": [s.id for s in m.subscales],
            "mcid": {"points": m.mcid.points, "percent": m.mcid.percent, "ref": m.mcid.ref,
                     "status": m.mcid.status} if m.mcid else None,
            "refs": list(m.refs), "status": m.status,
        })
    return out
