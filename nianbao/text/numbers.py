"""Numbers as printed in the reports' cells and sentences, and Chinese numerals.

A figure is printed as `0`, `7730.28`, `1,234`, `-3`, `251000元`, `22（其中修订16件）`: a sign,
digits with thousands separators, a decimal part, a unit, a bracketed note. Full-width and
Traditional forms read the same (`７７３０．２８`, `5萬元`), and so does a number spaced out by
PDF extraction (`1 234`).

A blank cell is not 0, and a not-applicable mark (`-`, `/`, `无`, `不适用`) is not 0 either: both
give the value None, and the caller keeps the printed text as the figure's `raw`.

`parse_value` is the one reader; `is_number` (the text starts with a number: tells data from
headers), `is_figure` (the whole text is one figure: tells a value cell from a label when a table
is rebuilt from text) and `is_value` (a figure, a mark or nothing: what a value column holds)
are its answers to the questions callers ask. `number_value` reads digits a pattern has already
found (the prose figures), `trailing_figures` the row of figures a flattened row ends with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nianbao.text.script import fold

#: No count or amount in these reports has more digits before the point (万元 amounts reach
#: eleven); a longer run is damage or concatenation, and as a float it would lose digits.
MAX_DIGITS = 15

# Thousands separators only in threes after one to three digits: `1234,567` is two figures run
# together (1234, then the rest), not 1234567.
_NUMBER = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
_UNITS = (
    "万元",
    "亿元",
    "元",
    "人次",
    *"件条宗个次人项篇期份家户起场批天套",
    "%",
    "‰",
)
_UNIT = re.compile("|".join(map(re.escape, _UNITS)))
# The figures of a table's row printed as text after its label, one space or more before each
# (`1.公开办法 4 0 0 0`): digits and what stands among them, a decimal point, a thousands
# separator, a sign, `/` and `-` for not applicable.
_TRAILING_FIGURES = re.compile(r"(?:\s+[\d.,\-/]+)+$")
_NOTE = re.compile(r"\([^()]*\)")  # 22（其中修订16件）: one note, after the unit
# What stands in a value cell for "nothing to report", after `fold` (every dash is `-` by then).
_NOT_APPLICABLE = re.compile(r"[-/\\─―~…]+|无|不适用|×|x")
_WHITESPACE = re.compile(r"\s+")

_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0}


@dataclass(frozen=True)
class Parsed:
    value: int | float | None
    unit: str | None
    #: False when the text is neither blank, a not-applicable mark, nor starts with a number.
    numeric: bool
    #: True when the whole text is one figure: its number (however many digits), its unit and
    #: one bracketed note, nothing else.
    figure: bool


_NOTHING = Parsed(None, None, numeric=True, figure=False)  # blank, or not applicable


@lru_cache(maxsize=65536)  # a report's cells are read by several readers; values repeat
def parse_value(text: str) -> Parsed:
    """What the printed `text` says as a number. Spaces inside it are ignored (`1 234`)."""
    squeezed = _WHITESPACE.sub("", fold(text))
    if not squeezed or _NOT_APPLICABLE.fullmatch(squeezed):
        return _NOTHING
    match = _NUMBER.match(squeezed)
    if not match:
        return Parsed(None, None, numeric=False, figure=False)
    sign, digits, decimals = match.groups()
    unit = _UNIT.match(squeezed, match.end())
    end = unit.end() if unit else match.end()
    figure = end == len(squeezed) or _NOTE.fullmatch(squeezed, end) is not None
    value = number_value(digits + (decimals or ""))
    if value is None:
        return Parsed(None, None, numeric=False, figure=figure)  # not a count: kept as raw text
    signed = -value if sign == "-" else value
    return Parsed(signed, unit.group() if unit else None, numeric=True, figure=figure)


def number_value(printed: str) -> int | float | None:
    """The value of digits as printed (`1,234`, `7730.28`); None past `MAX_DIGITS`."""
    whole, point, decimals = printed.replace(",", "").partition(".")
    if len(whole) > MAX_DIGITS:
        return None
    return float(whole + point + decimals) if point else int(whole)


def is_number(text: str) -> bool:
    """A cell that starts with a number (blank and `-` do not count): tells data from headers."""
    return parse_value(text).value is not None


def is_figure(text: str) -> bool:
    """The whole `text` is one figure: `12`, `7730.28`, `251000元`, `22（其中修订16件）`."""
    return parse_value(text).figure


def is_value(text: str) -> bool:
    """Anything that belongs in a value column: a figure, a not-applicable mark, or nothing."""
    parsed = parse_value(text)
    return parsed.figure or parsed == _NOTHING


def trailing_figures(text: str) -> tuple[str, list[str]]:
    """`text` as its words and the figures printed after them: `（七）总计 3 0 3` →
    (`（七）总计`, [`3`, `0`, `3`]); (`text`, []) when it ends in none."""
    match = _TRAILING_FIGURES.search(text)
    if match is None:
        return text, []
    return text[: match.start()], match.group().split()


def chinese_number(text: str) -> int | None:
    """一 .. 九十九 as an int; None for anything else."""
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        value = 0
        for c in text:
            value = value * 10 + _CN_DIGITS[c]
        return value
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def chinese_digits(text: str) -> str:
    """二〇一八 -> 2018: the digit-by-digit way years are written."""
    return "".join(str(_CN_DIGITS[c]) if c in _CN_DIGITS else c for c in text)
