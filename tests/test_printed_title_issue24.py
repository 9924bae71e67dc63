"""A browser's print of a report page names the report as the page does (issue 24).

Printed, a portal page's title is an ordinary line below the site's navigation, too far down
for the title rules of the top of a text, and its byline (来源：…时间：…) a paragraph under it:
the report's title, organization and publication date were null where the page gives them.
The title is now the line naming the report before its body, when it is certainly the
report's; the byline is read as a crawler's header is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import nianbao
from nianbao.adapters._publication import from_byline, from_header
from nianbao.forms import FormSpecError, load
from nianbao.schemas.model import Report
from tests.conftest import copy_forms, edit

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PRINTS = {
    FIXTURES / "prints" / "chrome" / "pingtan-2024-chrome.pdf": FIXTURES
    / "linear"
    / "pingtan-2024.html",
    FIXTURES / "prints" / "pingtan-2019-a5.pdf": FIXTURES / "linear" / "pingtan-2019.html",
    FIXTURES / "prints" / "pingtan-2024-a5.pdf": FIXTURES / "linear" / "pingtan-2024.html",
}


def _named(report: Report) -> tuple[object, ...]:
    annual = report.annual_report
    assert annual is not None
    return (report.document.title, annual.organization, annual.year, annual.published_on)


@pytest.mark.parametrize("printed", sorted(PRINTS), ids=lambda path: path.name)
def test_a_browser_print_names_the_report_as_its_page_does(printed: Path) -> None:
    page = nianbao.convert_document(PRINTS[printed])
    assert _named(nianbao.convert_document(printed)) == _named(page)
    assert None not in _named(page)


def test_a_printed_byline_is_read_as_a_crawler_header_is() -> None:
    byline = from_byline("来源：平潭综合实验区管委会办公室时间：2025-03-10 15:35")
    header = from_header(["发布机构: 平潭综合实验区管委会办公室", "发布时间: 2025-03-10 15:35"])
    assert byline is not None
    assert byline == header
    assert byline.published == "2025-03-10 15:35"
    # A sentence that says 时间： is no byline; nor a byline without a date.
    assert from_byline("来源：平潭综合实验区管委会办公室时间：另行通知") is None


_NAVIGATION = ["首页", "政务公开", "政府信息公开", "政府信息公开年报"] * 3
_BODY = [
    "一、总体情况",
    "2024年，某某县坚持以公开为常态、不公开为例外，2024年全年主动公开政府信息1040条。",
    "二、主动公开政府信息情况",
    "2024年，主动公开各类政府信息1040条，较2023年有所增加。",
]


def _title_of(tmp_path: Path, lines: list[str]) -> str | None:
    path = tmp_path / "page.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return nianbao.convert_document(path).document.title


def test_the_report_title_below_a_page_navigation_is_the_title(tmp_path: Path) -> None:
    title = "某某县2024年度政府信息公开工作年度报告"
    lines = [*_NAVIGATION, title, "来源：某某县人民政府办公室", *_BODY]
    assert _title_of(tmp_path, lines) == title


def test_a_sidebar_of_other_years_reports_is_no_title(tmp_path: Path) -> None:
    listed = ["某某县2023年度政府信息公开工作年度报告", "某某县2022年度政府信息公开工作年度报告"]
    assert _title_of(tmp_path, [*_NAVIGATION, *listed, *_BODY]) is None
    # One other year's report linked above the body is not this report's title either.
    assert _title_of(tmp_path, [*_NAVIGATION, listed[0], *_BODY]) is None


def test_a_report_title_pattern_without_its_year_is_refused(tmp_path: Path) -> None:
    folder = copy_forms(tmp_path)
    edit(folder / "prose.toml", "(?P<year>(?:19|20)\\d{2})", "((?:19|20)\\d{2})")
    with pytest.raises(FormSpecError, match=r"prose\.toml: report_titles: .* no group `year`"):
        load(folder)
