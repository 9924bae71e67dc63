"""Checks across reports: a synthetic series of one body over three years, made from the 平潭
reports by editing their figures, with one broken carry-over that fails exactly that check,
naming both reports and the cells; the 2019 form's 上一年项目数量; duplicates; missing years;
bodies matched on a normalised name."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from nianbao.cli import main
from nianbao.collection.series import body_key
from nianbao.convert.pipeline import convert_path
from nianbao.forms import FORMS
from nianbao.schemas.emit import report_data

SERIES = Path(__file__).resolve().parent / "fixtures" / "linear"  # the real 平潭 pages, kept once
COLUMNS = [c.key for c in FORMS.table("applications").columns]
BODY = "某县人民政府"


@pytest.fixture(scope="module")
def pingtan() -> dict[str, dict[str, Any]]:
    return {
        year: report_data(convert_path(SERIES / f"pingtan-{year}.html"))
        for year in ("2019", "2024")
    }


def _report(base: dict[str, Any], year: int, name: str, organization: str = BODY) -> dict[str, Any]:
    """`base` as the report of `organization` on `year`, from an input named `name`."""
    report = copy.deepcopy(base)
    report["source"]["name"] = name
    report["source"]["sha256"] = hashlib.sha256(name.encode()).hexdigest()
    report["annual_report"]["year"] = year
    report["annual_report"]["organization"] = organization
    return report


def _set(report: dict[str, Any], key: str, value: int) -> None:
    figure = report["annual_report"]["figures"][key]
    figure["value"] = value
    figure["raw"] = str(value)


def _write(folder: Path, reports: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for report in reports:
        path = folder / f"{report['source']['name']}.json"
        path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")


def _three_years(base: dict[str, Any], *, broken: str | None = None) -> list[dict[str, Any]]:
    """2021-2023: each year's 上年结转 is the year before's 结转下年度, per column; with
    `broken`, 2023's 上年结转 of that column is one more than 2022 carried forward."""
    # The organization as three reports might print it: spacing, full width, Traditional script.
    names = {2021: BODY, 2022: " 某縣人民政府", 2023: "某县人民政府（ ）"}
    reports = [_report(base, y, f"county-{y}.html", names[y]) for y in (2021, 2022, 2023)]
    for i, report in enumerate(reports):
        for n, col in enumerate(COLUMNS):
            _set(report, f"applications.carried_over.{col}", 10 * i + n)
            _set(report, f"applications.carried_forward.{col}", 10 * (i + 1) + n)
    if broken is not None:
        key = f"applications.carried_over.{broken}"
        _set(reports[2], key, reports[2]["annual_report"]["figures"][key]["value"] + 1)
    return reports


def _checks(folder: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    out = folder.parent / "dataset"
    assert main(["export", str(folder), "--parquet", str(out)]) == 0
    capsys.readouterr()
    assert main(["check", str(out)]) == 0
    rows = duckdb.sql(f"SELECT * FROM '{out / 'series_checks.parquet'}' ORDER BY all")
    assert rows is not None
    return [dict(zip(rows.columns, row, strict=True)) for row in rows.fetchall()]


def test_body_names_are_normalised() -> None:
    assert body_key("平潭综合实验区") == body_key(" 平潭綜合實驗區 ") == "平潭综合实验区"
    assert body_key("ＡＢＣ县人民政府") == body_key("abc县人民政府")
    assert body_key("某县人民政府（ ）") == body_key("某县人民政府")
    assert body_key("某县人民政府办公室") != body_key("某县人民政府")
    assert body_key(None) is None and body_key(" ") is None


def test_a_consistent_series_passes(
    pingtan: dict[str, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path / "reports", _three_years(pingtan["2024"]))
    checks = _checks(tmp_path / "reports", capsys)
    assert {c["rule"] for c in checks} == {"series.carried_over"}
    assert len(checks) == 2 * len(COLUMNS)  # 2022 against 2021, 2023 against 2022
    assert {c["status"] for c in checks} == {"pass"}
    assert {c["body"] for c in checks} == {BODY}


def test_one_broken_carry_over_fails_exactly_that_check(
    pingtan: dict[str, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = _three_years(pingtan["2024"], broken="legal_service")
    _write(tmp_path / "reports", reports)
    checks = _checks(tmp_path / "reports", capsys)
    failed = [c for c in checks if c["status"] != "pass"]
    assert len(failed) == 1, failed
    [fail] = failed
    later, earlier = reports[2], reports[1]
    assert fail["rule"] == "series.carried_over" and fail["status"] == "fail"
    assert (fail["year"], fail["other_year"]) == (2023, 2022)
    assert fail["report"] == later["source"]["sha256"]
    assert fail["other_report"] == earlier["source"]["sha256"]
    assert (fail["source"], fail["other_source"]) == ("county-2023.html", "county-2022.html")
    assert fail["keys"] == ["applications.carried_over.legal_service"]
    assert fail["other_keys"] == ["applications.carried_forward.legal_service"]
    assert (fail["actual"], fail["expected"]) == (25.0, 24.0)  # column 4: 2022 carried 24
    figures = later["annual_report"]["figures"]
    cell = figures["applications.carried_over.legal_service"]["origin"]
    assert fail["cells"] == [
        f"applications.carried_over.legal_service@table {cell['table']} row {cell['row']} "
        f"col {cell['col']}"
    ]
    assert fail["other_cells"][0].startswith("applications.carried_forward.legal_service@table")
    message = fail["message"]
    assert "county-2023.html" in message and "county-2022.html" in message
    assert "法律服务机构" in message  # the column as the form prints it
    printed = capsys.readouterr().out
    assert "series.carried_over" in printed and "county-2023.html" in printed
    assert "1 failed" in printed


def test_the_2019_form_checks_previous_year(
    pingtan: dict[str, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = pingtan["2019"]
    first = _report(base, 2019, "pt-2019.html", "平潭综合实验区")
    second = _report(base, 2020, "pt-2020.html", "平潭综合实验区")
    rows = [r for r in ("licensing", "other_services", "penalty", "coercion", "fees")]
    for n, row in enumerate(rows):
        _set(first, f"proactive.{row}.previous_year", 100 + n)
        _set(first, f"proactive.{row}.change", -3 if row == "penalty" else 2)
        ok = 100 + n + (-3 if row == "penalty" else 2)
        _set(second, f"proactive.{row}.previous_year", ok + (5 if row == "fees" else 0))
    _write(tmp_path / "reports", [first, second])
    checks = _checks(tmp_path / "reports", capsys)
    previous = [c for c in checks if c["rule"] == "series.previous_year"]
    assert len(previous) == len(rows)  # only the rows that print both columns
    assert [c["keys"][0] for c in previous if c["status"] == "fail"] == [
        "proactive.fees.previous_year"
    ]
    [fail] = [c for c in previous if c["status"] == "fail"]
    assert fail["other_keys"] == ["proactive.fees.previous_year", "proactive.fees.change"]
    assert (fail["actual"], fail["expected"]) == (111.0, 106.0)
    assert "pt-2019.html" in fail["message"] and "pt-2020.html" in fail["message"]
    # Carry-over of section 三 holds (the same report twice: 0 carried both ways).
    assert {c["status"] for c in checks if c["rule"] == "series.carried_over"} == {"pass"}


def test_two_reports_of_a_year_that_differ_and_a_missing_year(
    pingtan: dict[str, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = pingtan["2024"]
    a = _report(base, 2021, "a.html")
    b = _report(base, 2021, "b.pdf")
    _set(b, "review.total", 99)
    later = _report(base, 2024, "c.html")
    _write(tmp_path / "reports", [a, b, later])
    checks = _checks(tmp_path / "reports", capsys)
    [duplicate] = [c for c in checks if c["rule"] == "series.duplicate"]
    assert duplicate["status"] == "fail" and duplicate["keys"] == ["review.total"]
    assert {duplicate["source"], duplicate["other_source"]} == {"a.html", "b.pdf"}
    assert "99" in duplicate["message"]
    missing = [c for c in checks if c["rule"] == "series.year_missing"]
    assert sorted(c["year"] for c in missing) == [2022, 2023]
    assert all(c["other_source"] in ("a.html", "b.pdf") for c in missing)
    assert all("c.html" in c["message"] for c in missing)


def test_check_needs_a_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path)]) == 3
    assert "export" in capsys.readouterr().err
