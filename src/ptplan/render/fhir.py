"""HL7 FHIR R4 export: a ``collection`` Bundle holding the plan as a CarePlan.

Contents (all cross-references are ``urn:uuid:`` full URLs inside the Bundle):

- ``Patient`` — an anonymous placeholder the other resources point at (``patient_id`` option);
- ``Condition`` per hypothesis (verificationStatus ``provisional`` when supported, ``differential`` when
  data were insufficient) and per suspected red-flag condition;
- ``CarePlan`` with one ``activity.detail`` per exercise: code, scheduledTiming (sessions per week),
  quantity (repetitions per session, or minutes) and a description with the dose and steps;
- ``Observation`` per scored measure (LOINC where a code was verified, a local code otherwise);
- ``QuestionnaireResponse`` per answered questionnaire (answers by item number; no item wording).

Resources use JSON shapes shared by R4 (4.0.1) and R4B (4.3.0); tests validate them with the
``fhir.resources.R4B`` models.
"""

from __future__ import annotations

import json
import uuid

from ptplan.render import context
from ptplan.render.labels import dose_text

SYSTEM = {k: f"urn:ptplan:{k}" for k in ("exercise", "hypothesis", "finding", "measure", "red-flag", "advice")}
LOINC = "http://loinc.org"
#: measure name -> verified LOINC code (docs/outputs.md says how each was checked)
LOINC_CODES = {"nrs": ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")}
VER_STATUS = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CLIN_STATUS = "http://terminology.hl7.org/CodeSystem/condition-clinical"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
UCUM = "http://unitsofmeasure.org"
NAMESPACE = uuid.UUID("6f1c9a52-3d0e-4c59-9b61-2f7a3c1e8d40")


def _urn(*parts: str) -> str:
    """Deterministic ids: the same plan always gives the same Bundle."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, '/'.join(parts))}"


def _concept(system: str, code: str, display: str) -> dict:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _entry(url: str, resource: dict) -> dict:
    return {"fullUrl": url, "resource": resource}


def _condition(url: str, patient: str, code: dict, status: str, note: str, evidence: list[str]) -> dict:
    res = {"resourceType": "Condition", "subject": {"reference": patient}, "code": code,
           "clinicalStatus": {"coding": [{"system": CLIN_STATUS, "code": "active"}]},
           "verificationStatus": {"coding": [{"system": VER_STATUS, "code": status}]}}
    if note:
        res["note"] = [{"text": note}]
    if evidence:
        res["evidence"] = [{"code": [{"coding": [{"system": SYSTEM["finding"], "code": f}]} for f in evidence]}]
    return _entry(url, res)


def _conditions(plan: dict, patient: str, key: str) -> list[dict]:
    out = []
    for h in plan.get("hypotheses", []):
        status = "provisional" if h.get("status", "supported") == "supported" else "differential"
        out.append(_condition(_urn(key, "hypothesis", h["id"]), patient,
                              _concept(SYSTEM["hypothesis"], h["id"], h.get("name", h["id"])), status,
                              h.get("explanation", ""), list(h.get("for", []))))
    for f in plan["triage"].get("flags", []):
        out.append(_condition(_urn(key, "red-flag", f["id"]), patient,
                              _concept(SYSTEM["red-flag"], f["id"], f.get("suspected", f["id"])), "provisional",
                              f.get("action", ""), []))
    return out


def _timing(dose: dict) -> dict:
    spw = int(dose.get("sessions_per_week") or 1)
    return {"repeat": {"frequency": spw, "period": 1, "periodUnit": "wk"}}


def _quantity(dose: dict) -> dict | None:
    if dose.get("reps"):
        value = int(dose["reps"]) * int(dose.get("sets") or 1)
        return {"value": value, "unit": "repetitions", "system": UCUM, "code": "{repetitions}"}
    if dose.get("duration_min"):
        return {"value": dose["duration_min"], "unit": "min", "system": UCUM, "code": "min"}
    return None


def _activity(ex: dict, lang: str) -> dict:
    dose = ex.get("dose", {})
    steps = " ".join(f"{i}. {s}" for i, s in enumerate(ex.get("steps") or [], 1))
    detail = {"kind": "ServiceRequest", "status": "not-started", "doNotPerform": False,
              "code": _concept(SYSTEM["exercise"], ex["id"], ex.get("name", ex["id"])),
              "scheduledTiming": _timing(dose),
              "description": " ".join(p for p in (dose_text(dose, lang) + ".", steps) if p)}
    q = _quantity(dose)
    if q:
        detail["quantity"] = q
    return {"detail": detail}


def _status(ctx: dict) -> str:
    """active = the issued program; draft = safety check not complete (no activities until it is);
    on-hold = a red flag stops exercise."""
    if not ctx["referral_only"]:
        return "active"
    return "draft" if ctx["incomplete"] else "on-hold"


def _triage_notes(ctx: dict) -> list[dict]:
    r = ctx["referral"]
    notes = [{"text": f"{r['headline']}: {r['action']}" if r["action"] else r["headline"]}]
    notes += [{"text": f"{q.get('clinician') or q.get('question')} — {q.get('question', '')}"} for q in r["questions"]]
    return notes


def _careplan(plan: dict, ctx: dict, patient: str, key: str, conditions: list[dict], lang: str) -> dict:
    allowed = not ctx["referral_only"]
    status = _status(ctx)
    title = ctx["L"]["title"] if allowed else ctx["L"]["incomplete_title" if ctx["incomplete"] else "referral_title"]
    advice = [{"text": f"{a.get('title', '')}: {a.get('text', '')}"} for a in plan.get("advice", [])] if allowed else []
    res = {"resourceType": "CarePlan", "status": status, "intent": "plan",
           "subject": {"reference": patient}, "title": title,
           "description": (" ".join(c.get("why", "") for c in ctx["components"]) if allowed else "")
           or ctx["referral"]["headline"],
           "addresses": [{"reference": c["fullUrl"]} for c in conditions],
           "note": _triage_notes(ctx) + advice + [{"text": plan["disclaimer"]}]}
    res["period"] = {"start": ctx["date_iso"], **({"end": ctx["review_iso"]} if ctx["review_iso"] and allowed else {})}
    if allowed:
        res["activity"] = [_activity(ex, lang) for ex in ctx["exercises"]]
    if not res["addresses"]:
        del res["addresses"]
    return _entry(_urn(key, "careplan"), res)


def _number(value) -> dict:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(value)
    return {"valueInteger": int(value)} if float(value).is_integer() else {"valueDecimal": float(value)}


def _questionnaire_responses(answers: dict, patient: str, key: str) -> dict[str, dict]:
    """name -> entry; each item is the answer to item number i (1-based); unanswered items carry no answer."""
    out = {}
    for name, values in sorted(answers.items()):
        items = [{"linkId": str(i), **({"answer": [_number(v)]} if v is not None else {})}
                 for i, v in enumerate(values, 1)]
        res = {"resourceType": "QuestionnaireResponse", "status": "completed",
               "questionnaire": f"urn:ptplan:questionnaire:{name}", "subject": {"reference": patient}, "item": items}
        out[name] = _entry(_urn(key, "qr", name), res)
    return out


def _value(name: str, value) -> dict:
    if isinstance(value, str):
        return {"valueCodeableConcept": {"coding": [{"system": SYSTEM["measure"], "code": f"{name}.{value}"}],
                                         "text": value}}
    unit, code = ("%", "%") if name == "odi" else ("score", "{score}")
    return {"valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": code}}


def _measure_code(name: str) -> dict:
    coding = [{"system": SYSTEM["measure"], "code": name, "display": name}]
    if name in LOINC_CODES:
        code, display = LOINC_CODES[name]
        coding.insert(0, {"system": LOINC, "code": code, "display": display})
    return {"coding": coding, "text": name}


def _observation(name: str, result: dict, patient: str, key: str, qr: dict | None, when: str | None) -> dict:
    res = {"resourceType": "Observation", "status": "final", "subject": {"reference": patient},
           "category": [{"coding": [{"system": OBS_CATEGORY, "code": "survey"}]}], "code": _measure_code(name),
           **_value(name, result["score"])}
    parts = [(k, v) for k, v in sorted(result.items()) if k != "score" and isinstance(v, int | float | str)
             and not isinstance(v, bool)]
    if parts:
        res["component"] = [{"code": {"coding": [{"system": SYSTEM["measure"], "code": f"{name}.{k}"}], "text": k},
                             **_value(name if k == "score" else f"{name}.{k}", v)} for k, v in parts]
    if qr:
        res["derivedFrom"] = [{"reference": qr["fullUrl"]}]
    if when:
        res["effectiveDateTime"] = when
    return _entry(_urn(key, "obs", name), res)


def _score(questionnaires: dict | None) -> dict:
    """Score the case's questionnaires with the core's published algorithms (raises InputError if bad)."""
    if not questionnaires:
        return {}
    from ptplan.core.measures import score_questionnaires

    return score_questionnaires(questionnaires)


def bundle(plan: dict, lang: str = "ja", case: dict | None = None, measures: dict | None = None,
           patient_id: str = "patient", **opts) -> dict:
    """The Bundle as a dict. ``case``: case data (its ``questionnaires`` become QuestionnaireResponses);
    ``measures``: scored questionnaires (name -> {score, ...}); defaults to ``plan["measures"]``, else the
    case's questionnaires scored by :func:`ptplan.core.measures.score_questionnaires`."""
    ctx = context.build(plan, lang, **opts)
    key = json.dumps(plan, sort_keys=True, ensure_ascii=False) + patient_id
    patient = _urn(patient_id, "patient")
    conditions = _conditions(plan, patient, key)
    qrs = _questionnaire_responses((case or {}).get("questionnaires") or {}, patient, key)
    when = (case or {}).get("assessed_on")
    scored = measures if measures is not None else plan.get("measures") or _score((case or {}).get("questionnaires"))
    obs = [_observation(n, r, patient, key, qrs.get(n), when) for n, r in sorted(scored.items())
           if isinstance(r, dict) and r.get("score") is not None]
    entries = [_entry(patient, {"resourceType": "Patient", "active": True}), *conditions,
               _careplan(plan, ctx, patient, key, conditions, lang), *obs, *qrs.values()]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def render_fhir(plan: dict, lang: str = "ja", **opts) -> str:
    return json.dumps(bundle(plan, lang, **opts), ensure_ascii=False, indent=2)
