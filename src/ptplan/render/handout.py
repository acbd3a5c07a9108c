"""The printable patient handout: HTML from a Jinja2 template, PDF by WeasyPrint.

The PDF sets every text in the fonts shipped with the package (:mod:`ptplan.render.pdf`); the HTML lists
the same family first and falls back to the reader's Japanese system fonts in a browser.
"""

from __future__ import annotations

import functools
from importlib import resources

from markupsafe import Markup

from ptplan.render import context


@functools.lru_cache(maxsize=1)
def _env():
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("ptplan.render", "templates"),
                              autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def _css() -> str:
    return resources.files("ptplan.render").joinpath("templates/handout.css").read_text(encoding="utf-8")


def _figures(exercises: list[dict], kb) -> None:
    """Attach the illustration SVG to each exercise that has keyframes (plans may name unknown ids)."""
    from ptplan.render.figures import illustration_svg

    if kb is None:
        from ptplan.core.kb.loader import default_kb

        kb = default_kb()
    for ex in exercises:
        if ex.get("id") in kb.kind("illustrations"):
            ex["figure"] = Markup(illustration_svg(kb, ex["id"], title=ex.get("name")))


def render_html(plan: dict, lang: str = "ja", kb=None, figures: bool = True, **opts) -> str:
    """The handout as one self-contained HTML page (CSS and SVG inline)."""
    ctx = context.build(plan, lang, kb=kb, **opts)
    if figures:
        _figures(ctx["exercises"], kb)
    return _env().get_template("handout.html").render(css=Markup(_css()), **ctx)


def render_pdf(plan: dict, lang: str = "ja", **opts) -> bytes:
    """The handout as A4 PDF bytes."""
    from ptplan.render.pdf import write_pdf

    return write_pdf(render_html(plan, lang, **opts))
