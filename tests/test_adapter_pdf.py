"""The PDF adapter on a real report and on small PDFs made with real tools.

The fixtures under tests/fixtures/pdf/ are written by `python -m tests.fixtures.pdf.make_fixtures`
(reportlab, LibreOffice, pikepdf), so these tests need none of those tools.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

import nianbao
from nianbao.adapters._pdf_tables import accept, from_boxes
from nianbao.adapters._pdf_text import TextLine, furniture, join_pieces
from nianbao.adapters.pdf import PdfAdapter
from nianbao.adapters.pdf_options import PdfOptions
from nianbao.adapters.registry import AdapterRegistry, default_registry
from nianbao.adapters.sniff import InputInfo
from nianbao.convert.pipeline import convert_path
from nianbao.schemas.model import PageOrigin, PagesOrigin, Report
from tests.conftest import SAMPLES
from tests.fixtures.pdf.expected import HONGZE_2024

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pdf"
HONGZE = SAMPLES / "real" / "hongze-2024.pdf"


@pytest.fixture(scope="module")
def hongze() -> Report:
    return nianbao.convert_document(HONGZE)


def _texts(report: Report) -> list[str]:
    return [b.text for b in report.document.blocks if b.kind != "table"]


# --- the real report -------------------------------------------------------------------------


def test_hongze_recognised(hongze: Report) -> None:
    report = hongze.annual_report
    assert report is not None
    assert (report.year, report.template, report.organization) == (
        2024,
        "2021",
        "淮安市洪泽区人民政府",
    )
    assert hongze.source.adapter == "pdf"
    assert hongze.source.pages == 5
    assert hongze.document.title == "淮安市洪泽区人民政府2024年政府信息公开工作年度报告"


@pytest.mark.parametrize("key", sorted(HONGZE_2024))
def test_hongze_figure(hongze: Report, key: str) -> None:
    assert hongze.annual_report is not None
    figure = hongze.annual_report.figures.get(key)
    assert figure is not None, f"{key} missing"
    assert figure.value == HONGZE_2024[key]
    assert figure.source == "table"


def test_hongze_checks_run_and_pass(hongze: Report) -> None:
    assert hongze.annual_report is not None
    checks = hongze.annual_report.checks
    rules = {c.rule for c in checks}
    assert {"applications.balance", "applications.results_sum", "review.total"} <= rules
    assert [c.message for c in checks if c.status != "pass"] == []


def test_hongze_tables_cross_page_breaks(hongze: Report) -> None:
    tables = hongze.document.tables
    # section 二 runs from page 2 onto page 3, section 三 from page 3 onto page 4
    assert [t.origin for t in tables[:2]] == [PagesOrigin(pages=[2, 3]), PagesOrigin(pages=[3, 4])]
    applications = tables[1]
    assert (applications.n_rows, applications.n_cols) == (26, 10)
    label = next(c for c in applications.cells if c.text == "三、本年度办理结果")
    assert (label.col, label.row_span) == (0, 20)  # the vertical label runs on over the break
    unable = next(c for c in applications.cells if c.text == "（四）无法提供")
    assert unable.row_span == 3


def test_hongze_no_prose_as_table(hongze: Report) -> None:
    tables = hongze.document.tables
    assert len(tables) == 3
    for table in tables:
        pages = table.origin.pages if isinstance(table.origin, PagesOrigin) else []
        page = table.origin.page if isinstance(table.origin, PageOrigin) else None
        assert 1 not in pages and page not in (1, 5)
        assert table.n_cols >= 4


def test_hongze_text_rejoined(hongze: Report) -> None:
    texts = _texts(hongze)
    assert not any(re.fullmatch(r"-\s*\d+\s*-", t) for t in texts), "page numbers kept"
    assert "一、总体情况" in texts
    cells = {c.text for t in hongze.document.tables for c in t.cells}
    assert "5.要求行政机关确认或重新出具已获取信息" in cells  # `重 新出具` over two lines
    assert "商业企业" in cells
    # the paragraph running from page 4 onto page 5 is one paragraph
    running = next(b for b in hongze.document.blocks if b.text.startswith("针对存在问题"))
    assert running.origin == PagesOrigin(pages=[4, 5])
    assert "不定期更新编制适用性广、操作性强的依申请公开政府信息答复书模板，使各行政机关" in (
        running.text
    )
    assert not any(re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", t) for t in texts)


def test_hongze_origins(hongze: Report) -> None:
    heading = next(b for b in hongze.document.blocks if b.text == "一、总体情况")
    assert heading.kind == "heading" and heading.level == 1
    assert isinstance(heading.origin, PageOrigin) and heading.origin.page == 1
    assert heading.origin.bbox is not None
    assert all(round(v, 1) == v for v in heading.origin.bbox)
    for table in hongze.document.tables:
        for cell in table.cells:
            assert isinstance(cell.origin, PageOrigin) and cell.origin.bbox is not None


# --- PDFs made with real tools ---------------------------------------------------------------


def test_libreoffice_pdf_reads_like_its_docx() -> None:
    """The filled 2021 template, printed to PDF by LibreOffice: the same figures as the DOCX."""
    from_docx = nianbao.convert_document(SAMPLES / "docx" / "report-2021-filled.docx")
    from_pdf = nianbao.convert_document(FIXTURES / "report-2021-libreoffice.pdf")
    assert from_docx.annual_report is not None and from_pdf.annual_report is not None
    expected = {k: f.value for k, f in from_docx.annual_report.figures.items()}
    assert {k: f.value for k, f in from_pdf.annual_report.figures.items()} == expected
    assert from_pdf.annual_report.year == from_docx.annual_report.year
    assert from_pdf.annual_report.template == "2021"


def test_frame_around_prose_is_not_a_table() -> None:
    report = nianbao.convert_document(FIXTURES / "framed-prose.pdf")
    assert report.document.tables == []
    texts = _texts(report)
    assert "某某区人民政府办公室" not in texts  # the running head on both pages
    assert not any(t.startswith("-") for t in texts)
    assert texts[0] == "某某区2023年政府信息公开工作年度报告"
    paragraphs = [b for b in report.document.blocks if b.kind == "paragraph"]
    assert len(paragraphs) == 4  # two per page: the one in a text box is prose too
    assert "其中商业企业相关信息312条" in paragraphs[0].text
    assert "重新出具" in paragraphs[0].text


def test_table_split_over_two_pages_with_repeated_header() -> None:
    report = nianbao.convert_document(FIXTURES / "split-table.pdf")
    (table,) = report.document.tables
    assert table.origin == PagesOrigin(pages=[1, 2])
    assert (table.n_rows, table.n_cols) == (31, 4)
    assert [c.text for c in table.cells if c.header] == ["类别", "项目", "数量", "备注"]
    assert sum(1 for c in table.cells if c.text == "数量") == 1  # the repeat is dropped
    label = next(c for c in table.cells if c.text == "办理结果")
    assert (label.row, label.row_span) == (1, 30)
    grid = table.grid()
    assert [grid[30][1].text, grid[30][2].text] == ["30.事项己", "293"]  # type: ignore[union-attr]
    assert "第1页" not in _texts(report)


def test_encrypted_with_password_is_a_clear_error() -> None:
    with pytest.raises(nianbao.DocumentLoadError, match=r"encrypted-user-password\.pdf.*password"):
        nianbao.convert_document(FIXTURES / "encrypted-user-password.pdf")


def test_encrypted_with_empty_user_password_opens() -> None:
    report = nianbao.convert_document(FIXTURES / "encrypted-owner-only.pdf")
    assert report.document.title == "某某区2023年政府信息公开工作年度报告"


@pytest.mark.parametrize("cut", [0.5, 0.1])
def test_damaged_pdf_fails_cleanly(cut: float) -> None:
    data = HONGZE.read_bytes()
    with pytest.raises(nianbao.NianbaoError, match=r"^broken\.pdf: "):
        nianbao.convert_document(data[: int(len(data) * cut)], filename="broken.pdf")


def test_garbage_after_pdf_header_fails_cleanly() -> None:
    with pytest.raises(nianbao.DocumentLoadError, match=r"garbage\.pdf"):
        nianbao.convert_document(b"%PDF-1.7\n" + bytes(range(256)) * 40, filename="garbage.pdf")


def test_scan_without_text_layer_is_read_by_ocr() -> None:
    report = nianbao.convert_document(FIXTURES / "scanned.pdf")
    (diagnostic,) = [d for d in report.diagnostics if d.code == "pdf.ocr"]
    assert diagnostic.severity == "info"
    assert diagnostic.origin == PagesOrigin(pages=[1])
    assert report.source.ocr_pages == [1]
    # (without the OCR extra: `pdf.no_text_layer`, see tests/test_ocr.py)


def test_unmapped_glyphs_reported_not_passed_on() -> None:
    report = nianbao.convert_document(FIXTURES / "unmapped-glyphs.pdf")
    codes = [d.code for d in report.diagnostics]
    assert "pdf.unmapped_glyphs" in codes
    texts = _texts(report) + [c.text for t in report.document.tables for c in t.cells]
    assert not any("(cid:" in t for t in texts)


# --- pieces ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pieces", "joined"),
    [
        (["商业", "企业"], "商业企业"),
        (["重", "新出具"], "重新出具"),
        (["三", "、", "本", "年", "度"], "三、本年度"),
        (["PDF", "2.0"], "PDF 2.0"),
        (["2024", "年"], "2024年"),
    ],
)
def test_join_pieces(pieces: list[str], joined: str) -> None:
    assert join_pieces(pieces) == joined


def test_furniture_needs_margin_and_repetition() -> None:
    def line(page: int, text: str, top: float) -> TextLine:
        return TextLine(page, text, 100.0, top, 200.0, top + 12, 12.0, False)

    pages = [
        [line(1, "机密文件", 20), line(1, "- 1 -", 800), line(1, "正文", 400), line(1, "7", 400)],
        [line(2, "机密文件", 20), line(2, "第2页", 800), line(2, "正文", 400)],
    ]
    dropped = furniture(pages, [842.0, 842.0])
    kept = [ln.text for page in pages for ln in page if id(ln) not in dropped]
    assert kept == ["正文", "7", "正文"]  # a number in the text body is not a page number


# --- options and registry --------------------------------------------------------------------


def test_options_are_validated() -> None:
    with pytest.raises(ValueError, match="table_engine"):
        PdfOptions(table_engine="tabula")  # type: ignore[arg-type]


def test_default_registry_reads_pdf() -> None:
    info = InputInfo(name="x.pdf", size=10, format="pdf")
    assert isinstance(default_registry().find(b"%PDF-1.7", info), PdfAdapter)


@pytest.mark.skipif(importlib.util.find_spec("camelot") is None, reason="camelot-py not installed")
def test_camelot_lattice_engine_agrees() -> None:
    registry = AdapterRegistry([PdfAdapter(PdfOptions(table_engine="camelot-lattice"))])
    report = convert_path(HONGZE, registry=registry)
    assert report.annual_report is not None
    figures = report.annual_report.figures
    assert {k: figures[k].value for k in HONGZE_2024 if k in figures} == HONGZE_2024


def test_max_pages_reads_the_first_pages_and_says_so() -> None:
    registry = AdapterRegistry([PdfAdapter(PdfOptions(max_pages=2))])
    report = convert_path(HONGZE, registry=registry)
    assert report.source.pages == 2
    (diagnostic,) = [d for d in report.diagnostics if d.code == "pdf.truncated"]
    assert diagnostic.origin == PagesOrigin(pages=[3, 4, 5])
    with pytest.raises(ValueError, match="max_pages"):
        PdfOptions(max_pages=0)


def test_two_columns_of_sentences_are_not_a_table() -> None:
    sentence = "本机关严格落实政府信息公开条例的各项要求，持续完善工作机制，切实保障公众的知情权。"
    boxes = [(0.0, 0.0, 100.0, 50.0), (100.0, 0.0, 200.0, 50.0)]
    chars = [
        {
            "text": ch,
            "x0": x0 + i,
            "x1": x0 + i + 1,
            "top": 10.0,
            "bottom": 20.0,
            "size": 10.0,
            "fontname": "SimSun",
        }
        for x0 in (0.0, 100.0)
        for i, ch in enumerate(sentence[:60])
    ]
    table = from_boxes(boxes, chars, 1, method="ruled")
    assert table is not None and table.n_cols == 2
    assert not accept(table)
