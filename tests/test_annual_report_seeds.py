"""The annual-report profile on the five text samples, end to end through the pipeline."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from nianbao.convert.pipeline import convert_path
from nianbao.schemas.model import AnnualReport, Report
from tests.canonical_keys import KEYS_2021


def _convert(path: Path) -> tuple[AnnualReport, Report]:
    report = convert_path(path)
    assert report.annual_report is not None
    return report.annual_report, report


def _codes(report: Report) -> list[str]:
    return [d.code for d in report.diagnostics]


def test_seed_004_a_complete_2021_report(text_sample: dict[str, Path]) -> None:
    annual, report = _convert(text_sample["004"])
    assert (annual.template, annual.year, annual.organization) == ("2021", 2021, "中山镇人民政府")
    assert annual.published_on == date(2022, 1, 21)
    tabled = {k: f for k, f in annual.figures.items() if not k.startswith("text.")}
    assert len(KEYS_2021) == 200
    assert set(tabled) == KEYS_2021
    nonzero = {k: f.value for k, f in tabled.items() if f.value != 0}
    assert nonzero == {
        "proactive.normative_documents.issued": 1,
        "proactive.normative_documents.in_force": 1,
    }
    assert all(f.source == "table" and f.origin.kind == "table_cell" for f in tabled.values())
    assert annual.figures["proactive.fees.amount"].unit == "万元"
    assert annual.figures["text.proactive.items"].value == 77
    rules = {c.rule for c in annual.checks}
    assert rules == {
        "applications.balance",
        "applications.results_sum",
        "applications.row_totals",
        "review.total",
        "litigation_direct.total",
        "litigation_after_review.total",
    }
    assert {c.status for c in annual.checks} == {"pass"}
    assert [s.key for s in annual.sections] == [
        "overview",
        "proactive",
        "applications",
        "review_litigation",
        "problems",
        "other",
    ]
    assert "table.missing" not in _codes(report)


def test_seed_001_a_2008_statistics_table(text_sample: dict[str, Path]) -> None:
    annual, _ = _convert(text_sample["001"])
    assert (annual.template, annual.year, annual.organization) == ("2008", 2017, "张家坡镇人民政府")
    assert annual.published_on == date(2018, 3, 15)
    assert len(annual.indicators) >= 60
    proactive = next(i for i in annual.indicators if "主动公开政府信息数" in i.label)
    assert (proactive.value, proactive.unit, proactive.path) == (142, "条", ["一、主动公开情况"])
    assert annual.figures["text.proactive.items"].value == 142
    staff = [c for c in annual.checks if c.status == "pass"]
    assert any("从事政府信息公开工作人员数" in c.message for c in staff)


def test_seed_000_truncated_date_repaired(text_sample: dict[str, Path]) -> None:
    annual, report = _convert(text_sample["000"])
    assert (annual.template, annual.year) == ("2008", 2017)
    assert annual.organization == "鹤山市鹤城镇人民政府"
    assert annual.published_on == date(2018, 3, 21)
    assert "date.repaired" in _codes(report)
    assert annual.figures["text.proactive.items"].value == 184


def test_seed_002_prose_only(text_sample: dict[str, Path]) -> None:
    annual, _ = _convert(text_sample["002"])
    assert annual.year == 2017
    assert annual.template == "2008"
    assert annual.figures["text.proactive.items"].value == 501


def test_seed_003_tables_missing(text_sample: dict[str, Path]) -> None:
    annual, report = _convert(text_sample["003"])
    assert (annual.template, annual.year) == ("2021", 2024)
    assert annual.figures["text.proactive.items"].value == 101
    assert annual.figures["text.applications.received"].value == 3
    assert _codes(report).count("table.missing") == 3
    assert not [k for k in annual.figures if not k.startswith("text.")]
