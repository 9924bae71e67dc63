"""The national 统计表 of the later 2008-era years as a form of its own (issue 21), and the
统计表's parent-equals-parts check run only where the form says the parts partition the parent.

Figures read by hand: seed 001 (samples/text/001_…) prints 一（一）主动公开政府信息数 142,
其中主动公开规范性文件数 142, 三（一）收到申请数 0 with its five parts blank, 十二 费用 0 万元,
十三（二）从事人员数 2 = 专职 1 + 兼职 1, 十四 会议 4, 培训班 1, 培训人员 45. 莆田市统计局 2015
(tests/fixtures/era2008) prints 制作、获取的政府信息总数 372 over 主动公开 369, 依申请公开 3 and
不予公开 1 (counted inside); 2010 prints 主动公开信息数 714 over 政府网站 710 and 政府公报 0.
"""

from __future__ import annotations

from pathlib import Path

import nianbao
from nianbao.collection.dataset_rows import FIGURES
from nianbao.convert.annual_report import profile
from nianbao.schemas.model import AnnualReport, Report, TableCellOrigin
from tests.test_annual_report_helpers import document

ERA2008 = Path(__file__).resolve().parent / "fixtures" / "era2008"


def _annual(report: Report) -> AnnualReport:
    assert report.annual_report is not None
    return report.annual_report


def test_the_national_table_gives_its_canonical_keys_with_its_cells_as_origins(
    samples: Path,
) -> None:
    annual = _annual(nianbao.convert_document(samples / "text" / "001_32df0900e40a0d23.txt"))
    values = {k: f.value for k, f in annual.figures.items() if k.startswith("statistics.")}
    assert len(values) == 69  # every row of the form, seed 001 prints them all
    assert values["statistics.proactive.published"] == 142
    assert values["statistics.proactive.normative_documents"] == 142
    assert values["statistics.applications.received"] == 0
    assert values["statistics.applications.received.in_person"] is None  # blank, not 0
    assert values["statistics.fees.amount"] == 0
    assert annual.figures["statistics.fees.amount"].unit == "万元"
    assert values["statistics.staffing.staff"] == 2
    assert (values["statistics.training.meetings"], values["statistics.training.trainees"]) == (
        4,
        45,
    )
    # （三）其他情形数 is printed under 四, 五 and 六: each is its own top row's.
    origins = {
        key: annual.figures[f"statistics.{key}.other"].origin
        for key in ("review", "litigation", "complaints")
    }
    assert len({(o.row if isinstance(o, TableCellOrigin) else o) for o in origins.values()}) == 3
    published = annual.figures["statistics.proactive.published"].origin
    by_label = {i.label: i for i in annual.indicators}
    assert published == by_label["(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条)"].origin
    checks = {c.rule: c.status for c in annual.checks}
    assert checks["statistics.staffing.staff"] == "pass"
    assert checks["statistics.applications.received"] == "skipped"  # its parts are blank
    assert "indicators.children_sum" not in checks  # the form's own equations check it


def test_the_dataset_labels_the_national_tables_figures() -> None:
    """figures.parquet's section and row labels of a statistics.* key, as the form prints them."""
    info = FIGURES["2008"]["statistics.review.other"]
    assert (info.section_label, info.row_label, info.column_label) == (
        "政府信息公开工作情况统计表",
        "四、行政复议数量 （三）其他情形数",
        "统计数",
    )


def _national(received: str, parts: list[str]) -> AnnualReport:
    groups = [
        "一、主动公开情况",
        "二、回应解读情况",
        "四、行政复议数量",
        "五、行政诉讼数量",
        "六、被举报投诉数量",
        "七、向图书馆、档案馆等查阅场所报送信息数",
    ]
    rows = [["统计指标", "单位", "统计数"], *([g, "", ""] for g in groups)]
    rows += [["三、依申请公开情况", "", ""], ["（一）收到申请数", "件", received]]
    labels = ["1.当面申请数", "2.传真申请数", "3.网络申请数", "4.信函申请数", "5.其他形式"]
    rows += [[label, "件", value] for label, value in zip(labels, parts, strict=True)]
    doc = document(
        "一、概述", "二、主动公开政府信息情况", rows, title="某镇2016年度政府信息公开工作报告"
    )
    annual, _ = profile(doc)
    assert annual is not None
    return annual


def test_the_national_tables_sums_are_its_forms_checks() -> None:
    annual = _national("5", ["1", "1", "1", "1", "0"])
    (check,) = [c for c in annual.checks if c.rule == "statistics.applications.received"]
    assert (check.status, check.expected, check.actual) == ("fail", 5, 4)
    assert check.keys[0] == "statistics.applications.received"
    assert _national("4", ["1", "1", "1", "1", "0"]).checks[0].status == "pass"


def test_a_provinces_table_gets_no_national_keys() -> None:
    """莆田's 统计表 prints 行政复议数 and 对申请的答复总数, not the national rows: indicators
    only."""
    annual = _annual(nianbao.convert_document(ERA2008 / "putian-stjj-2015.txt"))
    assert annual.indicators
    assert not [k for k in annual.figures if k.startswith("statistics.")]


def test_children_sum_does_not_run_on_parts_that_are_no_partition() -> None:
    """2015: 制作、获取的政府信息总数 372 counts its 3.不予公开数 1 inside 主动公开 369 + 依申请
    公开 3 (the rows add up to 373); 2010: 主动公开信息数 714 is more than 政府网站 710 + 政府公报
    0. Neither table is wrong: the check failed where the form never said the parts add up."""
    for name, parent in [
        ("putian-stjj-2015.txt", "制作、获取的政府信息总数"),
        ("putian-stjj-2010.txt", "主动公开信息数"),
    ]:
        report = nianbao.convert_document(ERA2008 / name)
        annual = _annual(report)
        sums = [c for c in annual.checks if c.rule == "indicators.children_sum"]
        assert not [c for c in sums if c.message.startswith(parent)]
        assert not [d for d in report.diagnostics if d.code == "check.failed"]
        # The parents whose parts do partition them are still checked, and add up.
        assert len(sums) == 2 and all(c.status == "pass" for c in sums)


# --- 年末统计: one column, the year's or a running total -----------------------------------------


def _by_label(report: Report) -> dict[str, object]:
    return {i.label: i.value for i in _annual(report).indicators}


def test_a_year_end_column_gives_only_what_is_certain_to_be_the_years() -> None:
    """莆田市 2008 (`指/标/名/称 / 计量单位 / 年末统计`): the text says 2008年…主动公开政府信息共
    38954条 and 受理政府信息公开申请100件, the table the same; its application channels add up
    to the 100 (55 + 0 + 10 + 24 + 11 + 0), 本年度对申请的答复总数 100 says it is the year's and
    its answers add up to it (88 + 12 + 0). 政府公报 3008, 新闻发布会 26 and the 查阅 counts
    could be running totals: unread, and said so."""
    report = nianbao.convert_document(ERA2008 / "putian-city-2008.txt")
    values = _by_label(report)
    assert values["主动公开信息数"] == 38954
    assert values["受理依申请公开信息总数"] == 100
    channels = ["1.当面申请数", "2.传真申请数", "3.电子邮件申请数", "4.网上申请数", "5.信函申请数"]
    assert [values[label] for label in channels] == [55, 0, 10, 24, 11]
    assert (values["本年度对申请的答复总数"], values["1.公开同意答复数"]) == (100, 88)
    assert values["1.政府公报"] is None and values["公开查阅点查阅人数"] is None
    unplaced = [d.message for d in report.diagnostics if d.code == "indicators.unplaced"]
    assert len(unplaced) == 6 and all("年末统计" in m for m in unplaced)
    codes = [d.code for d in report.diagnostics]
    assert codes.count("indicators.placed_by_text") == 2
    panel = _annual(report).panel
    assert (panel["applications.granted"].value, panel["applications.partly_granted"].value) == (
        88,
        12,
    )


def test_a_year_end_figure_the_text_does_not_state_is_left_unread_but_a_zero() -> None:
    """莆田市统计局 2008 (`指 标 / 名 / 称 / 计量 / 单位 / 年末统计`): 主动公开信息数 308, with no
    sentence stating it, may be a running total; a 0 is the year's 0 either way."""
    report = nianbao.convert_document(ERA2008 / "putian-stjj-2008.txt")
    values = _by_label(report)
    assert values["主动公开信息数"] is None
    assert (values["受理依申请公开信息总数"], values["行政复议数"]) == (0, 0)
    unplaced = [d.message for d in report.diagnostics if d.code == "indicators.unplaced"]
    assert any("主动公开信息数" in m and "年末统计" in m for m in unplaced)
    assert "proactive.published" not in _annual(report).panel


def test_a_table_titled_with_another_year_is_not_read() -> None:
    """莆田市林业局's report on 2010 titles its table 莆田市林业局2011年度政府信息公开年度报告表."""
    report = nianbao.convert_document(ERA2008 / "putian-slyj-2010.txt")
    assert _annual(report).indicators == []
    assert any(
        d.code == "indicators.other_year" and "2011年度" in d.message for d in report.diagnostics
    )


def test_a_second_statistics_table_is_checked_against_its_own_parents() -> None:
    """Two 统计表s in one report: each row's parent is found in its own table (the second table's
    parents used to index the first table's rows, and its 收到申请数 went unchecked)."""
    first = [["统计指标", "单位", "统计数"], ["受理申请数", "件", "5"]]
    first += [["1.当面申请数", "件", "2"], ["2.网络申请数", "件", "3"]]
    second = [["统计指标", "单位", "统计数"], ["一、主动公开情况", "", ""]]
    second += [["收到申请数", "件", "9"], ["1.当面申请数", "件", "4"], ["2.网络申请数", "件", "6"]]
    doc = document(
        "一、概述",
        "二、主动公开政府信息情况",
        first,
        "另表如下。",
        second,
        title="某镇2016年度政府信息公开工作报告",
    )
    annual, _ = profile(doc)
    assert annual is not None
    sums = [(c.status, c.keys) for c in annual.checks if c.rule == "indicators.children_sum"]
    assert sums == [
        ("pass", ["indicators[0]", "indicators[1]", "indicators[2]"]),
        ("fail", ["indicators[4]", "indicators[5]", "indicators[6]"]),
    ]
    assert annual.indicators[5].path == ["一、主动公开情况", "收到申请数"]
