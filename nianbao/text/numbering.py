"""The numbering Chinese official documents put before headings and table labels, by depth::

一、  →  1      （一） →  2      1. / 1、 →  3      （1） →  4      ① →  5

`parse_numbering` is the one reader of it; everything that asks "is this numbered, how deep,
which number, where do its words start" asks it. The marks are read in either width (`（一）`
and `(一)`, `1．` and `1.`), with spaces inside them (`一 、`, `( 2 )`), after leading spaces.

A figure is not numbering: `7730.28` and `1、2月` go on with a digit after the mark, so they are
not numbered (a digit's mark is never followed by a digit). `2017年` is not numbered either: a
digit run straight into words is numbering only when the caller says so (`bare_digits`, below).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from nianbao.text.numbers import chinese_number

_CHINESE = "[一二三四五六七八九十]{1,3}"
_DIGITS = r"\d{1,2}"
_MARK = "[、.．,，]"  # after 一 and after 1: the full stop, the enumeration comma, the comma
_OPEN, _CLOSE = "[（(]", "[）)]"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

#: The level-1 mark, also for finding headings inside a line (`numbered_headings`).
_LEVEL_ONE = rf"{_CHINESE}\s*{_MARK}"
_LEVELS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"\s*({_CHINESE})\s*{_MARK}")),
    (2, re.compile(rf"\s*{_OPEN}\s*({_CHINESE})\s*{_CLOSE}")),
    (3, re.compile(rf"\s*({_DIGITS})\s*{_MARK}(?!\s*\d)")),
    (4, re.compile(rf"\s*{_OPEN}\s*({_DIGITS})\s*{_CLOSE}")),
    (5, re.compile(rf"\s*([{_CIRCLED}])")),
)
# `2其他`: digits straight into a word, read as level 3 only with `bare_digits`.
_BARE_DIGITS = re.compile(rf"\s*({_DIGITS})\s*(?=[\u4e00-\u9fff])")


@dataclass(frozen=True)
class Numbering:
    """The numbering a text starts with: `（三）工作措施` is level 2, number 3, words from 3."""

    level: int
    number: int
    end: int  # where the text's own words start, after the mark (and the spaces around it)


def parse_numbering(text: str, *, bare_digits: bool = False) -> Numbering | None:
    """The numbering `text` starts with, or None.

    `bare_digits=True` also reads one or two digits straight before a word as level 3
    (`2其他` is 2.其他): text extracted from a PDF drops the small dot of a table's row label.
    Only a caller that knows it holds a row label (matched against a form's rows, where the
    number is one clue among several) asks for it. In running text the same shape is a date or
    a count (`12月`, `3件`), so headings and the table rebuilders keep the default.
    """
    for level, pattern in _LEVELS:
        match = pattern.match(text)
        if match:
            return Numbering(level, _number(match.group(1)), _words_start(text, match.end()))
    if bare_digits:
        match = _BARE_DIGITS.match(text)
        if match:
            return Numbering(3, int(match.group(1)), match.end())
    return None


def numbering_level(text: str) -> int | None:
    """The depth of the numbering `text` starts with (1 to 5), or None if it starts with none."""
    found = parse_numbering(text)
    return found.level if found is not None else None


def after_numbering(text: str, *, bare_digits: bool = False) -> str:
    """`text` from where its words start: without the numbering it starts with, if any."""
    found = parse_numbering(text, bare_digits=bare_digits)
    return text[found.end :] if found is not None else text


def numbered_headings(headings: Iterable[str]) -> re.Pattern[str]:
    """Any level-1 numbering followed by the words of one of `headings` (`一、总体情况`;
    spaces allowed between their characters), to be found anywhere in a line: the headings of
    a body printed on one line."""
    bodies = sorted({after_numbering(h) for h in headings}, key=len, reverse=True)
    spaced = (r"\s*".join(map(re.escape, body)) for body in bodies)
    return re.compile(rf"{_LEVEL_ONE}\s*(?:" + "|".join(spaced) + ")")


def _number(token: str) -> int:
    if token in _CIRCLED:
        return _CIRCLED.index(token) + 1
    return int(token) if token.isdigit() else (chinese_number(token) or 0)


def _words_start(text: str, end: int) -> int:
    while end < len(text) and text[end].isspace():
        end += 1
    return end
