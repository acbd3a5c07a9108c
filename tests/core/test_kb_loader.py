import shutil
from pathlib import Path

import pytest

from ptplan.core.kb import loader
from ptplan.core.kb.stats import kb_stats
from ptplan.errors import KnowledgeBaseError


@pytest.fixture
def kb_copy(tmp_path) -> Path:
    dst = tmp_path / "kb"
    shutil.copytree(loader.PACKAGE_KB, dst)
    return dst


def test_it_loads_the_packaged_knowledge_base():
    kb = loader.default_kb()
    s = kb_stats(kb)
    assert s["languages"] == {"ja": 1.0, "en": 1.0}
    assert s["version"] == kb.version


def _problems(root):
    with pytest.raises(KnowledgeBaseError) as exc:
        loader.load(root)
    return [p.text() for p in exc.value.problems]


def test_it_names_the_file_and_field_of_a_missing_language(kb_copy):
    p = kb_copy / "findings.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("en: Lumbopelvic motor-control deficit", "en: ''", 1),
                 encoding="utf-8")
    assert any("findings.yaml[0]" in t and "name.en" in t for t in _problems(kb_copy))


def test_it_reports_an_unknown_reference(kb_copy):
    p = kb_copy / "tests.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("refs: [mens_2001]", "refs: [nobody_1999]", 1),
                 encoding="utf-8")
    assert any("unknown reference id 'nobody_1999'" in t for t in _problems(kb_copy))


def test_it_reports_a_dangling_exercise_link(kb_copy):
    ex = next((kb_copy / "exercises").glob("*.yaml"))
    text = ex.read_text(encoding="utf-8")
    ex.write_text(text.replace("  self_care: true", "  progression: no_such_exercise\n  self_care: true", 1),
                  encoding="utf-8")
    assert any("unknown exercise 'no_such_exercise'" in t for t in _problems(kb_copy))


def test_it_reports_a_condition_on_an_unknown_fact(kb_copy):
    p = kb_copy / "red_flags.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("red_flag.saddle_numbness", "red_flag.nope", 1),
                 encoding="utf-8")
    assert any("red_flag.nope" in t for t in _problems(kb_copy))


def test_it_refuses_a_second_spelling_of_a_japanese_term(kb_copy):
    p = kb_copy / "findings.yaml"
    text = p.read_text(encoding="utf-8")
    assert "いす" in text
    p.write_text(text.replace("いす", "椅子", 1), encoding="utf-8")
    assert any("findings.yaml" in t and ".ja" in t and "'いす' instead of '椅子'" in t for t in _problems(kb_copy))


def test_it_reports_bad_yaml_with_its_line(kb_copy):
    (kb_copy / "advice.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    assert any("advice.yaml" in t and "line" in t for t in _problems(kb_copy))
