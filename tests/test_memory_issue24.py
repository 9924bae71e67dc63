"""Issue 24: a long document converts in memory bounded well below its size times a constant.

What each change holds: the input's bytes let go once the adapter has read them, a table cell
and a figure given only the fields that differ from their defaults (pydantic's set of given
names is 216 bytes for four, 728 for five to seven), a PDF's raw lines and tables let go as
their models are made, the report handed back as UTF-8 bytes. The output stays the same."""

from __future__ import annotations

import sys

import pytest

from nianbao.adapters import pdf
from nianbao.adapters._pdf_tables import RawTable
from nianbao.adapters._pdf_text import TextLine
from nianbao.convert import pipeline
from nianbao.convert.annual_report import profile
from nianbao.runtime.worker import convert_file
from nianbao.schemas.emit import to_json, to_json_bytes
from nianbao.schemas.model import Document, Figure, PageOrigin, TableCell, TableCellOrigin

from .conftest import SAMPLES


def test_a_table_cell_is_given_only_the_fields_that_differ_from_their_defaults() -> None:
    origin = PageOrigin(page=1, bbox=(1.0, 2.0, 3.0, 4.0))
    plain = TableCell.lean(row=0, col=1, text="12", origin=origin, row_span=1, header=False)
    assert plain.model_fields_set == {"row", "col", "text", "origin"}
    assert plain == TableCell(row=0, col=1, row_span=1, col_span=1, text="12", origin=origin)
    spanning = TableCell.lean(row=0, col=1, text="12", origin=origin, col_span=2, header=True)
    assert spanning.model_fields_set == {"row", "col", "text", "origin", "col_span", "header"}
    assert (spanning.col_span, spanning.row_span, spanning.header) == (2, 1, True)


def test_a_figure_without_a_unit_leaves_the_unit_to_its_default() -> None:
    origin = TableCellOrigin(table=0, row=3, col=2)
    bare = Figure.lean(value=7, raw="7", unit=None, source="table", origin=origin)
    assert bare.model_fields_set == {"value", "raw", "source", "origin"}
    assert bare == Figure(value=7, raw="7", unit=None, source="table", origin=origin)
    blank = Figure.lean(value=None, raw="", unit="件", source="table", origin=origin)
    assert blank.model_fields_set == {"value", "raw", "unit", "source", "origin"}


def test_the_input_bytes_are_let_go_before_the_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    held = [(SAMPLES / "text" / "pingtan-2024.txt").read_bytes()]
    references: list[int] = []

    def counting(document: Document, source_name: str | None = None) -> object:
        # this list's slot and getrefcount's own argument: no one else holds the bytes
        references.append(sys.getrefcount(held[0]))
        return profile(document, source_name=source_name)

    monkeypatch.setattr(pipeline, "profile", counting)
    report = pipeline.convert_read(lambda: held[0], filename="pingtan-2024.txt")
    assert references == [2]
    assert report.source.bytes == len(held[0])


def test_the_pdf_lines_and_tables_are_let_go_as_their_models_are_made() -> None:
    lines = [
        TextLine(1, f"第{n}行", 72.0, 100.0 + 20 * n, 500.0, 112.0 + 20 * n, 12.0, False)
        for n in range(3)
    ]
    items: list[TextLine | RawTable] = list(lines)
    made = pdf._items(items)
    assert items == []
    assert made  # the lines became paragraphs


def test_the_worker_hands_back_the_json_text_as_utf8_bytes() -> None:
    path = SAMPLES / "html" / "report-2021.html"
    converted = convert_file(path)
    assert isinstance(converted.text, bytes)
    report = pipeline.convert_path(path)
    assert converted.text == to_json_bytes(report) == to_json(report).encode("utf-8")
    assert converted.json_text() == to_json(report)


def test_a_pdf_reads_the_same_through_the_worker_as_through_convert_bytes() -> None:
    path = SAMPLES / "real" / "hongze-2024.pdf"
    report = pipeline.convert_bytes(path.read_bytes(), filename=path.name)
    assert convert_file(path).text == to_json_bytes(report)
