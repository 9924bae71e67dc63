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
from nianbao.adapters._pdf_cuts import Sides, side_rules
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


def test_a_rule_the_margin_clipped_away_is_drawn_again_at_the_rules_across_end() -> None:
    """平潭 2019 on A4 at 150 % with 1.5 cm margins left and right: the drawing is clipped at
    554 pt, the applications table's rules across end at 555.3 and its right-hand rule, past
    the clip, is not drawn. Before, the 总计 column was no column (23 figures missing)."""
    rows = (100.0, 120.0, 140.0)
    edges: list[dict[str, object]] = [
        {"orientation": "h", "x0": 516.6, "x1": 555.3, "top": y, "bottom": y} for y in rows
    ]
    edges += [{"orientation": "v", "x0": 516.6, "x1": 516.6, "top": 100.0, "bottom": 140.0}]
    sides = Sides.of(edges, (0.0, 595.92), (42.0, 554.0))
    (rule,) = side_rules(edges, sides)
    assert (rule["x0"], rule["top"], rule["bottom"]) == (555.3, 100.0, 140.0)
    assert side_rules(edges, Sides.of(edges, (0.0, 595.92))) == []  # no clip: within the page
