"""Batch conversion: several files and folders, -j 2, a summary, exit 1 on failure, the
progress bar on a terminal only."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from nianbao.cli import main
from nianbao.convert.pipeline import convert_path
from nianbao.runtime import batch
from nianbao.schemas.emit import this_host, to_json
from tests.conftest import TEXT_SAMPLES


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    """A researcher's folder: reports by year, plus things that are not reports."""
    root = tmp_path / "reports"
    for year, path in zip(("2017", "2017", "2017", "2024", "2021"), TEXT_SAMPLES, strict=True):
        (root / year).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, root / year / path.name)
    (root / "cover.mp3").write_bytes(b"ID3 not a report")
    (root / "2021" / "~$draft.docx").write_bytes(b"lock")
    (root / ".git").mkdir()
    (root / ".git" / "x.txt").write_text("hidden", encoding="utf-8")
    return root


def test_plan_mirrors_folders_and_names_clashes_apart(collection: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    loose = tmp_path / "004_7635fab03e0d303d.html"  # same stem as a report in the folder
    loose.write_text("<p>x</p>", encoding="utf-8")
    jobs = batch.plan([collection, loose, collection / "2021"], out)
    outputs = {job.source.relative_to(tmp_path).as_posix(): job.output for job in jobs}
    assert outputs == {
        f"reports/{year}/{path.name}": out / year / f"{path.stem}.json"
        for year, path in zip(("2017", "2017", "2017", "2024", "2021"), TEXT_SAMPLES, strict=True)
    } | {loose.name: out / "004_7635fab03e0d303d.json"}  # a different folder: no clash


def test_plan_same_name_in_one_folder(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "x.txt", tmp_path / "b" / "x.txt"
    for path in (a, b):
        path.parent.mkdir()
        path.write_text("x", encoding="utf-8")
    jobs = batch.plan([a, b, a], tmp_path / "out")
    assert [job.output.name for job in jobs] == ["x.json", "x.txt.json"]


def test_files_and_a_folder_in_parallel_with_a_summary(
    collection: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    extra = tmp_path / "extra.txt"
    shutil.copyfile(TEXT_SAMPLES[4], extra)
    assert main(["convert", str(collection), str(extra), "-o", str(out), "-j", "2"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len([line for line in lines if line.startswith("converted ")]) == 6
    # 003 has tables missing: partial, and counted so. 001's skipped checks read cells printed
    # blank, which is what the document holds: complete (`nianbao.collection.partial`).
    assert lines[-1].startswith("6 files: 5 converted, 1 partial, 0 not a report, 0 failed")
    assert "files/s" in lines[-1]
    assert f"skipped 1 files not documents by their names: {collection / 'cover.mp3'}" in lines
    report = json.loads((out / "2021" / f"{TEXT_SAMPLES[4].stem}.json").read_text("utf-8"))
    assert report == json.loads(to_json(convert_path(TEXT_SAMPLES[4])))  # as in-process
    assert (out / "extra.json").exists()
    assert not (out / "cover.json").exists()


def test_one_failure_means_exit_1_and_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "out"
    assert main(["convert", str(TEXT_SAMPLES[0]), str(empty), "-o", str(out), "-j", "2"]) == 1
    captured = capsys.readouterr()
    assert f"failed {empty}: file is empty" in captured.out
    assert captured.out.splitlines()[-1].startswith("2 files: 1 converted, 0 partial, 0 not a")
    assert sorted(p.name for p in out.iterdir()) == [f"{TEXT_SAMPLES[0].stem}.json"]


def test_several_inputs_need_an_output_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(TEXT_SAMPLES[0]), str(TEXT_SAMPLES[1])]) == 2
    assert "-o OUTDIR" in capsys.readouterr().err


def test_a_single_file_with_a_limit_runs_in_a_worker_and_gives_the_same_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.json"
    assert main(["convert", str(TEXT_SAMPLES[4]), "-o", str(out), "--time-limit", "60"]) == 0
    assert out.read_text(encoding="utf-8") == to_json(convert_path(TEXT_SAMPLES[4]))
    assert "中山镇人民政府" in capsys.readouterr().out


def test_no_progress_bar_in_a_pipe(collection: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "nianbao.cli",
            "convert",
            str(collection),
            "-o",
            str(tmp_path / "out"),
            "-j",
            "2",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "\x1b" not in result.stdout and "\r" not in result.stdout and "━" not in result.stdout
    assert result.stdout.splitlines()[-1].startswith("5 files: 4 converted, 1 partial")


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    jobs = batch.plan([*TEXT_SAMPLES[:2], empty], tmp_path / "out")
    lines = io.StringIO()
    summary = batch.run(jobs, workers=2, console=console, out=lines)
    assert (summary.converted, summary.partial, summary.failed) == (2, 0, 1)
    shown = screen.getvalue()
    assert "━" in shown and "converting" in shown  # the bar
    assert f"failed {empty}: file is empty" in shown  # failures above it
    assert lines.getvalue() == ""  # no per-file lines under a bar


def test_kill_9_leftover_temporaries_are_removed_by_the_next_run(tmp_path: Path) -> None:
    """Issue 19: `kill -9` during a batch left `.nianbao-*.tmp` in OUTDIR for ever. The next run
    into the same folder removes those whose writer is gone; a live writer's stays."""
    out = tmp_path / "out"
    out.mkdir()
    killed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    killed.kill()
    killed.wait()
    left = out / f".nianbao-{killed.pid}@{this_host()}-a1b2c3d4.tmp"
    left.write_text('{"half": ', encoding="utf-8")
    live = out / f".nianbao-{os.getpid()}@{this_host()}-e5f6g7h8.tmp"
    live.write_text("{", encoding="utf-8")
    source = tmp_path / TEXT_SAMPLES[4].name
    shutil.copyfile(TEXT_SAMPLES[4], source)
    summary = batch.run(batch.plan([source], out), workers=1, out=io.StringIO())
    assert summary.converted == 1
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{source.stem}.json", live.name])


def test_a_link_inside_a_folder_is_skipped_and_listed_a_link_named_is_followed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 19: `convert DIR` followed a link inside DIR to a file outside it (it converted
    /etc/passwd) while the watcher refuses links. One rule: a link found inside a folder is
    never followed (skipped and listed; refused to failed/ by the watcher); a link named on the
    command line is, as the user chose it."""
    outside = tmp_path / "secret.txt"
    shutil.copyfile(TEXT_SAMPLES[4], outside)
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    shutil.copyfile(TEXT_SAMPLES[3], folder / TEXT_SAMPLES[3].name)
    (folder / "leak.txt").symlink_to(outside)
    (folder / "sub" / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(folder / "pipe.txt")
    out = tmp_path / "out"
    assert main(["convert", str(folder), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    listed = f"{folder / 'leak.txt'}, {folder / 'pipe.txt'}, {folder / 'sub' / 'elsewhere'}"
    assert "skipped 3 links and special files in folders (not followed; " in printed
    assert listed in printed
    assert sorted(p.name for p in out.rglob("*.json")) == [f"{TEXT_SAMPLES[3].stem}.json"]
    assert main(["convert", str(folder / "leak.txt"), "-o", str(tmp_path / "named.json")]) == 0
    named = json.loads((tmp_path / "named.json").read_text(encoding="utf-8"))
    assert named["source"]["name"] == "leak.txt"  # named itself: followed


def test_skip_existing_that_skipped_everything_says_so_not_a_rate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 19: it printed "in 0.0 s (15883.4 files/s)" when nothing was converted."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in TEXT_SAMPLES[:2]:
        shutil.copyfile(path, folder / path.name)
    out = tmp_path / "out"
    assert main(["convert", str(folder), "-o", str(out), "-q"]) == 0
    assert main(["convert", str(folder), "-o", str(out), "--skip-existing"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last == "2 files: all 2 already converted from the same bytes; nothing to do"
    half = batch.Summary(total=4, converted=2, skipped=2, seconds=2.0)
    assert half.line().endswith(", 2 already converted, in 2.0 s (1.0 files/s)")  # of the 2
