"""One PDF page as read, whichever library read it: its characters, the edges of its visible
lines and rectangles, and the boxes of its pictures.

Everything is in pdfplumber's coordinates: points, x from the left, `top` and `bottom` down from
the top of the page's MediaBox. Characters are pdfplumber's character dicts (`_pdf_text.Char`),
edges pdfplumber's edge dicts. pdfplumber's own reading of a page is `plumber_page`; pdfium's is
`_pdfium`. Tables from the edges and lines from the characters come after, and do not know which
library read the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nianbao.adapters._pdf_tables import BBox, visible
from nianbao.adapters._pdf_text import Char

if TYPE_CHECKING:
    from pdfplumber.page import Page


@dataclass
class PageRead:
    number: int  # 1-based
    width: float
    height: float
    #: As the PDF draws them: fake-bold duplicates and unmapped glyphs still in.
    chars: list[Char]
    #: Edges (pdfplumber's) of the lines, rectangles and curves a reader sees.
    edges: list[dict[str, Any]]
    #: (x0, top, x1, bottom) of each picture.
    pictures: list[BBox]
    #: Characters that were half a surrogate pair, each now U+FFFD (pdfium passes them on).
    lone_surrogates: int = 0
    #: Characters of fonts without a ToUnicode map whose Unicode pdfium took from the font's
    #: own encoding or character map (pdfminer leaves them unmapped).
    font_unicode: int = 0
    #: Characters of fonts with a ToUnicode map whose Unicode the map does not give: pdfium's
    #: reading of the font's encoding or own map (`_pdf_unicode_maps`).
    outside_map: int = 0
    #: From where to where, left to right, the page is seen: its CropBox within its MediaBox
    #: (None: the whole width).
    visible: tuple[float, float] | None = None
    #: (x0, x1) of the area the page's drawing is clipped to (a browser's print with margins
    #: draws a table wider than the paper on past them, and what lies beyond is not shown);
    #: None when no drawing is cut by a page-tall clip, or the library does not say.
    area: tuple[float, float] | None = None

    def sides(self) -> tuple[float, float]:
        return self.visible if self.visible is not None else (0.0, self.width)


def plumber_page(page: Page) -> PageRead:
    """What pdfplumber (pdfminer's parse) reads of `page`."""
    return PageRead(
        number=page.page_number,
        width=float(page.width),
        height=float(page.height),
        chars=page.chars,
        edges=page.filter(visible).edges,
        pictures=[
            (float(i["x0"]), float(i["top"]), float(i["x1"]), float(i["bottom"]))
            for i in page.images
        ],
        visible=_visible(page),
    )


def _visible(page: Page) -> tuple[float, float] | None:
    """The CropBox's left and right in the page's coordinates (pdfplumber's are the MediaBox's,
    less its origin), where it is narrower than the MediaBox."""
    media, crop = page.mediabox, page.cropbox
    if page.rotation % 180:
        return None  # a turned page's sides are its boxes' tops and bottoms: not looked into
    left, right = float(crop[0]) - float(media[0]), float(crop[2]) - float(media[0])
    if left <= 0 and right >= float(page.width):
        return None
    return max(left, 0.0), min(right, float(page.width))
