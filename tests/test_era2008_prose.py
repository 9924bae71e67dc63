"""The 2008-2018 decade's prose (issue 21): a figure is the year's only when its sentence says so.

莆田市统计局 writes each year "2015年，…通过网站受理3条信息公开申请，其中同意公开答复3条；
历年累计受理申请26条" and "共主动公开信息372条，历年累计达3391条". The cumulative
was read as the year's with confidence 1. The files under tests/fixtures/era2008/ are the
莆田 portal crawl's `page.txt` as stored; the year's figures below were read by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import nianbao
from nianbao.schemas.model import Figure

ERA2008 = Path(__file__).resolve().parent / "fixtures" / "era2008"


def _prose(name: str) -> dict[str, Figure]:
    report = nianbao.convert_document(ERA2008 / name)
    assert report.annual_report is not None
    return {k: f for k, f in report.annual_report.figures.items() if k.startswith("text.")}


def _synthetic(tmp_path: Path, proactive: str) -> dict[str, Figure]:
    """A 2015 report of the 2008 form whose section 二 is `proactive`."""
    path = tmp_path / "report.txt"
    path.write_text(
        "莆田市某局2015年政府信息公开工作年度报告\n一、概述\n本局认真贯彻《条例》。\n"
        f"二、主动公开政府信息情况\n{proactive}\n"
        "三、政府信息依申请公开办理情况\n本年度未发生。\n"
        "四、政府信息公开收费及减免情况\n本年度未发生。\n",
        encoding="utf-8",
    )
    report = nianbao.convert_document(path)
    assert report.annual_report is not None
    assert report.annual_report.year == 2015
    return {k: f for k, f in report.annual_report.figures.items() if k.startswith("text.")}


@pytest.mark.parametrize(
    ("name", "received"),
    [
        ("putian-stjj-2012.txt", 3),  # 历年…受理政府信息公开申请16条 is the cumulative
        ("putian-stjj-2013.txt", 3),  # not 19
        ("putian-stjj-2014.txt", 4),  # not 23
        ("putian-stjj-2015.txt", 3),  # not 26
        ("putian-stjj-2016.txt", 6),  # not 32
    ],
)
def test_cumulative_applications_are_never_the_years(name: str, received: int) -> None:
    figures = _prose(name)
    assert figures["text.applications.received"].value == received
    assert "累计" not in figures["text.applications.received"].raw


def test_cumulative_proactive_items_are_never_the_years() -> None:
    """2014's 363 is printed on the line after 共主动公开信息 (the crawl broke the sentence), so
    the only whole statements are the cumulative 3019's: nothing is read rather than 3019."""
    assert "text.proactive.items" not in _prose("putian-stjj-2014.txt")
    for name, items in [
        ("putian-stjj-2013.txt", 356),
        ("putian-stjj-2015.txt", 372),
        ("putian-stjj-2016.txt", 392),
    ]:
        assert _prose(name)["text.proactive.items"].value == items


@pytest.mark.parametrize(
    "sentence",
    [
        "2015年，本局主动公开政府信息累计达3391条。",
        "截至目前，本局共主动公开政府信息3391条。",
        "上年主动公开政府信息300条。",
        "主动公开政府信息同比增长30条。",
    ],
)
def test_a_cumulative_last_year_or_change_is_not_read(sentence: str, tmp_path: Path) -> None:
    assert "text.proactive.items" not in _synthetic(tmp_path, sentence)


def test_the_years_figure_beside_a_cumulative_is_read(tmp_path: Path) -> None:
    items = _synthetic(
        tmp_path,
        "历年累计主动公开信息3019条。2015年度本机关共主动公开信息363条，历年累计达3382条。",
    )["text.proactive.items"]
    assert items.value == 363
    assert items.confidence == 1


# --- statements of none ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key", "raw"),
    [
        ("putian-stjj-2009.txt", "text.applications.received", "无收到政府信息公开申请"),
        ("putian-stjj-2009.txt", "text.fees.yuan", "不存在收费"),
        ("putian-kjj-2009.txt", "text.fees.yuan", "未发生收费"),
        ("putian-hyyyyj-2014.txt", "text.fees.yuan", "未收取任何费用"),
    ],
)
def test_a_statement_of_none_is_the_years_zero(name: str, key: str, raw: str) -> None:
    figure = _prose(name)[key]
    assert (figure.value, figure.raw, figure.unit) == (0, raw, None)
    assert figure.origin.kind == "text_span"


@pytest.mark.parametrize(
    ("sentence", "key"),
    [
        ("2015年全区未收到有关政府信息公开申请。", "text.applications.received"),
        ("我局尚未收到政府信息公开申请。", "text.applications.received"),
        ("本年度暂不收费。", "text.fees.yuan"),
        ("本机关未收取信息处理费。", "text.fees.yuan"),
    ],
)
def test_the_issues_statements_of_none_are_zeros(sentence: str, key: str, tmp_path: Path) -> None:
    assert _synthetic(tmp_path, sentence)[key].value == 0


@pytest.mark.parametrize(
    "sentence",
    [
        # only some applications: those of other channels
        "通过网站受理申请之外，未收到网站之外的其他形式政府信息公开申请。",
        # a review, not an application
        "本年度未收到政府信息公开申请行政复议、行政诉讼。",
        # last year's none
        "上年未收到政府信息公开申请。",
    ],
)
def test_a_partial_or_other_none_is_not_the_years_zero(sentence: str, tmp_path: Path) -> None:
    assert "text.applications.received" not in _synthetic(tmp_path, sentence)


# --- recognition -----------------------------------------------------------------------------


def test_a_crawlers_dump_with_its_body_on_one_line_is_recognised(tmp_path: Path) -> None:
    """`标题: 莆田市统计局2012年政府信息公开工作年度报告`, then the body run into one line: it was
    not recognised (no template, no year). Its chapters 一、概述…二、主动公开政府信息情况… are
    read in the run."""
    text = (ERA2008 / "putian-stjj-2012.txt").read_text(encoding="utf-8")
    title = text.splitlines()[0]
    body = text.partition("正文:\n")[2].replace("\n", "")
    path = tmp_path / "dump.txt"
    path.write_text(f"{title}\n{body}\n", encoding="utf-8")
    report = nianbao.convert_document(path)
    assert report.annual_report is not None
    annual = report.annual_report
    assert (annual.template, annual.year, annual.organization) == ("2008", 2012, "莆田市统计局")
    assert annual.figures["text.applications.received"].value == 3  # not the cumulative 16
    assert annual.figures["text.proactive.items"].value == 316  # not the cumulative 2302
    assert annual.figures["text.fees.yuan"].value == 0  # 本年度无政府信息公开收费


def test_a_title_alone_does_not_make_a_report(tmp_path: Path) -> None:
    """A page that only names a report (a list of links) stays unrecognised."""
    path = tmp_path / "list.txt"
    path.write_text(
        "标题: 莆田市统计局2012年政府信息公开工作年度报告\n"
        "相关链接：莆田市统计局2011年政府信息公开工作年度报告，莆田市统计局2010年政府信息公开工作"
        "年度报告，莆田市统计局2009年政府信息公开工作年度报告，返回首页。\n",
        encoding="utf-8",
    )
    assert nianbao.convert_document(path).annual_report is None
