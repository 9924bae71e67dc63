"""Issue 23: a CSV or workbook a researcher opens in a spreadsheet: Chinese labels under the
keys (`--labels`), each figure's state beside it, and the full path of each report's input."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from nianbao.cli import main
from nianbao.collection.export import COLUMNS, STATE_PREFIX, column_label
from tests.conftest import GOLDEN, SAMPLES

#: The 平潭 2019 dump (figures undetermined) and the kewei Markdown (cells printed blank).
INPUTS = ("text/pingtan-2019.txt", "text/kewei-2024.md", "real/hongze-2024.pdf")


@pytest.fixture
def converted(tmp_path: Path) -> tuple[Path, Path]:
    """The inputs copied into `in/` (in sub-folders, as an archive keeps them) and converted by
    the command line into `out/`, which keeps the folders."""
    inputs = tmp_path / "in"
    for name in INPUTS:
        (inputs / Path(name).parent).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLES / name, inputs / name)
    out = tmp_path / "out"
    assert main(["-q", "convert", str(inputs), "-o", f"{out}/", "-j", "1"]) == 0
    return inputs, out


def _csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_labels_put_the_forms_chinese_under_each_key(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    for name in ("pingtan-2019.txt.json", "kewei-2024.md.json"):
        shutil.copyfile(GOLDEN / name, reports / name)
    table = tmp_path / "figures.csv"
    assert main(["-q", "export", str(reports), "--csv", str(table), "--labels"]) == 0
    keys, labels, *rows = _csv(table)
    assert keys[: len(COLUMNS)] == list(COLUMNS) and len(labels) == len(keys)
    named = dict(zip(keys, labels, strict=True))
    assert named["year"] == "年度" and named["path"] == "文件路径"
    assert named["applications.granted.natural_person"] == "予以公开 › 自然人"
    assert named["proactive.regulations.issued"] == "规章 › 本年制发件数"
    assert named[STATE_PREFIX + "review.total"] == "状态：行政复议 › 总计"
    assert named["panel:applications.received"] == "可比：受理政府信息公开申请总数"
    assert len(set(labels)) == len(labels)  # no two columns read alike
    # The rows follow the two header rows, each figure's state telling why a cell is empty.
    by_source = {row[0]: dict(zip(keys, row, strict=True)) for row in rows}
    assert set(by_source) == {"pingtan-2019.txt", "kewei-2024.md"}
    states = {v for k, v in by_source["pingtan-2019.txt"].items() if k.startswith(STATE_PREFIX)}
    assert {"value", "undetermined", "absent"} <= states
    kewei = by_source["kewei-2024.md"]
    blank = next(k for k, v in kewei.items() if v == "blank")
    assert kewei[blank.removeprefix(STATE_PREFIX)] == ""


def test_without_labels_the_header_is_one_row_of_keys(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copyfile(GOLDEN / "kewei-2024.md.json", reports / "kewei-2024.md.json")
    table = tmp_path / "figures.csv"
    assert main(["-q", "export", str(reports), "--csv", str(table)]) == 0
    header, *rows = _csv(table)
    assert header == list(COLUMNS) and [row[0] for row in rows] == ["kewei-2024.md"]


def test_the_labelled_workbook_keeps_both_header_rows_in_view(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copyfile(GOLDEN / "hongze-2024.pdf.json", reports / "hongze-2024.pdf.json")
    table = tmp_path / "figures.xlsx"
    assert main(["-q", "export", str(reports), "--xlsx", str(table), "--labels"]) == 0
    sheet = load_workbook(table)["reports"]
    keys, labels, row = list(sheet.iter_rows(values_only=True))
    assert sheet.freeze_panes == "B3"
    assert list(labels) == [column_label(str(k)) for k in keys]
    values = dict(zip(keys, row, strict=True))
    assert values["year"] == 2024 and isinstance(values["applications.new_received.total"], int)


def test_each_rows_path_is_its_inputs_full_path(
    converted: tuple[Path, Path], tmp_path: Path
) -> None:
    inputs, out = converted
    table = tmp_path / "figures.csv"
    assert main(["-q", "export", str(out), "--csv", str(table), "--sources", str(inputs)]) == 0
    header, *rows = _csv(table)
    paths = {row[0]: row[header.index("path")] for row in rows}
    assert paths == {Path(n).name: str((inputs / n).absolute()) for n in INPUTS}


def test_an_input_is_found_beside_its_report_and_never_with_other_bytes(
    converted: tuple[Path, Path], tmp_path: Path
) -> None:
    inputs, out = converted
    shutil.copyfile(inputs / INPUTS[0], out / INPUTS[0])  # the dump beside its report
    (out / INPUTS[1]).write_text("not the bytes it was made from", encoding="utf-8")
    table = tmp_path / "figures.csv"
    assert main(["-q", "export", str(out), "--csv", str(table)]) == 0
    header, *rows = _csv(table)
    paths = {row[0]: row[header.index("path")] for row in rows}
    assert paths["pingtan-2019.txt"] == str((out / INPUTS[0]).absolute())
    assert paths["kewei-2024.md"] == "" and paths["hongze-2024.pdf"] == ""


def test_an_input_kept_in_another_layout_is_found_under_the_sources_by_name(
    converted: tuple[Path, Path], tmp_path: Path
) -> None:
    """The inputs moved into one folder of their own (not the layout `convert -o` kept): each
    is still found, by its name and bytes, anywhere under `--sources`."""
    inputs, out = converted
    moved = tmp_path / "archive" / "2024"
    moved.mkdir(parents=True)
    for name in INPUTS:
        shutil.move(inputs / name, moved / Path(name).name)
    table = tmp_path / "figures.csv"
    sources = str(tmp_path / "archive")
    assert main(["-q", "export", str(out), "--csv", str(table), "--sources", sources]) == 0
    header, *rows = _csv(table)
    paths = {row[0]: row[header.index("path")] for row in rows}
    assert paths == {Path(n).name: str((moved / Path(n).name).absolute()) for n in INPUTS}
