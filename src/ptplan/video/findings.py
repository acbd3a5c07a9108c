"""Measures -> findings and observations, with thresholds read from ``data/thresholds.yaml``.

The gate: a measure feeds a finding only when it was taken (not withheld) from a view valid for it,
its quality score reaches MIN_QUALITY, a side-specific measure's left/right identity holds, a measure
read against the vertical had the camera's roll estimated, and the clip's view suits the rule's own
``views`` when the rule names them (a trunk tilt reads as a sideways lean only from the front or back).
Every finding carries the measure's quality so the plan can show it.
"""

from __future__ import annotations

import operator

from ptplan.video import orientation
from ptplan.video.skeleton import load_data

OPS = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}
OP_TEXT = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤"}
MIN_QUALITY = 0.5   # visibility × view fit: below this the landmarks are too unsure to act on


def rules() -> list[dict]:
    return list(load_data("thresholds")["rules"])


def gate(m: dict, rule: dict | None = None, view: dict | None = None) -> str | None:
    """None when the measure may feed a finding, else the reason it may not."""
    q = m["quality"]
    if m["value"] is None:
        return m.get("withheld") or "no_value"
    if q["view"] < 1.0:
        return "view"
    if q["score"] < MIN_QUALITY:
        return "quality"
    if q.get("identity") == "uncertain":
        return "identity"
    if q.get("roll") == "unknown":
        return "roll"
    if rule and rule.get("views") and view and view.get("yaw_deg") is not None:
        yaw = view["yaw_deg"]
        ok = ("frontal" in rule["views"] and yaw <= orientation.FRONTAL_MAX_DEG) or \
             ("sagittal" in rule["views"] and yaw >= orientation.SAGITTAL_MIN_DEG)
        if not ok:
            return "view"
    return None


def evaluate(measures: list[dict], view: dict | None = None) -> list[dict]:
    """Findings triggered by measures that pass the gate."""
    by_name = {m["name"]: m for m in measures}
    out = []
    for r in rules():
        m = by_name.get(r["measure"])
        if m is None or gate(m, r, view) is not None:
            continue
        if OPS[r["op"]](m["value"], r["value"]):
            q = m["quality"]
            out.append({"finding": r.get("finding"), "observation": r["observation"], "measure": r["measure"],
                        "value": m["value"], "unit": m["unit"], "threshold": f"{OP_TEXT[r['op']]} {r['value']}",
                        "refs": list(r["refs"]), "status": r["status"], "basis": r["basis"],
                        "quality": q["score"], "identity": q.get("identity"), "roll": q.get("roll")})
    return out


def case_fragment(task: str, measures: list[dict], findings: list[dict]) -> dict:
    """The part of a case this analysis fills: ``movement.<task>`` with measures, observations and, per
    observation, the video evidence behind it (measure, value, quality) so the plan can show it."""
    values = {m["name"].split(".", 1)[1]: m["value"] for m in measures if m["value"] is not None}
    observations = sorted({f["observation"] for f in findings})
    evidence = {}
    for f in findings:
        if f["observation"] not in evidence:
            evidence[f["observation"]] = {"measure": f["measure"].split(".", 1)[1], "value": f["value"],
                                          "unit": f["unit"], "quality": f["quality"]}
    return {"movement": {task: {"measures": values, "observations": observations, "source": "video",
                                "evidence": evidence}}}
