"""Property-based API test against the published OpenAPI schema: no 5xx, responses match the schema.

Runs as therapist taro of Aoba clinic on SQLite with a few examples per operation to keep CI fast.
The app is built at import because schemathesis parametrizes from a schema object.
"""

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from personas import build_world
from schemathesis import checks

from ptplan.store.db import make_engine

_TMP = Path(tempfile.mkdtemp(prefix="ptplan-schemathesis-"))
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
WORLD = build_world(make_engine(f"sqlite:///{_TMP / 'api.sqlite3'}"), _TMP)
# Revoking tokens or logging out would only turn later examples into 401s.
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", WORLD.app).exclude(
    path_regex=r"/auth/(tokens/\{token_id\}|logout)$")
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance]


@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_never_fails_or_breaks_its_schema(case):
    # What the issue asks: no 5xx, and every response (status, type, body) as the schema documents it.
    # Positive-data acceptance is left out: cases valid for the JSON schema may still name a test id the
    # knowledge base does not know, which is a correct 422.
    case.call_and_validate(headers={"Authorization": f"Bearer {WORLD.tokens['taro']}"}, checks=CHECKS)
