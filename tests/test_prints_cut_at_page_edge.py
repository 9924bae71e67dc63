"""A browser print that lost part of a table says so (issue 24).

Chromium prints a page wider than the paper as far as the page goes: the 2021 form as a web
page (`samples/html/report-2021.html`, a layout table 1000 px wide) printed on A5 has its
widest table run off the right edge. The cells the edge cuts through are drawn, their glyphs
past the edge left out or clipped; the cells wholly past it are not in the PDF at all. Before,
nianbao read what was left with no word of the cut, and on Letter at 125 % twelve figures
came from the wrong cell: the 总计 column's "263" cut through to "2", and the page-2 part of
the applications table, read by position as if it ended with the form's 总计 column, gave
四、结转下年度's 科研机构 the 1 of its neighbour (the page prints 3). The prints are in
tests/fixtures/prints/cut (`make_prints.py` says how they were made).
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest

import nianbao
from nianbao.adapters._pdf_cuts import Sides, cut_at_side
from nianbao.adapters._pdf_tables import RawCell, RawTable
from nianbao.adapters._pdf_text import Edges
from nianbao.convert.options import ConvertOptions, PdfOptions
from nianbao.schemas.model import PageOrigin, PagesOrigin, Report

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CUT = FIXTURES / "prints" / "cut"
PAGE = Path(__file__).resolve().parents[1] / "samples" / "html" / "report-2021.html"
CODE = "pdf.table_cut_at_page_edge"


def _values(report: Report) -> dict[str, tuple[float | None, str]]:
    annual = report.annual_report
    assert annual is not None
    return {key: (f.value, f.raw) for key, f in annual.figures.items()}


@pytest.fixture(scope="module")
def page() -> dict[str, tuple[float | None, str]]:
    return _values(nianbao.convert_document(PAGE))


@pytest.mark.parametrize(
    ("name", "given"), [("report-2021-a5-100.pdf", 40), ("report-2021-letter-125.pdf", 80)]
)
def test_a_print_cut_at_the_page_edge_gives_only_the_pages_figures(
    page: dict[str, tuple[float | None, str]], name: str, given: int
) -> None:
    printed = _values(nianbao.convert_document(CUT / name))
    # values, not raws: a line of prose the edge cut reads 收到府信息公开申请86件, its 政 clipped
    wrong = {k: v for k, v in printed.items() if k not in page or page[k][0] != v[0]}
    assert wrong == {}
    assert len(printed) >= given


def test_the_columns_past_the_edge_are_absent_not_a_neighbours() -> None:
    printed = _values(nianbao.convert_document(CUT / "report-2021-letter-125.pdf"))
    # 总计 is past the edge (its cells cut through: "263" shows "2"); 其他 is within the page
    assert printed["applications.new_received.other_org"] == (20, "20")
    assert not [k for k in printed if k.startswith("applications.") and k.endswith(".total")]
    assert "applications.carried_forward.research" not in printed  # its row's part is headless


def test_a_print_that_cut_a_table_says_so_naming_the_page_and_the_table() -> None:
    report = nianbao.convert_document(CUT / "report-2021-a5-100.pdf")
    cuts = [d for d in report.diagnostics if d.code == CODE]
    assert [d.origin.page for d in cuts if isinstance(d.origin, PageOrigin)] == [1, 2]
    assert all("right edge" in d.message and "page " in d.message for d in cuts)
    # 420 pt wide: the table's cells reach 501 pt on page 1, and none is kept past the edge
    rights = [
        c.origin.bbox[2]
        for t in report.document.tables
        for c in t.cells
        if isinstance(c.origin, PageOrigin) and c.origin.bbox is not None
    ]
    assert rights and max(rights) <= 423


def test_a_print_with_margins_that_cut_a_table_at_the_margin_says_so_and_misreads_nothing(
    page: dict[str, tuple[float | None, str]],
) -> None:
    """With margins, Chromium clips its drawing to the area within them and draws the rules
    across on past it, to short of the page's side: the table ran past no side of the page,
    and was not cut. Before, the 总计 column, its "263" clipped to "2", was read: 12 figures
    wrong. pdfium keeps the clip of the objects that cross it: the area's sides are the
    page's sides (A5 at 80 % with 5 mm margins, its first page)."""
    report = nianbao.convert_document(CUT / "report-2021-a5-80-margins-0.5cm-page-1.pdf")
    printed = _values(report)
    wrong = {k: v for k, v in printed.items() if k not in page or page[k][0] != v[0]}
    assert wrong == {}
    assert not [k for k in printed if k.startswith("applications.") and k.endswith(".total")]
    assert printed["applications.new_received.other_org"] == (20, "20")
    cuts = [d for d in report.diagnostics if d.code == CODE]
    assert [d.origin.page for d in cuts if isinstance(d.origin, PageOrigin)] == [1]


def test_prints_within_the_page_carry_no_cut() -> None:
    for pdf in sorted((FIXTURES / "prints").glob("*.pdf")):
        report = nianbao.convert_document(pdf)
        assert not [d for d in report.diagnostics if d.code == CODE], pdf.name


# --- the sides, from a table's boxes and a page's edges -------------------------------------------


def _table(xs: list[float]) -> RawTable:
    cells = [
        RawCell(0, c, 1, 1, 1, (xs[c], 100.0, xs[c + 1], 120.0), text=str(c))
        for c in range(len(xs) - 1)
    ]
    return RawTable([1], (xs[0], 100.0, xs[-1], 120.0), xs, 1, cells, "ruled", 0.9)


def _across(x0: float, x1: float, y: float) -> dict[str, object]:
    return {"orientation": "h", "x0": x0, "x1": x1, "top": y, "bottom": y}


def test_a_table_whose_cells_run_past_the_side_keeps_its_columns_within_the_page() -> None:
    table = _table([10.0, 200.0, 300.0, 400.0, 450.0])  # the page is 420 wide
    edges = [_across(10, 450, 100), _across(10, 450, 120)]
    assert Sides.of(edges, (0.0, 420.0)).clip(table) == ("right",)
    assert table.xs == [10.0, 200.0, 300.0, 400.0] and table.bbox[2] == 400.0
    assert [c.text for c in table.cells] == ["0", "1", "2"]


def test_rules_across_running_past_the_side_beyond_the_last_column_are_a_cut() -> None:
    # the cell crossing the side lost its right rule (drawn past the page): no cell was made
    table = _table([10.0, 200.0, 300.0, 400.0])
    edges = [_across(10, 470, 100), _across(10, 470, 120)]
    assert Sides.of(edges, (0.0, 420.0)).clip(table) == ("right",)
    assert table.xs == [10.0, 200.0, 300.0, 400.0]


def test_a_rule_across_from_the_last_column_on_past_the_side_is_a_cut() -> None:
    """Chromium draws each cell's rules apart: the cell the side cut through has its own rule
    across, from the table's last boundary (give or take a rule's width) on past the side.
    Before, a rule across had to start inside the table, and 平潭 2019 on A5 at 140 % read
    the part of its applications table on page 12 as whole: its columns by position, two
    figures wrong."""
    table = _table([5.9, 200.0, 300.0, 402.1])
    edges = [_across(402.45, 437.5, 100), _across(402.45, 437.5, 120)]
    assert Sides.of(edges, (0.0, 420.0)).clip(table) == ("right",)
    assert table.xs == [5.9, 200.0, 300.0, 402.1]


def test_a_table_closed_by_a_rule_on_the_side_is_not_cut() -> None:
    # 平潭 2019 on A4 at 150 %: the table's right rule straddles the page's side, 0.7 pt past
    table = _table([10.0, 300.0, 596.1])
    edges = [_across(10, 596.6, 100), _across(10, 596.6, 120)]
    assert Sides.of(edges, (0.0, 595.92)).clip(table) == ()
    assert table.xs == [10.0, 300.0, 596.1] and len(table.cells) == 2


# --- a line of text the side cut ------------------------------------------------------------------

LINE_CUT = CUT / "line-cut-a5.pdf"  # make_prints.line_cut_page, printed by chromium --headless
TEXT_CODE = "pdf.text_cut_at_page_edge"


def test_a_number_the_page_s_side_cut_is_not_read_as_a_figure() -> None:
    """`收到政府信息公开申请123件`, its line cut by the side after the `2` and the `件` opening
    the next line: read `…申请12件`, 12 with confidence 1, before. Absent now, and said."""
    report = nianbao.convert_document(LINE_CUT)
    annual = report.annual_report
    assert annual is not None
    assert "text.applications.received" not in annual.figures
    assert annual.figures["text.proactive.items"].value == 77  # a line within the page
    said = [d for d in report.diagnostics if d.code == TEXT_CODE]
    assert len(said) == 1 and isinstance(said[0].origin, PagesOrigin)
    assert said[0].origin.pages == [1]
    assert "lines that reach past it: 1" in said[0].message
    assert "…共新收到政府信息公开申请" in said[0].message
    texts = [b.text for b in report.document.blocks]
    assert texts[texts.index("二、收到和处理政府信息公开申请情况") + 1].endswith("公开申请")
    assert not any("12件" in text for text in texts)


def test_the_side_cuts_a_glyph_whose_ink_crosses_it_not_a_closing_bracket_s_advance() -> None:
    # 平潭 2019 on A5: a line's last "）" has its advance 1.9 pt past the side, its ink within
    edges = Edges(0.0, 420.0)
    digit = {"text": "2", "x0": 416.3, "x1": 420.9}
    assert edges.cuts(digit, "right") and edges.reached([digit]) == (False, True)
    bracket = {"text": "）", "x0": 408.7, "x1": 421.9}
    assert not edges.cuts(bracket, "right") and edges.reached([bracket]) == (False, False)
    assert edges.reached([{"text": "告", "x0": 408.0, "x1": 420.0}]) == (False, False)  # at it
    past = {"text": "3", "x0": 420.9, "x1": 425.5}  # wholly past: reached, but not cut through
    assert not edges.cuts(past, "right") and edges.reached([past]) == (False, True)
    assert edges.cuts({"text": "1", "x0": -2.0, "x1": 2.6}, "left")
    assert not edges.cuts({"text": "（", "x0": -6.0, "x1": 6.0}, "left")


def test_a_line_cut_by_a_cropbox_gives_no_figure_from_the_glyphs_it_hides(tmp_path: Path) -> None:
    """The print cropped at 380 pt (pypdfium2 writes the CropBox): `…申请12` runs on past the
    CropBox's side, its glyphs there in the PDF but not seen. Both engines take the CropBox as
    the page's side: the line ends its paragraph, and 12 is not read with the 件 below."""
    document = pypdfium2.PdfDocument(LINE_CUT)
    document[0].set_cropbox(0, 0, 380, 595.92)
    cropped = tmp_path / "cropped.pdf"
    document.save(cropped)
    document.close()
    for engine in ("pdfium", "pdfplumber"):
        options = ConvertOptions(pdf=PdfOptions(pdf_engine=engine))
        report = nianbao.convert_document(cropped, options=options)
        annual = report.annual_report
        assert annual is not None
        assert "text.applications.received" not in annual.figures, engine
        assert TEXT_CODE in {d.code for d in report.diagnostics}
        assert not any("12件" in b.text for b in report.document.blocks)


def _char(text: str, x0: float, top: float) -> dict[str, object]:
    return {"text": text, "x0": x0, "x1": x0 + 6.0, "top": top, "bottom": top + 12.0, "size": 12.0}


def test_the_text_of_a_column_whose_rule_the_side_took_is_the_cut_tables_not_prose() -> None:
    """平潭 2019 on A5 at 150 % (3 cm margins above and below): the section 二 tables' last
    column runs past the page's side, its figures (181, 153) whole within it but its outer rule
    off the page, so no cell holds them. Before, they were read as prose, and the form's row
    order read them as 规范性文件's 本年新制作数量 and 对外公开总数量: three figures wrong. A line
    that starts within the table (a frame's prose) stays prose."""
    table = _table([10.0, 200.0, 300.0, 400.0])
    edges = [_across(10, 470, 100), _across(10, 470, 120)]
    beside = [_char("1", 410.0, 104.0), _char("8", 416.0, 104.0)]
    prose = [_char("告", 300.0 + 6 * i, 130.0) for i in range(20)]  # below the table's rows
    across = [_char("字", 150.0 + 6 * i, 104.0) for i in range(3)]  # no cell's: it starts within
    chars = [*beside, *prose]
    assert cut_at_side(table, Sides.of(edges, (0.0, 420.0)), chars) is not None
    assert table.consumed == {id(c) for c in beside}
    table = _table([10.0, 200.0, 300.0, 400.0])
    cut_at_side(table, Sides.of(edges, (0.0, 420.0)), [*across, _char("字", 410.0, 104.0)])
    assert table.consumed == set()


# --- a drawing clipped at the margin, text in the margin -------------------------------------

DIALOG = CUT / "pingtan-2019-a4-60-dialog-pages-3-4.pdf"  # /tmp sweep: A4, 60 %, header/footer


def test_text_meets_the_page_s_sides_not_the_drawing_s_clip_at_the_margin() -> None:
    """Pages 3-4 of 平潭 2019 printed on A4 at 60 % with the print dialog's 1 cm margins, header
    and footer: the drawing is clipped at the margin (`PageRead.area`), the header and footer
    stand outside that clip. Taken as the text's sides too, the clip cut lines that the page
    shows whole, split the proactive table's text, and 89 was read into three 2021-form keys
    (in_force, issued, repealed) beside the 2019 ones it belongs to."""
    report = nianbao.convert_document(DIALOG)
    annual = report.annual_report
    assert annual is not None
    normative = {k: f.value for k, f in annual.figures.items() if "normative" in k}
    assert normative == {
        "proactive.normative_documents.new_made": 89,
        "proactive.normative_documents.new_published": 89,
        "proactive.normative_documents.total_published": 89,
    }
    assert not [d for d in report.diagnostics if d.code == TEXT_CODE]


def test_the_text_s_sides_are_the_page_s_when_a_clip_narrows_the_drawing_s() -> None:
    sides = Sides.of([], (0.0, 595.92), (28.35, 567.57))
    assert (sides.left, sides.right) == (28.35, 567.57)  # the drawing's: tables cut there
    assert sides.edges == Edges(0.0, 595.92)  # the text's: the page's own
