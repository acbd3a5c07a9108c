"""Measures per movement task. Each ``compute(seq, fps, ctx)`` returns a list of measure dicts
(see :func:`ptplan.video.measures.common.measure`) plus time series for plots."""

from __future__ import annotations

TASKS = ("squat", "forward_bend", "gait", "single_leg_stance")


def task_module(task: str):
    """The module that computes a task's measures (imported on demand)."""
    from importlib import import_module

    if task not in TASKS:
        raise KeyError(task)
    return import_module(f"ptplan.video.measures.{task}")
