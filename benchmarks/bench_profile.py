"""The work after the pages are read, warm: the profile, the report, its schema check, the JSON.

    python benchmarks/bench_profile.py [FILES...] [--rounds N] [--repeat N] [--today CHECKOUT]

`bench_pdfium.py` times a whole conversion, reading included, against the floor of reading;
this times only what follows the reading, which no floor bounds: `profile` of the document the
adapter made (read once, before the timing), the `Report`, its schema check and `to_json`. Each
file is measured in a fresh process per round, which reads it, does the work once to warm up
(imports, caches of the forms' labels) and then `--repeat` times (default 30), timing each in
CPU time (`time.process_time`: less swayed than wall time by other work on the machine); the
process's median is that round's figure. With --today CHECKOUT, the same is run with another
checkout's nianbao in alternate processes, the order rotated each round, and the speed-up is
its time over this one's, round by round. Printed: the median (min-max) of the rounds
(default 3).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from measuring import Spread, load, paired_ratio, rotated

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = [
    ROOT / "tests" / "fixtures" / "pdf" / "report-2021-libreoffice.pdf",
    ROOT / "samples" / "real" / "hongze-2024.pdf",
    ROOT / "samples" / "docx" / "report-2021-filled.docx",
    ROOT / "samples" / "xlsx" / "report-2021-tables.xlsx",
    ROOT / "samples" / "html" / "report-2021.html",
    ROOT / "samples" / "text" / "pingtan-2024.txt",
    ROOT / "samples" / "text" / "pingtan-2019.txt",
    ROOT / "samples" / "text" / "kewei-2024.md",
]


def child(path: Path, repeat: int) -> None:
    """In a fresh process (nianbao from PYTHONPATH): the median CPU seconds of the work after
    reading `path`, printed as JSON."""
    from nianbao.adapters.sniff import InputInfo, sniff  # noqa: PLC0415
    from nianbao.convert.annual_report import profile  # noqa: PLC0415
    from nianbao.convert.pipeline import _default_registry, convert_path  # noqa: PLC0415
    from nianbao.schemas.emit import report_data, to_json  # noqa: PLC0415
    from nianbao.schemas.model import Report  # noqa: PLC0415
    from nianbao.schemas.validation import validate_report_data  # noqa: PLC0415

    data = path.read_bytes()
    info = InputInfo(name=str(path), size=len(data), format=sniff(data))
    adapter = _default_registry(True).find(data[:8192], info, None)
    assert adapter is not None, f"{path}: no adapter reads it"
    read = adapter.convert(data, info)
    source = convert_path(path).source

    def after() -> float:
        start = time.process_time()
        annual_report, diagnostics = profile(read.document, source_name=path.name)
        report = Report(
            source=source,
            document=read.document,
            annual_report=annual_report,
            diagnostics=[*read.diagnostics, *diagnostics],
        )
        validate_report_data(report_data(report))
        to_json(report)
        return time.process_time() - start

    after()
    print(json.dumps({"seconds": statistics.median(after() for _ in range(repeat))}))


def _measure(path: Path, checkout: Path, repeat: int) -> float:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(checkout), env.get("PYTHONPATH")]))
    command = [sys.executable, __file__, "--child", str(path), "--repeat", str(repeat)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    seconds: float = json.loads(done.stdout.strip().splitlines()[-1])["seconds"]
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--today", type=Path, metavar="CHECKOUT")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.repeat)
        return
    checkouts = {"nianbao": ROOT, **({"today": args.today} if args.today else {})}
    print(f"{load()} (before); CPU ms after reading, {args.rounds} rounds of {args.repeat}")
    print(f"{'file':32} {'nianbao':>22} {'today':>22} {'speed-up':>20}")
    for path in args.files or DEFAULT_FILES:
        times: dict[str, list[float]] = {name: [] for name in checkouts}
        for round_ in range(args.rounds):
            for name in rotated(list(checkouts), round_):
                times[name].append(_measure(path, checkouts[name], args.repeat))
        ours = Spread.of(times["nianbao"]).text(1e3, 2)
        theirs = Spread.of(times["today"]).text(1e3, 2) if args.today else "-"
        ratio = paired_ratio(times["today"], times["nianbao"]).text(1, 2) if args.today else "-"
        print(f"{path.name[:32]:32} {ours:>22} {theirs:>22} {ratio:>20}")
    print(f"{load()} (after)")


if __name__ == "__main__":
    main()
