"""Issue 11, "Data loss and leaks in the hot folder": one test per defect, with real processes,
real files and real signals.

The watcher runs as a person runs it (`python -m nianbao.cli watch`), or, where a test
needs a worker that is busy for as long as the test likes, as a small script around `HotFolder`
with a worker function from this module (`RUNNER`): a process of its own either way, so that
signals reach it as they would in production.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from nianbao.runtime.worker import Converted, convert_inbox_file
from tests.conftest import ROOT, TEXT_SAMPLES

Watcher = subprocess.Popen[bytes]
SETTLE = 0.2
RECHECK = 1.0
WAIT = 30.0
GBK_NAME = "年报".encode("gbk") + b".txt"  # b'\xc4\xea\xb1\xa8.txt', as a Windows share writes it

RUNNER = """
import signal, sys
from pathlib import Path
from nianbao.runtime.watch import HotFolder, WatchOptions
from tests.test_watch_issue11 import busy_or_convert
options = WatchOptions(settle=float(sys.argv[3]), recheck=float(sys.argv[4]))
folder = HotFolder(Path(sys.argv[1]), Path(sys.argv[2]), options, work=busy_or_convert)
signal.signal(signal.SIGTERM, lambda signum, frame: folder.stop())
folder.run()
"""


def busy_or_convert(path: Path) -> Converted:
    """Busy for ten minutes on inputs named busy*, saying its pid; converts the others."""
    if path.name.startswith("busy"):
        (path.parent / f".{path.name}.pid").write_text(str(os.getpid()), encoding="ascii")
        time.sleep(600)
    return convert_inbox_file(path)


def _env() -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": path}


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _watch_command(inbox: Path, outbox: Path, *, recheck: float = RECHECK) -> list[str]:
    return [
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
    ]


@contextmanager
def _running(
    command: list[str], log: Path, *, new_session: bool = False
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a watcher until it logs that it is watching; SIGTERM it afterwards if still alive."""
    with log.open("ab") as sink:
        process = subprocess.Popen(
            command,
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=_env(),
            start_new_session=new_session,
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


def _watcher(inbox: Path, outbox: Path, log: Path) -> AbstractContextManager[Watcher]:
    return _running(_watch_command(inbox, outbox), log)


def _busy_watcher(inbox: Path, outbox: Path, log: Path) -> AbstractContextManager[Watcher]:
    """A watcher whose worker is busy on busy*, in a process group of its own."""
    command = [sys.executable, "-c", RUNNER, str(inbox), str(outbox), str(SETTLE), str(RECHECK)]
    return _running(command, log, new_session=True)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _report(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _source(report: Path) -> dict[str, object]:
    source = _report(report)["source"]
    assert isinstance(source, dict)
    return source


def _byte_names(folder: Path) -> list[bytes]:
    """The names in `folder` as the file system holds them."""
    return [os.fsencode(path.name) for path in folder.iterdir()]


def _alive(pid: int) -> bool:
    """Whether `pid` still runs (a zombie waiting for its new parent to reap it does not)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return status.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _worker_pid(inbox: Path, name: str) -> int:
    marker = inbox / f".{name}.pid"
    _wait_for(lambda: marker.exists() and marker.read_text(encoding="ascii").isdigit(), "worker")
    return int(marker.read_text(encoding="ascii"))


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return inbox, tmp_path / "out", tmp_path / "watch.log"


# --- the defects --------------------------------------------------------------------------------


def test_issue11_same_name_twice_keeps_both_reports_and_both_errors(
    folders: tuple[Path, Path, Path],
) -> None:
    inbox, outbox, log = folders
    first, second = TEXT_SAMPLES[0], TEXT_SAMPLES[1]
    with _watcher(inbox, outbox, log):
        shutil.copyfile(first, inbox / "年报.txt")
        _wait_for((inbox / "done" / "年报.txt").exists, "the first 年报.txt")
        shutil.copyfile(second, inbox / "年报.txt")
        _wait_for((inbox / "done" / "年报 (2).txt").exists, "the second 年报.txt")

        (inbox / "a.txt").write_bytes(b"")
        _wait_for((inbox / "failed" / "a.txt").exists, "the first a.txt")
        (inbox / "failed" / "a.txt").unlink()  # taken away to be fixed; its error stays
        (inbox / "a.txt").write_bytes(random.Random(6).randbytes(50_000))
        _wait_for((inbox / "failed" / "a (2).txt").exists, "the second a.txt")

    # Each input its own report, paired by name: 年报.json <-> done/年报.txt, (2) <-> (2).
    assert sorted(p.name for p in outbox.iterdir()) == ["年报 (2).json", "年报.json"]
    assert (
        _source(outbox / "年报.json")["sha256"] == _sha(inbox / "done" / "年报.txt") == _sha(first)
    )
    assert _source(outbox / "年报 (2).json")["sha256"] == _sha(second)
    assert _sha(inbox / "done" / "年报 (2).txt") == _sha(second)

    errors = {p.name: _report(p) for p in (inbox / "failed").glob("*.error.json")}
    assert errors["a.txt.error.json"]["message"] == "file is empty"  # not overwritten
    assert errors["a (2).txt.error.json"]["code"] == "UnsupportedFormatError"
    assert errors["a (2).txt.error.json"]["source"] == "a.txt"


def test_issue11_symbolic_links_are_refused_unread(
    folders: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    inbox, outbox, log = folders
    secret = tmp_path / "secret.txt"  # readable by the service, not meant to be published
    shutil.copyfile(TEXT_SAMPLES[4], secret)
    with _watcher(inbox, outbox, log) as process:
        (inbox / "env.txt").symlink_to("/proc/self/environ")
        (inbox / "secret.txt").symlink_to(secret)
        (inbox / "dangling.txt").symlink_to(tmp_path / "nowhere")
        for name in ("env.txt", "secret.txt", "dangling.txt"):
            _wait_for((inbox / "failed" / f"{name}.error.json").exists, name)
        assert process.poll() is None
    assert not outbox.exists() or list(outbox.iterdir()) == []
    for name in ("env.txt", "secret.txt", "dangling.txt"):
        assert (inbox / "failed" / name).is_symlink()  # the link itself, moved
        error = _report(inbox / "failed" / f"{name}.error.json")
        assert error["code"] == "NotARegularFileError" and error["exit_code"] == 3
        assert "symbolic link" in str(error["message"]) and "not followed" in str(error["message"])
    assert str(secret) in str(_report(inbox / "failed" / "secret.txt.error.json")["message"])
    assert "environ" not in _text(log).replace("/proc/self/environ", "")  # nothing of it read


def test_issue11_a_name_that_is_not_utf8_converts_and_fails_losslessly(
    folders: tuple[Path, Path, Path],
) -> None:
    inbox, outbox, log = folders
    empty = b"\xbf\xd5" + GBK_NAME  # 空年报.txt in GBK
    with _watcher(inbox, outbox, log) as process:
        (Path(os.fsdecode(bytes(inbox) + b"/" + GBK_NAME))).write_bytes(
            TEXT_SAMPLES[4].read_bytes()
        )
        Path(os.fsdecode(bytes(inbox) + b"/" + empty)).write_bytes(b"")
        done, failed = inbox / "done", inbox / "failed"
        _wait_for(lambda: GBK_NAME in _byte_names(done), "the GBK-named file")
        _wait_for(lambda: empty + b".error.json" in _byte_names(failed), "the empty one")
        assert process.poll() is None  # alive, and so no restart will meet it again
    assert _byte_names(outbox) == [b"\xc4\xea\xb1\xa8.json"]  # the name's own bytes
    report = Path(os.fsdecode(bytes(outbox) + b"/\xc4\xea\xb1\xa8.json"))
    assert _source(report)["name"] == "\\xc4\\xea\\xb1\\xa8.txt"  # not "\\xc4걨.txt"
    assert _report(report)["annual_report"] is not None
    error = _report(failed / os.fsdecode(empty + b".error.json"))
    assert error["source"] == "\\xbf\\xd5\\xc4\\xea\\xb1\\xa8.txt"
    assert "converted \\xc4\\xea\\xb1\\xa8.txt -> " in _text(log)


def test_issue11_a_name_that_is_not_utf8_does_not_abort_a_batch(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    Path(os.fsdecode(bytes(folder) + b"/" + GBK_NAME)).write_bytes(TEXT_SAMPLES[4].read_bytes())
    shutil.copyfile(TEXT_SAMPLES[0], folder / "ok.txt")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "convert", str(folder), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(),
        check=False,
        timeout=WAIT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.splitlines()[-1]
    assert summary.startswith("2 files: 2 converted, 0 partial, 0 not a report, 0 failed")
    assert sorted(_byte_names(out)) == [b"ok.json", b"\xc4\xea\xb1\xa8.json"]


def test_issue11_a_long_name_converts_and_fails(folders: tuple[Path, Path, Path]) -> None:
    inbox, outbox, log = folders
    long_name = "政" * 79 + ".txt"  # 241 bytes: the report's name fits, a temporary one did not
    longer = "府" * 83 + ".txt"  # 253 bytes: `<name>.error.json` cannot be that
    with _watcher(inbox, outbox, log):
        shutil.copyfile(TEXT_SAMPLES[4], inbox / long_name)
        (inbox / longer).write_bytes(b"")
        _wait_for((inbox / "done" / long_name).exists, "the long name")
        _wait_for((inbox / "failed" / longer).exists, "the longer one")
    assert [p.name for p in outbox.iterdir()] == ["政" * 79 + ".json"]  # not shortened
    (error_file,) = (inbox / "failed").glob("*.error.json")
    assert len(os.fsencode(error_file.name)) <= 255 and error_file.name.startswith("府" * 70)
    assert _report(error_file)["source"] == longer
    assert list(inbox.glob("*.txt")) == []


def test_issue11_done_removed_while_running_is_made_again(
    folders: tuple[Path, Path, Path],
) -> None:
    inbox, outbox, log = folders
    with _watcher(inbox, outbox, log):
        shutil.copyfile(TEXT_SAMPLES[0], inbox / "one.txt")
        _wait_for((inbox / "done" / "one.txt").exists, "one.txt")
        shutil.rmtree(inbox / "done")
        shutil.copyfile(TEXT_SAMPLES[1], inbox / "two.txt")
        _wait_for((inbox / "done" / "two.txt").exists, "two.txt, after done/ was removed")
    assert sorted(p.name for p in outbox.iterdir()) == ["one.json", "two.json"]
    assert "could not finish" not in _text(log)


def test_issue11_sigterm_to_the_process_group_is_a_stop_not_a_failure(
    folders: tuple[Path, Path, Path],
) -> None:
    # Whether the watcher saw its stop or its worker's death first was a race: three rounds.
    inbox, outbox, log = folders
    for _ in range(3):
        with _busy_watcher(inbox, outbox, log) as process:
            (inbox / "busy.txt").write_text("whatever", encoding="utf-8")
            worker = _worker_pid(inbox, "busy.txt")
            os.killpg(process.pid, signal.SIGTERM)  # as systemd and `timeout` stop a service
            assert process.wait(timeout=WAIT) == 0, _text(log)
        assert (inbox / "busy.txt").exists(), _text(log)
        assert list((inbox / "failed").iterdir()) == []
        _wait_for(lambda: not _alive(worker), "the worker to end")  # noqa: B023
        (inbox / ".busy.txt.pid").unlink()
    assert _text(log).count("stopped while converting busy.txt") == 3


def test_issue11_kill_9_of_the_watcher_takes_its_worker_with_it(
    folders: tuple[Path, Path, Path],
) -> None:
    inbox, outbox, log = folders
    with _busy_watcher(inbox, outbox, log) as process:
        (inbox / "busy.txt").write_text("whatever", encoding="utf-8")
        worker = _worker_pid(inbox, "busy.txt")
        process.kill()
        process.wait(timeout=WAIT)
    try:
        _wait_for(lambda: not _alive(worker), "the orphaned worker to die", timeout=5)
    finally:
        if _alive(worker):
            os.kill(worker, signal.SIGKILL)  # the test's own leftover, by its pid
    assert "Traceback" not in _text(log) and "BrokenPipe" not in _text(log)
    assert (inbox / "busy.txt").exists()  # for the next run


def test_issue11_a_file_appended_in_pieces_is_one_input_with_one_report(
    folders: tuple[Path, Path, Path],
) -> None:
    inbox, outbox, log = folders
    whole = TEXT_SAMPLES[4].read_bytes()
    pieces = [whole[i : i + len(whole) // 4 + 1] for i in range(0, len(whole), len(whole) // 4 + 1)]
    with _watcher(inbox, outbox, log):
        for piece in pieces:  # `cat piece >> pieces.txt`, closed between, pauses > --settle
            with (inbox / "pieces.txt").open("ab") as handle:
                handle.write(piece)
            time.sleep(3 * SETTLE)
        _wait_for((inbox / "done" / "pieces.txt").exists, "pieces.txt done")
    assert [p.name for p in outbox.iterdir()] == ["pieces.json"]
    assert _source(outbox / "pieces.json")["bytes"] == len(whole)
    assert [p.name for p in (inbox / "done").iterdir()] == ["pieces.txt"]
    assert (inbox / "done" / "pieces.txt").read_bytes() == whole
    assert list((inbox / "failed").iterdir()) == []


def test_issue11_a_file_changed_after_its_report_is_a_new_version_of_the_same_input(
    folders: tuple[Path, Path, Path],
) -> None:
    inbox, outbox, log = folders
    # The hold counts from the file's last change, so it must outlast the first conversion on
    # a loaded machine (2 s did not: the file went to done/ before the second copy).
    with _running(_watch_command(inbox, outbox, recheck=8.0), log):
        shutil.copyfile(TEXT_SAMPLES[0], inbox / "r.txt")
        _wait_for((outbox / "r.json").exists, "the first version's report")
        shutil.copyfile(TEXT_SAMPLES[4], inbox / "r.txt")  # saved again, over it
        _wait_for((inbox / "done" / "r.txt").exists, "r.txt done")
    assert [p.name for p in outbox.iterdir()] == ["r.json"]
    assert _source(outbox / "r.json")["sha256"] == _sha(TEXT_SAMPLES[4])
    assert [p.name for p in (inbox / "done").iterdir()] == ["r.txt"]
    assert "converted r.txt again (it changed) -> " in _text(log)


def test_issue11_a_second_watcher_on_the_same_inbox_says_who_has_it_and_exits(
    folders: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    inbox, outbox, log = folders
    with _watcher(inbox, outbox, log) as first:
        second = subprocess.run(
            _watch_command(inbox, tmp_path / "out2"),
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=_env(),
            check=False,
            timeout=WAIT,
        )
        assert first.poll() is None
    assert second.returncode == 1
    assert str(inbox) in second.stderr and f"process {first.pid}" in second.stderr
    assert "already watched" in second.stderr
