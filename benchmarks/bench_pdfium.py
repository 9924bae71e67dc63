"""PDF speed: nianbao with pdfium, with pdfplumber, and the pypdfium2 floor, in one process.

    python benchmarks/bench_pdfium.py [FILES...] [--repeat N] [--today CHECKOUT]

With no files, three real report PDFs: samples/real/hongze-2024.pdf (WPS, a text object per
glyph), tests/fixtures/pdf/report-2021-libreoffice.pdf and rows-broken-across-pages.pdf
(LibreOffice). For each, in the same process and run, interleaved, N times (median):

    nianbao pdfium       nianbao.convert with PdfOptions(pdf_engine="pdfium"): the whole report
    pdfium reading       the PDF adapter alone (pages read, tables and paragraphs built), no
                         profile, no figures, no checks: the PDF path the floor compares with
    nianbao pdfplumber   the same with pdf_engine="pdfplumber"
    pdfium floor         pypdfium2 alone: every page loaded, every character's box read
                         (FPDFText_GetCharBox), every page object listed (forms entered)

and prints ms per page, the pdfplumber/pdfium speed-up and how many times the floor pdfium
takes. With --today, nianbao as it is in another checkout (its default engine) converts the
same files in a subprocess, N times each, for the speed-up over it. Then peak memory: each
engine converts each file in a subprocess of its own, once to import and warm up, then again
with the high-water mark of its resident set reset (Linux's /proc/self/clear_refs): how far
that conversion raises it, per page.
"""

from __future__ import annotations

import argparse
import ctypes
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
DEFAULT_FILES = [
    ROOT / "samples" / "real" / "hongze-2024.pdf",
    ROOT / "tests" / "fixtures" / "pdf" / "report-2021-libreoffice.pdf",
    ROOT / "tests" / "fixtures" / "pdf" / "rows-broken-across-pages.pdf",
]
ENGINES = ("pdfium", "pdfplumber")


def _nianbao(engine: str) -> Callable[[Path], int]:
    from nianbao.convert.options import ConvertOptions, PdfOptions  # noqa: PLC0415
    from nianbao.convert.pipeline import convert_path  # noqa: PLC0415

    options = ConvertOptions(pdf=PdfOptions(pdf_engine=engine))  # type: ignore[arg-type]

    def run(path: Path) -> int:
        return convert_path(path, options=options).source.pages or 0

    return run


def _reading(engine: str) -> Callable[[Path], int]:
    from nianbao.adapters.pdf import PdfAdapter  # noqa: PLC0415
    from nianbao.adapters.pdf_options import PdfOptions  # noqa: PLC0415
    from nianbao.adapters.sniff import InputInfo  # noqa: PLC0415

    adapter = PdfAdapter(PdfOptions(pdf_engine=engine))  # type: ignore[arg-type]

    def run(path: Path) -> int:
        data = path.read_bytes()
        return adapter.convert(data, InputInfo(path.name, len(data), "pdf")).pages or 0

    return run


def floor(path: Path) -> int:
    """Every character's box and every page object, through pypdfium2's raw API."""
    import pypdfium2  # noqa: PLC0415
    from pypdfium2 import raw  # noqa: PLC0415

    document = pypdfium2.PdfDocument(path.read_bytes())
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))

    def listed(objects: list[Any]) -> None:
        for obj in objects:
            if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_FORM:
                count = raw.FPDFFormObj_CountObjects(obj)
                listed([raw.FPDFFormObj_GetObject(obj, j) for j in range(count)])

    pages = len(document)
    for index in range(pages):
        page = raw.FPDF_LoadPage(document.raw, index)
        text = raw.FPDFText_LoadPage(page)
        for i in range(raw.FPDFText_CountChars(text)):
            raw.FPDFText_GetCharBox(text, i, left, right, bottom, top)
        listed([raw.FPDFPage_GetObject(page, k) for k in range(raw.FPDFPage_CountObjects(page))])
        raw.FPDFText_ClosePage(text)
        raw.FPDF_ClosePage(page)
    document.close()
    return pages


def today(checkout: Path, files: list[Path], repeat: int) -> float:
    """ms per page of nianbao's default conversion in `checkout`, in a subprocess."""
    command = [sys.executable, __file__, "--today-worker", *map(str, files)]
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run(
        [*command, "--repeat", str(repeat)], capture_output=True, text=True, env=env, check=True
    )
    result: float = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def today_worker(files: list[Path], repeat: int) -> None:
    from nianbao.convert.pipeline import convert_path  # noqa: PLC0415

    total, pages = 0.0, 0
    for path in files:
        pages += convert_path(path).source.pages or 0
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            convert_path(path)
            times.append(time.perf_counter() - start)
        total += statistics.median(times)
    print(json.dumps(1000 * total / pages))


def speed(files: list[Path], repeat: int) -> dict[str, float]:
    runs: dict[str, Callable[[Path], int]] = {
        "nianbao pdfium": _nianbao("pdfium"),
        "pdfium reading": _reading("pdfium"),
        "nianbao pdfplumber": _nianbao("pdfplumber"),
        "pdfium floor": floor,
    }
    print(f"Python {sys.version.split()[0]}, repeat {repeat}, median ms per page")
    print(f"{'file':<30} {'pages':>5} " + " ".join(f"{name:>18}" for name in runs))
    totals = dict.fromkeys(runs, 0.0)
    all_pages = 0
    for path in files:
        pages = {name: run(path) for name, run in runs.items()}  # warm-up: imports, caches
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(repeat):
            for name, run in runs.items():
                start = time.perf_counter()
                run(path)
                times[name].append(time.perf_counter() - start)
        n = pages["pdfium floor"]
        all_pages += n
        row = []
        for name in runs:
            seconds = statistics.median(times[name])
            totals[name] += seconds
            row.append(f"{1000 * seconds / n:>18.2f}")
        print(f"{path.name[:30]:<30} {n:>5} " + " ".join(row))
    per_page = {name: 1000 * total / all_pages for name, total in totals.items()}
    print(f"{'all':<30} {all_pages:>5} " + " ".join(f"{per_page[name]:>18.2f}" for name in runs))
    pdfium, plumber, bare = (
        per_page["nianbao pdfium"],
        per_page["nianbao pdfplumber"],
        per_page["pdfium floor"],
    )
    print(f"pdfplumber / pdfium: {plumber / pdfium:.1f}x faster")
    print(f"pdfium / floor:      {pdfium / bare:.1f}x the floor (target <= 4)")
    reading = per_page["pdfium reading"]
    print(f"reading / floor:     {reading / bare:.1f}x the floor (the PDF path alone)")
    return per_page


def memory(files: list[Path]) -> None:
    print("peak memory, each engine converting each file in a subprocess of its own (MiB):")
    print("  peak = the process's peak resident set; per page = how far the conversion raised it")
    print("  over what the process held before, divided by the pages (VmHWM reset, Linux)")
    print(f"{'file':<30} {'engine':<11} {'pages':>5} {'peak':>7} {'per page':>9}")
    for path in files:
        for engine in ENGINES:
            command = [sys.executable, __file__, "--memory-worker", engine, str(path)]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            growth = (result["peak"] - result["before"]) / result["pages"]
            print(
                f"{path.name[:30]:<30} {engine:<11} {result['pages']:>5} "
                f"{result['process_peak']:>7.1f} {growth:>9.2f}"
            )


def _status(key: str) -> float:
    """A line of /proc/self/status in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(key)


def memory_worker(engine: str, path: Path) -> None:
    run = _nianbao(engine)
    run(path)  # the imports and caches any conversion needs: not the pages' cost
    process_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    Path("/proc/self/clear_refs").write_text("5")  # the high-water mark back to the current RSS
    before = _status("VmRSS")
    pages = run(path)
    peak = _status("VmHWM")
    process_peak = max(process_peak, peak)
    print(
        json.dumps({"pages": pages, "before": before, "peak": peak, "process_peak": process_peak})
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--today", type=Path, metavar="CHECKOUT")
    parser.add_argument("--memory-worker", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--today-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_worker:
        memory_worker(args.memory_worker[0], Path(args.memory_worker[1]))
        return 0
    files = args.files or DEFAULT_FILES
    if args.today_worker:
        today_worker(files, args.repeat)
        return 0
    per_page = speed(files, args.repeat)
    if args.today:
        before = today(args.today, files, args.repeat)
        print(
            f"today ({args.today}): {before:.2f} ms per page; nianbao pdfium is "
            f"{before / per_page['nianbao pdfium']:.1f}x faster (target >= 4)"
        )
    memory(files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
