"""Flatten a case into the fact mapping that knowledge-base conditions read.

Fact paths (what a rule file may name after ``fact:``)::

    age  sex  bmi  height_cm  weight_kg
    pain.<site>                 true when that site hurts (low_back, knee, buttock, thigh, leg, ...)
    pain.<site>.nrs             highest NRS recorded for the site;  pain.max_nrs  over all sites
    pain.<site>.side            left / right / both
    history.<field>             e.g. history.onset_order, history.back_duration_weeks
    history.back_onset_age      as recorded, else age minus the back pain's duration (whole years)
    symptoms.<field>            e.g. symptoms.worse_sitting;  symptoms.numbness.<site> for numbness sites,
                                symptoms.helps.<x>, symptoms.aggravating.<activity>
    red_flag.<question>         yes / no / unknown (always present)
    condition.<id>              true for each medical condition recorded (pregnancy and joint
                                replacements also from the pregnancy and surgeries sections)
    vitals.temperature_c        measured body temperature
    pregnancy.weeks  pregnancy.pelvic_girdle_pain
    surgery.<group>             true when an operation of the group is recorded (spine, knee_replacement,
    surgery.<group>.weeks         hip_replacement, knee, other); weeks since it (none when any date or the
    surgery.<group>.side          assessment date is unknown); its side
    test.<id>.value|left|right|positive|min|max|asymmetry|side|radicular|observed   test.<id>.obs.<observation>
    movement.<task>.<observation>     movement.<task>.measure.<name>   movement.<task>.side|observed
    activity.<field>            activity.home_equipment.<equipment>
    clinical_impression.fear_avoidance
    measure.<name>.<key>        scored questionnaire results (see ptplan.core.measures)
    finding.<id>                true when the finding is present (added by the findings step)
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ptplan.core.case import Activity, Case, ClinicalImpression, History, Pregnancy, Symptoms, Vitals

FIXED = {"age", "sex", "bmi", "height_cm", "weight_kg", "pain.max_nrs"}
TEST_KEYS = {"value", "left", "right", "positive", "min", "max", "asymmetry", "side", "radicular", "observed"}
WEEKS_PER_YEAR = 52.18
SURGERY_GROUP = {"lumbar_decompression": "spine", "lumbar_fusion": "spine", "discectomy": "spine",
                 "spine_other": "spine", "knee_replacement": "knee_replacement", "hip_replacement": "hip_replacement",
                 "knee_other": "knee", "other": "other"}
SURGERY_CONDITION = {"knee_replacement": "knee_replacement", "hip_replacement": "hip_replacement"}
LISTS = {"numbness_sites": "numbness", "helps": "helps", "aggravating": "aggravating"}  # symptom lists -> fact prefix


def build_facts(case: Case, measures: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Facts from the case itself; ``measures`` holds already scored questionnaires."""
    d = case.demographics
    f: dict[str, Any] = {"age": d.age, "sex": d.sex, "bmi": d.bmi, "height_cm": d.height_cm,
                         "weight_kg": d.weight_kg}
    nrs_all = []
    for p in case.pain:
        f[f"pain.{p.site}"] = True
        if p.side:
            prev = f.get(f"pain.{p.site}.side")
            f[f"pain.{p.site}.side"] = p.side if prev in (None, p.side) else "both"
        for v in (p.nrs, p.nrs_worst):
            if v is not None:
                nrs_all.append(v)
        if p.nrs is not None:
            f[f"pain.{p.site}.nrs"] = max(p.nrs, f.get(f"pain.{p.site}.nrs") or 0)
    f["pain.max_nrs"] = max(nrs_all) if nrs_all else None
    for name, value in case.history.model_dump().items():
        f[f"history.{name}"] = value
    f["history.back_onset_age"] = _back_onset_age(case)
    for name, value in case.symptoms.model_dump().items():
        if name in LISTS:
            for item in value:
                f[f"symptoms.{LISTS[name]}.{item}"] = True
        else:
            f[f"symptoms.{name}"] = value
    for qid, answer in case.red_flags.items():
        f[f"red_flag.{qid}"] = answer
    for cid in case.conditions:
        f[f"condition.{cid}"] = True
    f["vitals.temperature_c"] = case.vitals.temperature_c
    if case.pregnancy is not None:
        f["condition.pregnancy"] = True
        f["pregnancy.weeks"] = case.pregnancy.weeks
        f["pregnancy.pelvic_girdle_pain"] = case.pregnancy.pelvic_girdle_pain
    f.update(_surgery_facts(case))
    f["clinical_impression.fear_avoidance"] = case.clinical_impression.fear_avoidance
    for tid, r in case.tests.items():
        f.update(_test_facts(tid, r))
    for task, m in case.movement.items():
        f[f"movement.{task}.observed"] = True
        f[f"movement.{task}.side"] = m.side
        for obs in m.observations:
            f[f"movement.{task}.{obs}"] = True
        for name, value in m.measures.items():
            f[f"movement.{task}.measure.{name}"] = value
    for name, value in case.activity.model_dump().items():
        if name == "home_equipment":
            for item in value:
                f[f"activity.home_equipment.{item}"] = True
        else:
            f[f"activity.{name}"] = value
    for mname, result in (measures or {}).items():
        for key, value in result.items():
            f[f"measure.{mname}.{key}"] = value
    return f


def _back_onset_age(case: Case) -> int | None:
    """Age when the back pain began: as recorded, else age minus duration (ASAS asks for age at onset)."""
    h, age = case.history, case.demographics.age
    if h.back_onset_age is not None:
        return h.back_onset_age
    if age is None or h.back_duration_weeks is None:
        return None
    return max(0, int(age - h.back_duration_weeks / WEEKS_PER_YEAR))


def _weeks_since(when: str | None, assessed_on: str | None) -> float | None:
    if when is None or assessed_on is None:
        return None
    start = date.fromisoformat(when if len(when) == 10 else when + "-01")
    return round((date.fromisoformat(assessed_on) - start).days / 7, 1)


def _surgery_facts(case: Case) -> dict[str, Any]:
    out: dict[str, Any] = {}
    weeks: dict[str, list[float | None]] = {}
    for s in case.surgeries:
        group = SURGERY_GROUP[s.type]
        out[f"surgery.{group}"] = True
        if s.side:
            prev = out.get(f"surgery.{group}.side")
            out[f"surgery.{group}.side"] = s.side if prev in (None, s.side) else "both"
        weeks.setdefault(group, []).append(_weeks_since(s.date, case.assessed_on))
        if s.type in SURGERY_CONDITION:
            out[f"condition.{SURGERY_CONDITION[s.type]}"] = True
    for group, values in weeks.items():
        # unknown timing is kept unknown, so rules can treat it as possibly recent
        out[f"surgery.{group}.weeks"] = None if None in values else min(values)
    return out


def _test_facts(tid: str, r) -> dict[str, Any]:
    p = f"test.{tid}"
    sides = [v for v in (r.left, r.right) if v is not None]
    values = sides or ([r.value] if r.value is not None else [])
    out = {f"{p}.value": r.value, f"{p}.left": r.left, f"{p}.right": r.right, f"{p}.positive": r.positive,
           f"{p}.min": min(values) if values else None, f"{p}.max": max(values) if values else None,
           f"{p}.asymmetry": abs(r.left - r.right) if len(sides) == 2 else None, f"{p}.side": r.side,
           f"{p}.radicular": r.reproduces_radicular_pain, f"{p}.observed": True}
    for obs in r.observations:
        out[f"{p}.obs.{obs}"] = True
    return out


def unknown_fact(path: str, kb) -> str | None:
    """Why ``path`` cannot be a fact for this knowledge base, or ``None`` when it is a valid path."""
    if path in FIXED:
        return None
    head, _, rest = path.partition(".")
    if not rest:
        return f"unknown fact '{path}'"
    first, _, tail = rest.partition(".")
    checks = {
        "pain": lambda: None if first in _pain_sites() and tail in ("", "nrs", "side") else "pain.<site>[.nrs|.side]",
        "history": lambda: None if rest in History.model_fields else f"no history field '{rest}'",
        "symptoms": lambda: _symptom(rest),
        "activity": lambda: _activity(rest),
        "vitals": lambda: None if rest in Vitals.model_fields else f"no vitals field '{rest}'",
        "pregnancy": lambda: None if rest in Pregnancy.model_fields else f"no pregnancy field '{rest}'",
        "clinical_impression": lambda: None if rest in ClinicalImpression.model_fields else f"no field '{rest}'",
        "surgery": lambda: None if first in set(SURGERY_GROUP.values()) and tail in ("", "weeks", "side") else (
            "surgery.<spine|knee_replacement|hip_replacement|knee|other>[.weeks|.side]"),
        "red_flag": lambda: None if rest in kb.red_flag_questions else f"no red-flag question '{rest}'",
        "condition": lambda: None if rest in kb.conditions else f"no condition '{rest}'",
        "finding": lambda: None if rest in kb.findings else f"no finding '{rest}'",
        "test": lambda: _test_path(first, tail, kb),
        "movement": lambda: _movement_path(first, tail, kb),
        "measure": lambda: None if tail else "measure.<name>.<key>",
    }
    if head not in checks:
        return f"unknown fact namespace '{head}'"
    return checks[head]()


def _pain_sites() -> tuple[str, ...]:
    from typing import get_args

    from ptplan.core.case import PainSiteName

    return get_args(PainSiteName)


def _choices(model, field: str) -> tuple:
    from typing import get_args

    (inner,) = get_args(model.model_fields[field].annotation)
    return get_args(inner)


def _symptom(rest: str) -> str | None:
    first, _, tail = rest.partition(".")
    lists = {"numbness": "numbness_sites", "helps": "helps", "aggravating": "aggravating"}
    if first in lists and tail:
        return None if tail in _choices(Symptoms, lists[first]) else f"no {first} choice '{tail}'"
    return None if rest in Symptoms.model_fields else f"no symptom field '{rest}'"


def _activity(rest: str) -> str | None:
    first, _, tail = rest.partition(".")
    if first == "home_equipment" and tail:
        return None if tail in _choices(Activity, "home_equipment") else f"no home equipment '{tail}'"
    return None if rest in Activity.model_fields else f"no activity field '{rest}'"


def _test_path(tid: str, tail: str, kb) -> str | None:
    if tid not in kb.tests:
        return f"no test '{tid}'"
    if tail.startswith("obs."):
        obs = tail[4:]
        return None if obs in kb.tests[tid].record.choices else f"test '{tid}' has no observation '{obs}'"
    return None if tail in TEST_KEYS else f"test.<id>.<{'|'.join(sorted(TEST_KEYS))}>"


def _movement_path(task: str, tail: str, kb) -> str | None:
    if task not in ("squat", "forward_bend", "gait", "single_leg_stance"):
        return f"no movement task '{task}'"
    if tail.startswith("measure.") or tail in ("side", "observed"):
        return None
    test = kb.tests.get(f"{task}_observation")
    if test is None:
        return f"no test '{task}_observation' defines the observations of {task}"
    return None if tail in test.record.choices else f"'{task}' has no observation '{tail}'"
