"""A table whose outer rule a browser print left off the page keeps its last column (issue 24).

The 平潭 2019 page printed by Chromium on A5 at 125 % (its pages 9 to 11, in
tests/fixtures/prints/side; `make_prints.py` says how it was made) draws the applications
table 2.5 points wider than the paper: the rules across run past the page's right side, and
the table's right-hand rule, wholly off the page, is not in the PDF. The 总计 column's figures
stand within the page. Before, the table finder saw no rule closing that column: the column
was left out of the table, its figures read as loose text beside it, and the text kept the
table's three parts apart, so the report lost the 总计 column and the row cut at the page foot
(3.补正后申请内容仍不明确): 170 of the page's 199 figures from the whole print.
"""

from __future__ import annotations

from pathlib import Path

import nianbao
from nianbao.schemas.model import PagesOrigin, Report, Table

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PRINT = FIXTURES / "prints" / "side" / "pingtan-2019-a5-125-pages-9-11.pdf"
PAGE = FIXTURES / "linear" / "pingtan-2019.html"


def _applications(report: Report) -> Table:
    (table,) = [t for t in report.document.tables if any("申请人情况" in c.text for c in t.cells)]
    return table


def _cells(table: Table) -> set[tuple[int, int, int, int, str]]:
    return {(c.row, c.col, c.row_span, c.col_span, "".join(c.text.split())) for c in table.cells}


def _applications_figures(report: Report) -> dict[str, float | None]:
    annual = report.annual_report
    assert annual is not None
    return {k: f.value for k, f in annual.figures.items() if k.startswith("applications.")}


def test_a_table_whose_side_rule_is_off_the_page_keeps_its_last_column() -> None:
    printed, page = nianbao.convert_document(PRINT), nianbao.convert_document(PAGE)
    table = _applications(printed)
    assert isinstance(table.origin, PagesOrigin) and table.origin.pages == [1, 2, 3]
    assert _cells(table) == _cells(_applications(page))
    figures = _applications_figures(printed)
    assert len(figures) == 161
    assert figures == _applications_figures(page)
    assert "table.text_outside_cells" not in {d.code for d in printed.diagnostics}
