"""Loading the clinical vignettes (tests/vignettes/*.yaml) and what a vignette's plan is checked against.

A vignette is a case (a named base from ``_bases.yaml`` with the vignette's ``case`` laid over it) and the
outcome the guideline criterion expects (``expect``). README.md in this folder describes the format.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ptplan.core.case import Case
from ptplan.core.case_io import validate_case
from ptplan.core.exclusions import excluded
from ptplan.core.facts import build_facts
from ptplan.core.findings import derive_findings
from ptplan.core.kb.loader import default_kb
from ptplan.core.kb_index import index_of
from ptplan.core.measures import score_questionnaires
from ptplan.core.norms import lookup_for
from ptplan.core.services import make_plan

HERE = Path(__file__).parent
KB = default_kb()
KINDS = ("positive", "near_miss")
ADAPTERS = ("cli_text", "cli_json", "handout_md", "handout_html", "fhir", "self_check", "self_check_cli",
            "web_banner", "web_plan", "web_self_check")


def merge(base: Any, over: Any) -> Any:
    """``over`` laid on ``base``: mappings merge key by key, anything else (lists too) is replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        return {**base, **{k: merge(base.get(k), v) for k, v in over.items()}}
    return over


def load_all() -> list[dict]:
    bases = yaml.safe_load((HERE / "_bases.yaml").read_text(encoding="utf-8"))
    out = []
    for path in sorted(HERE.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        for v in yaml.safe_load(path.read_text(encoding="utf-8")):
            base = bases[v["base"]] if v.get("base") else {}
            out.append({**v, "file": path.name, "case_data": merge(base, v.get("case") or {})})
    return out


def case_of(v: dict) -> Case:
    return validate_case(v["case_data"], KB)


@dataclass
class Outcome:
    """Everything a check may look at for one vignette."""

    case: Case
    plan: dict
    facts: dict
    norms: Any

    @property
    def flags(self) -> list[str]:
        return [f["id"] for f in self.plan["triage"]["flags"]]

    @property
    def exercises(self) -> list[dict]:
        return [e for c in self.plan["program"]["components"] for e in c["exercises"]]

    def exclusion_groups(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for g in excluded(KB, self.facts, self.norms):
            out.setdefault(g["id"], set()).update(g["exercises"], g["advice"])
        return out

    def cautioned_by(self, rule: str) -> set[str]:
        idx = index_of(KB)
        return {eid for eid, checks in idx.cautions.items()
                for c in checks if c.source == rule and c.fn(self.facts, self.norms)}

    def fired_adjustments(self) -> set[str]:
        return {a.id for a, fn in index_of(KB).adjustments if fn(self.facts, self.norms)}


def outcome(v: dict, lang: str = "ja") -> Outcome:
    case = case_of(v)
    measures = score_questionnaires(case.questionnaires, KB)
    facts = build_facts(case, measures)
    norms = lookup_for(KB, case.demographics.age, case.demographics.sex)
    derive_findings(case, KB, facts, norms)
    return Outcome(case, make_plan(case, lang, KB), facts, norms)


def self_check_answers(v: dict) -> dict:
    """The vignette's case as the flat answers of the self-check (red flags, pain sites, age)."""
    data = v["case_data"]
    answers = {"red_flags": dict(data.get("red_flags") or {}),
               "pain": [p["site"] for p in data.get("pain", []) if p["site"] in ("low_back", "knee", "buttock",
                                                                                    "thigh", "leg")]}
    age = (data.get("demographics") or {}).get("age")
    if age is not None:
        answers["age"] = age
    return answers

