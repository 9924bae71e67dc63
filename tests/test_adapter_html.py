"""The HTML adapter on a report page as a government site serves it (GBK, chrome, layout table)
and on small pages for spans, nested tables and hostile markup."""

from __future__ import annotations

import nianbao
from nianbao.schemas.model import ElementOrigin, Report, Table
from tests.fixtures import report2021


def _grid(table: Table) -> list[list[str | None]]:
    return [[cell.text if cell else None for cell in row] for row in table.grid()]


def _page(body: str, head: str = '<meta charset="utf-8">') -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


def _convert(data: bytes) -> Report:
    return nianbao.convert_document(data, filename="page.html")


def _texts(report: Report) -> list[str]:
    return [b.text for b in report.document.blocks if b.kind != "table"]


def test_gbk_page_is_decoded_by_its_declared_charset() -> None:
    report = nianbao.convert_document(report2021.SAMPLE_HTML)
    assert report.source.encoding is not None
    assert (report.source.encoding.name, report.source.encoding.method) == ("gb18030", "declared")
    assert report.document.title == report2021.TITLE


def test_site_chrome_is_dropped_and_reported() -> None:
    report = nianbao.convert_document(report2021.SAMPLE_HTML)
    text = "\n".join(_texts(report))
    for chrome in ("首页", "政府信息公开指南", "打印", "备案号", "统计代码", "td {"):
        assert chrome not in text
    removed = [d for d in report.diagnostics if d.code == "boilerplate.removed"]
    assert any("【打印】" in d.message for d in removed)
    assert all(isinstance(d.origin, ElementOrigin) for d in removed)
    headings = [b.text for b in report.document.blocks if b.kind == "heading"]
    assert headings == list(report2021.HEADINGS)


def test_report_tables_inside_a_layout_table_keep_rowspan_colspan_and_br() -> None:
    report = nianbao.convert_document(report2021.SAMPLE_HTML)
    tables = report.document.tables
    assert [(t.n_rows, t.n_cols, t.method) for t in tables] == [
        (14, 4, "html"),
        (28, 10, "html"),
        (4, 15, "html"),
    ]
    corner = tables[1].grid()[0][0]
    assert corner is not None and (corner.row_span, corner.col_span) == (3, 3)
    vertical = tables[1].grid()[5][0]
    assert vertical is not None and vertical.row_span == 22
    assert "商业\n企业" in [c.text for c in tables[1].cells]  # <br> in a cell is a newline
    main = "body/table[1]/tr[1]/td[2]/div[2]"
    assert tables[1].origin == ElementOrigin(path=f"{main}/table[2]")
    assert vertical.origin == ElementOrigin(path=f"{main}/table[2]/tr[6]/td[1]")


def test_spans_are_clamped_and_headers_come_from_th() -> None:
    page = _page(
        "<table><thead><tr><th colspan='2;'>项目</th><th>数量</th></tr></thead>"
        "<tr><td rowspan='65534'>甲</td><td>a</td><td colspan='100000'>1</td></tr>"
        "<tr><td>b</td><td>2</td></tr>"
        "<tr><td rowspan='0'>c</td><td>3</td></tr></table>"
    )
    report = _convert(page)
    assert "table.span_clamped" not in [d.code for d in report.diagnostics]
    (table,) = report.document.tables
    assert table.n_rows == 4
    assert table.n_cols == 1002  # colspan clamped at HTML's own maximum, 1000
    first = table.grid()[1][0]
    assert first is not None and first.row_span == 3  # clamped to the rows there are
    assert [c.header for c in table.cells if c.row == 0] == [True, True]


def test_data_tables_nested_in_a_layout_table_are_the_tables() -> None:
    inner = "<table><tr><td>规章</td><td>5</td></tr><tr><td>规范性文件</td><td>7</td></tr></table>"
    page = _page(
        "<table><tr><td>导航</td><td><p>一、总体情况</p>"
        f"{inner}<p>二、主动公开政府信息情况</p>{inner}</td></tr></table>"
    )
    report = _convert(page)
    assert [_grid(t) for t in report.document.tables] == [[["规章", "5"], ["规范性文件", "7"]]] * 2
    kinds = [(b.kind, b.text) for b in report.document.blocks]
    assert kinds[-4:] == [
        ("heading", "一、总体情况"),
        ("table", ""),
        ("heading", "二、主动公开政府信息情况"),
        ("table", ""),
    ]


def test_scripts_styles_and_external_entities_do_not_leak() -> None:
    page = (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<!DOCTYPE html [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        b"<html><head><title>t</title><style>p{color:red}</style></head><body>"
        b"<script>alert('x')</script><p>\xe6\x94\xbf\xe5\x8a\xa1&amp;&secret;\xe5\x85\xac\xe5\xbc\x80</p>"
        b"<noscript>\xe8\xaf\xb7\xe5\x90\xaf\xe7\x94\xa8</noscript></body></html>"
    )
    report = _convert(page)
    text = "\n".join(_texts(report))
    assert "政务&" in text and "公开" in text
    for leaked in ("alert", "color", "root:", "请启用"):
        assert leaked not in text


def test_br_in_a_paragraph_splits_it_into_lines() -> None:
    report = _convert(_page("<div>一、总体情况<br>全年主动公开政府信息1523条。</div>"))
    assert _texts(report) == ["一、总体情况", "全年主动公开政府信息1523条。"]
    assert report.document.blocks[0].origin == ElementOrigin(path="body/div[1]")
