"""Many inputs at once: `nianbao convert A.pdf B.docx reports/ -o OUTDIR -j 4`.

Each input is converted in a worker process with the same limits as the hot folder
(`nianbao.convert.worker`), `-j` of them at a time. Folders are searched recursively, because
collections are usually filed by year or province, for the document suffixes in
`nianbao.convert.inputs.DOCUMENT_SUFFIXES`, skipping hidden and temporary files. A folder's
reports keep its layout under OUTDIR (`reports/2021/x.pdf` -> `OUTDIR/2021/x.json`); a file
named on the command line goes straight into OUTDIR. When two inputs would get the same report
name, the later one is named after its full file name (`x.docx.json`), then numbered. Reports
already in OUTDIR are replaced, so running a batch again refreshes it.

On a terminal a progress bar shows on stderr and failures are printed above it; in a pipe or a
log there is no bar, just one line per file. Either way a summary ends the run, and the exit
status is 1 if any input failed (failed checks are information, not failure).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
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

from nianbao.convert.inputs import (
    DOCUMENT_SUFFIXES,
    alternative_names,
    documents_in,
    printable,
    write_report,
)
from nianbao.convert.worker import (
    Converted,
    Failure,
    Limits,
    Outcome,
    Work,
    WorkerPool,
    convert_file,
)
from nianbao.errors import DocumentLoadError


@dataclass(frozen=True)
class Job:
    source: Path
    output: Path


@dataclass
class Summary:
    total: int = 0
    converted: int = 0
    failed: int = 0
    checks_failed: int = 0  # converted reports with at least one failed check
    seconds: float = 0.0

    def line(self) -> str:
        rate = self.total / self.seconds if self.seconds else 0.0
        text = f"{self.total} file{'' if self.total == 1 else 's'}: {self.converted} converted"
        if self.checks_failed:
            text += f" ({self.checks_failed} with failed checks)"
        return f"{text}, {self.failed} failed, in {self.seconds:.1f} s ({rate:.1f} files/s)"


def plan(inputs: Sequence[Path], outdir: Path) -> list[Job]:
    """Each input file and where its report goes; folders expanded, duplicates dropped."""
    jobs: list[Job] = []
    taken: set[Path] = set()
    sources: set[Path] = set()
    for given in inputs:
        if given.is_dir():
            documents = documents_in(given)
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
    work: Work = convert_file,
    console: Console | None = None,
    out: TextIO | None = None,
) -> Summary:
    """Convert `jobs` with `workers` processes; lines go to `out`, the bar to `console`."""
    console = console or Console(stderr=True)
    out = out or sys.stdout
    outputs = {job.source: job.output for job in jobs}
    summary = Summary(total=len(jobs))
    start = time.perf_counter()
    bar = _progress(console) if console.is_terminal else None
    task = bar.add_task("converting", total=len(jobs)) if bar else None
    with WorkerPool(max(1, min(workers, len(jobs))), limits, work) as pool:
        if bar:
            bar.start()
        try:
            for outcome in pool.map(list(outputs)):
                line = printable(_finish(outcome, outputs[outcome.source], summary))
                if bar is not None and task is not None:
                    if not outcome.ok:
                        bar.console.print(line, markup=False, highlight=False)
                    bar.advance(task)
                else:
                    print(line, file=out, flush=True)
        finally:
            if bar:
                bar.stop()
    summary.seconds = time.perf_counter() - start
    return summary


def _finish(outcome: Outcome, output: Path, summary: Summary) -> str:
    """Write the report of a successful outcome and count it; the line that describes it."""
    result: Converted | Failure = outcome.result
    if isinstance(result, Converted):
        try:
            write_report(output, result.text)
        except (OSError, ValueError) as exc:  # disk full, permissions; never the end of a batch
            detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            result = Failure("OSError", f"cannot write {output}: {detail}", 1)
    if isinstance(result, Failure):
        summary.failed += 1
        return f"failed {outcome.source}: {result.message}"
    summary.converted += 1
    if result.checks_failed:
        summary.checks_failed += 1
    return f"converted {outcome.source} -> {output} ({result.summary()}) in {outcome.seconds:.2f} s"


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=console,
        transient=True,  # the summary line replaces it
    )
