"""Start-up: what a command costs before and around the work, against the interpreter's floor.

    python benchmarks/bench_startup.py [--repeat N]

Each command runs N times in a fresh process (median wall time): the floor `python -c pass`,
`python -c "import nianbao"`, `nianbao --version`, and `nianbao convert` of a 5 KB text report
into a file (a worker forked from the command, with the default time and memory limits), beside
the same conversion in-process with `--debug` (no worker) and the conversion's own time
measured inside one process. The issue's aims: import at most 0.2 s, --version 0.3 s, the
conversion 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "text" / "000_126a20d936f8f106.txt"  # 5.3 KB
AIMS = {"import nianbao": 0.2, "nianbao --version": 0.3, "nianbao convert (worker)": 0.5}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _median_seconds(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, env=_env(), capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _in_process_ms(repeat: int) -> float:
    code = (
        "import time, statistics\n"
        "from nianbao.convert.pipeline import convert_path\n"
        "from nianbao.schemas.emit import to_json\n"
        f"to_json(convert_path({str(SAMPLE)!r}))\n"
        "times = []\n"
        f"for _ in range({repeat}):\n"
        "    t = time.perf_counter()\n"
        f"    to_json(convert_path({str(SAMPLE)!r}))\n"
        "    times.append(time.perf_counter() - t)\n"
        "print(statistics.median(times) * 1000)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, env=_env(), capture_output=True, text=True
    )
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "nianbao.cli"]
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        out = str(Path(tmp) / "report.json")
        commands = {
            "python -c pass (floor)": [sys.executable, "-c", "pass"],
            "import nianbao": [sys.executable, "-c", "import nianbao"],
            "nianbao --version": [*cli, "--version"],
            "nianbao convert (worker)": [*cli, "convert", str(SAMPLE), "-o", out],
            "nianbao convert --debug (no worker)": [
                *cli,
                "convert",
                str(SAMPLE),
                "-o",
                out,
                "--debug",
            ],
        }
        floor = None
        print(f"{SAMPLE.name} ({SAMPLE.stat().st_size / 1024:.1f} KB), median of {args.repeat}")
        for label, command in commands.items():
            seconds = _median_seconds(command, args.repeat)
            floor = floor or seconds
            aim = AIMS.get(label)
            verdict = (
                "" if aim is None else f"  aim {aim:.1f} s: {'met' if seconds <= aim else 'MISSED'}"
            )
            print(f"  {label:<38} {seconds:6.3f} s  {seconds / floor:5.1f}x floor{verdict}")
    print(f"  the conversion itself, in process:     {_in_process_ms(args.repeat):6.1f} ms")


if __name__ == "__main__":
    main()
