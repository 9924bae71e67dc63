"""Progress where work is long (issue 19: "long work on one input runs without a word"): one
input's pages and OCR on `convert FILE`, reports on `export` and `check` (tests/test_export.py);
on a terminal only, never under -q or in a pipe."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from nianbao.cli.progress import pages_status, report_bar
from nianbao.collection.progress import SILENT
from nianbao.runtime.worker import Pages
from tests.conftest import SAMPLES
from tests.terminal import stderr_of

HONGZE = SAMPLES / "real" / "hongze-2024.pdf"


@pytest.mark.parametrize(
    ("terminal", "quiet", "shown"),
    [(True, False, True), (True, True, False), (False, False, False)],
    ids=["terminal", "terminal-quiet", "pipe"],
)
def test_convert_shows_a_pdfs_pages_on_a_terminal_only(
    tmp_path: Path, terminal: bool, quiet: bool, shown: bool
) -> None:
    flags = ["-q"] if quiet else []
    said = stderr_of(
        [*flags, "convert", str(HONGZE), "-o", str(tmp_path / "out.json")],
        tmp_path,
        terminal=terminal,
    )
    assert ("reading 5 pages" in said) is shown, said
    assert (tmp_path / "out.json").is_file()


def test_the_status_says_how_far_ocr_has_got() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    with pages_status("scan.pdf", quiet=False, console=console) as tell:
        assert tell is not None
        tell(Path("scan.pdf"), Pages(5, 0))
        tell(Path("scan.pdf"), Pages(5, 2))
    assert "scan.pdf: 5 pages; OCR of the 2nd page without text" in screen.getvalue()


def test_nothing_is_drawn_when_quiet_or_not_on_a_terminal() -> None:
    terminal = Console(file=io.StringIO(), force_terminal=True)
    not_terminal = Console(file=io.StringIO(), force_terminal=False)
    with pages_status("a.pdf", quiet=True, console=terminal) as tell:
        assert tell is None
    with pages_status("a.pdf", quiet=False, console=not_terminal) as tell:
        assert tell is None
    with report_bar(quiet=True, console=terminal) as steps:
        assert steps is SILENT
    with report_bar(quiet=False, console=not_terminal) as steps:
        assert steps is SILENT
    with report_bar(quiet=False, console=terminal) as steps:
        assert steps is not SILENT
