"""Spreadsheets: .xlsx through openpyxl, legacy .xls through xlrd; every sheet, merges as spans.

openpyxl loads in its normal mode: read-only mode does not read `mergeCells` at all, and a
report's tables are mostly merged headers. The workbook is loaded once, with `data_only=True`
for the values Excel cached for its formulas. That mode cannot tell a formula whose cached
value is missing (a file written by a library, never opened in Excel) from an empty cell, so
before loading, the sheet parts that contain formulas are scanned for `<f>` without `<v>`:
each such cell is a `xlsx.formula_without_value` diagnostic, never a silent blank.

The same scan counts the cells each sheet really holds, and a workbook with more than
`MAX_CELLS` is refused before openpyxl builds a Python object per cell. Nothing is ever sized by
the `<dimension>` a sheet claims (`A1:XFD1048576` is 17 billion cells): cells are read from
openpyxl's store of the cells that exist, since its public iterators visit every coordinate
of the bounding box.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from nianbao.adapters._accepts import xlsx_accepts
from nianbao.adapters._damage import READER_ERRORS, ZIP_DAMAGE, refuse, stdlib_xml_damage
from nianbao.adapters._layout import Para, assemble, check_zip
from nianbao.adapters._sheet import MAX_CELLS, Rect, SheetData, printed, sheet_items
from nianbao.adapters.base import Adapter, AdapterResult
from nianbao.adapters.sniff import InputInfo
from nianbao.errors import DocumentLoadError, MissingDependencyError
from nianbao.schemas.model import Diagnostic, SheetOrigin, Table

_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="\$?(?P<col1>[A-Za-z]{1,7})\$?(?P<row1>\d{1,20})'
    rb'(?::\$?(?P<col2>[A-Za-z]{1,7})\$?(?P<row2>\d{1,20}))?"'
)
_MAX_ROWS, _MAX_COLUMNS = 1_048_576, 16_384  # XFD1048576: the format's own bounds
# Row numbers of at most 20 digits: int() of a 5,000-digit run would raise (Python's limit on
# converting digit strings); a longer one is left to openpyxl, which refuses it.
_MERGE = re.compile(
    rb'<(?:\w+:)?mergeCell\s+ref="([A-Za-z]{1,3})(\d{1,20}):([A-Za-z]{1,3})(\d{1,20})"\s*/>'
)
_SHARED_STRINGS_PART = re.compile(r"(?i)sharedstrings\d*\.xml$")
_SHARED_STRING = re.compile(rb"<(?:\w{1,16}:)?si[\s>/]")
_MAX_SHARED_STRINGS_BYTES = 256 * 2**20
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class XlsxAdapter(Adapter):
    name: ClassVar[str] = "xlsx"
    priority: ClassVar[float] = 0.0

    def accepts(self, head: bytes, info: InputInfo) -> bool:
        return xlsx_accepts(head, info)

    def convert(self, data: bytes, info: InputInfo) -> AdapterResult:
        if info.format == "ole2":
            sheets, diagnostics = _read_xls(data, info)
        else:
            check_zip(data, info.name, required_prefix="xl/", kind="XLSX")
            sheets, diagnostics = _read_xlsx(data, info)
        items: list[Para | Table] = []
        for sheet in sheets:
            sheet_blocks, hidden = sheet_items(sheet, info.name)
            items.extend(sheet_blocks)
            diagnostics.extend(hidden)
        if not items:
            raise DocumentLoadError("the workbook has no cells with values", source=info.name)
        return AdapterResult(document=assemble(items), diagnostics=diagnostics)


# --- .xlsx -----------------------------------------------------------------------------------


def _read_xlsx(data: bytes, info: InputInfo) -> tuple[list[SheetData], list[Diagnostic]]:
    try:
        # Imported on first use, like the other adapters' libraries (see docx._load).
        import openpyxl  # noqa: PLC0415
        from lxml import etree  # noqa: PLC0415
        from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415
    except ImportError as exc:
        raise MissingDependencyError(
            f"reading XLSX needs openpyxl ({exc}): pip install openpyxl", source=info.name
        ) from exc
    try:
        scan = _prescan(data, info, etree)
    except (*ZIP_DAMAGE, etree.XMLSyntaxError) as exc:
        raise refuse("XLSX", exc, info.name) from exc
    # openpyxl's error for a package that is not a workbook, and the plain Python errors its
    # readers let out on damaged parts (a shared-string index past the table is an IndexError,
    # a worksheet's broken XML the standard library's ParseError). Only openpyxl runs in this
    # `try`, so these cannot hide a bug of ours.
    damage = (
        InvalidFileException,
        OSError,  # "File contains no valid workbook part"
        etree.XMLSyntaxError,
        *stdlib_xml_damage(),
        *ZIP_DAMAGE,
        *READER_ERRORS,
        ArithmeticError,  # OverflowError, and ZeroDivisionError on a sector size of 0
    )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(scan.data), data_only=True)
    except damage as exc:
        raise refuse("XLSX", exc, info.name) from exc
    sheets: list[SheetData] = []
    diagnostics: list[Diagnostic] = []
    for worksheet in workbook.worksheets:
        sheet = _openpyxl_sheet(worksheet)
        sheet.merges.extend(scan.merges.get(worksheet.title, []))
        sheets.append(sheet)
        diagnostics.extend(
            Diagnostic(
                code="xlsx.formula_without_value",
                severity="warning",
                message=f"sheet {worksheet.title!r}, cell {ref}: a formula with no cached "
                "value (the file was never recalculated); read as blank",
                origin=SheetOrigin(sheet=worksheet.title, cell_range=ref),
            )
            for ref in scan.missing.get(worksheet.title, [])
        )
        if worksheet.title in scan.claims:
            diagnostics.append(
                Diagnostic(
                    code="xlsx.dimension_claim",
                    severity="warning",
                    message=f"sheet {worksheet.title!r} claims the range "
                    f"{scan.claims[worksheet.title]}; only the cells that exist are read",
                    origin=SheetOrigin(sheet=worksheet.title, cell_range="A1"),
                )
            )
    workbook.close()
    return sheets, diagnostics


def _openpyxl_sheet(worksheet: Any) -> SheetData:
    cells: dict[tuple[int, int], str] = {}
    # `_cells` holds only the cells the file wrote; iter_rows() would create the rest.
    for (row, col), cell in worksheet._cells.items():
        text = printed(cell.value, cell.number_format or "General").strip()
        if text:
            cells[(row - 1, col - 1)] = text
    merges = [
        (m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
        for m in worksheet.merged_cells.ranges
    ]
    hidden_rows = {r - 1 for r, dim in worksheet.row_dimensions.items() if dim.hidden}
    used = {c for _, c in cells}
    hidden_cols: set[int] = set()
    for dim in worksheet.column_dimensions.values():
        if dim.hidden and dim.min is not None and dim.max is not None:
            # A hidden column group may claim all 16384 columns; keep those that hold values.
            hidden_cols.update(c - 1 for c in range(dim.min, dim.max + 1) if c - 1 in used)
    return SheetData(
        name=worksheet.title,
        cells=cells,
        merges=merges,
        hidden=worksheet.sheet_state != "visible",
        hidden_rows=hidden_rows,
        hidden_cols=hidden_cols,
    )


@dataclass
class _Prescan:
    data: bytes  # the workbook, its vast merges taken out if it had any
    missing: dict[str, list[str]] = field(default_factory=dict)  # formula cells without value
    merges: dict[str, list[Rect]] = field(default_factory=dict)  # the merges taken out
    claims: dict[str, str] = field(default_factory=dict)  # vast <dimension> claims, by sheet


def _check_dimension(xml: bytes, sheet: str, cells: int, scan: _Prescan, info: InputInfo) -> None:
    """A sheet's `<dimension>` claim beyond what a workbook can hold is refused: the file is
    not a valid workbook, whatever wrote it. A vast claim within those bounds costs nothing
    (only the cells that exist are read) but is noted, since the claim and the cells disagree."""
    match = _DIMENSION.search(xml, 0, 4096)  # the claim stands before the sheet's data
    if match is None:
        return
    ref = match.group(0).split(b'"')[1].decode()
    last_col, last_row = match["col2"] or match["col1"], match["row2"] or match["row1"]
    rows, columns = int(last_row), _col(last_col.decode()) + 1
    if rows > _MAX_ROWS or columns > _MAX_COLUMNS:
        raise DocumentLoadError(
            f"refused: sheet {sheet!r} claims the range {ref}, beyond the {_MAX_ROWS:,} rows "
            f"and {_MAX_COLUMNS:,} columns a workbook can have; not a valid XLSX",
            source=info.name,
        )
    if rows * columns > MAX_CELLS and rows * columns > 100 * max(cells, 1):
        scan.claims[sheet] = f"{ref} ({rows * columns:,} cells) but holds {cells:,}"


def _prescan(data: bytes, info: InputInfo, etree: Any) -> _Prescan:
    """What openpyxl cannot be trusted with, found before it sees the file: the cell count
    (refused past MAX_CELLS), formulas without cached values, and merges that together cover
    more than MAX_CELLS positions, which openpyxl would fill with one object per position
    (`A1:XFD1048576` is 17 billion). Those merges are taken out of the XML and returned, to be
    applied by `sheet_items`, which clamps them to the cells that exist."""
    scan = _Prescan(data)
    rewrites: dict[str, bytes] = {}
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        _check_shared_strings(archive, info)
        for name, part in _sheet_parts(archive, etree):
            xml = _read(archive, part)
            cells = len(_CELL.findall(xml))
            total += cells
            _check_dimension(xml, name, cells, scan, info)
            if total > MAX_CELLS:
                raise DocumentLoadError(
                    f"refused: the workbook holds more than {MAX_CELLS:,} cells", source=info.name
                )
            if _FORMULA.search(xml):
                scan.missing[name] = list(_missing_values(xml, etree))
            merges = [_rect(match) for match in _MERGE.finditer(xml)]
            if sum((m[2] - m[0] + 1) * (m[3] - m[1] + 1) for m in merges) > MAX_CELLS:
                scan.merges[name] = merges
                rewrites[part] = _MERGE.sub(b"", xml)
        if rewrites:
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
                for member in archive.infolist():
                    target.writestr(member, rewrites.get(member.filename) or _read(archive, member))
            scan.data = out.getvalue()
    return scan


def _check_shared_strings(archive: zipfile.ZipFile, info: InputInfo) -> None:
    """Refuse a shared-strings table of more than MAX_CELLS strings, or larger than
    `_MAX_SHARED_STRINGS_BYTES`, before openpyxl makes a Python string of each: half a megabyte
    of deflated `<si><t>a</t></si>` is 28 million of them. Counted as it inflates, a chunk at
    a time, so the count costs no more memory than a chunk."""
    for member in archive.infolist():
        if not _SHARED_STRINGS_PART.search(member.filename):
            continue
        if member.file_size > _MAX_SHARED_STRINGS_BYTES:
            raise DocumentLoadError(
                f"refused: the shared-strings table inflates to {member.file_size / 2**20:.0f} "
                f"MiB (limit {_MAX_SHARED_STRINGS_BYTES / 2**20:.0f} MiB)",
                source=info.name,
            )
        count, tail = 0, b""
        for chunk in _chunks(archive, member):
            window = tail + chunk
            # an entry begun in the previous chunk's tail and ended in this one is counted
            # now; one wholly in the tail was counted with the previous chunk
            count += sum(1 for m in _SHARED_STRING.finditer(window) if m.end() > len(tail))
            tail = window[-24:]
            if count > MAX_CELLS:
                raise DocumentLoadError(
                    f"refused: the shared-strings table holds more than {MAX_CELLS:,} strings",
                    source=info.name,
                )


def _read(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo) -> bytes:
    """A member's bytes. zipfile raises ValueError on a local header whose offset points
    before the file's start: damage, passed on as the BadZipFile it is."""
    try:
        return archive.read(member)
    except ValueError as exc:
        raise zipfile.BadZipFile(f"a member's header is damaged ({exc})") from exc


def _chunks(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes as they inflate, a MiB at a time; damage as in `_read`."""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(2**20):
                yield chunk
    except ValueError as exc:
        raise zipfile.BadZipFile(f"a member's header is damaged ({exc})") from exc


def _rect(match: re.Match[bytes]) -> Rect:
    first_col, first_row, last_col, last_row = (g.decode() for g in match.groups())
    return (int(first_row) - 1, _col(first_col), int(last_row) - 1, _col(last_col))


def _col(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def _missing_values(xml: bytes, etree: Any) -> Iterator[str]:
    cells = etree.iterparse(
        io.BytesIO(xml), tag=f"{_MAIN}c", resolve_entities=False, no_network=True
    )
    for _, cell in cells:
        value = cell.find(f"{_MAIN}v")
        # openpyxl and other writers leave an empty <v/>; an empty text result is `t="str"`.
        cached = value is not None and (value.text or cell.get("t") == "str")
        if cell.find(f"{_MAIN}f") is not None and not cached:
            yield cell.get("r", "?")
        cell.clear()


def _sheet_parts(archive: zipfile.ZipFile, etree: Any) -> Iterator[tuple[str, str]]:
    """(sheet name, zip member) for each worksheet, as the workbook part lists them."""
    try:
        # Entities unresolved, no network: a hostile workbook must not make us read files.
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        workbook = etree.fromstring(_read(archive, "xl/workbook.xml"), parser)
        rels = etree.fromstring(_read(archive, "xl/_rels/workbook.xml.rels"), parser)
    except (KeyError, etree.XMLSyntaxError):
        return  # openpyxl will say what is wrong with the package
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG_REL}Relationship")}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        part = posixpath.normpath(part)
        if part in archive.namelist():
            yield sheet.get("name", ""), part


# --- .xls ------------------------------------------------------------------------------------


def _read_xls(data: bytes, info: InputInfo) -> tuple[list[SheetData], list[Diagnostic]]:
    try:
        import xlrd  # noqa: PLC0415
    except ImportError as exc:
        raise MissingDependencyError(
            f"reading legacy .xls needs xlrd ({exc}): pip install xlrd", source=info.name
        ) from exc
    # xlrd's own errors, and the plain Python errors its BIFF and compound-file readers let out
    # on damaged records (a record cut short is a struct.error, a broken invariant an
    # AssertionError). Only xlrd runs in these `try`s, so these cannot hide a bug of ours.
    damage = (
        xlrd.XLRDError,
        xlrd.compdoc.CompDocError,
        struct.error,
        AssertionError,
        *READER_ERRORS,  # an unknown code page ("cp1202") is a LookupError
        ArithmeticError,  # OverflowError, and ZeroDivisionError on a sector size of 0
        EOFError,
        RecursionError,
    )
    try:
        # formatting_info for the merged cells and number formats; on_demand loads one sheet
        # at a time, so a large workbook is never held twice.
        # xlrd writes its warnings to stdout, where a report may be going: kept apart.
        book = xlrd.open_workbook(
            file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO()
        )
    except damage as exc:
        raise refuse(".xls workbook", exc, info.name) from exc
    sheets = []
    total = 0
    for index in range(book.nsheets):
        try:
            sheet = book.sheet_by_index(index)
        except damage as exc:
            raise refuse(".xls workbook", exc, info.name) from exc
        total += sheet.nrows * sheet.ncols  # .xls caps a sheet at 65536 x 256
        if total > MAX_CELLS:
            raise DocumentLoadError(
                f"refused: the workbook holds more than {MAX_CELLS:,} cells", source=info.name
            )
        sheets.append(_xlrd_sheet(book, sheet, xlrd))
        book.unload_sheet(index)
    return sheets, []


def _xlrd_sheet(book: Any, sheet: Any, xlrd: Any) -> SheetData:
    cells: dict[tuple[int, int], str] = {}
    for r in range(sheet.nrows):
        for c, cell in enumerate(sheet.row(r)):
            text = _xlrd_text(book, cell, xlrd).strip()
            if text:
                cells[(r, c)] = text
    merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells]
    hidden_rows = {r for r, row in sheet.rowinfo_map.items() if row.hidden}
    hidden_cols = {c for c, col in sheet.colinfo_map.items() if col.hidden}
    return SheetData(sheet.name, cells, merges, sheet.visibility != 0, hidden_rows, hidden_cols)


def _xlrd_text(book: Any, cell: Any, xlrd: Any) -> str:
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return str(xlrd.error_text_from_code.get(cell.value, "#ERR"))
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return printed(bool(cell.value))
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return printed(xlrd.xldate_as_datetime(cell.value, book.datemode))
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return printed(cell.value)
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        # A damaged file may point a cell at a format record it lacks: shown as General.
        xf = book.xf_list[cell.xf_index] if 0 <= cell.xf_index < len(book.xf_list) else None
        fmt = book.format_map.get(xf.format_key) if xf is not None else None
        return printed(cell.value, fmt.format_str if fmt is not None else "General")
    return str(cell.value)
