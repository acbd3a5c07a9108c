"""Anonymized outcomes: per patient and measure, the first and latest score and the sessions logged.

Subjects are pseudonyms (HMAC of the patient id under the server secret): stable across exports of
one installation, meaningless outside it. No names, notes, or birth dates leave — only a 10-year age band.
"""

from __future__ import annotations

import hashlib
import hmac

from ptplan.clinic.access import STAFF, Actor, use_case
from ptplan.store import repositories as repo

COLUMNS = ["subject", "age_band", "sex", "measure", "first_on", "first_score", "latest_on", "latest_score",
           "change", "sessions_logged"]


@use_case
def outcome_rows(actor: Actor, secret: str) -> list[list]:
    """The rows of the clinic's outcomes table (``COLUMNS``); the export is audited."""
    actor.require(*STAFF)
    sessions, measures, patients = repo.outcome_records(actor.db, actor.clinic_id)
    series: dict[tuple[int, str], list] = {}
    for m in measures:
        series.setdefault((m.patient_id, m.name), []).append(m)
    rows = []
    for (pid, name), items in series.items():
        first, last = items[0], items[-1]
        change = (last.score - first.score) if first.score is not None and last.score is not None else ""
        p = patients[pid]
        rows.append([_pseudonym(secret, pid), _age_band(p.birth_year, last.taken_on.year), p.sex or "", name,
                     first.taken_on.isoformat(), _num(first.score), last.taken_on.isoformat(), _num(last.score),
                     _num(change), sessions.get(pid, 0)])
    actor.audit("export", "outcomes", detail=f"{len(rows)} rows")
    return rows


def _pseudonym(secret: str, patient_id: int) -> str:
    return hmac.new(secret.encode(), f"patient:{patient_id}".encode(), hashlib.sha256).hexdigest()[:12]


def _age_band(birth_year: int | None, year: int) -> str:
    if birth_year is None:
        return ""
    low = max(0, (year - birth_year) // 10 * 10)
    return f"{low}-{low + 9}"


def _num(value) -> str:
    return "" if value in ("", None) else f"{value:g}"
