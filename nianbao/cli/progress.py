"""Progress of long work, as the batch shows its own (`nianbao.runtime.batch.Lines`): on standard
error, on a terminal only, never under `--quiet`, and gone when the work is done (the command's
summary line replaces it). A bar for work over many reports (`export`, `check`); a status line
for one input's pages and OCR (`convert FILE`)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.collection.progress import SILENT, Steps

if TYPE_CHECKING:  # rich is imported only to draw: a one-file convert in a pipe pays nothing
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from nianbao.runtime.worker import Pages


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
    console = _terminal(quiet, console)
    if console is None:
        yield SILENT
        return
    from nianbao.runtime.batch import progress_bar

    progress = progress_bar(console)
    with progress:
        yield _Bar(progress)


@contextmanager
def pages_status(
    shown: str, *, quiet: bool, console: Console | None = None
) -> Iterator[Callable[[Path, Pages], None] | None]:
    """For one input converted in a worker: a line on `console` (standard error, a terminal,
    not `quiet`) saying its pages and how far OCR has got, from what the worker tells its
    parent for the time limit (`nianbao.adapters.effort`): the page count when a PDF is
    opened, and each page as its OCR begins. Gone when the conversion ends. None (nothing to
    tell) elsewhere."""
    console = _terminal(quiet, console)
    if console is None:
        yield None
        return
    from rich.status import Status

    status = Status("", console=console)
    started = False

    def tell(path: Path, pages: Pages) -> None:
        nonlocal started
        of = f"{pages.pages} pages" if pages.pages != 1 else "1 page"
        if pages.ocr_pages:
            status.update(f"{shown}: {of}; OCR of the {_nth(pages.ocr_pages)} page without text")
        else:
            status.update(f"{shown}: reading {of}")
        if not started:
            status.start()
            started = True

    try:
        yield tell
    finally:
        if started:
            status.stop()


def _terminal(quiet: bool, console: Console | None) -> Console | None:
    """`console` (by default standard error) if it is a terminal to draw on, and not `quiet`."""
    if quiet or (console is None and not sys.stderr.isatty()):
        return None
    if console is None:
        from rich.console import Console

        console = Console(stderr=True)
    return console if console.is_terminal else None


def _nth(n: int) -> str:
    if n % 100 in (11, 12, 13):
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"
