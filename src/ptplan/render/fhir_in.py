"""Read a self-check FHIR QuestionnaireResponse as ptplan case data, and write one from a case.

The self-check questionnaire (``urn:ptplan:questionnaire:self-check``) names each item by the case field
it fills, so no lookup table can drift out of step with the case model:

- ``demographics.age`` / ``history.onset_order`` / ``symptoms.worse_sitting`` … → that field
  (valueInteger, valueDecimal, valueBoolean, valueString or valueCoding.code);
- ``red_flags.<question id>`` → ``yes`` / ``no`` / ``unknown`` (valueCoding.code or valueBoolean);
- ``pain.<site>.<field>`` (e.g. ``pain.knee.nrs``, ``pain.knee.side``) → one entry of ``pain`` per site;
- ``questionnaires.<name>`` → a group whose items ``1``, ``2``, … hold the item answers in order;
- list fields (``symptoms.helps``, ``conditions``, ``goals``) → one answer per list element.

The result is validated with :func:`ptplan.core.case_io.validate_case`; a bad answer raises
:class:`InputError` naming the item's linkId.
"""

from __future__ import annotations

from typing import Any

from ptplan.errors import InputError, Problem

QUESTIONNAIRE = "urn:ptplan:questionnaire:self-check"
LIST_FIELDS = {"symptoms.helps", "symptoms.numbness_sites", "conditions", "goals"}
VALUE_KEYS = ("valueBoolean", "valueInteger", "valueDecimal", "valueString", "valueDate")


def _answer_value(answer: dict, link: str) -> Any:
    if "valueCoding" in answer:
        return answer["valueCoding"].get("code")
    for k in VALUE_KEYS:
        if k in answer:
            return answer[k]
    raise InputError.single(f"item[{link}].answer", "expected a value (valueBoolean, valueInteger, valueDecimal, "
                            "valueString or valueCoding)", "fhir_answer", f"項目 {link} の回答に値がありません")


def _values(item: dict) -> list:
    return [_answer_value(a, item.get("linkId", "?")) for a in item.get("answer") or []]


def _set(data: dict, path: list[str], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def _red_flag(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _questionnaire(item: dict) -> list:
    answers: dict[int, Any] = {}
    for sub in item.get("item") or []:
        vals = _values(sub)
        if not str(sub.get("linkId", "")).isdigit():
            raise InputError.single(f"item[{item['linkId']}].item[{sub.get('linkId')}]",
                                    "expected item numbers 1, 2, 3 …", "fhir_link", "設問番号は 1, 2, 3 … です")
        answers[int(sub["linkId"])] = vals[0] if vals else None
    return [answers.get(i) for i in range(1, max(answers, default=0) + 1)]


def _apply(data: dict, pain: dict, item: dict) -> None:
    link = item.get("linkId") or ""
    parts = link.split(".")
    if parts[0] == "questionnaires" and len(parts) == 2:
        data.setdefault("questionnaires", {})[parts[1]] = _questionnaire(item)
        return
    values = _values(item)
    if not values:
        return
    if parts[0] == "pain" and len(parts) == 3:
        pain.setdefault(parts[1], {"site": parts[1]})[parts[2]] = values[0]
    elif parts[0] == "red_flags" and len(parts) == 2:
        data.setdefault("red_flags", {})[parts[1]] = _red_flag(values[0])
    elif link in LIST_FIELDS:
        _set(data, parts, values)
    else:
        _set(data, parts, values[0])


def questionnaire_response_to_case(qr: dict, kb=None) -> dict:
    """Case data (a dict that validates as :class:`ptplan.core.case.Case`) from a self-check response."""
    if not isinstance(qr, dict) or qr.get("resourceType") != "QuestionnaireResponse":
        raise InputError.single("resourceType", "expected a FHIR QuestionnaireResponse", "fhir_type",
                                "FHIR の QuestionnaireResponse が必要です")
    data: dict = {}
    pain: dict[str, dict] = {}
    for item in qr.get("item") or []:
        _apply(data, pain, item)
    if pain:
        data["pain"] = list(pain.values())
    if qr.get("authored"):
        data.setdefault("assessed_on", str(qr["authored"])[:10])
    _validate(data, kb)
    return data


def _validate(data: dict, kb) -> None:
    from ptplan.core.case_io import validate_case

    try:
        validate_case(data, kb)
    except InputError as err:  # point at the FHIR item, which is what the sender can fix
        raise InputError([Problem(f"item[{p.path}]", p.message, p.code, p.message_ja) for p in err.problems]) from err


def _answer(value: Any) -> dict:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueInteger": int(value)} if value.is_integer() else {"valueDecimal": value}
    return {"valueCoding": {"code": value}} if value in ("yes", "no", "unknown") else {"valueString": str(value)}


def _items(prefix: str, data: dict) -> list[dict]:
    out = []
    for key, value in data.items():
        link = f"{prefix}{key}"
        if isinstance(value, dict):
            out += _items(link + ".", value)
        elif isinstance(value, list):
            if value:
                out.append({"linkId": link, "answer": [_answer(v) for v in value]})
        elif value is not None:
            out.append({"linkId": link, "answer": [_answer(value)]})
    return out


def case_to_questionnaire_response(case: dict) -> dict:
    """The reverse: a self-check QuestionnaireResponse carrying ``case`` (only the fields it sets)."""
    data = {k: v for k, v in case.items() if k not in ("pain", "questionnaires", "assessed_on")}
    items = _items("", data)
    for p in case.get("pain") or []:
        items += [{"linkId": f"pain.{p['site']}.{k}", "answer": [_answer(v)]} for k, v in p.items() if v is not None]
    for name, answers in (case.get("questionnaires") or {}).items():
        sub = [{"linkId": str(i), **({"answer": [_answer(v)]} if v is not None else {})}
               for i, v in enumerate(answers, 1)]
        items.append({"linkId": f"questionnaires.{name}", "item": sub})
    qr = {"resourceType": "QuestionnaireResponse", "questionnaire": QUESTIONNAIRE, "status": "completed", "item": items}
    if case.get("assessed_on"):
        qr["authored"] = case["assessed_on"]
    return qr
