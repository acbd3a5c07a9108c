"""The effective plan: the generated plan with the therapist's typed edits replayed in order.

The generated plan JSON is never changed. A therapist's change is an *edit record* appended to the
plan: ``swap`` an exercise for another from the knowledge base, change its ``dose`` (checked against
the dose model), ``remove`` it, ``add`` one to a component, write a ``note``, or ``revert`` an earlier
edit (a new record: nothing is deleted). The core checks every edit against the plan and the case
before it is stored, and builds swapped or added exercises with the engine's own item builder, so
every item of the effective plan has the same keys and a contraindicated exercise is refused.

Records address what they change by id (component id, exercise id), not only by position: the
pointer given by the client is resolved once, when the edit is made. Replaying by id keeps an edit
on its exercise when an earlier edit is reverted, and lets a re-assessment carry the edits that
still apply over to the new plan (:func:`carry_forward`). An edit that no longer fits is skipped
and reported, never an error: a plan can always be read.
"""

from ptplan.core.plan_edits.carry import carry_forward, from_legacy
from ptplan.core.plan_edits.ops import (
    CHANGES,
    OPS,
    AddOp,
    DoseChanges,
    DoseOp,
    DoseValues,
    EditOp,
    EditRequest,
    NoteOp,
    RemoveOp,
    RevertOp,
    SwapOp,
    components,
    exercise_ids,
    left_the_plan,
    parse_edit,
    reverted,
    storable_text,
)
from ptplan.core.plan_edits.records import make_record, refusal_for
from ptplan.core.plan_edits.replay import Effective, effective_plan

__all__ = ["CHANGES", "OPS", "AddOp", "DoseChanges", "DoseOp", "DoseValues", "EditOp", "EditRequest", "Effective",
           "NoteOp", "RemoveOp", "RevertOp", "SwapOp", "carry_forward", "components", "effective_plan", "exercise_ids",
           "from_legacy", "left_the_plan", "make_record", "parse_edit", "refusal_for", "reverted", "storable_text"]
