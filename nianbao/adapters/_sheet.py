"""Spreadsheet cells to blocks, whichever library read them (openpyxl for .xlsx, xlrd for .xls).

Each block of non-empty cells, bounded by fully empty rows and columns, is a table; a block of
a single cell (a title, a heading above a table) is a paragraph. Blocks are found by cutting
along empty rows and columns in turn (an X-Y cut) over the cells that exist, so the work is in
proportion to the cells written, never to the sheet's declared or merged extent.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from nianbao.adapters._layout import MAX_TABLE_AREA, Para, Placed, make_table
from nianbao.errors import DocumentLoadError
from nianbao.schemas.model import Diagnostic, SheetOrigin, Table

#: Cells (with a value or not) a workbook may hold before we refuse it: annual reports have a
#: few hundred; a million is a data dump, or a file built to exhaust memory.
MAX_CELLS = 1_000_000

Rect = tuple[int, int, int, int]  # first row, first col, last row, last col; 0-based, inclusive


@dataclass
class SheetData:
    name: str
    cells: dict[tuple[int, int], str]  # (row, col) -> the text as printed; non-empty only
    merges: list[Rect] = field(default_factory=list)
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)


def a1(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def a1_range(rect: Rect) -> str:
    first, last = a1(rect[0], rect[1]), a1(rect[2], rect[3])
    return first if first == last else f"{first}:{last}"


def sheet_items(sheet: SheetData, source: str) -> tuple[list[Para | Table], list[Diagnostic]]:
    """The sheet's paragraphs and tables in reading order, and what is hidden in it."""
    # A value under a merge, other than at its top-left, is not shown: Excel keeps only the
    # top-left value when cells are merged.
    inside = _covered(sheet.cells, sheet.merges)
    visible = [pos for pos in sheet.cells if pos not in inside]
    if not visible:
        return [], _hidden(sheet)
    rows = [r for r, _ in visible]
    cols = [c for _, c in visible]
    bounds = (min(rows), min(cols), max(rows), max(cols))
    # A merge reaching past every value (A1:XFD1048576) is clamped to where the values are.
    merges = [m for m in (_clamp(m, bounds) for m in sheet.merges) if m is not None]
    merged_at = {(m[0], m[1]): m for m in merges}
    rects = [merged_at.get(pos, (*pos, *pos)) for pos in visible]
    rects += [m for m in merges if (m[0], m[1]) not in sheet.cells]
    items: list[Para | Table] = []
    for block in sorted(_xy_cut(rects), key=lambda b: (_box(b)[0], _box(b)[1])):
        box = _box(block)
        valued = [rect for rect in block if (rect[0], rect[1]) in sheet.cells]
        origin = SheetOrigin(sheet=sheet.name, cell_range=a1_range(box))
        if len(block) == 1 and valued:
            items.append(Para(sheet.cells[(box[0], box[1])], origin))
            continue
        if (box[2] - box[0] + 1) * (box[3] - box[1] + 1) > MAX_TABLE_AREA:
            raise DocumentLoadError(
                f"sheet {sheet.name!r}: a table of {a1_range(box)} is too large to read",
                source=source,
            )
        items.append(_table(sheet, block, box, origin))
    return items, _hidden(sheet)


def _table(sheet: SheetData, block: Sequence[Rect], box: Rect, origin: SheetOrigin) -> Table:
    """Every position of the block is a cell, as on screen: blank ones have empty text."""
    placed = {(rect[0], rect[1]): rect for rect in block}
    covered = {
        (r, c)
        for rect in block
        for r in range(rect[0], rect[2] + 1)
        for c in range(rect[1], rect[3] + 1)
    }
    for r in range(box[0], box[2] + 1):
        for c in range(box[1], box[3] + 1):
            if (r, c) not in covered:
                placed[(r, c)] = (r, c, r, c)
    cells = [
        Placed(
            row=rect[0] - box[0],
            col=rect[1] - box[1],
            text=sheet.cells.get((rect[0], rect[1]), ""),
            origin=SheetOrigin(sheet=sheet.name, cell_range=a1_range(rect)),
            row_span=rect[2] - rect[0] + 1,
            col_span=rect[3] - rect[1] + 1,
        )
        for rect in sorted(placed.values())
    ]
    return make_table(cells, method="sheet", origin=origin)


def _clamp(rect: Rect, bounds: Rect) -> Rect | None:
    clamped = (
        max(rect[0], bounds[0]),
        max(rect[1], bounds[1]),
        min(rect[2], bounds[2]),
        min(rect[3], bounds[3]),
    )
    return clamped if clamped[0] <= clamped[2] and clamped[1] <= clamped[3] else None


def _covered(cells: dict[tuple[int, int], str], merges: list[Rect]) -> set[tuple[int, int]]:
    """Cells that a merge hides (all but its top-left), found row by populated row: a merge's
    area may be vast, the rows that hold cells are not."""
    populated = sorted({r for r, _ in cells})
    by_row: dict[int, list[Rect]] = {}
    for m in merges:
        for r in populated[bisect_left(populated, m[0]) : bisect_right(populated, m[2])]:
            by_row.setdefault(r, []).append(m)
    return {
        (r, c)
        for r, c in cells
        if any(m[1] <= c <= m[3] and (r, c) != (m[0], m[1]) for m in by_row.get(r, ()))
    }


def _box(rects: Sequence[Rect]) -> Rect:
    return (
        min(r[0] for r in rects),
        min(r[1] for r in rects),
        max(r[2] for r in rects),
        max(r[3] for r in rects),
    )


def _xy_cut(rects: list[Rect]) -> list[list[Rect]]:
    for axis in (0, 1):
        bands = _bands(rects, axis)
        if len(bands) > 1:
            return [block for band in bands for block in _xy_cut(band)]
    return [rects]


def _bands(rects: list[Rect], axis: int) -> list[list[Rect]]:
    """Groups of rects separated by at least one empty row (axis 0) or column (axis 1)."""
    ordered = sorted(rects, key=lambda r: r[axis])
    bands: list[list[Rect]] = []
    reach = -2
    for rect in ordered:
        if rect[axis] > reach + 1:
            bands.append([])
        bands[-1].append(rect)
        reach = max(reach, rect[axis + 2])
    return bands


def _hidden(sheet: SheetData) -> list[Diagnostic]:
    diagnostics = []
    if sheet.hidden:
        diagnostics.append(
            Diagnostic(
                code="xlsx.hidden_sheet",
                severity="warning",
                message=f"sheet {sheet.name!r} is hidden; its cells are read like the others",
                origin=SheetOrigin(sheet=sheet.name, cell_range="A1"),
            )
        )
    for what, hidden, axis in (("rows", sheet.hidden_rows, 0), ("columns", sheet.hidden_cols, 1)):
        used = sorted(i for i in hidden if any(pos[axis] == i for pos in sheet.cells))
        for first, last in _runs(used):
            rect = (first, 0, last, 0) if axis == 0 else (0, first, 0, last)
            shown = a1_range(rect)
            shown = f"{first + 1}:{last + 1}" if axis == 0 else re.sub(r"\d+", "", shown)
            diagnostics.append(
                Diagnostic(
                    code=f"xlsx.hidden_{what}",
                    severity="warning",
                    message=f"sheet {sheet.name!r}: hidden {what} {shown} hold values; "
                    "they are read like the others",
                    origin=SheetOrigin(sheet=sheet.name, cell_range=shown),
                )
            )
    return diagnostics


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


# --- values as printed -----------------------------------------------------------------------

_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


def printed(value: object, number_format: str = "General") -> str:
    """A cell's value as the spreadsheet shows it: 12 not 12.0, 7730.28 for `0.00`, 12% for
    `0%`, thousands separators where the format asks; dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float):
        return _number(float(value) if isinstance(value, float) else value, number_format)
    return str(value)


def _number(value: int | float, number_format: str) -> str:
    section = _QUOTED.sub("", number_format.split(";", maxsplit=1)[0])
    if section.lower() in ("general", "@", "") or not re.search(r"[0#?]", section):
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g") if isinstance(value, float) else str(value)
    percent = "%" in section
    if percent:
        value = value * 100
    integer, _, fraction = section.partition(".")
    decimals = len(re.findall(r"[0#?]", fraction.split("%")[0].split("E")[0]))
    grouping = "," if "," in integer else ""
    text = f"{value:{grouping}.{decimals}f}"
    return text + ("%" if percent else "")
