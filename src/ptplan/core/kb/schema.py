"""Schema of the knowledge-base files (``src/ptplan/kb/*.yaml``).

Each file holds a list of one kind of entry. Pydantic validates the shape at load; the
cross-reference checks (every id referenced exists, conditions name known facts) are in
:mod:`ptplan.core.kb.integrity`. ``ptplan kb schema`` prints the JSON Schema of every kind.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ptplan.core import conditions
from ptplan.core.i18n import Text, TextList

Id = str
Lens = Literal["core", "mobility", "movement", "conditioning", "knee", "education"]
Family = Literal["motor_control", "pilates", "mckenzie", "stretching", "mobility", "strengthening",
                 "aerobic", "yoga", "functional", "balance"]
Urgency = Literal["emergency", "urgent", "routine"]
Status = Literal["verified", "unverified"]
Position = Literal["supine", "prone", "side_lying", "quadruped", "kneeling", "sitting", "standing", "walking", "water",
                   "floor_mixed"]
EquipmentId = Literal["mat", "chair", "wall", "band", "towel", "step", "pressure_biofeedback", "pool", "ball",
                      "foam_roller", "dumbbell", "table"]
#: what an exercise (or a piece of advice) asks of the body; contraindication rules exclude by these
Load = Literal["spinal_flexion_end_range", "spinal_flexion_loaded", "spinal_rotation_end_range", "spinal_extension_bias",
               "full_knee_flexion", "loaded_knee_flexion", "heavy_abdominal_load"]
ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Id = Field(pattern=ID_PATTERN)


def _require_source(entry, what: str, basis_when_unverified: bool = True) -> None:
    """Verified knowledge cites refs; unverified knowledge says where it comes from (``basis``), always or
    (``basis_when_unverified=False``) when it cites nothing."""
    if entry.status == "verified" and not entry.refs:
        raise ValueError(f"a verified {what} needs refs; otherwise mark it status: unverified with a basis")
    if entry.status == "unverified" and entry.basis is None and (basis_when_unverified or not entry.refs):
        raise ValueError(f"an unverified {what} needs a basis saying where it comes from")


class ConditionData:
    """A validated condition (see :mod:`ptplan.core.conditions`) that keeps its raw data for display."""

    __slots__ = ("data", "parsed")

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.parsed: conditions.Condition = conditions.parse(data)

    def __repr__(self) -> str:
        return f"ConditionData({self.data!r})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source, handler):
        from pydantic_core import core_schema

        def validate(value: Any) -> ConditionData:
            if isinstance(value, ConditionData):
                return value
            try:
                return ConditionData(value)
            except conditions.ConditionSyntaxError as exc:
                raise ValueError(str(exc)) from exc

        return core_schema.no_info_plain_validator_function(
            validate, serialization=core_schema.plain_serializer_function_ser_schema(lambda v: v.data))

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        return {"type": "object", "description": "condition: all/any/not/finding/fact (see conditions.py)"}


class Reference(_Entry):
    citation: str = Field(min_length=10)
    year: int = Field(ge=1950, le=2030)
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None
    kind: Literal["trial", "review", "guideline", "measurement", "textbook", "other"] = "other"
    note: str | None = None
    status: Status = "verified"

    @field_validator("doi")
    @classmethod
    def _doi(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith("10."):
            raise ValueError("a DOI starts with '10.'")
        return v


#: ICF part of a finding when the entry does not name one: movement findings describe activities,
#: psychosocial ones personal factors, everything else body functions and structures.
ICF_BY_LENS = {"movement": "activity", "psychosocial": "personal"}


class Finding(_Entry):
    name: Text
    lens: Lens | Literal["safety", "psychosocial", "symptom"]
    description: Text
    icf: Literal["body", "activity", "participation", "personal"] | None = Field(None, description=(
        "ICF part (心身機能・構造 / 活動 / 参加 / 個人因子) for the リハビリテーション実施計画書; default by lens"))

    @property
    def icf_part(self) -> str:
        return self.icf or ICF_BY_LENS.get(self.lens, "body")


class Condition(_Entry):
    """A medical condition or state that exercise contraindications can refer to (``condition.ID``)."""

    name: Text


class Dose(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sets: int | None = Field(None, ge=1, le=10)
    reps: int | None = Field(None, ge=1, le=100)
    hold_s: int | None = Field(None, ge=1, le=600, description="seconds per hold")
    rest_s: int | None = Field(None, ge=0, le=600, description="seconds between sets")
    duration_min: int | None = Field(None, ge=1, le=120, description="minutes per session (aerobic)")
    sessions_per_week: int = Field(ge=1, le=14)
    per_side: bool = False
    fixed: bool = Field(False, description=(
        "the dose of a published programme (e.g. JOA ロコトレ): prescription adjustments never raise it"))
    refs: list[Id] = Field(default_factory=list, description="where the dose comes from")

    def as_plan(self) -> dict[str, Any]:
        """The dose as the plan JSON holds it (``fixed`` is a prescription rule, not part of the dose)."""
        return self.model_dump(exclude_none=True, exclude={"fixed"})


class Contraindication(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    when: ConditionData
    reason: Text


class Exercise(_Entry):
    name: Text
    lens: Lens
    family: Family
    targets: list[Id] = Field(min_length=1, description="target structures (muscles, joints, capacities)")
    addresses: list[Id] = Field(min_length=1, description="finding or hypothesis ids this exercise answers")
    position: Position
    equipment: list[EquipmentId] = Field(default_factory=list)
    loads: list[Load] = Field(default_factory=list, description=(
        "what the exercise asks of the spine and knee; contraindications.yaml excludes by these"))
    level: int = Field(ge=1, le=3, description="1 easy, 2 moderate, 3 demanding")
    floor_work: bool = Field(False, description="needs getting down to the floor")
    steps: TextList
    feel: Text = Field(description="what the patient should feel")
    stop_if: Text = Field(description="when to stop")
    dose: Dose
    regression: Id | None = None
    progression: Id | None = None
    contraindications: list[Contraindication] = Field(default_factory=list)
    cautions: list[Text] = Field(default_factory=list)
    self_care: bool = Field(False, description="suitable for the patient self-check plan")
    refs: list[Id] = Field(min_length=1)


class Record(BaseModel):
    """How a test result is recorded in a case."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["angle", "seconds", "count", "pressure", "score", "positive", "checklist", "length"]
    unit: Literal["deg", "s", "count", "mmHg", "points", "cm", "none"]
    min: float | None = None
    max: float | None = None
    sided: bool = False
    choices: list[Id] = Field(default_factory=list, description="observation ids for checklist tests")
    levels: list[Text] = Field(default_factory=list, description=(
        "for an ordinal score: the meaning of each value from `min` upward, printed beside the score"))
    negate: bool = Field(False, description=(
        "print the value with the opposite sign (degrees short of full extension are written −10° in the JOA notation)"))
    symptom_reproduction: bool = Field(False, description=(
        "the result may also say whether it reproduced the radiating leg pain (reproduces_radicular_pain)"))

    @model_validator(mode="after")
    def _levels(self) -> Record:
        if self.levels and (self.min is None or self.max is None or len(self.levels) != self.max - self.min + 1):
            raise ValueError("`levels` needs `min` and `max` and one label per value from min to max")
        return self


class Yield(BaseModel):
    """A finding a test yields, the rule that decides it, and where the threshold comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    finding: Id
    when: ConditionData
    threshold: Text
    refs: list[Id] = Field(min_length=1)
    status: Status = "verified"


class Norm(BaseModel):
    """A population range for an age band and sex, or (``kind: reference``) a published reference value
    such as the JOA / 日本リハビリテーション医学会 参考可動域角度, which is neither a mean nor a cut-off."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["population", "reference"] = "population"
    age_min: int = Field(0, ge=0, le=120)
    age_max: int = Field(120, ge=0, le=120)
    sex: Literal["female", "male", "any"] = "any"
    low: float | None = Field(None, description="below this is below the normal range")
    high: float | None = Field(None, description="above this is above the normal range")
    mean: float | None = None
    reference: float | None = Field(None, description="the published reference value (kind: reference)")
    method: Text | None = Field(None, description="how the values were measured (position, equipment)")
    ref: Id
    status: Status = "verified"

    @model_validator(mode="after")
    def _shape(self) -> Norm:
        if (self.kind == "reference") != (self.reference is not None):
            raise ValueError("a reference row (kind: reference) has `reference` and only it has one")
        return self


class AssessmentTest(_Entry):
    name: Text
    lens: Lens | Literal["safety"]
    procedure: Text
    record: Record
    yields: list[Yield] = Field(default_factory=list)
    norms: list[Norm] = Field(default_factory=list)
    discriminates: list[Id] = Field(default_factory=list, description="hypothesis ids this test helps tell apart")
    refs: list[Id] = Field(min_length=1)


ScreeningRegion = Literal["spine", "knee", "general"]


class RedFlagQuestion(_Entry):
    """A yes/no/unknown question that asks one thing, in the positive ("yes" = the warning sign).

    ``text`` is the patient wording, ``clinician`` the therapist's. An ``essential`` question must be
    answered "yes" or "no" for its region before triage can say anything but ``incomplete``;
    ``essential_when`` makes it essential only when that condition holds (e.g. after a knee injury).
    """

    text: Text
    clinician: Text
    region: ScreeningRegion
    essential: bool = False
    essential_when: ConditionData | None = None
    self_check: bool = True

    @model_validator(mode="after")
    def _essential_is_asked(self) -> RedFlagQuestion:
        if (self.essential or self.essential_when is not None) and not self.self_check:
            raise ValueError("an essential question must also be asked in the self-check (self_check: true)")
        return self


class RedFlag(_Entry):
    """A rule over red-flag answers and other facts that stops exercise and refers.

    ``refs`` name the guideline the rule implements; ``basis`` says which of its criteria (and where
    the rule goes beyond it). A rule whose source could not be checked is ``status: unverified``.
    """

    suspected: Text
    urgency: Urgency
    when: ConditionData
    action: Text = Field(description="what to do now and where to go")
    refs: list[Id] = Field(min_length=1)
    basis: Text | None = Field(None, description="the criterion of the source this rule implements")
    status: Status = Field("verified", description="unverified where the source could not be checked")

    @model_validator(mode="after")
    def _sourced(self) -> RedFlag:
        _require_source(self, "red-flag rule")
        return self


class YellowFlag(_Entry):
    name: Text
    when: ConditionData
    effect: Text
    review_weeks: int | None = Field(None, ge=1, le=12, description="shorter review interval when present")
    adds_components: list[Id] = Field(default_factory=list)
    refs: list[Id] = Field(min_length=1)
    status: Status = "verified"


class Advice(_Entry):
    """One piece of advice: chosen for a person by ``when`` (its relevance rule), ranked by ``rank`` (1 = most
    relevant; the handout carries the best-ranked few, the rest go to "more information"). Medical options
    (``self_care: false``) are for the therapist and a short "ask your doctor about" list."""

    category: Literal["heat", "cold", "daily_life", "sitting", "stairs", "footwear", "bedding", "desk",
                      "weight", "nutrition", "aerobic", "education", "see_doctor", "medical_option", "sleep",
                      "bathing", "japanese_life", "devices", "services"]
    title: Text
    text: Text
    rank: int = Field(50, ge=1, le=99, description="relevance rank: lower comes first on the handout")
    when: ConditionData | None = None
    not_when: ConditionData | None = Field(None, description="never give this advice when this holds")
    evidence: Text | None = Field(None, description="evidence level, for medical options")
    numbers: dict[str, float] = Field(default_factory=dict, description=(
        "numbers the text uses as {placeholders}; loss_fraction + load_ratio give {loss_kg} and {knee_load_kg}"))
    loads: list[Load] = Field(default_factory=list, description="what the advice asks of the body (see Exercise.loads)")
    self_care: bool = True
    refs: list[Id] = Field(default_factory=list)
    status: Status = Field("verified", description="unverified: clinical convention or a source not yet checked")
    basis: Text | None = Field(None, description="where unreferenced or unverified advice comes from")

    @model_validator(mode="after")
    def _sourced(self) -> Advice:
        _require_source(self, "advice item", basis_when_unverified=False)
        if not self.refs and self.basis is None:
            raise ValueError("advice without refs needs a basis (e.g. clinical convention)")
        return self


class Equipment(_Entry):
    """A piece of equipment exercises may need. Without ``available_when`` it is assumed to be in any home
    (a chair, a wall); otherwise an exercise needing it reaches the program only when the case records it."""

    name: Text
    available_when: ConditionData | None = None


class ContraindicationRule(_Entry):
    """One rule for every exercise and advice item with a position, load or piece of equipment.

    ``effect: exclude`` keeps them out of the program and advice; ``effect: caution`` keeps them and adds
    ``reason`` as a caution. Rules that concern a single exercise stay in that exercise's
    ``contraindications``.
    """

    when: ConditionData
    effect: Literal["exclude", "caution"] = "exclude"
    positions: list[Position] = Field(default_factory=list)
    loads: list[Load] = Field(default_factory=list)
    equipment: list[EquipmentId] = Field(default_factory=list)
    reason: Text
    refs: list[Id] = Field(default_factory=list)
    status: Status = "verified"
    basis: Text | None = None

    @model_validator(mode="after")
    def _targets(self) -> ContraindicationRule:
        if not (self.positions or self.loads or self.equipment):
            raise ValueError("name the positions, loads or equipment the rule applies to")
        _require_source(self, "contraindication rule")
        return self


class FindingRule(Yield):
    """A finding derived from the case itself rather than from one test (e.g. BMI, activity, symptoms):
    a :class:`Yield` with an id of its own."""

    id: Id = Field(pattern=ID_PATTERN)


class Hypothesis(_Entry):
    """A clinical hypothesis (id ``h_...``) that rules score and components answer."""

    id: Id = Field(pattern=r"^h_[a-z0-9_]+$")
    name: Text
    lens: Lens
    description: Text
    discriminating_tests: list[Id] = Field(default_factory=list, description="tests that would confirm or refute it")
    regions: list[Literal["spine", "knee"]] = Field(
        default_factory=lambda: ["spine", "knee"],
        description="the complaint regions (screening regions) the hypothesis is about; the assessment form ranks "
                    "its discriminating tests only for a complaint in one of them")
    refs: list[Id] = Field(min_length=1)


class Rule(_Entry):
    """Evidence for (weight > 0) or against (weight < 0) one hypothesis when the condition holds."""

    hypothesis: Id
    when: ConditionData
    weight: int = Field(ge=-5, le=5)
    explanation: Text
    refs: list[Id] = Field(min_length=1)

    @field_validator("weight")
    @classmethod
    def _non_zero(cls, v: int) -> int:
        if v == 0:
            raise ValueError("a rule weight of 0 says nothing; use + for, - against")
        return v


class Component(_Entry):
    """A part of the program chosen when one of ``hypotheses`` is supported (or as a fallback)."""

    name: Text
    lens: Lens
    hypotheses: list[Id] = Field(default_factory=list)
    families: list[Family] = Field(min_length=1)
    targets: list[Id] = Field(default_factory=list, description=(
        "finding ids the component's exercises aim at, used to rank exercises even when the finding was not tested"))
    priority: int = Field(ge=1, le=99, description="1 comes first")
    exercises: int = Field(ge=1, le=4, description="how many exercises to choose")
    fallback: bool = Field(False, description="used to reach two components when few hypotheses are supported")
    only_if_missing: bool = Field(False, description=(
        "added (by an adjustment) only when no exercise already chosen addresses one of its targets"))
    why: Text
    refs: list[Id] = Field(min_length=1)


class DoseSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sets: int | None = Field(None, ge=1, le=10)
    reps: int | None = Field(None, ge=1, le=100)
    hold_s: int | None = Field(None, ge=1, le=600)


class Adjustment(_Entry):
    """A prescription rule: when it holds, cap the exercise level and/or set dose values for some families,
    add components (e.g. bone health for osteoporosis) and put a precaution on the program."""

    when: ConditionData
    families: list[Family] = Field(default_factory=list, description="empty = every family")
    max_level: int | None = Field(None, ge=1, le=3)
    dose: DoseSet | None = None
    adds_components: list[Id] = Field(default_factory=list)
    program_note: Text | None = Field(None, description="a precaution printed with the program")
    why: Text
    refs: list[Id] = Field(default_factory=list)
    status: Status = "verified"
    basis: Text | None = None

    @model_validator(mode="after")
    def _sourced(self) -> Adjustment:
        _require_source(self, "adjustment", basis_when_unverified=False)
        return self


class Phase(_Entry):
    """A program phase with measurable criteria to move on."""

    order: int = Field(ge=1, le=9)
    name: Text
    weeks_from: int = Field(ge=1, le=52)
    weeks_to: int = Field(ge=1, le=52)
    goals: Text
    progress_when: Text
    for_lenses: list[Lens] = Field(default_factory=list, description=(
        "use this phase when the program's first component has one of these lenses; empty = the general track"))
    refs: list[Id] = Field(min_length=1)
    status: Status = "verified"


class Threshold(BaseModel):
    """A change threshold (MCID or MDC): met when the change reaches ``points`` or ``percent`` of baseline."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    points: float | None = Field(None, ge=0, description="absolute change in the measure's unit")
    percent: float | None = Field(None, ge=0, le=100, description="relative improvement from baseline, %")
    ref: Id
    status: Status = "verified"
    note: Text | None = None


class Band(BaseModel):
    """An interpretation band; the first band whose ``max`` is at or above the score applies."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Id = Field(pattern=ID_PATTERN)
    max: float
    label: Text


class SubscaleDef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Id = Field(pattern=ID_PATTERN)
    name: Text
    items: list[int] = Field(min_length=1, description="1-based item numbers in input order")
    range: tuple[float, float]
    min_answered: int | None = Field(None, ge=1, description="fewest answered items needed to score")
    bands: list[Band] = Field(default_factory=list)
    bands_ref: Id | None = None
    bands_status: Status = "verified"
    mcid: Threshold | None = None


class ReferenceValue(BaseModel):
    """A published mean of a named group (e.g. the national norms of RDQ-J); shown for comparison, never a cut-off."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    group: Text
    sex: Literal["female", "male", "any"] = "any"
    mean: float
    sd: float | None = None
    n: int | None = Field(None, ge=1)
    ref: Id
    status: Status = "verified"


class LocalVersion(BaseModel):
    """The validated Japanese version of an instrument: its name and where it was validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Text
    refs: list[Id] = Field(min_length=1)
    note: Text | None = None


class AnswerOption(BaseModel):
    """One answer code of a questionnaire item with a short anchor label (never the instrument's wording)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    value: float
    label: Text | None = Field(None, description="a short anchor, e.g. なし / none; omitted for a bare number")


class MeasureDef(_Entry):
    """An outcome measure: metadata only; the algorithm is in ``ptplan.core.measures.<id>``.

    ``items`` holds short topic labels (never the item wording) in input order. ``answers`` lists the answer
    codes a form offers for every item (``item_answers`` overrides them per 1-based item number); a measure
    without them is entered as a number in its item range.
    """

    name: Text
    concept: Text
    region: Literal["back", "knee", "any"]
    scoring: Literal["available", "unavailable"] = "available"
    unavailable_reason: Text | None = None
    items: list[Text] = Field(default_factory=list)
    min_items: int | None = Field(None, ge=1, description="variable-length measures (PSFS): fewest items")
    max_items: int | None = Field(None, ge=1)
    item_min: float = 0
    item_max: float = 1
    item_ranges: dict[int, tuple[float, float]] = Field(default_factory=dict, description="per-item overrides")
    answers: list[AnswerOption] = Field(default_factory=list, description="answer codes offered for each item")
    item_answers: dict[int, list[AnswerOption]] = Field(default_factory=dict, description="per-item overrides")
    fractions: bool = Field(False, description="answers may be decimals (otherwise whole numbers)")
    input_coding: Text | None = None
    total_allowed: bool = Field(False, description="a single number may be given as the total score")
    range: tuple[float, float] | None = None
    unit: Literal["points", "percent"] = "points"
    direction: Literal["higher_worse", "higher_better"] = "higher_worse"
    primary: str = Field("score", description="which value `score` reports when there is no total")
    max_missing: int | None = Field(None, ge=0, description="most unanswered items still scored")
    missing_rule: Text
    subscales: list[SubscaleDef] = Field(default_factory=list)
    bands: list[Band] = Field(default_factory=list)
    bands_ref: Id | None = None
    bands_status: Status = "verified"
    mcid: Threshold | None = None
    mdc: Threshold | None = None
    japanese_version: LocalVersion | None = None
    reference_values: list[ReferenceValue] = Field(default_factory=list)
    refs: list[Id] = Field(min_length=1)
    status: Status = Field("verified", description="whether the scoring algorithm is confirmed")
    notes: list[Text] = Field(default_factory=list)

    def options_for(self, item: int) -> list[AnswerOption]:
        """The answer codes of 1-based ``item`` (empty: the item is entered as a number)."""
        return self.item_answers.get(item, self.answers)

    @model_validator(mode="after")
    def _answers_in_range(self) -> MeasureDef:
        for i in sorted(self.item_answers):
            if not 1 <= i <= len(self.items):
                raise ValueError(f"item_answers: item {i} is not one of the {len(self.items)} items")
        for i in range(1, len(self.items) + 1):
            lo, hi = self.item_ranges.get(i, (self.item_min, self.item_max))
            values = [o.value for o in self.options_for(i)]
            if values and (any(not lo <= v <= hi for v in values) or len(set(values)) != len(values)):
                raise ValueError(f"item {i}: answer codes {values} must be distinct and within {lo:g}-{hi:g}")
            if values and set(values) != {float(v) for v in range(int(lo), int(hi) + 1)} and not self.fractions:
                raise ValueError(f"item {i}: answer codes {values} must cover every code {lo:g}-{hi:g}")
        return self


#: values the progression engine computes for the program and for each exercise (see core/progression.py)
#: (recent_* read the last week of sessions or the last three, whichever holds more; primary_* read only the
#: measures listed by the ``primary_measures`` setting; new_* count what the follow-up recorded)
Metric = Literal["new_red_flags", "review_due", "adherence", "sessions_logged", "mean_pain_rise", "mean_rpe",
                 "any_mcid_met", "any_worsened", "weeks_elapsed", "refer_due", "recent_flares",
                 "recent_mean_pain_rise", "primary_mcid_met", "primary_worsened", "new_neuro_signs",
                 "new_acute_flares"]


class Check(BaseModel):
    """One comparison of a computed metric with a threshold; the threshold carries its own source."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    metric: Metric
    op: Literal["ge", "gt", "le", "lt", "eq"]
    value: float | bool
    because: Text = Field(description="why this matters; may use {actual} and {value}")
    unmet: Text | None = Field(None, description="said when the check fails and the program is held")
    refs: list[Id] = Field(default_factory=list)
    status: Status = "verified"
    basis: Text | None = Field(None, description="where an unreferenced number comes from")

    @model_validator(mode="after")
    def _sourced(self) -> Check:
        if self.status == "verified" and not self.refs:
            raise ValueError("a verified threshold needs refs; otherwise mark it status: unverified with a basis")
        if not self.refs and self.basis is None:
            raise ValueError("an unreferenced threshold needs a basis explaining where the number comes from")
        return self


class DoseStep(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    field: Literal["sets", "reps", "hold_s", "duration_min"]
    step: int = Field(ge=1, description="amount added (progress) or removed (regress) per review")
    limit: int = Field(ge=1, description="upper limit when progressing, lower limit when regressing")


class ProgressionRule(_Entry):
    """A decision rule (``type: decision``), a dose rule (``type: dose``), a setting (``type: setting``: a
    number, or a list of measure ids) or a sign a follow-up may record (``type: sign``: ``neuro`` or ``flare``)."""

    type: Literal["decision", "dose", "setting", "sign"]
    name: Text
    decision: Literal["progress", "hold", "review", "regress", "refer"] | None = None
    priority: int = Field(50, description="decision rules are tried in ascending priority")
    scope: list[Literal["program", "exercise"]] = Field(default_factory=lambda: ["program", "exercise"])
    all: list[Check] = Field(default_factory=list, description="every check must hold")
    any: list[Check] = Field(default_factory=list, description="at least one check must hold (when given)")
    action: Text | None = None
    families: list[Family | Literal["any"]] = Field(default_factory=list)
    progress_steps: list[DoseStep] = Field(default_factory=list, description="tried in order; first that fits")
    regress_steps: list[DoseStep] = Field(default_factory=list)
    value: float | None = None
    measures: list[Id] = Field(default_factory=list, description="a setting naming measures (e.g. primary ones)")
    sign: Literal["neuro", "flare"] | None = Field(None, description="what a recorded sign means (type: sign)")
    next_review_weeks: float | None = Field(None, gt=0, le=12, description="a decision that brings the review forward")
    refs: list[Id] = Field(default_factory=list)
    status: Status = "verified"
    basis: Text | None = None

    @model_validator(mode="after")
    def _shape(self) -> ProgressionRule:
        need = {"decision": self.decision is not None, "dose": bool(self.families and self.progress_steps),
                "setting": self.value is not None or bool(self.measures), "sign": self.sign is not None}
        if not need[self.type]:
            raise ValueError({"decision": "a decision rule needs `decision`",
                              "dose": "a dose rule needs `families` and `progress_steps`",
                              "setting": "a setting needs `value` or `measures`",
                              "sign": "a sign needs `sign` (neuro or flare)"}[self.type])
        if self.type != "decision" and self.status == "verified" and not self.refs:
            raise ValueError("verified numbers need refs; otherwise mark status: unverified with a basis")
        return self


class ProgramLimits(BaseModel):
    """Engine conventions, not clinical numbers: the size of a home program one can keep up, and how long an
    exercise takes (a repetition of movement, the rest between sets, getting into position)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    daily_minutes: int = Field(30, ge=5, le=120, description="the busiest day of the week, estimated")
    max_exercises: int = Field(8, ge=2, le=20)
    rep_s: int = Field(3, ge=1, le=10, description="seconds of movement per repetition, on top of any hold")
    set_rest_s: int = Field(30, ge=0, le=300, description="rest between sets when the dose names none")
    setup_s: int = Field(30, ge=0, le=300, description="getting into position, once per exercise")


class KbMeta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    title: Text
    disclaimer: Text
    screening_regions: dict[Literal["spine", "knee"], list[str]] = Field(default_factory=dict, description=(
        "pain sites whose red-flag region must be screened; general questions are always screened, and the spine "
        "when no pain site is recorded"))
    program_limits: ProgramLimits = Field(default_factory=lambda: ProgramLimits(), description=(
        "how much a home program may ask for in a day; what does not fit is left for later, lowest priority first"))
    ja_spelling: dict[str, str] = Field(default_factory=dict, description=(
        "one spelling per Japanese term: a variant (key) that must not appear in any Japanese text, and the "
        "spelling to write instead (value)"))


Joint = Literal["trunk", "spine", "neck", "near_hip", "near_knee", "near_ankle", "far_hip", "far_knee", "far_ankle",
                "near_shoulder", "near_elbow", "far_shoulder", "far_elbow"]
PropKind = Literal["mat", "chair", "wall", "band", "towel", "step", "ball", "pool", "table", "foam_roller", "pole",
                   "cuff", "cushion", "box", "stick"]
Limb = Literal["near_hand", "far_hand", "near_foot", "far_foot", "near_knee", "far_knee", "pelvis", "head",
               "low_back", "upper_back",
               "anchor_front", "anchor_back", "anchor_low_front", "anchor_low_back"]


class Pose(_Entry):
    """A named base pose for the exercise illustrations: joint angles in degrees (see ``render/figures.py``).

    ``view`` is the drawing plane: ``side`` (sagittal; most exercises) or ``front`` (frontal; abduction,
    side steps). ``trunk`` is the absolute angle of pelvis→neck (90 = upright, 180 = lying head left);
    limb angles are relative (hip/shoulder 0 = in line with the trunk, flexion positive).
    """

    view: Literal["side", "front"] = "side"
    thigh_scale: float = Field(1.0, gt=0, le=1, description="shortens the thighs when they point at the viewer")
    angles: dict[Joint, float]


class Prop(BaseModel):
    """Equipment drawn with the figure; ``between`` names the two points a band or towel joins."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: PropKind
    between: tuple[Limb, Limb] | None = None
    under: Limb | None = Field(None, description="the body point a ball, step, roller, cushion or chair back sits "
                                                 "under, the hand holding a pole or box; anchor_front puts a wall in front")


class Keyframe(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    pose: Id
    set: dict[Joint, float] = Field(default_factory=dict, description="joint angles that differ from the pose")
    props: list[PropKind | Prop] = Field(default_factory=list)


class Illustration(_Entry):
    """Start and end keyframes of one exercise (id = the exercise id); drawn by ``render/figures.py``."""

    start: Keyframe
    end: Keyframe
    highlight: list[Literal["trunk", "near_leg", "far_leg", "near_arm", "far_arm"]] = Field(
        default_factory=list, description="body parts drawn in the accent colour (the working part)")


#: file name (without .yaml) -> entry model; the loader reads exactly these lists.
KINDS: dict[str, type[_Entry]] = {
    "references": Reference,
    "findings": Finding,
    "conditions": Condition,
    "exercises": Exercise,
    "tests": AssessmentTest,
    "red_flag_questions": RedFlagQuestion,
    "red_flags": RedFlag,
    "contraindications": ContraindicationRule,
    "equipment": Equipment,
    "yellow_flags": YellowFlag,
    "advice": Advice,
    "finding_rules": FindingRule,
    "hypotheses": Hypothesis,
    "rules": Rule,
    "components": Component,
    "adjustments": Adjustment,
    "phases": Phase,
    "measures": MeasureDef,
    "progression": ProgressionRule,
    "poses": Pose,
    "illustrations": Illustration,
}
