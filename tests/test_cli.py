"""The command line: exit codes, one-line errors naming the file, nothing written on failure."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.__about__ import __version__
from nianbao.cli import main
from nianbao.cli.parser import _bytes
from nianbao.errors import NianbaoError
from nianbao.runtime.inputs import DOCUMENT_SUFFIXES


def test_convert_to_stdout(
    text_sample: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["convert", str(text_sample["004"])]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["schema"] == "nianbao.report/1"
    assert report["source"]["name"] == text_sample["004"].name


def test_convert_to_file_then_validate(
    text_sample: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sub" / "report.json"
    assert main(["convert", str(text_sample["000"]), "-o", str(out)]) == 0
    summary = capsys.readouterr().out
    assert (
        summary == f"{text_sample['000']} -> {out}: 2017, 鹤山市鹤城镇人民政府, 0 checks passed\n"
    )
    assert main(["validate", str(out)]) == 0
    assert "valid" in capsys.readouterr().out
    assert [p.name for p in out.parent.iterdir()] == ["report.json"]  # no temp files left
    umask = os.umask(0o022)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # as any new file, not owner-only


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, int, str]]:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(random.Random(7).randbytes(4096))
    blank = tmp_path / "blank.txt"
    blank.write_text("\n  \n\u3000\n", encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    return {
        "empty": (empty, 3, "file is empty"),
        "garbage": (garbage, 4, "binary data"),
        "blank": (blank, 3, "contains no text"),
        "directory": (folder, 3, "is a directory"),
        "missing": (tmp_path / "nope.txt", 3, "no such file"),
    }


@pytest.mark.parametrize("case", ["empty", "garbage", "blank", "directory", "missing"])
def test_bad_input_exits_nonzero_with_one_line_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    path, code, message = _bad_inputs(tmp_path)[case]
    out = tmp_path / "out.json"
    assert main(["convert", str(path), "-o", str(out)]) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert str(path) in err and message in err
    assert "Traceback" not in err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.json")]


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = _run("--debug", "convert", str(empty))
    assert result.returncode != 0
    assert "Traceback" in result.stderr and "DocumentLoadError" in result.stderr


def test_validate_reports_each_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_json = tmp_path / "a.json"
    not_json.write_text("{", encoding="utf-8")
    newer = tmp_path / "b.json"
    newer.write_text('{"schema": "nianbao.report/2"}', encoding="utf-8")
    incomplete = tmp_path / "c.json"
    incomplete.write_text('{"schema": "nianbao.report/1"}', encoding="utf-8")
    assert main(["validate", str(not_json), str(newer), str(incomplete)]) == 1
    err = capsys.readouterr().err
    assert "a.json: is not JSON" in err
    assert "b.json: report uses schema nianbao.report/2" in err
    assert 'c.json: /: "source" is a required property' in err


def test_schema_command_prints_the_shipped_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == "nianbao.report/1"


def test_console_script_version_and_help() -> None:
    assert _run("--version").stdout.strip() == f"nianbao {__version__}"
    help_text = _run("--help").stdout
    for command in ("convert", "schema", "validate", "exit codes"):
        assert command in help_text


def test_usage_error_exits_2() -> None:
    assert _run("convert").returncode == 2


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "nianbao.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


def test_help_shows_watch_and_export_examples() -> None:
    help_text = _run("--help").stdout
    assert "nianbao watch inbox/ --out out/" in help_text
    assert "nianbao export out/ --csv figures.csv" in help_text
    assert "-j 4" in help_text


def test_watch_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["watch", str(tmp_path / "missing"), "--out", str(tmp_path / "out")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert main(["watch", str(tmp_path), "--out", str(tmp_path)]) == 2
    assert "must not be INBOX" in capsys.readouterr().err
    assert _run("watch", str(tmp_path)).returncode == 2  # --out is required


@pytest.mark.parametrize(("text", "size"), [("512M", 2**29), ("2G", 2**31), ("1.5GiB", 3 * 2**29)])
def test_memory_limit_sizes(text: str, size: int) -> None:
    assert _bytes(text) == size


def test_one_file_is_converted_under_the_time_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The limits apply to a single file too: a worker process converts it.
    big = tmp_path / "big.txt"
    big.write_text("一、总体情况\n" + "本镇主动公开政府信息77条。\n" * 40_000, encoding="utf-8")
    out = tmp_path / "big.json"
    assert main(["convert", str(big), "-o", str(out), "--time-limit", "0.5"]) == 3
    err = capsys.readouterr().err
    assert f"{big}: " in err and "time limit" in err
    assert not out.exists()


# --- issue 19: the command line's rough edges ----------------------------------------------------


@pytest.mark.parametrize("flag", ["-v", "-q", "--debug"])
def test_check_takes_the_common_flags_after_its_name(
    flag: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`nianbao check DIR -v` was a usage error; every command takes -v, -q and --debug."""
    missing = tmp_path / "nothing"
    if flag == "--debug":
        with pytest.raises(NianbaoError, match="is not a dataset"):
            main(["check", flag, str(missing)])
        return
    assert main(["check", flag, str(missing)]) == 3
    assert "is not a dataset" in capsys.readouterr().err


def test_validate_takes_a_folder_recursively_and_standard_input(
    text_sample: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    assert main(["convert", str(text_sample["004"]), "-o", str(folder / "2021" / "a.json")]) == 0
    (folder / "failed").mkdir()
    (folder / "failed" / "x.txt.error.json").write_text("{}", encoding="utf-8")  # not a report
    (folder / ".hidden.json").write_text("{}", encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(folder)]) == 0
    assert capsys.readouterr().out == f"{folder / '2021' / 'a.json'}: valid\n"
    report = (folder / "2021" / "a.json").read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "validate", "-"],
        input=report,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, b"<stdin>: valid\n")
    broken = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "validate", "-"],
        input=b'{"schema": "nianbao.report/1"}',
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert broken.returncode == 1 and broken.stderr.startswith(b"<stdin>: ")
    empty = tmp_path / "empty"
    empty.mkdir()
    # An input with nothing to read, as `convert` and `review` of an empty folder: exit 3.
    assert main(["validate", str(empty)]) == 3
    assert "no reports (*.json) in this folder" in capsys.readouterr().err


def test_help_lists_the_file_types_the_batch_takes_and_every_export_format(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["convert", "--help"])
    convert_help = " ".join(capsys.readouterr().out.split())
    for suffix in DOCUMENT_SUFFIXES:
        assert suffix in convert_help
    with pytest.raises(SystemExit):
        main(["--help"])
    top = " ".join(capsys.readouterr().out.split())
    assert "CSV, XLSX or a Parquet dataset" in top and "TIFF" in top and "69" in top


def test_stdin_into_a_folder_is_a_usage_error_not_a_failed_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`convert - -o out/` said "failed -: no such file"."""
    assert main(["convert", "-", "-o", f"{tmp_path / 'out'}/"]) == 2
    assert "- (standard input) gives one report" in capsys.readouterr().err
