"""Where in the input a figure was printed: the place behind a pointer into the document.

A figure's `origin` points into the report's own document (a table cell, a span of a block);
that cell or block carries the place in the input (a page and box, lines, a sheet and cell, an
HTML element). `Places` follows the pointer, once per table, so that a viewer, an export or a
diagnostic can name the page without knowing how the document is laid out.
"""

from __future__ import annotations

from nianbao.schemas.model import Document, Origin, TableCellOrigin, TextSpanOrigin

_Slots = dict[tuple[int, int], Origin]


class Places:
    """The input places of `document`'s cells and blocks, looked up by a figure's origin."""

    def __init__(self, document: Document) -> None:
        self._document = document
        self._tables: dict[int, _Slots] = {}

    def place_of(self, origin: Origin) -> Origin | None:
        """The input place `origin` stands for: a table cell's or a block's own origin (the
        first cell covering the slot, for a slot inside a merged cell); an origin that is
        already a place is its own; None where the pointer leads nowhere."""
        if isinstance(origin, TableCellOrigin):
            return self._slots(origin.table).get((origin.row, origin.col))
        if isinstance(origin, TextSpanOrigin):
            blocks = self._document.blocks
            return blocks[origin.block].origin if origin.block < len(blocks) else None
        return origin

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
