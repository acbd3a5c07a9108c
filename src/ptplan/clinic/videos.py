"""Movement clips attached to an assessment: upload (therapists), status and result, and the analysis
function the job layer runs.

The upload is checked (size, and type by its first bytes, not the client's content type) and streamed
to the data dir; then the video decoder must open it, read a frame rate and size and decode its first
frame, or the file is deleted and the upload refused before anything is queued. The analysis runs as a
durable background job (:mod:`ptplan.clinic.jobs`), which deletes the clip afterwards unless the clinic
keeps clips. Reads follow the other patient records:
staff of the clinic, or the patient themselves.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path
from typing import BinaryIO

from ptplan.clinic.access import Actor, use_case
from ptplan.errors import PtplanError
from ptplan.store import repositories as repo
from ptplan.store.models import Assessment, VideoAnalysis

CHUNK = 1024 * 1024
INSTALL_HINT = "video analysis is not installed on this server; install ptplan[video]"


def sniff(head: bytes) -> str | None:
    """The container format from the first bytes, or None: MP4/MOV, WebM/Matroska or AVI."""
    if head[4:8] == b"ftyp":
        return ".mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return ".webm"
    if head[:4] == b"RIFF" and head[8:11] == b"AVI":
        return ".avi"
    return None


def _unsupported() -> PtplanError:
    return PtplanError.single("file", "not a video clip: expected MP4/MOV, WebM/Matroska or AVI content", "unsupported_type",
                              "動画ファイルではありません（MP4/MOV、WebM/Matroska、AVI のいずれか）", status=415)


def _too_big(max_bytes: int) -> PtplanError:
    return PtplanError.single("file", f"file larger than {max_bytes} bytes", "too_large",
                              f"ファイルが大きすぎます（上限 {max_bytes} バイト）", status=413)


def _not_decodable() -> PtplanError:
    return PtplanError.single("file", "not a decodable video: expected an MP4/MOV, WebM/Matroska or AVI clip whose "
                              "frame rate and size can be read and whose first frame decodes", "not_a_video",
                              "再生できる動画ではありません。フレームレートと画像サイズが読み取れ、最初のフレームを"
                              "読み込める MP4/MOV、WebM/Matroska、AVI の動画を指定してください", status=422)


def _unavailable() -> PtplanError:
    return PtplanError.single("file", f"{INSTALL_HINT}; clips cannot be checked or analysed", "video_unavailable",
                              "このサーバーには動画解析が入っていないため、動画を確認・解析できません。"
                              "ptplan[video] をインストールしてください", status=501)


def check_decodable(path: Path) -> None:
    """Refuse (and delete) a stored upload that the video decoder cannot open or whose first frame does
    not decode; only the header and the first frame are read."""
    try:
        from ptplan.video.reader import probe

        probe(path)
    except ImportError:
        path.unlink(missing_ok=True)
        raise _unavailable() from None
    except Exception:  # InputError from the reader, or the decoder failing on the file
        path.unlink(missing_ok=True)
        raise _not_decodable() from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def store_upload(src: BinaryIO, folder: Path, max_bytes: int) -> tuple[Path, int]:
    """Copy the upload to ``folder`` in chunks, checking its type and size; the path and byte count."""
    head = src.read(16)
    ext = sniff(head)
    if ext is None:
        raise _unsupported()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(16)}{ext}"
    size = len(head)
    try:
        with path.open("xb") as out:
            out.write(head)
            while chunk := src.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise _too_big(max_bytes)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if size > max_bytes:
        path.unlink(missing_ok=True)
        raise _too_big(max_bytes)
    return path, size


def json_safe(value):
    """The analysis result as plain JSON (NaN and infinities become null; numpy scalars become numbers)."""
    return json.loads(json.dumps(value, default=_plain), parse_constant=lambda _c: None)


def _plain(obj):
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if isinstance(obj, dt.date | dt.datetime):
        return obj.isoformat()
    return str(obj)


def run_analysis(path: str, task: str) -> dict:
    try:
        from ptplan.video.analyze import analyze

        result = analyze(path, task)
    except ImportError as exc:
        raise PtplanError.single("file", f"{INSTALL_HINT} ({exc.name or exc})", "video_unavailable",
                                 "このサーバーには動画解析が入っていません。ptplan[video] をインストールしてください") from None
    return json_safe(result)


def _name(filename: str | None) -> str:
    # Only shown back to the user; path parts and control characters are dropped.
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable())[:255] or "clip"


@use_case
def upload(actor: Actor, assessment_id: int, src: BinaryIO, filename: str | None, task: str, folder: Path,
           max_bytes: int) -> VideoAnalysis:
    """Store the clip and a queued analysis row; the caller submits the row id to
    :class:`ptplan.clinic.jobs.VideoJobs`.
    The clip file is removed again when the row cannot be stored."""
    actor.require("therapist")
    assessment = actor.record(Assessment, assessment_id, "assessment_id")
    path, size = store_upload(src, folder, max_bytes)
    check_decodable(path)
    try:
        row = repo.add_record(actor.db, VideoAnalysis, actor.patient(assessment.patient_id), actor.user.id,
                              assessment_id=assessment.id, task=task, status="queued", filename=_name(filename),
                              size_bytes=size, clip_path=str(path))
        actor.audit("create", "video", row.id, row.patient_id, detail=f"{task}, {size} bytes")
        actor.db.commit()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return row


@use_case
def list_videos(actor: Actor, assessment_id: int, limit: int, offset: int):
    assessment = actor.record(Assessment, assessment_id, "assessment_id")
    stmt = repo.records_query(VideoAnalysis, assessment.patient_id).where(VideoAnalysis.assessment_id == assessment.id)
    rows, total = repo.page(actor.db, stmt, limit, offset)
    actor.audit("list", "video", None, assessment.patient_id, detail=f"assessment {assessment.id}: {len(rows)} of {total}")
    return list(rows), total


@use_case
def get_video(actor: Actor, video_id: int) -> VideoAnalysis:
    row = actor.record(VideoAnalysis, video_id, "video_id")
    actor.audit("read", "video", row.id, row.patient_id, detail=row.status)
    return row
