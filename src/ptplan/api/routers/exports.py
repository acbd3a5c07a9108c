"""CSV of anonymized outcomes: per patient and measure, the first and latest score and sessions logged.

Subjects are pseudonyms (HMAC of the patient id under the server secret): stable across exports of
one installation, meaningless outside it. No names, notes, or birth dates leave — only a 10-year age band.
"""

import csv
import hashlib
import hmac
import io

from fastapi import APIRouter, Response
from sqlalchemy import func, select

from ptplan.api.deps import CurrentActor, SettingsDep
from ptplan.store.models import MeasureResult, Patient, SessionLog

router = APIRouter(prefix="/exports", tags=["exports"])
COLUMNS = ["subject", "age_band", "sex", "measure", "first_on", "first_score", "latest_on", "latest_score",
           "change", "sessions_logged"]


@router.get("/outcomes.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV"}})
def outcomes_csv(actor: CurrentActor, settings: SettingsDep) -> Response:
    actor.require("admin", "therapist")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in _rows(actor, settings.secret_key):
        writer.writerow(row)
    actor.audit("export", "outcomes", detail=f"{out.getvalue().count(chr(10)) - 1} rows")
    actor.db.commit()
    return Response(out.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="ptplan-outcomes.csv"'})


def _rows(actor, secret: str):
    db = actor.db
    sessions = dict(db.execute(select(SessionLog.patient_id, func.count()).where(
        SessionLog.clinic_id == actor.clinic_id).group_by(SessionLog.patient_id)).all())
    measures = db.scalars(select(MeasureResult).where(MeasureResult.clinic_id == actor.clinic_id)
                          .order_by(MeasureResult.patient_id, MeasureResult.name, MeasureResult.taken_on,
                                    MeasureResult.id)).all()
    patients = {p.id: p for p in db.scalars(select(Patient).where(Patient.clinic_id == actor.clinic_id))}
    series: dict[tuple[int, str], list[MeasureResult]] = {}
    for m in measures:
        series.setdefault((m.patient_id, m.name), []).append(m)
    for (pid, name), items in series.items():
        first, last = items[0], items[-1]
        change = (last.score - first.score) if first.score is not None and last.score is not None else ""
        p = patients[pid]
        yield [_pseudonym(secret, pid), _age_band(p.birth_year, last.taken_on.year), p.sex or "", name,
               first.taken_on.isoformat(), _num(first.score), last.taken_on.isoformat(), _num(last.score),
               _num(change), sessions.get(pid, 0)]


def _pseudonym(secret: str, patient_id: int) -> str:
    return hmac.new(secret.encode(), f"patient:{patient_id}".encode(), hashlib.sha256).hexdigest()[:12]


def _age_band(birth_year: int | None, year: int) -> str:
    if birth_year is None:
        return ""
    low = max(0, (year - birth_year) // 10 * 10)
    return f"{low}-{low + 9}"


def _num(value) -> str:
    return "" if value in ("", None) else f"{value:g}"
