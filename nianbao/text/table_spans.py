"""Where each cell of a flattened pipe-rows row sits in the grid, spans included.

Text extraction keeps the cells of a row in reading order but drops their positions. The rules
below put them back the way the official 2021 annual-report template lays its tables out:
label columns on the left (nested by numbering level: 一、 > （一） > 1.), value columns on the
right, and column headers forming a tree above the values. Whatever cannot be placed by these
rules is reported as a note, so the caller can warn instead of guessing silently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from nianbao.schemas.model import LineOrigin, TableCell
from nianbao.text.numbering import numbering_level
from nianbao.text.numbers import is_value
from nianbao.text.script import simplified


@dataclass(frozen=True)
class RawCell:
    """A cell's text before placement, and the 1-based line it came from."""

    text: str
    line: int


@dataclass
class Layout:
    cells: list[TableCell]
    notes: list[str] = field(default_factory=list)  # what had to be guessed
    fallback: bool = False  # the rules failed and cells were placed left to right


_TOTAL_RE = re.compile(r"(?:总计|合计|小计)$")


def is_total(text: str) -> bool:
    # `总 计`: labels are often spaced out to fill their cell.
    return _TOTAL_RE.search(simplified("".join(text.split()))) is not None


def make_cell(
    raw: RawCell, row: int, col: int, *, row_span: int = 1, col_span: int = 1, header: bool = False
) -> TableCell:
    return TableCell.lean(
        row=row,
        col=col,
        row_span=row_span,
        col_span=col_span,
        text=raw.text.strip(),
        header=header,
        origin=LineOrigin(line_start=raw.line, line_end=raw.line),
    )


def left_to_right(
    rows: Sequence[Sequence[RawCell]], width: int, headers: set[int]
) -> list[TableCell]:
    """The layout that assumes nothing: cells side by side, the last one spanning the rest."""
    cells: list[TableCell] = []
    for r, row in enumerate(rows):
        for c, raw in enumerate(row):
            span = width - c if c == len(row) - 1 else 1
            cells.append(make_cell(raw, r, c, col_span=max(span, 1), header=r in headers))
    return cells


def trailing_values(row: Sequence[RawCell]) -> int:
    count = 0
    for raw in reversed(row):
        if not is_value(raw.text):
            break
        count += 1
    return count


class _Inconsistent(Exception):
    """The span rules do not fit this table; the message says where."""


def layout_pipe_rows(rows: Sequence[Sequence[RawCell]], width: int) -> Layout:
    """Place the cells of `rows` in a grid `width` columns wide, inferring spans."""
    trailing = [trailing_values(row) for row in rows]
    headers = {r for r, count in enumerate(trailing) if count == 0}
    values = max(trailing, default=0)
    if values == 0:
        # Nothing to anchor label and value columns on: a plain text grid.
        short = sum(1 for row in rows if len(row) < width)
        notes = [f"{short} rows have fewer cells than columns; last cells span"] if short else []
        return Layout(left_to_right(rows, width, {0}), notes)
    try:
        builder = _SpanBuilder(rows, width, values, trailing)
        cells = builder.run()
        _check_cover(cells, len(rows), width)
    except _Inconsistent as exc:
        note = f"spans could not be inferred ({exc}); cells placed left to right"
        return Layout(left_to_right(rows, width, headers), [note], fallback=True)
    return Layout(cells, builder.notes)


def _check_cover(cells: Sequence[TableCell], n_rows: int, width: int) -> None:
    seen = [[0] * width for _ in range(n_rows)]
    for cell in cells:
        if cell.row + cell.row_span > n_rows or cell.col + cell.col_span > width:
            raise _Inconsistent(f"cell {cell.text!r} runs off the grid")
        for r in range(cell.row, cell.row + cell.row_span):
            for c in range(cell.col, cell.col + cell.col_span):
                seen[r][c] += 1
    for r, row in enumerate(seen):
        if any(count != 1 for count in row):
            raise _Inconsistent(f"row {r} has gaps or overlapping cells")


class _SpanBuilder:
    def __init__(
        self, rows: Sequence[Sequence[RawCell]], width: int, values: int, trailing: list[int]
    ) -> None:
        self.rows = rows
        self.width = width
        self.values = values
        self.labels = width - values
        self.trailing = trailing
        self.cells: list[TableCell] = []
        self.notes: list[str] = []
        # The label cell covering each label column in the row just placed; None where that
        # cell is a header, which a data label must never be folded into.
        self.owner: list[TableCell | None] = [None] * self.labels

    def run(self) -> list[TableCell]:
        r = 0
        while r < len(self.rows):
            if self.trailing[r]:
                self._data_row(r)
                r += 1
                continue
            end = r
            while end < len(self.rows) and not self.trailing[end]:
                end += 1
            self._header_run(r, end)
            r = end
        return self.cells

    # --- header rows ------------------------------------------------------------------------

    def _header_run(self, start: int, end: int) -> None:
        block: list[int] = []
        for r in range(start, end):
            if len(self.rows[r]) == 1:
                # A lone cell in a header row is a title over the whole table width.
                self._header_block(block)
                block = []
                self.cells.append(
                    make_cell(self.rows[r][0], r, 0, col_span=self.width, header=True)
                )
            else:
                block.append(r)
        self._header_block(block)
        self.owner = [None] * self.labels

    def _header_block(self, block: list[int]) -> None:
        if not block:
            return
        top = block[0]
        first = self.rows[top]
        if len(block) == 1 and len(first) == self.width:
            for c, raw in enumerate(first):
                self.cells.append(make_cell(raw, top, c, header=True))
            return
        region = [list(self.rows[r]) for r in block]
        if self.labels:
            # The corner above the label columns holds the first cell of the block.
            corner = region[0].pop(0)
            self.cells.append(
                make_cell(corner, top, 0, row_span=len(block), col_span=self.labels, header=True)
            )
        if len(block) == 1:
            self._header_line(region[0], top)
        else:
            self._header_tree(region, top)

    def _header_line(self, cells: list[RawCell], row: int) -> None:
        if not cells or len(cells) > self.values:
            raise _Inconsistent(
                f"header row {row} has {len(cells)} cells over {self.values} columns"
            )
        if 1 < len(cells) < self.values:
            self.notes.append(
                f"header row {row}: {len(cells)} cells over {self.values} value columns;"
                " placed left to right, the last spanning the rest"
            )
        for i, raw in enumerate(cells):
            span = self.values - i if i == len(cells) - 1 else 1
            self.cells.append(make_cell(raw, row, self.labels + i, col_span=span, header=True))

    def _header_tree(self, region: list[list[RawCell]], top: int) -> None:
        bottom = len(region) - 1
        if any(not row for row in region):
            raise _Inconsistent(f"header block at row {top} has an empty row")
        need = self.values - len(region[bottom])
        leaves: list[set[int]] = [set() for _ in region]
        # Leaves sit as low as they can: a cell of an upper row only becomes a leaf (and spans
        # down) when the rows below cannot supply enough value columns.
        for i in range(bottom - 1, -1, -1):
            count = min(need, len(region[i]) - 1)
            if len(region[i]) - count > len(region[i + 1]):
                raise _Inconsistent(f"header row {top + i} has more parents than children")
            order = [j for j, raw in enumerate(region[i]) if is_total(raw.text)]
            order += [j for j in range(len(region[i])) if j not in order]
            leaves[i] = set(order[:count])
            need -= count
        if need:
            raise _Inconsistent(f"header block at row {top} does not add up to {self.values}")
        groups = [self._children(region, leaves, i, top) for i in range(bottom)]
        widths = [[1] * len(row) for row in region]
        for i in range(bottom - 1, -1, -1):
            for parent, children in groups[i].items():
                widths[i][parent] = sum(widths[i + 1][child] for child in children)
        xs = [[0] * len(row) for row in region]
        x = self.labels
        for j, w in enumerate(widths[0]):
            xs[0][j], x = x, x + w
        for i in range(bottom):
            for parent, children in groups[i].items():
                x = xs[i][parent]
                for child in children:
                    xs[i + 1][child], x = x, x + widths[i + 1][child]
        for i, row in enumerate(region):
            for j, raw in enumerate(row):
                span = bottom - i + 1 if j in leaves[i] else 1
                self.cells.append(
                    make_cell(
                        raw, top + i, xs[i][j], row_span=span, col_span=widths[i][j], header=True
                    )
                )

    def _children(
        self, region: list[list[RawCell]], leaves: list[set[int]], i: int, top: int
    ) -> dict[int, list[int]]:
        """Share the cells of row i+1 among the parents of row i, in reading order."""
        parents = [j for j in range(len(region[i])) if j not in leaves[i]]
        below = region[i + 1]
        cuts: list[list[int]] = [[]]
        for j, raw in enumerate(below):
            cuts[-1].append(j)
            if is_total(raw.text) and j < len(below) - 1:
                cuts.append([])
        if len(cuts) != len(parents):
            if len(below) % len(parents) == 0:
                size = len(below) // len(parents)
                cuts = [list(range(k, k + size)) for k in range(0, len(below), size)]
            else:
                cuts = [[k] for k in range(len(parents) - 1)]
                cuts.append(list(range(len(parents) - 1, len(below))))
                self.notes.append(
                    f"header row {top + i + 1}: could not tell which of {len(below)} cells"
                    f" belong under which of {len(parents)} headings above; gave each heading"
                    " but the last one cell"
                )
        return dict(zip(parents, cuts, strict=True))

    # --- data rows --------------------------------------------------------------------------

    def _data_row(self, r: int) -> None:
        row = self.rows[r]
        n_values = self.trailing[r]
        n_labels = len(row) - n_values
        if n_labels > self.labels:
            raise _Inconsistent(f"row {r} has {n_labels} labels for {self.labels} label columns")
        for k, raw in enumerate(row[n_labels:]):
            col = self.labels + k
            span = self.width - col if k == n_values - 1 else 1
            self.cells.append(make_cell(raw, r, col, col_span=span))
        cols = self._label_columns(row[:n_labels])
        first = cols[0] if cols else self.labels
        if first and not self._extend_above(r, first):
            if not n_labels:
                raise _Inconsistent(f"row {r} has no labels and nothing above to extend")
            self.notes.append(
                f"row {r}: {row[0].text.strip()!r} looks nested but no label above it could"
                " span down; placed in the first column"
            )
            cols = list(range(n_labels))
        placed: list[TableCell] = []
        for i, raw in enumerate(row[:n_labels]):
            stop = cols[i + 1] if i + 1 < n_labels else self.labels
            placed.append(make_cell(raw, r, cols[i], col_span=stop - cols[i]))
        self.cells.extend(placed)
        for cell in placed:
            for c in range(cell.col, cell.col + cell.col_span):
                self.owner[c] = cell

    def _label_columns(self, labels: Sequence[RawCell]) -> list[int]:
        cols: list[int] = []
        m = len(labels)
        for i, raw in enumerate(labels):
            level = numbering_level(raw.text)
            lowest = cols[-1] + 1 if cols else 0
            if level is None:
                cols.append(lowest)
            else:
                cols.append(max(lowest, min(level - 1, self.labels - (m - i))))
        return cols

    def _extend_above(self, r: int, first: int) -> bool:
        """Let the labels above cover columns 0..first-1 of row r, if they can."""
        above = {id(cell): cell for cell in self.owner[:first] if cell is not None}
        if [c for c in self.owner[:first] if c is None]:
            return False
        for cell in above.values():
            if cell.col + cell.col_span > first or cell.row + cell.row_span != r:
                return False
        for cell in above.values():
            cell.row_span += 1
        return True
