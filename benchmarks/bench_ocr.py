"""OCR speed and memory: a scanned report beside its text layer, and where the time goes.

    python benchmarks/bench_ocr.py [--repeat N] [--dpi 200]

samples/real/hongze-2024.pdf (5 pages) three ways: its text layer; its pages rendered at
`--dpi` and wrapped as an image-only PDF (a clean scan); and the same tilted 1.5 degrees and
JPEG-compressed at quality 60 (a poor scan). Each case runs in a subprocess of its own, so that
its peak resident memory (`ru_maxrss`, imports and OCR models included) is its own. One warm-up
conversion (which also loads the models, timed apart), then N timed ones; pages per second is
pages / median wall time, pages per CPU-second pages / median process CPU time. onnxruntime
runs one thread (nianbao's setting: a batch runs one worker per core). The machine may be
shared: the load average is printed beside the numbers, and CPU time is the steadier of the two.

Where the time goes, per page (median run): `render` (pypdfium2, the page to a grey image),
`prepare` (deskew, ink mask, rules and cells found, rules erased), `detect` (text lines, on the
page at ~110 dpi), `recognise` (each line cut from the full page), `rest` (cells, lines,
paragraphs, tables joined, the profile, validation).

Needs the `ocr` extra (pip install 'nianbao[ocr]').
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HONGZE = ROOT / "samples" / "real" / "hongze-2024.pdf"
CASES = ("text-layer", "scan", "scan-tilted-jpeg60")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(table: dict[str, float], name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            table[name] += time.perf_counter() - start

    return wrapper


def worker(path: Path, repeat: int) -> dict[str, Any]:
    """In the subprocess: convert `path` once to warm up, then `repeat` times, timed."""
    from nianbao.adapters import _ocr, _pdf_scans  # noqa: PLC0415
    from nianbao.convert.pipeline import convert_path  # noqa: PLC0415

    parts: dict[str, float] = defaultdict(float)
    _ocr.prepare = _timed(parts, "prepare", _ocr.prepare)  # type: ignore[attr-defined]
    _ocr.OcrEngine._detect = _timed(parts, "detect", _ocr.OcrEngine._detect)  # type: ignore[method-assign]
    _ocr.OcrEngine.read = _timed(parts, "read", _ocr.OcrEngine.read)  # type: ignore[method-assign]
    _ocr.read_page = _timed(parts, "read_page", _ocr.read_page)
    _pdf_scans.Scans.page = _timed(parts, "page", _pdf_scans.Scans.page)  # type: ignore[method-assign]
    start = time.perf_counter()
    report = convert_path(path)
    warm = time.perf_counter() - start
    walls, cpus, runs = [], [], []
    for _ in range(repeat):
        parts.clear()
        cpu, start = _cpu(), time.perf_counter()
        report = convert_path(path)
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
        runs.append(dict(parts))
    assert report.annual_report is not None
    middle = sorted(range(repeat), key=lambda i: walls[i])[repeat // 2]
    part = runs[middle]
    breakdown = {}
    if part:
        breakdown = {
            "render": part["page"] - part["read_page"],
            "prepare": part["prepare"],
            "detect": part["detect"],
            "recognise": part["read"] - part["detect"],
            "rest": walls[middle] - part["page"],
        }
    return {
        "pages": report.source.pages,
        "ocr_pages": len(report.source.ocr_pages or []),
        "figures": sum(1 for f in report.annual_report.figures.values() if f.source == "table"),
        "checks_passed": sum(1 for c in report.annual_report.checks if c.status == "pass"),
        "first_run": warm,
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "breakdown": breakdown,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def make_scans(folder: Path, dpi: int) -> dict[str, Path]:
    sys.path.insert(0, str(ROOT))
    from tests.scans import image_pdf, page_images, scanned  # noqa: PLC0415

    pages = page_images(HONGZE, dpi)
    clean = folder / "hongze-scan.pdf"
    clean.write_bytes(image_pdf(pages, dpi))
    tilted = folder / "hongze-tilted.pdf"
    tilted.write_bytes(image_pdf([scanned(p, tilt=1.5, jpeg=60) for p in pages], dpi))
    return {"text-layer": HONGZE, "scan": clean, "scan-tilted-jpeg60": tilted}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        print(json.dumps(worker(args.worker, args.repeat)))
        return
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory() as tmp:
        files = make_scans(Path(tmp), args.dpi)
        header = f"{'case':20} {'pages/s':>8} {'pages/CPU-s':>11} {'peak MiB':>9} {'first':>7}"
        print(header + "  figures  checks")
        details = []
        for case in CASES:
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    str(files[case]),
                    "--repeat",
                    str(args.repeat),
                ],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{case:20} {r['pages'] / r['wall']:8.2f} {r['pages'] / r['cpu']:11.2f} "
                f"{r['peak_mib']:9.0f} {r['first_run']:6.1f}s  {r['figures']:7}  "
                f"{r['checks_passed']:6}"
            )
            if r["breakdown"]:
                details.append((case, r))
        for case, r in details:
            per_page = {k: v / r["ocr_pages"] for k, v in r["breakdown"].items()}
            shown = ", ".join(f"{k} {v:.2f}s" for k, v in per_page.items())
            print(f"{case}: per page {shown}")
    print(f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
