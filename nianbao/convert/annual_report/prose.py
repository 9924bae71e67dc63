"""`text.*` figures from sentences: 主动公开政府信息142条, 收到依申请公开信息3宗, 信息处理费0元.

The figures and their patterns are in `nianbao/forms/prose.toml`. The first statement wins,
looked for first in the section it belongs to and then in the whole report, because the overview
usually states the total before the breakdowns that follow. A clause about one channel (微信公众号,
微博, 头条…) is not the report's total and is passed over. Origins are the sentence that states the
figure; `fold` (`nianbao.text.script`) keeps offsets unchanged.

A figure is the year's only when its sentence does not say otherwise: a cumulative (历年累计受理
申请26条), last year's (上年) or a change (同比增长) is not the year's figure and is not read; the
next statement is looked for instead. The words are `qualifiers` in `prose.toml`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nianbao.convert.annual_report.labels import core
from nianbao.forms import FORMS, SectionKey
from nianbao.schemas.model import Diagnostic, Document, Figure, Indicator, TextSpanOrigin
from nianbao.text.numbers import number_value
from nianbao.text.script import fold

_CHANNEL = re.compile("|".join(map(re.escape, FORMS.channel_words)))
_SENTENCE_END = "。；;!！?？\n"
_CLAUSE_END = "，,。；;：:\n"
_QUALIFIERS = {
    scope: re.compile(
        "|".join(
            re.escape(word)
            for qualifier in FORMS.prose_qualifiers
            if qualifier.scope == scope
            for word in qualifier.words
        )
        or "(?!)"  # no words: matches nothing
    )
    for scope in ("clause", "sentence")
}


def prose_figures(
    document: Document, sections: dict[SectionKey, tuple[int, int]], template: str | None
) -> dict[str, Figure]:
    """The `text.*` figures the report states, each from its first statement."""
    figures: dict[str, Figure] = {}
    texts = [fold(block.text) if block.kind != "table" else "" for block in document.blocks]
    reads_none = template in FORMS.prose_none_forms
    for rule in FORMS.prose:
        order = _block_order(len(texts), sections.get(rule.section))
        nones = rule.none_patterns if reads_none else ()
        found = _first(document, texts, order, rule.patterns, nones)
        if found is not None:
            figures[rule.key] = found
    return figures


def _block_order(n: int, section: tuple[int, int] | None) -> list[int]:
    first = range(section[0], section[1] + 1) if section else range(0)
    return [*first, *(i for i in range(n) if i not in first)]  # `in` a range: no scan


def _first(
    document: Document,
    texts: Sequence[str],
    order: Sequence[int],
    patterns: Sequence[re.Pattern[str]],
    none_patterns: Sequence[re.Pattern[str]],
) -> Figure | None:
    for index in order:
        text = texts[index]
        matches = sorted(
            [(m, False) for pattern in patterns for m in pattern.finditer(text)]
            + [(m, True) for pattern in none_patterns for m in pattern.finditer(text)],
            key=lambda found: found[0].start(),
        )
        for match, says_none in matches:
            clause_start = max(text.rfind(c, 0, match.start()) for c in _CLAUSE_END) + 1
            if _CHANNEL.search(text, clause_start, match.start()):
                continue
            start = max(text.rfind(c, 0, match.start()) for c in _SENTENCE_END) + 1
            figure_at = match.start() if says_none else match.start(1)
            if _not_the_years(text, clause_start, start, figure_at):
                continue
            ends = [i for c in _SENTENCE_END if (i := text.find(c, match.end())) >= 0]
            end = min(ends) + 1 if ends else len(text)
            value = 0 if says_none else number_value(match.group(1))
            if value is None:
                continue  # not a count: damage, or digits run together
            return Figure(
                value=value,
                raw=document.blocks[index].text[match.start() : match.end()],
                unit=None if says_none else match.group(2),
                source="text",
                origin=TextSpanOrigin(block=index, start=start, end=end),
            )
    return None


def _not_the_years(text: str, clause_start: int, sentence_start: int, number: int) -> bool:
    """Whether the words before the figure make it a cumulative, last year's or a change."""
    return bool(
        _QUALIFIERS["clause"].search(text, clause_start, number)
        or _QUALIFIERS["sentence"].search(text, sentence_start, number)
    )


def prose_against_table(
    figures: dict[str, Figure], indicators: Sequence[Indicator], diagnostics: list[Diagnostic]
) -> None:
    """A sentence's figure that the 统计表 states otherwise is said to: the table's stands."""
    for rule in FORMS.prose:
        said = figures.get(rule.key)
        wanted = {core(label) for label in rule.table_labels}
        row = next((i for i in indicators if core(i.label) in wanted), None)
        if said is None or row is None or row.value is None or row.value == said.value:
            continue
        diagnostics.append(
            Diagnostic(
                code="prose.disagrees",
                severity="warning",
                message=f"the text says {said.raw} ({rule.key}), the 统计表's {row.label} "
                f"says {row.value}: the table's figure stands",
                origin=said.origin,
            )
        )
