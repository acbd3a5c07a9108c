"""An English reader gets English: no English text of the knowledge base carries Japanese script (a
Japanese term an English reader needs is given in romaji). References keep their original titles."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

import ptplan

KB = Path(ptplan.__file__).parent / "kb"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def english_texts(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "en" and isinstance(value, str):
                yield path, value
            else:
                yield from english_texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from english_texts(value, f"{path}[{i}]")


def test_no_english_text_of_the_knowledge_base_has_japanese_script():
    mixed = [(f"{f.relative_to(KB)}{p}", t[:80])
             for f in sorted(KB.rglob("*.yaml")) if f.name != "references.yaml"
             for p, t in english_texts(yaml.safe_load(f.read_text(encoding="utf-8"))) if JAPANESE.search(t)]
    assert mixed == []
