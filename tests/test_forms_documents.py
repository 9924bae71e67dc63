"""Documents known by their tables alone, in Traditional script, and documents that are not one
report, against the figures read off them by hand (`tests/fixtures/forms/*.expected.json`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import opencc
import pytest

import nianbao
from nianbao.schemas.model import AnnualReport, Report
from tests.canonical_keys import KEYS_2021

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "forms"
SEED_004 = Path(__file__).resolve().parent.parent / "samples" / "text" / "004_7635fab03e0d303d.txt"


def _expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.expected.json").read_text("utf-8"))
    return data


def _annual(report: Report) -> AnnualReport:
    assert report.annual_report is not None, [d.message for d in report.diagnostics]
    return report.annual_report


def _codes(report: Report) -> list[str]:
    return [d.code for d in report.diagnostics]


@pytest.mark.parametrize(
    "name",
    [
        "pingtan-2024-tables.xlsx",
        "pingtan-2024-tables-misprinted.xlsx",
        "tables-only.docx",
        "004-traditional.txt",
    ],
)
def test_every_figure_as_read_by_hand(name: str) -> None:
    expected = _expected(name)
    report = nianbao.convert_document(FIXTURES / name)
    annual = _annual(report)
    assert (annual.template, annual.year) == (expected["template"], expected["year"])
    assert {k: f.value for k, f in annual.figures.items()} == expected["figures"]
    failed = {c.rule for c in annual.checks if c.status == "fail"}
    assert failed == {c["rule"] for c in expected["failing_checks"]}
    assert {c.status for c in annual.checks} <= {"pass", "fail"}


def test_three_sheets_of_tables_alone_are_a_2021_report_of_the_year_in_the_file_name() -> None:
    report = nianbao.convert_document(FIXTURES / "pingtan-2024-tables.xlsx")
    annual = _annual(report)
    assert set(annual.figures) == KEYS_2021
    assert annual.sections == [] and annual.organization is None
    codes = _codes(report)
    assert "annual_report.recognised_from_tables" in codes
    assert "annual_report.year_from_filename" in codes
    missing = [d.message for d in report.diagnostics if d.code == "annual_report.missing"]
    assert missing == ["the report does not state its organization: it is left null"]


def test_a_misprinted_total_fails_the_checks_naming_it() -> None:
    report = nianbao.convert_document(FIXTURES / "pingtan-2024-tables-misprinted.xlsx")
    annual = _annual(report)
    assert annual.figures["applications.total_handled.total"].value == 228  # kept as printed
    balance = next(
        c for c in annual.checks if c.rule == "applications.balance" and c.status == "fail"
    )
    assert (balance.expected, balance.actual) == (218, 228)
    assert "applications.total_handled.total" in balance.keys


def test_a_docx_of_tables_alone_has_no_year() -> None:
    report = nianbao.convert_document(FIXTURES / "tables-only.docx")
    annual = _annual(report)
    assert annual.year is None and annual.template == "2021"
    assert "annual_report.year_from_filename" not in _codes(report)


@pytest.mark.parametrize("config", ["s2t", "s2twp"])
def test_seed_004_in_traditional_script_gives_its_figures(config: str) -> None:
    """s2twp also turns 规范性文件 into 規範性檔案, the Taiwan wording."""
    original = nianbao.convert_document(SEED_004)
    traditional = opencc.OpenCC(config).convert(SEED_004.read_text(encoding="utf-8"))
    if config == "s2twp":
        assert "規範性檔案" in traditional
    converted = nianbao.convert_document(
        traditional.encode("utf-8"), filename="004-traditional.txt"
    )
    ours, theirs = _annual(converted), _annual(original)
    assert {k: f.value for k, f in ours.figures.items()} == {
        k: f.value for k, f in theirs.figures.items()
    }
    assert [(c.rule, c.status) for c in ours.checks] == [(c.rule, c.status) for c in theirs.checks]
    # what is printed stays in raw
    assert ours.figures["proactive.normative_documents.issued"].origin == (
        theirs.figures["proactive.normative_documents.issued"].origin
    )


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("comparison-2023-2024.html", "annual_report.comparison"),
        ("budget-2023.txt", "annual_report.not_recognised"),
        ("letter.txt", "annual_report.notice"),
        ("essay.txt", "annual_report.not_recognised"),
        ("two-reports.txt", "annual_report.several_reports"),
    ],
)
def test_not_one_report_gives_no_figures(name: str, code: str) -> None:
    assert _expected(name)["figures"] == {}
    report = nianbao.convert_document(FIXTURES / name)
    assert report.annual_report is None
    assert code in _codes(report)


def test_two_reports_are_named_by_their_periods() -> None:
    report = nianbao.convert_document(FIXTURES / "two-reports.txt")
    message = next(d.message for d in report.diagnostics if d.code.endswith("several_reports"))
    assert "2021" in message and "2019" in message
