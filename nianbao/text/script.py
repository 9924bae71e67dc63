"""Traditional Chinese script to Simplified, character for character, by OpenCC.

Reports reach users converted to Traditional script (總計, 規範性檔案, 許可); every comparison
with the forms' labels is made in Simplified. The conversion keeps the text's length, so that
offsets found in converted text are offsets in the original: OpenCC's `t2s` (characters and its
standard phrases), and, where a phrase would change the length, character by character.
OpenCC's regional phrase tables (`tw2sp`) are not used: they also turn the mainland's own 文件
into 文档.

`fold` goes further, for comparing and parsing what was printed: full-width ASCII to half-width,
Traditional to Simplified, every dash to `-`, still one character for one. `ascii_digits` folds
only the full-width digits, which are digits wherever they are printed.
"""

from __future__ import annotations

from functools import lru_cache

import opencc

_TO_SIMPLIFIED = opencc.OpenCC("t2s")
_ASCII_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_DASHES = {ord(c): "-" for c in "－—–−‐‑"}
_SPACE = {0x3000: " ", 0xA0: " "}


def simplified(text: str) -> str:
    """`text` in Simplified script, the same length."""
    if text.isascii():
        return text
    converted: str = _TO_SIMPLIFIED.convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_one_character(c) for c in text)


@lru_cache(maxsize=4096)
def _one_character(char: str) -> str:
    converted: str = _TO_SIMPLIFIED.convert(char)
    return converted if len(converted) == 1 else char


def ascii_digits(text: str) -> str:
    """Full-width digits (０-９) as the ASCII digits they are; the same length as `text`."""
    return text.translate(_ASCII_DIGITS)


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Half-width ASCII, Simplified script, one kind of dash; the same length as `text`."""
    half = "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in text)
    return simplified(half).translate(_DASHES).translate(_SPACE)
