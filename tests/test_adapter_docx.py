"""The DOCX adapter on the official blank template, a report typed into it, and Word files made
with python-docx for each thing that must not leak into the text (or must not be lost)."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

import nianbao
from nianbao.schemas.model import ParagraphOrigin, Report, Table
from tests.fixtures import report2021

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _grid(table: Table) -> list[list[str | None]]:
    return [[cell.text if cell else None for cell in row] for row in table.grid()]


def _docx(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _element(xml: str) -> object:
    """A WordprocessingML fragment, its root given the `w:` namespace declaration."""
    tag_end = xml.index(">") - (1 if xml[xml.index(">") - 1] == "/" else 0)
    return parse_xml(xml[:tag_end] + f" {nsdecls('w')}" + xml[tag_end:])


def _texts(report: Report) -> list[str]:
    return [block.text for block in report.document.blocks if block.kind != "table"]


# --- the official template -----------------------------------------------------------------------


def test_blank_template_tables_keep_their_merged_cells(samples: Path) -> None:
    report = nianbao.convert_document(samples / "real" / "template-2021-blank.docx")
    tables = report.document.tables
    assert [(t.n_rows, t.n_cols) for t in tables] == [(14, 4), (28, 10), (4, 15)]
    assert all(t.method == "native" and t.confidence == 1.0 for t in tables)
    corner = tables[1].grid()[0][0]
    assert corner is not None and (corner.row_span, corner.col_span) == (3, 3)
    assert corner.text.startswith("（本列数据的勾稽关系为")
    vertical = tables[1].grid()[5][0]
    assert vertical is not None and vertical.text == "三、本年度办理结果"
    assert vertical.row_span == 22
    # 2-row headers: 自然人 and 总计 span rows 1-2; 法人或其他组织 spans the five columns below it.
    spans = {c.text: (c.row, c.col, c.row_span, c.col_span) for c in tables[1].cells}
    assert spans["自然人"] == (1, 3, 2, 1)
    assert spans["法人或其他组织"] == (1, 4, 1, 5)
    assert spans["总计"] == (1, 9, 2, 1)
    review_headers = [c for c in tables[2].cells if c.text.replace("\n", "") == "结果维持"]
    assert [(c.row, c.row_span) for c in review_headers] == [(1, 2), (2, 1), (2, 1)]


def test_blank_template_blocks_in_reading_order(samples: Path) -> None:
    report = nianbao.convert_document(samples / "real" / "template-2021-blank.docx")
    blocks = report.document.blocks
    headings = [b.text for b in blocks if b.kind == "heading"]
    assert headings == list(report2021.HEADINGS)
    assert all(b.level == 1 for b in blocks if b.kind == "heading")
    kinds = [b.kind for b in blocks]
    # each table stands right after its section's heading, as in the document
    assert [kinds[i - 1] for i, kind in enumerate(kinds) if kind == "table"] == ["heading"] * 3
    # body elements are counted together: paragraphs and tables share one index
    origins = [b.origin for b in blocks]
    assert all(isinstance(o, ParagraphOrigin) for o in origins)
    numbers = [o.paragraph for o in origins if isinstance(o, ParagraphOrigin)]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    assert [b.origin for b in blocks if b.kind == "table"] == [
        t.origin for t in report.document.tables
    ]


# --- one report, three formats -------------------------------------------------------------------


def _reports() -> dict[str, Report]:
    return {
        "docx": nianbao.convert_document(report2021.SAMPLE_DOCX),
        "xlsx": nianbao.convert_document(report2021.SAMPLE_XLSX),
        "html": nianbao.convert_document(report2021.SAMPLE_HTML),
    }


def test_filled_report_reads_the_same_from_docx_xlsx_and_html() -> None:
    reports = _reports()
    grids = {fmt: [_grid(t) for t in r.document.tables] for fmt, r in reports.items()}
    assert [len(g) for g in grids["docx"]] == [14, 28, 4]
    assert grids["docx"] == grids["xlsx"] == grids["html"]
    assert grids["docx"][1][3][3:] == report2021.figures()["applications"][0]
    for report in reports.values():
        assert report.document.title == report2021.TITLE


def test_filled_report_gives_the_same_200_figures_in_every_format() -> None:
    reports = _reports()
    figures = {}
    for fmt, report in reports.items():
        assert report.annual_report is not None, fmt
        figures[fmt] = {
            key: (figure.value, figure.raw)
            for key, figure in report.annual_report.figures.items()
            if figure.source == "table"
        }
    assert len(figures["docx"]) == 200
    assert figures["docx"] == figures["xlsx"] == figures["html"]
    for report in reports.values():
        assert report.annual_report is not None
        assert {c.status for c in report.annual_report.checks} == {"pass"}


def test_committed_docx_sample_is_the_template_filled_in() -> None:
    made = [_grid(t) for t in nianbao.convert_document(report2021.filled_docx()).document.tables]
    committed = [_grid(t) for t in nianbao.convert_document(report2021.SAMPLE_DOCX).document.tables]
    assert made == committed


# --- what must not leak, and what must not be lost -----------------------------------------------


def _tricky_docx() -> bytes:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "页眉：某某区人民政府办公室"
    document.sections[0].footer.paragraphs[0].text = "第 1 页 共 3 页"
    document.add_paragraph("总体情况", style="Heading 1")
    document.add_paragraph("本机关全年办理申请情况", style="Heading 2")
    para = document.add_paragraph("全年共收到申请")
    for xml in (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        '<w:r><w:instrText xml:space="preserve"> MERGEFIELD 申请数 </w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        "<w:r><w:t>86</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        '<w:r><w:t xml:space="preserve">件，</w:t></w:r>',
        '<w:del w:id="1" w:author="审稿人"><w:r><w:delText>其中超期3件，</w:delText></w:r></w:del>',
        '<w:ins w:id="2" w:author="审稿人"><w:r><w:t>均按期答复。</w:t></w:r></w:ins>',
        '<w:bookmarkStart w:id="3" w:name="_GoBack"/>',
        '<w:bookmarkEnd w:id="3"/>',
    ):
        para._p.append(_element(xml))
    commented = document.add_paragraph()
    run = commented.add_run("本年度未收取信息处理费。")
    document.add_comment(run, text="请核实收费金额", author="审稿人")

    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "表头"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "竖排"
    table.cell(1, 1).text = "1"
    table.cell(1, 2).text = "2"
    inner_cell = table.cell(2, 1)
    inner_cell.text = "外层文字"
    inner = inner_cell.add_table(rows=2, cols=2)
    for r in range(2):
        for c in range(2):
            inner.cell(r, c).text = f"内{r}{c}"
    table.cell(2, 2).text = "3"
    document.add_paragraph("结尾段落")
    return _docx(document)


def test_headers_footers_fields_deletions_comments_and_bookmarks_do_not_leak() -> None:
    report = nianbao.convert_document(_tricky_docx(), filename="tricky.docx")
    text = "\n".join(_texts(report))
    assert "全年共收到申请86件，均按期答复。" in text  # field result and insertion kept
    for leaked in ("页眉", "第 1 页", "MERGEFIELD", "超期", "请核实", "_GoBack"):
        assert leaked not in text
    assert "本年度未收取信息处理费。" in text


def test_heading_styles_give_heading_levels() -> None:
    report = nianbao.convert_document(_tricky_docx(), filename="tricky.docx")
    headings = [(b.text, b.level) for b in report.document.blocks if b.kind == "heading"]
    assert headings == [("总体情况", 1), ("本机关全年办理申请情况", 2)]


def test_merges_made_by_python_docx_and_a_nested_table() -> None:
    report = nianbao.convert_document(_tricky_docx(), filename="tricky.docx")
    outer, inner = report.document.tables
    assert (outer.n_rows, outer.n_cols) == (3, 3)
    cells = {c.text: (c.row, c.col, c.row_span, c.col_span) for c in outer.cells}
    assert cells["表头"] == (0, 0, 1, 3)
    assert cells["竖排"] == (1, 0, 2, 1)
    assert cells["外层文字"] == (2, 1, 1, 1)  # the outer cell keeps its own text only
    assert _grid(inner) == [["内00", "内01"], ["内10", "内11"]]
    assert outer.origin == inner.origin  # both point at the outer table's body element
    kinds = [b.kind for b in report.document.blocks]
    assert kinds[-3:] == ["table", "table", "paragraph"]


# --- legacy Word ---------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_legacy_doc_is_converted_through_libreoffice() -> None:
    report = nianbao.convert_document(FIXTURES / "report-2021.doc")
    assert report.source.format == "ole2" and report.source.adapter == "docx"
    assert "docx.converted" in [d.code for d in report.diagnostics]
    reference = nianbao.convert_document(report2021.SAMPLE_DOCX)
    assert [_grid(t) for t in report.document.tables] == [
        _grid(t) for t in reference.document.tables
    ]


def test_legacy_doc_without_libreoffice_names_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    data = (FIXTURES / "report-2021.doc").read_bytes()
    with pytest.raises(nianbao.MissingDependencyError, match="libreoffice-writer") as caught:
        nianbao.convert_document(data, filename="old-report.doc")
    assert "old-report.doc" in str(caught.value)


# --- bad files -----------------------------------------------------------------------------------


def _zip(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return out.getvalue()


_CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 200, nianbao.DocumentLoadError, "zip is corrupt"),
        (bytes(range(256)) * 4, nianbao.UnsupportedFormatError, "binary"),
        (_zip({"notes.txt": "hello"}), nianbao.UnsupportedFormatError, "zip"),
        (
            _zip({"[Content_Types].xml": _CONTENT_TYPES, "word/styles.xml": "<x/>"}),
            nianbao.DocumentLoadError,
            "DOCX",
        ),
    ],
    ids=["corrupt-zip", "not-a-zip", "zip-not-office", "no-document-part"],
)
def test_bad_files_fail_with_the_file_name(
    data: bytes, error: type[nianbao.NianbaoError], message: str
) -> None:
    with pytest.raises(error, match=message) as caught:
        nianbao.convert_document(data, filename="broken-report.docx")
    assert "broken-report.docx" in str(caught.value)


def test_docx_without_a_body() -> None:
    good = _tricky_docx()
    with zipfile.ZipFile(io.BytesIO(good)) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members["word/document.xml"] = (
        f'<w:document {nsdecls("w")}><w:background w:color="FFFFFF"/></w:document>'
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    with pytest.raises(nianbao.DocumentLoadError, match="without a body") as caught:
        nianbao.convert_document(out.getvalue(), filename="no-body.docx")
    assert "no-body.docx" in str(caught.value)
