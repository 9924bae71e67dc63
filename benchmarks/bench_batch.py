"""Batch throughput and hot-folder latency, each run a fresh command.

    python benchmarks/bench_batch.py [--files N] [--rounds R] [--drops N]

Every run is a fresh `nianbao` command started from a small launcher (`measuring.py`), so that
each round pays what a user of that command pays: the interpreter, the imports and the worker
processes' forkserver, which a command starts for itself and which dies with it. (Until issue 24
the runs shared this process's forkserver: only the first round paid its start, about half a
second, and the rounds after it flattered.) Every command runs as an installed tool does, its
modules' bytecode cached (`measuring.BytecodeCache`), filled by an unmeasured run first.

Throughput: N files (default 200) made of the documents under samples/ (every format) taken in
turn, converted by `nianbao convert DIR -o OUT -j 1` and `-j 2`: the command's wall time and
files per second, and the batch's own time from its summary line (from the first worker's start
to the last report: the interpreter's start and imports left out); the speed-up of -j 2 over
-j 1 round by round, on wall time (issue 14's aim: at least 1.8 on two idle cores). The two run
in R rounds (default 3), the order rotated each round, each into a fresh folder; times are the
median (min-max) of the rounds.

Latency: the time from a file appearing in a watched folder (renamed in whole, so the copy itself
is not timed) to its report appearing in OUTBOX, N drops (default 5) of the largest text seed
per round and setting into a fresh `nianbao watch`, with the default settle period (1 s) and a
short one (0.2 s), the two interleaved in the same R rounds. The watcher starts its worker at
the first drop, so each round's first drop pays the forkserver's start: the first drops and the
later ones are given apart, each the median (min-max) over the rounds. The settle period is the
floor.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from measuring import BytecodeCache, Spread, clean_child, interleaved, load, paired_ratio

from nianbao.runtime.inputs import documents_in

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
LATENCY_SAMPLE = SAMPLES / "text" / "004_7635fab03e0d303d.txt"
#: The batch's summary line: `200 files: ... 0 failed, in 3.9 s (51.3 files/s)`.
_SUMMARY = re.compile(r" (\d+) failed, in ([\d.]+) s \(")


def make_inputs(folder: Path, files: int) -> None:
    """`files` copies of the samples, taken in turn."""
    samples = documents_in(SAMPLES)
    for n in range(files):
        path = samples[n % len(samples)]
        target = folder / f"{n:04d}-{path.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def nianbao_command(*args: str) -> list[str]:
    # -P: the current folder is not put first on sys.path; PYTHONPATH (`command_env`) chooses
    return [sys.executable, "-P", "-m", "nianbao.cli", *args]


def command_env(cache: BytecodeCache) -> dict[str, str]:
    env = cache.env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def throughput(work: Path, inputs: Path, workers: int, cache: BytecodeCache) -> tuple[float, float]:
    """The wall seconds of one `nianbao convert` over `inputs` into a fresh folder, and the
    batch's own seconds from its summary; a failure stops the benchmark (its time would not be
    a conversion's)."""
    out = Path(tempfile.mkdtemp(prefix=f"out-{workers}-", dir=work))
    command = nianbao_command("convert", str(inputs), "-o", f"{out}/", "-j", str(workers))
    usage = clean_child(command, command_env(cache), check=False)
    shutil.rmtree(out)
    summary = usage.stdout.strip().splitlines()[-1] if usage.stdout.strip() else usage.stderr
    match = _SUMMARY.search(summary)
    if usage.status != 0 or match is None or match.group(1) != "0":
        raise SystemExit(f"-j {workers}: exit {usage.status}: {summary}")
    return usage.seconds, float(match.group(2))


def latency(work: Path, settle: float, drops: int, cache: BytecodeCache) -> list[float]:
    """Drop -> report seconds of `drops` files into a fresh `nianbao watch`, in order."""
    run = Path(tempfile.mkdtemp(prefix=f"watch-{settle}-", dir=work))
    inbox, outbox, staging = run / "inbox", run / "out", run / "staging"
    inbox.mkdir()
    staging.mkdir()
    command = nianbao_command("watch", str(inbox), "--out", str(outbox), "--settle", f"{settle}")
    watcher = subprocess.Popen(
        command, env=command_env(cache), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    times = []
    try:
        assert watcher.stdout is not None
        for line in watcher.stdout:  # its first line says it watches
            if " watching " in line:
                break
        else:
            raise RuntimeError(f"nianbao watch ended before it watched: {watcher.wait()}")
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
        watcher.send_signal(signal.SIGTERM)  # the watcher's own way to stop: exit 0
        watcher.communicate(timeout=30)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200, help="files per throughput run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each configuration")
    parser.add_argument("--drops", type=int, default=5, help="files dropped per latency run")
    args = parser.parse_args()
    kinds = sorted({p.suffix for p in documents_in(SAMPLES)})
    print(f"Python {sys.version.split()[0]}; samples: {len(documents_in(SAMPLES))} files {kinds}")
    print(f"{BytecodeCache.HEADER}; each run a fresh command")
    print(f"{load()} (before)")
    with BytecodeCache() as cache, tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        work = Path(tmp)
        inputs = work / "inputs"
        make_inputs(inputs, args.files)
        warm = work / "warm"
        make_inputs(warm, 2)
        cache.warm_up(nianbao_command("convert", str(warm), "-o", f"{work}/warm-out/"))
        runs: dict[str, Callable[[], tuple[float, float]]] = {
            f"-j {j}": partial(throughput, work, inputs, j, cache) for j in (1, 2)
        }
        measured = interleaved(runs, args.rounds)
        print(f"batch of {args.files} files, {args.rounds} rounds, median (min-max):")
        for label, rounds in measured.items():
            wall = [seconds for seconds, _ in rounds]
            rates = Spread.of([args.files / t for t in wall])
            own = Spread.of([seconds for _, seconds in rounds])
            print(
                f"  {label}: {Spread.of(wall).text(digits=2)} s = {rates.text()} files/s "
                f"(the batch's own {own.text(digits=2)} s)"
            )
        walls = {label: [seconds for seconds, _ in rounds] for label, rounds in measured.items()}
        speed_up = paired_ratio(walls["-j 1"], walls["-j 2"])
        print(f"  speed-up of -j 2 over -j 1, round by round: {speed_up.text(digits=2)}x")
        watches: dict[str, Callable[[], list[float]]] = {
            f"{s:g}": partial(latency, work, s, args.drops, cache) for s in (1.0, 0.2)
        }
        for settle, drops_by_round in interleaved(watches, args.rounds).items():
            first = Spread.of([one[0] for one in drops_by_round])
            later = Spread.of([t for one in drops_by_round for t in one[1:]])
            print(
                f"watch, settle {settle} s: drop -> report {later.text(digits=2)} s "
                f"({len(later.values)} drops after each round's first); the first "
                f"{first.text(digits=2)} s (its worker's start)"
            )
    print(f"{load()} (after)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
