"""Batch throughput and hot-folder latency.

    python benchmarks/bench_batch.py [--files N] [--drops N]

Throughput: N files (default 200) made of the documents under samples/ (every format) taken in
turn, converted by `nianbao.runtime.batch` with -j 1 and -j 2, in files per second of wall
time, and the speed-up of -j 2 over -j 1 (issue 14's aim: at least 1.8 on two cores). That
includes starting the worker processes and writing the reports, as a user of
`nianbao convert DIR -o OUT` would see it.

Latency: the time from a file appearing in a watched folder (renamed in whole, so the copy itself
is not timed) to its report appearing in OUTBOX, median over N drops of the largest text seed,
with the default settle period (1 s) and a short one (0.2 s). The settle period is the floor.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from nianbao.runtime import batch
from nianbao.runtime.inputs import documents_in
from nianbao.runtime.watch import HotFolder, WatchOptions

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
LATENCY_SAMPLE = SAMPLES / "text" / "004_7635fab03e0d303d.txt"


def throughput(work: Path, files: int, workers: int) -> tuple[int, int, float]:
    """Files, failures and seconds for one batch run over `files` copies of the samples."""
    inputs = work / f"in-{workers}"
    samples = documents_in(SAMPLES)
    for n in range(files):
        path = samples[n % len(samples)]
        target = inputs / f"{n:04d}-{path.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    jobs = batch.plan([inputs], work / f"out-{workers}")
    with (work / "lines.log").open("w", encoding="utf-8") as lines:
        summary = batch.run(jobs, workers=workers, out=lines)
    return summary.total, summary.failed, summary.seconds


def latency(work: Path, settle: float, drops: int) -> list[float]:
    inbox, outbox, staging = work / f"inbox-{settle}", work / f"out-{settle}", work / "staging"
    inbox.mkdir()
    staging.mkdir(exist_ok=True)
    folder = HotFolder(inbox, outbox, WatchOptions(settle=settle), log=lambda line: None)
    thread = threading.Thread(target=folder.run)
    thread.start()
    times = []
    try:
        time.sleep(0.5)  # let it start watching
        for n in range(drops):
            staged = staging / f"drop-{settle}-{n}.txt"
            shutil.copyfile(LATENCY_SAMPLE, staged)
            report = outbox / f"{staged.stem}.json"
            start = time.perf_counter()
            staged.replace(inbox / staged.name)
            deadline = start + 60
            while not report.exists():
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"no report for {staged.name} after 60 s")
                time.sleep(0.005)
            times.append(time.perf_counter() - start)
    finally:
        folder.stop()
        thread.join(30)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200, help="files per throughput run")
    parser.add_argument("--drops", type=int, default=7, help="files dropped per latency run")
    args = parser.parse_args()
    kinds = sorted({p.suffix for p in documents_in(SAMPLES)})
    print(f"Python {sys.version.split()[0]}; samples: {len(documents_in(SAMPLES))} files {kinds}")
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        work = Path(tmp)
        rates = {}
        for workers in (1, 2):
            files, failed, seconds = throughput(work, args.files, workers)
            rates[workers] = files / seconds
            print(
                f"batch -j {workers}: {files} files ({failed} failed) in {seconds:.2f} s = "
                f"{files / seconds:.1f} files/s"
            )
        print(f"speed-up of -j 2 over -j 1: {rates[2] / rates[1]:.2f}x")
        for settle in (1.0, 0.2):
            times = latency(work, settle, args.drops)
            median = statistics.median(times)
            print(
                f"watch, settle {settle:g} s: drop -> report median {median:.2f} s "
                f"(min {min(times):.2f}, max {max(times):.2f}, {len(times)} drops)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
