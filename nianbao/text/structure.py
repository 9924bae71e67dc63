"""Blocks from lines: the title, headings with their depth, paragraphs, numbered items, tables.

Depth comes from the numbering (see `nianbao.text.numbering`). A numbered line that reads
like a heading (short, no sentence punctuation) is a heading; a numbered line that goes on as
prose is a list item of that depth. A numbered line that ends in a row of figures is a table's
row whose grid was lost: a paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from nianbao.forms import FORMS
from nianbao.schemas.model import Block, LineOrigin, Table
from nianbao.text.numbering import numbering_level
from nianbao.text.numbers import trailing_figures
from nianbao.text.script import fold
from nianbao.text.tables import FoundTable, Line

_SENTENCE_END = re.compile(r"[。；;！？!?]")
_HEADING_MAX = 50
_TITLE_WINDOW = 8  # non-blank lines at the top where a title may stand
#: Lines at the top where a page's navigation, its title and the report's first chapter stand.
_PRINTED_TITLE_REACH = 400
_YEAR_NAMED = re.compile(r"((?:19|20)\d{2})\s*年")


def build_blocks(
    lines: Sequence[Line], found: Sequence[FoundTable]
) -> tuple[list[Block], list[Table], str | None]:
    """Blocks in reading order, the tables they point to, and the document's title."""
    tables_at = {f.start: f for f in found}
    captions = {f.caption for f in found if f.caption is not None}
    stop = min([f.start for f in found], default=len(lines))
    title_span = _title_span(lines, stop=stop) or _printed_title(lines, stop=stop)
    blocks: list[Block] = []
    tables: list[Table] = []
    title: str | None = None

    i = 0
    while i < len(lines):
        if i in tables_at:
            table = tables_at[i].table
            blocks.append(
                Block(
                    kind="table", text=table.caption or "", table=len(tables), origin=table.origin
                )
            )
            tables.append(table)
            i = tables_at[i].end
            continue
        text = lines[i].text.strip()
        if title_span and i == title_span[0]:
            first, last = title_span
            title = "".join(lines[j].text.strip() for j in range(first, last + 1))
            blocks.append(Block(kind="title", text=title, origin=_origin(lines, first, last)))
            i = last + 1
            continue
        if text and i not in captions:
            blocks.append(_text_block(text, _origin(lines, i, i)))
        i += 1
    return blocks, tables, title


def _text_block(text: str, origin: LineOrigin) -> Block:
    level = numbering_level(text)
    if level is None:
        return Block(kind="paragraph", text=text, origin=origin)
    if _is_table_row(text):
        return Block(kind="paragraph", text=text, origin=origin)  # a table row, its grid lost
    if len(text) <= _HEADING_MAX and not _SENTENCE_END.search(text.rstrip("。")):
        return Block(kind="heading", text=text, level=level, origin=origin)
    return Block(kind="list_item", text=text, level=level, origin=origin)


def _is_table_row(text: str) -> bool:
    """A numbered line whose words end in two or more figures is a table's row printed as text
    (a row label numbered `1.`, then `4 0 0 0 0 0 4`), not a heading."""
    words, figures = trailing_figures(text)
    return len(figures) >= 2 and bool(words) and not words[-1].isdecimal()


def _title_span(lines: Sequence[Line], *, stop: int) -> tuple[int, int] | None:
    """The title's first and last line: `…政府信息公开工作` may continue as `年度报告` below."""
    seen = 0
    for i in range(min(stop, len(lines))):
        text = lines[i].text.strip()
        if not text:
            continue
        seen += 1
        if seen > _TITLE_WINDOW or numbering_level(text) is not None:
            return None
        if _SENTENCE_END.search(text) or len(text) > _HEADING_MAX:
            continue
        if FORMS.titles.line.search(text):
            following = _next_nonblank(lines, i + 1, stop)
            if (
                following is not None
                and "报告" not in text
                and re.fullmatch(r"(?:年度)?(?:工作)?报告", lines[following].text.strip())
            ):
                return i, following
            return i, i
    return None


def _printed_title(lines: Sequence[Line], *, stop: int) -> tuple[int, int] | None:
    """The report's title below the top, where a page's navigation comes first (a browser's
    print of a portal page): a line that is all of one of the forms' `report_titles`, before
    the report's body (its first chapter heading, or its first table). Taken only when it is
    certainly the report's: the titles printed there name one year (a sidebar listing other
    years' reports names several), and it is the year the body names most (another year's
    report, linked above the body, is not of this one's year)."""
    reach = min(stop, _PRINTED_TITLE_REACH)
    body = next((i for i in range(reach) if _is_chapter_heading(lines[i].text)), stop)
    if body > reach or body >= len(lines):
        return None  # no chapter heading or table near the top: no body the title could head
    titles = [
        (i, year)
        for i in range(body)
        if len(text := lines[i].text.strip()) <= _HEADING_MAX
        and "年" in text  # every title names its year so; the folding below is dearer
        and (year := _report_title_year(text)) is not None
    ]
    if len({year for _, year in titles}) != 1:
        return None
    # The page's title, then the report's own heading, may both stand there: the first is the
    # page's, as its meta tags state it.
    first, year = titles[0]
    # Not folded, for speed over a long report: a year in full-width figures is not counted,
    # and a report that writes its years only so keeps no title rather than a wrong one.
    named = Counter(
        int(match.group(1))
        for line in lines[titles[-1][0] + 1 :]
        for match in _YEAR_NAMED.finditer(line.text)
    )
    most = max(named.values(), default=0)
    return (first, first) if most and named[year] == most else None


def _report_title_year(text: str) -> int | None:
    """The year reported on when `text` is all a report's title (one of the forms'
    `report_titles`), else None."""
    folded = re.sub(r"\s+", "", fold(text))
    for pattern in FORMS.report_titles:
        match = pattern.match(folded)
        if match is not None:
            return int(match.group("year"))
    return None


def _is_chapter_heading(text: str) -> bool:
    text = text.strip()
    return (
        numbering_level(text) == 1
        and len(text) <= _HEADING_MAX
        and not _SENTENCE_END.search(text.rstrip("。"))
    )


def _next_nonblank(lines: Sequence[Line], start: int, stop: int) -> int | None:
    return next((j for j in range(start, min(stop, len(lines))) if lines[j].text.strip()), None)


def _origin(lines: Sequence[Line], first: int, last: int) -> LineOrigin:
    return LineOrigin(line_start=lines[first].number, line_end=lines[last].number)
