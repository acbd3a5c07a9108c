import re
import xml.etree.ElementTree as ET

import pytest

from ptplan.core.kb.loader import default_kb
from ptplan.render.figures import frame_of, illustration_svg
from ptplan.render.sheet import contact_sheet_html, contact_sheet_svg
from ptplan.render.skeleton import solve

SVG = "{http://www.w3.org/2000/svg}"
KB = default_kb()
IDS = sorted(KB.exercises)


def _numbers(el, attr):
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", el.get(attr))]


@pytest.mark.parametrize("eid", IDS)
def test_it_draws_every_exercise_inside_its_viewbox(eid):
    root = ET.fromstring(illustration_svg(KB, eid, title=eid))
    _, _, w, h = (float(v) for v in root.get("viewBox").split())
    paths = root.findall(f".//{SVG}path")
    assert len(paths) >= 11  # five body chains per frame plus the arrow
    for p in paths:
        xy = _numbers(p, "d")
        xs, ys = xy[0::2], xy[1::2]
        assert min(xs) >= -6 and max(xs) <= w + 6, eid
        assert min(ys) >= -6 and max(ys) <= h + 6, eid
    assert len(root.findall(f".//{SVG}circle")) >= 2  # two heads


@pytest.mark.parametrize("eid", IDS)
def test_it_moves_between_start_and_end(eid):
    pic = KB.kind("illustrations")[eid]
    a, b = frame_of(KB, pic.start), frame_of(KB, pic.end)
    moved = max(abs(p[0] - q[0]) + abs(p[1] - q[1]) for p, q in zip(a.figure.points(), b.figure.points(), strict=True))
    assert moved > 2.0 or pic.start.props != pic.end.props, f"{eid}: start and end look the same"


@pytest.mark.parametrize("eid", IDS)
def test_it_rests_the_figure_on_the_floor_or_a_prop(eid):
    pic = KB.kind("illustrations")[eid]
    for kf in (pic.start, pic.end):
        lowest = min(y for _, y in frame_of(KB, kf).figure.points())
        assert -0.5 <= lowest <= 60, f"{eid}: figure floats or sinks (lowest point {lowest:.1f})"


def test_it_animates_between_keyframes_with_smil():
    svg = illustration_svg(KB, IDS[0], animated=True)
    root = ET.fromstring(svg)
    anims = root.findall(f".//{SVG}animate")
    assert len(anims) == 7  # five chains + head cx, cy
    assert all(a.get("repeatCount") == "indefinite" for a in anims)


def test_it_bends_the_knee_backwards_and_the_hip_forwards():
    fig = solve({"trunk": 90, "near_hip": 90, "near_knee": 90})
    hip, knee, ankle, _ = fig.chains["near_leg"]
    assert knee[0] == pytest.approx(24) and knee[1] == pytest.approx(0, abs=1e-9)  # thigh forward
    assert ankle[0] == pytest.approx(24) and ankle[1] == pytest.approx(-23)  # shank straight down
    supine = solve({"trunk": 180})
    assert supine.head[0] < 0 < supine.chains["near_leg"][2][0]  # head left, feet right


def test_it_makes_a_contact_sheet_with_every_exercise():
    svg = contact_sheet_svg(KB, "en")
    ET.fromstring(svg)
    assert svg.count('data-exercise="') == len(IDS)
    html = contact_sheet_html(KB, "ja")
    assert html.count("<figure>") == len(IDS) and "運動イラスト一覧" in html


def test_it_writes_the_sheet_from_the_cli(tmp_path):
    from typer.testing import CliRunner

    from ptplan.cli import app

    result = CliRunner().invoke(app, ["kb", "sheet", "-o", str(tmp_path / "s.svg")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s.svg").read_text(encoding="utf-8").startswith("<svg")


def test_it_illustrates_every_packaged_exercise():
    assert set(KB.kind("illustrations")) == set(KB.exercises)
    assert len(IDS) >= 90


def test_it_refuses_a_knowledge_base_with_an_exercise_missing_its_picture(tmp_path):
    import shutil

    import yaml

    from ptplan.core.kb import loader
    from ptplan.errors import KnowledgeBaseError

    root = tmp_path / "kb"
    shutil.copytree(loader.PACKAGE_KB, root)
    path = root / "illustrations" / "strengthening.yaml"
    entries = [e for e in yaml.safe_load(path.read_text(encoding="utf-8")) if e["id"] != "bridge"]
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as err:
        loader.load(root)
    assert [p.code for p in err.value.problems] == ["missing_illustration"]
    assert "bridge" in err.value.problems[0].message
