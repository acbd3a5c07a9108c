"""Upload bodies for the clip tests: a tiny clip the video decoder really plays (made with OpenCV, so the
tests that need one skip without the video extra) and the B5 samples of the security review, files that
only carry a container's magic bytes."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import pytest

NOT_DECODABLE = {
    "8 bytes of MP4 magic": b"\x00\x00\x00\x18ftyp",
    "MP4 magic and zeros": b"\x00\x00\x00\x18ftypmp42" + bytes(200),
    "HTML with ftyp at bytes 4-8": b"<htmftyp><body><script>alert(1)</script></body></html>\n",
    "ELF with ftyp at bytes 4-8": b"\x7fELFftyp" + bytes(56) + b"\x02\x00\x3e\x00" + bytes(64),
    "bare RIFF/AVI header": b"RIFF\x24\x00\x00\x00AVI LIST\x04\x00\x00\x00hdrl",
    "bare EBML header": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
                        b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02",
}


@cache
def tiny_mp4() -> bytes:
    """A 3-frame 32x24 MP4 (about a kilobyte) that opens and decodes; skips the test without OpenCV."""
    import numpy as np

    cv2 = pytest.importorskip("cv2", reason="needs the video extra: pip install 'ptplan[video]'")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tiny.mp4"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10.0, (32, 24))
        for i in range(3):
            writer.write(np.full((24, 32, 3), 60 + 40 * i, np.uint8))
        writer.release()
        return path.read_bytes()
