"""``ptplan video``: movement analysis from a video clip (needs the optional extra ``ptplan[video]``).

Nothing here imports cv2 or mediapipe at module level, so ``ptplan`` works without the extra.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from ptplan.errors import PtplanError

app = typer.Typer(no_args_is_help=True, help="Movement analysis from video (optional extra ptplan[video]).")


class Task(StrEnum):
    squat = "squat"
    forward_bend = "forward-bend"
    gait = "gait"
    single_leg_stance = "single-leg-stance"


def _require_extra() -> None:
    try:
        import cv2  # noqa: F401
        import mediapipe  # noqa: F401
        import scipy  # noqa: F401
    except ImportError as exc:
        raise PtplanError.single("video", f"video analysis needs the optional extra ({exc.name} is missing): "
                                 "pip install 'ptplan[video]'", code="missing_extra",
                                 message_ja="動画解析には追加パッケージが必要です: pip install 'ptplan[video]'") from exc


def _parse_box(box: str | None) -> tuple[float, float, float, float] | None:
    if not box:
        return None
    try:
        vals = tuple(float(v) for v in box.split(","))
    except ValueError:
        vals = ()
    if len(vals) != 4 or vals[2] <= vals[0] or vals[3] <= vals[1]:
        raise PtplanError.single("--box", "expected x0,y0,x1,y1 in pixels with x1>x0 and y1>y0", code="invalid",
                                 message_ja="x0,y0,x1,y1（ピクセル、x1>x0・y1>y0）で指定してください")
    return vals  # type: ignore[return-value]


@app.command()
def analyze(file: Path = typer.Argument(..., help="video file (mp4, mov, ...)"),
            task: Task = typer.Option(..., "--task", help="movement task shown in the clip"),
            as_json: bool = typer.Option(False, "--json", help="print the full result as JSON"),
            overlay: Path = typer.Option(None, "--overlay", help="write a video with skeleton and angles"),
            plot: Path = typer.Option(None, "--plot", help="write a time-series plot (PNG)"),
            cutoff: float = typer.Option(6.0, "--cutoff", help="low-pass cut-off, Hz"),
            box: str = typer.Option(None, "--box", help="subject box x0,y0,x1,y1 (pixels) when several people are seen"),
            strict_view: bool = typer.Option(False, "--strict-view", help="fail instead of warn when the camera view "
                                             "does not suit the task"),
            lang: str = typer.Option("ja", "--lang", help="ja or en")):
    """Track the person, measure the movement and map the measures to findings."""
    _require_extra()
    from ptplan.video.analyze import Settings, run
    from ptplan.video.signal import SignalSettings

    settings = Settings(signal=SignalSettings(cutoff_hz=cutoff), subject_box=_parse_box(box), strict_view=strict_view)
    a = _run_with_progress(run, str(file), task.value, settings, quiet=as_json)
    if overlay:
        from ptplan.video.overlay import write_overlay

        write_overlay(str(file), a, str(overlay))
        a.result["outputs"] = {**a.result.get("outputs", {}), "overlay": str(overlay)}
    if plot:
        from ptplan.video.overlay import write_plot

        write_plot(a, str(plot))
        a.result["outputs"] = {**a.result.get("outputs", {}), "plot": str(plot)}
    if as_json:
        typer.echo(json.dumps(a.result, ensure_ascii=False, indent=2))
    else:
        _print_summary(a.result, "ja" if lang == "ja" else "en")


def _run_with_progress(run, path: str, task: str, settings, quiet: bool):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=True, disable=quiet) as progress:
        bar = progress.add_task("tracking", total=None)

        def tick(done: int, total: int) -> None:
            progress.update(bar, completed=done, total=total)

        return run(path, task, settings, progress=tick)


def _print_summary(r: dict, lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    q, st = r["quality"], r["stats"]
    con.print(f"view: {r['view']['view']}  tracked {q['detected_pct']}% of {st['frames']} frames  "
              f"{st['fps_processing']} fps ({st['realtime_factor']}x real time)")
    table = Table("measure", "value", "unit", "quality", "validity")
    for m in r["measures"]:
        table.add_row(m["name"], "—" if m["value"] is None else str(m["value"]), m["unit"],
                      str(m["quality"]["score"]), m["validity"])
    con.print(table)
    for f in r["findings"]:
        con.print(f"finding: {f['finding'] or '-'} / {f['observation']}  ({f['measure']} {f['value']} {f['threshold']}, "
                  f"{f['status']})")
    for w in r["warnings"]:
        con.print(f"[yellow]warning:[/] {w[lang]}")
