"""PDF output through WeasyPrint, in fonts that ship inside the package.

Every PDF ptplan writes sets all its text, Latin and Japanese, in BIZ UDPGothic (Morisawa's
universal-design gothic, made for legibility; Regular and Bold; SIL Open Font License 1.1, see
``fonts/OFL.txt``). The files come unchanged from Debian's ``fonts-morisawa-bizud-gothic`` 1.05 and
are declared by ``@font-face`` under the family name :data:`FAMILY`, so a PDF never depends on what the
system has installed: on a slim container with no fonts at all, WeasyPrint would otherwise crash in
Pango, and without a Japanese font every kana and kanji would print as an empty box.

WeasyPrint fetches nothing from outside the package: :func:`package_only_fetcher` serves ``data:`` URLs and
``file://`` URLs of files inside the ``ptplan`` package (its fonts) and refuses every other URL (http,
https, ftp, any other file) with :class:`RefusedURL`. A refused image or attachment is left out of the PDF
and WeasyPrint logs the reason as a warning; the rest of the page still renders.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

FAMILY = "ptplan-sans"
FONTS = Path(__file__).resolve().parent / "fonts"
FACES = {"normal": "BIZUDPGothic-Regular.ttf", "bold": "BIZUDPGothic-Bold.ttf"}
PACKAGE = Path(__file__).resolve().parents[1]


class RefusedURL(ValueError):
    """A URL a PDF may not fetch: anything but ``data:`` and files inside the ptplan package."""


def check_url(url: str) -> None:
    """Raise :class:`RefusedURL` unless ``url`` is a ``data:`` URL or names a file inside :data:`PACKAGE`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return
    if scheme != "file":
        raise RefusedURL(f"PDF rendering fetches no {scheme or 'relative'} URL, only packaged files: {url[:200]}")
    if parts.netloc not in ("", "localhost"):
        raise RefusedURL(f"PDF rendering reads no file on another host: {url[:200]}")
    path = Path(url2pathname(unquote(parts.path))).resolve()
    if not path.is_relative_to(PACKAGE):
        raise RefusedURL(f"PDF rendering reads only files inside the ptplan package, not {path}")


def package_only_fetcher(urls):
    """A WeasyPrint ``URLFetcher`` (from the module ``urls``) that runs :func:`check_url` before each fetch."""

    class PackageOnly(urls.URLFetcher):
        def fetch(self, url, headers=None):
            check_url(url)
            return super().fetch(url, headers)

    return PackageOnly(allowed_protocols=("file", "data"), allow_redirects=False)


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

    fetcher = package_only_fetcher(weasyprint.urls)
    font_config = FontConfiguration()
    fonts = weasyprint.CSS(string=font_face_css(), font_config=font_config, url_fetcher=fetcher)
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[fonts],
                                                                       font_config=font_config)
