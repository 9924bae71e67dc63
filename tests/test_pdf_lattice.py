"""`_pdf_lattice.find_tables` finds what pdfplumber's own `TableFinder` finds, cell for cell and
in the same order, on every page of every PDF the tests hold, read by either engine, with and
without a horizontal line added (as the open row at a page's foot is closed)."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pdfplumber.table import (
    TableFinder,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
)

from nianbao.adapters._pdf_lattice import _cells, _crossings, find_tables, group_cells
from nianbao.adapters._pdf_page import PageRead, plumber_page
from nianbao.adapters._pdfium import PdfiumDocument
from nianbao.adapters._pdfium_api import LOCK
from nianbao.errors import DocumentLoadError
from tests.fixtures.pdf.written import Page, document, ruled_table

ROOT = Path(__file__).resolve().parent.parent
PDFS = sorted(
    [*(ROOT / "tests").rglob("*.pdf"), *(ROOT / "samples").rglob("*.pdf")],
    key=lambda p: str(p.relative_to(ROOT)),
)


class _Ruled:
    """What `TableFinder` reads of a page."""

    def __init__(self, page: PageRead) -> None:
        self.edges = page.edges
        self.bbox = (0.0, 0.0, page.width, page.height)


def _pages(data: bytes) -> list[PageRead]:
    out: list[PageRead] = []
    try:
        with LOCK:
            pdfium = PdfiumDocument(data, "x.pdf")
            out += [read for i in range(len(pdfium)) if (read := pdfium.page(i)) is not None]
            pdfium.close()
    except DocumentLoadError:  # refused: pdfplumber's pages may still be there
        pass
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            out += [plumber_page(page) for page in pdf.pages]
    except Exception:  # pdfminer's errors, whichever: a PDF it refuses has no pages to test
        pass
    return out


def _theirs(page: PageRead, lines: list[dict[str, Any]]) -> list[list[Any]]:
    ruled: Any = _Ruled(page)
    settings = {"explicit_horizontal_lines": lines} if lines else None
    return [list(table.cells) for table in TableFinder(ruled, settings).tables]


def _across(page: PageRead, top: float) -> dict[str, Any]:
    return {
        "object_type": "line",
        "x0": 0.0,
        "x1": page.width,
        "top": top,
        "bottom": top,
        "width": page.width,
        "height": 0.0,
    }


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_the_same_cells_as_pdfplumbers_table_finder(path: Path) -> None:
    for page in _pages(path.read_bytes()):
        assert find_tables(page.edges) == _theirs(page, [])
        lines = [_across(page, page.height / 2), _across(page, page.height * 0.8)]
        assert find_tables(page.edges, lines) == _theirs(page, lines)


def test_the_same_cells_on_a_big_table() -> None:
    rows = [[f"r{r}c{c}" for c in range(8)] for r in range(30)]
    data = document([Page(ruled_table(40, 800, rows, [60] * 8, rects=r)) for r in (False, True)])
    pages = _pages(data)
    assert len(pages) == 4
    for page in pages:
        found = find_tables(page.edges)
        assert len(found) == 1 and len(found[0]) == 30 * 8
        assert found == _theirs(page, [])


def _random_ruling(rng: random.Random) -> list[dict[str, Any]]:
    """Edges on a coarse grid, some nudged within or just past the tolerances (3 points), some
    running short of a crossing or past it: what near-miss rulings give."""
    edges: list[dict[str, Any]] = []
    for _ in range(rng.randint(0, 14)):
        x = rng.choice([0, 10, 20, 30, 40.5, 41]) + rng.choice([0, 0, 0.5, 3, 3.5])
        low, high = sorted(rng.sample([0, 10, 20, 30, 40, 50], 2))
        top = low + rng.choice([0, 0, 1, 3.2])
        bottom = high + rng.choice([0, 0, -1, 2.9])
        edges.append({"orientation": "v", "x0": x, "x1": x, "top": top, "bottom": bottom})
    for _ in range(rng.randint(0, 14)):
        y = rng.choice([0, 10, 20, 30, 40, 50]) + rng.choice([0, 0, 0.5, 3, 3.1])
        left, right = sorted(rng.sample([0, 10, 20, 30, 40, 41], 2))
        x0 = left + rng.choice([0, 0, 2.9, -3.1])
        x1 = right + rng.choice([0, 0, 3, -2])
        edges.append({"orientation": "h", "x0": x0, "x1": x1, "top": y, "bottom": y})
    return edges


def test_the_same_crossings_cells_and_tables_as_pdfplumbers_steps_on_random_rulings() -> None:
    """Each step `_pdf_lattice` does its own way gives what pdfplumber's step gives, on rulings
    no PDF of the tests draws: crossings within the tolerances, cells, their tables."""
    rng = random.Random(24)
    for _ in range(600):
        edges = _random_ruling(rng)
        points = edges_to_intersections(edges, 3, 3)
        through = _crossings(edges, 3, 3)
        assert sorted(through) == sorted(points)
        for point, edges_there in points.items():
            assert through[point] == (
                {(e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges_there["v"]},
                {(e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges_there["h"]},
            )
        cells = intersections_to_cells(points)
        assert _cells(through) == cells
        assert group_cells(cells) == [list(table) for table in cells_to_tables(cells)]
