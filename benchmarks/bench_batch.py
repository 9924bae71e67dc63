"""Batch throughput and hot-folder latency.

    python benchmarks/bench_batch.py [--files N] [--rounds R] [--drops N]

Throughput: N files (default 200) made of the documents under samples/ (every format) taken in
turn, converted by `nianbao.runtime.batch` with -j 1 and -j 2, in files per second of wall
time, and the speed-up of -j 2 over -j 1 (issue 14's aim: at least 1.8 on two cores). That
includes starting the worker processes and writing the reports, as a user of
`nianbao convert DIR -o OUT` would see it. The two run in R rounds (default 3), the order
rotated each round, each into a fresh folder; times are the median (min-max) of the rounds and
the speed-up is taken round by round.

Latency: the time from a file appearing in a watched folder (renamed in whole, so the copy itself
is not timed) to its report appearing in OUTBOX, N drops (default 5) of the largest text seed
per round and setting, with the default settle period (1 s) and a short one (0.2 s), the two
interleaved in the same R rounds; the median (min-max) of every drop. The settle period is the
floor.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from measuring import Spread, interleaved, load, paired_ratio

from nianbao.runtime import batch
from nianbao.runtime.inputs import documents_in
from nianbao.runtime.watch import HotFolder, WatchOptions

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
LATENCY_SAMPLE = SAMPLES / "text" / "004_7635fab03e0d303d.txt"


def make_inputs(folder: Path, files: int) -> None:
    """`files` copies of the samples, taken in turn."""
    samples = documents_in(SAMPLES)
    for n in range(files):
        path = samples[n % len(samples)]
        target = folder / f"{n:04d}-{path.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def throughput(work: Path, inputs: Path, workers: int) -> float:
    """Seconds for one batch run over `inputs` into a fresh folder; a failure stops the
    benchmark (its time would not be a conversion's)."""
    out = Path(tempfile.mkdtemp(prefix=f"out-{workers}-", dir=work))
    jobs = batch.plan([inputs], out)
    with (work / "lines.log").open("w", encoding="utf-8") as lines:
        summary = batch.run(jobs, workers=workers, out=lines)
    if summary.failed:
        raise SystemExit(f"-j {workers}: {summary.failed} of {summary.total} failed")
    shutil.rmtree(out)
    return summary.seconds


def latency(work: Path, settle: float, drops: int) -> list[float]:
    run = Path(tempfile.mkdtemp(prefix=f"watch-{settle}-", dir=work))
    inbox, outbox, staging = run / "inbox", run / "out", run / "staging"
    inbox.mkdir()
    staging.mkdir()
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
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each configuration")
    parser.add_argument("--drops", type=int, default=5, help="files dropped per latency run")
    args = parser.parse_args()
    kinds = sorted({p.suffix for p in documents_in(SAMPLES)})
    print(f"Python {sys.version.split()[0]}; samples: {len(documents_in(SAMPLES))} files {kinds}")
    print(f"{load()} (before)")
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        work = Path(tmp)
        inputs = work / "inputs"
        make_inputs(inputs, args.files)
        runs: dict[str, Callable[[], float]] = {
            f"-j {j}": partial(throughput, work, inputs, j) for j in (1, 2)
        }
        seconds = interleaved(runs, args.rounds)
        print(f"batch of {args.files} files, {args.rounds} rounds, median (min-max):")
        for label, times in seconds.items():
            rates = Spread.of([args.files / t for t in times])
            print(f"  {label}: {Spread.of(times).text(digits=2)} s = {rates.text()} files/s")
        speed_up = paired_ratio(seconds["-j 1"], seconds["-j 2"])
        print(f"  speed-up of -j 2 over -j 1, round by round: {speed_up.text(digits=2)}x")
        watches: dict[str, Callable[[], list[float]]] = {
            f"{s:g}": partial(latency, work, s, args.drops) for s in (1.0, 0.2)
        }
        for settle, rounds in interleaved(watches, args.rounds).items():
            drops = Spread.of([t for one in rounds for t in one])
            print(
                f"watch, settle {settle} s: drop -> report {drops.text(digits=2)} s "
                f"({len(drops.values)} drops)"
            )
    print(f"{load()} (after)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
