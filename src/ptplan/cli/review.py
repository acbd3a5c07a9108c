"""``ptplan review CASE LOG``: reassess a program from a follow-up log and print the decision.

LOG (YAML or JSON) holds ``latest`` questionnaires, ``sessions`` and optionally ``baseline``
(default: the case's questionnaires on ``assessed_on``), ``plan`` (default: the plan made from the
case when ``ptplan.core.services.make_plan`` exists), ``new_red_flags``, ``new_signs`` (kb/progression.yaml
``type: sign``: spreading numbness, a warm swollen knee...) and ``phase``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from ptplan.core.case_io import load_case_file, parse_text
from ptplan.core.services import review as review_core
from ptplan.errors import InputError, PtplanError, error_payload

LABELS = {"progress": ("進める", "progress"), "hold": ("現状維持", "hold"), "review": ("計画の見直し", "review the plan"),
          "regress": ("負荷を下げる", "regress"), "refer": ("主治医に報告・相談", "refer for medical review")}


def _read_log(path: Path) -> dict[str, Any]:
    try:
        return parse_text(path.read_text(encoding="utf-8"), path.name)
    except FileNotFoundError:
        raise InputError.single(str(path), "file not found", "not_found", "ファイルが見つかりません") from None


def _plan(log: dict, case, lang: str) -> dict:
    if log.get("plan") is not None:
        return log["plan"]
    from ptplan.core.services import make_plan
    return make_plan(case, lang=lang)


def run(case_path: Path, log_path: Path, lang: str | None = None) -> dict[str, Any]:
    case = load_case_file(case_path)
    log = _read_log(log_path)
    lang = lang or log.get("lang") or case.lang
    baseline = log.get("baseline") or {"date": case.assessed_on, "questionnaires": case.questionnaires}
    return review_core(_plan(log, case, lang), baseline, log.get("latest"), log.get("sessions") or [],
                       new_red_flags=log.get("new_red_flags") or (), lang=lang, phase=log.get("phase"),
                       new_signs=log.get("new_signs") or ())


def _dose(d: dict) -> str:
    keys = [("sets", "x{}"), ("reps", "{} reps"), ("hold_s", "{} s"), ("duration_min", "{} min")]
    return ", ".join(fmt.format(d[k]) for k, fmt in keys if d.get(k) is not None) or "-"


def render(r: dict[str, Any]) -> list[str]:
    ja = r["lang"] == "ja"
    out = [f"{'判定' if ja else 'Decision'}: {LABELS[r['decision']][0 if ja else 1]} — {r['name']}"]
    out += [f"  - {x['text']}" + (f" [{', '.join(x['refs'])}]" if x["refs"] else "")
            + (" (unverified)" if x["status"] == "unverified" else "") for x in r["reasons"]]
    if r.get("next_review_weeks"):
        out.append(f"{'次回の再評価' if ja else 'Next review'}: {r['next_review_weeks']:g} {'週後' if ja else 'weeks'}")
    if r.get("missing_baseline"):
        out.append(f"{'初回評価がない尺度（変化を判定できません）' if ja else 'No baseline (change cannot be judged)'}: "
                   f"{', '.join(r['missing_baseline'])}")
    ph = r["phase"]
    out.append(f"{'次の段階' if ja else 'Next phase'}: {ph['next'] or '-'}"
               + (f" ({'現在' if ja else 'now'}: {ph['current']})" if ph["current"] else ""))
    for e in r["exercises"]:
        change = f" → {e['switch_to']}" if e["switch_to"] else ""
        out.append(f"  {e['id']}: {LABELS[e['decision']][0 if ja else 1]} ({_dose(e['dose_before'])} → "
                   f"{_dose(e['dose_after'])}){change}")
    for f in r["red_flags"]:
        out.append(f"  ! {f['suspected']['ja' if ja else 'en']} ({f['urgency']}): {f['action']['ja' if ja else 'en']}")
    out.append(f"{'文献' if ja else 'References'}: {', '.join(r['references']) or '-'}")
    return out


def review(case: Path = typer.Argument(..., help="case file (YAML or JSON)"),
           log: Path = typer.Argument(..., help="follow-up log: latest questionnaires, sessions, optional plan"),
           as_json: bool = typer.Option(False, "--json", help="print JSON"),
           lang: str = typer.Option(None, "--lang", help="ja or en (default: the log's or the case's)")):
    """Decide progress / hold / regress / refer from a follow-up log, and print the next phase."""
    if not as_json:
        for line in render(run(case, log, lang)):
            typer.echo(line)
        return
    try:
        typer.echo(json.dumps(run(case, log, lang), ensure_ascii=False, default=str))
    except PtplanError as err:
        typer.echo(json.dumps(error_payload(err), ensure_ascii=False))
        raise SystemExit(2) from None
