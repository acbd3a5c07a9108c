"""Movement clips attached to an assessment: upload (therapists), then status and result.

The upload is checked (size, and type by its first bytes, not the client's content type), streamed
to ``data_dir/videos`` and analysed by the app's background worker; the answer is 202 with the
queued row. Reads follow the other patient records: staff of the clinic, or the patient themselves.
"""

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile

from ptplan.api.deps import CurrentActor, IdPath, PageDep, SettingsDep
from ptplan.api.schemas import PageOf, VideoOut, VideoTask, page_of
from ptplan.api.video_jobs import store_upload
from ptplan.store import repositories as repo
from ptplan.store.models import Assessment, VideoAnalysis

router = APIRouter(tags=["videos"])
UPLOAD_PATH = r"/api/v1/assessments/[^/]+/videos"  # the body size limit for this path is the clip limit


@router.post("/assessments/{assessment_id}/videos", status_code=202)
def upload_video(assessment_id: IdPath, file: Annotated[UploadFile, File(description="the clip (MP4/MOV, WebM, AVI)")],
                 task: Annotated[VideoTask, Form(description="the movement filmed")], actor: CurrentActor,
                 settings: SettingsDep, request: Request) -> VideoOut:
    actor.require("therapist")
    assessment = actor.record(Assessment, assessment_id, "assessment_id")
    path, size = store_upload(file.file, settings.data_dir / "videos", settings.max_video_bytes)
    try:
        row = repo.add_record(actor.db, VideoAnalysis, actor.patient(assessment.patient_id), actor.user.id,
                              assessment_id=assessment.id, task=task, status="queued", filename=_name(file.filename),
                              size_bytes=size, clip_path=str(path))
        actor.audit("create", "video", row.id, row.patient_id, detail=f"{task}, {size} bytes")
        actor.db.commit()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    request.app.state.video_jobs.submit(row.id)
    return VideoOut.model_validate(row)


@router.get("/assessments/{assessment_id}/videos")
def list_videos(assessment_id: IdPath, actor: CurrentActor, page: PageDep) -> PageOf[VideoOut]:
    assessment = actor.record(Assessment, assessment_id, "assessment_id")
    stmt = repo.records_query(VideoAnalysis, assessment.patient_id).where(VideoAnalysis.assessment_id == assessment.id)
    rows, total = repo.page(actor.db, stmt, page.limit, page.offset)
    actor.audit("list", "video", None, assessment.patient_id, detail=f"assessment {assessment.id}: {len(rows)} of {total}")
    actor.db.commit()
    return page_of(VideoOut, rows, total, page)


@router.get("/videos/{video_id}")
def get_video(video_id: IdPath, actor: CurrentActor) -> VideoOut:
    row = actor.record(VideoAnalysis, video_id, "video_id")
    actor.audit("read", "video", row.id, row.patient_id, detail=row.status)
    actor.db.commit()
    return VideoOut.model_validate(row)


def _name(filename: str | None) -> str:
    # Only shown back to the user; path parts and control characters are dropped.
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable())[:255] or "clip"
