"""A Dask cluster against local workers, and the Parquet export of many reports.

    python benchmarks/bench_cluster.py [--files N] [--workers W] [--reports R] [--skip-convert]

Throughput: N mixed files (every document under samples/ and the 平潭 fixtures -- text, HTML,
DOCX, XLSX, PDF -- copied round-robin until there are N) converted once by
`nianbao convert DIR -o OUT -j W` and once by `nianbao convert DIR -o OUT --cluster local:W`,
each a fresh command, in files per second of wall time (starting the cluster included), and
the rate the run's own summary gives (from the first task to the last report, start-up
excluded). The overhead ratio is the cluster's wall time over `-j`'s.

Export: R reports (copies of the sample reports and the 平潭 reports, each with its own sha256
and organization) written as JSON files, then `nianbao export DIR --parquet OUT` as a fresh
command: wall time and the command's peak resident memory (`ru_maxrss` of the child), then the
same again with the dataset already there (every report replaced by sha256).
`--cluster-first` runs the cluster before `-j`, to see what the order (a warm page cache) does.

The issue asks for 2,000 files and 10,000 reports; pass `--files 2000` for the first.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures" / "linear"
SUFFIXES = {".txt", ".html", ".docx", ".xlsx", ".pdf"}
_RATE = re.compile(r"in ([\d.]+) s \(([\d.]+) files/s\)")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _nianbao(*args: str) -> tuple[float, str, int]:
    """Wall seconds, stdout and peak RSS (KiB, of the command's own process) of one `nianbao`
    command in a fresh process."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "nianbao.cli", *args],
            env=_env(),
            stdout=out,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        stdout = out.read()
    if process.returncode not in (0, 1):
        raise SystemExit(f"nianbao {' '.join(args)} failed with {process.returncode}")
    return seconds, stdout, usage.ru_maxrss


def mixed_inputs(folder: Path, n: int) -> dict[str, int]:
    sources = sorted(
        p for p in [*SAMPLES.rglob("*"), *FIXTURES.glob("*.html")] if p.suffix in SUFFIXES
    )
    kinds: dict[str, int] = {}
    for i in range(n):
        source = sources[i % len(sources)]
        target = folder / f"{i // 100:03d}" / f"{i:05d}-{source.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        kinds[source.suffix] = kinds.get(source.suffix, 0) + 1
    return kinds


def throughput(work: Path, files: int, workers: int, *, cluster_first: bool = False) -> None:
    inputs = work / "inputs"
    kinds = mixed_inputs(inputs, files)
    print(f"{files} files ({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))})")
    results = {}
    runs = [
        (f"-j {workers}", ["-j", str(workers)]),
        (f"--cluster local:{workers}", ["--cluster", f"local:{workers}"]),
    ]
    for label, extra in reversed(runs) if cluster_first else runs:
        out = work / f"out-{label.split()[-1].replace(':', '')}"
        seconds, stdout, _ = _nianbao("convert", str(inputs), "-o", str(out), *extra)
        summary = stdout.strip().splitlines()[-1]
        match = _RATE.search(summary)
        inner = float(match.group(2)) if match else float("nan")
        results[label] = seconds
        print(
            f"  {label:<20} {seconds:7.1f} s wall, {files / seconds:6.1f} files/s "
            f"(run alone: {inner:.1f} files/s)  [{summary}]"
        )
    j, c = results[runs[0][0]], results[runs[1][0]]
    print(f"  overhead ratio (cluster wall / -j wall): {c / j:.3f}")


def report_copies(folder: Path, n: int) -> int:
    """`n` report files made from the sample and 平潭 reports; their total size in bytes."""
    bases = sorted((ROOT / "tests" / "golden").glob("*.json"))
    texts = [p.read_text(encoding="utf-8") for p in bases]
    size = 0
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        data = json.loads(texts[i % len(texts)])
        data["source"]["sha256"] = hashlib.sha256(f"copy-{i}".encode()).hexdigest()
        data["source"]["name"] = f"copy-{i:05d}-{data['source']['name']}"
        if data.get("annual_report"):
            data["annual_report"]["organization"] = f"第{i // 10}县人民政府"
            data["annual_report"]["year"] = 2015 + i % 10
        text = json.dumps(data, ensure_ascii=False, indent=2)
        (folder / f"{i:05d}.json").write_text(text, encoding="utf-8")
        size += len(text.encode())
    return size


def export(work: Path, reports: int) -> None:
    folder = work / "reports"
    size = report_copies(folder, reports)
    print(f"{reports} reports ({size / 2**20:.0f} MiB of JSON)")
    out = work / "dataset"
    for label in ("new dataset", "again (all replaced)"):
        seconds, stdout, peak = _nianbao("export", str(folder), "--parquet", str(out))
        parquet = sum(p.stat().st_size for p in out.glob("*.parquet"))
        print(
            f"  export --parquet, {label:<22} {seconds:6.1f} s, {reports / seconds:6.0f} "
            f"reports/s, peak RSS {peak / 1024:.0f} MiB, dataset {parquet / 2**20:.1f} MiB"
        )
        print("   ", next(line for line in stdout.splitlines() if " reports (" in line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--skip-convert", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument(
        "--cluster-first", action="store_true", help="run the cluster before -j (cache effects)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        work = Path(tmp)
        if not args.skip_convert:
            throughput(work, args.files, args.workers, cluster_first=args.cluster_first)
        if not args.skip_export:
            export(work, args.reports)


if __name__ == "__main__":
    main()
