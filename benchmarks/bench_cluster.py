"""A Dask cluster against local workers, and the Parquet export of many reports.

    python benchmarks/bench_cluster.py [--files N] [--workers W] [--rounds R] [--reports M]
                                       [--baseline CHECKOUT] [--skip-convert] [--skip-export]

Throughput: N mixed files (default 300; every document under samples/ and the 平潭 fixtures --
text, HTML, DOCX, XLSX, PDF -- copied round-robin until there are N) converted by
`nianbao convert DIR -o OUT -j W` and by `nianbao convert DIR -o OUT --cluster local:W`, each a
fresh command started from a small launcher (`measuring.py`), in R rounds (default 3), the
order rotated each round, each into a fresh folder. Per configuration: the wall time (starting
the cluster included) and files per second, the run's own time from its summary (from the first
task to the last report: start-up and shut-down left out), and the CPU time of the command and
of the helpers it waited for (Dask's scheduler and worker processes; not the conversions, which
run in children of forkservers that nobody waits for, so this is the machinery's cost beside
-j's). The same two commands on 2 files each round give the fixed cost of starting and stopping
each. The cluster's wall time over -j's is taken round by round: median (min-max). With
--baseline CHECKOUT, `--cluster` as that checkout has it runs in the same rounds.

Export: M reports (default 2,000; copies of the sample and 平潭 reports, each with its own sha256
and organization) written as JSON files, then `nianbao export DIR --parquet OUT` as a fresh
command: wall time and its peak resident set (a clean child), then the same again with the
dataset there (every report replaced by sha256); R rounds, each into a fresh dataset.

Every command runs as an installed tool does, its modules' bytecode cached (`measuring.py`'s
`BytecodeCache`), filled by an unmeasured run of each configuration on 2 files (and one export)
first.

The issue's full size: `--files 2000 --rounds 5 --reports 10000`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from measuring import BytecodeCache, Spread, Usage, clean_child, interleaved, load, paired_ratio

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures" / "linear"
SUFFIXES = {".txt", ".html", ".docx", ".xlsx", ".pdf"}
_RATE = re.compile(r"in ([\d.]+) s \(([\d.]+) files/s\)")


#: Set by main for the run: every command's bytecode cache.
BYTECODE: BytecodeCache | None = None


def _env(checkout: Path = ROOT) -> dict[str, str]:
    env = BYTECODE.env() if BYTECODE is not None else dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(checkout), env.get("PYTHONPATH")]))
    return env


def _nianbao(*args: str, checkout: Path = ROOT) -> Usage:
    """One `nianbao` command of `checkout` in a fresh process (see `measuring.clean_child`)."""
    # -P: the current folder is not put first on sys.path, so PYTHONPATH chooses the checkout
    command = [sys.executable, "-P", "-m", "nianbao.cli", *args]
    usage = clean_child(command, _env(checkout), check=False)
    if usage.status not in (0, 1):
        raise SystemExit(f"nianbao {' '.join(args)} failed with {usage.status}")
    return usage


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


@dataclass(frozen=True)
class Run:
    """One conversion command: its usage and the seconds its own summary says it ran."""

    usage: Usage
    inner: float


def _convert(work: Path, inputs: Path, extra: list[str], checkout: Path = ROOT) -> Run:
    out = Path(tempfile.mkdtemp(prefix="out-", dir=work))
    usage = _nianbao("convert", str(inputs), "-o", str(out), *extra, checkout=checkout)
    shutil.rmtree(out)
    summary = usage.stdout.strip().splitlines()[-1]
    match = _RATE.search(summary)
    if match is None or " 0 failed" not in summary:
        raise SystemExit(f"nianbao convert {' '.join(extra)}: {summary}")
    return Run(usage, float(match.group(1)))


def throughput(
    work: Path, files: int, workers: int, rounds: int, baseline: Path | None = None
) -> None:
    inputs, tiny = work / "inputs", work / "tiny"
    kinds = mixed_inputs(inputs, files)
    mixed_inputs(tiny, 2)
    print(f"{files} files ({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))}), ", end="")
    print(f"{rounds} rounds, median (min-max)")
    configs = {
        f"-j {workers}": ["-j", str(workers)],
        f"--cluster local:{workers}": ["--cluster", f"local:{workers}"],
    }
    runs: dict[str, Callable[[], Run]] = {}
    for label, extra in configs.items():
        runs[label] = partial(_convert, work, inputs, extra)
        runs[f"{label}, 2 files"] = partial(_convert, work, tiny, extra)
    if baseline is not None:
        extra = configs[f"--cluster local:{workers}"]
        runs[f"baseline local:{workers}"] = partial(_convert, work, inputs, extra, baseline)
        runs[f"baseline local:{workers}, 2 files"] = partial(_convert, work, tiny, extra, baseline)
    for label, run in runs.items():  # unmeasured: fills the bytecode cache for each one
        if label.endswith("2 files"):
            run()
    results = interleaved(runs, rounds)
    print(
        f"  {'':<28} {'wall s':>20} {'files/s':>20} {'run alone s':>20} {'CPU s (not convs)':>20}"
    )
    for label, done in results.items():
        wall = Spread.of([run.usage.seconds for run in done])
        n = 2 if label.endswith("2 files") else files
        print(
            f"  {label:<28} {wall.text(digits=2):>20} "
            f"{Spread.of([n / run.usage.seconds for run in done]).text():>20} "
            f"{Spread.of([run.inner for run in done]).text(digits=2):>20} "
            f"{Spread.of([run.usage.cpu for run in done]).text(digits=2):>20}"
        )
    j, c = (results[label] for label in configs)
    ratio = paired_ratio([run.usage.seconds for run in c], [run.usage.seconds for run in j])
    alone = paired_ratio([run.inner for run in c], [run.inner for run in j])
    print(f"  cluster wall / -j wall, round by round: {ratio.text(digits=3)}")
    print(f"  the same, start-up and shut-down left out: {alone.text(digits=3)}")
    if baseline is not None:
        b = results[f"baseline local:{workers}"]
        before = paired_ratio([run.usage.seconds for run in b], [run.usage.seconds for run in j])
        print(f"  baseline cluster wall / -j wall, round by round: {before.text(digits=3)}")


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


def export(work: Path, reports: int, rounds: int) -> None:
    folder = work / "reports"
    size = report_copies(folder, reports)
    print(f"{reports} reports ({size / 2**20:.0f} MiB of JSON), {rounds} rounds, median (min-max)")
    times: dict[str, list[Usage]] = {"new dataset": [], "again (all replaced)": []}
    report_copies(work / "two-reports", 2)  # unmeasured: fills the bytecode cache
    _nianbao("export", str(work / "two-reports"), "--parquet", str(work / "two-reports-dataset"))
    for _ in range(rounds):
        out = Path(tempfile.mkdtemp(prefix="dataset-", dir=work))
        for done in times.values():
            done.append(_nianbao("export", str(folder), "--parquet", str(out)))
        shutil.rmtree(out)
    for label, done in times.items():
        seconds = Spread.of([usage.seconds for usage in done])
        rate = Spread.of([reports / usage.seconds for usage in done])
        peak = Spread.of([usage.peak_mib for usage in done])
        print(
            f"  export --parquet, {label:<22} {seconds.text(digits=2)} s, {rate.text(digits=0)} "
            f"reports/s, peak RSS {peak.text(digits=0)} MiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reports", type=int, default=2_000)
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="CHECKOUT",
        help="also --cluster as another checkout has it (e.g. before a change), interleaved",
    )
    parser.add_argument("--skip-convert", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}; {load()} (before)")
    print(f"  {BytecodeCache.HEADER}")
    global BYTECODE  # one cache for every command of the run
    with BytecodeCache() as BYTECODE, tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        work = Path(tmp)
        if not args.skip_convert:
            throughput(work, args.files, args.workers, args.rounds, args.baseline)
        if not args.skip_export:
            export(work, args.reports, args.rounds)
    print(f"{load()} (after)")


if __name__ == "__main__":
    main()
