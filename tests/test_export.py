"""The export: CSV and XLSX of the seed reports, read back, one row per report, every canonical
figure a column."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from nianbao.cli import main
from nianbao.collection.export import (
    COLUMNS,
    FIGURE_COLUMNS,
    INDICATOR_PREFIX,
    META_COLUMNS,
    PANEL_COLUMNS,
    export,
)
from nianbao.convert.pipeline import convert_path
from nianbao.schemas.emit import to_json
from tests.canonical_keys import KEYS_2021
from tests.conftest import TEXT_SAMPLES
from tests.terminal import stderr_of

TEXT_PROACTIVE_ITEMS = "text.proactive.items"


@pytest.fixture(scope="module")
def seed_reports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The report of each text seed, as `nianbao convert` writes it."""
    folder = tmp_path_factory.mktemp("seeds")
    paths = []
    for sample in TEXT_SAMPLES:
        path = folder / f"{sample.stem}.json"
        path.write_text(to_json(convert_path(sample)), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture
def reports(tmp_path: Path, seed_reports: list[Path]) -> Path:
    """The seed reports in a folder, with a watcher's error report that is not one of them."""
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    for path in seed_reports[:3]:
        shutil.copyfile(path, folder / path.name)
    for path in seed_reports[3:]:
        shutil.copyfile(path, folder / "sub" / path.name)
    (folder / "bad.pdf.error.json").write_text('{"code": "X"}', encoding="utf-8")
    return folder


def test_every_canonical_key_is_a_column_once() -> None:
    assert set(FIGURE_COLUMNS) >= KEYS_2021
    assert "proactive.procurement.amount" in FIGURE_COLUMNS  # the 2019 form's section 二
    assert "applications.other_handling.total" in FIGURE_COLUMNS  # the 2019 row too
    assert len(COLUMNS) == len(set(COLUMNS))
    assert FIGURE_COLUMNS[0] == "proactive.regulations.issued"
    assert FIGURE_COLUMNS[-1] == "text.fees.yuan"


def test_csv_opens_with_one_row_per_report(
    reports: Path, seed_reports: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "figures.csv"
    assert main(["export", str(reports), "--csv", str(table)]) == 0
    assert "5 reports -> " in capsys.readouterr().out
    raw = table.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    with table.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[: len(COLUMNS)] == list(COLUMNS)
    assert all(c.startswith(INDICATOR_PREFIX) for c in list(rows[0])[len(COLUMNS) :])
    assert [row["source"] for row in rows] == [path.name for path in TEXT_SAMPLES]
    row = rows[4]
    report = json.loads(seed_reports[4].read_text(encoding="utf-8"))
    assert (row["organization"], row["year"], row["template"]) == ("中山镇人民政府", "2021", "2021")
    assert row["published_on"] == "2022-01-21"
    assert row["sha256"] == report["source"]["sha256"]
    assert row["checks_failed"] == "0"
    assert row[TEXT_PROACTIVE_ITEMS] == "77"
    figures = report["annual_report"]["figures"]
    for key in FIGURE_COLUMNS:
        value = (figures.get(key) or {}).get("value")
        assert row[key] == ("" if value is None else str(value)), key


def test_xlsx_opens_with_numbers_as_numbers(reports: Path, tmp_path: Path) -> None:
    table = tmp_path / "figures.xlsx"
    assert main(["export", str(reports), "--xlsx", str(table)]) == 0
    sheet = load_workbook(table)["reports"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0])[: len(COLUMNS)] == list(COLUMNS)  # then the indicators found
    assert len(rows) == 1 + len(TEXT_SAMPLES)
    by_source = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    row = by_source[TEXT_SAMPLES[4].name]
    assert row["year"] == 2021 and row[TEXT_PROACTIVE_ITEMS] == 77
    assert row["applications.new_received.total"] is not None
    assert by_source[TEXT_SAMPLES[0].name]["applications.new_received.total"] is None  # blank


def test_xlsx_legend_names_each_column_as_the_form_prints_it(reports: Path, tmp_path: Path) -> None:
    table = tmp_path / "figures.xlsx"
    assert main(["export", str(reports), "--xlsx", str(table)]) == 0
    rows = list(load_workbook(table)["legend"].iter_rows(values_only=True))
    assert rows[0] == ("column", "section", "row", "column label")
    legend = {row[0]: row[1:] for row in rows[1:]}
    assert list(legend)[: len(FIGURE_COLUMNS)] == list(FIGURE_COLUMNS)
    # Then one row for all the figures' `state:` columns, then the indicators.
    assert list(legend)[len(FIGURE_COLUMNS)] == "state:…"
    after = list(legend)[len(FIGURE_COLUMNS) + 1 :]
    assert after[: len(PANEL_COLUMNS)] == list(PANEL_COLUMNS)
    assert all(c.startswith(INDICATOR_PREFIX) for c in after[len(PANEL_COLUMNS) :])
    assert legend["applications.refused_state_secret.commercial"] == (
        "三、收到和处理政府信息公开申请情况",
        "不予公开 属于国家秘密",
        "法人或其他组织 商业企业",
    )
    assert legend["litigation_direct.total"] == (
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政诉讼 未经复议直接起诉",
        "总计",
    )
    assert legend["proactive.fees.amount"][1:] == ("行政事业性收费", "本年收费金额（单位：万元）")
    assert legend[TEXT_PROACTIVE_ITEMS][0] == "二、主动公开政府信息情况"


def test_a_bad_report_is_named_skipped_and_exit_1(
    tmp_path: Path, seed_reports: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    other = tmp_path / "other.json"
    other.write_text('{"schema": "something/1"}', encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": "nianbao.report/1", "source": []}', encoding="utf-8")
    table = tmp_path / "t.csv"
    args = [str(seed_reports[0]), str(bad), str(other), str(broken)]
    assert main(["export", *args, "--csv", str(table)]) == 1
    captured = capsys.readouterr()
    assert f"{bad}: is not JSON" in captured.err
    assert f"{other}: not a nianbao report" in captured.err
    assert f"{broken}: is not a valid report" in captured.err
    assert "1 reports" in captured.out and "3 skipped" in captured.out
    with table.open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.reader(handle))) == 2


def test_export_needs_a_destination(
    seed_reports: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(seed_reports[0])]) == 2
    assert "--csv" in capsys.readouterr().err


def test_meta_columns_come_first() -> None:
    assert COLUMNS[: len(META_COLUMNS)] == META_COLUMNS
    assert META_COLUMNS[0] == "source"


# --- progress (issue 19: an export of 500 reports ran ~7 s without a word on a terminal) -------


class _Recorded:
    def __init__(self) -> None:
        self.phases: list[tuple[str, int]] = []
        self.done: dict[str, int] = {}

    def begin(self, what: str, total: int) -> None:
        self.phases.append((what, total))
        self.done[what] = 0

    def advance(self) -> None:
        self.done[self.phases[-1][0]] += 1


def test_export_tells_its_steps_each_report_read(seed_reports: list[Path], tmp_path: Path) -> None:
    steps = _Recorded()
    export(seed_reports, csv_path=tmp_path / "f.csv", parquet_dir=tmp_path / "ds", steps=steps)
    n = len(seed_reports)
    assert ("reading reports", n) in steps.phases and ("adding to the dataset", n) in steps.phases
    assert steps.done["reading reports"] == n and steps.done["adding to the dataset"] == n


@pytest.mark.parametrize(
    ("terminal", "quiet", "shown"),
    [(True, False, True), (True, True, False), (False, False, False)],
    ids=["terminal", "terminal-quiet", "pipe"],
)
def test_export_and_check_show_progress_on_a_terminal_only(
    seed_reports: list[Path], tmp_path: Path, terminal: bool, quiet: bool, shown: bool
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in seed_reports:
        shutil.copy(path, folder / path.name)
    flags = ["-q"] if quiet else []
    said = stderr_of(
        [*flags, "export", str(folder), "--csv", "f.csv", "--parquet", "ds"],
        tmp_path,
        terminal=terminal,
    )
    assert ("reading reports" in said) is shown, said
    assert ("adding to the dataset" in said) is shown, said
    said = stderr_of([*flags, "check", "ds"], tmp_path, terminal=terminal)
    assert ("checking series" in said) is shown, said


def test_quiet_export_and_check_say_only_what_went_wrong(
    seed_reports: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-q promises only what went wrong: no `N reports -> …`, dataset or panel lines, no
    counts; a report that cannot be read is still said."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in seed_reports:
        shutil.copy(path, folder / path.name)
    dataset = tmp_path / "ds"
    assert main(["-q", "export", str(folder), "--parquet", str(dataset)]) == 0
    assert main(["-q", "check", str(dataset)]) == 0
    said = capsys.readouterr()
    assert not [line for line in said.out.splitlines() if "series check failed" not in line]
    assert "reports ->" not in said.out and "panel:" not in said.out
    # A report cut short: it names the report schema, so it is not passed over, and fails.
    (folder / "broken.json").write_text('{"schema": "nianbao.report/1", "so', encoding="utf-8")
    assert main(["-q", "export", str(folder), "--csv", str(tmp_path / "f.csv")]) == 1
    said = capsys.readouterr()
    assert "broken.json" in said.err and "1 skipped" in said.out
