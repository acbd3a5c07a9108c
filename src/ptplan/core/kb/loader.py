"""Load the knowledge base from its data files and validate it.

Layout under the knowledge-base folder (default: the ``ptplan/kb`` package data)::

    meta.yaml                 version, title, disclaimer
    <kind>.yaml               a list of entries, or
    <kind>/*.yaml             several files of the same kind (read in name order)

Every problem is reported with the file, the entry index/id and the field path.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ptplan.core.kb import parse_cache, schema
from ptplan.errors import KnowledgeBaseError, Problem

PACKAGE_KB = Path(__file__).resolve().parents[2] / "kb"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class KnowledgeBase:
    meta: schema.KbMeta
    entries: dict[str, dict[str, BaseModel]]  # kind -> id -> entry
    sources: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) -> file

    @property
    def version(self) -> str:
        return self.meta.version

    def kind(self, name: str) -> dict[str, Any]:
        return self.entries.get(name, {})

    # Typed shortcuts for the kinds every module uses.
    @property
    def exercises(self) -> dict[str, schema.Exercise]:
        return self.kind("exercises")

    @property
    def tests(self) -> dict[str, schema.AssessmentTest]:
        return self.kind("tests")

    @property
    def findings(self) -> dict[str, schema.Finding]:
        return self.kind("findings")

    @property
    def references(self) -> dict[str, schema.Reference]:
        return self.kind("references")

    @property
    def red_flag_questions(self) -> dict[str, schema.RedFlagQuestion]:
        return self.kind("red_flag_questions")

    @property
    def red_flags(self) -> dict[str, schema.RedFlag]:
        return self.kind("red_flags")

    @property
    def yellow_flags(self) -> dict[str, schema.YellowFlag]:
        return self.kind("yellow_flags")

    @property
    def advice(self) -> dict[str, schema.Advice]:
        return self.kind("advice")

    @property
    def conditions(self) -> dict[str, schema.Condition]:
        return self.kind("conditions")


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    try:
        return parse_cache.load(path.read_bytes(), lambda text: yaml.load(text, Loader=_Loader))
    except UnicodeDecodeError:
        problems.append(Problem(path.name, "not UTF-8 text", "encoding"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problems.append(Problem(path.name, f"not valid YAML{where}: {getattr(exc, 'problem', exc)}", "yaml"))
        return None


def _files_of(root: Path, kind: str) -> list[Path]:
    files = [root / f"{kind}.yaml"] if (root / f"{kind}.yaml").exists() else []
    if (root / kind).is_dir():
        files += sorted((root / kind).glob("*.yaml"))
    return files


def _validate_entries(kind: str, model: type[BaseModel], path: Path, data: Any, root: Path,
                      out: dict[str, BaseModel], sources: dict, problems: list[Problem]) -> None:
    rel = path.relative_to(root).as_posix()
    if not isinstance(data, list):
        problems.append(Problem(rel, "expected a list of entries", "type"))
        return
    for i, raw in enumerate(data):
        label = f"{rel}[{i}]" + (f" ({raw.get('id')})" if isinstance(raw, dict) and raw.get("id") else "")
        try:
            entry = model.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                problems.append(Problem(f"{label}.{loc}" if loc else label, err["msg"], err["type"]))
            continue
        if entry.id in out:
            problems.append(Problem(label, f"duplicate id '{entry.id}' (also in {sources[(kind, entry.id)]})",
                                    "duplicate"))
            continue
        out[entry.id] = entry
        sources[(kind, entry.id)] = rel


def load(root: Path | str | None = None, check_integrity: bool = True) -> KnowledgeBase:
    """Load and validate; raise :class:`KnowledgeBaseError` listing every problem found."""
    root = Path(root) if root else PACKAGE_KB
    problems: list[Problem] = []
    meta_raw = _read_yaml(root / "meta.yaml", problems) if (root / "meta.yaml").exists() else None
    meta = None
    if meta_raw is None and not problems:
        problems.append(Problem("meta.yaml", "missing: the knowledge base needs meta.yaml with a version", "missing"))
    elif meta_raw is not None:
        try:
            meta = schema.KbMeta.model_validate(meta_raw)
        except ValidationError as exc:
            problems += [Problem("meta.yaml." + ".".join(map(str, e["loc"])), e["msg"], e["type"])
                         for e in exc.errors()]
    entries: dict[str, dict[str, BaseModel]] = {}
    sources: dict[tuple[str, str], str] = {}
    for kind, model in schema.KINDS.items():
        entries[kind] = {}
        for path in _files_of(root, kind):
            data = _read_yaml(path, problems)
            if data is not None:
                _validate_entries(kind, model, path, data, root, entries[kind], sources, problems)
    if problems:
        raise KnowledgeBaseError(problems)
    kb = KnowledgeBase(meta=meta, entries=entries, sources=sources)
    if check_integrity:
        from ptplan.core.kb.integrity import check

        problems = check(kb)
        if problems:
            raise KnowledgeBaseError(problems)
    return kb


@functools.lru_cache(maxsize=4)
def _cached(root: str) -> KnowledgeBase:
    return load(root)


def default_kb() -> KnowledgeBase:
    """The packaged knowledge base, loaded once per process."""
    return _cached(str(PACKAGE_KB))
