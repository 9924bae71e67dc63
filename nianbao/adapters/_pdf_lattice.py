"""Tables from ruling lines: pdfplumber's table finder ("lines" strategy, default settings),
its slow steps done in less time.

The edges are merged (snapped, joined) as pdfplumber merges them (`_pdf_edges`, without
importing pdfminer). A cell is the smallest rectangle whose corners are crossings joined by
edges; pdfplumber's `intersections_to_cells` finds them by building, for every pair of points
it compares, the sets of edges through each anew, and scanning every later point for those
below and to the right: with pdfminer's parse gone, the largest part of reading a page with a
big table. Here each crossing is found with the boxes of the edges through it (`_crossings`:
pdfplumber's `edges_to_intersections`, which sorts the horizontal edges again for each
vertical one and tries them all), `_cells` does the same search with those boxes looked up,
and `group_cells` groups the cells into tables by pdfplumber's `cells_to_tables` passes without
its removals from a list: the same cells, in the same order, in the same tables
(tests/test_pdf_lattice.py compares them on every page of every PDF the tests hold).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from nianbao.adapters._pdf_edges import (
    CROSSING_TOLERANCE,
    MIN_LENGTH,
    long_enough,
    merged,
    object_edges,
)
from nianbao.adapters._pdf_tables import BBox

Point = tuple[float, float]


def find_tables(
    edges: Sequence[dict[str, Any]], horizontal: Sequence[dict[str, Any]] = ()
) -> list[list[BBox]]:
    """The cells of each table the page's `edges` rule, as `Page.find_tables()` gives them;
    `horizontal` are lines to add (`explicit_horizontal_lines`)."""
    return Lattice(edges).tables(horizontal)


class Lattice:
    """A page's ruling, for its tables to be found more than once with other horizontal lines
    added (a row left open closed, `pdf._ruled_boxes`). pdfplumber merges (snaps and joins)
    vertical and horizontal edges apart, each by its own coordinate, and lists the merged
    horizontal ones first: the vertical ones, which added horizontal lines do not change, are
    merged once."""

    def __init__(self, edges: Sequence[dict[str, Any]]) -> None:
        self._horizontal = long_enough(edges, "h")
        self._vertical = merged(long_enough(edges, "v"))

    def tables(self, horizontal: Sequence[dict[str, Any]] = ()) -> list[list[BBox]]:
        """`find_tables` of the page's edges and the lines `horizontal`."""
        explicit = [e for line in horizontal for e in object_edges(line) if e["orientation"] == "h"]
        edges = merged(self._horizontal + explicit) + self._vertical
        through = _crossings(
            long_enough(edges, min_length=MIN_LENGTH), CROSSING_TOLERANCE, CROSSING_TOLERANCE
        )
        return group_cells(_cells(through))


#: The boxes of the vertical and of the horizontal edges through a crossing.
Through = dict[Point, tuple[set[BBox], set[BBox]]]


def _crossings(edges: Sequence[dict[str, Any]], x_tolerance: float, y_tolerance: float) -> Through:
    """pdfplumber's `edges_to_intersections`, each crossing with the boxes of the edges
    through it (what `intersections_to_cells` compares), each edge's box made once."""
    vertical = [(e["x0"], e["top"], e["bottom"], _box(e)) for e in edges if e["orientation"] == "v"]
    horizontal = sorted(
        (e["top"], e["x0"], e["x1"], _box(e))
        for e in edges
        if e["orientation"] == "h" and e["top"] == e["top"]  # a NaN crosses nothing, unsortable
    )
    tops = [h[0] for h in horizontal]
    through: Through = {}
    for x, top, bottom, v_box in vertical:
        # pdfplumber's test holds only of horizontal edges whose top is within the vertical
        # edge's reach: those are a run of them sorted by top, found with a margin (one more
        # tolerance, for the rounding of the sums) and tested as pdfplumber tests them
        start = bisect.bisect_left(tops, top - 2 * y_tolerance)
        stop = bisect.bisect_right(tops, bottom + 2 * y_tolerance)
        for h_top, h_x0, h_x1, h_box in horizontal[start:stop]:
            if (
                top <= h_top + y_tolerance
                and bottom >= h_top - y_tolerance
                and h_x0 - x_tolerance <= x <= h_x1 + x_tolerance
            ):
                v_boxes, h_boxes = through.setdefault((x, h_top), (set(), set()))
                v_boxes.add(v_box)
                h_boxes.add(h_box)
    return through


def _cells(through: Through) -> list[BBox]:
    """pdfplumber's `intersections_to_cells`: for each point, in order, the first rectangle
    (nearest corner below first, then nearest to the right) whose sides are edges.

    Two points are joined when an edge runs through both: points of one column share a
    vertical edge, of one row a horizontal one (pdfplumber's `edge_connects` tries both kinds,
    but two points of a column are never in one row)."""
    points = sorted(through)
    column: dict[float, list[Point]] = defaultdict(list)  # points at each x, top to bottom
    row: dict[float, list[Point]] = defaultdict(list)  # points at each top, left to right
    place: dict[Point, tuple[int, int]] = {}
    for point in points:
        place[point] = (len(column[point[0]]), len(row[point[1]]))
        column[point[0]].append(point)
        row[point[1]].append(point)

    def smallest(point: Point) -> BBox | None:
        down, across = place[point]
        vertical, horizontal = through[point]
        for low in column[point[0]][down + 1 :]:
            if vertical.isdisjoint(through[low][0]):
                continue
            for side in row[point[1]][across + 1 :]:
                if horizontal.isdisjoint(through[side][1]):
                    continue
                corner = through.get((side[0], low[1]))
                if (
                    corner is not None
                    and not corner[0].isdisjoint(through[side][0])
                    and not corner[1].isdisjoint(through[low][1])
                ):
                    return (point[0], point[1], side[0], low[1])
        return None

    return [cell for point in points if (cell := smallest(point)) is not None]


def group_cells(cells: list[BBox]) -> list[list[BBox]]:
    """pdfplumber's `cells_to_tables`: the cells grouped into tables, a cell joining the table
    being gathered when it shares a corner with a cell of it, pass after pass over the cells
    left (in their order) until a pass adds none; tables of more than one cell, the topmost
    (then leftmost) first. The same passes, without removing each cell from a list."""
    tables: list[list[BBox]] = []
    left = cells
    while left:
        table, rest = [left[0]], left[1:]
        x0, top, x1, bottom = left[0]
        corners = {(x0, top), (x0, bottom), (x1, top), (x1, bottom)}
        while True:
            kept = []
            for cell in rest:
                x0, top, x1, bottom = cell
                ends = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
                if any(end in corners for end in ends):
                    corners.update(ends)
                    table.append(cell)
                else:
                    kept.append(cell)
            if len(kept) == len(rest):
                break
            rest = kept
        tables.append(table)
        left = rest
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def _box(edge: dict[str, Any]) -> BBox:
    return (edge["x0"], edge["top"], edge["x1"], edge["bottom"])
