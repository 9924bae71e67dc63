"""The edges of a page's lines and rectangles, and their merging, as pdfplumber's table finder
("lines" strategy, default settings) makes them: the same edge dicts, to the last bit.

pdfplumber's functions for these (`utils.geometry.obj_to_edges`, `filter_edges`;
`table.merge_edges`, with `snap_edges`, `snap_objects`, `join_edge_group`) live in modules that
import pdfminer, and with it charset_normalizer and cryptography: some 30-40 ms and several MB
that a PDF read by pdfium otherwise never needs. Here they are nianbao's, small enough to read,
and tests/test_pdf_edges.py checks them against pdfplumber's on every page of every PDF the
tests hold and on many random edge sets.

Merging an orientation's edges, as pdfplumber does it:

- *snap*: the edges' positions across (x0 of a vertical edge, top of a horizontal one) are
  clustered, each value joining the cluster of the one below it when within the tolerance of
  it, and every edge of a cluster is moved by the difference between the cluster's mean and
  its own position (so a coordinate that moves is `value + (mean - position)`, which is not
  always exactly the mean in floating point: pdfplumber's sums, kept);
- *join*: the edges on one line (the same position across) are taken in order of where they
  start, and one that starts within the tolerance of the end of the last kept extends it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

Edge = dict[str, Any]

#: pdfplumber's `TableSettings()` defaults, the only settings nianbao's tables use.
SNAP_TOLERANCE = 3.0  # snap_x_tolerance, snap_y_tolerance
JOIN_TOLERANCE = 3.0  # join_x_tolerance, join_y_tolerance
PREFILTER_LENGTH = 1.0  # edge_min_length_prefilter: edges shorter are dropped before merging
MIN_LENGTH = 3.0  # edge_min_length: merged edges shorter cross nothing
CROSSING_TOLERANCE = 3.0  # intersection_x_tolerance, intersection_y_tolerance


def object_edges(obj: dict[str, Any]) -> list[Edge]:
    """The edges of a line or a rectangle (pdfplumber's `obj_to_edges`); an edge is its own.
    A curve's edges are `_pdfium_graphics`'s, which keeps only its straight pieces."""
    kind = obj["object_type"]
    if "_edge" in kind:
        return [obj]
    if kind == "line":
        return [{**obj, "orientation": "h" if obj["top"] == obj["bottom"] else "v"}]
    if kind == "rect":
        return _rect_edges(obj)
    raise ValueError(f"no edges made here of a {kind!r}")


def _rect_edges(rect: dict[str, Any]) -> list[Edge]:
    """A rectangle's four sides: top, bottom, left, right, each the rectangle's dict with its
    extent across made nothing."""
    side = "rect_edge"
    return [
        {
            **rect,
            "object_type": side,
            "height": 0,
            "y0": rect["y1"],
            "bottom": rect["top"],
            "orientation": "h",
        },
        {
            **rect,
            "object_type": side,
            "height": 0,
            "y1": rect["y0"],
            "top": rect["top"] + rect["height"],
            "doctop": rect["doctop"] + rect["height"],
            "orientation": "h",
        },
        {**rect, "object_type": side, "width": 0, "x1": rect["x0"], "orientation": "v"},
        {**rect, "object_type": side, "width": 0, "x0": rect["x1"], "orientation": "v"},
    ]


def long_enough(
    edges: Iterable[Edge], orientation: str | None = None, min_length: float = PREFILTER_LENGTH
) -> list[Edge]:
    """The edges of `orientation` ("h", "v"; None: both) at least `min_length` long
    (pdfplumber's `filter_edges`: an edge of no orientation is measured across, as "h")."""
    return [
        e
        for e in edges
        if (orientation is None or e["orientation"] == orientation)
        and e["height" if e["orientation"] == "v" else "width"] >= min_length
    ]


def merged(
    edges: Sequence[Edge], snap: float = SNAP_TOLERANCE, join: float = JOIN_TOLERANCE
) -> list[Edge]:
    """The edges snapped to their clusters' positions and joined where they meet or nearly
    (pdfplumber's `merge_edges` with both tolerances of each kind equal): the horizontal ones
    first, then the vertical, each kind by position, then by where it starts."""
    vertical = [e for e in edges if e["orientation"] == "v"]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    if len(vertical) + len(horizontal) < len(edges):
        raise ValueError("an edge to merge must run across ('h') or down ('v')")
    if snap > 0:
        edges = _snapped(vertical, "x0", snap) + _snapped(horizontal, "top", snap)

    def line(edge: Edge) -> tuple[str, Any]:
        return ("h", edge["top"]) if edge["orientation"] == "h" else ("v", edge["x0"])

    out: list[Edge] = []
    for (orientation, _), on_line in itertools.groupby(sorted(edges, key=line), key=line):
        out += _joined(list(on_line), orientation, join)
    return out


def _snapped(edges: list[Edge], position: str, tolerance: float) -> list[Edge]:
    """The edges by cluster of `position` (in order of the clusters' values, each cluster's
    edges in their order), each moved to its cluster's mean."""
    cluster_of = _clusters([e[position] for e in edges], tolerance)
    by_cluster = sorted(edges, key=lambda e: cluster_of[e[position]])  # stable: their order
    out: list[Edge] = []
    for _, group in itertools.groupby(by_cluster, key=lambda e: cluster_of[e[position]]):
        cluster = list(group)
        mean = sum(e[position] for e in cluster) / len(cluster)
        out += [_moved(e, position, mean - e[position]) for e in cluster]
    return out


def _clusters(values: list[Any], tolerance: float) -> dict[Any, int]:
    """Each distinct value's cluster, numbered from the lowest: sorted, a value joins the
    cluster of the value before it when within `tolerance` of it (so a cluster can be wider
    than the tolerance)."""
    cluster_of: dict[Any, int] = {}
    cluster = 0
    last = None
    for value in sorted(set(values)):
        if last is not None and not value <= last + tolerance:
            cluster += 1
        cluster_of[value] = cluster
        last = value
    return cluster_of


def _moved(edge: Edge, position: str, by: float) -> Edge:
    """The edge moved `by` across itself: a vertical one (`position` x0) right, a horizontal
    one (top) down, with its other coordinates that say where it is."""
    if position == "x0":
        return {**edge, "x0": edge["x0"] + by, "x1": edge["x1"] + by}
    moved = {**edge, "top": edge["top"] + by, "bottom": edge["bottom"] + by}
    if "doctop" in edge:
        moved["doctop"] = edge["doctop"] + by
    if "y0" in edge:  # up from the page's foot: moved down, they fall
        moved["y0"] = edge["y0"] - by
        moved["y1"] = edge["y1"] - by
    return moved


def _joined(edges: list[Edge], orientation: str, tolerance: float) -> list[Edge]:
    """Edges on one line, in order of where they start, each that starts within `tolerance`
    of the end of the last kept one extending it (when it ends further), the others kept."""
    start, end = ("x0", "x1") if orientation == "h" else ("top", "bottom")
    kept: list[Edge] = []
    for edge in sorted(edges, key=lambda e: e[start]):
        if not kept or not edge[start] <= kept[-1][end] + tolerance:
            kept.append(edge)
        elif edge[end] > kept[-1][end]:
            kept[-1] = _extended(kept[-1], end, edge[end])
    return kept


def _extended(edge: Edge, end: str, to: float) -> Edge:
    """The edge with its `end` (x1 or bottom) moved to `to`, its length changed by as much."""
    if end == "x1":
        return {**edge, "x1": to, "width": to - edge["x0"]}
    grown = to - edge["bottom"]
    extended = {**edge, "bottom": to, "height": edge["height"] + grown}
    if "y0" in edge:
        extended["y0"] = edge["y0"] - grown
    return extended
