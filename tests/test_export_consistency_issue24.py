"""Issue 24's two `export` leftovers of the command-line consistency work: `export DIR` passes
over a .json that is not a nianbao report, as `validate` and `review` do, and a folder with no
reports is an input unread (exit 3), as it is for `convert`, `review` and `validate`. Every file
is made in tmp_path.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from nianbao.cli import main
from tests.conftest import GOLDEN

REPORT = GOLDEN / "pingtan-2019.txt.json"
PASSED_OVER = 'passed over 1 .json file, not a nianbao report (no "schema": "nianbao.report/N"): '


def test_export_passes_over_a_json_that_is_not_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`export DIR` counted a dataset's manifest.json as a skipped report and exited 1: it is
    passed over and said so (unless -q), as `validate` and `review` pass it over; a file that
    names the report schema and breaks it is still skipped, and fails."""
    folder = tmp_path / "out"
    folder.mkdir()
    shutil.copyfile(REPORT, folder / "pingtan-2019.json")
    manifest = folder / "manifest.json"
    manifest.write_text('{"files": ["pingtan-2019.json"]}', encoding="utf-8")
    table = tmp_path / "figures.csv"
    assert main(["export", str(folder), "--csv", str(table)]) == 0
    said = capsys.readouterr()
    assert f"{PASSED_OVER}{manifest}\n1 reports -> {table}\n" == said.out
    assert said.err == ""
    with table.open(encoding="utf-8-sig", newline="") as rows:
        assert [row["source"] for row in csv.DictReader(rows)] == ["pingtan-2019.txt"]
    assert main(["export", str(folder), "--parquet", str(tmp_path / "dataset"), "-q"]) == 0
    assert capsys.readouterr().out == ""

    broken = json.loads(REPORT.read_text(encoding="utf-8"))
    del broken["source"]  # still a report (its schema named), but not a valid one
    (folder / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    assert main(["export", str(folder), "--csv", str(table), "-q"]) == 1
    said = capsys.readouterr()
    assert "broken.json" in said.err
    assert "manifest.json" not in said.out + said.err


@pytest.mark.parametrize("table", ["--csv", "--parquet"])
def test_export_of_a_folder_with_no_reports_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str
) -> None:
    """`export` of an empty folder exited 0 with '0 reports' (and wrote an empty table), where
    `convert`, `review` and `validate` of it exit 3: it is an input unread, named, and nothing
    is written; so is a folder whose only .json is not a report."""
    empty = tmp_path / "empty"
    empty.mkdir()
    output = tmp_path / "figures"
    assert main(["export", str(empty), table, str(output)]) == 3
    assert f"{empty}: is a folder with no reports (*.json) to export" in capsys.readouterr().err
    assert not output.exists()
    (empty / "manifest.json").write_text("{}", encoding="utf-8")
    assert main(["export", str(empty), table, str(output), "-q"]) == 3
    assert not output.exists()
