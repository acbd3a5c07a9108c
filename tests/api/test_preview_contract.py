"""The preview answers with the engine's plan dict as JSON, skipping FastAPI's response-model round trip
(ptplan.api.routers.preview): the answer must still be exactly what that round trip gives, for every
example case in both languages, and keep its headers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from ptplan.core.plan_model import Plan

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from ptplan.server import create_app
    from ptplan.settings import Settings

    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("preview"), secret_key="test-secret-key-0123456789abcdef"))
    with TestClient(app) as c:
        yield c


def test_there_are_examples_to_check():
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_preview_is_the_plan_model_answer(client, example, lang):
    case = yaml.safe_load(example.read_text(encoding="utf-8"))
    resp = client.post("/api/v1/plans:preview", params={"lang": lang}, json=case)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "application/json"
    assert resp.headers["cache-control"] == "no-store"  # the security headers still wrap it
    plan = resp.json()
    # What FastAPI answered with response_model=Plan, response_model_exclude_unset=True: validate (extra
    # keys are forbidden, so the engine cannot drift from the contract unnoticed) and dump by alias.
    model = TypeAdapter(Plan).validate_python(plan)
    assert TypeAdapter(Plan).dump_python(model, mode="json", by_alias=True, exclude_unset=True) == plan
    assert plan["lang"] == lang


def test_a_bad_case_is_still_a_422_naming_the_field(client):
    resp = client.post("/api/v1/plans:preview", json={"pain": [{"site": "elbow"}]})
    assert resp.status_code == 422
    assert any(p["field"].startswith("pain") for p in resp.json()["error"]["problems"])
