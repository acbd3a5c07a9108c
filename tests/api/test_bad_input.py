"""Bad input gets a clear 4xx naming the field, in the one JSON error shape — never a 500."""

import pytest


def _problems(resp) -> list[dict]:
    body = resp.json()
    assert set(body) == {"error"} and {"code", "message", "problems"} <= set(body["error"])
    return body["error"]["problems"]


def test_it_answers_malformed_json_with_400(world):
    resp = world.client("taro").post("/api/v1/patients", content=b'{"name": ', headers={"content-type": "application/json"})
    assert resp.status_code == 400
    assert _problems(resp)[0]["code"] == "syntax"


def test_it_names_the_field_with_a_wrong_type(world):
    hana = world.clinics["aoba"].patient_id
    resp = world.client("taro").post(f"/api/v1/patients/{hana}/sessions",
                                     json={"date": "yesterday", "pain_after": 11})
    assert resp.status_code == 422
    assert {p["field"] for p in _problems(resp)} == {"date", "pain_after"}


def test_it_names_unknown_fields(world):
    resp = world.client("taro").post("/api/v1/patients", json={"name": "Ken", "ssn": "123"})
    assert resp.status_code == 422 and _problems(resp)[0] == {**_problems(resp)[0], "field": "ssn",
                                                              "message": "unknown field"}


def test_it_prefixes_case_problems_with_case(world):
    hana = world.clinics["aoba"].patient_id
    resp = world.client("taro").post(f"/api/v1/patients/{hana}/assessments",
                                     json={"case": {"demographics": {"age": "old"}}})
    assert resp.status_code == 422
    assert _problems(resp)[0]["field"] == "case.demographics.age"


def test_it_rejects_a_bad_preview_case_with_the_field(world):
    resp = world.client().post("/api/v1/plans:preview", json={"pain": [{"site": "elbow"}]})
    assert resp.status_code == 422
    assert _problems(resp)[0]["field"].startswith("pain.0.site")


def test_it_refuses_a_huge_body_with_413(world):
    resp = world.client("taro").post("/api/v1/plans:preview", content=b"[" + b"1," * 600_000 + b"1]",
                                     headers={"content-type": "application/json"})
    assert resp.status_code == 413
    assert _problems(resp)[0]["code"] == "too_large"


def test_it_refuses_a_huge_chunked_body_with_413(world):
    def chunks():
        for _ in range(20):
            yield b" " * 100_000

    resp = world.client("taro").post("/api/v1/plans:preview", content=chunks(),
                                     headers={"content-type": "application/json"})
    assert resp.status_code == 413


@pytest.mark.parametrize("path", ["/patients/999999", "/assessments/999999", "/plans/999999",
                                  "/patients/999999/timeline", "/users/999999"])
def test_it_answers_unknown_ids_with_404_naming_the_id(world, path):
    resp = world.client("ayako").get("/api/v1" + path)
    assert resp.status_code == 404
    assert _problems(resp)[0]["field"].endswith("_id")


@pytest.mark.parametrize("path", ["/patients/0", "/patients/-1", "/patients/abc", "/patients/99999999999999999999999"])
def test_it_answers_impossible_ids_with_422(world, path):
    resp = world.client("taro").get("/api/v1" + path)
    assert resp.status_code == 422 and _problems(resp)[0]["field"] == "patient_id"


def test_it_answers_an_unknown_route_with_the_json_error(world):
    resp = world.client().get("/api/v1/nothing-here")
    assert resp.status_code == 404 and _problems(resp)[0]["code"] == "not_found"


def test_it_refuses_nul_characters_in_text(world):
    resp = world.client("taro").post("/api/v1/patients", json={"name": "Ken\u0000"})
    assert resp.status_code == 422 and _problems(resp)[0]["field"] == "name"


def test_it_refuses_out_of_range_paging(world):
    resp = world.client("taro").get("/api/v1/patients", params={"limit": 100000})
    assert resp.status_code == 422 and _problems(resp)[0]["field"] == "limit"


def test_it_names_the_questionnaire_item_out_of_range(world):
    hana = world.clinics["aoba"].patient_id
    resp = world.client("taro").post(f"/api/v1/patients/{hana}/measures",
                                     json={"name": "odi", "answers": [1] * 9 + [9], "taken_on": "2026-02-01"})
    assert resp.status_code == 422
    assert _problems(resp)[0]["field"] == "answers.item[10]"


def test_it_names_an_unknown_measure(world):
    hana = world.clinics["aoba"].patient_id
    resp = world.client("taro").post(f"/api/v1/patients/{hana}/measures",
                                     json={"name": "made_up", "answers": [1], "taken_on": "2026-02-01"})
    assert resp.status_code == 422 and _problems(resp)[0]["field"] == "name"


def test_it_names_a_test_id_the_knowledge_base_does_not_know(world):
    hana = world.clinics["aoba"].patient_id
    case = {"tests": {"made_up_test": {"value": 1}}}
    preview = world.client().post("/api/v1/plans:preview", json=case)
    stored = world.client("taro").post(f"/api/v1/patients/{hana}/assessments", json={"case": case})
    assert preview.status_code == stored.status_code == 422
    assert _problems(preview)[0]["field"].startswith("tests.made_up_test")
    assert _problems(stored)[0]["field"].startswith("case.tests.made_up_test")
