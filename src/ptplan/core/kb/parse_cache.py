"""Parsed-YAML cache for the knowledge base.

Constructing Python objects from YAML is about three quarters of the knowledge-base load time; JSON of the
same data loads many times faster. Each file's parsed data is kept as JSON under a name derived from the
file's bytes (SHA-256), so an edited file can never be served stale. Data that does not survive a JSON
round trip unchanged (dates, non-string keys) is never cached. Any cache problem (read-only home, corrupt
file) falls back to parsing the YAML; the cache is an optimisation, never a source of truth.

Location: ``PTPLAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/ptplan``, else ``~/.cache/ptplan``;
``PTPLAN_CACHE_DIR=off`` disables it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = "1"  # bump when the cached representation changes


def cache_dir() -> Path | None:
    configured = os.environ.get("PTPLAN_CACHE_DIR", "").strip()
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ptplan"


def load(raw: bytes, parse: Callable[[str], Any]) -> Any:
    """``parse(text)`` for these bytes, served from the cache when an identical file was parsed before."""
    folder = cache_dir()
    if folder is None:
        return parse(raw.decode("utf-8"))
    entry = folder / "kb" / f"{hashlib.sha256(FORMAT.encode() + raw).hexdigest()}.json"
    try:
        return json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    data = parse(raw.decode("utf-8"))
    _store(entry, data)
    return data


def _store(entry: Path, data: Any) -> None:
    try:
        text = json.dumps(data, ensure_ascii=False)
        if json.loads(text) != data:
            return
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(entry)  # atomic: a concurrent reader sees the old state or the whole file
    except (OSError, TypeError, ValueError):
        return
