"""The vignette suite reuses the web tests' app, live server and browser fixtures (tests/web/conftest.py),
so the browser vignettes run against the same server set-up as every other browser test."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("web_fixtures", Path(__file__).parents[1] / "web" / "conftest.py")
web_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(web_fixtures)

app = web_fixtures.app
therapist = web_fixtures.therapist
patient_client = web_fixtures.patient_client
live_server = web_fixtures.live_server
browser = web_fixtures.browser
context = web_fixtures.context
