from pathlib import Path

from typer.testing import CliRunner

from ptplan.cli import app

FIXTURE = Path(__file__).parent / "fixtures" / "plan_ja.json"


def test_it_writes_markdown_to_stdout():
    result = CliRunner().invoke(app, ["render", str(FIXTURE), "--format", "md", "--therapist", "山田"])
    assert result.exit_code == 0, result.output
    assert "# あなたの運動プログラム" in result.output and "山田" in result.output


def test_it_writes_a_pdf_file(tmp_path):
    out = tmp_path / "h.pdf"
    result = CliRunner().invoke(app, ["render", str(FIXTURE), "-o", str(out), "--review-date", "2026-12-24"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


def test_it_writes_fhir_json(tmp_path):
    out = tmp_path / "b.json"
    result = CliRunner().invoke(app, ["render", str(FIXTURE), "--format", "fhir", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert '"resourceType": "Bundle"' in out.read_text(encoding="utf-8")


def _main(argv, monkeypatch, capsys) -> tuple[int, str]:
    """Run the real entry point (which turns PtplanError into exit code 2) in-process."""
    import sys

    import pytest

    from ptplan.cli import main

    monkeypatch.setattr(sys, "argv", ["ptplan", *argv])
    with pytest.raises(SystemExit) as exit_:
        main()
    return exit_.value.code, capsys.readouterr().err


def test_it_refuses_pdf_on_stdout_and_unknown_formats(tmp_path, monkeypatch, capsys):
    code, err = _main(["render", str(FIXTURE)], monkeypatch, capsys)
    assert code == 2 and "--output" in err
    code, err = _main(["render", str(FIXTURE), "--format", "docx"], monkeypatch, capsys)
    assert code == 2 and "unknown format 'docx'" in err
    code, err = _main(["render", str(tmp_path / "nope.json")], monkeypatch, capsys)
    assert code == 2 and "file not found" in err


def test_it_renders_a_case_straight_to_a_handout(tmp_path):
    case = Path(__file__).parents[2] / "examples" / "04_knee_to_back.yaml"
    out = tmp_path / "ex04.pdf"
    result = CliRunner().invoke(app, ["plan", str(case), "--format", "pdf", "-o", str(out), "--therapist", "山田"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    md = CliRunner().invoke(app, ["plan", str(case), "--format", "md", "--lang", "en"])
    assert md.exit_code == 0 and md.output.startswith("# Your exercise programme")
