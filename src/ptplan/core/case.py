"""The case model: one assessment of one person, as a therapist or a self-check records it.

Every field is optional except what safety needs. Red-flag questions are tri-state
(``yes`` / ``no`` / ``unknown``) and an unanswered question is ``unknown``, never ``no``.
Nothing is assumed: equipment at home, pool access, a walking aid or living alone are only what
the case records. A case carries its ``schema_version``; older stored cases are upgraded on load
by :mod:`ptplan.core.case_upgrade` (a pure function), so what was stored keeps working.
Units are part of field names (``_cm``, ``_kg``, ``_weeks``) or declared per test in the knowledge
base (degrees, seconds, counts, mmHg). Structural checks live here; checks that need the
knowledge base (test ids, value ranges per test, red-flag ids) live in :mod:`ptplan.core.case_io`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Answer = Literal["yes", "no", "unknown"]
Side = Literal["left", "right", "both"]
Sex = Literal["female", "male", "other"]
PainSiteName = Literal["low_back", "knee", "buttock", "thigh", "leg", "foot", "thoracic", "neck"]
OnsetSpeed = Literal["sudden", "gradual", "unknown"]
Level3 = Literal["low", "moderate", "high"]
SurgeryType = Literal["lumbar_decompression", "lumbar_fusion", "discectomy", "spine_other", "knee_replacement",
                      "hip_replacement", "knee_other", "other"]
WalkingAid = Literal["none", "cane", "crutches", "walker", "rollator", "wheelchair"]
#: equipment a home program may need; none of it is assumed to be at home unless the case says so
HomeEquipment = Literal["band", "ball", "foam_roller", "dumbbell", "pressure_biofeedback"]
Aggravating = Literal["sitting", "standing", "walking", "stairs", "bending", "lifting", "carrying", "twisting",
                      "extension", "rising_from_chair", "rising_from_floor", "kneeling", "squatting", "turning_in_bed",
                      "lying", "coughing_sneezing", "driving", "housework", "sport"]
OnsetOrder = Literal["knee_first", "back_first", "together", "unknown"]
MovementTask = Literal["squat", "forward_bend", "gait", "single_leg_stance"]
ActivityLevel = Literal["sedentary", "light", "moderate", "active"]
Occupation = Literal["desk", "standing", "manual", "driving", "homemaker", "retired", "student", "other"]
Irritability = Level3


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Demographics(_Model):
    age: int | None = Field(None, ge=10, le=110, description="years")
    sex: Sex | None = None
    height_cm: float | None = Field(None, ge=100, le=230, description="centimetres")
    weight_kg: float | None = Field(None, ge=25, le=300, description="kilograms")
    bmi_recorded: float | None = Field(None, ge=12, le=70, description=(
        "kg/m², when height and weight were not measured (e.g. from the referral letter)"))

    @property
    def bmi(self) -> float | None:
        """Measured height and weight win over a recorded BMI."""
        if self.height_cm and self.weight_kg:
            return round(self.weight_kg / (self.height_cm / 100) ** 2, 1)
        return self.bmi_recorded


class PainSite(_Model):
    site: PainSiteName
    side: Side | None = Field(None, description="left, right or both; omit for midline (low back)")
    nrs: float | None = Field(None, ge=0, le=10, description="pain now, 0-10 numeric rating scale")
    nrs_worst: float | None = Field(None, ge=0, le=10, description="worst in the last 24 h, 0-10")


class History(_Model):
    back_duration_weeks: float | None = Field(None, ge=0, le=5200, description="weeks since back pain began")
    knee_duration_weeks: float | None = Field(None, ge=0, le=5200, description="weeks since knee pain began")
    onset_order: OnsetOrder = "unknown"
    onset_gap_weeks: float | None = Field(None, ge=0, le=5200,
                                          description="weeks between the first and second region's onset")
    onset_trigger: Literal["none", "minor_strain", "lifting", "fall", "sport", "major_trauma", "unknown"] = "unknown"
    knee_injury_recent: bool | None = Field(None, description="an acute knee injury in the last 2 weeks")
    previous_episodes: int | None = Field(None, ge=0, le=100)
    back_diagnosis: Literal["none", "disc_herniation", "spinal_stenosis", "spondylolisthesis",
                            "other", "unknown"] = "unknown"
    knee_diagnosis: Literal["none", "osteoarthritis", "meniscus", "ligament", "patellofemoral",
                            "other", "unknown"] = "unknown"
    back_onset_age: int | None = Field(None, ge=0, le=110, description=(
        "years of age when the back pain first began; when omitted the engine uses age minus duration"))
    onset_speed: OnsetSpeed = Field("unknown", description="did the pain begin suddenly or gradually")
    weight_change_kg: float | None = Field(None, ge=-60, le=60, description="kg gained (+) or lost (−) recently")
    weight_change_months: float | None = Field(None, ge=0, le=60, description="months over which the weight changed")
    falls_last_year: int | None = Field(None, ge=0, le=100, description="falls in the last 12 months")


class Symptoms(_Model):
    """How the symptoms behave. ``None`` means not asked."""

    morning_stiffness_knee: bool | None = None
    morning_stiffness_back: bool | None = None
    morning_stiffness_minutes: float | None = Field(None, ge=0, le=1440, description="minutes")
    eases_with_movement: bool | None = None
    worse_sitting: bool | None = None
    worse_standing_up: bool | None = None
    worse_standing: bool | None = None
    worse_walking: bool | None = None
    worse_stairs: bool | None = None
    worse_bending: bool | None = None
    worse_extension: bool | None = None
    night_pain: bool | None = None
    back_heaviness_to_thigh: bool | None = Field(None, description="heaviness or dullness spreading from the back into the thigh")
    numbness: bool | None = None
    numbness_sites: list[PainSiteName] = Field(default_factory=list)
    numbness_below_knee: bool | None = None
    knee_swelling: bool | None = None
    knee_warmth: bool | None = None
    knee_giving_way: bool | None = None
    knee_locking: bool | None = None
    eased_by_rest: bool | None = Field(None, description="false = the pain is not eased by rest (ASAS item)")
    aggravating: list[Aggravating] = Field(default_factory=list, description="activities that make it worse")
    directional_preference: Literal["flexion", "extension", "none", "unknown"] = "unknown"
    irritability: Irritability | None = Field(None, description="how easily symptoms flare and how long they take to settle")
    helps: list[Literal["heat", "cold", "rest", "movement", "walking", "lying", "sitting"]] = Field(default_factory=list)


class TestResult(_Model):
    """One physical test. Use ``value`` for a single measurement, ``left``/``right`` for sided tests,
    ``positive`` for a plain positive/negative result, ``observations`` for checklist tests.

    An explicitly empty ``observations`` list means "observed, no faults" (a normal result); a test
    that is absent from the case was not done. ``side`` says which side a positive result or the
    observations were on. Which fields a given test accepts is checked against the knowledge base.
    """

    value: float | None = None
    left: float | None = None
    right: float | None = None
    positive: bool | None = None
    observations: list[str] = Field(default_factory=list)
    side: Side | None = Field(None, description="side of a positive result or of the observations")
    reproduces_radicular_pain: bool | None = Field(None, description=(
        "the test brought on the patient's familiar radiating leg pain (neural SLR / Lasègue)"))
    note: str | None = Field(None, max_length=2000)

    @model_validator(mode="after")
    def _something_recorded(self) -> TestResult:
        if (self.value is None and self.left is None and self.right is None and self.positive is None
                and "observations" not in self.model_fields_set and self.reproduces_radicular_pain is None):
            raise ValueError("record at least one of value, left, right, positive or observations")
        return self


class VideoEvidence(_Model):
    """The video measure behind one observation, with its quality, so the plan can show where it came from."""

    measure: str = Field(description="measure name within the task, e.g. pelvic_drop")
    value: float
    unit: str
    quality: float = Field(ge=0, le=1, description="landmark visibility × view fit of the measure")


class Movement(_Model):
    """A movement task observed by eye or measured from video; an empty ``observations`` list is
    "observed, no faults"."""

    observations: list[str] = Field(default_factory=list, description="observation ids from the knowledge base")
    side: Side | None = Field(None, description="side the observations were seen on")
    measures: dict[str, float] = Field(default_factory=dict, description="video measures, e.g. step_time_asymmetry")
    source: Literal["observation", "video"] = "observation"
    evidence: dict[str, VideoEvidence] = Field(default_factory=dict, description=(
        "per observation id, the video measure that produced it (video analyses only)"))


class Activity(_Model):
    level: ActivityLevel | None = None
    occupation: Occupation | None = None
    sitting_hours_per_day: float | None = Field(None, ge=0, le=24, description="hours")
    exercise_days_per_week: int | None = Field(None, ge=0, le=7)
    can_get_to_floor: bool | None = Field(None, description="can get down to and up from the floor")
    pool_access: bool | None = Field(None, description="has a pool to use (never assumed)")
    home_equipment: list[HomeEquipment] = Field(default_factory=list, description=(
        "equipment the patient has at home; anything not listed is not assumed"))
    walking_aid: WalkingAid | None = None
    lives_alone: bool | None = None


class Vitals(_Model):
    temperature_c: float | None = Field(None, ge=33, le=43, description="measured body temperature, °C")


class Pregnancy(_Model):
    weeks: int | None = Field(None, ge=0, le=42, description="gestational weeks; omit when not known")
    pelvic_girdle_pain: bool | None = None


class Surgery(_Model):
    type: SurgeryType
    side: Side | None = None
    date: str | None = Field(None, pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="YYYY-MM-DD or YYYY-MM")

    @field_validator("date")
    @classmethod
    def _real_date(cls, v: str | None) -> str | None:
        if v is not None:
            _check_date(v if len(v) == 10 else v + "-01")
        return v


class ClinicalImpression(_Model):
    """The clinician's own judgement where no questionnaire was taken."""

    fear_avoidance: Level3 | None = Field(None, description="fear-avoidance beliefs judged at interview (no FABQ)")


def _check_date(v: str) -> None:
    try:
        date.fromisoformat(v)
    except ValueError:
        raise ValueError("not a real calendar date") from None


class Case(_Model):
    """A complete assessment. Only ``red_flags`` matters for safety; its unanswered keys are ``unknown``."""

    schema_version: Literal[2] = Field(2, description="case format version; older cases are upgraded on load")
    id: str | None = Field(None, max_length=100)
    title: str | None = Field(None, max_length=200)
    lang: Literal["ja", "en"] = "ja"
    assessed_on: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")
    demographics: Demographics = Field(default_factory=Demographics)
    pain: list[PainSite] = Field(default_factory=list)
    history: History = Field(default_factory=History)
    symptoms: Symptoms = Field(default_factory=Symptoms)
    red_flags: dict[str, Answer] = Field(default_factory=dict, description="red-flag question id -> yes/no/unknown")
    conditions: list[str] = Field(default_factory=list, description="medical condition ids from the knowledge base")
    vitals: Vitals = Field(default_factory=Vitals)
    pregnancy: Pregnancy | None = Field(None, description="present when the person is pregnant")
    surgeries: list[Surgery] = Field(default_factory=list, max_length=20)
    clinical_impression: ClinicalImpression = Field(default_factory=ClinicalImpression)
    questionnaires: dict[str, list[float | None]] = Field(
        default_factory=dict, description="measure name -> item answers in order; null = unanswered")
    tests: dict[str, TestResult] = Field(default_factory=dict, description="test id -> result")
    movement: dict[MovementTask, Movement] = Field(default_factory=dict)
    activity: Activity = Field(default_factory=Activity)
    goals: list[str] = Field(default_factory=list, max_length=10)
    notes: str | None = Field(None, max_length=5000)

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, data: Any) -> Any:
        from ptplan.core.case_upgrade import upgrade

        return upgrade(data) if isinstance(data, dict) else data

    @field_validator("assessed_on")
    @classmethod
    def _real_date(cls, v: str | None) -> str | None:
        if v is not None:
            _check_date(v)
        return v

    def answer(self, question_id: str) -> Answer:
        return self.red_flags.get(question_id, "unknown")

    def has_pain(self, site: str) -> bool:
        return any(p.site == site for p in self.pain)
