"""The hot folder: seeds and a real PDF dropped in, a copy in two halves, bad files, SIGTERM,
restarts, and workers that hang, exhaust memory or die.

The watcher runs as `python -m nianbao.cli watch` where signals and the command line
matter, and in a thread through the Python API where a test needs to inject the worker's function
(a sleeping one for the time limit). Every wait is bounded.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from nianbao.convert.options import ConvertOptions, Limits
from nianbao.errors import Failure
from nianbao.runtime import watch as watch_module
from nianbao.runtime.inputs import is_ignored, printable
from nianbao.runtime.pool import WorkerPool
from nianbao.runtime.watch import HotFolder, WatchOptions, _open_for_writing
from nianbao.runtime.worker import Converted, convert_file
from nianbao.schemas.emit import this_host
from tests.conftest import ROOT, SAMPLES, TEXT_SAMPLES

SETTLE = 0.2
RECHECK = 1.0  # how long a converted file is held in INBOX in case more is written to it
WAIT = 60.0  # the longest any test waits for anything: generous for a loaded CI machine
PDF = SAMPLES / "real" / "hongze-2024.pdf"


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


@contextmanager
def _watcher(
    inbox: Path, outbox: Path, log: Path, *, recheck: float = RECHECK
) -> Iterator[subprocess.Popen[bytes]]:
    """The watcher as a person runs it; stopped with SIGTERM, and must exit 0 by itself."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nianbao.cli",
                "watch",
                str(inbox),
                "--out",
                str(outbox),
                "--settle",
                str(SETTLE),
                "--recheck",
                str(recheck),
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=env,
        )
    try:
        _wait_for(lambda: "watching" in _text(log) or process.poll() is not None, "start")
        assert process.poll() is None, _text(log)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            process.kill()
            raise


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _lines(log: Path, word: str) -> list[str]:
    return [line for line in _text(log).splitlines() if f" {word} " in line]


def _finished(inbox: Path) -> list[Path]:
    """The inputs moved to done/ or failed/ (their error reports aside)."""
    return [
        path
        for folder in (inbox / "done", inbox / "failed")
        if folder.exists()
        for path in folder.iterdir()
        if not path.name.endswith(".error.json")
    ]


def _kernel_tells_writers(folder: Path) -> bool:
    probe = folder / "probe"
    with probe.open("wb"):
        writing = _open_for_writing(probe)
    return writing and not _open_for_writing(probe)


def _drop(source: Path, inbox: Path, name: str | None = None) -> Path:
    target = inbox / (name or source.name)
    shutil.copyfile(source, target)
    return target


def test_hot_folder_converts_seeds_pdf_halves_and_bad_files_then_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    inbox, outbox, log = tmp_path / "inbox", tmp_path / "out", tmp_path / "watch.log"
    inbox.mkdir()
    already = [_drop(path, inbox) for path in TEXT_SAMPLES[:2]]  # there before it starts
    with _watcher(inbox, outbox, log) as process:
        for path in TEXT_SAMPLES[2:]:
            _drop(path, inbox)
        _drop(PDF, inbox)
        (inbox / "empty.txt").write_bytes(b"")
        (inbox / "noise.bin").write_bytes(random.Random(6).randbytes(50_000))
        ignored = ["~$report.docx", "big.pdf.part", "x.crdownload", "y.tmp", ".hidden.txt"]
        for name in ignored:
            (inbox / name).write_bytes(b"not yet")
        # A copy that stalls for longer than the settle period, the file open all along. Only a
        # kernel that says who is writing (Linux leases) can see through a stall that long; on
        # others the settle period must cover it, so the stall stays within it there.
        whole = TEXT_SAMPLES[4].read_bytes()
        stall = 8 * SETTLE if _kernel_tells_writers(tmp_path) else SETTLE / 4
        with (inbox / "halves.txt").open("wb") as handle:
            handle.write(whole[: len(whole) // 2])
            handle.flush()
            time.sleep(stall)
            handle.write(whole[len(whole) // 2 :])

        expected = 2 + len(TEXT_SAMPLES[2:]) + 1 + 2 + 1  # seeds, PDF, bad files, halves
        _wait_for(
            lambda: len(_finished(inbox)) >= expected,
            f"{expected} files moved to done/ or failed/",
        )
        assert process.poll() is None  # bad files did not take it down
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=WAIT) == 0
    log_text = _text(log)

    for path in TEXT_SAMPLES:
        report = json.loads((outbox / f"{path.stem}.json").read_text(encoding="utf-8"))
        assert report["source"]["name"] == path.name
        assert (inbox / "done" / path.name).exists()
        assert not (inbox / path.name).exists()
    assert all((inbox / "done" / path.name).exists() for path in already)

    halves = json.loads((outbox / "halves.json").read_text(encoding="utf-8"))
    assert halves["source"]["bytes"] == len(whole)  # whole, not the first half
    assert len([line for line in _lines(log, "converted") if "halves.txt" in line]) == 1

    for name, code in (("empty.txt", "DocumentLoadError"), ("noise.bin", "UnsupportedFormatError")):
        assert (inbox / "failed" / name).exists()
        error = json.loads((inbox / "failed" / f"{name}.error.json").read_text(encoding="utf-8"))
        assert error["code"] == code and error["exit_code"] in (3, 4)
        assert error["source"] == name and error["message"] and error["when"]
        assert f"failed {name}: " in log_text

    for name in ignored:
        assert (inbox / name).read_bytes() == b"not yet"  # untouched
    assert sorted(p.name for p in outbox.iterdir() if p.name.startswith(".")) == []

    # The PDF adapter may or may not be installed yet; either way the PDF is handled, once.
    pdf_report = outbox / "hongze-2024.json"
    if (inbox / "done" / PDF.name).exists():
        report = json.loads(pdf_report.read_text(encoding="utf-8"))
        assert report["source"]["format"] == "pdf"
    else:
        error = json.loads(
            (inbox / "failed" / f"{PDF.name}.error.json").read_text(encoding="utf-8")
        )
        assert error["code"] == "UnsupportedFormatError" and "pdf" in error["message"]
        assert not pdf_report.exists()

    # One line per file, a person can read it: time, verb, names, what the report says.
    line = next(line for line in _lines(log, "converted") if "004_" in line)
    assert f"-> {outbox / '004_7635fab03e0d303d.json'} (2021, 中山镇人民政府, 42 checks" in line
    assert line[:4].isdigit() and line.endswith(" s")
    assert log_text.rstrip().endswith("stopped")


def test_a_pdf_copied_in_two_halves_seconds_apart_is_converted_whole_once(
    tmp_path: Path,
) -> None:
    # Closed between the halves, the first half looks complete and fails to read: the watcher
    # must try again when the rest arrives within the recheck period, not give it up.
    inbox, outbox, log = tmp_path / "inbox", tmp_path / "out", tmp_path / "watch.log"
    inbox.mkdir()
    pdf = PDF.read_bytes()
    with _watcher(inbox, outbox, log, recheck=2.5) as process:
        (inbox / "split.pdf").write_bytes(pdf[: len(pdf) // 2])
        time.sleep(8 * SETTLE)
        with (inbox / "split.pdf").open("ab") as handle:
            handle.write(pdf[len(pdf) // 2 :])
        _wait_for(lambda: bool(_finished(inbox)), "split.pdf")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=WAIT) == 0
    report = json.loads((outbox / "split.json").read_text(encoding="utf-8"))
    assert (report["source"]["bytes"], report["source"]["format"]) == (len(pdf), "pdf")
    assert len(_lines(log, "converted")) == 1 and _lines(log, "failed") == []
    assert (inbox / "done" / "split.pdf").exists()
    assert list((inbox / "failed").iterdir()) == []


def test_restart_converts_what_arrived_meanwhile_and_nothing_twice(tmp_path: Path) -> None:
    inbox, outbox = tmp_path / "inbox", tmp_path / "out"
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    inbox.mkdir()
    _drop(TEXT_SAMPLES[0], inbox)
    with _watcher(inbox, outbox, first_log):
        _wait_for((inbox / "done" / TEXT_SAMPLES[0].name).exists, "first file done")
    report = outbox / f"{TEXT_SAMPLES[0].stem}.json"
    written = report.stat().st_mtime_ns

    _drop(TEXT_SAMPLES[1], inbox)  # arrives while no watcher runs
    with _watcher(inbox, outbox, second_log):
        _wait_for((inbox / "done" / TEXT_SAMPLES[1].name).exists, "second file done")
    assert [TEXT_SAMPLES[1].name in line for line in _lines(second_log, "converted")] == [True]
    assert report.stat().st_mtime_ns == written  # the first report was not made again
    assert sorted(p.name for p in outbox.iterdir()) == sorted(
        f"{p.stem}.json" for p in TEXT_SAMPLES[:2]
    )


# --- through the API: injected worker functions -------------------------------------------------


def slow_or_convert(path: Path) -> Converted:
    """Hangs on inputs named slow*, converts the others: a worker that must be killed."""
    if path.name.startswith("slow"):
        (path.parent / f".{path.name}.started").touch()  # hidden: not an input itself
        time.sleep(600)
    return convert_file(path)


def grow_once(path: Path) -> Converted:
    """Appends to its input the first time, as a writer that was not finished would."""
    marker = path.parent / f".{path.name}.grown"
    if not marker.exists():
        marker.touch()
        with path.open("ab") as handle:
            handle.write("\n补充".encode())
    return convert_file(path)


def allocate_too_much(path: Path) -> Converted:
    hoard = bytearray(4 * 2**30)
    return Converted(str(len(hoard)))


def die(path: Path) -> Converted:
    if path.name.startswith("die"):
        os.kill(os.getpid(), signal.SIGKILL)
    return Converted("{}\n")


@contextmanager
def _folder_in_thread(folder: HotFolder) -> Iterator[list[str]]:
    lines: list[str] = []
    folder._log_line = lines.append
    thread = threading.Thread(target=folder.run)
    thread.start()
    try:
        yield lines
    finally:
        folder.stop()
        thread.join(WAIT)
        assert not thread.is_alive()


def test_a_hanging_worker_is_killed_and_its_input_fails_while_the_watcher_goes_on(
    tmp_path: Path,
) -> None:
    inbox, outbox = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    options = WatchOptions(settle=SETTLE, convert=ConvertOptions(limits=Limits(seconds=1)))
    folder = HotFolder(inbox, outbox, options, work=slow_or_convert)
    with _folder_in_thread(folder) as lines:
        (inbox / "slow.txt").write_text("whatever", encoding="utf-8")
        _wait_for((inbox / "failed" / "slow.txt.error.json").exists, "slow.txt failed")
        _drop(TEXT_SAMPLES[4], inbox)
        _wait_for((outbox / f"{TEXT_SAMPLES[4].stem}.json").exists, "next file")
    error = json.loads((inbox / "failed" / "slow.txt.error.json").read_text(encoding="utf-8"))
    assert error["code"] == "TimeLimitError" and "1 s" in error["message"]
    assert error["exit_code"] == 3
    assert any("failed slow.txt: took longer than the time limit of 1 s" in x for x in lines)


def test_stopping_mid_conversion_leaves_the_input_in_the_inbox_and_no_output(
    tmp_path: Path,
) -> None:
    inbox, outbox = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    folder = HotFolder(inbox, outbox, WatchOptions(settle=SETTLE), work=slow_or_convert)
    with _folder_in_thread(folder) as lines:
        (inbox / "slow.txt").write_text("whatever", encoding="utf-8")
        _wait_for((inbox / ".slow.txt.started").exists, "the worker to start on it")
    assert (inbox / "slow.txt").exists()
    assert list(outbox.iterdir()) == []
    assert not list((inbox / "failed").iterdir())
    assert any("stopped while converting slow.txt" in line for line in lines)


def test_same_stem_and_same_name_each_get_their_own_numbered_report(tmp_path: Path) -> None:
    inbox, outbox = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    options = WatchOptions(settle=SETTLE, recheck=RECHECK)
    with _folder_in_thread(HotFolder(inbox, outbox, options)):
        _drop(TEXT_SAMPLES[0], inbox, "report.txt")
        _wait_for((inbox / "done" / "report.txt").exists, "report.txt")
        _drop(TEXT_SAMPLES[1], inbox, "report.text")
        _wait_for((inbox / "done" / "report (2).text").exists, "report.text")
        _drop(TEXT_SAMPLES[2], inbox, "report.txt")  # another file of the same name
        _wait_for((inbox / "done" / "report (3).txt").exists, "report.txt again")
    # A report and its input share a name; none is ever replaced by another input's report.
    names = ["report (2).json", "report (3).json", "report.json"]
    assert sorted(p.name for p in outbox.iterdir()) == names
    sources = (TEXT_SAMPLES[1], TEXT_SAMPLES[2], TEXT_SAMPLES[0])
    for report, source in zip(names, sources, strict=True):
        data = json.loads((outbox / report).read_text(encoding="utf-8"))
        assert data["source"]["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()


def test_polling_finds_files_too(tmp_path: Path) -> None:
    inbox, outbox = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    folder = HotFolder(inbox, outbox, WatchOptions(settle=SETTLE, poll=True))
    with _folder_in_thread(folder) as lines:
        _drop(TEXT_SAMPLES[3], inbox)
        _wait_for((outbox / f"{TEXT_SAMPLES[3].stem}.json").exists, "a report")
    assert "polling" in lines[0]


def test_memory_limit_and_a_dying_worker_are_failures_not_crashes() -> None:
    with WorkerPool(1, Limits(memory=512 * 2**20), work=allocate_too_much) as pool:
        outcome = pool.run_one(Path("big.txt"))
    assert outcome is not None and isinstance(outcome.result, Failure)
    assert outcome.result.code == "MemoryLimitError" and outcome.result.exit_code == 3

    with WorkerPool(1, work=die) as pool:
        outcomes = list(pool.map([Path("die.txt"), Path("fine.txt")]))
    assert [o.source.name for o in outcomes] == ["die.txt", "fine.txt"]
    died, fine = (o.result for o in outcomes)
    assert isinstance(died, Failure) and died.code == "WorkerDiedError"
    assert "SIGKILL" in died.message
    assert isinstance(fine, Converted)  # a new worker took over


@pytest.mark.parametrize(
    ("name", "ignored"),
    [
        ("~$report.docx", True),
        ("report.pdf.part", True),
        ("report.pdf.crdownload", True),
        ("x.TMP", True),
        (".DS_Store", True),
        ("Thumbs.db", True),
        ("report.docx~", True),
        ("report.pdf", False),
        ("2021年报.txt", False),
    ],
)
def test_temporary_and_hidden_files_are_ignored(name: str, ignored: bool) -> None:
    assert is_ignored(name) is ignored


def test_control_characters_in_names_cannot_forge_log_lines() -> None:
    assert printable("a\n2026-01-01 converted x.txt") == "a?2026-01-01 converted x.txt"
    assert printable("中山镇 年报.txt") == "中山镇 年报.txt"


def test_a_file_that_changes_while_converted_is_converted_again_whole(tmp_path: Path) -> None:
    inbox, outbox = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    options = WatchOptions(settle=SETTLE, recheck=RECHECK)
    folder = HotFolder(inbox, outbox, options, work=grow_once)
    with _folder_in_thread(folder) as lines:
        source = _drop(TEXT_SAMPLES[4], inbox, "grow.txt")
        size = source.stat().st_size
        _wait_for((inbox / "done" / "grow.txt").exists, "grow.txt done")
    report = json.loads((outbox / "grow.json").read_text(encoding="utf-8"))
    assert report["source"]["bytes"] == size + len("\n补充".encode())
    assert any("grow.txt changed while being converted" in line for line in lines)
    assert len([line for line in lines if " converted grow.txt" in line]) == 1


def test_falls_back_to_polling_when_change_notification_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_inotify() -> None:
        raise OSError(24, "inotify instance limit reached")

    monkeypatch.setattr(watch_module, "Observer", no_inotify)
    inbox, outbox = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    with _folder_in_thread(HotFolder(inbox, outbox, WatchOptions(settle=SETTLE))) as lines:
        _drop(TEXT_SAMPLES[0], inbox)
        _wait_for((outbox / f"{TEXT_SAMPLES[0].stem}.json").exists, "a report")
    assert "change notification unavailable" in lines[0] and "polling" in lines[1]


def test_stale_temporaries_in_the_outbox_are_removed_when_the_watcher_starts(
    tmp_path: Path,
) -> None:
    """Issue 19: a watcher killed between a report's temporary and its rename left
    `.nianbao-*.tmp` in OUTBOX; the next watcher removes it, and says so."""
    inbox, outbox = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "failed").mkdir()
    outbox.mkdir()
    killed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    killed.kill()
    killed.wait()
    leftovers = [
        folder / f".nianbao-{killed.pid}@{this_host()}-q1w2e3r4.tmp"
        for folder in (outbox, inbox / "failed")
    ]
    for path in leftovers:
        path.write_text('{"half": ', encoding="utf-8")
    folder = HotFolder(inbox, outbox, WatchOptions(settle=SETTLE, poll=True))
    with _folder_in_thread(folder) as lines:
        _wait_for(lambda: any("watching" in line for line in lines), "the watcher to start")
    assert not any(path.exists() for path in leftovers)
    assert sum("a temporary whose writer is gone" in line for line in lines) == 2


def test_a_link_where_a_report_would_go_is_neither_followed_nor_replaced(tmp_path: Path) -> None:
    """Issue 19: the report's name in OUTBOX taken by a link (or a FIFO, which reading would
    block on) is left alone; the report takes the next name."""
    inbox, outbox = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    outbox.mkdir()
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n", encoding="utf-8")
    stem = TEXT_SAMPLES[3].stem
    (outbox / f"{stem}.json").symlink_to(precious)
    os.mkfifo(outbox / f"{stem} (2).json")
    folder = HotFolder(inbox, outbox, WatchOptions(settle=SETTLE, poll=True))
    with _folder_in_thread(folder):
        _drop(TEXT_SAMPLES[3], inbox)
        _wait_for((outbox / f"{stem} (3).json").exists, "the report under the next free name")
    assert (outbox / f"{stem}.json").is_symlink() and precious.read_text() == "keep me\n"
    assert stat.S_ISFIFO((outbox / f"{stem} (2).json").lstat().st_mode)
