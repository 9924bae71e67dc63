"""Issue 24's command-line consistency leftovers: one test per defect, named for it.

Every command over many inputs exits by one rule (`InputsFailedError.exit_code_of`): 0 when
none failed; when every input failed, all alike, their own code (3 for unreadable ones, as
`convert` of one of them alone); else 1. Every file is made in tmp_path.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from nianbao import ConvertOptions, PdfOptions, convert_document
from nianbao.cli import main
from nianbao.collection.partial import of_report
from nianbao.errors import InputsFailedError
from nianbao.schemas.emit import to_json
from tests.conftest import GOLDEN, SAMPLES, TEXT_SAMPLES

PDF = SAMPLES / "real" / "hongze-2024.pdf"
REPORT = GOLDEN / "pingtan-2019.txt.json"


@pytest.fixture
def unreadable(tmp_path: Path) -> list[Path]:
    """Two inputs that fail alike (exit 3): one missing, one empty."""
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    return [tmp_path / "missing.txt", empty]


@pytest.fixture
def binary(tmp_path: Path) -> Path:
    """An input no adapter reads (exit 4)."""
    path = tmp_path / "binary.docx"
    path.write_bytes(bytes(range(256)) * 4)
    return path


def test_the_rule_of_a_run_over_many_inputs() -> None:
    rule = InputsFailedError.exit_code_of
    assert rule([], inputs=3) == 0
    assert rule([3, 3], inputs=2) == 3  # all failed alike: their code
    assert rule([3, 4], inputs=2) == 1  # failed in different ways
    assert rule([3], inputs=2) == 1  # some done


def test_convert_of_inputs_that_all_failed_alike_exits_with_their_code(
    tmp_path: Path, unreadable: list[Path], binary: Path
) -> None:
    """`convert a b -o out/` where both were unreadable exited 1, `review` of them 3."""
    many = [str(p) for p in unreadable]
    assert main(["convert", *many, "-o", str(tmp_path / "all"), "-q"]) == 3
    assert main(["convert", many[0], "-o", f"{tmp_path / 'one'}/", "-q"]) == 3
    assert main(["convert", *many, str(binary), "-o", str(tmp_path / "mixed"), "-q"]) == 1
    some = [many[0], str(TEXT_SAMPLES[0])]
    assert main(["convert", *some, "-o", str(tmp_path / "some"), "-q"]) == 1


def test_convert_on_a_cluster_of_inputs_that_all_failed_alike_exits_with_their_code(
    tmp_path: Path, unreadable: list[Path]
) -> None:
    many = [str(p) for p in unreadable]
    args = ["convert", *many, "-o", str(tmp_path / "out"), "--cluster", "local:1", "-q"]
    assert main(args) == 3


def test_validate_of_reports_that_all_failed_alike_exits_with_their_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`validate` exited 1 for a missing file, where `convert` and `review` of it exit 3; a
    folder with no reports is an input unread, as it is for them."""
    missing, other = tmp_path / "missing.json", tmp_path / "gone.json"
    assert main(["validate", str(missing)]) == 3
    assert main(["validate", str(missing), str(other)]) == 3
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["validate", str(empty)]) == 3
    invalid = tmp_path / "invalid.json"
    broken = json.loads(REPORT.read_text(encoding="utf-8"))
    del broken["source"]
    invalid.write_text(json.dumps(broken), encoding="utf-8")
    assert main(["validate", str(invalid)]) == 1
    assert main(["validate", str(invalid), str(missing)]) == 1  # failed in different ways
    assert main(["validate", str(REPORT), str(missing)]) == 1  # some valid
    assert main(["validate", str(REPORT)]) == 0
    assert f"{missing}: no such file" in capsys.readouterr().err


def test_export_of_reports_that_all_failed_alike_exits_with_their_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = [str(tmp_path / "missing.json"), str(tmp_path / "gone.json")]
    assert main(["export", *missing, "--csv", str(tmp_path / "all.csv"), "-q"]) == 3
    assert main(["export", *missing, "--parquet", str(tmp_path / "data"), "-q"]) == 3
    some = [missing[0], str(REPORT)]
    assert main(["export", *some, "--csv", str(tmp_path / "some.csv"), "-q"]) == 1
    assert "no such file" in capsys.readouterr().err


def test_validate_passes_over_a_json_that_is_not_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`validate DIR` called a dataset's manifest.json an invalid report (exit 1): it is passed
    over, as `review` passes it over, and said so; a file whose schema names nianbao.report and
    breaks it is still invalid."""
    folder = tmp_path / "out"
    folder.mkdir()
    shutil.copyfile(REPORT, folder / "pingtan-2019.json")
    (folder / "manifest.json").write_text('{"files": ["pingtan-2019.json"]}', encoding="utf-8")
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert (
        'passed over 1 .json file, not a nianbao report (no "schema": "nianbao.report/N"): '
        f"{folder / 'manifest.json'}"
    ) in out
    assert f"{folder / 'pingtan-2019.json'}: valid" in out

    broken = json.loads(REPORT.read_text(encoding="utf-8"))
    del broken["source"]  # still a report (its schema named), but not a valid one
    (folder / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    assert main(["validate", str(folder), "-q"]) == 1
    assert "broken.json" in capsys.readouterr().err


def test_a_pdf_read_to_max_pages_makes_a_partial_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--max-pages N` said `pdf.truncated`, yet the report of part of the PDF was complete to
    the batch, the export and the review: it is partial, cut short by a limit. The first 4 of
    洪泽's 5 pages hold all its figures, and still the 5th page went unread."""
    output = tmp_path / "part.json"
    assert main(["convert", str(PDF), "-o", str(output), "--max-pages", "4"]) == 0
    said = capsys.readouterr().out
    assert said.endswith("40 checks passed; partial: cut short by a limit (pdf.truncated)\n")
    assert main(["export", str(output), "--csv", str(tmp_path / "part.csv"), "-q"]) == 0
    with (tmp_path / "part.csv").open(encoding="utf-8-sig", newline="") as table:
        [row] = csv.DictReader(table)
    assert "cut short by a limit (pdf.truncated)" in row["partial"]

    whole = convert_document(PDF, options=ConvertOptions(pdf=PdfOptions(max_pages=99)))
    assert not of_report(whole).partial  # no page left unread: no pdf.truncated
    assert to_json(whole) == to_json(convert_document(PDF))
