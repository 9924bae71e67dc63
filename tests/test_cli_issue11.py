"""Issue 11, "the CLI and library as users expect them" and "say when a report is partial":
one test per defect, each failing on the code before the fix."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pytest

import nianbao
from nianbao.__about__ import __version__
from nianbao.adapters.sniff import sniff
from nianbao.cli import main
from nianbao.collection.export import export
from nianbao.collection.partial import of_data, of_report
from nianbao.runtime import batch
from nianbao.runtime.inputs import documents_in, is_document_name
from nianbao.runtime.watch import HotFolder, WatchOptions
from nianbao.schemas.emit import to_json
from tests.conftest import ROOT, SAMPLES, TEXT_SAMPLES

SAMPLE = TEXT_SAMPLES[4]  # 004: a complete 2021 report, 42 checks passed
HONGZE = SAMPLES / "real" / "hongze-2024.pdf"
SCANNED = Path(__file__).parent / "fixtures" / "pdf" / "scanned.pdf"


def _run(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "nianbao.cli", *args],
        input=stdin,
        capture_output=True,
        env=env,
        cwd=cwd,
        check=False,
        timeout=120,
    )


# --- -, trailing /, output errors -----------------------------------------------------------


def test_issue11_output_ending_in_slash_is_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "newdir"
    assert main(["convert", str(SAMPLE), "-o", f"{target}/"]) == 0
    assert target.is_dir()
    assert (target / f"{SAMPLE.stem}.json").exists()


def test_issue11_dash_is_stdin_and_stdout(tmp_path: Path) -> None:
    result = _run("convert", "-", "-o", "-", stdin=SAMPLE.read_bytes(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["source"]["name"] == "stdin"
    assert (
        report["source"]["sha256"]
        == json.loads(to_json(nianbao.convert_document(SAMPLE)))["source"]["sha256"]
    )
    assert list(tmp_path.iterdir()) == []  # no file named "-"
    empty = _run("convert", "-", stdin=b"", cwd=tmp_path)
    assert empty.returncode == 3 and b"<stdin>: file is empty" in empty.stderr


def test_issue11_output_whose_parent_is_a_file_is_exit_3_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    out = blocker / "report.json"
    assert main(["convert", str(SAMPLE), "-o", str(out), "--time-limit", "0"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(out) in err and "cannot write" in err
    assert main(["convert", str(SAMPLE), str(TEXT_SAMPLES[0]), "-o", f"{out}/"]) == 3
    assert "cannot write" in capsys.readouterr().err


def test_issue11_disk_full_is_exit_3_naming_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "report.json"
    assert main(["convert", str(SAMPLE), "-o", str(out), "--time-limit", "0"]) == 3
    err = capsys.readouterr().err
    assert f"{out}: cannot write: No space left on device" in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


# --- flags after the verb, -V, --encoding -----------------------------------------------------


def test_issue11_common_flags_after_the_verb_and_dash_capital_v(tmp_path: Path) -> None:
    assert _run("-V").stdout.decode().strip() == f"nianbao {__version__}"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    debug = _run("convert", str(empty), "--debug")
    assert b"Traceback" in debug.stderr and b"DocumentLoadError" in debug.stderr
    out = tmp_path / "r.json"
    quiet = _run("convert", str(SAMPLE), "-o", str(out), "-q")
    assert quiet.returncode == 0 and quiet.stdout == b"" and quiet.stderr == b""
    verbose = _run("convert", str(TEXT_SAMPLES[3]), "-o", str(out), "-v")
    assert verbose.returncode == 0 and b"table.missing: " in verbose.stderr


def test_issue11_encoding_override(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.encode("gbk"))
    out = tmp_path / "r.json"
    assert main(["convert", str(gbk), "-o", str(out), "--encoding", "GBK"]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["source"]["encoding"] == {
        "name": "gb18030",
        "confidence": 1.0,
        "method": "override",
    }
    assert report["annual_report"]["organization"] == "中山镇人民政府"
    # Wrong on purpose: the user's word is taken, and what it cannot decode is said.
    assert main(["convert", str(gbk), "-o", str(out), "--encoding", "utf-8"]) == 3
    assert "cannot be decoded (best guess utf-8)" in capsys.readouterr().err
    assert main(["convert", str(gbk), "--encoding", "klingon"]) == 2
    assert "unknown encoding" in capsys.readouterr().err


# --- validate ---------------------------------------------------------------------------------


def test_issue11_validate_names_each_bad_field_on_a_short_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = json.loads(to_json(nianbao.convert_document(SAMPLE)))
    report["annual_report"]["year"] = "2021年"
    report["annual_report"]["figures"]["review.total"]["value"] = "x"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f'{path}: /annual_report/figures/review.total/value: "x" is not of type "integer" or '
        '"null" or "number"',
        f'{path}: /annual_report/year: "2021年" is not of type "integer" or "null"',
    ]


# --- RTF ----------------------------------------------------------------------------------------

RTF = (
    rb"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil\fcharset134 SimSun;}}"
    rb"\f0\fs24 \'d5\'fe\'b8\'ae\'d0\'c5\'cf\'a2\'b9\'ab\'bf\'aa\'b9\'a4\'d7\'f7\'c4\'ea\'b6\'c8"
    rb"\'b1\'a8\'b8\'e6\par"
    rb"\'d2\'bb\'a1\'a2\'d7\'dc\'cc\'e5\'c7\'e9\'bf\'f6\par}"
)


def test_issue11_rtf_is_sniffed_not_read_as_text() -> None:
    assert sniff(RTF) == "rtf"
    assert sniff(b"\xef\xbb\xbf" + RTF) == "rtf"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("name", ["report.rtf", "report.doc"])
def test_issue11_rtf_converts_through_libreoffice(name: str) -> None:
    report = nianbao.convert_document(RTF, filename=name)
    assert report.source.format == "rtf" and report.source.adapter == "docx"
    text = "\n".join(block.text for block in report.document.blocks)
    assert "政府信息公开工作年度报告" in text and "一、总体情况" in text
    assert "\\rtf" not in text and "fcharset" not in text
    assert "docx.converted" in {d.code for d in report.diagnostics}


def test_issue11_rtf_without_libreoffice_is_exit_5(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    path = tmp_path / "report.doc"
    path.write_bytes(RTF)
    assert main(["convert", str(path), "--time-limit", "0", "--memory-limit", "0"]) == 5
    assert "LibreOffice" in capsys.readouterr().err


# --- one rule for what a folder's files are -----------------------------------------------


def test_issue11_folder_batch_converts_markdown_and_lists_what_it_skips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copyfile(SAMPLES / "text" / "kewei-2024.md", folder / "kewei-2024.md")
    (folder / "song.mp3").write_bytes(b"ID3")
    assert [p.name for p in documents_in(folder)] == ["kewei-2024.md"]
    assert is_document_name("report.md") and is_document_name("content_12345")
    assert not is_document_name("song.mp3") and not is_document_name("~$x.docx")
    assert is_document_name("scan.JPG") and is_document_name("pages.tiff")  # read by OCR
    assert main(["convert", str(folder), "-o", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert f"skipped 1 files not documents by their names: {folder / 'song.mp3'}" in out
    assert (tmp_path / "out" / "kewei-2024.json").exists()


def test_issue11_watch_refuses_what_a_batch_skips(tmp_path: Path) -> None:
    inbox, outbox = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "song.mp3").write_bytes(b"ID3")
    shutil.copyfile(SAMPLES / "text" / "kewei-2024.md", inbox / "kewei-2024.md")
    lines = _watch_until(inbox, outbox, WatchOptions(settle=0.1, recheck=0), 2)
    assert (outbox / "kewei-2024.json").exists()
    error = json.loads((inbox / "failed" / "song.mp3.error.json").read_text(encoding="utf-8"))
    assert (
        error["code"] == "UnsupportedFormatError"
        and "not a document by its name" in (error["message"])
    )
    assert any("failed song.mp3: not a document by its name" in line for line in lines)


def _watch_until(inbox: Path, outbox: Path, options: WatchOptions, files: int) -> list[str]:
    lines: list[str] = []
    folder = HotFolder(inbox, outbox, options, log=lines.append)
    thread = threading.Thread(target=folder.run)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            handled = [x for x in lines if " converted " in x or " failed " in x]
            if len(handled) >= files:
                break
            time.sleep(0.1)
    finally:
        folder.stop()
        thread.join(30)
    return lines


# --- options reach every entry ----------------------------------------------------------------


def test_issue11_options_reach_the_library_batch_watcher_and_cli(tmp_path: Path) -> None:
    options = nianbao.ConvertOptions(pdf=nianbao.PdfOptions(max_pages=1))
    report = nianbao.convert_document(HONGZE, options=options)
    assert report.source.pages == 1 and "pdf.truncated" in {d.code for d in report.diagnostics}
    with HONGZE.open("rb") as handle:  # a binary file object, named after its file
        from_handle = nianbao.convert_document(handle, options=options)
    assert to_json(from_handle) == to_json(report)
    limited = nianbao.convert_document(
        HONGZE, options=replace(options, limits=nianbao.Limits(seconds=60))
    )
    assert to_json(limited) == to_json(report)  # in a worker process, the same report
    with pytest.raises(ValueError, match="table_engine"):
        nianbao.PdfOptions(table_engine="tabula")  # type: ignore[arg-type]

    pdf = tmp_path / "in" / "hongze.pdf"
    pdf.parent.mkdir()
    shutil.copyfile(HONGZE, pdf)
    jobs = batch.plan([pdf.parent], tmp_path / "batch")
    batch.run(jobs, workers=1, options=options, out=io.StringIO())
    assert (
        json.loads((tmp_path / "batch" / "hongze.json").read_text("utf-8"))["source"]["pages"] == 1
    )

    assert main(["convert", str(pdf), "-o", str(tmp_path / "cli.json"), "--max-pages", "1"]) == 0
    assert json.loads((tmp_path / "cli.json").read_text("utf-8"))["source"]["pages"] == 1

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copyfile(HONGZE, inbox / "hongze.pdf")
    _watch_until(inbox, tmp_path / "watched", WatchOptions(settle=0.1, convert=options), 1)
    assert (
        json.loads((tmp_path / "watched" / "hongze.json").read_text("utf-8"))["source"]["pages"]
        == 1
    )


# --- --skip-existing --------------------------------------------------------------------------


def test_issue11_skip_existing_resumes_a_batch_by_sha256(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in TEXT_SAMPLES[:3]:
        shutil.copyfile(path, folder / path.name)
    out = tmp_path / "out"
    assert main(["convert", str(folder), "-o", str(out)]) == 0
    capsys.readouterr()
    changed = folder / TEXT_SAMPLES[0].name
    changed.write_bytes(changed.read_bytes() + "\n附：无。\n".encode())  # new bytes, same name
    (out / f"{TEXT_SAMPLES[1].stem}.json").unlink()  # stopped before this one
    assert main(["convert", str(folder), "-o", str(out), "--skip-existing"]) == 0
    lines = capsys.readouterr().out.splitlines()
    converted = sorted(line.split()[1] for line in lines if line.startswith("converted "))
    assert converted == sorted([str(changed), str(folder / TEXT_SAMPLES[1].name)])
    assert lines[-1].startswith("3 files: ") and ", 1 already converted, " in lines[-1]
    report = json.loads((out / f"{TEXT_SAMPLES[0].stem}.json").read_text("utf-8"))
    assert report["source"]["bytes"] == changed.stat().st_size


# --- partial reports ----------------------------------------------------------------------------


def _mixed_pdf(tmp_path: Path) -> Path:
    """hongze-2024.pdf with a scanned page put in as page 3."""
    document = pdfium.PdfDocument(str(HONGZE))
    document.import_pages(pdfium.PdfDocument(str(SCANNED)), [0], index=2)
    path = tmp_path / "mixed.pdf"
    with path.open("wb") as handle:
        document.save(handle)
    return path


def test_issue11_a_scanned_page_left_unread_makes_the_terminal_line_say_partial(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mixed = _mixed_pdf(tmp_path)
    out = tmp_path / "mixed.json"
    assert main(["convert", str(mixed), "-o", str(out), "--no-ocr"]) == 0
    line = capsys.readouterr().out
    assert "partial: 1 page without text (3)" in line, line
    assert (
        main(["convert", str(mixed), "--no-ocr"]) == 0
    )  # the report on stdout, the word on stderr
    assert "partial: 1 page without text (3)" in capsys.readouterr().err


def test_issue11_a_scanned_page_read_by_ocr_is_not_partial(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mixed = _mixed_pdf(tmp_path)
    assert main(["convert", str(mixed), "-o", str(tmp_path / "mixed.json")]) == 0
    line = capsys.readouterr().out
    assert "partial" not in line, line
    report = json.loads((tmp_path / "mixed.json").read_text(encoding="utf-8"))
    assert report["source"]["ocr_pages"] == [3]


def test_issue11_partial_is_defined_once_from_diagnostics_and_checks() -> None:
    complete = nianbao.convert_document(SAMPLE)
    assert of_report(complete).status == "complete" and not of_report(complete).reasons
    missing = of_report(nianbao.convert_document(TEXT_SAMPLES[3]))  # 003: three tables missing
    assert missing.status == "partial"
    assert missing.reasons == ("3 tables missing", "200 of 200 figures missing")
    notice = nianbao.convert_document(
        "关于报送年度报告的通知\n请各单位按时报送。\n".encode(), filename="n.txt"
    )
    assert of_report(notice).status == "not a report"
    for report in (complete, notice):
        assert of_data(json.loads(to_json(report))) == of_report(report)


def test_issue11_batch_summary_counts_partial_and_not_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text("关于报送年度报告的通知\n请各单位按时报送。\n", encoding="utf-8")
    inputs = [str(SAMPLE), str(TEXT_SAMPLES[3]), str(_mixed_pdf(tmp_path)), str(notice)]
    assert main(["convert", *inputs, "-o", str(tmp_path / "out"), "--no-ocr"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("4 files: 1 converted, 2 partial, 1 not a report, 0 failed")
    assert any("notice.txt" in x and "not recognised as an annual report" in x for x in lines)


def test_issue11_export_has_a_partial_column(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    for path in (SAMPLE, TEXT_SAMPLES[3]):
        (reports / f"{path.stem}.json").write_text(to_json(nianbao.convert_document(path)), "utf-8")
    table = tmp_path / "t.csv"
    export([reports], csv_path=table)
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8-sig"))))
    partial = {row["source"]: row["partial"] for row in rows}
    assert partial == {
        SAMPLE.name: "",
        TEXT_SAMPLES[3].name: "3 tables missing; 200 of 200 figures missing",
    }


@pytest.mark.parametrize("where", [[], ["--cluster", "local:1"]], ids=["-j", "cluster"])
def test_quiet_says_only_what_went_wrong_in_a_batch(tmp_path: Path, where: list[str]) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copyfile(SAMPLE, inputs / SAMPLE.name)
    quiet = _run("convert", str(inputs), "-o", str(tmp_path / "out"), "-q", *where)
    assert quiet.returncode == 0 and quiet.stdout == b"", quiet.stdout
    (inputs / "empty.txt").write_bytes(b"")
    failed = _run("convert", str(inputs), "-o", str(tmp_path / "out2"), "-q", *where)
    lines = failed.stdout.decode().splitlines() + failed.stderr.decode().splitlines()
    assert failed.returncode == 1
    assert [line for line in lines if "empty.txt" in line] == [
        f"failed {inputs / 'empty.txt'}: file is empty"
    ]
    assert any("1 failed" in line for line in lines)  # the summary, since something failed
    assert not any(SAMPLE.name in line for line in lines)
