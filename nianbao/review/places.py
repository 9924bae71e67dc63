"""Where in its input a figure was printed, asked in one place.

A report carries each figure's place (`Figure.place`); a report written before it did has the
place followed from the figure's origin through its own document (`nianbao.schemas.places`).
Nothing else in the site asks.
"""

from __future__ import annotations

from nianbao.schemas.model import (
    ElementOrigin,
    Figure,
    Indicator,
    LineOrigin,
    Origin,
    PageOrigin,
    PagesOrigin,
    ParagraphOrigin,
    SheetOrigin,
    TableCellOrigin,
    TextSpanOrigin,
)
from nianbao.schemas.places import Places


def place_of(places: Places, figure: Figure | Indicator) -> Origin | None:
    """The place in the input where `figure` was printed, or None where nothing says."""
    if figure.place is not None:
        return figure.place
    return places.place_of(figure.origin)


def place_text(place: Origin | None) -> str:
    """`page 3, at (76, 382)-(310, 497) pt`, `lines 12-14`, `sheet 表1, cell C7`: for people."""
    if isinstance(place, PageOrigin):
        if place.bbox is None:
            return f"page {place.page}"
        x0, top, x1, bottom = (round(v) for v in place.bbox)
        return f"page {place.page}, at ({x0}, {top})-({x1}, {bottom}) pt"
    if isinstance(place, PagesOrigin):
        return "pages " + ", ".join(map(str, place.pages))
    if isinstance(place, LineOrigin):
        if place.line_start == place.line_end:
            return f"line {place.line_start}"
        return f"lines {place.line_start}-{place.line_end}"
    if isinstance(place, SheetOrigin):
        return f"sheet {place.sheet}, cell {place.cell_range}"
    if isinstance(place, ElementOrigin):
        return f"element {place.path}"
    if isinstance(place, ParagraphOrigin):
        return f"paragraph {place.paragraph + 1}"
    if isinstance(place, TableCellOrigin):
        return f"table {place.table + 1}, row {place.row + 1}, column {place.col + 1}"
    if isinstance(place, TextSpanOrigin):
        return f"block {place.block + 1}, characters {place.start}-{place.end}"
    return "no place recorded"
