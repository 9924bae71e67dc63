"""Scanned reports read by OCR: image-only PDFs, a scan among text pages, page images.

The scans are made here from the real samples (pages rendered, tilted, JPEG-compressed, wrapped
as image-only PDFs or written as PNG/JPEG/TIFF), so every figure can be compared with what the
text layer gives. They need the `ocr` extra, which the dev install includes: without it these
tests fail rather than skip. OCR takes seconds a page on this machine, so each scan is converted
once per module and looked at by several tests.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image

import nianbao
from nianbao.adapters import _ocr
from nianbao.adapters._image_tables import rotate, skew_angle
from nianbao.adapters.sniff import sniff
from nianbao.errors import MissingDependencyError
from nianbao.schemas.model import PageOrigin, Report, TableCellOrigin
from tests.conftest import SAMPLES
from tests.scans import image_pdf, page_images, scanned

HONGZE = SAMPLES / "real" / "hongze-2024.pdf"
TEMPLATE = Path(__file__).resolve().parent / "fixtures" / "pdf" / "report-2021-libreoffice.pdf"
HONGZE_DPI = 200  # the resolution for the scanned copy of hongze-2024.pdf
TEMPLATE_DPI = 150  # the lowest at which every figure of the filled template reads right


def _table_figures(report: Report) -> dict[str, float | int | None]:
    assert report.annual_report is not None
    return {k: f.value for k, f in report.annual_report.figures.items() if f.source == "table"}


def _checks(report: Report) -> list[tuple[str, str, tuple[str, ...]]]:
    assert report.annual_report is not None
    return sorted((c.rule, c.status, tuple(c.keys)) for c in report.annual_report.checks)


@pytest.fixture(scope="module")
def hongze() -> Report:
    return nianbao.convert_document(HONGZE)


@pytest.fixture(scope="module")
def hongze_pages() -> list[Image.Image]:
    return page_images(HONGZE, HONGZE_DPI)


@pytest.fixture(scope="module")
def hongze_scan(hongze_pages: list[Image.Image]) -> Report:
    return nianbao.convert_document(image_pdf(hongze_pages, HONGZE_DPI), filename="hongze-scan.pdf")


@pytest.fixture(scope="module")
def hongze_tilted(hongze_pages: list[Image.Image]) -> Report:
    pages = [scanned(page, tilt=1.5, jpeg=60) for page in hongze_pages]
    return nianbao.convert_document(image_pdf(pages, HONGZE_DPI), filename="hongze-tilted.pdf")


def test_the_ocr_extra_is_installed() -> None:
    """The dev install has it; nothing here may be skipped for want of it."""
    assert _ocr.available()
    _ocr.engine("test")  # the models load from the wheel, by path


@pytest.mark.parametrize("which", ["hongze_scan", "hongze_tilted"])
def test_scanned_report_gives_every_figure_of_its_text_layer(
    which: str, hongze: Report, request: pytest.FixtureRequest
) -> None:
    report: Report = request.getfixturevalue(which)
    expected = _table_figures(hongze)
    assert len(expected) == 186
    assert _table_figures(report) == expected
    assert _checks(report) == _checks(hongze)
    assert report.annual_report is not None and hongze.annual_report is not None
    assert report.annual_report.organization == hongze.annual_report.organization
    assert report.annual_report.year == 2024
    assert report.source.ocr_pages == [1, 2, 3, 4, 5]
    (note,) = [d for d in report.diagnostics if d.code == "pdf.ocr"]
    assert "1, 2, 3, 4, 5" in note.message
    assert not [d for d in report.diagnostics if d.code.startswith("ocr.")]


def test_tilted_scan_is_straightened(hongze_tilted: Report) -> None:
    (note,) = [d for d in hongze_tilted.diagnostics if d.code == "pdf.ocr"]
    assert "straightened" in note.message and "-1.5°" in note.message


def test_ocr_figures_carry_page_bbox_and_confidence(hongze_scan: Report) -> None:
    assert hongze_scan.annual_report is not None
    figure = hongze_scan.annual_report.figures["proactive.licensing.decisions"]
    assert figure.value == 9487
    assert 0.9 <= figure.confidence < 1.0 or figure.confidence == 1.0
    assert isinstance(figure.origin, TableCellOrigin)
    table = hongze_scan.document.tables[figure.origin.table]
    (cell,) = [c for c in table.cells if (c.row, c.col) == (figure.origin.row, figure.origin.col)]
    assert isinstance(cell.origin, PageOrigin)
    assert cell.origin.page == 2 and cell.origin.bbox is not None
    assert cell.origin.confidence is not None and cell.origin.confidence >= 0.9
    assert figure.confidence == round(cell.origin.confidence, 3)
    paragraph = next(b for b in hongze_scan.document.blocks if b.kind == "paragraph")
    assert isinstance(paragraph.origin, PageOrigin) and paragraph.origin.confidence is not None


def test_text_layer_origins_carry_no_confidence(hongze: Report) -> None:
    origins = [c.origin for t in hongze.document.tables for c in t.cells]
    assert all(isinstance(o, PageOrigin) and o.confidence is None for o in origins)
    assert hongze.source.ocr_pages is None
    assert "ocr_pages" not in nianbao.to_json(hongze)


@pytest.fixture(scope="module")
def mixed(hongze_pages: list[Image.Image]) -> Report:
    """hongze-2024.pdf with its page 4 (the rest of section 三, and section 四) scanned."""
    text = pypdfium2.PdfDocument(HONGZE)
    scan = pypdfium2.PdfDocument(image_pdf([hongze_pages[3]], HONGZE_DPI))
    out = pypdfium2.PdfDocument.new()
    out.import_pages(text, [0, 1, 2])
    out.import_pages(scan, [0])
    out.import_pages(text, [4])
    buffer = io.BytesIO()
    out.save(buffer)
    for document in (out, scan, text):
        document.close()
    return nianbao.convert_document(buffer.getvalue(), filename="mixed.pdf")


def test_scanned_page_among_text_pages_gives_its_figures(mixed: Report, hongze: Report) -> None:
    assert mixed.source.ocr_pages == [4]
    assert _table_figures(mixed) == _table_figures(hongze)
    assert _checks(mixed) == _checks(hongze)
    assert mixed.annual_report is not None
    review = mixed.annual_report.figures["review.total"]
    assert isinstance(review.origin, TableCellOrigin)
    cells = mixed.document.tables[review.origin.table].cells
    origin = next(
        c.origin for c in cells if (c.row, c.col) == (review.origin.row, review.origin.col)
    )
    assert isinstance(origin, PageOrigin) and origin.page == 4 and origin.confidence is not None


def test_filled_template_as_a_multipage_tiff_gives_all_200_figures() -> None:
    pages = page_images(TEMPLATE, TEMPLATE_DPI)
    buffer = io.BytesIO()
    pages[0].save(
        buffer,
        format="TIFF",
        save_all=True,
        append_images=pages[1:],
        dpi=(TEMPLATE_DPI, TEMPLATE_DPI),
        compression="tiff_deflate",
    )
    assert sniff(buffer.getvalue()) == "tiff"
    report = nianbao.convert_document(buffer.getvalue(), filename="template.tiff")
    expected = _table_figures(nianbao.convert_document(TEMPLATE))
    assert len(expected) == 200
    assert report.source.format == "tiff" and report.source.adapter == "image"
    assert report.source.media_type == "image/tiff"
    assert report.source.ocr_pages == [1, 2, 3]
    assert _table_figures(report) == expected
    assert report.annual_report is not None
    assert {c.status for c in report.annual_report.checks} == {"pass"}


def test_png_page_read_and_jpeg_sniffed(hongze_pages: list[Image.Image]) -> None:
    png = io.BytesIO()
    hongze_pages[1].save(png, format="PNG", dpi=(HONGZE_DPI, HONGZE_DPI))
    assert sniff(png.getvalue()) == "png"
    report = nianbao.convert_document(png.getvalue(), filename="page-2.png")
    assert report.source.format == "png" and report.source.ocr_pages == [1]
    cells = {c.text for t in report.document.tables for c in t.cells}
    assert {"本年制发件数", "行政规范性文件", "9487"} <= cells
    jpeg = io.BytesIO()
    hongze_pages[1].save(jpeg, format="JPEG", quality=70)
    assert sniff(jpeg.getvalue()) == "jpeg"
    assert sniff(b"MM\x00*" + bytes(64)) == "tiff"


def test_damaged_image_is_refused_by_name() -> None:
    with pytest.raises(nianbao.DocumentLoadError, match="not a readable image"):
        nianbao.convert_document(b"\x89PNG\r\n\x1a\n" + bytes(100), filename="broken.png")


def test_deskew_measures_the_tilt(hongze_pages: list[Image.Image]) -> None:
    import numpy as np  # noqa: PLC0415

    page = np.asarray(hongze_pages[3], dtype=np.uint8)
    assert skew_angle(page) == 0.0
    for tilt in (-2.0, 1.5):
        turned = rotate(page, tilt)
        assert abs(skew_angle(turned) + tilt) <= 0.1


def test_without_the_extra_a_scan_says_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(source: str) -> _ocr.OcrEngine:
        raise MissingDependencyError("no OCR: pip install nianbao[ocr]", source=source)

    monkeypatch.setattr(_ocr, "engine", missing)
    report = nianbao.convert_document(
        image_pdf(page_images(HONGZE, 50, pages=[2]), 50), filename="s.pdf"
    )
    (note,) = [d for d in report.diagnostics if d.code == "pdf.no_text_layer"]
    assert "pip install nianbao[ocr]" in note.message
    assert report.source.ocr_pages is None
    with pytest.raises(MissingDependencyError, match=r"nianbao\[ocr\]"):
        nianbao.convert_document(b"\x89PNG\r\n\x1a\n" + bytes(100), filename="page.png")
