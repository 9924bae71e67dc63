"""Rows of a 2008-era 统计表 (统计指标 | 单位 | 统计数) as indicators with their hierarchy.

The hierarchy comes from the numbering: 一、 › （一） › 1. › （1）. A row without numbering
(其中：…, or 镇政府门户网站 under 八、开通政府信息公开网站数) belongs to the numbered row above
it, and the unnumbered rows that follow a 其中 row are its siblings.
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.convert.annual_report.grids import Logical, Row
from nianbao.convert.annual_report.labels import compact, core, numbering
from nianbao.forms import FORMS
from nianbao.schemas.model import Indicator, Origin, TableCell
from nianbao.text.numbers import parse_value


@dataclass(frozen=True)
class Numbered:
    """An indicator with what the checks need: its depth and whether it is numbered."""

    indicator: Indicator
    depth: float
    numbered: bool
    parent: int | None  # index into the list of `Numbered`


@dataclass(frozen=True)
class Entry:
    """A row as read, before its place in the hierarchy is known."""

    label: str
    unit: str | None
    value: float | int | None
    raw: str
    origin: Origin
    # The row's depth when its reader knows it (the flat 统计表: unnumbered rows are the top);
    # None: from its numbering, an unnumbered row under the numbered row above it.
    depth: float | None = None


def indicators(table: Logical, first_index: int = 0) -> list[Numbered]:
    """The table's rows as indicators; `first_index` is where they stand in the report's list
    of every 统计表's rows (a `Numbered.parent` indexes that list)."""
    unit_col, value_col, first_row = _columns(table)
    entries: list[Entry] = []
    for row in table.rows[first_row:]:
        label_cell = row.cells[0]
        if label_cell is None or not label_cell.text.strip():
            continue
        value_cell = _cell(row, value_col, label_cell)
        unit_cell = _cell(row, unit_col, label_cell)
        raw = value_cell.text.strip() if value_cell is not None else ""
        parsed = parse_value(raw)
        unit = compact(unit_cell.text) if unit_cell is not None else ""
        entries.append(
            Entry(
                label=compact(label_cell.text),
                unit=unit or parsed.unit,
                value=parsed.value,
                raw=raw,
                origin=row.origin(value_cell or label_cell),
            )
        )
    return arrange(entries, first_index)


def arrange(entries: list[Entry], first_index: int = 0) -> list[Numbered]:
    """The entries as indicators, each under the numbered row it belongs to; `first_index` as
    for `indicators`."""
    out: list[Numbered] = []
    stack: list[tuple[float, int]] = []  # (depth, index into out)
    last_numbered_depth = 0.0
    for entry in entries:
        printed = numbering(entry.label)
        if entry.depth is not None:
            depth = entry.depth
        elif printed is not None:
            depth = float(printed[0])
            last_numbered_depth = depth
        else:
            depth = last_numbered_depth + 0.5
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parent = first_index + stack[-1][1] if stack else None
        indicator = Indicator(
            path=[out[i].indicator.label for _, i in stack],
            label=entry.label,
            unit=entry.unit,
            value=entry.value,
            raw=entry.raw,
            origin=entry.origin,
        )
        out.append(Numbered(indicator, depth, printed is not None, parent))
        stack.append((depth, len(out) - 1))
    return out


def _cell(row: Row, col: int | None, label: TableCell) -> TableCell | None:
    if col is None or col >= len(row.cells):
        return None
    cell = row.cells[col]
    return None if cell is label else cell


def _columns(table: Logical) -> tuple[int | None, int | None, int]:
    """Unit column, value column, first data row: from the header, else the usual layout."""
    spec = FORMS.statistics
    unit_headers = spec.unit_headers if spec else ()
    value_headers = spec.value_headers if spec else ()
    for index, row in enumerate(table.rows[:3]):
        cores = [core(c.text) if c is not None else "" for c in row.cells]
        if any(c in unit_headers for c in cores):
            unit = next(i for i, c in enumerate(cores) if c in unit_headers)
            value = next((i for i, c in enumerate(cores) if c in value_headers), table.n_cols - 1)
            return unit, value, index + 1
    if table.n_cols >= 3:
        return table.n_cols - 2, table.n_cols - 1, 0
    return None, table.n_cols - 1, 0
