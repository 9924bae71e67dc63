"""A web report printed to PDF by a browser reads as the page it was printed from (issue 24).

Chromium cuts a long table wherever the page ends: inside its header rows, through a tall row,
through the vertical 三、本年度办理结果, leaving the cut cells without a rule at the page's foot
and the next page's part without one over its top; it repeats a `<thead>` on every page. The
prints in tests/fixtures/prints (`make_prints.py` says how they were made) are of the 平潭 pages
as published and of 2021-form pages built to break so, most of their cells blank. Each must
give the figures and checks of its page, and the page's tables cell for cell, each table one
table however many pages it runs over. Before, a table's parts stayed apart and the cut cells'
text fell out of them: the blank page lost 19 figures, the page whose header is split over a
page break 10, both to `figures missing`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import nianbao
from nianbao.adapters._pdf_cuts import page_cuts
from nianbao.adapters._pdf_tables import RawCell, RawTable, join
from nianbao.collection.partial import figure_state, of_report
from nianbao.schemas.model import PagesOrigin, Report

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PRINTS = FIXTURES / "prints"
PAGES = {
    "pingtan-2024-a5.pdf": FIXTURES / "linear" / "pingtan-2024.html",
    "pingtan-2019-a5.pdf": FIXTURES / "linear" / "pingtan-2019.html",
    "built-blank-2021-a5.pdf": PRINTS / "built-blank-2021.html",
    "built-thead-tall-rows-2021-a5.pdf": PRINTS / "built-thead-tall-rows-2021.html",
    "built-header-split-2021-a5.pdf": PRINTS / "built-header-split-2021.html",
}


def _figures(report: Report) -> dict[str, tuple[Any, ...]]:
    annual = report.annual_report
    assert annual is not None
    return {
        key: (f.value, f.raw, figure_state(f.model_dump())) for key, f in annual.figures.items()
    }


def _checks(report: Report) -> list[tuple[str, tuple[str, ...], str]]:
    annual = report.annual_report
    assert annual is not None
    return sorted((c.rule, tuple(c.keys), c.status) for c in annual.checks)


def _cells(report: Report) -> list[set[tuple[int, int, int, int, str]]]:
    return [
        {(c.row, c.col, c.row_span, c.col_span, "".join(c.text.split())) for c in table.cells}
        for table in report.document.tables
    ]


def test_every_print_has_its_page() -> None:
    assert sorted(p.name for p in PRINTS.glob("*.pdf")) == sorted(PAGES)


@pytest.fixture(scope="module", params=sorted(PAGES))
def pair(request: pytest.FixtureRequest) -> tuple[Report, Report]:
    name = request.param
    return nianbao.convert_document(PRINTS / name), nianbao.convert_document(PAGES[name])


def test_a_print_gives_the_figures_of_its_page(pair: tuple[Report, Report]) -> None:
    printed, page = pair
    assert _figures(printed) == _figures(page)
    assert len(_figures(page)) >= 199


def test_a_print_gives_the_checks_of_its_page(pair: tuple[Report, Report]) -> None:
    printed, page = pair
    assert _checks(printed) == _checks(page)


def test_a_print_has_the_tables_of_its_page_cell_for_cell(pair: tuple[Report, Report]) -> None:
    printed, page = pair
    assert _cells(printed) == _cells(page)
    applications = printed.document.tables[1]
    assert isinstance(applications.origin, PagesOrigin) and len(applications.origin.pages) >= 3
    codes = {d.code for d in printed.diagnostics}
    assert not codes & {"table.text_outside_cells", "figures.read_linearly", "table.missing"}


def test_blank_cells_of_a_print_are_printed_blanks_not_missing() -> None:
    report = nianbao.convert_document(PRINTS / "built-header-split-2021-a5.pdf")
    states = [state for *_, state in _figures(report).values()]
    assert states.count("blank") == 179 and states.count("value") == 23
    assert of_report(report).reasons == ()


# --- the cut, from the edges of a page -----------------------------------------------------------


def _rule(x: float, top: float, bottom: float) -> dict[str, Any]:
    return {"orientation": "v", "x0": x, "x1": x, "top": top, "bottom": bottom}


def _across(x0: float, x1: float, y: float) -> dict[str, Any]:
    return {"orientation": "h", "x0": x0, "x1": x1, "top": y, "bottom": y}


def _char(text: str, x0: float, top: float) -> dict[str, Any]:
    return {"text": text, "x0": x0, "x1": x0 + 10, "top": top, "bottom": top + 10}


COLUMNS = (0.0, 100.0, 140.0, 180.0)


def test_rules_stopping_level_at_the_page_foot_with_no_rule_across_are_a_cut() -> None:
    edges = [_rule(x, 400.0, 580.0) for x in COLUMNS] + [_across(0, 180, 400), _across(0, 180, 500)]
    (cut,) = page_cuts(edges, [_char("字", 10, 520)])
    assert (cut.end, cut.y, cut.x0, cut.x1) == ("bottom", 580.0, 0.0, 180.0)
    assert cut.opens((0.0, 500.0, 100.0, 580.0)) and cut.opens((140.0, 500.0, 180.0, 580.0))


def test_a_table_closed_by_its_rule_is_not_cut() -> None:
    edges = [_rule(x, 400.0, 580.0) for x in COLUMNS] + [_across(0, 180, 400), _across(0, 180, 580)]
    assert page_cuts(edges, []) == []


def test_a_label_spanning_rows_is_the_only_cell_left_open_at_a_clean_break() -> None:
    edges = [_rule(x, 400.0, 580.0) for x in COLUMNS] + [
        _across(0, 180, 400),
        _across(100, 180, 580),
    ]
    (cut,) = page_cuts(edges, [])
    assert cut.opens((0.0, 400.0, 100.0, 580.0))
    assert not cut.opens((100.0, 500.0, 140.0, 580.0))


def test_text_in_columns_without_their_rules_is_no_cut() -> None:
    """Word's open row at the foot, its column rules stopping a row above: its label and
    figures stand apart in their columns, for `_pdf_ruling` to report, not one cell."""
    edges = [_rule(x, 400.0, 500.0) for x in COLUMNS]
    edges += [_rule(0.0, 500.0, 580.0), _rule(60.0, 500.0, 580.0), _rule(180.0, 500.0, 580.0)]
    edges += [_across(0, 180, 400), _across(0, 180, 500)]
    chars = [_char("3", 110, 530), _char("7", 150, 530), _char("字", 65, 530)]
    assert page_cuts(edges, chars) == []


# --- the parts, joined ---------------------------------------------------------------------------


def _table(
    page: int, rows: list[list[str]], *, open_below: bool = False, open_above: bool = False
) -> RawTable:
    cells = [
        RawCell(
            r,
            c,
            1,
            1,
            page,
            (COLUMNS[c], 20.0 * r, COLUMNS[c + 1], 20.0 * r + 20),
            text,
            open_below=open_below and r == len(rows) - 1,
            open_above=open_above and r == 0,
        )
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
    ]
    return RawTable(
        [page], (0.0, 0.0, 180.0, 20.0 * len(rows)), list(COLUMNS), len(rows), cells, "ruled", 0.9
    )


def test_a_row_the_page_break_cut_in_two_is_one_row_again() -> None:
    first = _table(1, [["一、本年新收", "5", "6"], ["二、上年", "", ""]], open_below=True)
    then = _table(2, [["结转", "1", ""], ["（一）予以公开", "3", "4"]], open_above=True)
    joined = join(first, then)
    assert joined is not None and joined.n_rows == 3
    texts = {(c.row, c.col): c.text for c in joined.cells}
    assert texts[1, 0] == "二、上年结转" and texts[1, 1] == "1" and texts[1, 2] == ""
    assert texts[2, 0] == "（一）予以公开"


def test_a_row_closed_at_the_foot_starts_no_row_on_the_next_page() -> None:
    first = _table(1, [["一、本年新收", "5", "6"], ["二、上年结转", "1", "1"]])
    then = _table(2, [["（一）予以公开", "", ""]], open_above=True)
    joined = join(first, then)
    assert joined is not None and joined.n_rows == 3


def test_a_row_of_blanks_opening_a_page_after_a_short_label_is_a_row_of_its_own() -> None:
    """行政处罚 | 3 ends a page, 行政强制 | (blank) opens the next: not one label 行政处罚行政强制,
    as a row Word broke across pages would be; its label ran to the cell's side."""
    first = _table(1, [["行政许可", "120", ""], ["行政处罚", "3", ""]])
    then = _table(2, [["行政强制", "", ""]])
    for cell in first.cells:
        cell.runs_full = cell.text != "行政处罚"  # centred, short of the cell's right side
    joined = join(first, then)
    assert joined is not None and joined.n_rows == 3
    assert {c.text for c in joined.cells if c.col == 0} == {"行政许可", "行政处罚", "行政强制"}
    full = _table(1, [["行政许可", "120", ""], ["2.没有现成信息需要另行", "3", ""]])
    joined = join(full, _table(2, [["制作", "", ""]]))
    assert joined is not None and joined.n_rows == 2


def test_a_row_cut_at_the_foot_runs_on_under_the_header_repeated() -> None:
    header = ["信息内容", "自然人", "总计"]
    first = _table(1, [header, ["1.申请人无正当理由逾期", "", ""]], open_below=True)
    then = _table(2, [header, ["不补正", "", ""], ["2.申请人逾期", "1", "1"]])
    joined = join(first, then)
    assert joined is not None and joined.n_rows == 3
    texts = {(c.row, c.col): c.text for c in joined.cells}
    assert texts[1, 0] == "1.申请人无正当理由逾期不补正" and texts[2, 0] == "2.申请人逾期"


def test_a_numbered_row_under_the_header_repeated_starts_a_row_after_a_clean_break() -> None:
    """The break fell between 7.属于行政执法案卷 and 8.属于行政查询事项 (their rule drawn on
    neither page), the header repeated over the new page's part: 8.'s row is a row of its own.
    Before, it was read as the rest of 7.'s row: the row and its label were lost, its figures
    given to 7. (a print of built-thead-tall-rows-2021.html on A5 at 120 %)."""
    header = ["信息内容", "自然人", "总计"]
    first = _table(1, [header, ["7.属于行政执法案卷", "", ""]], open_below=True)
    then = _table(2, [header, ["8.属于行政查询事项", "1", "1"], ["（四）无法提供", "", ""]])
    joined = join(first, then)
    assert joined is not None and joined.n_rows == 4
    texts = {(c.row, c.col): c.text for c in joined.cells}
    assert texts[1, 0] == "7.属于行政执法案卷" and texts[1, 1] == ""
    assert texts[2, 0] == "8.属于行政查询事项" and texts[2, 1] == "1"


def test_rows_a_clean_break_left_open_on_both_pages_stay_apart() -> None:
    """The break fell between 1.申请人无正当理由 (its figures) and 2.申请人逾期 (its own), no rule
    on either page, no header repeated: only a label spanning both rows runs on. Before, every
    cell open on both sides ran on into the one above: '1' and '0' read as one cell '1 0', two
    figures wrong and a row lost (平潭 2024 on A5 at 150 % with 3 cm margins above and below)."""
    first = _table(1, [["（五）不予处理", "0", "0"], ["1.申请人无正当理由", "1", "1"]])
    then = _table(2, [["2.申请人逾期", "0", "0"], ["3.其他", "1", "2"]], open_above=True)
    for cell in first.cells:
        cell.open_below = cell.row == 1
    joined = join(first, then)
    assert joined is not None and joined.n_rows == 4
    texts = {(c.row, c.col): c.text for c in joined.cells}
    assert texts[1, 0] == "1.申请人无正当理由" and texts[1, 1] == "1" and texts[1, 2] == "1"
    assert texts[2, 0] == "2.申请人逾期" and texts[2, 1] == "0"
