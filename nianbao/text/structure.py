"""Blocks from lines: the title, headings with their depth, paragraphs, numbered items, tables.

Depth comes from the numbering (see `nianbao.text.numbering`). A numbered line that reads
like a heading (short, no sentence punctuation) is a heading; a numbered line that goes on as
prose is a list item of that depth. A numbered line that ends in a row of figures is a table's
row whose grid was lost: a paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nianbao.schemas.model import Block, LineOrigin, Table
from nianbao.text.numbering import numbering_level
from nianbao.text.numbers import trailing_figures
from nianbao.text.tables import FoundTable, Line

_SENTENCE_END = re.compile(r"[。；;！？!?]")
_HEADING_MAX = 50
_TITLE = re.compile(r"(?:政府信息公开|政务公开|信息公开).*(?:报告|工作)$|年度报告$")
_TITLE_WINDOW = 8  # non-blank lines at the top where a title may stand


def build_blocks(
    lines: Sequence[Line], found: Sequence[FoundTable]
) -> tuple[list[Block], list[Table], str | None]:
    """Blocks in reading order, the tables they point to, and the document's title."""
    tables_at = {f.start: f for f in found}
    captions = {f.caption for f in found if f.caption is not None}
    title_span = _title_span(lines, stop=min([f.start for f in found], default=len(lines)))
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
        if _TITLE.search(text):
            following = _next_nonblank(lines, i + 1, stop)
            if (
                following is not None
                and "报告" not in text
                and re.fullmatch(r"(?:年度)?(?:工作)?报告", lines[following].text.strip())
            ):
                return i, following
            return i, i
    return None


def _next_nonblank(lines: Sequence[Line], start: int, stop: int) -> int | None:
    return next((j for j in range(start, min(stop, len(lines))) if lines[j].text.strip()), None)


def _origin(lines: Sequence[Line], first: int, last: int) -> LineOrigin:
    return LineOrigin(line_start=lines[first].number, line_end=lines[last].number)
