"""Issue 23: every figure's place in the input resolved where the figure is made, so that the
report's JSON and `figures.parquet` name the page and box, the lines, the sheet and cell, the
paragraph or the element, not only a pointer to a table cell."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from nianbao.cli import main
from nianbao.convert.pipeline import convert_path
from nianbao.schemas.emit import to_json
from nianbao.schemas.model import (
    ElementOrigin,
    Figure,
    Indicator,
    LineOrigin,
    PageOrigin,
    PanelFigure,
    ParagraphOrigin,
    SheetOrigin,
    TableCellOrigin,
)
from tests.conftest import SAMPLES

LINEAR = Path(__file__).resolve().parent / "fixtures" / "linear"


def test_a_pdf_table_figure_is_placed_on_its_page_in_its_cells_box() -> None:
    report = convert_path(SAMPLES / "real" / "hongze-2024.pdf")
    assert report.annual_report is not None
    figure = report.annual_report.figures["applications.new_received.total"]
    assert isinstance(figure.origin, TableCellOrigin)
    cell = next(
        c
        for c in report.document.tables[figure.origin.table].cells
        if (c.row, c.col) == (figure.origin.row, figure.origin.col)
    )
    assert isinstance(figure.place, PageOrigin) and figure.place.bbox is not None
    assert figure.place == cell.origin
    assert cell.text == figure.raw


@pytest.mark.parametrize(
    ("sample", "kind"),
    [
        ("real/hongze-2024.pdf", PageOrigin),
        ("xlsx/report-2021-tables.xlsx", SheetOrigin),
        ("docx/report-2021-filled.docx", ParagraphOrigin),
        ("html/report-2021.html", ElementOrigin),
        ("text/pingtan-2019.txt", LineOrigin),
        ("text/004_7635fab03e0d303d.txt", LineOrigin),
    ],
)
def test_every_figure_indicator_and_panel_figure_has_a_place(sample: str, kind: type) -> None:
    report = convert_path(SAMPLES / sample)
    assert report.annual_report is not None
    figures = report.annual_report.figures
    table_figures = [f for f in figures.values() if f.source == "table"]
    assert table_figures and all(isinstance(f.place, kind) for f in table_figures)
    items: list[Figure | Indicator | PanelFigure] = [
        *figures.values(),
        *report.annual_report.indicators,
        *report.annual_report.panel.values(),
    ]
    assert all(item.place is not None for item in items)


def test_an_xlsx_figure_is_placed_in_the_cell_that_prints_it() -> None:
    report = convert_path(SAMPLES / "xlsx" / "report-2021-tables.xlsx")
    assert report.annual_report is not None
    place = report.annual_report.figures["applications.new_received.total"].place
    assert isinstance(place, SheetOrigin)
    sheet = load_workbook(SAMPLES / "xlsx" / "report-2021-tables.xlsx")[place.sheet]
    printed = sheet[place.cell_range.split(":")[0]].value
    assert str(printed) == report.annual_report.figures["applications.new_received.total"].raw


def test_figures_parquet_carries_a_place_for_every_figure(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    inputs = [
        SAMPLES / "real" / "hongze-2024.pdf",
        SAMPLES / "xlsx" / "report-2021-tables.xlsx",
        SAMPLES / "text" / "pingtan-2019.txt",
        LINEAR / "pingtan-2019.html",
    ]
    for path in inputs:
        (reports / f"{path.name}.json").write_text(to_json(convert_path(path)), encoding="utf-8")
    assert main(["-q", "export", str(reports), "--parquet", str(tmp_path / "ds")]) == 0
    figures = tmp_path / "ds" / "figures.parquet"
    counts = (
        duckdb.connect()
        .execute(
            "SELECT count(*), count(place), count(place.page), count(place.bbox),"
            " count(place.line_start), count(place.sheet), count(place.cell_range),"
            f" count(place.path) FROM '{figures}'"
        )
        .fetchone()
    )
    assert counts is not None
    total, placed, pages, boxes, lines, sheets, cells, elements = counts
    assert total > 700 and placed == total
    assert pages == boxes > 180 and lines > 190 and sheets == cells == 200 and elements > 190
