"""Layout frames: a ruled box whose cells hold the page's flow, not a table's labels and figures.

Sites lay a page out in a table with borders (a navigation column beside a content cell that
holds the title, the headings, the prose and the report's tables), and a browser prints it as
ruled boxes around everything. A data table's cell holds a label or a figure, never a whole
table: a ruled box one of whose cells holds a table is a frame (the HTML adapter's rule for
layout tables, `_html_read._is_layout`, read off the drawing). Its cells are the page's text,
each cell's lines read on their own (a navigation column must not run into the lines beside
it) and in the frame's reading order, left before right in a band; the tables inside are tables.

A table drawn flush against the frame's walls shares their rules, so the ruling finds it as
part of the frame: the frame's other cells within the columns of a cell that holds a table are
that table's (the content column's), grouped into tables again by their corners; the rest (a
navigation column, a header band) are the frame's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from nianbao.adapters._pdf_lattice import group_cells
from nianbao.adapters._pdf_tables import BBox, RawTable, accept, from_boxes, is_prose, rounded
from nianbao.adapters._pdf_text import Char, Edges, TextLine, group_lines
from nianbao.schemas.model import TableMethod
from nianbao.text.numbers import is_figure

_HOLD_TOLERANCE = 2.0  # a table this close to a cell's side is inside it (shared rules)

#: Where an item is read in its page's order: the top and left of the frame cell it lies in.
Place = tuple[float, float]


@dataclass
class Framed:
    """A page's tables with its frames taken apart, and the frames' own cells."""

    tables: list[RawTable]
    frame_cells: list[BBox] = field(default_factory=list)


def take_apart(
    boxes: Sequence[list[BBox]], chars: Sequence[Char], page: int, method: TableMethod
) -> Framed:
    """The tables of a page's cell `boxes`, a frame's own cells kept apart from them."""
    built = [
        (cells, t)
        for cells in boxes
        if (t := from_boxes(cells, chars, page, method=method)) is not None
    ]
    data = [t.bbox for _, t in built if accept(t)]
    framed = Framed([])
    for cells, table in built:
        parts = _frame_parts(cells, table, data, chars, method)
        if parts is None:
            framed.tables.append(table)
            continue
        tables, own = parts
        framed.tables.extend(tables)
        framed.frame_cells.extend(own)
    return framed


def _frame_parts(
    cells: list[BBox],
    table: RawTable,
    data: Sequence[BBox],
    chars: Sequence[Char],
    method: TableMethod,
) -> tuple[list[RawTable], list[BBox]] | None:
    """The tables inside the frame that `cells` draw, and the frame's own cells; None when
    they are a table. What makes a frame, the first that holds:

    - a cell holds a whole other table;
    - a cell holds prose (sentences, as `is_prose`) over a grid of labels and figures drawn
      within its columns: a table's cells are labels and figures, and a note row under a table
      is text beside it, not one of its rows;
    - a cell runs the whole height of the ruling at its side, and without it the other cells
      make more than one grid: the grids of one table meet each other, they are not joined
      only by a box drawn around them all;
    - such a cell is blank and the grid beside it opens or ends with a heading across it
      (`_heading_row`): a blank cell down the whole side labels no row, and a heading is no
      table's row. A table continued from the page before has such a blank cell too, under
      its label that spans rows, but rows of figures beside it: it stays a table."""
    holders = [c for c in cells if any(_holds(c, d) for d in data if d != table.bbox)]
    if not holders:
        texts = {cell.bbox: cell.text for cell in table.cells}
        holders = [c for c in cells if is_prose(texts.get(rounded(c), ""))]
        parts = _parts(cells, holders, chars, table.pages[0], method)
        if parts is not None and any(accept(t) for t in parts[0]):
            return parts
        holders = [c for c in cells if _full_height(c, table.bbox)]
        walls = _parts(cells, holders, chars, table.pages[0], method, beside=True)
        if walls is None:
            return None
        tables, own = walls
        blank = any(not texts.get(rounded(c)) for c in holders)
        headed = len(own) > len(holders)  # cells beside the walls no table took: a heading
        return walls if len(tables) > 1 or (blank and headed) else None
    return _parts(cells, holders, chars, table.pages[0], method)


def _parts(
    cells: list[BBox],
    holders: list[BBox],
    chars: Sequence[Char],
    page: int,
    method: TableMethod,
    *,
    beside: bool = False,
) -> tuple[list[RawTable], list[BBox]] | None:
    """The frame's tables and own cells, its `holders` being its own: the tables are the other
    cells within the holders' columns (all the other cells, `beside` them), grouped again by
    their corners; the cells in no group are the frame's too, and so is a row across the
    whole content column at a group's top or foot that holds no figure (a heading between the
    frame's tables, drawn within the rules of the table under it)."""
    if not holders:
        return None
    inner = [
        c
        for c in cells
        if c not in holders and (beside or any(_within_columns(c, h) for h in holders))
    ]
    if beside:
        lefts = [h[2] for h in holders if h[0] <= min(c[0] for c in cells) + _HOLD_TOLERANCE]
        rights = [h[0] for h in holders if h[2] >= max(c[2] for c in cells) - _HOLD_TOLERANCE]
        column = (
            max(lefts, default=min(c[0] for c in cells)),
            min(rights, default=max(c[2] for c in cells)),
        )
    else:
        column = (min(h[0] for h in holders), max(h[2] for h in holders))
    tables: list[RawTable] = []
    grouped: set[BBox] = set()
    for found in group_cells(inner):
        group = found
        table = from_boxes(group, chars, page, method=method)
        while table is not None and (heading := _heading_row(table, column)) is not None:
            group = [c for c in group if rounded(c) != heading]
            table = from_boxes(group, chars, page, method=method) if len(group) > 1 else None
        if table is not None:
            tables.append(table)
            grouped.update(group)
    return tables, [c for c in cells if c not in grouped]


def _heading_row(table: RawTable, column: tuple[float, float]) -> BBox | None:
    """The box of the row at `table`'s top or foot that is one cell across the whole content
    `column` and holds no figure, if there is one."""
    if (
        abs(table.bbox[0] - column[0]) > _HOLD_TOLERANCE
        or abs(table.bbox[2] - column[1]) > _HOLD_TOLERANCE
    ):
        return None
    for cell in table.cells:
        ends = cell.row == 0 or cell.row + cell.row_span == table.n_rows
        if (
            ends
            and cell.col_span == table.n_cols
            and cell.row_span == 1
            and not is_figure(cell.text)
        ):
            return cell.bbox
    return None


def by_frame_cell(
    frame_cells: Sequence[BBox], chars: list[Char]
) -> tuple[list[Char], dict[BBox, list[Char]]]:
    """`chars` (those no table took) outside every frame cell, and those in each frame cell."""
    if not frame_cells:
        return chars, {}
    inside: dict[BBox, list[Char]] = {cell: [] for cell in frame_cells}
    rest: list[Char] = []
    for char in chars:
        cell = _cell_at(frame_cells, char)
        (inside[cell] if cell is not None else rest).append(char)
    return rest, inside


def frame_lines(
    rest: list[Char], inside: dict[BBox, list[Char]], page: int, edges: Edges | None = None
) -> tuple[list[TextLine], dict[int, Place]]:
    """The page's lines (`by_frame_cell`): each frame cell's read on its own, and where each
    of those is read (`Place`, by the line's `id`); a line the page's `edges` cut is `cut`."""
    lines = group_lines(rest, page, edges)
    places: dict[int, Place] = {}
    for cell, own in inside.items():
        for line in group_lines(own, page, edges):
            lines.append(line)
            places[id(line)] = (cell[1], cell[0])
    return lines, places


def table_places(frame_cells: Sequence[BBox], tables: Sequence[RawTable]) -> dict[int, Place]:
    """Where each table inside a frame cell is read: with that cell's lines."""
    places: dict[int, Place] = {}
    for table in tables:
        cell = next((c for c in frame_cells if _holds(c, table.bbox)), None)
        if cell is not None:
            places[id(table)] = (cell[1], cell[0])
    return places


def _holds(cell: BBox, box: BBox) -> bool:
    """`box` lies wholly inside `cell`, a few points' drawing aside."""
    return (
        box[0] >= cell[0] - _HOLD_TOLERANCE
        and box[1] >= cell[1] - _HOLD_TOLERANCE
        and box[2] <= cell[2] + _HOLD_TOLERANCE
        and box[3] <= cell[3] + _HOLD_TOLERANCE
    )


def _full_height(cell: BBox, bbox: BBox) -> bool:
    """`cell` runs from the top of the ruling at `bbox` to its bottom, at one of its sides."""
    return (
        cell[1] <= bbox[1] + _HOLD_TOLERANCE
        and cell[3] >= bbox[3] - _HOLD_TOLERANCE
        and (cell[0] <= bbox[0] + _HOLD_TOLERANCE or cell[2] >= bbox[2] - _HOLD_TOLERANCE)
    )


def _within_columns(cell: BBox, holder: BBox) -> bool:
    return cell[0] >= holder[0] - _HOLD_TOLERANCE and cell[2] <= holder[2] + _HOLD_TOLERANCE


def _cell_at(cells: Sequence[BBox], char: Char) -> BBox | None:
    x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return next((c for c in cells if c[0] <= x <= c[2] and c[1] <= y <= c[3]), None)
