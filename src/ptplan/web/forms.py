"""The assessment form: built from the knowledge base, read back into a case, errors mapped to fields.

Field names are the case's own dotted paths (``demographics.age``, ``tests.passive_slr.left``,
``red_flags.saddle_numbness``) so an ``InputError`` problem path names its input directly. Two
exceptions are translated both ways: pain sites (``pain.knee.nrs`` ↔ ``pain.<index>.nrs``) and
questionnaire items (``questionnaires.odi.3`` ↔ the list position 3, counted from 0).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

from ptplan.core.case import Case
from ptplan.core.case_io import validate_case
from ptplan.core.facts import SURGERY_CONDITION
from ptplan.core.kb.loader import default_kb
from ptplan.errors import InputError, Problem

PAIN_SITES = ("low_back", "knee", "buttock", "thigh", "leg")
TASKS = ("squat", "forward_bend", "gait", "single_leg_stance")
YES_NO = ("yes", "no")
# Item counts and ranges, used only while the measures knowledge (kb kind "measures") is not on main.
QUESTIONNAIRES = ("nrs", "odi", "rmdq", "start_back", "fabq", "koos12", "locomo25")
OPTIONS = {
    "sex": ("female", "male", "other"), "side": ("left", "right", "both"),
    "onset_order": ("back_first", "knee_first", "together", "unknown"),
    "onset_trigger": ("none", "minor_strain", "lifting", "fall", "sport", "major_trauma", "unknown"),
    "directional_preference": ("unknown", "none", "flexion", "extension"), "irritability": ("low", "moderate", "high"),
    "level": ("sedentary", "light", "moderate", "active"),
    "occupation": ("desk", "standing", "manual", "driving", "homemaker", "retired", "student", "other"),
    "helps": ("heat", "cold", "rest", "movement", "walking", "lying", "sitting"),
    "knee_diagnosis": ("osteoarthritis", "meniscus", "ligament", "patellofemoral", "other", "none", "unknown"),
    "back_diagnosis": ("spinal_stenosis", "disc_herniation", "spondylolisthesis", "other", "none", "unknown"),
    "onset_speed": ("sudden", "gradual", "unknown"), "fear_avoidance": ("low", "moderate", "high"),
}
SYMPTOMS = ("worse_sitting", "worse_standing", "worse_standing_up", "worse_walking", "worse_bending", "worse_extension",
            "worse_stairs", "eases_with_movement", "eased_by_rest", "morning_stiffness_back", "morning_stiffness_knee",
            "night_pain", "back_heaviness_to_thigh", "numbness", "numbness_below_knee", "knee_swelling", "knee_warmth",
            "knee_giving_way")
#: pain sites asked with an NRS besides the low back and the knee (a site with a number typed counts as painful)
OTHER_PAIN_SITES = ("buttock", "thigh", "leg")
#: minus and plus signs as Japanese input methods type them (U+2212, full-width, the katakana long-vowel mark)
SIGNS = str.maketrans({"−": "-", "－": "-", "ー": "-", "‐": "-", "＋": "+", "．": "."})
INTEGER_FIELDS = {"demographics.age", "history.previous_episodes", "activity.exercise_days_per_week"}


@dataclass
class Field:
    name: str
    kind: str  # number | select | yesno | radio3 | checks | text | textarea
    label: str  # a msgid, or a ready text when ``label_is_text``
    options: tuple = ()
    unit: str = ""
    lo: float | None = None
    hi: float | None = None
    label_is_text: bool = False
    redraw: bool = False  # a change redraws the form (htmx): it changes the red flags or tests the form opens
    help: str = ""  # a msgid shown under the label (e.g. the sign convention of a field)
    choices: tuple = ()  # kind "scale": (code as posted, anchor Text or None) per answer
    negate: bool = False  # the form shows the opposite sign of the case value (JOA notation of extension deficits)
    option_labels: dict = field(default_factory=dict)  # option -> Text, where the KB names the options


@dataclass
class Section:
    id: str
    title: str
    fields: list[Field] = field(default_factory=list)
    groups: list = field(default_factory=list)  # (title Text, procedure Text | None, [Field]) per test / question group
    collapsed: bool = False  # shown folded (a <details>) in the complaint-first layout
    banner: bool = False  # the live triage banner sits above this section's red-flag questions
    hint: str = ""  # a msgid shown under the title

    @property
    def flag_groups(self) -> list:
        """The red-flag question groups (answered yes / no / don't know, with the live triage banner)."""
        return [g for g in self.groups if _is_flag_group(g)]

    @property
    def test_groups(self) -> list:
        """The other groups: tests, movement tasks, questionnaires."""
        return [g for g in self.groups if not _is_flag_group(g)]


def _is_flag_group(group: tuple) -> bool:
    return bool(group[2]) and group[2][0].name.startswith("red_flags.")


#: 主訴 (the chief complaint) -> its pain sites; not a case field, it only opens the form on what it needs and
#: records the sites as painful (a site with no NRS typed yet still counts, so its red flags are screened)
COMPLAINTS = {"back": ("low_back",), "knee": ("knee",), "both": ("low_back", "knee")}
#: the interview fields asked with the complaint, per pain site, and when both hurt
COMPLAINT_FIELDS = {"low_back": ("pain.low_back.nrs", "pain.low_back.nrs_worst", "history.back_duration_weeks"),
                    "knee": ("pain.knee.nrs", "pain.knee.nrs_worst", "pain.knee.side", "history.knee_duration_weeks",
                             "history.knee_injury_recent")}
BOTH_FIELDS = ("history.onset_order", "history.onset_gap_weeks")


def complaint_of(form) -> str:
    """The complaint posted (``back``, ``knee``, ``both``), or "" for none or anything else."""
    value = form.get("complaint") if hasattr(form, "get") else None
    value = value[-1] if isinstance(value, list) and value else value
    return value if isinstance(value, str) and value in COMPLAINTS else ""


def complaint_from_case(case: dict) -> str:
    """The complaint a stored case implies (its low-back and knee pain sites), for a follow-up."""
    sites = {p.get("site") for p in case.get("pain") or [] if isinstance(p, dict)}
    return next((c for c, need in reversed(COMPLAINTS.items()) if set(need) <= sites), "")


#: fields of the patient record (not of the case), saved to the patient when the assessment is saved
RECORD_FIELDS = ("patient.chart_number", "patient.furigana")


def record_fields(kb) -> list[Field]:
    """Who the patient is and what is already known: the record's numbers, age and sex (filled in from the
    patient record), the diagnoses, the comorbidities of the KB's conditions, and a free note."""
    conditions = kb.kind("conditions")
    return [Field("patient.chart_number", "text", "patients.chart_number"),
            Field("patient.furigana", "text", "patients.furigana"),
            Field("demographics.age", "number", "f.age", unit="years", lo=10, hi=110),
            Field("demographics.sex", "select", "f.sex", OPTIONS["sex"]),
            Field("demographics.height_cm", "number", "f.height", unit="cm", lo=100, hi=230),
            Field("demographics.weight_kg", "number", "f.weight", unit="kg", lo=25, hi=300),
            Field("history.knee_diagnosis", "select", "f.knee_diagnosis", OPTIONS["knee_diagnosis"]),
            Field("history.back_diagnosis", "select", "f.back_diagnosis", OPTIONS["back_diagnosis"]),
            Field("conditions", "checks", "f.conditions", tuple(conditions),
                  option_labels={cid: c.name for cid, c in conditions.items()}),
            Field("notes", "longtext", "f.notes")]


def interview_fields() -> list[Field]:
    f = []
    for site in ("low_back", "knee"):
        f += [Field(f"pain.{site}.nrs", "number", f"f.pain_{site}", unit="0-10", lo=0, hi=10),
              Field(f"pain.{site}.nrs_worst", "number", f"f.pain_{site}_worst", unit="0-10", lo=0, hi=10)]
    f += [Field(f"pain.{site}.nrs", "number", f"f.pain_{site}", unit="0-10", lo=0, hi=10) for site in OTHER_PAIN_SITES]
    f += [Field("pain.knee.side", "select", "f.knee_side", OPTIONS["side"]),
          Field("history.back_duration_weeks", "number", "f.back_weeks", unit="weeks", lo=0, hi=5200),
          Field("history.knee_duration_weeks", "number", "f.knee_weeks", unit="weeks", lo=0, hi=5200),
          # the knee-injury red flags (Ottawa knee rule, dislocation, extensor mechanism) become essential with it
          Field("history.knee_injury_recent", "yesno", "f.knee_injury_recent", YES_NO, redraw=True),
          Field("history.onset_order", "select", "f.onset_order", OPTIONS["onset_order"]),
          Field("history.onset_gap_weeks", "number", "f.onset_gap_weeks", unit="weeks", lo=0, hi=5200),
          Field("history.onset_speed", "select", "f.onset_speed", OPTIONS["onset_speed"]),
          Field("history.onset_trigger", "select", "f.onset_trigger", OPTIONS["onset_trigger"]),
          Field("history.previous_episodes", "number", "f.previous_episodes", lo=0, hi=100)]
    f += [Field(f"symptoms.{s}", "yesno", f"f.{s}", YES_NO) for s in SYMPTOMS]
    f += [Field("symptoms.directional_preference", "select", "f.directional_preference", OPTIONS["directional_preference"]),
          Field("symptoms.irritability", "select", "f.irritability", OPTIONS["irritability"]),
          Field("symptoms.helps", "checks", "f.helps", OPTIONS["helps"]),
          Field("vitals.temperature_c", "number", "f.temperature", unit="celsius", lo=33, hi=43),
          Field("clinical_impression.fear_avoidance", "select", "f.fear_avoidance", OPTIONS["fear_avoidance"]),
          Field("activity.level", "select", "f.activity_level", OPTIONS["level"]),
          Field("activity.occupation", "select", "f.occupation", OPTIONS["occupation"]),
          Field("activity.sitting_hours_per_day", "number", "f.sitting_hours", unit="h", lo=0, hi=24),
          Field("activity.exercise_days_per_week", "number", "f.exercise_days", lo=0, hi=7),
          Field("activity.can_get_to_floor", "yesno", "f.can_get_to_floor", YES_NO),
          Field("goals", "textarea", "f.goals")]
    return f


def red_flag_groups(kb, self_check_only: bool = False) -> list:
    """Red-flag questions grouped by region: the patient's wording on the self-check, the clinician's otherwise."""
    groups: dict[str, list[Field]] = {}
    for q in kb.red_flag_questions.values():
        if self_check_only and not q.self_check:
            continue
        label = q.text if self_check_only else q.clinician
        groups.setdefault(q.region, []).append(
            Field(f"red_flags.{q.id}", "radio3", label, ("yes", "no", "unknown"), label_is_text=True))
    return [(f"region.{region}", None, fields) for region, fields in groups.items()]


def questionnaire_fields(entry) -> list[Field]:
    """One input per item: a row of answer buttons where the measure lists its answer codes, else a number."""
    out = []
    for i, item in enumerate(entry.items):
        lo, hi = entry.item_ranges.get(i + 1, (entry.item_min, entry.item_max))
        options = entry.options_for(i + 1)
        if options:
            choices = tuple((f"{o.value:g}", o.label) for o in options)
            out.append(Field(f"questionnaires.{entry.id}.{i}", "scale", item, tuple(c for c, _ in choices), lo=lo,
                             hi=hi, label_is_text=True, choices=choices))
        else:
            out.append(Field(f"questionnaires.{entry.id}.{i}", "number", item, lo=lo, hi=hi, label_is_text=True))
    return out


def questionnaire_groups(kb, names=QUESTIONNAIRES) -> list:
    measures = kb.kind("measures")
    return [(measures[name].name, None, questionnaire_fields(measures[name])) for name in names if name in measures]


def test_fields(test) -> list[Field]:
    rec, base = test.record, f"tests.{test.id}"
    # no redraw on a result: a form swapped in while the next result is being typed would lose it (the
    # 「表示を更新」 button re-ranks 「プランを左右する検査」)
    if rec.kind == "positive":
        return [Field(f"{base}.positive", "yesno", "f.result", YES_NO)]
    if rec.kind == "checklist":
        return [Field(f"{base}.observations", "checks", "f.observations", tuple(rec.choices))]
    lo, hi = rec.min, rec.max
    if rec.negate:  # entered as written in the JOA notation: a 10° lack of extension is −10°
        lo, hi = (None if hi is None else -hi), (None if lo is None else -lo)
    extra = {"negate": rec.negate, "help": "f.help.negated_angle" if rec.negate else ""}
    if rec.sided:
        out = [Field(f"{base}.{side}", "number", f"f.{side}", unit=rec.unit, lo=lo, hi=hi, **extra)
               for side in ("left", "right")]
    else:
        out = [Field(f"{base}.value", "number", "f.value", unit=rec.unit, lo=lo, hi=hi, **extra)]
    if getattr(rec, "symptom_reproduction", False):  # e.g. SLR: the familiar radiating leg pain came on (Lasègue)
        out.append(Field(f"{base}.reproduces_radicular_pain", "yesno", "f.reproduces_radicular_pain", YES_NO))
    return out


def sections(kb=None) -> list[Section]:
    kb = kb or default_kb()
    tests = [t for t in kb.tests.values() if not t.id.endswith("_observation")]
    movement = []
    for task in TASKS:
        obs = kb.tests.get(f"{task}_observation")
        if obs is not None:
            movement.append((obs.name, obs.procedure, [Field(f"movement.{task}.observations", "checks", "f.observations",
                                                              tuple(obs.record.choices))]))
    return [Section("record", "sec.record", record_fields(kb)),
            Section("interview", "sec.interview", interview_fields(), red_flag_groups(kb), banner=True),
            Section("questionnaires", "sec.questionnaires", [], questionnaire_groups(kb)),
            Section("tests", "sec.tests", [], [(t.name, t.procedure, test_fields(t)) for t in tests]),
            Section("movement", "sec.movement", [], movement)]


def group_test(fields: list[Field]) -> str:
    """The KB test id a group of fields records (``tests.aslr.positive`` -> aslr; ``movement.squat.observations``
    -> squat_observation), "" for a group that is no test."""
    parts = fields[0].name.split(".") if fields else []
    if parts[:1] == ["tests"]:
        return parts[1]
    return f"{parts[1]}_observation" if parts[:1] == ["movement"] else ""


def groups_by_test(secs: list[Section]) -> dict[str, tuple]:
    """The test and movement-task groups of the form by the KB test id they record (:func:`group_test`)."""
    return {group_test(g[2]): g for s in secs if s.id in ("tests", "movement") for g in s.groups}


def group_anchor(fields: list[Field]) -> str:
    """The id of a test group on the page (``tests.aslr.value`` -> grp-tests-aslr; movement tasks apart from tests
    of the same name)."""
    return "grp-" + fields[0].name.rsplit(".", 1)[0].replace(".", "-") if fields else ""


def focused(secs: list[Section], complaint: str, essential: list[str], plan_tests: list[str]) -> list[Section]:
    """The complaint-first layout: 主訴 with its pain fields, the red-flag questions the complaint's regions can
    need (every one the safety screen needs, so it can reach a result), the tests that would change the plan,
    then every other section folded. Each field is in exactly one section, so what is posted does not depend on
    the layout. No complaint: the sections as they are, all open.

    Only the open sections redraw the form when a ``redraw`` field changes (a recent knee injury opens its red
    flags); in a folded section, or with no complaint, nothing would move, and a redraw would fold a section the
    clinician has opened."""
    if complaint not in COMPLAINTS:
        return [_quiet(sec) for sec in secs]
    by_name = all_fields(secs)
    sites = COMPLAINTS[complaint]
    names = [n for site in sites for n in COMPLAINT_FIELDS[site]] + (list(BOTH_FIELDS) if len(sites) > 1 else [])
    first = [by_name[n] for n in names if n in by_name]
    wanted = {f"red_flags.{q}" for q in essential}
    flags = []
    for title, proc, fields in next((s.groups for s in secs if s.id == "interview"), []):
        mine = [f for f in fields if f.name in wanted]
        if mine:
            flags.append((title, proc, mine))
    tests = groups_by_test(secs)
    chosen = [tests[t] for t in dict.fromkeys(plan_tests) if t in tests]
    taken = {f.name for f in first} | {f.name for _t, _p, fs in flags + chosen for f in fs}
    out = [Section("complaint", "sec.complaint", first),
           Section("essential_flags", "sec.essential_flags", [], flags, banner=True, hint="assess.essential_hint"),
           Section("plan_tests", "sec.plan_tests", [], chosen, hint="assess.plan_tests_hint")]
    for sec in secs:
        groups = [(t, p, [f for f in fs if f.name not in taken]) for t, p, fs in sec.groups]
        out.append(_quiet(Section(sec.id, sec.title, [f for f in sec.fields if f.name not in taken],
                                  [g for g in groups if g[2]], collapsed=True)))
    return out


def _quiet(sec: Section) -> Section:
    """The section with no field that redraws the form."""
    return replace(sec, fields=[replace(f, redraw=False) for f in sec.fields],
                   groups=[(t, p, [replace(f, redraw=False) for f in fs]) for t, p, fs in sec.groups])


def all_fields(secs: list[Section]) -> dict[str, Field]:
    out = {}
    for sec in secs:
        for f in sec.fields:
            out[f.name] = f
        for _title, _proc, fields in sec.groups:
            for f in fields:
                out[f.name] = f
    return out


# --- reading the posted form -----------------------------------------------------------------

def _number(raw: str, name: str, problems: list[Problem]) -> float | int | None:
    raw = raw.strip().replace(",", ".").replace("，", ".").translate(SIGNS)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        problems.append(Problem(name, f"expected a number, got {raw!r}", "not_a_number",
                                f"数値を入力してください（入力: {raw}）"))
        return None
    return int(value) if name in INTEGER_FIELDS and value.is_integer() else value


def _put(data: dict, path: str, value) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


def read_form(form, fields: dict[str, Field]) -> tuple[dict, list[Problem]]:
    """The case dict from a posted form plus the problems found while reading it (bad numbers)."""
    data: dict = {}
    problems: list[Problem] = []
    for name, f in fields.items():
        if name in RECORD_FIELDS:
            continue  # the patient record's, not the case's
        if f.kind == "checks":
            values = [v for v in form.getlist(name) if v in f.options]
            if values:
                _put(data, name, values)
            continue
        raw = str(form.get(name) or "").strip()
        if not raw:
            continue
        if f.kind == "number":
            value = _number(raw, name, problems)
            if f.negate and value is not None:
                value = -value if value else value  # −0 is 0
        elif f.kind == "scale":
            value = float(raw) if raw in f.options else raw  # anything else is refused by the case check
        elif f.kind == "yesno":
            value = {"yes": True, "no": False}.get(raw)
        elif f.kind == "textarea":
            value = [line.strip() for line in raw.splitlines() if line.strip()][:10]
        elif f.kind == "longtext":
            value = str(form.get(name)).strip()
        else:
            value = raw
        if value is not None:
            _put(data, name, value)
    sizes = {}
    for name in fields:
        if name.startswith("questionnaires."):
            measure = name.split(".")[1]
            sizes[measure] = sizes.get(measure, 0) + 1
    case = _to_case(data, sizes, COMPLAINTS.get(complaint_of(form), ()))
    carried = read_carried(form, problems)
    return (merge_carried(case, carried) if carried else case), problems


def _to_case(data: dict, sizes: dict[str, int], sites: tuple[str, ...] = ()) -> dict:
    pain = data.pop("pain", {})
    data["pain"] = [{"site": site, **pain.get(site, {})} for site in PAIN_SITES if pain.get(site) or site in sites]
    quest = data.pop("questionnaires", {})
    data["questionnaires"] = {}
    for name, items in quest.items():
        # every item of the questionnaire, unanswered ones as None (the scorers apply their missing-item rules)
        size = max(1 + max(int(i) for i in items), sizes.get(name, 0))
        data["questionnaires"][name] = [items.get(str(i)) for i in range(size)]
    return data


def field_path(problem_path: str, case: dict) -> str:
    """The form field a problem path from ``validate_case`` belongs to."""
    m = re.match(r"questionnaires\.(\w+)\.item\[(\d+)\]$", problem_path)  # 1-based item numbers of the scorers
    if m:
        return f"questionnaires.{m.group(1)}.{int(m.group(2)) - 1}"
    m = re.match(r"questionnaires\.(\w+)\.items$", problem_path)  # too many unanswered: the first item
    if m:
        return f"questionnaires.{m.group(1)}.0"
    path = re.sub(r"\[(\d+)\]", r".\1", problem_path)
    m = re.match(r"pain\.(\d+)(\..*)?$", path)
    if m and int(m.group(1)) < len(case.get("pain", [])):
        return f"pain.{case['pain'][int(m.group(1))]['site']}{m.group(2) or ''}"
    m = re.match(r"(tests\.\w+|movement\.\w+)\.observations\.\d+$", path)
    return f"{m.group(1)}.observations" if m else path


def validate(form, fields: dict[str, Field]) -> tuple[dict, dict[str, list[Problem]]]:
    """(case dict, problems by field name); problems that match no field are under ""."""
    case, problems = read_form(form, fields)
    try:
        validate_case(case)  # fields that were not numbers are left out, so the rest is still checked
    except InputError as err:
        problems += list(err.problems)
    return case, by_field(problems, case, fields)


def by_field(problems, case: dict, fields: dict[str, Field]) -> dict[str, list[Problem]]:
    """Problems by the form field they belong to (a ``case.`` prefix is dropped); the rest under ""."""
    out: dict[str, list[Problem]] = {}
    for pr in problems:
        name = field_path(pr.path.removeprefix("case."), case)
        if name not in fields:
            name = _closest(name, fields)
        out.setdefault(name, []).append(pr)
    return out


def _closest(name: str, fields: dict[str, Field]) -> str:
    # "tests.aslr" (a whole-test problem) belongs to the test's first field.
    return next((f for f in fields if f.startswith(name + ".")), "")


def to_form(case: dict, fields: dict[str, Field] | None = None) -> dict[str, object]:
    """Form values (field name -> str or list) from a stored case: used for follow-up assessments."""
    values: dict[str, object] = {}
    fields = all_fields(sections()) if fields is None else fields

    def walk(prefix: str, node) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(node, bool):
            values[prefix] = "yes" if node else "no"
        elif isinstance(node, list) and prefix.startswith("questionnaires."):
            for i, v in enumerate(node):
                if v is not None:
                    values[f"{prefix}.{i}"] = f"{v:g}"
        elif isinstance(node, list):
            values[prefix] = "\n".join(node) if prefix == "goals" else list(node)
        elif node is not None:
            values[prefix] = f"{node:g}" if isinstance(node, float) else str(node)

    rest = {k: v for k, v in case.items() if k != "pain"}
    walk("", rest)
    if case.get("pregnancy") is not None and "pregnancy" not in (values.get("conditions") or []):
        values["conditions"] = [*(values.get("conditions") or []), "pregnancy"]  # the form's way to say it
    for s in case.get("surgeries") or []:  # a joint replacement counts as the condition (core.facts): ticked
        implied = SURGERY_CONDITION.get(s.get("type")) if isinstance(s, dict) else None
        if implied and implied not in (values.get("conditions") or []):
            values["conditions"] = [*(values.get("conditions") or []), implied]
    for p in case.get("pain", []):
        walk(f"pain.{p['site']}", {k: v for k, v in p.items() if k != "site"})
    for name, f in fields.items():
        if f.negate and isinstance(values.get(name), str):
            values[name] = f"{-float(values[name]) + 0:g}"  # + 0 turns −0 into 0
    return values


# --- what a stored case has that the form cannot show ------------------------------------------------------

#: set fresh by every save, never carried
FRESH = ("schema_version", "lang", "assessed_on")
CARRIED = "carried"  # the hidden form field that keeps them (JSON)


def carried(case: dict, fields: dict[str, Field] | None = None) -> dict:
    """The parts of a stored case no form field shows (e.g. operations with dates, pregnancy weeks, a
    questionnaire the form does not offer, an API-only symptom), so a follow-up keeps them instead of dropping
    them silently. Values equal to the case model's defaults are left out."""
    fields = all_fields(sections()) if fields is None else fields
    default = Case().model_dump()
    out: dict = {}
    for key, value in case.items():
        if key in FRESH or key in fields or value in (None, [], {}) or value == default.get(key):
            continue
        if key == "pain":
            extra = [{"site": p["site"], **{k: v for k, v in p.items() if k != "site" and v is not None
                                             and f"pain.{p['site']}.{k}" not in fields}}
                     for p in value if isinstance(p, dict)]
            extra = [p for p in extra if len(p) > 1 or p["site"] not in PAIN_SITES]
            # a buttock, thigh or leg site stored with no NRS has no field to show it (a site counts as painful
            # on the form when its NRS is typed): carried with ``"nrs": null``, so the merge brings it back
            # only while the form has no NRS for it, and an NRS cleared on the form is not mistaken for it
            bare = {p["site"] for p in value if isinstance(p, dict) and p.get("site") in OTHER_PAIN_SITES
                    and p.get("nrs") is None}
            extra = [p for p in extra if p["site"] not in bare]
            extra += [{**p, "nrs": None} for p in value if isinstance(p, dict) and p.get("site") in bare]
            if extra:
                out["pain"] = extra
        elif key == "questionnaires":
            extra = {m: items for m, items in value.items() if not any(f.startswith(f"questionnaires.{m}.") for f in fields)}
            if extra:
                out[key] = extra
        elif key in ("tests", "movement"):
            extra = {}
            for tid, result in value.items():
                rest = {k: v for k, v in result.items() if f"{key}.{tid}.{k}" not in fields and v not in (None, [], {})
                        and not (key == "movement" and k == "source" and v == "observation")}
                if rest:
                    extra[tid] = rest
            if extra:
                out[key] = extra
        elif isinstance(value, dict) and key != "pregnancy" and key in default and isinstance(default[key], dict):
            extra = {k: v for k, v in value.items() if f"{key}.{k}" not in fields and v not in (None, [], {})
                     and v != default[key].get(k)}
            if extra:
                out[key] = extra
        else:  # a section or a list with no field at all: surgeries, pregnancy, the case's id and title
            out[key] = value
    return out


def read_carried(form, problems: list[Problem]) -> dict:
    """The carried parts posted back (the hidden field), {} when there are none or they do not read."""
    raw = str(form.get(CARRIED) or "").strip() if hasattr(form, "get") else ""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        problems.append(Problem(CARRIED, "the values carried over from the last assessment do not read (JSON object)",
                                "invalid", "前回の記録から引き継ぐ項目が読み取れません。再評価を開き直してください"))
        return {}
    return value


def merge_carried(case: dict, carried: dict) -> dict:
    """The case read from the form with the carried parts added; what the form says wins. A pain site, test or
    movement task the form no longer has is not brought back by its carried details, nor pregnancy once
    unticked among the conditions, nor a knee or hip replacement operation once its condition is unticked.
    A buttock, thigh or leg site the last case had with no NRS (carried with ``"nrs": null``: the form cannot
    show it) is brought back."""
    out = dict(case)
    for key, value in carried.items():
        if key in FRESH:
            continue
        if key == "pain" and isinstance(value, list):
            sites = {p["site"]: p for p in out.get("pain", [])}
            for p in value:
                if not isinstance(p, dict):
                    out.setdefault("pain", []).append(p)  # refused by the case check, naming it
                elif p.get("site") in sites:
                    sites[p["site"]].update({k: v for k, v in p.items() if k not in sites[p["site"]]})
                elif p.get("site") not in PAIN_SITES:
                    out["pain"] = [*out.get("pain", []), p]
                elif p.get("site") in OTHER_PAIN_SITES and "nrs" in p and p["nrs"] is None:
                    out["pain"] = [*out.get("pain", []), {k: v for k, v in p.items() if v is not None}]
        elif key in ("tests", "movement") and isinstance(value, dict):
            mine = out.get(key) or {}
            for tid, rest in value.items():
                if tid in mine and isinstance(rest, dict):
                    mine[tid] = {**rest, **mine[tid]}
        elif key == "pregnancy":
            if "pregnancy" in (out.get("conditions") or []):
                out[key] = value
        elif key == "surgeries" and isinstance(value, list) and key not in out:
            # an operation that makes a condition count (a knee or hip replacement) goes with its tick
            kept = [s for s in value if not isinstance(s, dict) or s.get("type") not in SURGERY_CONDITION
                    or SURGERY_CONDITION[s["type"]] in (out.get("conditions") or [])]
            if kept:
                out[key] = kept
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**value, **out[key]}
        elif key not in out:
            out[key] = value
    return out
