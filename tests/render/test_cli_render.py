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


def test_it_refuses_pdf_on_stdout_and_unknown_formats(tmp_path):
    import subprocess
    import sys

    cmd = [sys.executable, "-c", "from ptplan.cli import main; main()", "render", str(FIXTURE)]
    pdf = subprocess.run(cmd, capture_output=True, text=True)
    assert pdf.returncode == 2 and "--output" in pdf.stderr
    bad = subprocess.run(cmd + ["--format", "docx"], capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown format 'docx'" in bad.stderr
    missing = subprocess.run(cmd[:-1] + [str(tmp_path / "nope.json")], capture_output=True, text=True)
    assert missing.returncode == 2 and "file not found" in missing.stderr
