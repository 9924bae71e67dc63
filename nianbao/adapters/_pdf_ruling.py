"""PDF ruling: a table's open end closed, and the text its rules enclose that no cell took.

A table finder makes a cell only where four rules meet. When a table breaks over a page, the
row at the foot of the page is often left open: the word processor draws its side rules down to
the page break but no rule under it (or draws that rule past the page's edge). The finder then
stops the table at the last closed row and the open row's text, figures and all, falls out of
the table into the prose. The same can happen at the head of the next page.

`closing_rules` finds such an open end, where the table's outer rules and at least one of its
inner column rules run on past its last (or first) horizontal rule over text, and returns the
horizontal rule that closes it, for the finder to run again with. `stray_lines` lists the text
that still lies inside a table's rules but in no cell, so that it can be reported rather than
lost in the prose without a word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Literal

from nianbao.adapters._pdf_tables import boundaries
from nianbao.adapters._pdf_text import Char, TextLine, group_lines

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in points from the top left

_ALIGN = 3.0  # a rule this close to a table's column boundary is that boundary (pdfplumber's snap)
_MIN_BAND = 6.0  # rules running on by less than this are a drawing's overhang, not an open row
# An open row is one row: a band taller than this many times the tallest row of the table is
# something else framed by the same rules (a page frame, a box below the table).
_MAX_BAND_ROWS = 2.0

End = Literal["bottom", "top"]


@dataclass(frozen=True)
class Rule:
    """A vertical rule: a line, or the side of a rectangle, at `x` from `top` to `bottom`."""

    x: float
    top: float
    bottom: float


@dataclass(frozen=True)
class Band:
    """The part of a table's ruling beyond its last (or first) closed row."""

    end: End
    x0: float
    top: float
    x1: float
    bottom: float

    def holds(self, char: Char) -> bool:
        return _inside((self.x0, self.top, self.x1, self.bottom), char)


def _inside(box: BBox, char: Char) -> bool:
    cx = (float(char["x0"]) + float(char["x1"])) / 2
    cy = (float(char["top"]) + float(char["bottom"])) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def vertical_rules(edges: Sequence[dict[str, Any]]) -> list[Rule]:
    """The vertical rules among a page's edges (pdfplumber's `page.edges`)."""
    return [
        Rule(float(e["x0"]), float(e["top"]), float(e["bottom"]))
        for e in edges
        if e.get("orientation") == "v"
    ]


def open_bands(bbox: BBox, rules: Sequence[Rule]) -> list[Band]:
    """Where both outer rules of the table at `bbox` run on past its bottom, or above its top:
    the band between its last closed row and where the shorter of the two stops."""
    bands = []
    for end in ("bottom", "top"):
        left, right = _reach(bbox[0], bbox, rules, end), _reach(bbox[2], bbox, rules, end)
        if left is None or right is None:
            continue
        if end == "bottom":
            bands.append(Band(end, bbox[0], bbox[3], bbox[2], min(left, right)))
        else:
            bands.append(Band(end, bbox[0], max(left, right), bbox[2], bbox[1]))
    return bands


def _reach(x: float, bbox: BBox, rules: Sequence[Rule], end: End) -> float | None:
    """How far past the table's `end` the rules at `x` run, following rules that touch; None
    when they stop short of `_MIN_BAND`."""
    at_x = sorted(
        (r for r in rules if abs(r.x - x) <= _ALIGN),
        key=lambda r: r.top if end == "bottom" else -r.bottom,
    )
    edge = bbox[3] if end == "bottom" else bbox[1]
    reach = edge
    for rule in at_x:
        if end == "bottom" and rule.top <= reach + _ALIGN and rule.bottom > reach:
            reach = rule.bottom
        elif end == "top" and rule.bottom >= reach - _ALIGN and rule.top < reach:
            reach = rule.top
    return None if abs(reach - edge) < _MIN_BAND else reach


def closing_rules(
    cells: Sequence[BBox], rules: Sequence[Rule], chars: Sequence[Char]
) -> list[dict[str, Any]]:
    """Horizontal rules (as pdfplumber line objects) that close the open ends of the table made
    of `cells`, each where its outer rules stop. Only a band that is one more row of the table:
    every column rule of the row next to it runs on through it (so its figures fall into their
    columns; a page frame has no such rules), it is not much taller than the table's rows, and
    it holds text."""
    xs, ys = (
        boundaries([v for b in cells for v in (b[0], b[2])], _ALIGN),
        boundaries([v for b in cells for v in (b[1], b[3])], _ALIGN),
    )
    if len(xs) < 3 or len(ys) < 2:
        return []
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    tallest = max(b - a for a, b in pairwise(ys))
    lines = []
    for band in open_bands(bbox, rules):
        if band.bottom - band.top > _MAX_BAND_ROWS * tallest:
            continue
        if not any(band.holds(c) for c in chars):
            continue
        edge = bbox[3] if band.end == "bottom" else bbox[1]
        far = band.bottom if band.end == "bottom" else band.top
        # the column rules of the row next to the band: its cells' sides
        columns = {
            x
            for b in cells
            if abs(b[3 if band.end == "bottom" else 1] - edge) <= _ALIGN
            for x in (b[0], b[2])
        }
        reaches = [_reach(x, bbox, rules, band.end) for x in columns]
        if all(r is not None and abs(r - edge) >= abs(far - edge) - _ALIGN for r in reaches):
            lines.append(_line(band.x0, far, band.x1))
    return lines


def _line(x0: float, y: float, x1: float) -> dict[str, Any]:
    return {
        "object_type": "line",
        "x0": x0,
        "x1": x1,
        "top": y,
        "bottom": y,
        "width": x1 - x0,
        "height": 0.0,
    }


def stray_lines(
    bbox: BBox, bands: Sequence[Band], chars: Sequence[Char], page: int
) -> list[TextLine]:
    """The lines of the text in `chars` (what no cell took) that lies inside a table's ruling:
    its box, or a band its rules run on into."""
    inside = [c for c in chars if _inside(bbox, c) or any(band.holds(c) for band in bands)]
    return group_lines(inside, page)
