"""`nianbao review INPUT... -o SITE/`: the site, made in the runtime's worker processes.

Inputs are documents (converted first, in the worker, as `nianbao convert` would) or report
JSONs, whose source is looked for beside the report, then in `--sources DIR` and its folders,
and taken only if it is the very bytes the report was made from (its `source.sha256`). A folder
is searched for both: its report JSONs, and its documents that have no report beside them
(`x.pdf` beside `x.json` is reviewed once, from the report); a Parquet dataset's folder gives
the report files it was made from. Without its source a report's page
shows what the report holds: the tables and text it read, not the rendered page.

Each input is reviewed in a worker of `nianbao.runtime.pool.WorkerPool` (the time and memory
limits of `convert`): read or converted, its pages holding figures rendered, its page made.
Only this process writes, each file atomically: `SITE/reports/<name>/index.html` with its
`page-N.png` images (and `report.json` for a document), `SITE/assets/`, and `SITE/index.html`
last. A run shows progress as a batch does, and exits 1 if any input failed (listed in the
index too); when every input failed alike, it exits as `convert` of one of them would
(`Summary.exit_code`).
"""

from __future__ import annotations

import functools
import itertools
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from rich.console import Console

from nianbao.adapters._accepts import IMAGE_FORMATS
from nianbao.collection import sources as sources_of
from nianbao.collection.report_file import read_report, reports_in
from nianbao.convert.options import ConvertOptions, Limits
from nianbao.errors import (
    DocumentLoadError,
    Failure,
    InputsFailedError,
    NianbaoError,
    OutputError,
)
from nianbao.review.index_page import index_page
from nianbao.review.pages import image_pages, render_pages
from nianbao.review.report_page import Entry, entry_of, pages_holding_figures, report_page
from nianbao.review.sources import image_name
from nianbao.review.templates import ASSETS, text
from nianbao.runtime.batch import Lines
from nianbao.runtime.inputs import (
    alternative_names,
    documents_in,
    passed_over,
    printable,
)
from nianbao.runtime.pool import WorkerPool
from nianbao.runtime.worker import Converted, convert_file
from nianbao.schemas.emit import write_atomic
from nianbao.schemas.model import Report

REPORTS = "reports"
INDEX = "index.html"
#: A folder holding this is a Parquet dataset (`nianbao export --parquet`): its reports' files.
DATASET_REPORTS = "reports.parquet"
#: Where a report's page finds the index and the assets: `SITE/reports/<name>/index.html`.
UP = "../.."


@dataclass(frozen=True)
class ReviewOptions:
    convert: ConvertOptions | None = None
    #: Where else the sources of report JSONs may be (searched with its folders).
    sources: Path | None = None


@dataclass(frozen=True)
class Reviewed(Converted):
    """A worker's review of one input: the page, its images, its index entry; and, for a
    document, the report's JSON (`text`), empty for an input that was a report already."""

    page: str = ""
    images: tuple[tuple[str, bytes], ...] = ()
    entry: Entry | None = None


@dataclass
class Summary:
    total: int = 0
    reviewed: int = 0
    failures: list[str] = field(default_factory=list)
    #: The exit code of each failure, in the order of `failures`.
    failure_codes: list[int] = field(default_factory=list)
    seconds: float = 0.0

    def exit_code(self) -> int:
        """The one rule of a run over many inputs (`InputsFailedError.exit_code_of`): 0 when
        every input was reviewed; when all failed alike (one unreadable input, say), that
        failure's own code, the one `nianbao convert` of the input exits with (3); else 1."""
        return InputsFailedError.exit_code_of(self.failure_codes, inputs=self.total)

    def line(self, site: Path) -> str:
        text = f"{self.reviewed} of {self.total} reviewed -> {site / INDEX}"
        if self.failures:
            text += f", {len(self.failures)} failed"
        return text + f", in {self.seconds:.1f} s"


@dataclass(frozen=True)
class Job:
    source: Path
    name: str  # the folder under SITE/reports


def is_report_file(path: Path) -> bool:
    return path.suffix.lower() == ".json"


def plan(inputs: Sequence[Path], not_reports: list[Path] | None = None) -> list[Job]:
    """Each input, and the folder its page goes to; a folder's reports and documents without a
    report beside them, in order. A folder's reports are found as `export` and `validate` find
    them (`reports_in`: its .json files that are not nianbao reports, a dataset's
    manifest.json, passed over, added to `not_reports`); one named as an input is reviewed, and
    fails by name."""
    found: list[Path] = []
    for given in inputs:
        if not given.is_dir():
            found.append(given)
            continue
        if (given / DATASET_REPORTS).is_file():
            found += _dataset_reports(given)
            continue
        reports = reports_in(given, not_reports)
        reported = {(p.parent, p.stem) for p in reports}
        documents = [
            d
            for d in documents_in(given)
            if (d.parent, d.stem) not in reported and (d.parent, d.name) not in reported
        ]
        if not reports and not documents:
            raise DocumentLoadError(
                "is a folder with no reports (*.json) or documents to review", source=str(given)
            )
        found += sorted(reports + documents)
    jobs: list[Job] = []
    taken: set[str] = set()
    seen: set[Path] = set()
    for source in found:
        if source.resolve() in seen:
            continue
        seen.add(source.resolve())
        name = next(n for n in _names(source) if n not in taken)
        taken.add(name)
        jobs.append(Job(source, name))
    return jobs


def _dataset_reports(dataset: Path) -> list[Path]:
    """The report files a Parquet dataset was made from (`reports.file`), as named when it was
    made, or under the dataset's folder; a file gone since fails its review, named."""
    import pyarrow.parquet as pq  # noqa: PLC0415 (only a dataset's review pays for it)

    try:
        files = pq.read_table(dataset / DATASET_REPORTS, columns=["file"]).column(0).to_pylist()
    except (OSError, KeyError, ValueError) as exc:
        raise DocumentLoadError(f"cannot be read: {exc}", source=str(dataset)) from exc
    paths = [Path(f) for f in files if f]
    return sorted(p if p.is_file() or p.is_absolute() else dataset / p for p in paths)


def _names(source: Path) -> Iterator[str]:
    """The names to try for an input's folder: a report's own stem (`x.json` -> `x`), a
    document's report's (`x.pdf` -> `x`, then `x.pdf`), then numbered ones."""
    if is_report_file(source):
        yield source.stem
        yield from (f"{source.stem} ({n})" for n in itertools.count(2))
    else:
        yield from (name.removesuffix(".json") for name in alternative_names(source))


def review_file(path: Path, options: ReviewOptions) -> Reviewed:
    """What a worker does with one input (see the module)."""
    notes: list[str] = []
    if is_report_file(path):
        report = Report.model_validate(read_report(path))
        source = find_source(path, report, options.sources, notes)
        report_text = ""
    else:
        report_text = convert_file(path, options.convert).json_text()
        report = Report.model_validate_json(report_text)
        source = path
    images = {}
    make = {"pdf": render_pages, **dict.fromkeys(IMAGE_FORMATS, image_pages)}.get(
        report.source.format
    )
    if source is not None and make is not None:
        try:
            images = {i.page: i for i in make(source, pages_holding_figures(report))}
        except NianbaoError as exc:
            notes.append(f"{exc}: the page shows what the report holds")
    page = report_page(report, images, up=UP, notes=notes, lines=_text_lines(source, report))
    return Reviewed(
        report_text,
        page=page,
        images=tuple((image_name(n), i.png) for n, i in sorted(images.items())),
        entry=entry_of(report),
    )


def _text_lines(source: Path | None, report: Report) -> list[str] | None:
    """A text input's lines, decoded as its report says it was; None for other inputs."""
    encoding = report.source.encoding
    if source is None or report.source.format != "text" or encoding is None:
        return None
    try:
        return source.read_bytes().decode(encoding.name, errors="replace").splitlines()
    except (OSError, LookupError):
        return None


def find_source(
    report_path: Path, report: Report, sources: Path | None, notes: list[str]
) -> Path | None:
    """The input `report` was made from: a file of its name beside `report_path`, in `sources`
    or under it, holding the same bytes; None (and a note saying so) when there is none."""
    source = report.source.model_dump(include={"name", "sha256", "bytes"})
    found = sources_of.find_source(report_path, source, None, [sources] if sources else [])
    if found.path is not None:
        return found.path
    if found.others:
        notes.append(
            f"{found.others[0]} is not the file this report was made from (other bytes): the "
            "page shows what the report holds"
        )
    else:
        where = f" or under {sources}" if sources is not None else ""
        notes.append(
            f"{report.source.name} not found beside the report{where}: the page shows what the "
            "report holds"
        )
    return None


def build(
    inputs: Sequence[Path],
    site: Path,
    *,
    options: ReviewOptions,
    workers: int,
    verbosity: int = 0,
    console: Console | None = None,
    out: TextIO | None = None,
) -> Summary:
    """Review `inputs` into the site folder `site` with `workers` processes."""
    if site.exists() and not site.is_dir():
        raise OutputError("is not a folder; -o names the site's folder", source=str(site))
    not_reports: list[Path] = []
    jobs = plan(inputs, not_reports)
    console = console or Console(stderr=True)
    out = out or sys.stdout
    if not_reports and verbosity > 0:
        print(passed_over(not_reports), file=out)
    summary = Summary(total=len(jobs))
    start = time.perf_counter()
    by_source = {job.source: job for job in jobs}
    work = functools.partial(review_file, options=options)
    entries: list[tuple[str, Entry]] = []
    with (
        WorkerPool(max(1, min(workers, len(jobs))), Limits.of(options.convert), work) as pool,
        Lines(len(jobs), console, out, verbosity, what="reviewing") as lines,
    ):
        for outcome in pool.map(list(by_source)):
            job = by_source[outcome.source]
            result = outcome.result
            if isinstance(result, Reviewed) and result.entry is not None:
                result = _write(site, job, result)
            if isinstance(result, Failure):
                line = f"failed {outcome.source}: {result.message}"
                summary.failures.append(line.removeprefix("failed "))
                summary.failure_codes.append(result.exit_code)
            else:
                assert isinstance(result, Reviewed) and result.entry is not None
                entries.append((f"{REPORTS}/{job.name}/{INDEX}", result.entry))
                summary.reviewed += 1
                line = f"reviewed {outcome.source} -> {site / REPORTS / job.name / INDEX}"
            lines.show(line, ok=not isinstance(result, Failure))
    order = {job.name: i for i, job in enumerate(jobs)}
    entries.sort(key=lambda e: order[e[0].split("/")[1]])
    (site / "assets").mkdir(parents=True, exist_ok=True)
    for asset in ASSETS:
        write_atomic(site / "assets" / asset, text(asset))
    write_atomic(site / INDEX, index_page(entries, [printable(f) for f in summary.failures]))
    summary.seconds = time.perf_counter() - start
    return summary


def _write(site: Path, job: Job, reviewed: Reviewed) -> Reviewed | Failure:
    folder = site / REPORTS / job.name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in reviewed.images:
            write_atomic(folder / name, data)
        if reviewed.text:
            write_atomic(folder / "report.json", reviewed.text)
        write_atomic(folder / INDEX, reviewed.page)
    except (OSError, ValueError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        return Failure.of(OutputError(f"cannot write {folder}: {detail}"))
    return reviewed
