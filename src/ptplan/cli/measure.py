"""``ptplan measure``: score an outcome questionnaire, list the measures the knowledge base knows."""

from __future__ import annotations

import json

import typer

from ptplan.core import measures
from ptplan.errors import PtplanError, error_payload

app = typer.Typer(no_args_is_help=True, help="Outcome measures: score a questionnaire, list measures.")


def _num(s: str) -> float | None | str:
    s = s.strip()
    if s in ("-", ""):
        return None
    try:
        v = float(s)
    except ValueError:
        return s  # the core names the item and what it expected
    return int(v) if v.is_integer() else v


def _fmt(v) -> str:
    return "-" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))


def _lines(r: measures.MeasureResult, lang: str) -> list[str]:
    unit = "%" if r.unit == "percent" else ""
    lo, hi = r.range
    better = {"higher_worse": ("higher = worse", "高いほど悪い"), "higher_better": ("higher = better", "高いほど良い")}
    head = f"{r.name}: {_fmt(r.score)}{unit} (range {lo:g}–{hi:g}, {better[r.direction][lang == 'ja']})"
    out = [head]
    if r.band:
        out.append(f"  band: {r.band['label'][lang]}" + (f" [{r.band['ref']}]" if r.band["ref"] else "")
                   + (" (unverified)" if r.band["status"] == "unverified" else ""))
    for k, v in {**r.subscales, **r.extra}.items():
        band = r.subscale_bands.get(k)
        out.append(f"  {k}: {_fmt(v)}" + (f" — {band['label'][lang]}" if band else ""))
    if r.mcid:
        m = r.mcid
        parts = [f"{m['points']:g} points" if m["points"] is not None else None,
                 f"{m['percent']:g}%" if m["percent"] is not None else None]
        out.append(f"  MCID: {' or '.join(p for p in parts if p)} [{m['ref']}, {m['status']}]")
    if r.missing:
        out.append(f"  unanswered items: {', '.join(map(str, r.missing))}")
    out.append(f"  scoring: {r.status}; refs: {', '.join(r.refs)}")
    return out


@app.command("score")
def score_cmd(name: str = typer.Argument(..., help="measure id, e.g. odi, nrs, start_back"),
              answers: list[str] = typer.Argument(..., help="item answers in order; '-' for unanswered"),
              as_json: bool = typer.Option(False, "--json", help="print JSON"),
              lang: str = typer.Option("ja", "--lang", help="ja or en")):
    """Score one questionnaire, e.g. `ptplan measure score odi 2 3 1 2 0 1 2 1 3 2`."""
    values = [_num(a) for a in answers]
    if as_json:
        try:
            typer.echo(json.dumps(measures.score(name, values).as_dict(), ensure_ascii=False))
        except PtplanError as err:
            typer.echo(json.dumps(error_payload(err), ensure_ascii=False))
            raise SystemExit(2) from None  # typer.Exit is swallowed when main() runs non-standalone
        return
    for line in _lines(measures.score(name, values), lang):
        typer.echo(line)


@app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="print JSON"),
             lang: str = typer.Option("ja", "--lang", help="ja or en")):
    """Every measure with its items, range, direction, MCID and references."""
    cat = measures.catalogue(lang)
    if as_json:
        typer.echo(json.dumps(cat, ensure_ascii=False))
        return
    for m in cat:
        rng = f"{m['range'][0]:g}–{m['range'][1]:g}" if m["range"] else "-"
        state = "" if m["available"] else "  [not scored: " + m["reason"] + "]"
        mcid = f" MCID {m['mcid']['points']:g}" if m["mcid"] and m["mcid"]["points"] is not None else ""
        jp = f" [{m['japanese_version']}]" if m["japanese_version"] else ""
        typer.echo(f"{m['id']:<11} {m['name']}{jp} — items {m['items']}, range {rng}, {m['direction']}{mcid};"
                   f" refs {', '.join(m['refs'])}{state}")
