"""`text.*` figures from sentences: 主动公开政府信息142条, 收到依申请公开信息3宗, 信息处理费0元.

The first statement wins, looked for first in the section it belongs to and then in the whole
report, because the overview usually states the total before the breakdowns that follow.
A clause about one channel (微信公众号, 微博, 头条…) is not the report's total and is passed over.
Origins are the sentence that states the figure; `labels.fold` keeps offsets unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nianbao.convert.annual_report import canon
from nianbao.convert.annual_report.labels import fold
from nianbao.convert.model import Document, Figure, TextSpanOrigin

_N = r"(\d[\d,]*(?:\.\d+)?)"
_GAP = r"[^，,。；;：:]"  # characters within one clause

_PROACTIVE = re.compile(
    rf"主动公开(?:的)?(?:各类)?(?:政府)?信息(?:公开)?(?:数量|数|总数|总量)?"
    rf"(?:为|达|共|共计|合计|累计|总计|达到)?\s*{_N}\s*(条|篇|件)"
)
_RECEIVED = re.compile(
    rf"(?:收到|受理|接到|接收|办理)(?:了)?{_GAP}{{0,14}}?申请{_GAP}{{0,10}}?"
    rf"(?:共|共计|合计|为)?\s*{_N}\s*(件|宗|个|份|条|次)"
)
_FEES = re.compile(rf"(?:信息处理费|检索、复制、邮寄等(?:成本)?费用){_GAP}{{0,6}}?{_N}\s*(万元|元)")
_CHANNEL = re.compile(r"微信|微博|公众号|头条|抖音|客户端|公众平台|视频号")
_SENTENCE_END = "。；;!！?？\n"


@dataclass(frozen=True)
class _Rule:
    key: str
    pattern: re.Pattern[str]
    section: canon.SectionKey


_RULES = (
    _Rule(canon.TEXT_PROACTIVE_ITEMS, _PROACTIVE, "proactive"),
    _Rule(canon.TEXT_APPLICATIONS_RECEIVED, _RECEIVED, "applications"),
    _Rule(canon.TEXT_FEES_YUAN, _FEES, "applications"),
)


def prose_figures(
    document: Document, sections: dict[canon.SectionKey, tuple[int, int]]
) -> dict[str, Figure]:
    """The `text.*` figures the report states, each from its first statement."""
    figures: dict[str, Figure] = {}
    texts = [fold(block.text) if block.kind != "table" else "" for block in document.blocks]
    for rule in _RULES:
        order = _block_order(len(texts), sections.get(rule.section))
        found = _first(document, texts, order, rule.pattern)
        if found is not None:
            figures[rule.key] = found
    return figures


def _block_order(n: int, section: tuple[int, int] | None) -> list[int]:
    first = list(range(section[0], section[1] + 1)) if section else []
    return first + [i for i in range(n) if i not in set(first)]


def _first(
    document: Document, texts: Sequence[str], order: Sequence[int], pattern: re.Pattern[str]
) -> Figure | None:
    for index in order:
        text = texts[index]
        for match in pattern.finditer(text):
            clause_start = max(text.rfind(c, 0, match.start()) for c in "，,。；;：:\n") + 1
            if _CHANNEL.search(text, clause_start, match.start()):
                continue
            start = max(text.rfind(c, 0, match.start()) for c in _SENTENCE_END) + 1
            ends = [i for c in _SENTENCE_END if (i := text.find(c, match.end())) >= 0]
            end = min(ends) + 1 if ends else len(text)
            number = match.group(1).replace(",", "")
            value: int | float = float(number) if "." in number else int(number)
            return Figure(
                value=value,
                raw=document.blocks[index].text[match.start() : match.end()],
                unit=match.group(2),
                source="text",
                origin=TextSpanOrigin(block=index, start=start, end=end),
            )
    return None
