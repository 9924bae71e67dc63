"""Where in the input a figure was printed: the place behind a pointer into the document.

A figure's `origin` points into the report's own document (a table cell, a span of a block);
that cell or block carries the place in the input (a page and box, lines, a sheet and cell, an
HTML element). `Places` follows the pointer, once per table, so that a viewer, an export or a
diagnostic can name the page without knowing how the document is laid out.
"""

from __future__ import annotations

from nianbao.schemas.model import (
    Block,
    Document,
    LineOrigin,
    Origin,
    Place,
    TableCellOrigin,
    TextSpanOrigin,
)

_Slots = dict[tuple[int, int], Origin]
_POINTERS = (TableCellOrigin, TextSpanOrigin)  # origins that point into the document


class Places:
    """The input places of `document`'s cells and blocks, looked up by a figure's origin."""

    def __init__(self, document: Document) -> None:
        self._document = document
        self._tables: dict[int, _Slots] = {}

    def place_of(self, origin: Origin) -> Place | None:
        """The input place `origin` stands for: a table cell's or a block's own origin (the
        first cell covering the slot, for a slot inside a merged cell; the lines holding the
        span, for a block that keeps its line breaks); an origin that is already a place is
        its own; None where the pointer leads nowhere."""
        if isinstance(origin, TableCellOrigin):
            slots = self._tables.get(origin.table)  # asked once per figure: no call when known
            if slots is None:
                slots = self._slots(origin.table)
            found = slots.get((origin.row, origin.col))
        elif isinstance(origin, TextSpanOrigin):
            blocks = self._document.blocks
            inside = origin.block < len(blocks)
            found = _span_lines(blocks[origin.block], origin) if inside else None
        else:
            found = origin
        # A cell or block pointing at another pointer is no place a reader can look at.
        return None if isinstance(found, _POINTERS) else found

    def _slots(self, table: int) -> _Slots:
        slots = self._tables.get(table)
        if slots is None:
            slots = self._tables[table] = {}
            if table < len(self._document.tables):
                for cell in self._document.tables[table].cells:
                    for row in range(cell.row, cell.row + cell.row_span):
                        for col in range(cell.col, cell.col + cell.col_span):
                            slots.setdefault((row, col), cell.origin)
        return slots


def _span_lines(block: Block, span: TextSpanOrigin) -> Origin:
    """The lines of `block` that hold `span`, where the block's text keeps a line break for each
    line its origin covers (so that the n-th break is the n-th line's end); else the block's own
    origin. Blocks whose lines were joined into one run of text cannot be narrowed."""
    lines = block.origin
    if not isinstance(lines, LineOrigin) or lines.line_start == lines.line_end:
        return lines
    if block.text.count("\n") != lines.line_end - lines.line_start:
        return lines
    first = lines.line_start + block.text.count("\n", 0, span.start)
    # The span's last character, not its end: a span ending at a line's break stays on it.
    last = lines.line_start + block.text.count("\n", 0, max(span.start, span.end - 1))
    return LineOrigin(line_start=first, line_end=last)
