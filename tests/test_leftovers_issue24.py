"""Issue 24's runtime and command-line leftovers: one test per defect, named for it.

Every file is made in tmp_path (a FIFO by os.mkfifo); no real device is read.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

import nianbao
from nianbao.cli import main
from tests.conftest import GOLDEN, TEXT_SAMPLES


def test_library_refuses_a_fifo_instead_of_reading_it(tmp_path: Path) -> None:
    """`convert_document(fifo)` read the pipe to its end (a device such as /dev/zero: for ever);
    the command line refused it. The library now refuses it by name, without opening it."""
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    writer = threading.Thread(target=_write_into, args=(fifo, TEXT_SAMPLES[0].read_bytes()))
    writer.start()
    try:
        with pytest.raises(nianbao.DocumentLoadError, match=r"FIFO.*not a regular file") as raised:
            nianbao.convert_document(fifo)
        assert str(fifo) in str(raised.value)
    finally:
        _release(fifo, writer)


def _write_into(fifo: Path, data: bytes) -> None:
    try:
        with fifo.open("wb") as pipe:  # blocks until someone opens the FIFO to read
            pipe.write(data)
    except BrokenPipeError:  # the reader that let it go closed without reading
        pass


def _release(fifo: Path, writer: threading.Thread) -> None:
    """Open the FIFO's read end and drain it, so that a writer still waiting for a reader ends."""
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        deadline = time.monotonic() + 10
        while writer.is_alive() and time.monotonic() < deadline:
            try:
                os.read(fd, 1 << 16)
            except BlockingIOError:
                time.sleep(0.01)
    finally:
        os.close(fd)
    writer.join(timeout=10)
    assert not writer.is_alive()


def test_review_passes_over_a_json_that_is_not_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dataset's manifest.json in a reviewed folder was a failed input (exit 1); it is passed
    over, said once under -v. A report that breaks its schema in the same folder still fails."""
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copyfile(GOLDEN / "pingtan-2019.txt.json", folder / "pingtan-2019.json")
    (folder / "manifest.json").write_text('{"files": ["pingtan-2019.json"]}', encoding="utf-8")
    (folder / "notes.json").write_text("not JSON at all", encoding="utf-8")
    assert main(["review", str(folder), "-o", str(tmp_path / "site"), "-v"]) == 0
    said = capsys.readouterr().out
    assert said.count("passed over 2 .json files, not nianbao reports") == 1
    assert "manifest.json" in said and "failed" not in said

    broken = json.loads((folder / "pingtan-2019.json").read_text(encoding="utf-8"))
    del broken["source"]  # a report still (its schema named), but not a valid one
    (folder / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    assert main(["review", str(folder), "-o", str(tmp_path / "site2"), "-q"]) == 1
    assert "broken.json" in capsys.readouterr().out


def test_review_of_one_unreadable_input_exits_3_as_convert_does(tmp_path: Path) -> None:
    """`nianbao review missing.txt` exited 1 where `nianbao convert missing.txt` exits 3; a
    review where some inputs fail is still a batch with a failed file: 1."""
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.txt"
    for alone in (missing, empty):
        assert main(["convert", str(alone), "-o", str(tmp_path / "x.json"), "-q"]) == 3
        assert main(["review", str(alone), "-o", str(tmp_path / f"site-{alone.stem}"), "-q"]) == 3
    assert main(["review", str(missing), str(empty), "-o", str(tmp_path / "both"), "-q"]) == 3
    some = ["review", str(empty), str(TEXT_SAMPLES[0]), "-o", str(tmp_path / "some"), "-q"]
    assert main(some) == 1


def test_library_reads_an_open_pipe_only_up_to_the_memory_limit(tmp_path: Path) -> None:
    """An open pipe or device (`open("/dev/zero", "rb")`) was read to its end, which may never
    come; it is read up to the memory limit, and refused past it."""
    fifo = tmp_path / "endless"
    os.mkfifo(fifo)
    writer = threading.Thread(target=_write_into, args=(fifo, b"x" * (3 * 2**20)))
    writer.start()
    options = nianbao.ConvertOptions(limits=nianbao.Limits(memory=2**20))
    try:
        with (
            fifo.open("rb") as pipe,
            pytest.raises(nianbao.DocumentLoadError, match="more than 1 MiB"),
        ):
            nianbao.convert_document(pipe, options=options)
    finally:
        _release(fifo, writer)
