"""PDF rendering fetches nothing outside the package (security review F12: no SSRF, no local file read)."""

from __future__ import annotations

import http.server
import io
import logging
import threading

import pytest

from ptplan.render.pdf import FAMILY, FONTS, PACKAGE, RefusedURL, check_url, font_face_css

weasyprint = pytest.importorskip("weasyprint")
pypdf = pytest.importorskip("pypdf")

# A 1×1 PNG, as a data: URL (allowed: it needs no fetch from anywhere).
PIXEL = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQ"
         "DwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self):  # noqa: N802 (the http.server name)
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    """A local HTTP server on 127.0.0.1 that records every request it gets."""
    handler = type("Recorder", (_Recorder,), {"hits": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], handler.hits
    server.shutdown()
    server.server_close()


def hostile_html(port: int) -> str:
    base = f"http://127.0.0.1:{port}"
    return f"""<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{base}/sheet.css">
<link rel="attachment" href="file:///etc/passwd">
<style>@import url("{base}/import.css"); body {{ font-family: "{FAMILY}"; background: url("{base}/bg.png"); }}</style>
</head><body><p>腰痛の運動 Exercise</p>
<img src="{base}/x"><img src="https://127.0.0.1:{port}/tls"><img src="file:///etc/passwd">
<img src="file://{PACKAGE}/../../../../etc/hostname"><img src="{PIXEL}">
<a href="file:///etc/passwd">link</a><a href="{base}/link">web</a>
</body></html>"""


def test_a_hostile_page_reaches_no_socket_and_still_renders(listener, caplog):
    from ptplan.render.pdf import write_pdf

    port, hits = listener
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = write_pdf(hostile_html(port))
    assert hits == []
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    assert "腰痛の運動" in page.extract_text()
    fonts = {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].get_object().values()}
    assert any(name.endswith("+" + FAMILY) for name in fonts)  # the packaged font file was still read
    assert len(page.images) == 1  # the data: image, and no other
    assert b"/EmbeddedFile" not in pdf  # /etc/passwd was not attached
    refused = [r.getMessage() for r in caplog.records if "PDF rendering" in r.getMessage()]
    assert any(f"127.0.0.1:{port}/x" in m for m in refused)
    assert any("/etc/passwd" in m for m in refused)


def test_the_hostile_page_would_reach_the_socket_without_the_guard(listener):
    """Control: WeasyPrint's own fetcher does make the requests and attach the file that the guard stops.
    Same packaged fonts as write_pdf, so only the fetcher differs (and a machine without system fonts,
    where Pango would crash the process on a page with no usable font, runs it too)."""
    from weasyprint.text.fonts import FontConfiguration

    port, hits = listener
    font_config = FontConfiguration()
    fonts = weasyprint.CSS(string=font_face_css(), font_config=font_config)
    pdf = weasyprint.HTML(string=hostile_html(port)).write_pdf(stylesheets=[fonts], font_config=font_config)
    assert "/x" in hits
    assert b"/EmbeddedFile" in pdf


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/x", "https://example.org/a.png", "ftp://127.0.0.1/x", "gopher://127.0.0.1/x",
    "file:///etc/passwd", "file://otherhost/" + str(FONTS / "OFL.txt"),
    (FONTS / ".." / ".." / ".." / "pyproject.toml").as_uri(), "file:" + str(PACKAGE) + "%2F..%2F..%2Fx",
    "relative.png", "//127.0.0.1/x",
])
def test_check_url_refuses_everything_outside_the_package(url):
    with pytest.raises(RefusedURL):
        check_url(url)


@pytest.mark.parametrize("url", [(FONTS / "BIZUDPGothic-Regular.ttf").as_uri(), PIXEL,
                                 "file://localhost" + str(FONTS / "OFL.txt")])
def test_check_url_allows_packaged_files_and_data(url):
    check_url(url)
