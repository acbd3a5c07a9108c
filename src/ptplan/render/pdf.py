"""PDF output through WeasyPrint, in fonts that ship inside the package.

Every PDF ptplan writes sets all its text, Latin and Japanese, in BIZ UDPGothic (Morisawa's
universal-design gothic, made for legibility; Regular and Bold; SIL Open Font License 1.1, see
``fonts/OFL.txt``). The files come unchanged from Debian's ``fonts-morisawa-bizud-gothic`` 1.05 and
are declared by ``@font-face`` under the family name :data:`FAMILY`, so a PDF never depends on what the
system has installed: on a slim container with no fonts at all, WeasyPrint would otherwise crash in
Pango, and without a Japanese font every kana and kanji would print as an empty box.
"""

from __future__ import annotations

import warnings
from pathlib import Path

FAMILY = "ptplan-sans"
FONTS = Path(__file__).resolve().parent / "fonts"
FACES = {"normal": "BIZUDPGothic-Regular.ttf", "bold": "BIZUDPGothic-Bold.ttf"}


def font_face_css() -> str:
    """The ``@font-face`` rules that map :data:`FAMILY` to the packaged files, one per weight."""
    return "".join(f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; '
                   f'src: url("{(FONTS / name).as_uri()}"); }}\n' for weight, name in FACES.items())


def write_pdf(html: str) -> bytes:
    """Render one self-contained HTML page (its CSS naming :data:`FAMILY` first) to PDF bytes."""
    with warnings.catch_warnings():
        # WeasyPrint warns at import when the system has no fonts; the packaged ones make that moot.
        warnings.filterwarnings("ignore", "No fonts configured in FontConfig", UserWarning)
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    fonts = weasyprint.CSS(string=font_face_css(), font_config=font_config)
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[fonts], font_config=font_config)
