"""The plan contract as types: pydantic models of the plan JSON that :func:`ptplan.core.plan.build_plan`
makes (and of the effective plan, with a therapist's edits applied).

They are the one description of the plan: ``ptplan schema plan`` prints their JSON Schema, the API
documents and checks its plan answers with them, docs/CONTRACTS.md's plan section is generated from
them (:func:`contract_markdown`), and the tests validate every golden plan against them, so a key the
engine adds, drops or renames fails a test until the model says so. Unknown keys are refused.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ptplan.core.kb.schema import Family, Lens, ScreeningRegion, Status, Urgency

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Refs = Annotated[list[Id], Field(description="reference ids of kb/references.yaml")]
TriageLevel = Literal["emergency", "urgent", "incomplete", "routine", "none"]
ProgramStatus = Literal["issued", "provisional", "withheld"]
#: "exercise" (an exercise's own contraindication), a contraindication rule id, or "equipment.<id>"
ExclusionSource = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")]
Confidence = Literal["high", "moderate", "low"]
LensState = Literal["supported", "insufficient_data", "no_problem_found"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bilingual(_Part):
    ja: str
    en: str


class _Explained(_Part):
    why: str = Field(description="why the item is there, in the plan's language")
    why_i18n: Bilingual = Field(description="the same in both languages")


class Flag(_Part):
    id: Id
    suspected: str
    urgency: Urgency
    action: str
    refs: Refs
    because: list[str] = Field(description="the answers that raised it")
    evidence: list[str] = Field(description="what made it fire (answers, findings, values), as readable text")
    status: Status = Field(description="whether the rule's criterion was checked against its source")


class ToAsk(_Part):
    id: Id
    question: str = Field(description="the patient's wording")
    clinician: str = Field(description="the clinician's wording")
    essential: bool = Field(description="triage stays incomplete until it is answered yes or no")


class YellowFlag(_Part):
    id: Id
    name: str
    effect: str
    refs: Refs
    review_weeks: int | None


class Triage(_Part):
    level: TriageLevel
    exercise_allowed: bool = Field(description="false: refer or ask first; the patient gets no program")
    program_status: ProgramStatus = Field(description="the same as program.status (self-check: never provisional)")
    headline: str = Field(description="what the screen found, in one sentence")
    action: str | None = Field(description="the one thing to do: the most urgent flag's action, or for incomplete, "
                                           "answer the essential questions first")
    clinician_note: str | None = Field(description="for the therapist, when incomplete")
    flags: list[Flag] = Field(description="red flags that hold, most urgent first")
    referral: str | None = Field(description="the action of the most urgent flag")
    policy: str
    regions: list[ScreeningRegion] = Field(description="red-flag regions screened (general always, then pain sites)")
    essential_unanswered: int = Field(ge=0, description="essential questions of those regions not answered yet")
    to_ask: list[ToAsk] = Field(description="red-flag questions not answered yet, essential ones first")
    yellow_flags: list[YellowFlag]


class VideoSource(_Part):
    task: str = Field(description="movement task analysed")
    observation: Id
    measure: str = Field(description="the video measure behind the observation")
    value: float
    unit: str
    quality: float = Field(ge=0, le=1, description="landmark visibility × view fit; the therapist may overrule it")


class Finding(_Part):
    id: Id
    name: str
    lens: str
    source: str = Field(description="test:<id>, rule:<id> or the fact that yields it")
    value: dict[str, Any] | None = Field(description="the case facts it was read from")
    threshold: str | None
    refs: Refs
    status: Status
    video: VideoSource | None = Field(None, description="present when the finding came from a video analysis")


class Hypothesis(_Explained):
    id: Id
    name: str
    lens: str
    status: Literal["supported", "insufficient_data"]
    confidence: Confidence
    score: int
    for_: list[Id] = Field(alias="for", description="finding ids for it")
    against: list[Id]
    rules: list[Id]
    description: str
    explanation: str
    refs: Refs
    discriminating_tests: list[Id] = Field(description="tests not done that would decide it")


class KneeBack(_Part):
    pattern: Literal["knee_to_back", "back_to_knee", "concurrent", "none", "insufficient_data"]
    hypothesis: Id | None
    confidence: Confidence | None


class Dose(_Part):
    sets: int | None = None
    reps: int | None = None
    hold_s: int | None = None
    rest_s: int | None = None
    duration_min: int | None = None
    sessions_per_week: int
    per_side: bool = False
    refs: Refs
    adjusted_by: list[Id] = Field(description="dose adjustments of the KB that changed it")


class Edited(_Part):
    op: Literal["swap", "add", "dose"]
    replaces: Id | None = None
    reason: str | None


class ExerciseItem(_Explained):
    id: Id
    name: str
    family: Family
    level: int
    dose: Dose
    addresses: list[Id] = Field(description="present findings / supported hypotheses it answers")
    refs: Refs
    steps: list[str]
    feel: str
    stop_if: str
    regression: Id | None
    progression: Id | None
    cautions: list[str]
    added_by_therapist: bool = Field(False, description="effective plan only: swapped in or added by an edit")
    edited: Edited | None = Field(None, description="effective plan only: the edit that made or changed it")


class Component(_Explained):
    id: Id
    name: str
    lens: Lens
    family: Family
    families: list[Family]
    priority: int = Field(description="1 = first")
    kb_priority: int
    hypotheses: list[Id] = Field(description="supported hypotheses or yellow flags that called it")
    refs: Refs
    exercises: list[ExerciseItem]


class Phase(_Part):
    id: Id
    name: str
    weeks: str
    weeks_from: int
    weeks_to: int
    goals: str
    progress_when: str
    refs: Refs
    status: Status


class Day(_Part):
    day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    exercises: list[Id]


class Schedule(_Part):
    sessions_per_week: int
    max_exercises_per_day: int | None = None
    days: list[Day]


class Precaution(_Part):
    id: Id = Field(description="the adjustment that added it")
    text: str
    refs: Refs


class Exclusion(_Part):
    id: ExclusionSource
    reason: str
    refs: Refs
    exercises: list[Id] = Field(description="exercise ids ruled out for this reason")
    advice: list[Id] = Field(description="advice ids ruled out for this reason")
    names: list[str] = Field(description="the exercises' names, then the advice titles")


class ProgramLimits(_Part):
    daily_minutes: int = Field(description="estimated minutes on the busiest day, at most")
    max_exercises: int


class LeftForLater(_Explained):
    id: Id = Field(description="exercise id")
    name: str
    component: Id
    reason: Literal["max_exercises", "daily_minutes"]
    hypotheses: list[Id] = Field(description="hypotheses it would have served")


class Unserved(_Explained):
    hypothesis: Id
    name: str


class Program(_Part):
    components: list[Component] = Field(description="in priority order; [] when withheld")
    phases: list[Phase]
    schedule: Schedule
    note: str | None = Field(description="why there is no program, or that it is provisional")
    status: ProgramStatus = Field(description="issued (for the patient), provisional (therapist only, until the "
                                              "essential questions are answered) or withheld (none built)")
    precautions: list[Precaution] = Field(description="program-level precautions of the adjustments that fired")
    exclusions: list[Exclusion] = Field(description="what the case rules out and why, grouped by reason")
    limits: ProgramLimits | None = Field(None, description="the KB's program limits the program was built within")
    minutes_per_day: int = Field(0, ge=0, description="estimated minutes on the busiest day (engine convention)")
    left_for_later: list[LeftForLater] = Field(default_factory=list, description=(
        "exercises the program would have taken but that did not fit its limits, highest priority first"))
    unserved: list[Unserved] = Field(default_factory=list, description=(
        "moderate or high hypotheses no allowed exercise could serve (every candidate ruled out for this case)"))


class Advice(_Explained):
    id: Id
    category: str
    title: str
    text: str
    evidence: str | None
    refs: Refs
    rank: int = Field(1, ge=1, description="relevance order in the plan's advice list, 1 = most relevant")
    place: Literal["handout", "more_information", "see_doctor", "ask_doctor"] = Field("handout", description=(
        "handout: at most 8 self-care items, most relevant first; more_information: the other self-care items; see_doctor: "
        "when to see a doctor (with follow_up.see_doctor_when); ask_doctor: medical options, full in the "
        "therapist's view, as a short 'ask your doctor about' list for the patient"))
    status: Status = Field("verified", description="unverified: clinical convention or a source not yet checked")


class FollowUp(_Part):
    review_weeks: int | None = Field(description="weeks to the review; null when referred")
    measures: list[Id] = Field(description="measures to repeat at the review (change measures only)")
    baseline_needed: list[Id] = Field(default_factory=list, description=(
        "measures of that list with no baseline in the case: take them now, or the review cannot judge change"))
    see_doctor_when: list[str]


class Reference(_Part):
    id: Id
    citation: str
    doi: str | None
    url: str | None
    status: Status


class Plan(_Part):
    """One plan, texts in ``lang``; deterministic for a case and a knowledge-base version."""

    kb_version: str
    lang: Literal["ja", "en"]
    case_id: str | None
    disclaimer: str
    triage: Triage
    findings: list[Finding]
    hypotheses: list[Hypothesis]
    lenses: dict[Literal["core", "mobility", "movement"], LensState]
    knee_back: KneeBack
    program: Program
    advice: list[Advice]
    follow_up: FollowUp
    references: list[Reference] = Field(description="every reference the plan cites, once, by id")
    mode: Literal["self_check"] | None = Field(None, description="self-check plans only")


def validate_plan(plan: dict) -> Plan:
    """The plan dict as a :class:`Plan` (pydantic ValidationError naming the key when it breaks the contract)."""
    return Plan.model_validate(plan)


def schema_json() -> str:
    """The JSON Schema of a plan (``ptplan schema plan``)."""
    return json.dumps(Plan.model_json_schema(by_alias=True), ensure_ascii=False, indent=2) + "\n"


def contract_markdown() -> str:
    """The plan section of docs/CONTRACTS.md: one line per object, its keys with their types."""
    schema = Plan.model_json_schema(by_alias=True)
    defs = schema.get("$defs", {})
    lines = ["## Plan JSON (generated from `ptplan.core.plan_model`; do not edit by hand)", "",
             "`ptplan schema plan` prints the full JSON Schema. `?` marks a key that may be null or absent.", ""]
    for name, body in [("Plan", schema), *sorted(defs.items())]:
        if "properties" not in body:
            continue
        required = set(body.get("required", []))
        keys = ", ".join(f"`{k}{'' if k in required and not _nullable(v) else '?'}`: {_type(v)}"
                         for k, v in body["properties"].items())
        lines.append(f"- **{name}** — {keys}")
    lines += ["", "Texts are plain strings in the plan's `lang`; each explained item also carries `why_i18n` (ja and en). "
              "`program.components` is `[]` whenever `program.status` is `withheld`; a `provisional` program (triage "
              "`incomplete`, `exercise_allowed` false) is for the therapist only. `added_by_therapist` and "
              "`edited` appear only in the effective plan (docs/server.md, \"Plan edits\").", END_MARK, ""]
    return "\n".join(lines) + "\n"


END_MARK = "<!-- end of the generated plan section -->"


def _nullable(prop: dict) -> bool:
    return any(p.get("type") == "null" for p in prop.get("anyOf", []))


def _type(prop: dict) -> str:
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[1]
    if "anyOf" in prop:
        return " \\| ".join(_type(p) for p in prop["anyOf"] if p.get("type") != "null")
    if "enum" in prop:  # sorted: typing caches equal Literals, so the order of an enum can depend on import order
        return " \\| ".join(f'"{v}"' for v in sorted(prop["enum"]))
    if "const" in prop:
        return f'"{prop["const"]}"'
    if prop.get("type") == "array":
        return f"[{_type(prop.get('items', {}))}]"
    if prop.get("type") == "object" and "propertyNames" in prop:
        return f"{{{_type(prop['propertyNames'])}: {_type(prop.get('additionalProperties', {}))}}}"
    return prop.get("type", "any")
