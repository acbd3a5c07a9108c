"""Property tests: any valid answers give a score inside the published range."""

from hypothesis import given, settings
from hypothesis import strategies as st

from ptplan.core.kb.loader import default_kb
from ptplan.core.measures import REGISTRY, score

KB = default_kb()
SCOREABLE = sorted(m for m, meta in KB.kind("measures").items() if meta.scoring == "available" and m in REGISTRY)


@st.composite
def complete_answers(draw):
    name = draw(st.sampled_from(SCOREABLE))
    meta = KB.kind("measures")[name]
    n = draw(st.integers(meta.min_items or len(meta.items), meta.max_items or len(meta.items)))
    values = []
    for i in range(1, n + 1):
        lo, hi = meta.item_ranges.get(i, (meta.item_min, meta.item_max))
        values.append(draw(st.integers(int(lo), int(hi))))
    return name, meta, values


def _inside(value, rng):
    return value is None or rng[0] <= value <= rng[1]


@settings(max_examples=150, deadline=None)
@given(complete_answers())
def test_it_keeps_every_score_and_subscale_in_range(case):
    name, meta, values = case
    r = score(name, values)
    assert r.score is not None and _inside(r.score, meta.range)
    for s in meta.subscales:
        assert _inside(r.subscales[s.id], s.range)
    if meta.bands:
        assert r.band["id"] in {b.id for b in meta.bands}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=10, max_size=10))
def test_it_scores_odi_in_range_or_refuses_for_missing_sections(values):
    missing = values.count(None)
    if missing > 2:
        try:
            score("odi", values)
        except Exception as err:  # noqa: BLE001 - asserting the type below
            assert err.problems[0].code == "missing"
        else:
            raise AssertionError("scored an ODI with more than 2 sections missing")
    else:
        assert 0 <= score("odi", values).score <= 100


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=10, max_size=10), st.integers(0, 9))
def test_it_never_lowers_the_odi_when_an_answer_worsens(values, i):
    worse = list(values)
    worse[i] = min(5, worse[i] + 1)
    assert score("odi", worse).score >= score("odi", values).score


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=12, max_size=12))
def test_it_keeps_koos12_in_range_with_any_missing_pattern(values):
    try:
        r = score("koos12", values)
    except Exception as err:  # noqa: BLE001
        assert err.problems[0].code == "missing"
        return
    for v in [*r.subscales.values(), r.score]:
        assert v is None or 0 <= v <= 100
