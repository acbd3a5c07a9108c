"""``ptplan kb sheet``: a contact sheet of every exercise illustration, for review."""

from __future__ import annotations

from pathlib import Path

import typer

from ptplan.core.kb import loader


def sheet(output: Path = typer.Option(None, "-o", "--output", help="file to write (.svg, .html or .pdf); default: SVG on stdout"),
          lang: str = typer.Option("ja", "--lang", help="language of the exercise names: ja or en"),
          path: Path = typer.Option(None, "--path", help="knowledge-base folder (default: the packaged one)")):
    """Draw every exercise's start and end pose on one sheet."""
    from ptplan.errors import InputError
    from ptplan.render.sheet import contact_sheet_html, contact_sheet_svg

    if lang not in ("ja", "en"):
        raise InputError.single("--lang", f"expected ja or en, got {lang!r}", "choice", "ja か en を指定してください")
    kb = loader.load(path)
    suffix = output.suffix.lower() if output else ".svg"
    if suffix not in (".svg", ".html", ".pdf"):
        raise InputError.single("--output", f"expected a .svg, .html or .pdf file, got {output.name}", "suffix",
                                ".svg・.html・.pdf のいずれかのファイル名を指定してください")
    if suffix == ".svg":
        text = contact_sheet_svg(kb, lang)
        output.write_text(text, encoding="utf-8") if output else typer.echo(text)
    elif suffix == ".html":
        output.write_text(contact_sheet_html(kb, lang), encoding="utf-8")
    else:
        from ptplan.render.pdf import write_pdf

        output.write_bytes(write_pdf(contact_sheet_html(kb, lang)))
    if output:
        typer.echo(f"wrote {output} ({len(kb.kind('illustrations'))} exercises)")
