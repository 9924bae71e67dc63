"""A progress bar for work over many reports (`export`, `check`), as the batch shows its own
(`nianbao.runtime.batch.Lines`): on standard error, on a terminal only, never under `--quiet`,
and gone when the work is done (the command's summary line replaces it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from nianbao.collection.progress import SILENT, Steps


class _Bar:
    """`Steps` shown as one bar whose description is the phase at hand."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def begin(self, what: str, total: int) -> None:
        if self.task is None:
            self.task = self.progress.add_task(what, total=total)
        else:
            self.progress.reset(self.task, description=what, total=total)

    def advance(self) -> None:
        if self.task is not None:
            self.progress.advance(self.task)


@contextmanager
def report_bar(*, quiet: bool, console: Console | None = None) -> Iterator[Steps]:
    """Steps that draw a bar on `console` (standard error) when it is a terminal and not
    `quiet`; else steps that say nothing."""
    console = console or Console(stderr=True)
    if quiet or not console.is_terminal:
        yield SILENT
        return
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    with progress:
        yield _Bar(progress)
