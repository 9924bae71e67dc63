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
from typing import Any, Literal

from nianbao.adapters._layout import Placed, make_table
from nianbao.adapters._pdf_text import Char, line_groups, lines_text, ocr_confidence
from nianbao.schemas.model import PageOrigin, PagesOrigin, Table, TableMethod
from nianbao.text.numbering import numbering_level
from nianbao.text.numbers import is_figure

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in points from the top left
Side = Literal["left", "right"]

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
    # A side a page break left without a rule (`_pdf_cuts`): the cell runs on to the next page
    # (below), or may carry on from the page before (above).
    open_below: bool = False
    open_above: bool = False
    # Its text's last line runs to the cell's right side: the text may go on (a row Word broke
    # across pages goes on at the top of the next one); a short last line ends it.
    runs_full: bool = True


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
    cut_off: set[Side] = field(default_factory=set)  # the page's sides that cut it (`_pdf_cuts`)

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
        cell = RawCell(r0, c0, r1 - r0, c1 - c0, page, rounded(box))
        cells.append(cell)
        for r in range(r0, r1):
            for c in range(c0, c1):
                owner.setdefault((r, c), cell)
    table = RawTable(
        pages=[page],
        bbox=rounded((xs[0], ys[0], xs[-1], ys[-1])),
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
        own = taken.get(id(cell))
        if own is None:  # a blank cell: no text, no confidence, runs full (`_runs_full`)
            continue
        lines = line_groups(own)
        cell.text = lines_text(lines)
        cell.confidence = ocr_confidence(own)
        cell.runs_full = _runs_full(lines, cell.bbox)
    return table


def _runs_full(lines: list[list[Char]], box: BBox) -> bool:
    """Whether the last of a cell's `line_groups` reaches its right side, but for a character
    and a half (the cell's padding, a character too wide to fit in): not centred, not short."""
    if not lines:
        return True
    last = lines[-1]
    size = max(float(c["size"]) for c in last)
    return box[2] - max(float(c["x1"]) for c in last) <= 1.5 * size


def accept(table: RawTable) -> bool:
    """A grid of labels and figures, not a frame around prose: at least two columns, at least
    two cells with text, and not mostly sentences."""
    filled = [c.text for c in table.cells if c.text]
    if table.n_cols < 2 or len(filled) < 2:
        return False
    prose = sum(1 for text in filled if is_prose(text))
    return prose < 0.5 * len(filled)


def is_prose(text: str) -> bool:
    """A cell's text that reads as sentences, not as a label or a figure."""
    return len(text) > 40 and _SENTENCE.search(text) is not None


def mark_headers(table: RawTable) -> None:
    """The rows above the first figure are headers, when the table has figures at all."""
    first = min((c.row for c in table.cells if is_figure(c.text)), default=0)
    for cell in table.cells:
        cell.header = cell.row + cell.row_span <= first


def join(first: RawTable, then: RawTable) -> RawTable | None:
    """`then` appended to `first` when it continues it on the next page: the same columns, give
    or take a few points. A header repeated on the new page is dropped; a row the page break
    cut in two is one row again; a cell the break left open at the foot (a row's label, the
    vertical 三、本年度办理结果) runs on in the cell under it; and a label cell left empty at the
    top of the new page extends the label above it."""
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
    # A row cut in two by the break (no rule under any cell at the foot, none over the next
    # page's first row: `_pdf_cuts`), or one that Word let break across pages: the rest of its
    # cells open the next page.
    broken = repeated < len(rows) and (
        _cut_row(rows[repeated], mapping, bottom, after_header=repeated > 0)
        or _continues_row(rows[repeated], mapping, bottom)
    )
    offset = first.n_rows - repeated - (1 if broken else 0)
    merged = list(first.cells)
    for r, row in enumerate(rows):
        if r < repeated:
            continue
        for cell in row:
            col, stop = mapping[cell.col], mapping[cell.col + cell.col_span]
            above = bottom.get(col)
            if (
                r == repeated
                and above is not None
                and _runs_on(
                    above, cell, stop - col, broken=broken, row_text=any(c.text for c in row)
                )
            ):
                above.text = _joined(above.text, cell.text)
                above.row_span += cell.row_span - (1 if broken else 0)
                above.open_below = cell.open_below
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
                    open_below=cell.open_below,
                )
            )
    joined = RawTable(
        pages=[*first.pages, *then.pages],
        bbox=first.bbox,
        xs=first.xs,
        n_rows=first.n_rows + then.n_rows - repeated - (1 if broken else 0),
        cells=merged,
        method=first.method,
        confidence=min(first.confidence, then.confidence) - 0.05,
        consumed=first.consumed | then.consumed,
        cut_off=first.cut_off | then.cut_off,
    )
    if not any(is_figure(c.text) for c in first.cells):
        mark_headers(joined)  # a part of the header alone at the foot of a page
    return joined


def _runs_on(above: RawCell, cell: RawCell, span: int, *, broken: bool, row_text: bool) -> bool:
    """Whether `cell`, in the first row of a new page's part, is the rest of `above`, a cell
    ending the part on the page before: the same cell when the row was cut in two, and when the
    break left both open (a label spanning rows); or an empty cell under a label, in a row
    with text of its own (a vertical label running on, its rules drawn on each page)."""
    if broken:
        return True
    if above.open_below and cell.open_above and above.col_span == span:
        # the break fell between rows: a figure is its own row's, and a numbered label under
        # a label starts a row (2.申请人逾期 under 1.申请人无正当理由, both left open)
        return not (
            is_figure(cell.text)
            or is_figure(above.text)
            or (above.text and numbering_level(cell.text))
        )
    return (
        not cell.text
        and above.col_span == span
        and bool(above.text)
        and not is_figure(above.text)
        and row_text
    )


def _cut_row(
    row: list[RawCell], mapping: list[int], bottom: dict[int, RawCell], *, after_header: bool
) -> bool:
    """True when the page break cut the last row above in two and `row`, the first on the new
    page, is its rest (`_pdf_cuts`): no rule under any cell at the foot, none over `row`'s
    (over a repeated header's rows instead, the header's rule), no column with figures in
    both parts (Word's row left open at the foot is whole, and the next row has its own), and
    no numbered label under a label (3.补正后申请 at the foot, 4.无正当理由 at the head)."""
    if not bottom or not all(c.open_below for c in bottom.values()):
        return False
    if not after_header and not all(c.open_above for c in row):
        return False
    for cell in row:
        above = bottom.get(mapping[cell.col])
        if above is None or not above.text:
            continue
        if is_figure(cell.text) and is_figure(above.text):
            return False
        # a numbered label under a label of its own starts a row: the break fell between
        # rows (a row's rule at a page foot is drawn on neither page), the new one numbered
        if not is_figure(above.text) and numbering_level(cell.text):
            return False
    return True


def _continues_row(row: list[RawCell], mapping: list[int], bottom: dict[int, RawCell]) -> bool:
    """True when `row`, the first on a new page, is the rest of the last row above: it holds no
    figures, its text stands only under label cells of that row whose text runs to their right
    side (a short label ends there), none of it starts a numbered label of its own (a new row
    would: （六）, 3.), and that row's figures were printed above."""
    texts = [c for c in row if c.text]
    if not texts or any(is_figure(c.text) or numbering_level(c.text) for c in texts):
        return False
    for cell in row:
        above = bottom.get(mapping[cell.col])
        if above is None or above.col_span != mapping[cell.col + cell.col_span] - above.col:
            return False
        if cell.text and (not above.text or is_figure(above.text) or not above.runs_full):
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
    model = make_table(
        cells,
        method=table.method,
        origin=origin,
        confidence=round(max(table.confidence, 0.0), 2),
    )
    if table.cut_off:
        model.cut_off = "both" if len(table.cut_off) == 2 else min(table.cut_off)
    return model


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


def rounded(box: BBox) -> BBox:
    """`box` as origins give it: to 0.1 point."""
    return (round(box[0], 1), round(box[1], 1), round(box[2], 1), round(box[3], 1))
