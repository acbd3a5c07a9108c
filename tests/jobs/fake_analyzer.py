"""A stand-in for ptplan.clinic.videos:run_analysis with the same interface (path, task) -> dict, for the
job tests: it records each call (pid, clip) in PTPLAN_FAKE_ANALYSIS_LOG and takes
PTPLAN_FAKE_ANALYSIS_SECONDS, so a test can kill a worker in the middle of a job."""

from __future__ import annotations

import os
import time
from pathlib import Path


def analyze(path: str, task: str) -> dict:
    log = os.environ.get("PTPLAN_FAKE_ANALYSIS_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {Path(path).name}\n")
    time.sleep(float(os.environ.get("PTPLAN_FAKE_ANALYSIS_SECONDS", "0")))
    return {"task": task, "size_bytes": Path(path).stat().st_size, "analysed_by": os.getpid()}
