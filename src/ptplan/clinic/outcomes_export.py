"""The anonymized outcomes export of :func:`ptplan.clinic.outcomes.report`: CSV and FHIR R4 NDJSON (one
``MeasureReport`` of type ``summary`` a line). Groups only; a suppressed cell (fewer than ``min_group``
patients) is written as ``suppressed`` in the CSV and, in FHIR, as a group without counts or score that carries
the ``data-absent-reason`` extension with ``masked`` — never as 0."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

SUPPRESSED = "suppressed"
COLUMNS = ["group_by", "group", "label_ja", "label_en", "metric", "measure", "weeks", "patients", "count",
           "denominator", "share", "mcid_status"]
POPULATION = "http://terminology.hl7.org/CodeSystem/measure-population"
ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
GROUP_SYSTEM = "urn:ptplan:outcome-group"


def _v(value: Any, suppressed: bool) -> Any:
    return SUPPRESSED if suppressed else ("" if value is None else value)


def rows(report: dict) -> list[list]:
    status = {m["id"]: (m["mcid"] or {}).get("status", "") for m in report["measures"]}
    out = []
    for g in report["groups"]:
        head = [g["by"], g["id"], g["label"]["ja"], g["label"]["en"]]
        for name, by_week in g["mcid"].items():
            for weeks, c in by_week.items():
                s = c["suppressed"]
                out.append(head + ["mcid", name, weeks, _v(c["n"], s), _v(c["reached"], s), _v(c["n"], s),
                                   _v(c["share"], s), status.get(name, "")])
        a, s = g["adherence"], g["adherence"]["suppressed"]
        out.append(head + ["adherence", "", "", _v(g["patients"], s), _v(a["logged"], s), _v(a["prescribed"], s),
                           _v(a["share"], s), ""])
        s = g["alerts"]["suppressed"]
        out.append(head + ["alerts", "", "", _v(g["patients"], s), _v(g["alerts"]["count"], s), "", "", ""])
    return out


def csv_text(report: dict) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    writer.writerows(rows(report))
    return buf.getvalue()


def _population(code: str, count: int) -> dict:
    return {"code": {"coding": [{"system": POPULATION, "code": code}]}, "count": int(count)}


def _group(g: dict, suppressed: bool, populations: list[dict], score: float | None, unit: str) -> dict:
    out: dict[str, Any] = {"code": {"coding": [{"system": GROUP_SYSTEM, "code": f"{g['by']}:{g['id']}"}],
                                    "text": g["label"]["en"]}}
    if suppressed:
        out["extension"] = [{"url": ABSENT, "valueCode": "masked"}]
        return out
    out["population"] = populations
    if score is not None:
        out["measureScore"] = {"value": score, "unit": unit}
    return out


def _report(rid: str, title: str, as_of: str, groups: list[dict]) -> dict:
    return {"resourceType": "MeasureReport", "id": rid, "status": "complete", "type": "summary",
            "measure": f"urn:ptplan:measure:{rid}", "date": as_of, "period": {"end": as_of},
            "extension": [{"url": "urn:ptplan:extension:title", "valueString": title}], "group": groups}


def resources(report: dict) -> list[dict]:
    """One MeasureReport per measure and window (share reaching the MCID), one for adherence, one for alerts;
    each has a group per clinic group (all, each pattern, each leading hypothesis)."""
    as_of, groups, out = report["as_of"], report["groups"], []
    for m in report["measures"]:
        t = m["mcid"] or {}
        for weeks in report["windows"]:
            w = str(weeks)
            title = (f"Share reaching the MCID of {m['name']['en']} at {weeks} weeks (MCID {t.get('points')} points"
                     f"{' or ' + str(t.get('percent')) + '%' if t.get('percent') else ''}, {t.get('ref')}, "
                     f"{t.get('status', 'verified')})")
            out.append(_report(f"outcomes-mcid-{m['id']}-{weeks}w", title, as_of, [
                _group(g, g["mcid"][m["id"]][w]["suppressed"],
                       [_population("denominator", g["mcid"][m["id"]][w]["n"] or 0),
                        _population("numerator", g["mcid"][m["id"]][w]["reached"] or 0)],
                       g["mcid"][m["id"]][w]["share"], "1") for g in groups]))
    out.append(_report("outcomes-adherence", "Adherence: sessions logged / sessions prescribed", as_of, [
        _group(g, g["adherence"]["suppressed"], [_population("initial-population", g["patients"] or 0)],
               g["adherence"]["share"], "1") for g in groups]))
    out.append(_report("outcomes-alerts", "Current worklist alerts", as_of, [
        _group(g, g["alerts"]["suppressed"], [_population("initial-population", g["patients"] or 0)],
               g["alerts"]["count"], "alerts") for g in groups]))
    return out


def ndjson(report: dict) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in resources(report))
