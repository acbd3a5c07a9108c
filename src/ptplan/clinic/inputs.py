"""The inputs of the use cases, checked the same way whichever adapter they come from (the API's
request bodies are these models; the web pages validate their forms with them too)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from ptplan.core import kana
from ptplan.core.plan_edits import storable_text as plain_text
from ptplan.core.sessions import ExerciseDone
from ptplan.errors import InputError, Problem, message_ja
from ptplan.store.auth import POLICY_MAX

BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _is_nonchar(ch: str) -> bool:
    cp = ord(ch)
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def _visible_name(value: str) -> str:
    # A name is shown in lists and read aloud: control characters (ESC, BEL...), direction overrides
    # (which reorder what follows on screen), noncharacters, or nothing visible at all are refused.
    bad = [ch for ch in value if unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS or _is_nonchar(ch)]
    if bad:
        raise PydanticCustomError("name_text", "must not contain control, text-direction or non-characters "
                                  f"(found U+{ord(bad[0]):04X})")
    if all(ch.isspace() or unicodedata.category(ch) in ("Cf", "Zs", "Mn") for ch in value):
        raise PydanticCustomError("name_blank", "expected a name with visible characters, not only spaces or "
                                  "invisible ones")
    return value


Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(plain_text), AfterValidator(_visible_name)]


def _reading(text: str) -> str | None:
    # stored in katakana (ptplan.core.kana); hiragana, half-width kana, spaces and 「ー・」 are accepted
    reading = kana.furigana(text)
    if reading and not all(0x30A0 <= ord(c) <= 0x30FF or c == " " for c in reading):
        raise PydanticCustomError("not_kana", "expected the reading in katakana or hiragana (フリガナ)")
    return reading


def _chart_number(text: str) -> str | None:
    number = kana.nfkc(text)  # full-width digits and letters as typed by a Japanese IME become ASCII
    if number and not all(c.isascii() and (c.isalnum() or c in "-_/.") for c in number):
        raise PydanticCustomError("chart_number_format", "expected letters, digits and - _ / . (カルテ番号)")
    return number or None


Furigana = Annotated[str, Field(max_length=200), AfterValidator(plain_text), AfterValidator(_reading)]
ChartNumber = Annotated[str, Field(max_length=50), AfterValidator(plain_text), AfterValidator(_chart_number)]
Note = Annotated[str, Field(max_length=5000), AfterValidator(plain_text)]
Role = Literal["admin", "therapist", "patient"]
EARLIEST = dt.date(1900, 1, 1)


def _recorded_day(day: dt.date) -> dt.date:
    # A session or measure is logged on or after the day it happened: a date far in the future (9999-12-31)
    # or before any living patient is a typing slip, and would break the adherence and chart arithmetic.
    if not EARLIEST <= day <= dt.date.today() + dt.timedelta(days=1):
        raise PydanticCustomError("date_out_of_range", "expected a date from 1900-01-01 to tomorrow")
    return day


RecordedDay = Annotated[dt.date, AfterValidator(_recorded_day)]
USERNAME = re.compile(r"[A-Za-z0-9_.-]{3,}(@[a-z0-9-]+)?")


def _username(value: str) -> str:
    # One rule for the API, the web admin form and `ptplan user create`; the clinic suffix is checked (or
    # added) by ptplan.clinic.users.create_user.
    if not USERNAME.fullmatch(value):
        raise PydanticCustomError("username", "expected at least 3 of A-Z, a-z, 0-9, '_', '.' and '-', optionally "
                                  "followed by @ and the clinic's code (100 characters in all)")
    return value


Username = Annotated[str, Field(max_length=100), AfterValidator(_username)]


def _year_not_text(value: object) -> object:
    # A JSON string ("1970") is not coerced: the API takes a year as a number, and the web forms convert
    # what was typed first (form_year), so 「１９７０」 or 「²」 never reaches the record as a guess.
    if isinstance(value, str):
        raise PydanticCustomError("birth_year_type", "expected the birth year as a number in ASCII digits (e.g. 1970)")
    return value


BirthYear = Annotated[int, Field(ge=1900, le=2100, strict=True), BeforeValidator(_year_not_text)]


def form_year(text: str) -> int | str | None:
    """A year typed in a web form as the models take it: empty -> None, ASCII digits -> int; anything else
    (full-width digits, 「²」, letters) stays text, which :data:`BirthYear` refuses naming the field."""
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        return text
    # past 4300 digits int() itself refuses; so long a number is out of the year range like any other
    return int(text) if len(text) <= 20 else 10**20
Lang = Literal["ja", "en"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserIn(_In):
    username: Annotated[Username, Field(description="the login name; an admin's new login ends in @<clinic code>, "
                                                    "added when left out (e.g. taro -> taro@aoba)")]
    # the password policy (12 to 128, not guessable) is checked by the use case, with its own bilingual message
    password: Annotated[str, Field(min_length=1, max_length=POLICY_MAX), AfterValidator(plain_text)]
    role: Role
    display_name: Annotated[str, Field(max_length=200), AfterValidator(plain_text)] = ""
    patient_id: Annotated[int, Field(ge=1, le=2**53)] | None = None


class UserPatch(_In):
    display_name: Annotated[str, Field(max_length=200), AfterValidator(plain_text)] | None = None
    password: Annotated[str, Field(min_length=1, max_length=POLICY_MAX), AfterValidator(plain_text)] | None = None
    active: bool | None = None


class ClinicSettingsPatch(_In):
    keep_video_clips: bool | None = Field(None, description="keep a clip after its analysis (default: delete it)")


class PatientIn(_In):
    name: Name
    furigana: Furigana | None = Field(None, description="reading of the name (フリガナ), stored in katakana")
    chart_number: ChartNumber | None = Field(None, description="the clinic's patient number (カルテ番号), unique in the clinic")
    birth_year: BirthYear | None = None
    sex: Literal["female", "male", "other"] | None = None
    note: Note | None = None


class PatientPatch(_In):
    name: Name | None = None
    furigana: Furigana | None = None
    chart_number: ChartNumber | None = None
    birth_year: BirthYear | None = None
    sex: Literal["female", "male", "other"] | None = None
    note: Note | None = None


class SessionIn(_In):
    """A session as ``ptplan.core.sessions.SessionLog`` records it, optionally linked to a plan."""

    date: RecordedDay = Field(description="day of the session (1900-01-01 to tomorrow)")
    exercises: Annotated[list[ExerciseDone], Field(max_length=60)] = Field(
        default_factory=list, description="exercises done (ids from the plan, with sets/reps/hold if recorded)")
    pain_before: Annotated[float, Field(ge=0, le=10)] | None = None
    pain_after: Annotated[float, Field(ge=0, le=10)] | None = None
    rpe: Annotated[float, Field(ge=0, le=10, description="rating of perceived exertion 0-10")] | None = None
    notes: Annotated[str, Field(max_length=2000), AfterValidator(plain_text)] | None = None
    plan_id: Annotated[int, Field(ge=1, le=2**53)] | None = None
    symptoms: Annotated[dict[Annotated[str, Field(max_length=60)], Literal["yes", "no"]], Field(max_length=60)] | None = Field(
        None, description="answers to the self-check's warning-sign questions (question id: yes/no)")
    client_key: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")] | None = Field(
        None, description="a key the device made for this log; sending the same key again stores nothing new")


class AckIn(_In):
    key: Annotated[str, Field(min_length=3, max_length=120, pattern=r"^[a-z_]+:[0-9a-z:_-]+$")]
    note: Annotated[str, Field(max_length=1000), AfterValidator(plain_text)] | None = None



def parse(model: type[BaseModel], data: dict) -> BaseModel:
    """``data`` as ``model``, or one InputError (422) with a bilingual problem per field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError([Problem(".".join(str(p) for p in e["loc"]), "unknown field" if e["type"] == "extra_forbidden"
                                  else e["msg"], e["type"], message_ja(e["type"], e.get("ctx"))) for e in exc.errors()],
                         status=422) from None
