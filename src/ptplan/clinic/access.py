"""Who acts (:class:`Actor`), what they may see, and the one transaction each use case runs in.

``@use_case`` commits once when the use case returns and rolls back when it raises, so a use case
either stores everything it did, its audit events included, or nothing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ptplan.errors import NotFoundError, PermissionDenied
from ptplan.store import repositories as repo
from ptplan.store.models import Patient, User

STAFF = ("admin", "therapist")


@dataclass
class Actor:
    """The authenticated user of one request or command, with the database session it works in."""

    user: User
    db: Session
    ip: str
    kb: Any = None  # the knowledge base the server loaded once; None means the packaged one

    @property
    def clinic_id(self) -> int:
        return self.user.clinic_id

    @property
    def is_staff(self) -> bool:
        return self.user.role in STAFF

    def knowledge(self):
        if self.kb is None:
            from ptplan.core.kb.loader import default_kb

            self.kb = default_kb()
        return self.kb

    def require(self, *roles: str) -> None:
        if self.user.role not in roles:
            raise PermissionDenied(f"your role ({self.user.role}) may not do this; needs {' or '.join(roles)}")

    def patient(self, patient_id: int) -> Patient:
        """The patient, if this actor may see them: staff of their clinic, or the patient themselves."""
        if self.user.role == "patient" and self.user.patient_id != patient_id:
            raise NotFoundError("patient_id", f"no patient {patient_id} in your records")
        return repo.get_patient(self.db, self.clinic_id, patient_id)

    def record(self, model, row_id: int, field: str, lock: bool = False):
        """A patient record of the actor's clinic that the actor may see (404 otherwise)."""
        row = repo.get_owned(self.db, model, self.clinic_id, row_id, field, lock=lock)
        self.patient(row.patient_id)
        return row

    def audit(self, action: str, resource: str, resource_id: int | None = None, patient_id: int | None = None,
              detail: str | None = None) -> None:
        repo.record_audit(self.db, self.user, action, resource, resource_id, patient_id, self.ip, detail)

    def audit_refusal(self, detail: str) -> None:
        """Record a refused attempt (not found / not allowed / cross-site) in its own transaction."""
        try:
            repo.record_audit(self.db, self.user, "refused", "access", None, None, self.ip, detail)
            self.db.commit()
        except Exception:  # the refusal itself is what the caller reports; never hide it behind a log error
            self.db.rollback()


def use_case(fn):
    """Run ``fn(actor, ...)`` as one transaction: commit on return, roll back on any exception."""

    @functools.wraps(fn)
    def run(actor: Actor, *args, **kwargs):
        try:
            result = fn(actor, *args, **kwargs)
            actor.db.commit()
            return result
        except (NotFoundError, PermissionDenied) as err:
            actor.db.rollback()
            reason = err.problems[0].message if getattr(err, "problems", None) else str(err)
            actor.audit_refusal(f"{fn.__name__}: {reason}"[:500])
            raise
        except BaseException:
            actor.db.rollback()
            raise

    return run


def listed(actor: Actor, model, patient_id: int, limit: int, offset: int, resource: str):
    """A page of the patient's ``model`` rows, newest first; the read is audited with the patient's id."""
    patient = actor.patient(patient_id)
    rows, total = repo.page(actor.db, repo.records_query(model, patient.id), limit, offset)
    actor.audit("list", resource, None, patient.id, detail=f"{len(rows)} of {total}")
    return rows, total
