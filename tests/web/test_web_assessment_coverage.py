"""Every case field the safety screen and the reasoning rules read has a field on the web assessment form.

The fact paths come from the knowledge base itself (every condition of the red flags, the conditional red-flag
questions, yellow flags, rules, finding rules, test yields, contraindications, adjustments and exercise
exclusions), are translated to the case paths ``ptplan.core.facts`` builds them from, checked against the case
model, and compared with the form's field catalogue (``forms.sections``). A field left off the form on purpose
is in ``NOT_ON_FORM`` with the reason; anything else missing fails, so a new rule cannot read an input the
clinician has no way to give (as ``history.knee_injury_recent`` once was: the post-injury knee red flags could
never become essential from the form). A stored value of a NOT_ON_FORM field is not lost by a follow-up: it goes
back with the form as a carried part (forms.carried, tests/web/test_web_assessment_follow_up.py)."""

from __future__ import annotations

import typing

import pytest
from pydantic import BaseModel

from ptplan.core import conditions
from ptplan.core.case import Case, PainSite
from ptplan.core.kb.loader import default_kb
from ptplan.web import forms

KB = default_kb()
#: the kinds whose conditions decide safety and reasoning (advice wording and equipment choice are left out)
KINDS = ("red_flags", "red_flag_questions", "yellow_flags", "rules", "finding_rules", "tests", "contraindications",
         "adjustments", "exercises")
#: case paths read by a rule but deliberately not on the form, each with why that is safe
NOT_ON_FORM = {
    "history.back_onset_age": "derived from the age and history.back_duration_weeks when not recorded "
                              "(facts._back_onset_age); both are on the form",
    "pain.neck": "the form assesses low-back and knee pain; the neck is outside its scope (API / self-check)",
    "pain.thoracic": "thoracic pain is asked as the red-flag question thoracic_pain, which the same rule reads",
    "pregnancy.weeks": "the form records pregnancy as a condition; unknown weeks count as 16 or more "
                       "(contraindications.yaml), so leaving them out errs on the safe side",
    "surgeries": "the form records conditions recent_spine_surgery and knee_replacement, which the same rules "
                 "read; operations with dates come through the API",
}


def kb_fact_paths(kb=KB) -> dict[str, set[str]]:
    """fact path -> the KB kinds whose conditions read it (finding leaves left out: they are derived)."""
    out: dict[str, set[str]] = {}

    def walk(kind, obj, depth=0):
        if depth > 8:
            return
        if isinstance(getattr(obj, "parsed", None), (conditions.Leaf, conditions.Node)):
            for leaf in conditions.leaves(obj.parsed):
                if not leaf.path.startswith("finding."):
                    out.setdefault(leaf.path, set()).add(kind)
        elif isinstance(obj, BaseModel):
            for name in type(obj).model_fields:
                walk(kind, getattr(obj, name), depth + 1)
        elif isinstance(obj, dict):
            for v in obj.values():
                walk(kind, v, depth + 1)
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                walk(kind, v, depth + 1)

    for kind in KINDS:
        walk(kind, kb.kind(kind))
    return out


def case_paths(fact: str) -> list[str]:
    """The case paths a fact is built from (ptplan.core.facts), as form field names; ``name:option`` for a
    check-box option; every one is needed."""
    head, _, rest = fact.partition(".")
    parts = rest.split(".") if rest else []
    if fact in ("age", "sex", "height_cm", "weight_kg"):
        return [f"demographics.{fact}"]
    if fact == "bmi":
        return ["demographics.height_cm", "demographics.weight_kg"]
    if fact == "pain.max_nrs":
        return ["pain.low_back.nrs"]
    if head == "pain":  # pain.<site>, pain.<site>.nrs, pain.<site>.side
        return [f"pain.{parts[0]}" if len(parts) == 1 else f"pain.{parts[0]}.{parts[1]}"]
    if head == "red_flag":
        return [f"red_flags.{rest}"]
    if head == "condition":
        return [f"conditions:{rest}"]
    if head == "surgery":
        return ["surgeries"]
    if head == "measure":
        return [f"questionnaires.{parts[0]}"]
    if head == "symptoms" and len(parts) == 2:  # symptoms.numbness.<site>, symptoms.helps.<x>, .aggravating.<x>
        return [f"symptoms.{ {'numbness': 'numbness_sites'}.get(parts[0], parts[0])}:{parts[1]}"]
    if head == "activity" and len(parts) == 2:
        return [f"activity.{parts[0]}:{parts[1]}"]
    if head == "test":
        tid, key = parts[0], parts[1]
        if key == "obs":
            if tid.endswith("_observation"):
                return [f"movement.{tid.removesuffix('_observation')}.observations:{parts[2]}"]
            return [f"tests.{tid}.observations:{parts[2]}"]
        if key == "radicular":
            return [f"tests.{tid}.reproduces_radicular_pain"]
        if key == "per_height":
            return [f"tests.{tid}.value", "demographics.height_cm"]
        if key in ("left", "right", "value", "positive", "side"):
            return [f"tests.{tid}.{key}"]
        return [f"tests.{tid}"]  # min, max, asymmetry, observed: any result of the test
    if head == "movement":
        task, key = parts[0], parts[1]
        if key == "measure":
            return ["movement.*.measure"]
        return [f"movement.{task}" if key in ("observed", "side") else f"movement.{task}.observations:{key}"]
    return [fact]  # history.*, symptoms.*, activity.*, vitals.*, pregnancy.*, clinical_impression.*


def _in_case_model(path: str) -> bool:
    """Does the case model have this path? Keys of a mapping (test ids, red-flag ids, tasks) and the pain site
    (``pain.<site>.<field>``) are taken as given; the KB's own integrity checks cover those ids."""
    name = path.split(":")[0]
    if name == "movement.*.measure":
        return True
    parts = name.split(".")
    if parts[0] == "pain":
        return len(parts) == 2 or parts[2] in PainSite.model_fields
    model: typing.Any = Case
    while parts:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return False
        field = model.model_fields.get(parts.pop(0))
        if field is None:
            return False
        annotation = field.annotation
        if typing.get_origin(annotation) is dict:
            if not parts:
                return True
            parts.pop(0)  # the key
            annotation = typing.get_args(annotation)[1]
        model = _inner(annotation)
    return True


def _inner(annotation):
    """The model inside Optional[...] or list[...], or the annotation itself."""
    if typing.get_origin(annotation) is list:
        return _inner(typing.get_args(annotation)[0])
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if len(args) == 1 and typing.get_origin(annotation) is not typing.Literal:
        return _inner(args[0])
    return annotation


def on_form(path: str, fields: dict[str, forms.Field]) -> bool:
    name, _, option = path.partition(":")
    if option:
        return name in fields and option in fields[name].options
    if name.startswith("pain.") and name.count(".") == 1:  # a site hurts: its NRS, or the complaint (back, knee)
        site = name.split(".")[1]
        return f"{name}.nrs" in fields or any(site in sites for sites in forms.COMPLAINTS.values())
    return name in fields or any(f.startswith(name + ".") for f in fields)


def missing_from_form(kb=KB) -> dict[str, list[str]]:
    fields = forms.all_fields(forms.sections(kb))
    out: dict[str, list[str]] = {}
    for fact in kb_fact_paths(kb):
        for path in case_paths(fact):
            key = path.split(":")[0] if path.startswith("questionnaires.") else path
            if not on_form(path, fields) and key not in NOT_ON_FORM:
                out.setdefault(path, []).append(fact)
    return out


def test_the_kb_reads_the_fields_this_test_knows_how_to_map():
    facts = kb_fact_paths()
    # the safety screen's own inputs are among them, so the walk over the KB really reaches its conditions
    assert {"history.knee_injury_recent", "red_flag.saddle_numbness", "vitals.temperature_c"} <= set(facts)
    assert "red_flag_questions" in facts["history.knee_injury_recent"]
    unknown = sorted(p for f in facts for p in case_paths(f) if p not in NOT_ON_FORM and not _in_case_model(p))
    assert unknown == [], f"fact paths that map to no case field (extend case_paths): {unknown}"


def test_every_case_field_the_screen_and_the_rules_read_has_a_form_field():
    missing = missing_from_form()
    assert missing == {}, ("case fields the KB reads with no field on the assessment form (add one, or add a "
                           f"reviewed NOT_ON_FORM entry with the reason): {missing}")


def test_every_allow_list_entry_is_still_needed_and_explained():
    fields = forms.all_fields(forms.sections(KB))
    read = {p.split(":")[0] if p.startswith("questionnaires.") else p for f in kb_fact_paths() for p in case_paths(f)}
    for path, reason in NOT_ON_FORM.items():
        assert path in read, f"{path}: no rule reads it any more; drop it from NOT_ON_FORM"
        assert not on_form(path, fields), f"{path} is on the form now; drop it from NOT_ON_FORM"
        assert len(reason) > 30


@pytest.mark.parametrize("path", ["history.knee_injury_recent", "tests.passive_slr.reproduces_radicular_pain"])
def test_the_check_fails_when_a_field_the_screen_reads_is_left_off(path):
    """Take one field off the catalogue: the comparison notices (the test above can fail)."""
    fields = forms.all_fields(forms.sections(KB))
    del fields[path]
    assert not on_form(path, fields)
