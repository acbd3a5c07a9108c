"""The video data files agree with each other and with the knowledge base."""

from __future__ import annotations

from pathlib import Path

import yaml

from ptplan.video.skeleton import angle_defs, landmark_index, load_data, names_used

KB = Path(__file__).resolve().parents[2] / "src" / "ptplan" / "kb"
# Observation choices fixed in docs/CONTRACTS.md for the <task>_observation tests.
CONTRACT_OBSERVATIONS = {
    "squat": {"lumbar_flexion", "knee_valgus", "trunk_lean", "heel_rise", "asymmetry", "pain"},
    "forward_bend": {"poor_hip_hinge", "reversed_rhythm", "painful_arc", "gowers_sign", "limited_range"},
    "gait": {"antalgic", "trunk_lean", "pelvic_drop", "reduced_knee_flexion", "slow"},
    "single_leg_stance": {"pelvic_drop", "trunk_lean", "unsteady"},
}


def _ids(name: str) -> set[str]:
    return {e["id"] for e in yaml.safe_load((KB / f"{name}.yaml").read_text(encoding="utf-8"))}


def _known_point(name: str) -> bool:
    derived = load_data("angles")["derived"]
    return name in landmark_index() or (name in derived and all(p in landmark_index() for p in derived[name]))


def test_it_uses_only_landmark_names_that_exist_in_the_skeleton():
    skel = load_data("skeleton")
    assert len(landmark_index()) == 33 and sorted(landmark_index().values()) == list(range(33))
    for defn in angle_defs().values():
        assert all(_known_point(n) for n in names_used(defn)), defn
    for a, b in skel["connections"]:
        assert a in landmark_index() and b in landmark_index()
    assert all(n in landmark_index() for n in skel["torso"])
    for name, m in load_data("measures").items():
        assert all(n in landmark_index() for n in m["landmarks"]), name


def _kb_observations() -> dict[str, set[str]]:
    """Observation choices of the <task>_observation tests in the knowledge base (where present)."""
    tests = yaml.safe_load((KB / "tests.yaml").read_text(encoding="utf-8"))
    return {t["id"].removesuffix("_observation"): set(t["record"]["choices"]) for t in tests
            if t["id"].endswith("_observation")}


def test_it_maps_measures_to_known_findings_observations_and_references():
    findings, refs, kb_obs = _ids("findings"), _ids("references"), _kb_observations()
    measures = load_data("measures")
    for r in load_data("thresholds")["rules"]:
        task = r["measure"].split(".")[0]
        assert r["measure"] in measures
        assert r.get("finding") is None or r["finding"] in findings
        assert r["observation"] in CONTRACT_OBSERVATIONS[task]
        assert task not in kb_obs or r["observation"] in kb_obs[task]
        assert set(r["refs"]) <= refs
        assert r["status"] in ("verified", "unverified")
        assert r["refs"] or r["status"] == "unverified"  # a cut-off without a source is never "verified"
        assert r["basis"]["ja"] and r["basis"]["en"]


def test_it_gives_every_measure_a_unit_validity_and_bilingual_note():
    refs = _ids("references")
    for name, m in load_data("measures").items():
        assert m["unit"] and m["validity"] in ("validated_method", "proxy", "timing"), name
        assert m["note"]["ja"] and m["note"]["en"], name
        assert set(m["refs"]) <= refs, name


def test_it_produces_a_case_fragment_whose_observations_yield_the_kb_finding():
    from ptplan.core.case import Case
    from ptplan.core.facts import build_facts
    from ptplan.core.kb import loader
    from ptplan.video.findings import case_fragment, evaluate

    measure = {"name": "gait.step_time_asymmetry", "value": 18.0, "unit": "%",
               "quality": {"view": 1.0, "score": 0.9, "visibility": 0.9}}
    found = evaluate([measure])
    assert [f["finding"] for f in found] == ["antalgic_gait"]
    case = Case.model_validate(case_fragment("gait", [measure], found))
    facts = build_facts(case)
    assert facts["movement.gait.antalgic"] is True
    assert facts["movement.gait.measure.step_time_asymmetry"] == 18.0
    test = loader.load().tests.get("gait_observation")
    if test is not None:  # the KB's own yield turns the observation into the finding
        yields = {y.finding: y.when.parsed.evaluate(facts) for y in test.yields}
        assert yields["antalgic_gait"] is True


def test_it_ignores_measures_taken_from_an_unsuitable_view():
    from ptplan.video.findings import evaluate

    measure = {"name": "gait.pelvic_drop", "value": 30.0, "unit": "deg", "quality": {"view": 0.5, "score": 0.4}}
    assert evaluate([measure]) == []


def test_it_lets_the_engine_reason_over_a_video_fragment():
    from ptplan.core.case import Case
    from ptplan.core.services import make_plan
    from ptplan.video.findings import case_fragment, evaluate

    m = {"name": "gait.step_time_asymmetry", "value": 18.0, "unit": "%", "quality": {"view": 1.0, "score": 0.9}}
    data = {"demographics": {"age": 50, "sex": "female"}, "pain": [{"site": "low_back", "nrs": 4}],
            **case_fragment("gait", [m], evaluate([m]))}
    plan = make_plan(Case.model_validate(data), "en")
    assert "antalgic_gait" in {f["id"] for f in plan["findings"]}
    assert "h_faulty_gait_pattern" in {h["id"] for h in plan["hypotheses"]}
