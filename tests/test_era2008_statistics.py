"""The 2008-era 统计表 printed one cell per line (issue 21), read as the report's year's figures.

The 莆田 crawl prints `指标名称 / 计量单位 / 2015 / 年度 / 历年累计 / 制作、获取的政府信息总数 /
条 / 372 / 3391 / …`, and drops a line equal to the line before (so a row of 0 and 0 prints one 0).
It gave no indicator at all. The year's figures below were read by hand off the files in
tests/fixtures/era2008/ and checked against the prose of each report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import nianbao
from nianbao.schemas.model import Report

ERA2008 = Path(__file__).resolve().parent / "fixtures" / "era2008"


def _convert(path: Path) -> Report:
    report = nianbao.convert_document(path)
    assert report.annual_report is not None
    return report


def _values(report: Report) -> dict[str, object]:
    assert report.annual_report is not None
    return {i.label: i.value for i in report.annual_report.indicators}


def test_the_flat_table_gives_the_years_figures_never_the_cumulative() -> None:
    """2015: 372 made (cumulative 3391), 3 applications (26), 2 granted (18)."""
    report = _convert(ERA2008 / "putian-stjj-2015.txt")
    assert report.annual_report is not None
    values = _values(report)
    assert values["制作、获取的政府信息总数"] == 372
    assert values["1.主动公开信息数"] == 369
    assert values["受理政府信息公开申请总数"] == 3
    assert values["1.同意公开答复数"] == 2
    assert values["3.不予公开答复数"] == 1
    assert values["受理政府信息公开咨询数"] == 85
    assert values["行政复议数"] == 0
    assert not {3391, 3388, 26, 18} & set(values.values())
    by_label = {i.label: i for i in report.annual_report.indicators}
    assert by_label["1.主动公开信息数"].path == ["制作、获取的政府信息总数"]


@pytest.mark.parametrize(
    ("name", "label", "value"),
    [
        ("putian-stjj-2009.txt", "主动公开信息数", 386),  # header 2009年度 on one line
        ("putian-stjj-2012.txt", "受理依申请公开信息总数", 3),  # 指 标 名 称, spaced
        ("putian-stjj-2013.txt", "制作、获取的政府信息总数", 359),
        ("putian-stjj-2014.txt", "1.主动公开信息数", 359),  # the prose says 363 made
        ("putian-stjj-2016.txt", "主动公开文件数", 392),  # 单位, not 计量单位
        ("putian-hyyyyj-2014.txt", "1.政府网站公开数", 90),  # 其中： / 1. / label, 3 lines
    ],
)
def test_each_header_and_row_layout_is_read(name: str, label: str, value: int) -> None:
    assert _values(_convert(ERA2008 / name))[label] == value


def test_one_figure_for_two_columns_is_left_unread_unless_zero() -> None:
    """2016's `3.不予公开答复数 / 条 / 7`: the 7 is the cumulative (the prose: 历年…7条属涉及商业
    秘密不予公开), the year's cell blank. A single 0 is the year's 0."""
    report = _convert(ERA2008 / "putian-stjj-2016.txt")
    values = _values(report)
    assert values["3.不予公开答复数"] is None
    assert values["3.信函、传真申请数"] == 0
    unplaced = [d.message for d in report.diagnostics if d.code == "indicators.unplaced"]
    assert any("3.不予公开答复数" in m for m in unplaced)


def test_a_column_of_another_year_is_not_read() -> None:
    """The 2011 report's table is headed 2010 年度: not read as 2011's, and said so."""
    report = _convert(ERA2008 / "putian-stjj-2011.txt")
    assert report.annual_report is not None
    assert report.annual_report.indicators == []
    assert any(d.code == "indicators.other_year" for d in report.diagnostics)


def _flat(tmp_path: Path, rows: str) -> Report:
    path = tmp_path / "report.txt"
    header = "指标名称\n计量单位\n本年\n历年累计\n"
    path.write_text(
        "莆田市某局2015年政府信息公开工作年度报告\n一、概述\n本局认真贯彻《条例》。\n"
        "二、主动公开政府信息情况\n本年度主动公开信息。\n三、政府信息依申请公开办理情况\n"
        f"本年度受理申请。\n七、附表\n{header}{rows}",
        encoding="utf-8",
    )
    return _convert(path)


def test_run_together_figures_split_only_where_certain(tmp_path: Path) -> None:
    """`条18535395` splits four ways with a cumulative at least the year's (1853 and 5395
    among them): flagged. `件37` splits only as 3 and 7. `件90` fits no split (9 and 0 has a
    cumulative below the year's): flagged."""
    report = _flat(tmp_path, "主动公开信息数\n条18535395\n受理申请数\n件37\n行政复议数\n件90\n")
    values = _values(report)
    assert values["主动公开信息数"] is None
    assert values["受理申请数"] == 3
    assert values["行政复议数"] is None
    messages = " ".join(d.message for d in report.diagnostics if d.code == "indicators.unplaced")
    assert "1853 and 5395" in messages


def test_prose_that_disagrees_with_the_table_is_said_to() -> None:
    """2015: the prose's 共主动公开信息372条 is the table's 制作、获取的政府信息总数; its
    主动公开信息数 is 369. Both stay as printed, with a warning; the table's is the indicator."""
    report = _convert(ERA2008 / "putian-stjj-2015.txt")
    assert report.annual_report is not None
    assert report.annual_report.figures["text.proactive.items"].value == 372
    assert _values(report)["1.主动公开信息数"] == 369
    said = [d.message for d in report.diagnostics if d.code == "prose.disagrees"]
    assert len(said) == 1
    assert "369" in said[0]


def test_prose_that_agrees_with_the_table_says_nothing() -> None:
    report = _convert(ERA2008 / "putian-stjj-2013.txt")  # 受理…3条 and the table's 3
    assert not [d for d in report.diagnostics if d.code == "prose.disagrees"]
    assert _values(report)["受理政府信息公开申请总数"] == 3


def test_one_figure_for_two_columns_is_placed_when_the_sums_say_so() -> None:
    """2012's `4.其他类型答复数 / 条 / 1`: 对申请的答复总数 3 = 同意 1 + 部分 0 + 不予 1 + 其他, so
    the year's 其他 is 1 (the prose: 属其他部门信息1条)."""
    report = _convert(ERA2008 / "putian-stjj-2012.txt")
    assert _values(report)["4.其他类型答复数"] == 1
    codes = [d.code for d in report.diagnostics]
    assert "indicators.placed_by_sums" in codes
    assert "indicators.unplaced" not in codes


def test_sums_that_do_not_come_to_the_figure_leave_it_unread() -> None:
    """2016's `3.不予公开数 / 条 / 8` under 主动公开文件数 392 = 386 + 6 + ?: the sums say 0, the
    figure is 8 (the cumulative): left unread."""
    assert _values(_convert(ERA2008 / "putian-stjj-2016.txt"))["3.不予公开数"] is None


def test_a_line_of_thousands_of_digits_is_damage_not_a_figure(tmp_path: Path) -> None:
    """`int` refuses a string of more than 4300 digits: such a line must not stop the report."""
    report = _flat(tmp_path, f"主动公开信息数\n条\n{'9' * 5000}\n受理申请数\n件{'7' * 5000}\n")
    values = _values(report)
    assert values["主动公开信息数"] is None
    assert "受理申请数" not in values
