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


def test_it_maps_measures_to_known_findings_observations_and_references():
    findings, refs = _ids("findings"), _ids("references")
    measures = load_data("measures")
    for r in load_data("thresholds")["rules"]:
        task = r["measure"].split(".")[0]
        assert r["measure"] in measures
        assert r.get("finding") is None or r["finding"] in findings
        assert r["observation"] in CONTRACT_OBSERVATIONS[task]
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
