"""A browser print of a page laid out in a ruled frame reads as the page does (issue 24).

`samples/html/report-2021.html` lays its whole body out in a table with borders: a navigation
column beside a content cell that holds the title, the headings, the prose and the report's
three tables. Chromium prints that frame as ruled boxes around everything, and the report's
tables drawn flush against its walls share its rules. Before, nianbao read the frame as a table:
the title, the headings and the prose were cell text (no title, no sections, the prose figures
missing), and on A4 landscape at 150 % the proactive table's fees row, on the page after the
rest of its table, was lost with section 三's heading in one grid with the applications table.
The print is in tests/fixtures/prints/framed (`make_prints.py` says how it was made).
"""

from __future__ import annotations

from pathlib import Path

import nianbao
from nianbao.schemas.model import Report

PRINT = (
    Path(__file__).resolve().parent
    / "fixtures"
    / "prints"
    / "framed"
    / "report-2021-a4-landscape-150.pdf"
)
PAGE = Path(__file__).resolve().parents[1] / "samples" / "html" / "report-2021.html"


def _read(report: Report) -> tuple[dict[str, float | None], str | None, list[tuple[str, str]]]:
    annual = report.annual_report
    assert annual is not None
    figures = {key: f.value for key, f in annual.figures.items()}
    sections = [(str(s.key), s.heading) for s in annual.sections]
    return figures, report.document.title, sections


def test_a_print_of_a_page_in_a_ruled_frame_gives_the_pages_figures_title_and_sections() -> None:
    printed = nianbao.convert_document(PRINT)
    figures, title, sections = _read(printed)
    page_figures, page_title, page_sections = _read(nianbao.convert_document(PAGE))
    assert figures == page_figures
    assert figures["proactive.fees.amount"] == 12.5
    assert title == page_title == "某某区人民政府2023年政府信息公开工作年度报告"
    assert sections == page_sections
    assert len(page_sections) == 6
    # the frame is no table: the report's three tables are, the prose is paragraphs
    assert len(printed.document.tables) == 3
    codes = {d.code for d in printed.diagnostics}
    assert "annual_report.recognised_from_tables" not in codes
    assert "figures.read_linearly" not in codes
    assert "table.text_outside_cells" not in codes  # a heading between the walls is no row
