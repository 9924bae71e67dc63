"""`export DIR`, `validate DIR` and `review DIR` find a folder's reports by one walk
(`nianbao.collection.report_file.reports_in`): the same files in the same order, hidden files
and folders left out. Every file is made in tmp_path.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from nianbao.cli import main
from nianbao.collection.export import report_files
from nianbao.review.site import plan
from tests.conftest import GOLDEN

REPORT = GOLDEN / "pingtan-2019.txt.json"


def test_export_skips_a_hidden_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`export DIR` entered hidden folders (a `.git`, an editor's `.backup`) and exported the
    reports it found there, where `validate DIR` and `review DIR` leave them out."""
    folder = tmp_path / "out"
    (folder / ".backup").mkdir(parents=True)
    shutil.copyfile(REPORT, folder / "pingtan-2019.json")
    shutil.copyfile(REPORT, folder / ".backup" / "pingtan-2019.json")
    table = tmp_path / "figures.csv"
    assert main(["export", str(folder), "--csv", str(table), "-q"]) == 0
    assert capsys.readouterr().err == ""
    with table.open(encoding="utf-8-sig", newline="") as rows:
        assert len(list(csv.DictReader(rows))) == 1


def test_export_validate_and_review_walk_a_folder_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The three commands find the same reports in the same order and pass over the same
    non-reports: hidden files and folders and a hot folder's `.error.json` are not entered."""
    folder = tmp_path / "out"
    for name in ("b/2.json", "a.json", "b/1.json", ".hidden.json", ".git/x.json", "c.error.json"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPORT, folder / name)
    (folder / "b" / "manifest.json").write_text("{}", encoding="utf-8")
    expected = [folder / "a.json", folder / "b" / "1.json", folder / "b" / "2.json"]
    passed_over: list[Path] = []
    assert report_files([folder], passed_over) == expected
    assert passed_over == [folder / "b" / "manifest.json"]
    reviewed: list[Path] = []
    assert [job.source for job in plan([folder], reviewed)] == expected
    assert reviewed == passed_over
    assert main(["validate", str(folder)]) == 0
    said = capsys.readouterr().out.splitlines()
    assert [line.split(": ")[0] for line in said if ": valid" in line] == [str(p) for p in expected]
