"""What pdfminer logs while it parses a PDF is said in the report, never printed: `-q` promises
only what went wrong, and a crawl of thousands of PDFs printed the same font warning hundreds of
times a file (a browser's print of a page: 109 lines of "Could not get FontBBox ...")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nianbao import convert_bytes
from nianbao.convert.options import ConvertOptions, PdfOptions
from tests.conftest import ROOT

FRAMED = ROOT / "tests" / "fixtures" / "pdf" / "framed-prose.pdf"
BBOX = b"/FontBBox [ -25 -254 1000 880 ]"


def _without_font_bbox(tmp_path: Path) -> Path:
    """framed-prose.pdf with its font descriptor's FontBBox made null, at the same length, so
    the cross-reference offsets still hold: pdfminer warns once for each font it loads."""
    data = FRAMED.read_bytes()
    assert data.count(BBOX) == 1
    path = tmp_path / "no-font-bbox.pdf"
    path.write_bytes(data.replace(BBOX, b"/FontBBox null".ljust(len(BBOX))))
    return path


def test_pdfminers_warnings_are_a_diagnostic_of_the_report(tmp_path: Path) -> None:
    path = _without_font_bbox(tmp_path)
    options = ConvertOptions(pdf=PdfOptions(pdf_engine="pdfplumber"))
    report = convert_bytes(path.read_bytes(), filename=path.name, options=options)
    (said,) = [d for d in report.diagnostics if d.code == "pdf.library_warnings"]
    assert "Could not get FontBBox" in said.message
    assert said.severity == "info"
    untouched = convert_bytes(FRAMED.read_bytes(), filename=FRAMED.name, options=options)
    assert not [d for d in untouched.diagnostics if d.code == "pdf.library_warnings"]


def test_pdfminers_warnings_are_not_printed_on_the_terminal(tmp_path: Path) -> None:
    path = _without_font_bbox(tmp_path)
    output = tmp_path / "r.json"
    command = [sys.executable, "-m", "nianbao.cli", "convert", str(path), "-o", str(output)]
    result = subprocess.run(
        [*command, "--pdf-engine", "pdfplumber", "-q"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "FontBBox" not in result.stderr
    assert "pdf.library_warnings" in output.read_text(encoding="utf-8")
