"""camelot-py as the PDF adapter's second table engine (`PdfOptions(table_engine=...)`).

camelot reports a grid of cells, each saying which of its four sides has a ruling line; a side
without one joins the cell to its neighbour, so merged cells are unions of grid cells. Only the
cell boxes are used: the text comes from the characters the PDF engine read (`pdf_engine`), so
the two engines differ in where they see cells and nowhere else. camelot measures from the
bottom of the page, the report from the top; `flip` turns one into the other.

Memory: camelot's lattice flavour renders each page at 300 dpi for OpenCV (35 MB an A4 page), one
page at a time, and loads pandas, which loads pyarrow. pyarrow's default allocator (mimalloc)
reserves a 1 GiB arena of address space up front: no memory is used, but the worker's limit
(`RLIMIT_AS`, `--memory-limit`) counts address space, so half the default 2 GiB was gone before
a page was rendered and OpenCV's first page image failed ("Insufficient memory"). Choosing the
system allocator for pyarrow, before anything makes its first pool, takes the peak from 2.0 GB
of address space to 1.0 GB (hongze-2024.pdf). If a limit is still too small, the error says
so, naming the engine, never blaming the PDF.
"""

from __future__ import annotations

import os
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

from nianbao.errors import (
    DocumentLoadError,
    MemoryLimitError,
    MissingDependencyError,
    out_of_memory,
)

Box = tuple[float, float, float, float]

# The least --memory-limit under which the lattice flavour read samples/real/hongze-2024.pdf (A4
# pages) with the pipeline loaded; a larger page needs more.
_CAMELOT_PEAK = "1.2 GiB"

# Pages rendered by pdfium (which nianbao has) and by nothing else: when pdfium fails, as it does
# under a memory limit, camelot would try ghostscript, and its failure ("Ghostscript is not
# installed") would hide pdfium's. The stream flavour renders nothing and takes no such options.
_RENDER_LATTICE = {"backend": "pdfium", "use_fallback": False}

# Address space that importing camelot takes (OpenCV, pandas, pyarrow and their thread pools:
# 680 MiB measured). Under a limit that leaves less, a C extension's initialiser can crash the
# worker (SIGSEGV under --memory-limit 500M) instead of raising, so the room is checked first.
_IMPORT_ROOM = 700 * 2**20


def camelot_boxes(data: bytes, engine: str, source: str) -> dict[int, list[list[Box]]]:
    """Per page, the cell boxes of each table camelot finds, in PDF coordinates (y up)."""
    # Read by pyarrow when it makes its default pool; an allocator already chosen stays.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    if "camelot.io" not in sys.modules and _address_space_left() < _IMPORT_ROOM:
        raise MemoryLimitError(_needs_more_memory(engine), source=source)
    try:
        from camelot.io import read_pdf  # noqa: PLC0415  # heavy (OpenCV, pandas): only if chosen
    except ImportError as exc:
        if out_of_memory(exc):  # the loader had no room to map OpenCV or pandas
            raise MemoryLimitError(_needs_more_memory(engine), source=source) from exc
        raise MissingDependencyError(
            f"the camelot table engine needs camelot-py ({exc}): pip install 'nianbao[camelot]'",
            source=source,
        ) from exc
    flavor = engine.removeprefix("camelot-")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.pdf"  # camelot reads only from a file
        path.write_bytes(data)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "no tables found on page N" is not news
                tables = read_pdf(
                    str(path),
                    pages="all",
                    flavor=flavor,
                    **(_RENDER_LATTICE if flavor == "lattice" else {}),
                )
        except Exception as exc:  # camelot raises whatever its parsers raise
            if _ran_out_of_memory(exc):  # OpenCV's "Insufficient memory": the limit, not the PDF
                raise MemoryLimitError(_needs_more_memory(engine), source=source) from exc
            raise DocumentLoadError(f"camelot cannot read the PDF: {exc}", source=source) from exc
    out: dict[int, list[list[Box]]] = {}
    for table in tables:
        boxes = _merged(table.cells) if flavor == "lattice" else _single(table.cells)
        out.setdefault(int(table.page), []).append(boxes)
    return out


def _address_space_left() -> int:
    """How much more address space this process may take under its `RLIMIT_AS` (the worker's
    memory limit); as good as unlimited where there is no limit or it cannot be read."""
    if sys.platform == "win32":
        return sys.maxsize  # no RLIMIT_AS: the worker's limit is the time limit alone
    import resource  # noqa: PLC0415  # POSIX only

    limit, _ = resource.getrlimit(resource.RLIMIT_AS)
    if limit == resource.RLIM_INFINITY:
        return sys.maxsize
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return sys.maxsize
    return limit - pages * os.sysconf("SC_PAGE_SIZE")


def _ran_out_of_memory(exc: BaseException | None) -> bool:
    """Whether `exc` or what it wraps says memory ran out: camelot wraps a failed page render
    (a `MemoryError` from pdfium's bitmap) in its own `ImageConversionError`."""
    seen = 0
    while exc is not None and seen < 10:
        if out_of_memory(exc):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _needs_more_memory(engine: str) -> str:
    return (
        f"the {engine} table engine needed more memory than the limit allows (it renders "
        f"each page at 300 dpi for OpenCV, about {_CAMELOT_PEAK} at its peak): raise "
        "--memory-limit, or use --table-engine pdfplumber"
    )


def flip(boxes: list[Box], height: float) -> list[Box]:
    """(x1, y1, x2, y2) measured from the bottom -> (x0, top, x1, bottom) from the top."""
    return [(x1, height - y2, x2, height - y1) for x1, y1, x2, y2 in boxes]


def _single(grid: list[list[Any]]) -> list[Box]:
    return [(c.x1, c.y1, c.x2, c.y2) for row in grid for c in row]


def _merged(grid: list[list[Any]]) -> list[Box]:
    parent = {(r, c): (r, c) for r, row in enumerate(grid) for c in range(len(row))}

    def find(key: tuple[int, int]) -> tuple[int, int]:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if not cell.right and c + 1 < len(row):
                parent[find((r, c + 1))] = find((r, c))
            if not cell.bottom and r + 1 < len(grid):
                parent[find((r + 1, c))] = find((r, c))
    boxes: dict[tuple[int, int], list[float]] = {}
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            box = boxes.setdefault(find((r, c)), [cell.x1, cell.y1, cell.x2, cell.y2])
            box[:] = [
                min(box[0], cell.x1),
                min(box[1], cell.y1),
                max(box[2], cell.x2),
                max(box[3], cell.y2),
            ]
    return [(b[0], b[1], b[2], b[3]) for b in boxes.values()]
