"""Movement clips attached to an assessment: upload (therapists, answered 202 with the queued row),
then status and result. Checks, storage and the worker are in :mod:`ptplan.clinic.videos`."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile

from ptplan.api.deps import CurrentActor, IdPath, PageDep, SettingsDep
from ptplan.api.schemas import PageOf, VideoOut, VideoTask, page_of
from ptplan.clinic import videos

router = APIRouter(tags=["videos"])
UPLOAD_PATH = r"/api/v1/assessments/[^/]+/videos"  # the body size limit for this path is the clip limit


@router.post("/assessments/{assessment_id}/videos", status_code=202)
def upload_video(assessment_id: IdPath, file: Annotated[UploadFile, File(description="the clip (MP4/MOV, WebM, AVI)")],
                 task: Annotated[VideoTask, Form(description="the movement filmed")], actor: CurrentActor,
                 settings: SettingsDep, request: Request) -> VideoOut:
    row = videos.upload(actor, assessment_id, file.file, file.filename, task, settings.data_dir / "videos",
                        settings.max_video_bytes)
    request.app.state.video_jobs.submit(row.id)
    return VideoOut.model_validate(row)


@router.get("/assessments/{assessment_id}/videos")
def list_videos(assessment_id: IdPath, actor: CurrentActor, page: PageDep) -> PageOf[VideoOut]:
    return page_of(VideoOut, *videos.list_videos(actor, assessment_id, page.limit, page.offset), page)


@router.get("/videos/{video_id}")
def get_video(video_id: IdPath, actor: CurrentActor) -> VideoOut:
    return VideoOut.model_validate(videos.get_video(actor, video_id))
