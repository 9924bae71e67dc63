"""Tables from ruling lines: pdfplumber's table finder ("lines" strategy, default settings),
its slow step done in less time.

The edges are merged (snapped, joined) and their crossings found by pdfplumber's own functions,
and its cells grouped into tables by its own `cells_to_tables`. A cell is the smallest rectangle
whose corners are crossings joined by edges; pdfplumber's `intersections_to_cells` finds them
by building, for every pair of points it compares, the sets of edges through each anew, and
scanning every later point for those below and to the right: with pdfminer's parse gone, the
largest part of reading a page with a big table. `_cells` does the same search with each
point's edges taken once and its neighbours looked up, so the cells are the same, in the same
order (tests/test_pdf_lattice.py compares them on every page of every PDF the tests hold).
The crossings are found as `edges_to_intersections` finds them, but with the horizontal edges
sorted once, not once for each vertical one, and only those whose height a vertical edge
reaches tried against it.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

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
        from pdfplumber.table import TableSettings, merge_edges  # noqa: PLC0415
        from pdfplumber.utils.geometry import filter_edges  # noqa: PLC0415

        self._settings = settings = TableSettings()
        self._horizontal = filter_edges(edges, "h", min_length=settings.edge_min_length_prefilter)
        self._vertical = self._merged(
            filter_edges(edges, "v", min_length=settings.edge_min_length_prefilter), merge_edges
        )

    def _merged(self, edges: list[dict[str, Any]], merge: Any) -> list[dict[str, Any]]:
        settings = self._settings
        merged: list[dict[str, Any]] = merge(
            edges,
            settings.snap_x_tolerance,
            settings.snap_y_tolerance,
            settings.join_x_tolerance,
            settings.join_y_tolerance,
        )
        return merged

    def tables(self, horizontal: Sequence[dict[str, Any]] = ()) -> list[list[BBox]]:
        """`find_tables` of the page's edges and the lines `horizontal`."""
        from pdfplumber.table import (  # noqa: PLC0415  # pdfplumber imports pdfminer: ~150 ms
            cells_to_tables,
            merge_edges,
        )
        from pdfplumber.utils.geometry import filter_edges, obj_to_edges  # noqa: PLC0415

        settings = self._settings
        explicit = [e for line in horizontal for e in obj_to_edges(line) if e["orientation"] == "h"]
        merged = self._merged(self._horizontal + explicit, merge_edges) + self._vertical
        through = _crossings(
            filter_edges(merged, min_length=settings.edge_min_length),
            settings.intersection_x_tolerance,
            settings.intersection_y_tolerance,
        )
        return [list(table) for table in cells_to_tables(_cells(through))]


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
    (nearest corner below first, then nearest to the right) whose sides are edges."""

    def joined(p: Point, q: Point) -> bool:
        if p[0] == q[0] and not through[p][0].isdisjoint(through[q][0]):
            return True
        return p[1] == q[1] and not through[p][1].isdisjoint(through[q][1])

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
        for low in column[point[0]][down + 1 :]:
            if not joined(point, low):
                continue
            for side in row[point[1]][across + 1 :]:
                if not joined(point, side):
                    continue
                corner = (side[0], low[1])
                if corner in through and joined(corner, side) and joined(corner, low):
                    return (point[0], point[1], corner[0], corner[1])
        return None

    return [cell for point in points if (cell := smallest(point)) is not None]


def _box(edge: dict[str, Any]) -> BBox:
    return (edge["x0"], edge["top"], edge["x1"], edge["bottom"])
