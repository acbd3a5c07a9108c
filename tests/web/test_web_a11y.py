"""Accessible basics checked on the rendered HTML: every visible input has a label, one h1, lang set."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from conftest import login


class Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict] = []
        self.label_for: set[str] = set()
        self.label_depth = 0
        self.h1 = 0
        self.lang = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label":
            self.label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.inputs.append({**a, "_in_label": self.label_depth > 0, "_tag": tag})

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth -= 1


def unlabelled(html: str) -> tuple[list[str], Inputs]:
    p = Inputs()
    p.feed(html)
    missing = [i.get("name") or i["_tag"] for i in p.inputs
               if not i["_in_label"] and i.get("id") not in p.label_for and not i.get("aria-label")]
    return missing, p


@pytest.mark.parametrize(("who", "path"), [
    (None, "/login"), (None, "/self-check"), ("therapist1", "/patients"), ("therapist1", "/patients/{patient_id}/assess"),
    ("therapist1", "/plans/{plan_id}"), ("patient1", "/me"), ("admin1", "/admin"), ("admin1", "/admin/audit")])
def test_it_labels_every_input(app, who, path):
    from fastapi.testclient import TestClient

    client = login(app, who) if who else TestClient(app)
    r = client.get(path.format(**app.state.seeded))
    assert r.status_code == 200
    missing, parsed = unlabelled(r.text)
    assert parsed.inputs, "the page should have inputs"
    assert not missing, f"inputs without a label on {path}: {missing}"
    assert parsed.h1 == 1 and parsed.lang == "ja"
