"""One spelling per Japanese term in every user-facing text outside the knowledge base (issue 16).

The knowledge base checks its own Japanese fields (`ptplan kb validate`, meta.yaml ja_spelling); the web
messages, the page and handout templates and the texts written in Python use the same list.
"""

import re
from pathlib import Path

from ptplan.core.kb.loader import default_kb

SRC = Path(__file__).resolve().parents[1] / "src" / "ptplan"
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _texts():
    for pattern in ("web/messages/ja.yaml", "web/templates/*.html", "render/templates/*", "**/*.py"):
        yield from (p for p in SRC.glob(pattern) if p.is_file())


def test_web_render_and_python_texts_use_the_knowledge_base_spelling():
    spelling = {bad: good for bad, good in default_kb().meta.ja_spelling.items() if CJK.search(bad)}
    assert "椅子" in spelling and "骨粗しょう症" in spelling  # the list the reviewer asked for is there
    files = list(_texts())
    assert len(files) > 50
    found = [f"{p.relative_to(SRC)}:{n}: '{bad}' (write '{good}')"
             for p in files for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             for bad, good in spelling.items() if bad in line]
    assert not found, found
