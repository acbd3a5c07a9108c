"""CSV of anonymized outcomes (see :mod:`ptplan.clinic.exports` for what leaves and what does not)."""

import csv
import io

from fastapi import APIRouter, Response

from ptplan.api.deps import CurrentActor, SettingsDep
from ptplan.clinic import exports

router = APIRouter(prefix="/exports", tags=["exports"])


@router.get("/outcomes.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV"}})
def outcomes_csv(actor: CurrentActor, settings: SettingsDep) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(exports.COLUMNS)
    writer.writerows(exports.outcome_rows(actor, settings.secret_key))
    return Response(out.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="ptplan-outcomes.csv"'})
