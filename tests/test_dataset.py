"""The Parquet dataset: the 平潭 series and the samples exported, read back in DuckDB and
pandas with the schema's types, updated in place by sha256, never left half-written; and the
wide CSV/XLSX with the 2008-era indicators."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from nianbao.cli import main
from nianbao.collection import dataset
from nianbao.collection.export import INDICATOR_PREFIX
from nianbao.collection.series import FigureValue, SeriesReport, check_series
from nianbao.convert.pipeline import convert_path
from nianbao.forms import FORMS
from nianbao.schemas.emit import to_json
from tests.conftest import GOLDEN

SERIES = Path(__file__).resolve().parent / "fixtures" / "linear"  # the real 平潭 pages, kept once
PINGTAN = ("pingtan-2019.html", "pingtan-2024.html")


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples' reports (their goldens) and the 平潭 reports of 2019 and 2024."""
    folder = tmp_path_factory.mktemp("reports")
    for golden in sorted(GOLDEN.glob("*.json")):
        shutil.copyfile(golden, folder / golden.name)
    for name in PINGTAN:
        report = convert_path(SERIES / name)
        (folder / f"{name}.json").write_text(to_json(report), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def exported(collection: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dataset") / "ds"
    assert main(["export", str(collection), "--parquet", str(out)]) == 0
    return out


def _reports(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def _count(db: duckdb.DuckDBPyConnection, path: Path) -> int:
    row = db.execute(f"SELECT count(*) FROM '{path}'").fetchone()
    assert row is not None
    return int(row[0])


def _types(db: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    rows = db.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()
    return {row[0]: row[1] for row in rows}


def test_every_table_is_written(exported: Path) -> None:
    names = {p.name for p in exported.iterdir()}
    assert names == {f"{t}.parquet" for t in (*dataset.REPORT_TABLES, dataset.SERIES)} | {
        dataset.REVIEW
    }


def test_duckdb_reads_the_types_the_schema_says(exported: Path) -> None:
    db = duckdb.connect()
    reports = _types(db, exported / "reports.parquet")
    assert reports["published_on"] == "DATE"
    assert reports["year"] == "INTEGER"
    assert reports["recognised"] == reports["partial"] == "BOOLEAN"
    assert reports["bytes"] == "BIGINT"
    assert reports["checks_failed"] == reports["checks_skipped"] == "INTEGER"
    figures = _types(db, exported / "figures.parquet")
    assert figures["value"] == figures["confidence"] == "DOUBLE"
    assert figures["raw"] == figures["row_label"] == "VARCHAR"
    assert figures["origin"].startswith("STRUCT(kind VARCHAR, line_start INTEGER")
    assert _types(db, exported / "indicators.parquet")["path"] == "VARCHAR[]"
    assert _types(db, exported / "checks.parquet")["keys"] == "VARCHAR[]"
    series = _types(db, exported / "series_checks.parquet")
    assert series["year"] == series["other_year"] == "INTEGER"


def test_every_report_and_figure_is_there_once(exported: Path, collection: Path) -> None:
    db = duckdb.connect()
    reports = _reports(collection)
    shas = {r["source"]["sha256"] for r in reports}
    rows = db.execute(f"SELECT sha256 FROM '{exported / 'reports.parquet'}'").fetchall()
    assert sorted(r[0] for r in rows) == sorted(shas)
    n_figures = sum(len((r["annual_report"] or {}).get("figures") or {}) for r in reports)
    assert _count(db, exported / "figures.parquet") == n_figures
    n_diagnostics = sum(len(r["diagnostics"]) for r in reports)
    (count,) = db.execute(
        f"SELECT count(*) FROM '{exported / 'diagnostics.parquet'}'"
    ).fetchone() or (0,)
    assert count == n_diagnostics


def test_pingtan_figures_with_their_chinese_labels_and_cells(exported: Path) -> None:
    db = duckdb.connect()
    query = f"""
        SELECT r.year, r.template, r.published_on, f.value, f.raw, f.row_label, f.column_label,
               f.section_label, f.origin.table, f.origin.row, f.origin.col
        FROM '{exported / "figures.parquet"}' f
        JOIN '{exported / "reports.parquet"}' r ON r.sha256 = f.report
        WHERE r.source = 'pingtan-2019.html' AND f.key = 'proactive.procurement.amount'
    """
    row = db.execute(query).fetchone()
    assert row is not None
    year, template, published_on, value, raw, row_label, column_label, section, *cell = row
    # The page's <meta name="PubDate">: null until issue 23 read it.
    assert (year, template, published_on) == (2019, "2019", date(2020, 1, 20))
    assert value == pytest.approx(75394432.52) and raw == "75394432.52元"
    assert (row_label, column_label) == ("政府集中采购", "采购总金额")
    assert section == FORMS.describe("proactive.procurement.amount")[0]  # type: ignore[index]
    assert cell == [0, 17, 2]
    key = "applications.carried_over.research"
    labels = db.execute(
        f'SELECT DISTINCT section, row, "column", row_label, column_label '
        f"FROM '{exported / 'figures.parquet'}' WHERE key = ?",
        [key],
    ).fetchall()
    described = FORMS.describe(key)
    assert described is not None
    assert labels == [("applications", "carried_over", "research", *described[1:])]


def test_published_on_is_a_date_and_blank_is_null(exported: Path, collection: Path) -> None:
    frame = pd.read_parquet(exported / "reports.parquet")
    zhongshan = frame[frame["source"] == "004_7635fab03e0d303d.txt"].iloc[0]
    assert zhongshan["published_on"] == date(2022, 1, 21)  # the date printed, a date
    assert zhongshan["recognised"] and zhongshan["template"] == "2021"
    assert zhongshan["year"] == 2021 and zhongshan["organization"] == "中山镇人民政府"
    hongze = frame[frame["source"] == "hongze-2024.pdf"].iloc[0]
    assert hongze["published_on"] is None  # not printed: null, not a made-up date
    db = duckdb.connect()
    (printed,) = db.execute(
        f"SELECT published_on FROM '{exported / 'reports.parquet'}' "
        "WHERE source = '004_7635fab03e0d303d.txt'"
    ).fetchone() or (None,)
    assert printed == date(2022, 1, 21)
    tables_missing = frame[frame["source"] == "003_2a443156898f67a2.txt"].iloc[0]
    assert tables_missing["recognised"] and tables_missing["partial"]  # 2 figures of the form's
    assert not zhongshan["partial"]
    kewei = frame[frame["source"] == "kewei-2024.md"].iloc[0]
    assert not kewei["partial"]  # one cell printed blank: blank is not absent
    blank_form = frame[frame["source"] == "template-2021-blank.docx"].iloc[0]
    assert not blank_form["recognised"]  # the empty form is not a report (annual_report.blank_form)
    figures = pd.read_parquet(exported / "figures.parquet")
    assert str(figures["value"].dtype) == "float64"
    # Null where the report has no value, but for the undetermined figures other reports settled
    # (the 平潭 dumps' 19 + 3, by their pages: `nianbao.collection.settle`).
    resolved = figures["state"] == "resolved"
    assert resolved.sum() == 22 and figures[resolved]["value"].notna().all()
    assert figures["value"].isna().sum() + resolved.sum() == sum(
        1
        for r in _reports(collection)
        for f in ((r["annual_report"] or {}).get("figures") or {}).values()
        if f["value"] is None
    )


def test_indicators_keep_their_path(exported: Path, collection: Path) -> None:
    frame = pd.read_parquet(exported / "indicators.parquet")
    source = json.loads((collection / "001_32df0900e40a0d23.txt.json").read_text("utf-8"))
    indicators = source["annual_report"]["indicators"]
    assert indicators, "the fixture is the sample with a 统计表"
    mine = frame[frame["report"] == source["source"]["sha256"]].sort_values("index")
    assert [list(p) for p in mine["path"]] == [i["path"] for i in indicators]
    assert list(mine["raw"]) == [i["raw"] for i in indicators]


def test_the_pingtan_series_is_checked(exported: Path) -> None:
    frame = pd.read_parquet(exported / "series_checks.parquet")
    pingtan = frame[frame["organization"] == "平潭综合实验区"]
    missing = pingtan[pingtan["rule"] == "series.year_missing"]
    assert sorted(missing["year"]) == [2020, 2021, 2022, 2023]
    assert all("pingtan-2019.html" in m and "pingtan-2024.html" in m for m in missing["message"])
    # The samples hold each report twice, as its page and as a crawler's text dump: the dumps'
    # section 二 runs split more than one way, so the dump leaves those figures undetermined (no
    # value); an open figure is no difference, and every other figure agrees.
    twice = pingtan[pingtan["rule"] == "series.duplicate"].set_index("year")
    assert twice.loc[2024, "status"] == "pass"
    assert twice.loc[2019, "status"] == "pass"


def test_an_undetermined_figure_is_no_difference_between_duplicates() -> None:
    def report(name: str, figures: dict[str, FigureValue]) -> SeriesReport:
        return SeriesReport(name, name, "某局", 2019, "2019", figures)

    key = "proactive.licensing.previous_year"
    page = report("page.html", {key: FigureValue(396, "396")})
    dump = report("dump.txt", {key: FigureValue(None, "", undetermined=True)})
    (same,) = check_series([page, dump])
    assert same.status == "pass"
    # A printed blank is a difference from a printed 396: the two say different things.
    blank = report("blank.txt", {key: FigureValue(None, "")})
    (differs,) = check_series([page, blank])
    assert differs.status == "fail" and f"{key}: blank vs 396" in differs.message


def test_an_update_replaces_by_sha256_and_adds(collection: Path, tmp_path: Path) -> None:
    out = tmp_path / "ds"
    first = sorted(collection.glob("*.json"))
    summary = dataset.update(out, first[:4])
    assert (summary.added, summary.replaced, summary.total) == (4, 0, 4)
    # The same reports again, and more: no duplicates.
    summary = dataset.update(out, first)
    assert (summary.added, summary.replaced) == (len(first) - 4, 4)
    assert summary.total == len(first)
    # A re-converted report (same input bytes, other figures) replaces its rows.
    changed = json.loads(first[0].read_text(encoding="utf-8"))
    sha = changed["source"]["sha256"]
    changed["annual_report"]["figures"] = {}
    again = tmp_path / "again.json"
    again.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    summary = dataset.update(out, [again])
    assert (summary.added, summary.replaced, summary.total) == (0, 1, len(first))
    figures = pq.read_table(out / "figures.parquet").to_pandas()
    assert (figures["report"] == sha).sum() == 0
    reports = pq.read_table(out / "reports.parquet").to_pandas()
    assert (reports["sha256"] == sha).sum() == 1
    assert reports.loc[reports["sha256"] == sha, "file"].item() == str(again)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging left


def test_the_same_sha256_twice_in_one_update_is_there_once(
    collection: Path, tmp_path: Path
) -> None:
    path = collection / "004_7635fab03e0d303d.txt.json"
    copy = tmp_path / "copy.json"
    shutil.copyfile(path, copy)
    summary = dataset.update(tmp_path / "ds", [path, copy])
    assert summary.total == 1
    reports = pq.read_table(tmp_path / "ds" / "reports.parquet").to_pandas()
    assert list(reports["file"]) == [str(copy)]  # the last one named
    checks = pq.read_table(tmp_path / "ds" / "checks.parquet").to_pandas()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(checks) == len(data["annual_report"]["checks"])


def test_a_failed_update_leaves_the_dataset_as_it_was(
    collection: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "ds"
    files = sorted(collection.glob("*.json"))
    dataset.update(out, files[:3])
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(dataset, "_write", broken)
    with pytest.raises(OSError, match="disk full"):
        dataset.update(out, files)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_file_that_is_not_a_report_is_named_and_skipped(
    collection: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copyfile(collection / "004_7635fab03e0d303d.txt.json", reports / "a.json")
    # A report cut short: it names the report schema, so it is not passed over as a .json that
    # is not a report (a dataset's manifest.json), but named and skipped.
    (reports / "b.json").write_text('{"schema": "nianbao.report/1", "so', encoding="utf-8")
    assert main(["export", str(reports), "--parquet", str(tmp_path / "ds")]) == 1
    assert "b.json" in capsys.readouterr().err
    assert pq.read_metadata(tmp_path / "ds" / "reports.parquet").num_rows == 1


def test_the_wide_table_gains_the_indicators(collection: Path, tmp_path: Path) -> None:
    csv_path, xlsx_path = tmp_path / "t.csv", tmp_path / "t.xlsx"
    assert main(["export", str(collection), "--csv", str(csv_path), "--xlsx", str(xlsx_path)]) == 0
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    source = json.loads((collection / "001_32df0900e40a0d23.txt.json").read_text("utf-8"))
    first = source["annual_report"]["indicators"][0]
    columns = [c for c in rows[0] if c.startswith(INDICATOR_PREFIX)]
    assert columns and columns[0].startswith(INDICATOR_PREFIX)
    assert first["label"] in columns[0]
    row = next(r for r in rows if r["sha256"] == source["source"]["sha256"])
    assert row[columns[0]] == ("" if first["value"] is None else str(first["value"]))
    filled = next(i for i in source["annual_report"]["indicators"] if i["value"] is not None)
    name = next(c for c in columns if filled["label"] in c and c.startswith(INDICATOR_PREFIX))
    assert float(row[name]) == filled["value"]
    legend = load_workbook(xlsx_path, read_only=True)["legend"]
    labels = {r[0]: r for r in legend.iter_rows(values_only=True)}
    assert labels[columns[0]][1] == "统计表"
