"""Word lets a table row break across pages, and LibreOffice and WPS print it that way: the rest
of a row's labels opens the next page on a row of its own, with empty figures. A column boundary
may also show on one page only. Both must give the one table the document has.

The fixture is a 2019-form report typed into Word tables (`make_fixtures.rows_broken_across_pages`).
"""

from __future__ import annotations

from pathlib import Path

import nianbao
from nianbao.schemas.model import PagesOrigin
from tests.test_annual_report_2019 import EXPECTED

PDF = Path(__file__).resolve().parent / "fixtures" / "pdf" / "rows-broken-across-pages.pdf"


def test_rows_broken_across_pages_are_stitched_into_one_table() -> None:
    report = nianbao.convert_document(PDF)
    tables = report.document.tables
    assert [(t.n_rows, t.n_cols) for t in tables] == [(18, 4), (28, 10), (4, 15)]
    assert tables[1].origin == PagesOrigin(pages=[1, 2, 3, 4])
    grid = tables[1].grid()
    vertical = grid[5][0]
    assert vertical is not None and (vertical.text, vertical.row_span) == ("三、本年度办理结果", 22)
    labels = {c.text for c in tables[1].cells}
    assert "2.没有现成信息需要另行制作" in labels  # one label, though printed on two pages
    assert "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" in labels


def test_its_figures_are_each_read_once_and_add_up() -> None:
    report = nianbao.convert_document(PDF)
    annual = report.annual_report
    assert annual is not None
    assert (annual.template, annual.year) == ("2019", 2020)
    proactive = {k: f.value for k, f in annual.figures.items() if k.startswith("proactive.")}
    assert proactive == EXPECTED
    assert [d.code for d in report.diagnostics if d.code == "figures.duplicate"] == []
    assert {c.status for c in annual.checks} == {"pass"}
