"""`nianbao review` on many reports: time, and the site's size per report.

    python benchmarks/bench_review.py [--reports N] [--jobs J]

N report JSONs (default 1,000) made from the documents under samples/ (every format: the real
PDF and the LibreOffice PDF among them, so their pages are rendered) taken in turn: each sample
is converted once, its report copied under N/11 names, the sources found by `--sources`. The
run is timed as a user sees it (`nianbao review IN --sources SRC -o SITE -j J`: worker
processes started, every page written, the index last), and the site's size is divided by N
(also per format: a PDF's page images weigh most). Issue 23's aim: 1,000 reports in about a
minute on two cores.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from nianbao.cli import main as nianbao
from nianbao.runtime.inputs import documents_in

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
PDFS = [ROOT / "tests" / "fixtures" / "pdf" / "report-2021-libreoffice.pdf"]


def make_inputs(work: Path, reports: int) -> dict[str, str]:
    """`reports` JSONs under `work/in`, their sources under `work/sources`; each report's name
    -> its source's format."""
    converted, sources, inputs = work / "converted", work / "sources", work / "in"
    samples = [*documents_in(SAMPLES), *PDFS]
    sources.mkdir()
    for sample in samples:  # each under its own name: the reports name their sources so
        shutil.copyfile(sample, sources / sample.name)
    assert nianbao(["convert", str(sources), "-o", f"{converted}/", "-q"]) == 0
    pairs = [
        (report, json.loads(report.read_text(encoding="utf-8"))["source"]["format"])
        for report in sorted(converted.glob("*.json"))
    ]
    inputs.mkdir()
    formats = {}
    for n in range(reports):
        report, kind = pairs[n % len(pairs)]
        name = f"{n:04d}-{report.stem}"
        shutil.copyfile(report, inputs / f"{name}.json")
        formats[name] = kind
    return formats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        work = Path(tmp)
        formats = make_inputs(work, args.reports)
        site = work / "site"
        start = time.perf_counter()
        flags = ["--sources", str(work / "sources"), "-j", str(args.jobs), "-q"]
        code = nianbao(["review", str(work / "in"), *flags, "-o", str(site)])
        seconds = time.perf_counter() - start
        assert code == 0, f"review exited {code}"
        sizes: dict[str, list[int]] = defaultdict(list)
        pages = 0
        for folder in (site / "reports").iterdir():
            sizes[formats[folder.name]].append(sum(f.stat().st_size for f in folder.iterdir()))
            pages += len(list(folder.glob("page-*.png")))
        total = sum(sum(s) for s in sizes.values())
        print(
            f"{args.reports} reports, -j {args.jobs}: {seconds:.1f} s "
            f"({args.reports / seconds:.1f} reports/s), {pages} pages rendered"
        )
        print(f"site: {total / 2**20:.1f} MiB, {total / args.reports / 1024:.0f} KiB per report")
        for kind, found in sorted(sizes.items()):
            print(f"  {kind}: {len(found)} reports, {sum(found) / len(found) / 1024:.0f} KiB each")
        index = (site / "index.html").stat().st_size
        print(f"  index.html: {index / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
