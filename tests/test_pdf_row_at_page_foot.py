"""A table row at the foot of a page, the table going on over the page break.

WPS and Word print the row that ends a page without a rule under it: its side rules stop at the
page break. The table finder makes cells only where four rules meet, so the open row, its label
wrapped over two lines and its figures level with the first, fell out of the table into the
prose, and its seven figures were lost without a word. The fixtures are reportlab drawings of
such a section 三 (`make_fixtures.row_at_page_foot`); in the `-unruled` one the open row has
only its outer rules, so it cannot be split into columns and must be reported instead.
"""

from __future__ import annotations

from pathlib import Path

import nianbao
from nianbao.adapters._pdf_ruling import Rule, closing_rules
from nianbao.schemas.model import PageOrigin, PagesOrigin
from tests.fixtures.pdf.expected import FOOT_ROW_VALUES

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pdf"
COLUMNS = (
    *("natural_person", "commercial", "research", "public_interest", "legal_service"),
    *("other_org", "total"),
)


def _row(report: nianbao.Report, key: str) -> list[float | None] | None:
    annual = report.annual_report
    assert annual is not None
    figures = [annual.figures.get(f"applications.{key}.{column}") for column in COLUMNS]
    return None if all(f is None for f in figures) else [f.value if f else None for f in figures]


def test_the_open_row_at_the_foot_of_the_page_keeps_its_seven_figures() -> None:
    report = nianbao.convert_document(FIXTURES / "row-at-page-foot.pdf")
    tables = report.document.tables
    assert [(t.n_rows, t.n_cols) for t in tables] == [(28, 10), (4, 15)]
    assert tables[0].origin == PagesOrigin(pages=[1, 2])
    labels = [c.text for c in tables[0].cells]
    assert "2.没有现成信息需要另行制作" in labels  # both lines of the wrapped label, one cell
    assert labels.index("2.没有现成信息需要另行制作") < labels.index("3.补正后申请内容仍不明确")
    for key, printed in FOOT_ROW_VALUES.items():
        assert _row(report, key) == [int(v) for v in printed.split()], key
    annual = report.annual_report
    assert annual is not None
    assert {c.status for c in annual.checks} == {"pass"}
    assert [d.code for d in report.diagnostics] == []


def test_a_row_that_cannot_be_split_into_columns_is_reported_and_read_from_its_text() -> None:
    report = nianbao.convert_document(FIXTURES / "row-at-page-foot-unruled.pdf")
    stray = [d for d in report.diagnostics if d.code == "table.text_outside_cells"]
    assert len(stray) == 1
    assert "2.没有现成信息需要另行制" in stray[0].message
    assert "3 0 0 0 0 0 3" in stray[0].message
    assert isinstance(stray[0].origin, PageOrigin) and stray[0].origin.page == 1
    # Not guessed from the page's geometry: the row is read back from its text in the form's row
    # order, and says so.
    assert _row(report, "unable_needs_creation") == [3, 0, 0, 0, 0, 0, 3]
    assert "figures.read_linearly" in [d.code for d in report.diagnostics]
    annual = report.annual_report
    assert annual is not None and not [c for c in annual.checks if c.status == "fail"]


# A table of two closed rows, 100 wide, columns at 0, 40, 70, 100, ending at y = 40.
_CELLS = [(0.0, 0.0, 40.0, 20.0), (40.0, 0.0, 70.0, 20.0), (70.0, 0.0, 100.0, 20.0)]
_CELLS += [(x0, 20.0, x1, 40.0) for x0, _, x1, _ in _CELLS]
_TEXT = [{"x0": 5.0, "x1": 15.0, "top": 45.0, "bottom": 55.0, "text": "字"}]


def _rules(xs: tuple[float, ...], bottom: float) -> list[Rule]:
    return [Rule(x, 0.0, bottom) for x in xs]


def test_a_band_with_all_the_columns_of_the_row_above_is_closed() -> None:
    (line,) = closing_rules(_CELLS, _rules((0, 40, 70, 100), 62.0), _TEXT)
    assert (line["x0"], line["top"], line["x1"]) == (0.0, 62.0, 100.0)


def test_what_is_not_one_more_row_is_left_open() -> None:
    # only the outer rules run on: a page frame, or a row whose figures have no columns
    assert closing_rules(_CELLS, _rules((0, 100), 62.0) + _rules((40, 70), 40.0), _TEXT) == []
    # much taller than the table's rows: a box below the table, not a row of it
    assert closing_rules(_CELLS, _rules((0, 40, 70, 100), 200.0), _TEXT) == []
    # nothing written in it: an overhang of the drawing
    assert closing_rules(_CELLS, _rules((0, 40, 70, 100), 62.0), []) == []


def test_an_open_row_at_the_head_of_a_page_is_closed_too() -> None:
    below = [(x0, top + 40, x1, bottom + 40) for x0, top, x1, bottom in _CELLS]
    rules = [Rule(x, 18.0, 80.0) for x in (0, 40, 70, 100)]
    text = [{"x0": 45.0, "x1": 55.0, "top": 22.0, "bottom": 32.0, "text": "3"}]
    (line,) = closing_rules(below, rules, text)
    assert (line["x0"], line["top"], line["x1"]) == (0.0, 18.0, 100.0)
