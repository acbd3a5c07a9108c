"""``ptplan video``: registered, lazy (no cv2/mediapipe at import), clear errors."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_it_imports_the_cli_without_loading_video_libraries():
    code = "import sys, ptplan.cli; assert not {'cv2', 'mediapipe', 'scipy'} & set(sys.modules), sys.modules.keys()"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_it_prints_one_error_line_for_a_file_that_is_not_a_video(tmp_path, monkeypatch, capsys):
    pytest.importorskip("cv2", reason="needs the video extra")
    pytest.importorskip("mediapipe", reason="needs the video extra")
    from ptplan.cli import main

    bad = tmp_path / "clip.mp4"
    bad.write_text("hello")
    monkeypatch.setattr(sys, "argv", ["ptplan", "video", "analyze", str(bad), "--task", "gait"])
    with pytest.raises(SystemExit) as e:
        main()
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "not a readable video" in err and "Traceback" not in err


def test_it_rejects_a_malformed_subject_box():
    from ptplan.cli.video import _parse_box
    from ptplan.errors import PtplanError

    assert _parse_box("1,2,30,40") == (1.0, 2.0, 30.0, 40.0)
    with pytest.raises(PtplanError, match="x0,y0,x1,y1"):
        _parse_box("1,2,3")
