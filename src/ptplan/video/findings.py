"""Measures -> findings and observations, with thresholds read from ``data/thresholds.yaml``."""

from __future__ import annotations

import operator

from ptplan.video.skeleton import load_data

OPS = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}
OP_TEXT = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤"}


def rules() -> list[dict]:
    return list(load_data("thresholds")["rules"])


def evaluate(measures: list[dict]) -> list[dict]:
    """Findings triggered by measures that were taken from a suitable view (quality.view == 1)."""
    by_name = {m["name"]: m for m in measures}
    out = []
    for r in rules():
        m = by_name.get(r["measure"])
        if m is None or m["value"] is None or m["quality"]["view"] < 1.0:
            continue
        if OPS[r["op"]](m["value"], r["value"]):
            out.append({"finding": r.get("finding"), "observation": r["observation"], "measure": r["measure"],
                        "value": m["value"], "unit": m["unit"], "threshold": f"{OP_TEXT[r['op']]} {r['value']}",
                        "refs": list(r["refs"]), "status": r["status"], "basis": r["basis"],
                        "quality": m["quality"]["score"]})
    return out


def case_fragment(task: str, measures: list[dict], findings: list[dict]) -> dict:
    """The part of a case this analysis fills: ``movement.<task>`` with measures and observations."""
    values = {m["name"].split(".", 1)[1]: m["value"] for m in measures if m["value"] is not None}
    observations = sorted({f["observation"] for f in findings})
    return {"movement": {task: {"measures": values, "observations": observations, "source": "video"}}}
