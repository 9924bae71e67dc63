"""The XLSX adapter (and .xls through xlrd) on workbooks made with openpyxl and LibreOffice.

openpyxl writes formulas without cached values, as any library does; where a test needs a
cached value it is written into the sheet XML, where Excel would have put it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

import nianbao
from nianbao.adapters import xlsx as xlsx_adapter
from nianbao.adapters._sheet import printed
from nianbao.schemas.model import Report, SheetOrigin, Table
from tests.fixtures import report2021

FIXTURES = Path(__file__).resolve().parent / "fixtures"
_SHEET1 = "xl/worksheets/sheet1.xml"


def _grid(table: Table) -> list[list[str | None]]:
    return [[cell.text if cell else None for cell in row] for row in table.grid()]


def _save(workbook: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _patch(data: bytes, member: str, edit: Callable[[str], str]) -> bytes:
    """The workbook with one part's XML rewritten."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                content = edit(content.decode()).encode()
            target.writestr(info, content)
    return out.getvalue()


def _convert(data: bytes, name: str = "book.xlsx") -> Report:
    return nianbao.convert_document(data, filename=name)


def _codes(report: Report) -> list[str]:
    return [d.code for d in report.diagnostics]


# --- the sample report ---------------------------------------------------------------------------


def test_sample_tables_have_their_merged_ranges_and_sheet_origins() -> None:
    report = nianbao.convert_document(report2021.SAMPLE_XLSX)
    tables = report.document.tables
    assert [(t.n_rows, t.n_cols, t.method) for t in tables] == [
        (14, 4, "sheet"),
        (28, 10, "sheet"),
        (4, 15, "sheet"),
    ]
    applications = tables[1]
    assert applications.origin == SheetOrigin(sheet="年报", cell_range="A22:J49")
    corner = applications.grid()[0][0]
    assert corner is not None and (corner.row_span, corner.col_span) == (3, 3)
    assert corner.origin == SheetOrigin(sheet="年报", cell_range="A22:C24")
    vertical = applications.grid()[5][0]
    assert vertical is not None and vertical.row_span == 22
    assert vertical.origin == SheetOrigin(sheet="年报", cell_range="A27:A48")
    headings = [b.text for b in report.document.blocks if b.kind == "heading"]
    assert headings == list(report2021.HEADINGS[1:4])
    assert report.document.title == report2021.TITLE


def test_legacy_xls_made_by_libreoffice_reads_like_the_xlsx() -> None:
    xls = nianbao.convert_document(FIXTURES / "report-2021.xls")
    assert (xls.source.format, xls.source.adapter) == ("ole2", "xlsx")
    reference = nianbao.convert_document(report2021.SAMPLE_XLSX)
    assert [_grid(t) for t in xls.document.tables] == [_grid(t) for t in reference.document.tables]
    assert [t.origin for t in xls.document.tables] == [t.origin for t in reference.document.tables]


# --- values --------------------------------------------------------------------------------------


def test_formulas_read_their_cached_values_and_flag_the_missing_ones() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"], sheet["B1"], sheet["C1"] = "项目", "数量", "金额"
    sheet["A2"], sheet["B2"], sheet["C2"] = "甲", 1, 2.5
    sheet["A3"], sheet["B3"], sheet["C3"] = "乙", 2, 4
    sheet["A4"], sheet["B4"], sheet["C4"] = "合计", "=SUM(B2:B3)", "=SUM(C2:C3)"
    data = _save(workbook)
    # As Excel would have saved B4: formula and cached value. C4 stays as openpyxl wrote it.
    data = _patch(
        data, _SHEET1, lambda xml: xml.replace("<f>SUM(B2:B3)</f>", "<f>SUM(B2:B3)</f><v>3</v>")
    )
    report = _convert(data)
    (table,) = report.document.tables
    assert _grid(table)[3] == ["合计", "3", ""]
    missing = [d for d in report.diagnostics if d.code == "xlsx.formula_without_value"]
    assert [d.origin for d in missing] == [SheetOrigin(sheet="Sheet", cell_range="C4")]


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (12, "General", "12"),
        (12.0, "General", "12"),
        (0.1 + 0.2, "General", "0.3"),
        (7730.28, "0.00", "7730.28"),
        (7730.0, "0.00", "7730.00"),
        (1234567, "#,##0", "1,234,567"),
        (0.125, "0.0%", "12.5%"),
        (-3, "0;[Red]-0", "-3"),
        (dt.datetime(2024, 1, 31), "yyyy-mm-dd", "2024-01-31"),
        (True, "General", "TRUE"),
        ("22（其中修订16件）", "@", "22（其中修订16件）"),
    ],
)
def test_numbers_as_printed(value: object, number_format: str, text: str) -> None:
    assert printed(value, number_format) == text


def test_cells_in_the_workbook_print_as_their_formats_show_them() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["收费", "件数"])
    sheet.append([7730.28, 12.0])
    sheet["A2"].number_format = "0.00"
    (table,) = _convert(_save(workbook)).document.tables
    assert _grid(table) == [["收费", "件数"], ["7730.28", "12"]]


# --- sheets, blocks, hidden things ---------------------------------------------------------------


def test_every_sheet_and_every_block_is_read_and_hidden_parts_are_flagged() -> None:
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.title = "表一"
    first.append(["甲", "1"])
    first.append(["乙", "2"])
    first.append([])
    first.append(["丙", "3", None, "丁", "4"])  # beyond an empty row: a second table ...
    first.append(["戊", "5", None, "己", "6"])  # ... and past an empty column, a third
    first.row_dimensions[2].hidden = True
    hidden = workbook.create_sheet("备用")
    hidden.append(["庚", "7"])
    hidden.append(["辛", "8"])
    hidden.sheet_state = "hidden"
    report = _convert(_save(workbook))
    assert [_grid(t) for t in report.document.tables] == [
        [["甲", "1"], ["乙", "2"]],
        [["丙", "3"], ["戊", "5"]],
        [["丁", "4"], ["己", "6"]],
        [["庚", "7"], ["辛", "8"]],
    ]
    assert [t.origin for t in report.document.tables] == [
        SheetOrigin(sheet="表一", cell_range="A1:B2"),
        SheetOrigin(sheet="表一", cell_range="A4:B5"),
        SheetOrigin(sheet="表一", cell_range="D4:E5"),
        SheetOrigin(sheet="备用", cell_range="A1:B2"),
    ]
    hidden_rows = [d for d in report.diagnostics if d.code == "xlsx.hidden_rows"]
    assert [d.origin for d in hidden_rows] == [SheetOrigin(sheet="表一", cell_range="2:2")]
    assert "xlsx.hidden_sheet" in _codes(report)


# --- hostile and broken files --------------------------------------------------------------------


def _claiming_everything(data: bytes) -> bytes:
    """A sheet that claims the whole grid: dimension A1:XFD1048576, a cell in the last one."""

    def edit(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml)
        last_row = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>尾</t></is></c></row>'
        return xml.replace("</sheetData>", last_row + "</sheetData>")

    return _patch(data, _SHEET1, edit)


def test_a_billion_cell_dimension_claim_costs_nothing() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["项目", "数量"])
    sheet.append(["申请", 3])
    data = _patch(
        _claiming_everything(_save(workbook)),
        _SHEET1,  # a merge as large as the claim, which openpyxl would fill cell by cell
        lambda xml: xml.replace(
            "</sheetData>",
            '</sheetData><mergeCells count="1"><mergeCell ref="C1:XFD1048576"/></mergeCells>',
        ),
    )
    start = time.perf_counter()
    report = _convert(data)
    assert time.perf_counter() - start < 5
    (table,) = report.document.tables
    assert _grid(table) == [["项目", "数量"], ["申请", "3"]]
    # 尾 sits under the merge, where Excel does not show it either
    assert "尾" not in [b.text for b in report.document.blocks]
    (claim,) = [d for d in report.diagnostics if d.code == "xlsx.dimension_claim"]
    assert "A1:XFD1048576 (17,179,869,184 cells)" in claim.message


def test_more_real_cells_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_adapter, "MAX_CELLS", 50)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in range(20):
        sheet.append([row, row, row])
    with pytest.raises(nianbao.DocumentLoadError, match="more than 50 cells") as caught:
        _convert(_claiming_everything(_save(workbook)), "huge.xlsx")
    assert "huge.xlsx" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (b"PK\x03\x04" + bytes(300), nianbao.DocumentLoadError, "zip is corrupt"),
        (bytes(range(256)) * 4, nianbao.UnsupportedFormatError, "binary"),
        (
            _patch(_save(openpyxl.Workbook()), "xl/workbook.xml", lambda _: "<broken"),
            nianbao.DocumentLoadError,
            "XLSX",
        ),
    ],
    ids=["corrupt-zip", "not-a-zip", "broken-workbook-part"],
)
def test_bad_files_fail_with_the_file_name(
    data: bytes, error: type[nianbao.NianbaoError], message: str
) -> None:
    with pytest.raises(error, match=message) as caught:
        _convert(data, "broken-report.xlsx")
    assert "broken-report.xlsx" in str(caught.value)
