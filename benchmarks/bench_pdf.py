"""PDF reading speed, memory and figures, nianbao's engines beside markitdown and docling.

    python benchmarks/bench_pdf.py [FILES...] [--repeat N]

With no files: samples/real/hongze-2024.pdf and the PDFs under tests/fixtures/pdf/ that have a
text layer. Each engine runs in a subprocess of its own per file, one thread (OMP/MKL/torch
threads set to 1), so that its imports and peak resident memory (`ru_maxrss`, whole process,
imports included) are its own. One warm-up conversion, then N timed ones: pages per second is
pages / median wall time, pages per CPU-second is pages / median process CPU time (the number
to compare with "10 pages per second per core").

"figures" counts canonical figures read right: for hongze against what the PDF prints
(tests/fixtures/pdf/expected.py), for the LibreOffice fixture against the DOCX it was printed
from. markitdown's and docling's text is fed to nianbao's text adapter for that, which is what
using them as nianbao's PDF front end would give.

Engines, each skipped with a note when not installed:
    nianbao            pdfium reads, pdfplumber's table finder      installed with nianbao
                       (the default)
    nianbao-pdfplumber pdfplumber (pdfminer) reads, same finder     installed with nianbao
    nianbao-lattice    camelot lattice tables                       pip install 'nianbao[camelot]'
    nianbao-stream     camelot stream tables                        pip install 'nianbao[camelot]'
    markitdown         markitdown's PDF converter (pdfminer text)   pip install 'markitdown[pdf]'
    docling-parse      docling's model-free native parser: text     pip install torch==2.13.0
                       lines with positions, no layout model,       then pip install docling
                       no OCR, no tables
docling's DocumentConverter cannot run offline even with PdfPipelineOptions(do_ocr=False,
do_table_structure=False): its StandardPdfPipeline always builds the layout model, whose weights
it downloads from the Hugging Face hub at run time. docling-parse is the part that needs none.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
DEFAULT_FILES = [
    ROOT / "samples" / "real" / "hongze-2024.pdf",
    FIXTURES / "report-2021-libreoffice.pdf",
    FIXTURES / "split-table.pdf",
    FIXTURES / "framed-prose.pdf",
]
ENGINES = (
    "nianbao",
    "nianbao-pdfplumber",
    "nianbao-lattice",
    "nianbao-stream",
    "markitdown",
    "docling-parse",
)
NEEDS = {
    "nianbao-lattice": ("camelot", "pip install 'nianbao[camelot]'"),
    "nianbao-stream": ("camelot", "pip install 'nianbao[camelot]'"),
    "markitdown": ("markitdown", "pip install 'markitdown[pdf]'"),
    "docling-parse": ("docling_parse", "pip install torch==2.13.0 docling"),
}
ONE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "TORCH_NUM_THREADS": "1",
}


# --- in the worker process -------------------------------------------------------------------


def _nianbao(engine: str) -> Callable[[Path], tuple[int, Any]]:
    from nianbao.adapters.pdf import PdfAdapter  # noqa: PLC0415
    from nianbao.adapters.pdf_options import PdfOptions  # noqa: PLC0415
    from nianbao.adapters.registry import AdapterRegistry  # noqa: PLC0415
    from nianbao.convert.pipeline import convert_path  # noqa: PLC0415

    table_engine = {
        "nianbao": "pdfplumber",
        "nianbao-pdfplumber": "pdfplumber",
        "nianbao-lattice": "camelot-lattice",
    }.get(engine, "camelot-stream")
    pdf_engine = "pdfplumber" if engine == "nianbao-pdfplumber" else "pdfium"
    options = PdfOptions(table_engine=table_engine, pdf_engine=pdf_engine)  # type: ignore[arg-type]
    registry = AdapterRegistry([PdfAdapter(options)])

    def run(path: Path) -> tuple[int, Any]:
        report = convert_path(path, registry=registry)
        return report.source.pages or 0, report

    return run


def _markitdown() -> Callable[[Path], tuple[int, Any]]:
    from markitdown import MarkItDown  # noqa: PLC0415

    converter = MarkItDown()

    def run(path: Path) -> tuple[int, Any]:
        return _page_count(path), converter.convert(str(path)).text_content

    return run


def _docling_parse() -> Callable[[Path], tuple[int, Any]]:
    from docling_parse.pdf_parser import DoclingPdfParser  # noqa: PLC0415

    parser = DoclingPdfParser()

    def run(path: Path) -> tuple[int, Any]:
        document = parser.load(path_or_stream=str(path))
        lines: list[str] = []
        pages = 0
        for _, page in document.iterate_pages():
            pages += 1
            lines.extend(line.text for line in page.textline_cells)
        document.unload()
        return pages, "\n".join(lines)

    return run


def _page_count(path: Path) -> int:
    import pdfplumber  # noqa: PLC0415

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def _figures(result: Any) -> dict[str, Any]:
    """Canonical figures from an engine's result: a Report, or text fed to nianbao."""
    import nianbao  # noqa: PLC0415

    report = result
    if isinstance(result, str):
        try:
            report = nianbao.convert_document(result.encode(), filename="engine-output.txt")
        except nianbao.NianbaoError:
            return {}
    if report.annual_report is None:
        return {}
    return {k: f.value for k, f in report.annual_report.figures.items()}


def worker(engine: str, path: Path, repeat: int) -> dict[str, Any]:
    factory = {"markitdown": _markitdown, "docling-parse": _docling_parse}.get(engine)
    run = factory() if factory else _nianbao(engine)
    pages, result = run(path)  # warm-up: imports, caches
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run(path)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    # Linux reports ru_maxrss in KiB
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "pages": pages,
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "peak_mib": peak,
        "figures": _figures(result),
    }


# --- in the parent ---------------------------------------------------------------------------


def expected_figures(path: Path) -> dict[str, Any] | None:
    if path.name == "hongze-2024.pdf":
        sys.path.insert(0, str(ROOT))
        from tests.fixtures.pdf.expected import HONGZE_2024  # noqa: PLC0415

        return dict(HONGZE_2024)
    if path.name == "report-2021-libreoffice.pdf":
        import nianbao  # noqa: PLC0415

        annual = nianbao.convert_document(
            ROOT / "samples" / "docx" / "report-2021-filled.docx"
        ).annual_report
        return {k: f.value for k, f in annual.figures.items()} if annual else None
    return None


def measure(engine: str, path: Path, repeat: int) -> dict[str, Any] | str:
    need = NEEDS.get(engine)
    if need and importlib.util.find_spec(need[0]) is None:
        return f"not installed: {need[1]}"
    command = [sys.executable, __file__, "--worker", engine, str(path), "--repeat", str(repeat)]
    done = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **ONE_THREAD}, check=False
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return f"failed: {last[:120]}"
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        measured = worker(args.worker, args.files[0], args.repeat)
        print(json.dumps(measured, default=str))
        return 0
    files = args.files or DEFAULT_FILES
    print(f"Python {sys.version.split()[0]}, one thread per engine, repeat {args.repeat}")
    header = f"{'file':<30} {'engine':<18} {'pages':>5} {'pages/s':>8} {'pages/cpu-s':>11}"
    print(f"{header} {'peak RSS MiB':>12} {'figures':>9}")
    for path in files:
        expected = expected_figures(path)
        for engine in args.engines.split(","):
            result = measure(engine, path, args.repeat)
            if isinstance(result, str):
                print(f"{path.name[:30]:<30} {engine:<18} {result}")
                continue
            right = "-"
            if expected:
                got = result["figures"]
                right = f"{sum(1 for k, v in expected.items() if got.get(k) == v)}/{len(expected)}"
            pages = result["pages"]
            print(
                f"{path.name[:30]:<30} {engine:<18} {pages:>5} {pages / result['wall']:>8.1f} "
                f"{pages / max(result['cpu'], 1e-9):>11.1f} {result['peak_mib']:>12.0f} {right:>9}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
