"""The edit requests (typed ops, validated by pydantic) and how an edit record finds what it changes."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model

from ptplan.core.kb.schema import Dose
from ptplan.errors import InputError, Problem, message_ja

EXERCISE_PATH = re.compile(r"^/program/components/(\d{1,3})/exercises/(\d{1,3})$")
COMPONENT_PATH = re.compile(r"^/program/components/(\d{1,3})(?:/exercises)?$")


def storable_text(text: str) -> str:
    """``text`` if a database can store it, else ValueError (for pydantic validators)."""
    # NUL cannot be stored by PostgreSQL and a lone surrogate cannot be encoded: refuse both as input.
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return text


Reason = Annotated[str, Field(min_length=1, max_length=2000, description="why the plan changes (shown in the edit log)"),
                   AfterValidator(storable_text)]
ExerciseId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=80, description="exercise id of the KB")]
ExercisePointer = Annotated[str, Field(pattern=EXERCISE_PATH.pattern, description="/program/components/I/exercises/J")]
ComponentPointer = Annotated[str, Field(pattern=COMPONENT_PATH.pattern, description="/program/components/I")]

#: A whole dose as a therapist may set it, with the knowledge base's own limits (``kb.schema.Dose``).
DoseValues = create_model("DoseValues", __config__=ConfigDict(extra="forbid"),
                          **{n: (f.annotation, f) for n, f in Dose.model_fields.items() if n not in ("refs", "fixed")})
#: The fields to change: a number sets the field, null stops dosing it; fields left out stay as they are.
DoseChanges = create_model("DoseChanges", __config__=ConfigDict(extra="forbid"),
                           **{n: (f.annotation | None, None) for n, f in DoseValues.model_fields.items()})


class EditRequest(BaseModel):
    """What every edit request carries: the op (in each subclass) and the reason."""

    model_config = ConfigDict(extra="forbid")
    reason: Reason


class SwapOp(EditRequest):
    """Replace the exercise at ``path`` by the KB exercise ``exercise_id``."""

    op: Literal["swap"]
    path: ExercisePointer
    exercise_id: ExerciseId


class DoseOp(EditRequest):
    """Change the dose of the exercise at ``path``; the resulting dose must satisfy the dose model."""

    op: Literal["dose"]
    path: ExercisePointer
    dose: DoseChanges  # type: ignore[valid-type]


class RemoveOp(EditRequest):
    op: Literal["remove"]
    path: ExercisePointer


class AddOp(EditRequest):
    """Append the KB exercise ``exercise_id`` to the component at ``path``."""

    op: Literal["add"]
    path: ComponentPointer
    exercise_id: ExerciseId


class NoteOp(EditRequest):
    op: Literal["note"]
    path: Annotated[str, Field(max_length=300, pattern=r"^(/[^/]*)*$")] = ""


class RevertOp(EditRequest):
    """Undo edit number ``edit`` (1-based, as listed in ``edits``); the reverted record stays."""

    op: Literal["revert"]
    edit: Annotated[int, Field(ge=1, le=100_000)]


EditOp = Annotated[SwapOp | DoseOp | RemoveOp | AddOp | NoteOp | RevertOp, Field(discriminator="op")]
_EDIT = TypeAdapter(EditOp)
CHANGES = ("swap", "dose", "remove", "add")
OPS = (*CHANGES, "note", "revert")


def parse_edit(data: Any) -> EditOp:
    """An edit request as a typed op, or one InputError naming each bad field."""
    try:
        return _EDIT.validate_python(data)
    except ValidationError as exc:
        raise InputError([Problem(".".join(str(p) for p in e["loc"][1:] or e["loc"]) or "op", e["msg"], e["type"],
                                  message_ja(e["type"], e.get("ctx"))) for e in exc.errors()], status=422) from None


def components(plan: dict) -> list[dict]:
    program = plan.get("program") if isinstance(plan, dict) else None
    comps = program.get("components") if isinstance(program, dict) else None
    return [c for c in comps if isinstance(c, dict)] if isinstance(comps, list) else []


def exercise_ids(plan: dict) -> set[str]:
    return {ex.get("id") for c in components(plan) for ex in c.get("exercises") or [] if isinstance(ex, dict)}


def find(plan: dict, component: str | None, exercise: str) -> tuple[dict, int] | None:
    """The component holding ``exercise`` (the named component first) and its index there."""
    comps = components(plan)
    for c in sorted(comps, key=lambda c: c.get("id") != component):
        for j, ex in enumerate(c.get("exercises") or []):
            if isinstance(ex, dict) and ex.get("id") == exercise:
                return c, j
    return None


def at(plan: dict, path: str) -> tuple[dict, dict | None]:
    """The component (and exercise) a pointer names, or an InputError on ``path``."""
    m = EXERCISE_PATH.match(path) or COMPONENT_PATH.match(path)
    comps = components(plan)
    ci = int(m.group(1)) if m else len(comps)
    if ci >= len(comps):
        raise bad("path", f"{path!r} does not point into this plan", "プログラム内に該当する場所がありません", "bad_pointer")
    comp = comps[ci]
    if m.re is COMPONENT_PATH:
        return comp, None
    exercises = comp.get("exercises") or []
    ej = int(m.group(2))
    if ej >= len(exercises):
        raise bad("path", f"{path!r} does not point into this plan", "プログラム内に該当する場所がありません", "bad_pointer")
    return comp, exercises[ej]


def bad(path: str, message: str, message_ja: str, code: str = "invalid") -> InputError:
    return InputError.single(path, message, code, message_ja, status=422)


def left_the_plan(edits: list[dict]) -> dict[str, str]:
    """Exercise id → the day (ISO date) an edit last took it out of the plan: a ``remove`` or a ``swap`` of it,
    or a ``revert`` of the ``add`` or ``swap`` that brought it in. Records without a time are left out."""
    by_seq = {e.get("seq"): e for e in edits or [] if isinstance(e, dict)}
    out: dict[str, str] = {}
    for e in by_seq.values():
        day = str(e.get("at") or "")[:10]
        gone = e.get("exercise") if e.get("op") in ("remove", "swap") else None
        if e.get("op") == "revert" and by_seq.get(e.get("edit"), {}).get("op") in ("add", "swap"):
            gone = by_seq[e["edit"]].get("exercise_id")
        if day and isinstance(gone, str):
            out[gone] = max(out.get(gone, day), day)
    return out


def reverted(edits: list[dict]) -> set[int]:
    return {e["edit"] for e in edits or [] if isinstance(e, dict) and e.get("op") == "revert" and isinstance(e.get("edit"), int)}


