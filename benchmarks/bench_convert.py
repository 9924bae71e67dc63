"""Conversion time and memory per sample file.

    python benchmarks/bench_convert.py [FILES...] [--repeat N]

With no files, every sample under samples/, whatever its format. Each file is converted
once to warm up, then N times; the table shows the median and the fastest wall time, the input
size, and the peak Python heap of one conversion (tracemalloc, so C extensions' own memory is not
counted). Times include sniffing, decoding, table reconstruction and schema validation.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import nianbao

ROOT = Path(__file__).resolve().parent.parent


def _measure(path: Path, repeat: int) -> tuple[float, float, int]:
    data = path.read_bytes()
    nianbao.convert_document(
        data, filename=path.name
    )  # warm-up: imports, caches, the schema validator
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        nianbao.convert_document(data, filename=path.name)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    nianbao.convert_document(data, filename=path.name)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), min(times), peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    samples = ROOT / "samples"
    files = args.files or sorted(
        p for p in samples.rglob("*") if p.is_file() and p.name != "README.md"
    )
    print(f"nianbao {nianbao.__version__}, Python {sys.version.split()[0]}, repeat {args.repeat}")
    print(f"{'file':<34} {'KiB':>7} {'median ms':>10} {'min ms':>8} {'peak heap MiB':>14}")
    total = 0.0
    for path in files:
        median, fastest, peak = _measure(path, args.repeat)
        total += median
        size = path.stat().st_size / 1024
        print(
            f"{path.name:<34} {size:>7.1f} {median * 1e3:>10.2f} {fastest * 1e3:>8.2f} "
            f"{peak / 2**20:>14.2f}"
        )
    print(f"{'all files, sum of medians':<34} {'':>7} {total * 1e3:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
