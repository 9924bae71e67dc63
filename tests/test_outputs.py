"""Issue 19, harm outside the output: `-o` never destroys what it names, standard input and
special files are read within bounds, a killed writer's temporaries are cleaned up.

Every file here is made in tmp_path: a FIFO by os.mkfifo, a character device by os.openpty; the
real /dev/null is only looked at (its stat), never written."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

from nianbao.cli import main
from nianbao.runtime import outputs
from nianbao.schemas.emit import (
    STALE_AFTER_SECONDS,
    remove_stale_temporaries,
    this_host,
    write_atomic,
)


def _cli(
    *args: str, stdin: IO[bytes] | None = None, stdout: IO[bytes] | int = subprocess.PIPE
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "nianbao.cli", *args],
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=60,
        check=False,
    )


def _reader(path: Path, into: list[bytes]) -> threading.Thread:
    """A thread that opens `path` for reading and keeps what it reads in `into`."""

    def read() -> None:
        with path.open("rb") as handle:
            into.append(handle.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_o_fifo_is_written_through_not_replaced(
    text_sample: dict[str, Path], tmp_path: Path
) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    thread = _reader(fifo, received)
    assert main(["convert", str(text_sample["004"]), "-o", str(fifo), "-q"]) == 0
    thread.join(timeout=30)
    assert json.loads(received[0])["schema"] == "nianbao.report/1"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still the FIFO it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.fifo"]  # no temporary left


def test_o_character_device_is_written_through(
    text_sample: dict[str, Path], tmp_path: Path
) -> None:
    """A pty's slave end is a character device, as /dev/null is: written to, never replaced."""
    master, slave = os.openpty()
    try:
        device = Path(os.ttyname(slave))
        received: list[bytes] = []

        def read() -> None:
            while True:
                try:
                    chunk = os.read(master, 1 << 16)
                except OSError:
                    return
                if not chunk:
                    return
                received.append(chunk)

        threading.Thread(target=read, daemon=True).start()
        result = _cli("convert", str(text_sample["004"]), "-o", str(device), "-q")
        assert result.returncode == 0, result.stderr
        assert stat.S_ISCHR(device.stat().st_mode)
        deadline = time.monotonic() + 10
        while b'"schema": "nianbao.report/1"' not in b"".join(received):
            assert time.monotonic() < deadline, "the report never reached the terminal"
            time.sleep(0.05)
    finally:
        os.close(slave)
        os.close(master)


def test_dev_null_is_a_name_written_through() -> None:
    """/dev/null is only looked at: a character device, which `-o` writes through."""
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)
    assert outputs.written_through(os.devnull)


def test_o_symbolic_link_is_refused_and_kept(text_sample: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    link = tmp_path / "report.json"
    link.symlink_to(target)
    result = _cli("convert", str(text_sample["004"]), "-o", str(link))
    assert result.returncode == 3
    assert b"is a symbolic link (to " in result.stderr
    assert link.is_symlink() and target.read_text() == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious.txt", "report.json"]


def test_o_dangling_symbolic_link_is_refused(text_sample: dict[str, Path], tmp_path: Path) -> None:
    link = tmp_path / "report.json"
    link.symlink_to(tmp_path / "nowhere.json")
    assert main(["convert", str(text_sample["004"]), "-o", str(link)]) == 3
    assert link.is_symlink() and not (tmp_path / "nowhere.json").exists()


def test_o_dev_stdout_into_a_file_keeps_what_the_shell_appended_to(
    text_sample: dict[str, Path], tmp_path: Path
) -> None:
    """`-o /dev/stdout >> log`: the report is appended, the log never replaced, and the
    summary line goes to standard error, not into the report. The name given is a link made
    here to what /dev/stdout links to (/proc/self/fd/1), so that even a nianbao that replaced
    links could only replace this one, never the real /dev/stdout."""
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    log = tmp_path / "log.txt"
    log.write_text("earlier\n")
    with log.open("ab") as appended:
        result = _cli("convert", str(text_sample["004"]), "-o", str(stdout), stdout=appended)
    assert result.returncode == 0, result.stderr
    earlier, report = log.read_text(encoding="utf-8").split("\n", 1)
    assert earlier == "earlier"
    assert json.loads(report)["schema"] == "nianbao.report/1"
    assert stdout.is_symlink()


def test_write_atomic_replaces_only_a_regular_file(tmp_path: Path) -> None:
    """The rule under every report a batch or the hot folder writes: a FIFO or a link where a
    report goes is refused, naming what it is, and stays what it was."""
    fifo = tmp_path / "a.json"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="FIFO"):
        write_atomic(fifo, "{}")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    link = tmp_path / "b.json"
    link.symlink_to(tmp_path / "c.json")
    with pytest.raises(OSError, match="symbolic link"):
        write_atomic(link, "{}")
    assert link.is_symlink() and not (tmp_path / "c.json").exists()
    regular = tmp_path / "d.json"
    regular.write_text("old")
    write_atomic(regular, "new")
    assert regular.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json", "d.json"]


def test_stdin_is_read_within_the_memory_limit(tmp_path: Path) -> None:
    """`nianbao convert - < /dev/zero` took 23 GB: now it stops at the bound, exit 3, in
    bounded memory, and writes nothing."""
    command = ["convert", "-", "-o", str(tmp_path / "x.json"), "--memory-limit", "8M"]
    process = subprocess.Popen(
        [sys.executable, "-m", "nianbao.cli", *command],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None
    zeros = bytes(1 << 20)
    with pytest.raises(BrokenPipeError):  # the command stops reading: the bound, not the end
        for _ in range(4096):  # 4 GiB, far more than the bound
            process.stdin.write(zeros)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 3
    assert b"<stdin>: more than 8 MiB (the memory limit; --memory-limit raises it)" in stderr
    assert list(tmp_path.iterdir()) == []


def test_dev_stdin_from_a_pipe_is_read_as_dash_not_refused_as_a_fifo(
    text_sample: dict[str, Path], tmp_path: Path
) -> None:
    """A FIFO named as an input is refused; our own standard input, a pipe, is not."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "nianbao.cli",
            "convert",
            "/dev/stdin",
            "-o",
            str(tmp_path / "r.json"),
        ],
        input=text_sample["004"].read_bytes(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "r.json").read_text())["source"]["name"] == "stdin"


def test_fifo_input_without_a_writer_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "in.txt"
    os.mkfifo(fifo)
    start = time.monotonic()
    result = _cli("convert", str(fifo), "-o", str(tmp_path / "out.json"))
    assert time.monotonic() - start < 20
    assert result.returncode == 3
    assert b"is a FIFO (a named pipe), not a regular file" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt"]


def test_stale_temporaries_of_a_killed_writer_are_removed(tmp_path: Path) -> None:
    """A `kill -9` between a temporary's creation and its rename leaves `.nianbao-*.tmp`: one
    whose writer is gone, or that is older than the bound, is removed; a live writer's stays,
    and so does everything that is not ours."""
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    host = this_host()
    gone = tmp_path / f".nianbao-{dead.stdout.strip()}@{host}-abc123_x.tmp"
    live = tmp_path / f".nianbao-{os.getpid()}@{host}-def456_y.tmp"
    elsewhere = tmp_path / f".nianbao-{dead.stdout.strip()}@another-host-ghi789.tmp"
    old = tmp_path / ".nianbao-jkl012.tmp"  # an earlier nianbao named no writer
    theirs = tmp_path / ".other-1.tmp"
    for path in (gone, live, elsewhere, old, theirs):
        path.write_text("half a report")
    hour_ago = time.time() - STALE_AFTER_SECONDS - 60
    os.utime(old, (hour_ago, hour_ago))
    os.utime(theirs, (hour_ago, hour_ago))
    removed = remove_stale_temporaries(tmp_path)
    assert sorted(removed) == sorted([gone, old])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [live.name, elsewhere.name, theirs.name]
    )


def test_export_tables_go_through_a_fifo_and_never_replace_a_link(
    text_sample: dict[str, Path], tmp_path: Path
) -> None:
    """`--csv` and `--xlsx` are outputs a user names, as `-o` is: the same rule."""
    reports = tmp_path / "reports"
    assert main(["convert", str(text_sample["004"]), "-o", str(reports / "a.json"), "-q"]) == 0
    fifo = tmp_path / "table.csv"
    os.mkfifo(fifo)
    received: list[bytes] = []
    thread = _reader(fifo, received)
    assert main(["export", str(reports), "--csv", str(fifo)]) == 0
    thread.join(timeout=30)
    assert received[0].startswith("\ufeffsource,sha256,".encode())
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    target = tmp_path / "precious.xlsx"
    target.write_bytes(b"keep me")
    link = tmp_path / "table.xlsx"
    link.symlink_to(target)
    assert main(["export", str(reports), "--xlsx", str(link)]) == 3
    assert link.is_symlink() and target.read_bytes() == b"keep me"
