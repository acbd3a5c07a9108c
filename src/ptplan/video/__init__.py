"""Movement analysis from video (optional extra ``ptplan[video]``; the core never imports it).

``analyze(path, task, settings) -> dict`` is the entry point for the CLI and the API.
"""

from __future__ import annotations

from typing import Any


def analyze(path: str, task: str, settings: Any = None, progress: Any = None) -> dict:
    from ptplan.video.analyze import analyze as _analyze

    return _analyze(path, task, settings, progress)


__all__ = ["analyze"]
