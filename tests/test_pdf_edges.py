"""`_pdf_edges` makes, filters and merges edges exactly as pdfplumber's functions do (the same
dicts, in the same order, to the last bit), on every page of every PDF the tests hold, read by
either engine, and on many random edge sets drawn near the tolerances."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pdfplumber.table import TableSettings, merge_edges
from pdfplumber.utils.geometry import filter_edges, obj_to_edges

from nianbao.adapters._pdf_edges import (
    CROSSING_TOLERANCE,
    JOIN_TOLERANCE,
    MIN_LENGTH,
    PREFILTER_LENGTH,
    SNAP_TOLERANCE,
    long_enough,
    merged,
    object_edges,
)
from nianbao.adapters._pdf_page import PageRead
from tests.test_pdf_lattice import PDFS, _pages

Edge = dict[str, Any]


def _theirs(edges: list[Edge]) -> list[Edge]:
    merge: list[Edge] = merge_edges(edges, 3, 3, 3, 3)
    return merge


def test_the_tolerances_are_pdfplumbers_defaults() -> None:
    settings = TableSettings()
    assert (settings.snap_x_tolerance, settings.snap_y_tolerance) == (SNAP_TOLERANCE,) * 2
    assert (settings.join_x_tolerance, settings.join_y_tolerance) == (JOIN_TOLERANCE,) * 2
    assert settings.edge_min_length == MIN_LENGTH
    assert settings.edge_min_length_prefilter == PREFILTER_LENGTH
    assert (
        settings.intersection_x_tolerance,
        settings.intersection_y_tolerance,
    ) == (CROSSING_TOLERANCE,) * 2


def _same_filtering_and_merging(edges: list[Edge]) -> None:
    for orientation in ("h", "v", None):
        for length in (PREFILTER_LENGTH, MIN_LENGTH):
            assert long_enough(edges, orientation, length) == filter_edges(
                edges, orientation, min_length=length
            )
    horizontal, vertical = long_enough(edges, "h"), long_enough(edges, "v")
    for some in (horizontal, vertical, horizontal + vertical, vertical + horizontal):
        assert merged(some) == _theirs(some)


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_the_same_edges_merged_as_pdfplumbers_on_every_page(path: Path) -> None:
    pages: list[PageRead] = _pages(path.read_bytes())
    for page in pages:
        _same_filtering_and_merging(page.edges)


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_the_same_edges_of_lines_and_rectangles_as_pdfplumbers(path: Path) -> None:
    try:
        with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
            objects = [o for page in pdf.pages for o in (*page.lines, *page.rects)]
    except Exception:  # pdfminer's errors, whichever: a PDF it refuses has no objects to test
        return
    for obj in objects:
        assert object_edges(obj) == obj_to_edges(obj)
        for edge in object_edges(obj):
            assert object_edges(edge) == obj_to_edges(edge) == [edge]


def _random_object(rng: random.Random) -> dict[str, Any]:
    """A line (across, down, or slanted) or a rectangle, with all of pdfplumber's keys."""
    x0 = rng.choice([0, 10, 20.25, 33]) + rng.choice([0, 0.5, 2.9, 3, 3.1])
    top = rng.choice([0, 10, 20.5, 40]) + rng.choice([0, 0.1, 2.99, 3.0])
    width = rng.choice([0, 0, 0.5, 1, 2.5, 3, 12.7, 40])
    height = rng.choice([0, 0, 0.5, 1, 2.5, 3, 9.1, 40])
    kind = rng.choice(["line", "rect"])
    if kind == "line" and width and height:
        height = 0 if rng.random() < 0.5 else height
    page_height = 842.0
    return {
        "object_type": kind,
        "x0": x0,
        "x1": x0 + width,
        "top": top,
        "bottom": top + height,
        "doctop": top + rng.choice([0, 842.0]),
        "y0": page_height - (top + height),
        "y1": page_height - top,
        "width": width,
        "height": height,
        "stroke": True,
    }


def test_the_same_edges_as_pdfplumbers_on_random_objects() -> None:
    rng = random.Random(25)
    for _ in range(800):
        objects = [_random_object(rng) for _ in range(rng.randint(0, 16))]
        for obj in objects:
            assert object_edges(obj) == obj_to_edges(obj)
        edges = [e for obj in objects for e in object_edges(obj)]
        _same_filtering_and_merging(edges)
        # and edges with only the keys the table finder reads, as `_pdf_cuts` and the
        # random rulings of test_pdf_lattice give them
        bare = [
            {k: e[k] for k in ("orientation", "x0", "x1", "top", "bottom", "width", "height")}
            for e in edges
        ]
        _same_filtering_and_merging(bare)


def test_merging_an_edge_of_no_orientation_is_refused() -> None:
    with pytest.raises(ValueError, match="across"):
        merged([{"orientation": None, "x0": 0, "x1": 1, "top": 0, "bottom": 1}])


def test_a_curve_is_not_made_into_edges_here() -> None:
    with pytest.raises(ValueError, match="curve"):
        object_edges({"object_type": "curve", "pts": [(0, 0), (1, 1)]})
