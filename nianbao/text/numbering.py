"""The numbering Chinese official documents use for headings and table labels, by depth::

一、  →  1      （一） →  2      1. / 1、 →  3      （1） →  4      ① →  5
"""

from __future__ import annotations

import re

_NUMBERING: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"^[一二三四五六七八九十]{1,3}[、.．]"), 1),
    (re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]"), 2),
    # `1.` but not `7730.28`: a digit after the dot makes it a number, not numbering.
    (re.compile(r"^\d{1,2}(?:[、．]|\.(?!\d))"), 3),
    (re.compile(r"^[（(]\d{1,2}[）)]"), 4),
    (re.compile(r"^[①-⑳]"), 5),
)


def numbering_level(text: str) -> int | None:
    """The depth of the numbering `text` starts with, or None if it starts with none."""
    stripped = text.lstrip()
    return next((level for pattern, level in _NUMBERING if pattern.match(stripped)), None)
