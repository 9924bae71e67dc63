"""Web chrome goes, the report's words stay: every input line is either kept or reported."""

from __future__ import annotations

from pathlib import Path

import pytest

import nianbao
from nianbao.schemas.model import LineOrigin
from nianbao.text.clean import normalise, remove_chrome
from tests.conftest import TEXT_SAMPLES

CHROME = [
    "中国福彩网",
    "国徽",
    "走进鹤山",
    "【字体",
    "打印】",
    "分享到",
    "分享文章到",
    "返回顶部",
    "关注公众号",
    "国务院部门网站",
    "区县政府网站",
    "江津发布",
    "[bookmark",
    ".JPG",
    "大 中 小",
]


@pytest.mark.parametrize("sample", TEXT_SAMPLES, ids=lambda p: p.name)
def test_no_chrome_in_any_report(sample: Path) -> None:
    report = nianbao.convert_document(sample)
    document_text = nianbao.to_json(report).split('"diagnostics"')[0]
    assert [c for c in CHROME if c in document_text] == []


@pytest.mark.parametrize("sample", TEXT_SAMPLES, ids=lambda p: p.name)
def test_every_line_is_kept_or_reported_as_removed(sample: Path) -> None:
    report = nianbao.convert_document(sample)
    covered: set[int] = set()
    origins = [b.origin for b in report.document.blocks]
    origins += [c.origin for t in report.document.tables for c in t.cells]
    origins += [
        d.origin for d in report.diagnostics if d.code == "boilerplate.removed" and d.origin
    ]
    for origin in origins:
        assert isinstance(origin, LineOrigin)
        covered.update(range(origin.line_start, origin.line_end + 1))
    lines = sample.read_text(encoding="utf-8").splitlines()
    lost = [(n, text) for n, text in enumerate(lines, 1) if text.strip() and n not in covered]
    # Whitespace-only lines (NBSP, ideographic spaces) hold no words and may vanish.
    assert [(n, t) for n, t in lost if t.replace("\u00a0", "").replace("\u3000", "").strip()] == []


def test_normalise_unifies_spaces_and_line_ends_but_not_words() -> None:
    lines = normalise(
        "一、概述\r\n\u3000\u3000本镇\u00a0主动公开[bookmark: _GoBack]信息\u200b142条。\r"
    )
    assert [(line.number, line.text) for line in lines] == [
        (1, "一、概述"),
        (2, "  本镇 主动公开信息142条。"),
        (3, ""),
    ]


def test_title_stops_head_chrome_and_body_is_untouched() -> None:
    text = (
        "某某市人民政府\n首页 政务公开 政民互动 办事服务\n某镇2023年政府信息公开工作年度报告\n"
        "【字体：大 中 小】【打印】\n一、总体情况\n本镇网站\n"
    )
    cleaned = remove_chrome(normalise(text))
    assert [line.text for line in cleaned.lines] == [
        "某镇2023年政府信息公开工作年度报告",
        "一、总体情况",
        "本镇网站",
        "",
    ]
    assert [d.code for d in cleaned.diagnostics] == ["boilerplate.removed"] * 2


def test_short_lines_are_not_chrome_without_a_title_or_trigger() -> None:
    text = "一、总体情况\n本镇网站\n二、主动公开政府信息情况\n无。\n"
    cleaned = remove_chrome(normalise(text))
    assert [line.text for line in cleaned.lines if line.text] == [
        "一、总体情况",
        "本镇网站",
        "二、主动公开政府信息情况",
        "无。",
    ]
    assert cleaned.diagnostics == []


@pytest.mark.parametrize(
    "chrome",
    [
        "当前位置：首页 > 政务公开 > 政府信息公开年报",
        "【我要纠错】【打印本页】【关闭窗口】",
        "主办单位：某某区人民政府办公室 网站标识码：1234567890",
        "版权所有：某某区人民政府 苏ICP备12345678号",
        "网站地图",
    ],
)
def test_common_site_chrome_is_removed(chrome: str) -> None:
    text = f"一、总体情况\n{chrome}\n本镇主动公开政府信息77条。\n"
    cleaned = remove_chrome(normalise(text))
    assert chrome not in [line.text for line in cleaned.lines]
    assert "本镇主动公开政府信息77条。" in [line.text for line in cleaned.lines]


def test_a_sentence_mentioning_the_sponsor_is_not_a_footer() -> None:
    sentence = "本网站主办单位：区政府办公室，" + "持续加强网站内容保障，做好信息发布工作。" * 5
    cleaned = remove_chrome(normalise(f"一、总体情况\n{sentence}\n"))
    assert sentence in [line.text for line in cleaned.lines]


def test_markdown_emphasis_and_heading_marks_are_stray_markup() -> None:
    lines = normalise("**一、总体情况**\n## 二、主动公开政府信息情况\n文件__编号__ 2*3*4\n")
    assert [line.text for line in lines] == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "文件编号 2*3*4",
        "",
    ]
