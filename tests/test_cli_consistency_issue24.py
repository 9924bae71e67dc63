"""Issue 24's command-line consistency leftovers: one test per defect, named for it.

Every file is made in tmp_path.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nianbao import ConvertOptions, PdfOptions, convert_document
from nianbao.cli import main
from nianbao.collection.partial import of_report
from nianbao.schemas.emit import to_json
from tests.conftest import SAMPLES

PDF = SAMPLES / "real" / "hongze-2024.pdf"


def test_a_pdf_read_to_max_pages_makes_a_partial_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--max-pages N` said `pdf.truncated`, yet the report of part of the PDF was complete to
    the batch, the export and the review: it is partial, cut short by a limit. The first 4 of
    洪泽's 5 pages hold all its figures, and still the 5th page went unread."""
    output = tmp_path / "part.json"
    assert main(["convert", str(PDF), "-o", str(output), "--max-pages", "4"]) == 0
    said = capsys.readouterr().out
    assert said.endswith("40 checks passed; partial: cut short by a limit (pdf.truncated)\n")
    assert main(["export", str(output), "--csv", str(tmp_path / "part.csv"), "-q"]) == 0
    with (tmp_path / "part.csv").open(encoding="utf-8-sig", newline="") as table:
        [row] = csv.DictReader(table)
    assert "cut short by a limit (pdf.truncated)" in row["partial"]

    whole = convert_document(PDF, options=ConvertOptions(pdf=PdfOptions(max_pages=99)))
    assert not of_report(whole).partial  # no page left unread: no pdf.truncated
    assert to_json(whole) == to_json(convert_document(PDF))
