"""The one number parser (`nianbao.text.numbers`): figures as printed in cells and sentences."""

from __future__ import annotations

import pytest

from nianbao.text.numbers import (
    MAX_DIGITS,
    chinese_digits,
    chinese_number,
    is_figure,
    is_number,
    is_value,
    number_value,
    parse_value,
    trailing_figures,
)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("0", 0, None),
        ("7730.28", 7730.28, None),
        ("1,234", 1234, None),
        ("12,345,678.5", 12345678.5, None),
        ("-3", -3, None),
        ("+ 4", 4, None),
        ("1 234", 1234, None),  # spaced out by PDF extraction
        ("７７３０．２８", 7730.28, None),  # full-width
        ("251000元", 251000, "元"),
        ("5.5万元", 5.5, "万元"),
        ("5萬元", 5, "万元"),  # Traditional
        ("12 人次", 12, "人次"),
        ("3人", 3, "人"),
        ("80%", 80, "%"),
        ("22（其中修订16件）", 22, None),
        ("22件（其中修订16件）", 22, "件"),
        ("1234,567", 1234, None),  # a comma after four digits is not a thousands separator
    ],
)
def test_figures_as_printed(text: str, value: float, unit: str | None) -> None:
    parsed = parse_value(text)
    assert (parsed.value, parsed.unit, parsed.numeric) == (value, unit, True)
    assert type(parsed.value) is type(value)
    assert is_number(text)


@pytest.mark.parametrize(
    "text", ["", "  ", "-", "－", "—", "/", "--", "\\", "无", "不适用", "×", "x"]
)
def test_blank_and_not_applicable_are_no_value_but_belong_in_a_value_column(text: str) -> None:
    parsed = parse_value(text)
    assert (parsed.value, parsed.numeric, parsed.figure) == (None, True, False)
    assert not is_number(text)
    assert is_value(text)
    assert not is_figure(text)


@pytest.mark.parametrize("text", ["总计", "自然人", "（一）予以公开", "abc"])
def test_words_are_not_numbers(text: str) -> None:
    parsed = parse_value(text)
    assert (parsed.value, parsed.numeric) == (None, False)
    assert not is_number(text) and not is_figure(text) and not is_value(text)


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("12", True),
        ("7730.28", True),
        ("251000元", True),
        ("22（其中修订16件）", True),
        ("22 （其中修订16件）", True),
        ("1.属于国家秘密", False),  # starts with a number, but a label
        ("2其他", False),
        ("12.", False),
        ("3件5件", False),
        ("22（其中（修订）16件）", False),  # one plain note only
    ],
)
def test_a_figure_is_the_whole_text(text: str, figure: bool) -> None:
    assert is_figure(text) is figure
    assert is_value(text) is figure


def test_a_label_starting_with_a_digit_starts_with_a_number() -> None:
    # `is_number` tells data from headers by the first characters; `is_figure` by the whole text
    assert is_number("1.属于国家秘密") and not is_figure("1.属于国家秘密")


def test_more_digits_than_any_count_are_no_number_and_do_not_raise() -> None:
    # int() refuses 4,301 digits; a count never has more than MAX_DIGITS before the point
    long = "9" * 4301
    parsed = parse_value(long)
    assert (parsed.value, parsed.numeric) == (None, False)
    assert parse_value("9" * MAX_DIGITS).value == int("9" * MAX_DIGITS)
    assert number_value("9" * (MAX_DIGITS + 1)) is None
    assert is_figure(long)  # still shaped like a figure, for the table rebuilders


@pytest.mark.parametrize(
    ("printed", "value"), [("142", 142), ("1,234", 1234), ("0.5", 0.5), ("12.", 12.0)]
)
def test_number_value(printed: str, value: float) -> None:
    assert number_value(printed) == value
    assert type(number_value(printed)) is type(value)


def test_chinese_numerals() -> None:
    assert [chinese_number(t) for t in ("一", "十", "十二", "二十", "九十九", "百", "")] == [
        1,
        10,
        12,
        20,
        99,
        None,
        None,
    ]
    assert chinese_digits("二〇一八") == "2018"


@pytest.mark.parametrize(
    ("text", "words", "figures"),
    [
        ("（七）总计 3 0 3", "（七）总计", ["3", "0", "3"]),
        ("1.属于国家秘密\t4\t0", "1.属于国家秘密", ["4", "0"]),
        ("五、事业收入 1,205.46 - /", "五、事业收入", ["1,205.46", "-", "/"]),
        ("总计", "总计", []),
        ("2017年 共收到", "2017年 共收到", []),
    ],
)
def test_trailing_figures(text: str, words: str, figures: list[str]) -> None:
    assert trailing_figures(text) == (words, figures)
