"""Issue 19's inputs: each once ended in exit 70 or a report silently shorter than its document.

The reproducers are in `fixtures/repro/` (its README), where `test_damaged.py` runs every one
through the command line; the tests here pin each defect's cause.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from nianbao import convert_bytes
from nianbao.convert.options import ConvertOptions, PdfOptions
from nianbao.errors import DocumentLoadError
from nianbao.schemas.model import Report
from tests.fixtures.pdf import written

ROOT = Path(__file__).resolve().parent.parent
REPRO = Path(__file__).parent / "fixtures" / "repro"
PDFIUM = ConvertOptions(pdf=PdfOptions(pdf_engine="pdfium"))


def _convert(name: str, options: ConvertOptions | None = None) -> Report:
    return convert_bytes((REPRO / name).read_bytes(), filename=name, options=options)


def _text(report: Report) -> str:
    blocks = "\n".join(block.text or "" for block in report.document.blocks)
    cells = "\n".join(cell.text for table in report.document.tables for cell in table.cells)
    return blocks + "\n" + cells


# --- a zip member whose compression method says bzip2 -------------------------------------------


@pytest.mark.parametrize(
    ("name", "member"),
    [
        ("docx-method-bzip2-document.docx", "word/document.xml"),
        ("docx-method-bzip2-contenttypes.docx", "[Content_Types].xml"),
        ("xlsx-method-bzip2-workbook.xlsx", "xl/workbook.xml"),
        ("xlsx-method-bzip2-sheet.xlsx", "xl/worksheets/sheet1.xml"),
        ("xlsx-OSError-invalid-data-stream.xlsx", "xl/workbook.xml"),
    ],
)
def test_a_member_marked_bzip2_that_is_not_is_damage(name: str, member: str) -> None:
    with pytest.raises(DocumentLoadError) as caught:
        _convert(name)
    error = caught.value
    assert f"zip member {member!r} is not the bzip2 data its header says" in error.message
    assert "damaged" in error.message
    assert isinstance(error.__cause__, OSError)
    assert error.source == name


@pytest.mark.parametrize(
    "sample", ["samples/docx/report-2021-filled.docx", "samples/xlsx/report-2021-tables.xlsx"]
)
def test_a_file_zipped_again_with_bzip2_is_read_as_it_was(sample: str) -> None:
    """bzip2 is no Office method, but a zip tool may use it: what inflates is read."""
    original = (ROOT / sample).read_bytes()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as target,
    ):
        for member in source.infolist():
            target.writestr(member.filename, source.read(member))
    name = Path(sample).name
    again = convert_bytes(out.getvalue(), filename=name)
    assert again.document == convert_bytes(original, filename=name).document


# --- PDF: a lone surrogate from a ToUnicode map; a string of 100,000 glyphs ---------------------


@pytest.mark.parametrize(
    ("name", "count"),
    [("pdf-tounicode-lone-surrogate-min.pdf", 3), ("pdf-lone-surrogate-UnicodeEncodeError.pdf", 1)],
)
def test_a_lone_surrogate_from_pdfium_is_a_replacement_character_said(
    name: str, count: int
) -> None:
    report = _convert(name, PDFIUM)
    text = _text(report)
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)
    assert text.count("\ufffd") == count
    [said] = [d for d in report.diagnostics if d.code == "pdf.lone_surrogates"]
    assert said.message.endswith(f"U+FFFD: {count} (pages 1)")


def test_the_minimal_lone_surrogate_keeps_its_neighbours() -> None:
    report = _convert("pdf-tounicode-lone-surrogate-min.pdf", PDFIUM)
    assert report.document.blocks[0].text == "2023\ufffd\ufffd\ufffdreport"


def test_pdfium_reads_every_glyph_of_a_100000_glyph_string() -> None:
    """pdfium keeps a string operand's first 32,767 bytes; such a page is read by pdfplumber."""
    digits = "1234567890" * 10_000
    data = written.document([written.Page(written.text(0, 400, digits, size=1))])
    report = convert_bytes(data, filename="long-string.pdf", options=PDFIUM)
    assert "".join((block.text or "").replace("\n", "") for block in report.document.blocks) == (
        digits
    )
