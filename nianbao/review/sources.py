"""What a click on a figure shows: the place it was read, as the input shows it.

On a rendered page (a PDF or a scan), the page's image with the cell's or sentence's box drawn
on it. Elsewhere (HTML, DOCX, XLSX, text; a PDF whose source is not at hand) the table the
report read the cell from, its cell marked (the table goes once into the page as a
`<template>`; the script copies it in when the figure is first shown), or the block of text
with the characters marked, and a text input's lines around them where they are short. Every
view says the place in words too (`places.place_text`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from nianbao.review.pages import PageImage
from nianbao.review.places import place_text
from nianbao.schemas.model import (
    Document,
    LineOrigin,
    Origin,
    PageOrigin,
    TableCellOrigin,
    TextSpanOrigin,
)

#: Characters of a block shown either side of a figure's span.
CONTEXT = 80
#: Lines of a text input shown either side of a figure's lines, when they are short enough to
#: read (a crawler's dump of a whole page on one line is shown by its block's excerpt alone).
LINES_AROUND, LONGEST_LINE = 2, 300


def image_name(page: int) -> str:
    return f"page-{page}.png"


@dataclass
class SourceViews:
    """The views of one report's figures, and the tables they need copied into the page."""

    document: Document
    images: dict[int, PageImage]
    #: The text input's lines, decoded as the report says it was, when the source is at hand.
    lines: list[str] | None = None
    tables: set[int] = field(default_factory=set)

    def view(self, origin: Origin, place: Origin | None) -> str:
        """The markup that shows where a figure with `origin` (its place `place`) was read."""
        parts = [f'<p class="place">{escape(place_text(place))}</p>']
        if isinstance(place, PageOrigin) and place.page in self.images:
            parts.append(self._page(place))
        elif isinstance(origin, TableCellOrigin) and origin.table < len(self.document.tables):
            parts.append(self._table(origin))
        if isinstance(origin, TextSpanOrigin):
            parts.append(self._excerpt(origin))
        if isinstance(place, LineOrigin) and self.lines is not None:
            parts.append(self._lines(place))
        return "".join(parts)

    def _lines(self, place: LineOrigin) -> str:
        assert self.lines is not None
        first = max(1, place.line_start - LINES_AROUND)
        last = min(len(self.lines), place.line_end + LINES_AROUND)
        shown = self.lines[first - 1 : last]
        if not shown or any(len(line) > LONGEST_LINE for line in shown):
            return ""
        rows = "".join(
            ('<tr class="mark">' if place.line_start <= n <= place.line_end else "<tr>")
            + f"<th>{n}</th><td>{escape(line)}</td></tr>"
            for n, line in enumerate(shown, start=first)
        )
        return f'<table class="source-lines">{rows}</table>'

    def _page(self, place: PageOrigin) -> str:
        image = self.images[place.page]
        box = ""
        if place.bbox is not None:
            x0, top, x1, bottom = place.bbox
            box = (
                f'<div class="box" style="left:{100 * x0 / image.width:.2f}%;'
                f"top:{100 * top / image.height:.2f}%;"
                f"width:{100 * (x1 - x0) / image.width:.2f}%;"
                f'height:{100 * (bottom - top) / image.height:.2f}%"></div>'
            )
        return (
            f'<div class="sheet" data-page="{place.page}" '
            f'style="aspect-ratio:{image.width:.1f}/{image.height:.1f}">'
            f'<img src="{image_name(place.page)}" alt="page {place.page}" loading="lazy">'
            f"{box}</div>"
        )

    def _table(self, origin: TableCellOrigin) -> str:
        self.tables.add(origin.table)
        grid = self.document.tables[origin.table].grid()
        cell = grid[origin.row][origin.col] if origin.row < len(grid) else None
        row, col = (cell.row, cell.col) if cell is not None else (origin.row, origin.col)
        return (
            f'<div class="table-view" data-table="{origin.table}" data-row="{row}" '
            f'data-col="{col}"></div>'
        )

    def _excerpt(self, origin: TextSpanOrigin) -> str:
        blocks = self.document.blocks
        if origin.block >= len(blocks):
            return ""
        text = blocks[origin.block].text
        start, end = min(origin.start, len(text)), min(origin.end, len(text))
        before = text[max(0, start - CONTEXT) : start]
        after = text[end : end + CONTEXT]
        return (
            '<pre class="excerpt">'
            + ("…" if start > CONTEXT else "")
            + escape(before)
            + f"<mark>{escape(text[start:end])}</mark>"
            + escape(after)
            + ("…" if end + CONTEXT < len(text) else "")
            + "</pre>"
        )

    def templates(self) -> str:
        """A `<template>` for each table a view needs: the table as the report read it."""
        return "".join(self._template(t) for t in sorted(self.tables))

    def _template(self, number: int) -> str:
        table = self.document.tables[number]
        rows: list[list[str]] = [[] for _ in range(table.n_rows)]
        for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
            if cell.row >= table.n_rows:
                continue
            spans = (f' rowspan="{cell.row_span}"' if cell.row_span > 1 else "") + (
                f' colspan="{cell.col_span}"' if cell.col_span > 1 else ""
            )
            rows[cell.row].append(
                f'<td data-cell="{cell.row}.{cell.col}"{spans}>{escape(cell.text)}</td>'
            )
        body = "".join(f"<tr>{''.join(cells)}</tr>" for cells in rows)
        caption = f"<caption>table {number + 1}: {escape(place_text(table.origin))}</caption>"
        return (
            f'<template id="table-{number}"><table class="source-table">{caption}'
            f"{body}</table></template>"
        )
