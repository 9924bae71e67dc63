"""PDF tables: cells from ruling lines, their spans, their text; continuations joined.

A table engine gives the boxes of a table's cells (pdfplumber's table finder, or camelot). The
spans follow from the boxes: the distinct left and right edges of all cells are the column
boundaries, the tops and bottoms the row boundaries, and a cell covering two of them spans two.
Characters go to the cell under their centre, so a cell's text is built the same way as prose.

What is drawn like a table is not always one: a page frame, a box around a paragraph, white
rectangles behind each line of text. `accept` keeps only what reads as a grid of labels and
figures.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nianbao.adapters._layout import Placed, make_table
from nianbao.adapters._pdf_text import Char, cell_text, ocr_confidence
from nianbao.schemas.model import PageOrigin, PagesOrigin, Table, TableMethod
from nianbao.text.numbering import numbering_level
from nianbao.text.numbers import is_figure

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in points from the top left

_EDGE_TOLERANCE = 2.0  # cell edges this close are one boundary
_ALIGN_TOLERANCE = 4.0  # column boundaries this close on two pages are the same column
_SENTENCE = re.compile(r"[。；;！？]")


@dataclass(slots=True)  # as many as a long PDF has table cells
class RawCell:
    row: int
    col: int
    row_span: int
    col_span: int
    page: int
    bbox: BBox
    text: str = ""
    header: bool = False
    confidence: float | None = None  # OCR'd text: its least certain character


@dataclass
class RawTable:
    pages: list[int]
    bbox: BBox  # on the first page
    xs: list[float]  # column boundaries, n_cols + 1 of them
    n_rows: int
    cells: list[RawCell]
    method: TableMethod
    confidence: float
    consumed: set[int] = field(default_factory=set)  # id() of the characters it took

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    def rows(self) -> list[list[RawCell]]:
        out: list[list[RawCell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            out[cell.row].append(cell)
        return out


def visible(obj: dict[str, Any]) -> bool:
    """Whether a graphic draws something a reader sees. Word processors put white rectangles
    behind lines of text; taken for ruling lines they turn every paragraph into a table row."""
    if obj.get("object_type") not in ("rect", "line", "curve"):
        return True
    stroked = bool(obj.get("stroke")) and not _white(obj.get("stroking_color"))
    filled = bool(obj.get("fill")) and not _white(obj.get("non_stroking_color"))
    return stroked or filled


def _white(color: object) -> bool:
    if isinstance(color, int | float):
        color = (color,)
    if not isinstance(color, tuple | list) or not all(isinstance(v, int | float) for v in color):
        return False  # a pattern or an unknown colour space: assume it shows
    if len(color) == 4:  # CMYK: white is no ink
        return all(v <= 0.01 for v in color)
    return len(color) in (1, 3) and all(v >= 0.99 for v in color)


def from_boxes(
    boxes: Sequence[BBox], chars: Sequence[Char], page: int, *, method: TableMethod
) -> RawTable | None:
    """A table from its cells' boxes, with spans and text; None when the boxes make no grid."""
    xs = boundaries([v for b in boxes for v in (b[0], b[2])])
    ys = boundaries([v for b in boxes for v in (b[1], b[3])])
    if len(xs) < 2 or len(ys) < 2:
        return None
    cells: list[RawCell] = []
    owner: dict[tuple[int, int], RawCell] = {}
    for box in sorted(boxes, key=lambda b: (b[1], b[0])):
        c0, c1 = _nearest(xs, box[0]), _nearest(xs, box[2])
        r0, r1 = _nearest(ys, box[1]), _nearest(ys, box[3])
        if c1 <= c0 or r1 <= r0 or (r0, c0) in owner:
            continue
        cell = RawCell(r0, c0, r1 - r0, c1 - c0, page, _round(box))
        cells.append(cell)
        for r in range(r0, r1):
            for c in range(c0, c1):
                owner.setdefault((r, c), cell)
    table = RawTable(
        pages=[page],
        bbox=_round((xs[0], ys[0], xs[-1], ys[-1])),
        xs=xs,
        n_rows=len(ys) - 1,
        cells=cells,
        method=method,
        confidence=0.9,
    )
    taken: dict[int, list[Char]] = {}
    for char in chars:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        col, row = bisect.bisect_right(xs, cx) - 1, bisect.bisect_right(ys, cy) - 1
        cell_at = owner.get((row, col))
        if cell_at is not None:
            taken.setdefault(id(cell_at), []).append(char)
            table.consumed.add(id(char))
    for cell in cells:
        cell.text = cell_text(taken.get(id(cell), []))
        cell.confidence = ocr_confidence(taken.get(id(cell), []))
    return table


def accept(table: RawTable) -> bool:
    """A grid of labels and figures, not a frame around prose: at least two columns, at least
    two cells with text, and not mostly sentences."""
    filled = [c.text for c in table.cells if c.text]
    if table.n_cols < 2 or len(filled) < 2:
        return False
    prose = sum(1 for text in filled if len(text) > 40 and _SENTENCE.search(text))
    return prose < 0.5 * len(filled)


def mark_headers(table: RawTable) -> None:
    """The rows above the first figure are headers, when the table has figures at all."""
    first = min((c.row for c in table.cells if is_figure(c.text)), default=0)
    for cell in table.cells:
        cell.header = cell.row + cell.row_span <= first


def join(first: RawTable, then: RawTable) -> RawTable | None:
    """`then` appended to `first` when it continues it on the next page: the same columns, give
    or take a few points. A header repeated on the new page is dropped, and a label cell left
    empty at the top of the new page extends the label above it (a vertical 三、本年度办理结果
    running on)."""
    # A column boundary drawn on one page only (no row there splits those two columns) is still
    # a boundary of the whole table: both parts are laid on the union of their columns.
    xs = _shared_columns(first.xs, then.xs)
    first_map = None if xs is None else _column_map(xs, first.xs)
    mapping = None if xs is None else _column_map(xs, then.xs)
    if xs is None or first_map is None or mapping is None:
        return None
    for cell in first.cells:
        cell.col, cell.col_span = (
            first_map[cell.col],
            first_map[cell.col + cell.col_span] - first_map[cell.col],
        )
    first.xs = xs
    rows = then.rows()
    repeated = _repeated_header(first, then)
    last_row = first.n_rows - 1
    bottom = {c.col: c for c in first.cells if c.row + c.row_span - 1 == last_row}
    # Word lets a row break across pages: the rest of its labels open the next page, alone.
    broken = repeated < len(rows) and _continues_row(rows[repeated], mapping, bottom)
    offset = first.n_rows - repeated - (1 if broken else 0)
    merged = list(first.cells)
    for r, row in enumerate(rows):
        if r < repeated:
            continue
        for cell in row:
            col, stop = mapping[cell.col], mapping[cell.col + cell.col_span]
            above = bottom.get(col)
            if broken and r == repeated and above is not None:
                above.text = _joined(above.text, cell.text)
                above.row_span += cell.row_span - 1
                continue
            if (
                r == repeated
                and not cell.text
                and above is not None
                and above.col_span == stop - col
                and above.text
                and not is_figure(above.text)
                and any(c.text for c in row)
            ):
                above.row_span += cell.row_span
                continue
            merged.append(
                RawCell(
                    cell.row + offset,
                    col,
                    cell.row_span,
                    stop - col,
                    cell.page,
                    cell.bbox,
                    cell.text,
                    cell.header,
                    cell.confidence,
                )
            )
    return RawTable(
        pages=[*first.pages, *then.pages],
        bbox=first.bbox,
        xs=first.xs,
        n_rows=first.n_rows + then.n_rows - repeated - (1 if broken else 0),
        cells=merged,
        method=first.method,
        confidence=min(first.confidence, then.confidence) - 0.05,
        consumed=first.consumed | then.consumed,
    )


def _continues_row(row: list[RawCell], mapping: list[int], bottom: dict[int, RawCell]) -> bool:
    """True when `row`, the first on a new page, is the rest of the last row above: it holds no
    figures, its text stands only under label cells of that row, none of it starts a numbered
    label of its own (a new row would: （六）, 3.), and that row's figures were printed above."""
    texts = [c for c in row if c.text]
    if not texts or any(is_figure(c.text) or numbering_level(c.text) for c in texts):
        return False
    for cell in row:
        above = bottom.get(mapping[cell.col])
        if above is None or above.col_span != mapping[cell.col + cell.col_span] - above.col:
            return False
        if cell.text and (not above.text or is_figure(above.text)):
            return False
    return any(is_figure(c.text) for c in bottom.values())


def _joined(head: str, tail: str) -> str:
    """A label's two pieces, without a space between Chinese characters."""
    if not head or not tail:
        return head or tail
    return head + tail if not (head[-1].isascii() and tail[0].isascii()) else f"{head} {tail}"


def _shared_columns(xs: list[float], other: list[float]) -> list[float] | None:
    """The boundaries of both, when their outer edges line up; None when they do not."""
    tolerance = max(_ALIGN_TOLERANCE, 0.01 * (xs[-1] - xs[0]))
    if abs(xs[0] - other[0]) > tolerance or abs(xs[-1] - other[-1]) > tolerance:
        return None
    union = list(xs)
    for x in other:
        if min(abs(x - y) for y in union) > tolerance:
            union.append(x)
    return sorted(union)


def _column_map(xs: list[float], other: list[float]) -> list[int] | None:
    """Each boundary of `other` as an index into `xs`, or None when they do not line up (the
    outer edges must match; inner ones may be missing where the new page merges columns)."""
    tolerance = max(_ALIGN_TOLERANCE, 0.01 * (xs[-1] - xs[0]))
    out = [_nearest(xs, x) for x in other]
    if any(abs(xs[i] - x) > tolerance for i, x in zip(out, other, strict=True)):
        return None
    if out[0] != 0 or out[-1] != len(xs) - 1 or len(set(out)) != len(out):
        return None
    return out


def _repeated_header(first: RawTable, then: RawTable) -> int:
    """How many rows at the top of `then` repeat the top of `first` word for word."""
    first_rows, then_rows = first.rows(), then.rows()
    n = 0
    while n < min(len(first_rows), len(then_rows)) - 1:
        a = [c.text for c in sorted(first_rows[n], key=lambda c: c.col)]
        b = [c.text for c in sorted(then_rows[n], key=lambda c: c.col)]
        if not any(a) or a != b or any(is_figure(t) for t in a):
            break
        n += 1
    if n:
        for cell in first.cells:
            cell.header = cell.header or cell.row < n
    return n


def to_model(table: RawTable) -> Table:
    origin: PageOrigin | PagesOrigin = (
        PageOrigin(page=table.pages[0], bbox=table.bbox)
        if len(table.pages) == 1
        else PagesOrigin(pages=table.pages)
    )
    cells = [
        Placed(
            row=c.row,
            col=c.col,
            row_span=c.row_span,
            col_span=c.col_span,
            text=c.text,
            header=c.header,
            origin=PageOrigin(page=c.page, bbox=c.bbox, confidence=c.confidence),
        )
        for c in table.cells
    ]
    return make_table(
        cells,
        method=table.method,
        origin=origin,
        confidence=round(max(table.confidence, 0.0), 2),
    )


def boundaries(values: Sequence[float], tolerance: float = _EDGE_TOLERANCE) -> list[float]:
    """Cell edges as the table's boundaries: edges that follow each other within `tolerance`
    are one boundary, at their mean."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tolerance:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(group) / len(group) for group in out]


def _nearest(boundaries: Sequence[float], value: float) -> int:
    """The index of the boundary nearest `value`, the lower of two as near."""
    i = bisect.bisect_left(boundaries, value)
    if i == 0:
        return 0
    if i == len(boundaries) or value - boundaries[i - 1] <= boundaries[i] - value:
        return i - 1
    return i


def _round(box: BBox) -> BBox:
    return (round(box[0], 1), round(box[1], 1), round(box[2], 1), round(box[3], 1))
