"""Traditional Chinese script to Simplified, character for character, by OpenCC.

Reports reach users converted to Traditional script (總計, 規範性檔案, 許可); every comparison
with the forms' labels is made in Simplified. The conversion keeps the text's length, so that
offsets found in converted text are offsets in the original: OpenCC's `t2s` (characters and its
standard phrases), and, where a phrase would change the length, character by character.
OpenCC's regional phrase tables (`tw2sp`) are not used: they also turn the mainland's own 文件
into 文档.
"""

from __future__ import annotations

from functools import lru_cache

import opencc

_TO_SIMPLIFIED = opencc.OpenCC("t2s")


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
