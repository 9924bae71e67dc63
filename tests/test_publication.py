"""Issue 23: the report's publishing facts where the input states them: a crawler's header
lines (标题, 发布时间, 发布机构, 原文链接) and a web page's meta tags (PubDate, ArticleTitle,
ContentSource, Url) become its title, publication date, body and source URL."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from nianbao.adapters._publication import from_header
from nianbao.cli import main
from nianbao.convert.pipeline import convert_bytes, convert_path
from nianbao.schemas.emit import to_json
from nianbao.schemas.model import Publication
from tests.conftest import SAMPLES

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGE_2019 = FIXTURES / "linear" / "pingtan-2019.html"
PAGE_2024 = FIXTURES / "linear" / "pingtan-2024.html"
DUMP_2019 = SAMPLES / "text" / "pingtan-2019.txt"
PUTIAN_2019 = FIXTURES / "putian" / "putian-stjj-2019.txt"
URL_2019 = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202001/t20200120_80576.htm"


def test_a_crawlers_title_loses_its_key_and_its_date_and_link_are_the_reports() -> None:
    report = convert_path(DUMP_2019)
    assert report.document.title == "平潭综合实验区2019年度政府信息公开工作年度报告"
    assert report.document.blocks[0].text.startswith("标题: ")  # the line as printed
    assert report.document.publication == Publication(
        title="平潭综合实验区2019年度政府信息公开工作年度报告",
        published="2020-01-20 15:22",
        url=URL_2019,
    )
    assert report.annual_report is not None
    assert report.annual_report.published_on == date(2020, 1, 20)


def test_the_putian_crawlers_original_link_and_publisher_are_read() -> None:
    report = convert_path(PUTIAN_2019)
    publication = report.document.publication
    assert publication is not None and publication.publisher == "市统计局"
    assert publication.url is not None and publication.url.endswith("t20200115_1440677.htm")
    assert report.document.title == "莆田市统计局2019年政府信息公开工作年度报告"
    assert report.annual_report is not None
    # The publisher as the header abbreviates it does not replace the body the report names.
    assert report.annual_report.organization == "莆田市统计局"
    assert report.annual_report.published_on == date(2020, 1, 14)


@pytest.mark.parametrize(
    ("page", "published", "publisher"),
    [
        (PAGE_2019, date(2020, 1, 20), "平潭综合实验区管委会"),
        (PAGE_2024, date(2025, 3, 10), "平潭综合实验区管委会办公室"),
    ],
    ids=["2019", "2024"],
)
def test_published_on_of_a_page_is_its_pubdate_meta(
    page: Path, published: date, publisher: str
) -> None:
    report = convert_path(page)
    assert report.annual_report is not None
    assert report.annual_report.published_on == published  # null before issue 23
    publication = report.document.publication
    assert publication is not None and publication.publisher == publisher
    assert publication.url is not None and publication.url.startswith("https://www.pingtan.gov.cn/")
    assert report.annual_report.organization == "平潭综合实验区"


def test_the_page_and_its_crawlers_dump_state_the_same_facts() -> None:
    page, dump = convert_path(PAGE_2019), convert_path(DUMP_2019)
    assert page.document.title == dump.document.title
    assert page.annual_report is not None and dump.annual_report is not None
    assert page.annual_report.published_on == dump.annual_report.published_on
    assert page.document.publication is not None and dump.document.publication is not None
    assert page.document.publication.url == dump.document.publication.url == URL_2019


def test_a_report_naming_no_body_takes_its_publisher_and_says_so() -> None:
    # The 莆田 2019 dump with its title and its body's names of itself cut out.
    text = PUTIAN_2019.read_text(encoding="utf-8").replace("莆田市统计局", "本单位")
    text = text.replace("发布机构: 市统计局", "发布机构: 莆田市统计局")
    report = convert_bytes(text.encode("utf-8"), filename="putian.txt")
    assert report.annual_report is not None
    assert report.annual_report.organization == "莆田市统计局"
    codes = [d.code for d in report.diagnostics]
    assert "annual_report.organization_from_publication" in codes
    assert "annual_report.missing" not in codes


def test_a_date_in_the_reports_own_text_is_no_header() -> None:
    assert from_header(["某某区2021年政府信息公开工作年度报告", "发布时间：2022-01-05"]) is None
    # One key alone is no crawler's header either.
    assert from_header(["标题: 某某区2021年政府信息公开工作年度报告", "一、总体情况"]) is None
    stated = from_header(["", "标题：某某区报告", "文号:", "发布时间：2022-01-05 10:00"])
    assert stated == Publication(title="某某区报告", published="2022-01-05 10:00")


def test_the_exports_carry_title_publisher_and_url(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    for path in (PAGE_2024, PUTIAN_2019):
        (reports / f"{path.name}.json").write_text(to_json(convert_path(path)), encoding="utf-8")
    table, dataset = tmp_path / "f.csv", tmp_path / "ds"
    assert main(["-q", "export", str(reports), "--csv", str(table), "--parquet", str(dataset)]) == 0
    with table.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["source"]: row for row in csv.DictReader(handle)}
    page = rows[PAGE_2024.name]
    assert (page["published_on"], page["publisher"]) == ("2025-03-10", "平潭综合实验区管委会办公室")
    assert page["title"] == "平潭综合实验区2024年度政府信息公开工作年度报告"
    assert page["url"].endswith("t20250310_97791.htm")
    assert rows[PUTIAN_2019.name]["title"] == "莆田市统计局2019年政府信息公开工作年度报告"
    found = (
        duckdb.connect()
        .execute(
            f"SELECT source, published_on, publisher, url FROM '{dataset / 'reports.parquet'}'"
            " ORDER BY source"
        )
        .fetchall()
    )
    assert [(s, str(d), p) for s, d, p, _ in found] == [
        (PAGE_2024.name, "2025-03-10", "平潭综合实验区管委会办公室"),
        (PUTIAN_2019.name, "2020-01-14", "市统计局"),
    ]
    assert all(url.startswith("https://") for *_, url in found)
    assert json.loads((reports / f"{PAGE_2024.name}.json").read_text())["document"]["publication"]


def test_a_meta_tag_of_a_megabyte_is_not_read_as_a_date() -> None:
    page = PAGE_2024.read_text(encoding="utf-8")
    damaged = page.replace('content="2025-03-10 15:35"', f'content="{"9" * 1_000_000}"')
    report = convert_bytes(damaged.encode("utf-8"), filename="page.html")
    assert report.document.publication is not None
    assert report.document.publication.published is None
    assert report.annual_report is not None and report.annual_report.published_on is None
