"""nianbao against the floor of reading its input, cold and warm, and peak memory in a clean child.

    python benchmarks/bench_pdfium.py [FILES...] [--cold N] [--warm N] [--pdfplumber]
                                      [--today CHECKOUT]

With no files: three real report PDFs (samples/real/hongze-2024.pdf, WPS, a text object per
glyph; tests/fixtures/pdf/report-2021-libreoffice.pdf and rows-broken-across-pages.pdf,
LibreOffice) and the 2021 report as DOCX, XLSX and HTML (samples/). Any PDF, DOCX, XLSX, XLS,
HTML or text file may be named: every PDF of the tests and the corpus is
`benchmarks/bench_pdfium.py tests/fixtures/pdf/*.pdf ../shared/corpus/real/*.pdf`. A file either
way refuses (an encrypted PDF: exit 3) is named with the error and left out.

Each file is read two ways, "nianbao" (the whole conversion through the public API, as a
library user makes it: `import nianbao`, `nianbao.convert_document(path)`, then
`nianbao.to_json`, default options) and "floor" (the least any tool must do to read that
file, in the same library nianbao uses), and, with --pdfplumber, "pdfplumber" (nianbao with
pdf_engine="pdfplumber"). Floors:

    PDF    pypdfium2: the document opened, each page loaded and its whole text read
           (`get_textpage().get_text_range()`)
    DOCX   python-docx: the package opened (`docx.Document`), the body's text walked
    XLSX   openpyxl: `load_workbook(data_only=True)`, every cell's value read
    XLS    xlrd: `open_workbook`, every cell's value read
    HTML   lxml: the page parsed (`lxml.html.document_fromstring`), its text walked
    text   the bytes decoded (UTF-8, else GB18030)

Cold: N rounds (default 5); in each, every (file, way) runs in a fresh interpreter that does
only that one conversion, in an order rotated each round. Reported: the imports (`import
nianbao`, or the floor's library) and then the first conversion (for nianbao, the first call,
which imports the pipeline, the adapter and its libraries), together what a one-file process
pays beyond starting Python, the whole process's wall time, its peak resident set (the clean child
of `measuring.py`: not this benchmark's high-water mark), and nianbao's time over the floor's,
taken round by round. Warm: a fresh interpreter per file converts it once each way to warm up
(imports, caches), then N rounds (default 7) of each way, rotated: the steady state of a
long-running worker. Times are the median (min-max) of the rounds.

With --today CHECKOUT, nianbao as it is in another checkout is a third way, cold and warm (its
default engine), for the speed-up over it.

Every child runs as an installed tool does, with its modules' bytecode cached (`measuring.py`'s
`BytecodeCache`: PYTHONPYCACHEPREFIX in a temporary folder, PYTHONDONTWRITEBYTECODE removed),
filled before the cold rounds by one unmeasured child per (file, way), for nianbao and the floor
alike: without it, a checkout run under PYTHONDONTWRITEBYTECODE=1 compiles nianbao's own sources
in every cold round, some 45 ms that no user pays. A file a way refuses is found in that
warm-up, said and left out.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from measuring import (
    BytecodeCache,
    Spread,
    clean_child,
    interleaved,
    load,
    paired_ratio,
    rotated,
)
from ways import FLOORS, way

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = [
    ROOT / "samples" / "real" / "hongze-2024.pdf",
    ROOT / "tests" / "fixtures" / "pdf" / "report-2021-libreoffice.pdf",
    ROOT / "tests" / "fixtures" / "pdf" / "rows-broken-across-pages.pdf",
    ROOT / "samples" / "docx" / "report-2021-filled.docx",
    ROOT / "samples" / "xlsx" / "report-2021-tables.xlsx",
    ROOT / "samples" / "html" / "report-2021.html",
]
#: Within this many times the floor, cold and warm: issue 24's aim for every PDF.
AIM = 4.0


# --- the children: cold in `ways.py` (nothing imported before its clock), warm here ---------


def warm_child(names: list[str], path: Path, rounds: int) -> None:
    """Each way once to warm up, then `rounds` rounds of each, rotated."""
    runs = {name: way(name, str(path)) for name in names}
    pages = max(run(str(path)) for run in runs.values())

    def timed(run: Callable[[str], int]) -> Callable[[], float]:
        def once() -> float:
            start = time.perf_counter()
            run(str(path))
            return time.perf_counter() - start

        return once

    times = interleaved({name: timed(run) for name, run in runs.items()}, rounds)
    print(json.dumps({"pages": pages, "times": times}))


# --- the parent: small, it only starts children and prints ------------------------------------


def _env(name: str, args: argparse.Namespace) -> dict[str, str]:
    """A child's environment: the checkout of its way first on the path, the bytecode cache."""
    cache: BytecodeCache = args.bytecode
    env = cache.env()
    root = args.today if name == "today" and args.today is not None else ROOT
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    return env


def _cold_command(name: str, path: Path) -> list[str]:
    return [sys.executable, str(Path(__file__).with_name("ways.py")), name, str(path)]


def warm_up(files: list[Path], args: argparse.Namespace) -> list[Path]:
    """One unmeasured cold child per (file, way), to fill the bytecode cache; the files that
    every way reads (one refused is said and left out)."""
    kept = []
    for path in files:
        for name in _ways(path, args):
            usage = args.bytecode.warm_up(_cold_command(name, path), _env(name, args))
            if usage.status != 0:
                last = (usage.stderr.strip().splitlines() or ["no message"])[-1]
                print(f"  {path.name}: {name} exited {usage.status}: {last[:160]}; left out")
                break
        else:
            kept.append(path)
    return kept


def _ways(path: Path, args: argparse.Namespace) -> list[str]:
    names = ["nianbao", "floor"]
    if args.pdfplumber and path.suffix.lower() == ".pdf":
        names.append("pdfplumber")
    if args.today is not None:
        names.append("today")
    return names


@dataclass(frozen=True)
class Result:
    """One way of reading one file: its seconds, the same over the floor's round by round, and
    (cold) the first conversion alone, its imports left out."""

    seconds: Spread
    over_floor: Spread
    first: Spread | None = None


Measured = dict[Path, dict[str, Result]]


def cold(files: list[Path], args: argparse.Namespace) -> Measured:
    print(f"\ncold: a fresh process per conversion, {args.cold} rounds, median (min-max)")
    runs: dict[tuple[Path, str], list[dict[str, float]]] = {}
    pages: dict[Path, int] = {}
    for round_ in range(args.cold):
        for path in rotated(files, round_):
            for name in rotated(_ways(path, args), round_):
                usage = clean_child(_cold_command(name, path), _env(name, args))
                result = json.loads(usage.stdout.splitlines()[-1])
                pages[path] = max(pages.get(path, 0), result.pop("pages"))
                result.update(total=result["imports"] + result["first"], wall=usage.seconds)
                runs.setdefault((path, name), []).append({**result, "peak": usage.peak_mib})
    print(
        f"{'file':<30} {'pages':>5} {'way':<10} {'imports ms':>20} {'1st conversion ms':>22} "
        f"{'process ms':>22} {'peak MiB':>18} {'x floor':>16}"
    )
    measured: Measured = {}
    for path in files:
        measured[path] = {}
        floor = [run["total"] for run in runs[(path, "floor")]]
        for name in _ways(path, args):
            done = runs[(path, name)]

            def spread(key: str, done: list[dict[str, float]] = done) -> Spread:
                return Spread.of([run[key] for run in done])

            ratio = paired_ratio([run["total"] for run in done], floor)
            measured[path][name] = Result(spread("total"), ratio, spread("first"))
            print(
                f"{path.name[:30]:<30} {pages[path] or '':>5} {name:<10} "
                f"{spread('imports').text(1000):>20} {spread('first').text(1000):>22} "
                f"{spread('wall').text(1000):>22} {spread('peak').text():>18} "
                f"{'' if name == 'floor' else ratio.text(digits=2):>16}"
            )
    print("  x floor: imports and first conversion over the floor's, round by round")
    return measured


def warm(files: list[Path], args: argparse.Namespace) -> Measured:
    print(f"\nwarm: in one process per file, after a warm-up, {args.warm} rounds, median (min-max)")
    print(f"{'file':<30} {'pages':>5} {'way':<10} {'ms':>24} {'ms per page':>18} {'x floor':>16}")
    measured: Measured = {}
    for path in files:
        names = _ways(path, args)
        results: dict[str, list[float]] = {}
        pages = 0
        # `today` runs another checkout's code: a child of its own, the same rounds.
        groups = [[n for n in names if n != "today"]] + ([["today", "floor"]] * ("today" in names))
        for group in groups:
            command = [sys.executable, __file__, "--warm-child", ",".join(group), str(path)]
            command += ["--warm", str(args.warm)]
            usage = clean_child(command, _env(group[0], args))
            result = json.loads(usage.stdout.splitlines()[-1])
            pages = max(pages, result["pages"])
            for name, times in result["times"].items():
                again = name == "floor" and "floor" in results
                results["floor (today's child)" if again else name] = times
        measured[path] = {}
        for name, times in results.items():
            floor = results["floor (today's child)" if name == "today" else "floor"]
            ratio = paired_ratio(times, floor)
            measured[path][name] = Result(Spread.of(times), ratio)
            per_page = Spread.of(times).text(1000 / pages, 2) if pages else ""
            print(
                f"{path.name[:30]:<30} {pages or '':>5} {name[:10]:<10} "
                f"{Spread.of(times).text(1000):>24} {per_page:>18} "
                f"{'' if name.startswith('floor') else ratio.text(digits=2):>16}"
            )
    return measured


def verdict(cold_measured: Measured, warm_measured: Measured, today: bool) -> None:
    print("\nnianbao's first conversion in a fresh process (after its imports) over a warm one:")
    for path, ways in cold_measured.items():
        first = ways["nianbao"].first
        assert first is not None
        steady = warm_measured[path]["nianbao"].seconds
        print(f"  {path.name[:40]:<40} {first.median / steady.median:6.1f}x")
    if today:
        print("\nspeed-up over --today (its time over nianbao's, the medians):")
        for path, ways in cold_measured.items():
            c = ways["today"].seconds.median / ways["nianbao"].seconds.median
            warm_ways = warm_measured[path]
            w = warm_ways["today"].seconds.median / warm_ways["nianbao"].seconds.median
            print(f"  {path.name[:40]:<40} cold {c:5.2f}x  warm {w:5.2f}x")
    pdfs = [path for path in cold_measured if path.suffix.lower() == ".pdf"]
    if pdfs:
        print(f"\nnianbao over the floor on PDFs (aim: at most {AIM:g}x cold and warm; median):")
    for path in pdfs:
        c = cold_measured[path]["nianbao"].over_floor.median
        w = warm_measured[path]["nianbao"].over_floor.median
        met = "met" if max(c, w) <= AIM else "MISSED"
        print(f"  {path.name[:40]:<40} cold {c:5.2f}x  warm {w:5.2f}x  {met}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--cold", type=int, default=5, metavar="N", help="cold rounds")
    parser.add_argument("--warm", type=int, default=7, metavar="N", help="warm rounds")
    parser.add_argument("--pdfplumber", action="store_true", help="nianbao's other PDF engine too")
    parser.add_argument("--today", type=Path, metavar="CHECKOUT")
    parser.add_argument("--warm-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.warm_child:
        warm_child(args.warm_child.split(","), args.files[0], args.warm)
        return 0
    files = [path.resolve() for path in args.files or DEFAULT_FILES]
    unknown = [path.name for path in files if path.suffix.lower() not in FLOORS]
    if unknown:
        parser.error(f"no floor for {', '.join(unknown)} (known: {', '.join(FLOORS)})")
    print(f"Python {sys.version.split()[0]}; {load()} (before)")
    print(f"  {BytecodeCache.HEADER}")
    for suffix, (floor, _, _) in FLOORS.items():
        if any(path.suffix.lower() == suffix for path in files):
            print(f"  floor for {suffix}: {floor}")
    with BytecodeCache() as args.bytecode:
        files = warm_up(files, args)
        cold_measured = cold(files, args)
        warm_measured = warm(files, args)
    verdict(cold_measured, warm_measured, args.today is not None)
    print(f"\n{load()} (after)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
