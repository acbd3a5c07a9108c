import datetime as dt

import yaml

from ptplan.core.kb import loader, parse_cache


def _parse(text):
    return yaml.safe_load(text)


def test_it_serves_the_second_parse_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PTPLAN_CACHE_DIR", str(tmp_path))
    calls = []

    def counting(text):
        calls.append(text)
        return _parse(text)

    raw = b"- id: a\n  n: 1\n"
    assert parse_cache.load(raw, counting) == [{"id": "a", "n": 1}]
    assert parse_cache.load(raw, counting) == [{"id": "a", "n": 1}]
    assert len(calls) == 1


def test_it_never_serves_a_stale_entry_for_edited_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("PTPLAN_CACHE_DIR", str(tmp_path))
    assert parse_cache.load(b"x: 1\n", _parse) == {"x": 1}
    assert parse_cache.load(b"x: 2\n", _parse) == {"x": 2}


def test_it_does_not_cache_data_json_would_change(tmp_path, monkeypatch):
    monkeypatch.setenv("PTPLAN_CACHE_DIR", str(tmp_path))
    raw = b"when: 2026-01-02\n1: one\n"
    first = parse_cache.load(raw, _parse)
    assert first == {"when": dt.date(2026, 1, 2), 1: "one"}
    assert parse_cache.load(raw, _parse) == first
    assert not list(tmp_path.rglob("*.json"))


def test_it_falls_back_to_parsing_when_an_entry_is_corrupt(tmp_path, monkeypatch):
    monkeypatch.setenv("PTPLAN_CACHE_DIR", str(tmp_path))
    parse_cache.load(b"x: 1\n", _parse)
    for entry in tmp_path.rglob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    assert parse_cache.load(b"x: 1\n", _parse) == {"x": 1}


def test_it_loads_the_same_knowledge_base_with_and_without_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PTPLAN_CACHE_DIR", "off")
    plain = loader.load()
    monkeypatch.setenv("PTPLAN_CACHE_DIR", str(tmp_path))
    loader.load()  # fills the cache
    cached = loader.load()
    assert list(tmp_path.rglob("*.json"))
    assert _dump(cached) == _dump(plain)


def _dump(kb):
    return {kind: {eid: e.model_dump(mode="json") for eid, e in entries.items()}
            for kind, entries in kb.entries.items()} | {"meta": kb.meta.model_dump(mode="json")}
