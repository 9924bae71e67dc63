"""Numbers from cells as printed: `0`, `7730.28`, `251000元`, `22（其中修订16件）`, `-`.

A blank cell is not 0 and `-` or `/` (not applicable) is not 0 either: both give `None`, and the
printed text is kept by the caller as the figure's `raw`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nianbao.convert.annual_report.labels import fold

_NUMBER = re.compile(r"^([+-]?)\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
_UNIT = re.compile(r"^\s*(万元|亿元|元|件|条|宗|个|次|人次|人|项|篇|期|份|家|户|%)")
#: No count or amount in these reports has more digits before the point (万元 amounts reach
#: eleven); a longer run is damage or concatenation, and as a float it would lose digits.
MAX_DIGITS = 15
_NOT_APPLICABLE = frozenset({"-", "/", "--", "\\", "无", "不适用", "—", "×", "x"})


@dataclass(frozen=True)
class Parsed:
    value: int | float | None
    unit: str | None
    #: False when the text is neither blank, a not-applicable mark, nor starts with a number.
    numeric: bool


@lru_cache(maxsize=65536)  # a report's cells are read by several readers; values repeat
def parse_value(text: str) -> Parsed:
    folded = fold(text).strip()
    squeezed = re.sub(r"\s+", "", folded)
    if not squeezed or squeezed in _NOT_APPLICABLE:
        return Parsed(None, None, numeric=True)
    match = _NUMBER.match(squeezed)
    if not match:
        return Parsed(None, None, numeric=False)
    sign, digits, decimals = match.groups()
    number_text = digits.replace(",", "")
    if len(number_text) > MAX_DIGITS:
        return Parsed(None, None, numeric=False)  # not a count or an amount: kept as raw text
    value: int | float
    value = float(number_text + decimals) if decimals else int(number_text)
    if sign == "-":
        value = -value
    unit_match = _UNIT.match(squeezed[match.end() :])
    return Parsed(value, unit_match.group(1) if unit_match else None, numeric=True)


def is_number(text: str) -> bool:
    """A cell that holds a number (blank and `-` do not count): tells data from headers."""
    return parse_value(text).value is not None
