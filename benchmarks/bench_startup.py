"""Start-up: what a command costs before and around the work, against the interpreter's floor.

    python benchmarks/bench_startup.py [--repeat N] [--input FILE] [--today CHECKOUT]

Each command runs in a fresh process, N rounds of all of them in an order rotated each round
(median wall time, min-max, and its ratio to the floor's taken round by round, peak resident
set from a clean child, see `measuring.py`): the floor `python -c pass`,
`python -c "import nianbao"`, `nianbao --version`, and `nianbao convert` of a 5 KB text report
into a file (a worker forked from the command, with the default time and memory limits), beside
the same conversion in-process with `--debug` (no worker) and the conversion's own time
measured inside one process. The issue's aims: import at most 0.2 s, --version 0.3 s, the
conversion 0.5 s. `--input` converts another file (a PDF, say) instead of the text report;
`--today CHECKOUT` runs the same nianbao commands from another checkout in the same rounds, each
with its time over this checkout's, round by round.

Every command runs as an installed tool does, its modules' bytecode cached (`measuring.py`'s
`BytecodeCache`), filled by one unmeasured run of each command first: the floor and nianbao
alike.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from measuring import BytecodeCache, Spread, Usage, clean_child, interleaved, load, paired_ratio

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "text" / "000_126a20d936f8f106.txt"  # 5.3 KB
AIMS = {"import nianbao": 0.2, "nianbao --version": 0.3, "nianbao convert (worker)": 0.5}


def _env(cache: BytecodeCache, checkout: Path = ROOT) -> dict[str, str]:
    env = cache.env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(checkout), env.get("PYTHONPATH")]))
    return env


def _in_process_ms(repeat: int, cache: BytecodeCache, sample: Path) -> float:
    code = (
        "import time, statistics\n"
        "from nianbao.convert.pipeline import convert_path\n"
        "from nianbao.schemas.emit import to_json\n"
        f"to_json(convert_path({str(sample)!r}))\n"
        "times = []\n"
        f"for _ in range({repeat}):\n"
        "    t = time.perf_counter()\n"
        f"    to_json(convert_path({str(sample)!r}))\n"
        "    times.append(time.perf_counter() - t)\n"
        "print(statistics.median(times) * 1000)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, env=_env(cache), capture_output=True, text=True
    )
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--input", type=Path, default=SAMPLE, metavar="FILE")
    parser.add_argument("--today", type=Path, metavar="CHECKOUT", help="another checkout too")
    args = parser.parse_args()
    sample = args.input.resolve()
    # -P: the current folder does not come first on sys.path; PYTHONPATH names the checkout
    cli = [sys.executable, "-P", "-m", "nianbao.cli"]
    with BytecodeCache() as cache, tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        out = str(Path(tmp) / "report.json")
        commands = {
            "python -c pass (floor)": [sys.executable, "-c", "pass"],
            "import nianbao": [sys.executable, "-P", "-c", "import nianbao"],
            "nianbao --version": [*cli, "--version"],
            "nianbao convert (worker)": [*cli, "convert", str(sample), "-o", out],
            "nianbao convert --debug (no worker)": [
                *cli,
                "convert",
                str(sample),
                "-o",
                out,
                "--debug",
            ],
        }
        runs: dict[str, Callable[[], Usage]] = {
            label: partial(clean_child, command, _env(cache)) for label, command in commands.items()
        }
        if args.today is not None:
            for label, command in list(commands.items())[1:]:
                runs[f"{label}, today"] = partial(clean_child, command, _env(cache, args.today))
        for label in runs:  # unmeasured: fills the bytecode cache
            checkout = args.today if label.endswith(", today") else ROOT
            cache.warm_up(commands[label.removesuffix(", today")], _env(cache, checkout))
        print(f"{load()} (before)")
        print(f"  {BytecodeCache.HEADER}")
        print(f"{sample.name} ({sample.stat().st_size / 1024:.1f} KB), {args.repeat} rounds")
        print(f"  {'':<46} {'s, median (min-max)':>22} {'x floor':>18} {'peak MiB':>8}")
        results = interleaved(runs, args.repeat)
        floor = [usage.seconds for usage in results["python -c pass (floor)"]]
        ours = {label: [usage.seconds for usage in done] for label, done in results.items()}
        for label, done in results.items():
            seconds = Spread.of([usage.seconds for usage in done])
            ratio = paired_ratio([usage.seconds for usage in done], floor)
            aim = AIMS.get(label)
            verdict = ""
            if aim is not None:
                verdict = f"  aim {aim:.1f} s: {'met' if seconds.median <= aim else 'MISSED'}"
            peak = Spread.of([usage.peak_mib for usage in done]).median
            if label.endswith(", today"):
                over = paired_ratio(ours[label], ours[label.removesuffix(", today")])
                verdict = f"  today / this: {over.text(digits=2)}"
            print(
                f"  {label:<46} {seconds.text(digits=3):>22} {ratio.text():>18} "
                f"{peak:8.0f}{verdict}"
            )
        in_process = _in_process_ms(args.repeat, cache, sample)
    print(f"  the conversion itself, in process:     {in_process:6.1f} ms")
    print(f"{load()} (after)")


if __name__ == "__main__":
    main()
