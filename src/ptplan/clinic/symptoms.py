"""Symptoms reported with a session log: the self-check's warning-sign questions, in the patient's words.

A "yes" is read by the knowledge base's red-flag rules exactly as at follow-up review
(``ptplan.core.progression``); the patient is told at once what to do (the most urgent matching rule's
action, or the worklist data's default when no rule matches that answer alone) and the therapist sees it
at the top of the worklist.
"""

from __future__ import annotations

from typing import Any

from ptplan.core import progression
from ptplan.errors import InputError, Problem

URGENCY_ORDER = {"emergency": 0, "urgent": 1, "routine": 2}


def questions(kb) -> list:
    """The questions a patient may answer with a log: those of the public self-check."""
    return [q for q in kb.red_flag_questions.values() if q.self_check]


def report(answers: dict[str, str] | None, kb, texts: dict) -> dict[str, Any] | None:
    """What the answers mean, stored with the log: ``answers``, ``yes``, ``flags`` (id, urgency,
    suspected, action), ``urgency`` and ``action`` ({ja, en}); None when nothing was answered.
    ``texts``: the worklist data (``symptom_default_action``, ``symptom_sent_note``)."""
    if not answers:
        return None
    allowed = {q.id for q in questions(kb)}
    bad = [Problem(f"symptoms.{k}", f"expected a self-check question id and 'yes' or 'no' (got {k!r}: {v!r})",
                   "unknown", "セルフチェックの質問と「はい」「いいえ」で答えてください")
           for k, v in answers.items() if k not in allowed or v not in ("yes", "no")]
    if bad:
        raise InputError(bad, status=422)
    yes = sorted(k for k, v in answers.items() if v == "yes")
    _ids, hits = progression._red_flags(yes, kb)  # the review's own reading of follow-up red flags
    hits.sort(key=lambda h: URGENCY_ORDER.get(h["urgency"], 9))
    flags = [{k: h[k] for k in ("id", "urgency", "suspected", "action")} for h in hits]
    if flags:
        action = {lang: f"{flags[0]['action'][lang]} {texts['symptom_sent_note'][lang]}" for lang in ("ja", "en")}
    elif yes:
        action = dict(texts["symptom_default_action"])
    else:
        action = None
    return {"answers": dict(answers), "yes": yes, "flags": flags,
            "urgency": flags[0]["urgency"] if flags else ("unmatched" if yes else None), "action": action}
