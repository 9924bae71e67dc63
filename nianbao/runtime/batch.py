"""Many inputs at once: `nianbao convert A.pdf B.docx reports/ -o OUTDIR -j 4`.

Each input is converted in a worker process with the same limits as the hot folder
(`nianbao.runtime.worker`), `-j` of them at a time. Folders are searched recursively, because
collections are usually filed by year or province, for the document suffixes in
`nianbao.runtime.inputs.DOCUMENT_SUFFIXES`, skipping hidden and temporary files. A folder's
reports keep its layout under OUTDIR (`reports/2021/x.pdf` -> `OUTDIR/2021/x.json`); a file
named on the command line goes straight into OUTDIR. When two inputs would get the same report
name, the later one is named after its full file name (`x.docx.json`), then numbered. Reports
already in OUTDIR are replaced, so running a batch again refreshes it; with `--skip-existing` a
report made from the same bytes (its `source.sha256`) is kept instead, so that a stopped batch
of thousands resumes. The summary counts complete reports, partial ones, files that are not
reports and failures (`nianbao.collection.partial`).

On a terminal a progress bar shows on stderr and failures are printed above it; in a pipe or a
log there is no bar, just one line per file. Either way a summary ends the run, and the exit
status is 1 if any input failed, or the code they share if all failed alike (`Summary.exit_code`;
failed checks are information, not failure).

Reports are written atomically (a temporary renamed into place); a run killed outright can leave
a `.nianbao-<pid>@<host>-*.tmp` behind, which the next run into the same folders removes once its
writer is gone (`nianbao.schemas.emit.remove_stale_temporaries`).
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from nianbao.convert.options import ConvertOptions, Limits
from nianbao.errors import DocumentLoadError, Failure, InputsFailedError, OutputError
from nianbao.runtime.inputs import (
    DOCUMENT_SUFFIXES,
    alternative_names,
    documents_in,
    printable,
)
from nianbao.runtime.pool import Outcome, WorkerPool
from nianbao.runtime.worker import Converted, Work, convert_file, work_with
from nianbao.schemas.emit import remove_stale_temporaries, write_atomic


@dataclass(frozen=True)
class Job:
    source: Path
    output: Path


@dataclass
class Summary:
    """Counts of a batch. `converted` are complete reports; `partial` and `not_report` are
    written too, but lack what `nianbao.collection.partial` says."""

    total: int = 0
    converted: int = 0
    partial: int = 0
    not_report: int = 0
    failed: int = 0
    checks_failed: int = 0  # reports with at least one failed check
    undetermined: int = 0  # reports with at least one undetermined figure
    skipped: int = 0  # --skip-existing: already converted from the same bytes
    seconds: float = 0.0
    #: The exit code of each failure, for the run's own (`exit_code`).
    failure_codes: list[int] = field(default_factory=list)

    def count(self, result: Converted | Failure) -> None:
        """Count one file's result as failed, not a report, partial or converted."""
        if isinstance(result, Failure):
            self.failed += 1
            self.failure_codes.append(result.exit_code)
            return
        if result.status == "not a report":
            self.not_report += 1
        elif result.status == "partial":
            self.partial += 1
        else:
            self.converted += 1
        if result.checks_failed:
            self.checks_failed += 1
        if result.undetermined:
            self.undetermined += 1

    def line(self) -> str:
        """`6 files: 5 converted, 1 partial, 0 not a report, 0 failed, in 2.1 s (2.9 files/s)`;
        the rate is of the files converted, and a run that converted none says so instead."""
        files = f"{self.total} file{'' if self.total == 1 else 's'}"
        worked = self.total - self.skipped
        if self.total and not worked:
            return (
                f"{files}: all {self.skipped} already converted from the same bytes; nothing to do"
            )
        rate = worked / self.seconds if self.seconds else 0.0
        text = f"{files}: {self.converted} converted"
        unsure = [f"{self.checks_failed} with failed checks"] if self.checks_failed else []
        if self.undetermined:
            unsure.append(f"{self.undetermined} with figures undetermined")
        if unsure:
            text += f" ({', '.join(unsure)})"
        text += f", {self.partial} partial, {self.not_report} not a report, {self.failed} failed"
        if self.skipped:
            text += f", {self.skipped} already converted"
        return f"{text}, in {self.seconds:.1f} s ({rate:.1f} files/s)"

    def exit_code(self) -> int:
        """The run's exit code, by the one rule of a run over many inputs
        (`InputsFailedError.exit_code_of`: all failed alike, their code; else 1 if any failed)."""
        return InputsFailedError.exit_code_of(self.failure_codes, inputs=self.total)


def plan(
    inputs: Sequence[Path],
    outdir: Path,
    *,
    not_documents: list[Path] | None = None,
    links: list[Path] | None = None,
) -> list[Job]:
    """Each input file and where its report goes; folders expanded, duplicates dropped.

    Files of a folder that are not documents by their name are left out, and added to
    `not_documents` for the caller to say so; so are the symbolic links and special files in a
    folder, added to `links` (a link is followed only when named itself, see
    `nianbao.runtime.inputs`).
    """
    jobs: list[Job] = []
    taken: set[Path] = set()
    sources: set[Path] = set()
    for given in inputs:
        if given.is_dir():
            documents = documents_in(given, not_documents, links)
            if not documents:
                suffixes = ", ".join(sorted(DOCUMENT_SUFFIXES))
                raise DocumentLoadError(
                    f"is a directory with no documents to convert (looked for {suffixes})",
                    source=str(given),
                )
            pairs = [(doc, outdir / doc.relative_to(given).parent) for doc in documents]
        else:
            pairs = [(given, outdir)]
        for source, folder in pairs:
            key = source.resolve()
            if key in sources:
                continue
            sources.add(key)
            output = next(
                folder / name for name in alternative_names(source) if folder / name not in taken
            )
            taken.add(output)
            jobs.append(Job(source, output))
    return jobs


def run(
    jobs: Sequence[Job],
    *,
    workers: int,
    limits: Limits | None = None,
    options: ConvertOptions | None = None,
    work: Work | None = None,
    skip_existing: bool = False,
    verbosity: int = 0,
    console: Console | None = None,
    out: TextIO | None = None,
) -> Summary:
    """Convert `jobs` with `workers` processes; lines go to `out`, the bar to `console`.

    `options` reach every conversion; `limits`, if given, replace theirs. With `skip_existing`,
    a job whose report is already there, made from the same bytes (its `source.sha256`), is not
    converted again: a stopped batch run again resumes where it stopped. `verbosity` -1 shows
    only failures (no bar), 1 a line for every file even above the bar.
    """
    console = console or Console(stderr=True)
    out = out or sys.stdout
    limits = limits or Limits.of(options)
    work = work or work_with(convert_file, options)
    summary = Summary(total=len(jobs))
    start = time.perf_counter()
    remove_stale_temporaries_of(job.output for job in jobs)
    if skip_existing:
        todo = [job for job in jobs if not already_converted(job)]
        summary.skipped = len(jobs) - len(todo)
        jobs = todo
    outputs = {job.source: job.output for job in jobs}
    if not jobs:
        summary.seconds = time.perf_counter() - start
        return summary
    with (
        WorkerPool(max(1, min(workers, len(jobs))), limits, work) as pool,
        Lines(len(jobs), console, out, verbosity) as lines,
    ):
        for outcome in pool.map(list(outputs)):
            lines.show(_finish(outcome, outputs[outcome.source], summary), ok=outcome.ok)
    summary.seconds = time.perf_counter() - start
    return summary


def remove_stale_temporaries_of(outputs: Iterable[Path]) -> None:
    """Remove what a killed run left in the folders of these outputs: temporaries of reports
    never renamed into place (`nianbao.schemas.emit.remove_stale_temporaries`)."""
    for folder in sorted({output.parent for output in outputs}):
        remove_stale_temporaries(folder)


def _finish(outcome: Outcome, output: Path, summary: Summary) -> str:
    """Write the report of a successful outcome and count it; the line that describes it."""
    result: Converted | Failure = outcome.result
    if isinstance(result, Converted):
        try:
            write_atomic(output, result.text)
        except (OSError, ValueError) as exc:  # disk full, permissions; never the end of a batch
            detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            result = Failure.of(OutputError(f"cannot write {output}: {detail}"))
    summary.count(result)
    if isinstance(result, Failure):
        return f"failed {outcome.source}: {result.message}"
    return f"converted {outcome.source} -> {output} ({result.summary()}) in {outcome.seconds:.2f} s"


_SHA256 = re.compile(rb'"sha256":\s*"([0-9a-f]{64})"')
_REPORT_HEAD = 1 << 16  # `source` comes first in a report: its sha256 is within this


def already_converted(job: Job) -> bool:
    """True when `job.output` is a report of the very bytes of `job.source`."""
    try:
        with job.output.open("rb") as handle:
            head = handle.read(_REPORT_HEAD)
    except OSError:
        return False
    match = _SHA256.search(head)
    if match is None:
        return False
    digest = hashlib.sha256()
    try:
        with job.source.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return False  # converting it says what is wrong
    return digest.hexdigest() == match.group(1).decode("ascii")


def progress_bar(console: Console) -> Progress:
    """The bar long work shows on a terminal (the batch, export, check): what, how many of how
    many, how long so far and how much longer; gone when the work ends, as the summary line
    replaces it."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


class Lines:
    """What a run shows as inputs finish. On a terminal, a progress bar with the failures
    printed above it (every file's line too, at verbosity 1); elsewhere (a pipe, a log) a line
    per file; at verbosity -1 (`--quiet`) the failures alone, and no bar."""

    def __init__(
        self,
        total: int,
        console: Console,
        out: TextIO,
        verbosity: int = 0,
        what: str = "converting",
    ) -> None:
        self.out = out
        self.verbosity = verbosity
        self.bar: Progress | None = None
        if console.is_terminal and verbosity >= 0:
            self.bar = progress_bar(console)
            self.task = self.bar.add_task(what, total=total)

    def __enter__(self) -> Lines:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def show(self, line: str, *, ok: bool) -> None:
        """One input finished: `line` says how."""
        line = printable(line)
        if self.bar is not None:
            if not ok or self.verbosity > 0:
                self.bar.console.print(line, markup=False, highlight=False)
            self.bar.advance(self.task)
        elif not ok or self.verbosity >= 0:
            print(line, file=self.out, flush=True)
