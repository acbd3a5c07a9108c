"""Schema of the knowledge-base files (``src/ptplan/kb/*.yaml``).

Each file holds a list of one kind of entry. Pydantic validates the shape at load; the
cross-reference checks (every id referenced exists, conditions name known facts) are in
:mod:`ptplan.core.kb.integrity`. ``ptplan kb schema`` prints the JSON Schema of every kind.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ptplan.core import conditions
from ptplan.core.i18n import Text, TextList

Id = str
Lens = Literal["core", "mobility", "movement", "conditioning", "knee", "education"]
Family = Literal["motor_control", "pilates", "mckenzie", "stretching", "mobility", "strengthening",
                 "aerobic", "yoga", "functional", "balance"]
Urgency = Literal["emergency", "urgent", "routine"]
Status = Literal["verified", "unverified"]
ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Id = Field(pattern=ID_PATTERN)


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


class Finding(_Entry):
    name: Text
    lens: Lens | Literal["safety", "psychosocial", "symptom"]
    description: Text


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
    refs: list[Id] = Field(default_factory=list, description="where the dose comes from")


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
    position: Literal["supine", "prone", "side_lying", "quadruped", "kneeling", "sitting", "standing",
                      "walking", "water", "floor_mixed"]
    equipment: list[Literal["mat", "chair", "wall", "band", "towel", "step", "pressure_biofeedback",
                            "pool", "ball", "foam_roller", "dumbbell", "table"]] = Field(default_factory=list)
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


class Yield(BaseModel):
    """A finding a test yields, the rule that decides it, and where the threshold comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    finding: Id
    when: ConditionData
    threshold: Text
    refs: list[Id] = Field(min_length=1)
    status: Status = "verified"


class Norm(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    age_min: int = Field(ge=0, le=120)
    age_max: int = Field(ge=0, le=120)
    sex: Literal["female", "male", "any"] = "any"
    low: float | None = Field(None, description="below this is below the normal range")
    high: float | None = Field(None, description="above this is above the normal range")
    mean: float | None = None
    ref: Id


class AssessmentTest(_Entry):
    name: Text
    lens: Lens | Literal["safety"]
    procedure: Text
    record: Record
    yields: list[Yield] = Field(default_factory=list)
    norms: list[Norm] = Field(default_factory=list)
    discriminates: list[Id] = Field(default_factory=list, description="hypothesis ids this test helps tell apart")
    refs: list[Id] = Field(min_length=1)


class RedFlagQuestion(_Entry):
    """A yes/no/unknown question. ``text`` is the patient wording, ``clinician`` the therapist's."""

    text: Text
    clinician: Text
    region: Literal["spine", "knee", "general"]
    self_check: bool = True


class RedFlag(_Entry):
    """A rule over red-flag answers and other facts that stops exercise and refers."""

    suspected: Text
    urgency: Urgency
    when: ConditionData
    action: Text = Field(description="what to do now and where to go")
    refs: list[Id] = Field(min_length=1)


class YellowFlag(_Entry):
    name: Text
    when: ConditionData
    effect: Text
    review_weeks: int | None = Field(None, ge=1, le=12, description="shorter review interval when present")
    adds_components: list[Id] = Field(default_factory=list)
    refs: list[Id] = Field(min_length=1)


class Advice(_Entry):
    category: Literal["heat", "cold", "daily_life", "sitting", "stairs", "footwear", "bedding", "desk",
                      "weight", "nutrition", "aerobic", "education", "see_doctor", "medical_option", "sleep"]
    title: Text
    text: Text
    when: ConditionData | None = None
    not_when: ConditionData | None = Field(None, description="never give this advice when this holds")
    evidence: Text | None = Field(None, description="evidence level, for medical options")
    self_care: bool = True
    refs: list[Id] = Field(min_length=1)


class KbMeta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    title: Text
    disclaimer: Text


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
    "yellow_flags": YellowFlag,
    "advice": Advice,
    "poses": Pose,
    "illustrations": Illustration,
}
