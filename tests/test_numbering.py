"""The one numbering parser (`nianbao.text.numbering`), and the callers that ask it."""

from __future__ import annotations

import pytest

from nianbao.convert.annual_report.labels import numbering, numbering_agreement, strip_numbering
from nianbao.text.numbering import (
    Numbering,
    after_numbering,
    numbered_headings,
    numbering_level,
    parse_numbering,
)


@pytest.mark.parametrize(
    ("text", "level", "number", "words"),
    [
        ("一、总体情况", 1, 1, "总体情况"),
        ("十二、其他", 1, 12, "其他"),
        ("二十一．附则", 1, 21, "附则"),
        ("一 、 总体情况", 1, 1, "总体情况"),
        ("（一）主动公开", 2, 1, "主动公开"),
        ("(三)不予公开", 2, 3, "不予公开"),
        ("（ 七 ）总计", 2, 7, "总计"),
        ("1.属于国家秘密", 3, 1, "属于国家秘密"),
        ("1、其他", 3, 1, "其他"),
        ("12．结转", 3, 12, "结转"),
        ("（1）具体办法", 4, 1, "具体办法"),
        ("(2) 具体解决办法", 4, 2, "具体解决办法"),
        ("①组织机构类", 5, 1, "组织机构类"),
        ("⑳其他", 5, 20, "其他"),
        ("  三、依申请公开", 1, 3, "依申请公开"),
    ],
)
def test_numbering_level_number_and_where_the_words_start(
    text: str, level: int, number: int, words: str
) -> None:
    found = parse_numbering(text)
    assert found is not None
    assert (found.level, found.number, text[found.end :]) == (level, number, words)
    assert numbering_level(text) == level


@pytest.mark.parametrize(
    "text",
    [
        "7730.28",  # a number: a digit after the dot
        "7730．28",
        "1、2月份",  # a list of months, not item 1
        "1. 5",
        "2017年，我镇",
        "一是加强组织领导",
        "总计",
        "",
        "12月",
        "2其他",  # without bare_digits, see below
    ],
)
def test_not_numbered(text: str) -> None:
    assert parse_numbering(text) is None
    assert numbering_level(text) is None


def test_digits_straight_into_a_label_are_numbering_only_when_asked() -> None:
    # PDF extraction drops the dot of a row label: `2其他` is row 2. In running text the same
    # shape is a count or a date, so only a caller holding a row label asks for it.
    assert parse_numbering("2其他") is None
    assert parse_numbering("2其他", bare_digits=True) == Numbering(level=3, number=2, end=1)
    assert parse_numbering("12 其他", bare_digits=True) == Numbering(level=3, number=12, end=3)
    # still not a figure, nor a year
    assert parse_numbering("7730.28", bare_digits=True) is None
    assert parse_numbering("2021年", bare_digits=True) is None
    assert parse_numbering("3", bare_digits=True) is None


@pytest.mark.parametrize(
    ("label", "expected", "words"),
    [
        ("一、本年新收政府信息公开申请数量", (1, 1), "本年新收政府信息公开申请数量"),
        ("（三）不予公开", (2, 3), "不予公开"),
        ("（ 三 ）不予公开", (2, 3), "不予公开"),
        ("2.其他法律行政法规禁止公开", (3, 2), "其他法律行政法规禁止公开"),
        ("2其他", (3, 2), "其他"),
        ("2 其 他", (3, 2), "其他"),
        ("（1）具体办法", (4, 1), "具体办法"),
        ("①组织机构类", (5, 1), "组织机构类"),
        ("7730.28", None, "7730.28"),
        ("总 计", None, "总计"),
    ],
)
def test_labels_ask_the_parser_with_bare_digits(
    label: str, expected: tuple[int, int] | None, words: str
) -> None:
    assert numbering(label) == expected
    assert strip_numbering(label) == words


def test_after_numbering() -> None:
    assert after_numbering("（二）主动公开") == "主动公开"
    assert after_numbering("2其他") == "2其他"
    assert after_numbering("2其他", bare_digits=True) == "其他"
    assert after_numbering("总计") == "总计"


def test_numbered_headings_are_found_inside_a_line() -> None:
    # the headings as the forms print them; found under any level-1 numbering
    pattern = numbered_headings(["一、总体情况", "二、主动公开政府信息情况"])
    line = "前言。一、总体情况 本机关…… 二 、主 动公开政府信息情况 本年……"
    assert [m.group() for m in pattern.finditer(line)] == [
        "一、总体情况",
        "二 、主 动公开政府信息情况",
    ]
    assert pattern.search("一是总体情况") is None


def test_a_labels_numbering_counts_for_or_against_a_form_row() -> None:
    assert numbering_agreement(numbering("（三）不予公开"), "（三）") == 0.25
    assert numbering_agreement(numbering("（四）无法提供"), "（三）") == -0.25
    assert numbering_agreement(numbering("2其他"), "2.") == 0.25  # the dot lost in extraction
    assert numbering_agreement(numbering("不予公开"), "（三）") == 0.0
    assert numbering_agreement(numbering("（三）不予公开"), None) == 0.0
