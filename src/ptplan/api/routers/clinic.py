"""The admin's own clinic: its settings."""

from fastapi import APIRouter

from ptplan.api.deps import CurrentActor
from ptplan.api.schemas import ClinicSettingsOut, ClinicSettingsPatch
from ptplan.clinic import clinic_settings

router = APIRouter(prefix="/clinic", tags=["clinic"])


@router.get("/settings")
def get_settings(actor: CurrentActor) -> ClinicSettingsOut:
    return ClinicSettingsOut.model_validate(clinic_settings.get_settings(actor))


@router.patch("/settings")
def update_settings(body: ClinicSettingsPatch, actor: CurrentActor) -> ClinicSettingsOut:
    return ClinicSettingsOut.model_validate(clinic_settings.update_settings(actor, body.model_dump(exclude_unset=True)))
