"""Conversion time per input format, side by side with markitdown on the same files.

    python benchmarks/bench_formats.py [FILES...] [--repeat N]

With no files: the 2021 report as DOCX, XLSX and HTML (samples/), the blank template, the .xls
and (when LibreOffice is installed) the .doc fixtures, and a generated workbook of 20,000 cells
to show how the XLSX adapter scales. Each file is converted once to warm up, then N times; the
median wall time is shown. "adapter" is nianbao's adapter alone (bytes to `Document`); "nianbao"
is the whole conversion, which includes sniffing, the structure and annual-report
profile and schema validation; markitdown's are its conversion to Markdown, which keeps no
spans, origins or figures, so it is a floor for "just reading the file", not a like-for-like
competitor.

markitdown is optional and never a dependency of nianbao. To include it:

    .venv/bin/pip install 'markitdown[docx,xlsx]'

Without it its column reads "not installed". It cannot read .doc, and its HTML converter
does not honour a GBK `<meta charset>` given bytes without a hint, so some cells are "failed".
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import openpyxl

import nianbao
from nianbao.adapters.registry import default_registry
from nianbao.adapters.sniff import InputInfo, sniff

ROOT = Path(__file__).resolve().parent.parent
_DEFAULT = [
    ROOT / "samples" / "docx" / "report-2021-filled.docx",
    ROOT / "samples" / "real" / "template-2021-blank.docx",
    ROOT / "samples" / "xlsx" / "report-2021-tables.xlsx",
    ROOT / "tests" / "fixtures" / "report-2021.xls",
    ROOT / "samples" / "html" / "report-2021.html",
]


def _median(run: Callable[[], object], repeat: int) -> float:
    run()  # warm-up: imports, caches, the schema validator
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _markitdown() -> Callable[[Path], object] | None:
    try:
        from markitdown import MarkItDown  # noqa: PLC0415 - optional, for comparison only
    except ImportError:
        return None
    converter = MarkItDown()
    return lambda path: converter.convert(str(path))


def _big_workbook(directory: Path, rows: int = 2000, cols: int = 10) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([f"列{c}" for c in range(cols)])
    for r in range(rows - 1):
        sheet.append([r * cols + c for c in range(cols)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=2)
    path = directory / f"generated-{rows * cols}-cells.xlsx"
    out = io.BytesIO()
    workbook.save(out)
    path.write_bytes(out.getvalue())
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    markitdown = _markitdown()
    with tempfile.TemporaryDirectory() as tmp:
        files = args.files or [*_DEFAULT, _big_workbook(Path(tmp))]
        if not args.files and shutil.which("soffice"):
            files.insert(2, ROOT / "tests" / "fixtures" / "report-2021.doc")
        print(
            f"nianbao {nianbao.__version__}, Python {sys.version.split()[0]}, "
            f"repeat {args.repeat}, markitdown {'yes' if markitdown else 'not installed'}"
        )
        print(
            f"{'file':<34} {'KiB':>7} {'adapter ms':>11} {'nianbao ms':>11} {'markitdown ms':>14}"
        )
        registry = default_registry()
        for path in files:
            data = path.read_bytes()
            info = InputInfo(name=path.name, size=len(data), format=sniff(data))
            adapter = registry.find(data[:8192], info)
            assert adapter is not None, f"no adapter reads {path}"
            alone = _median(partial(adapter.convert, data, info), args.repeat)
            ours = _median(partial(nianbao.convert, data, filename=path.name), args.repeat)
            theirs = "not installed"
            if markitdown is not None:
                try:
                    theirs = f"{_median(partial(markitdown, path), args.repeat) * 1e3:.2f}"
                except Exception as exc:  # report, don't stop: their failure is a result too
                    theirs = f"failed ({type(exc).__name__})"
            print(
                f"{path.name:<34} {len(data) / 1024:>7.1f} {alone * 1e3:>11.2f} "
                f"{ours * 1e3:>11.2f} {theirs:>14}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
