"""What has changed since the baseline for one patient, after a review (:mod:`ptplan.core.feedback`):
the measures as the latest review decision compared them, and each physical test from the first assessment
that recorded it to the newest one that did. Nothing before the first review: there is no re-test yet."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ptplan.core import feedback
from ptplan.store import repositories as repo
from ptplan.store.models import Assessment, ReviewDecision


def _tests(db: Session, patient_id: int) -> tuple[dict, dict]:
    seen: dict[str, list[tuple[int, dict]]] = {}
    for a in db.scalars(repo.records_query(Assessment, patient_id, newest_first=False)):
        for tid, result in ((a.case_json or {}).get("tests") or {}).items():
            if isinstance(result, dict):
                seen.setdefault(tid, []).append((a.id, result))
    twice = {tid: rows for tid, rows in seen.items() if len({aid for aid, _r in rows}) > 1}
    return {t: rows[0][1] for t, rows in twice.items()}, {t: rows[-1][1] for t, rows in twice.items()}


def changes_for(db: Session, patient_id: int, plan: dict | None, kb) -> list[dict]:
    """The changes to show the patient (``[]`` until a review has been made)."""
    decision = db.scalars(repo.records_query(ReviewDecision, patient_id).limit(1)).first()
    if decision is None:
        return []
    measures = {n: m for n, m in ((decision.detail or {}).get("measures") or {}).items() if isinstance(m, dict)}
    first, last = _tests(db, patient_id)
    return feedback.changes({n: m.get("baseline") for n, m in measures.items()},
                            {n: m.get("latest") for n, m in measures.items()}, first, last, plan, kb)
