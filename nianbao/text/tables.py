"""Rebuild tables that text extraction flattened.

Three flattened shapes are recognised, each named by its `Table.method`:

- pipe-rows: one cell per line as `text |`, extra pipes padding each row to the table width;
- tab-cells: one cell per tab-prefixed line, rows separated by blank lines (or one row per
  line with tab-separated cells);
- cell-per-line: after a caption, one short cell per line, the width found from which columns
  hold numbers.

Detection is conservative: prose and headings must stay paragraphs, so a shape is only taken
when its structural signal (pipes, tabs, or a caption followed by numeric cells) is present.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from nianbao.schemas.model import Diagnostic, LineOrigin, Table, TableMethod
from nianbao.text.numbering import numbering_level
from nianbao.text.numbers import is_figure, is_value
from nianbao.text.table_spans import Layout, RawCell, layout_pipe_rows, left_to_right


@dataclass(frozen=True)
class Line:
    """One line of the decoded, normalised text: spaces unified, tabs kept, not stripped."""

    number: int  # 1-based line number in the decoded input
    text: str


@dataclass
class FoundTable:
    """A table rebuilt from `lines[start:end]`; `caption` indexes the caption line, if any."""

    start: int
    end: int
    table: Table
    caption: int | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)


# How much we trust each shape when nothing had to be guessed; every guess costs AMBIGUITY_COST.
_BASE_CONFIDENCE: dict[TableMethod, float] = {
    "pipe-rows": 0.95,
    "tab-cells": 0.9,
    "cell-per-line": 0.8,
    "markdown": 0.9,
}
AMBIGUITY_COST = 0.15
FALLBACK_COST = 0.3
MIN_CONFIDENCE = 0.1
MAX_CELL_CHARS = 25  # longer single lines are prose, not cells
# Bounds on what damaged or hostile text can make of its tables (see `_bounded`).
MAX_ROW_CHARS = 4000
MAX_TABLE_TEXT = 64 * 1024
MAX_TEXT_TABLE_CELLS = 100_000
MAX_CAPTION_CHARS = 60
MAX_CAPTION_GAP = 3  # blank lines allowed between a caption and its table
# A cell such as 办理情况 reads like a caption too; only longer lines end a cell-per-line run.
MIN_CAPTION_BREAK_CHARS = 9

_MARKDOWN_ROW = re.compile(r"\s*\|(?P<cells>.*)\|\s*")
_MARKDOWN_RULE = re.compile(r":?-{3,}:?")
# `｜` (full width) as well as `|`: some sites' text passes through a full-width conversion.
_PIPE_RE = re.compile(r"(?P<text>[^|｜]*?)\s*[|｜](?P<extra>[\s|｜]*)")
_SENTENCE_PUNCT = set("。；;！!？?，,：:")
_CAPTION_END_RE = re.compile(r"(?:表|情况|统计|一览|明细|汇总)$")


def find_tables(lines: Sequence[Line]) -> list[FoundTable]:
    """Every flattened table in `lines`, in order, never overlapping."""
    detectors: tuple[Callable[[Sequence[Line], int, int], FoundTable | None], ...] = (
        _pipe_table,
        _markdown_table,
        _tab_table,
        _tab_separated_table,
        _cell_per_line_table,
    )
    lines = _bounded(lines)
    found: list[FoundTable] = []
    cells = 0
    i = 0
    floor = 0  # lines before this index belong to an earlier table or its caption
    while i < len(lines):
        for detect in detectors:
            table = detect(lines, i, floor)
            if table is not None:
                found.append(table)
                floor = i = table.end
                cells += len(table.table.cells)
                break
        else:
            i += 1
        if cells > MAX_TEXT_TABLE_CELLS and i < len(lines):
            found[-1].diagnostics.append(
                Diagnostic(
                    code="table.search_stopped",
                    severity="warning",
                    message=f"the text's tables hold more than {MAX_TEXT_TABLE_CELLS:,} cells, "
                    f"more than any report's: tables after line {lines[i - 1].number} were "
                    "not looked for, their lines are read as text",
                    origin=LineOrigin(line_start=lines[i].number, line_end=lines[-1].number),
                )
            )
            break
    return found


def _bounded(lines: Sequence[Line]) -> Sequence[Line]:
    """`lines` as the detectors see them: a line too long to be a table row, and a line after
    every `MAX_TABLE_TEXT` characters of a run of lines, read as a full stop, which no table
    crosses. So no table holds more than that much text (a report's holds a few KB), and a
    20 MB text with a tab every other character makes no table of ten million cells."""
    out: list[Line] = []
    run = 0
    for line in lines:
        run += len(line.text) + 1
        if len(line.text) > MAX_ROW_CHARS or run > MAX_TABLE_TEXT:
            out.append(Line(line.number, "。"))
            run = 0
        else:
            out.append(line)
    return out


# --- line classes ----------------------------------------------------------------------------


def _is_blank(text: str) -> bool:
    return not text.strip()


def _is_caption(text: str) -> bool:
    """A table title: one short unnumbered line, not a sentence, naming a table or an account."""
    stripped = text.strip()
    return (
        4 <= len(stripped) <= MAX_CAPTION_CHARS
        and numbering_level(stripped) is None
        and not _SENTENCE_PUNCT.intersection(stripped)
        and "\t" not in stripped
        and "|" not in stripped
        and _CAPTION_END_RE.search(stripped) is not None
    )


def _is_cell_text(text: str) -> bool:
    """A line that could be one cell of a cell-per-line table."""
    if text.startswith("\t") or "|" in text or "｜" in text:
        return False
    stripped = text.strip()
    if is_figure(stripped):
        return True
    return (
        0 < len(stripped) <= MAX_CELL_CHARS
        and numbering_level(stripped) is None
        and not _SENTENCE_PUNCT.intersection(stripped)
    )


def _caption_before(lines: Sequence[Line], start: int, floor: int) -> int | None:
    """The caption line just above `start` (blank lines allowed in between), if there is one."""
    i = start - 1
    lowest = max(floor, start - 1 - MAX_CAPTION_GAP)
    while i >= lowest and _is_blank(lines[i].text) and "\t" not in lines[i].text:
        i -= 1
    if i >= floor and _is_caption(lines[i].text):
        return i
    return None


# --- assembling the result -------------------------------------------------------------------


def _found(
    lines: Sequence[Line],
    span: tuple[int, int],
    *,
    caption: int | None,
    method: TableMethod,
    size: tuple[int, int],
    layout: Layout,
) -> FoundTable:
    start, end = span
    n_rows, n_cols = size
    # The caption is part of the table (`Table.caption`), so the table's origin covers its line.
    first = lines[caption if caption is not None else start].number
    origin = LineOrigin(line_start=first, line_end=lines[end - 1].number)
    confidence = _BASE_CONFIDENCE[method] - AMBIGUITY_COST * len(layout.notes)
    confidence -= FALLBACK_COST if layout.fallback else 0.0
    confidence = round(min(1.0, max(MIN_CONFIDENCE, confidence)), 2)
    caption_text = lines[caption].text.strip() if caption is not None else None
    table = Table(
        n_rows=n_rows,
        n_cols=n_cols,
        caption=caption_text,
        method=method,
        confidence=confidence,
        cells=sorted(layout.cells, key=lambda cell: (cell.row, cell.col)),
        origin=origin,
    )
    diagnostics = [
        Diagnostic(
            code="table.reconstructed",
            severity="info",
            message=(
                f"rebuilt a {n_rows}x{n_cols} table (rows x columns) from {method} text,"
                f" confidence {confidence:.2f}"
            ),
            origin=origin,
        )
    ]
    diagnostics += [
        Diagnostic(code="table.layout_ambiguous", severity="warning", message=note, origin=origin)
        for note in layout.notes
    ]
    return FoundTable(start, end, table, caption, diagnostics)


# --- pipe-rows -------------------------------------------------------------------------------


def _pipe_table(lines: Sequence[Line], start: int, floor: int) -> FoundTable | None:
    cells: list[RawCell] = []
    pipes: list[int] = []
    padded: list[bool] = []
    end = start
    i = start
    # Blank lines between pipe lines (a double-spaced scrape) do not end the table.
    while i < len(lines) and (match := _PIPE_RE.fullmatch(lines[i].text)):
        extra = match["extra"].replace("｜", "|")
        cells.append(RawCell(match["text"], lines[i].number))
        pipes.append(1 + extra.count("|"))
        padded.append("|" in extra)
        end = i = i + 1
        while i < len(lines) and _is_blank(lines[i].text):
            i += 1
    if len(cells) < 2:
        return None
    notes: list[str] = []
    width = _pipe_width(cells, pipes, padded, notes)
    if width < 2:
        return None
    rows: list[list[RawCell]] = [[]]
    filled = 0
    uneven = 0
    for cell, count, pad in zip(cells, pipes, padded, strict=True):
        rows[-1].append(cell)
        filled += count
        if pad or filled >= width:
            uneven += filled != width
            rows.append([])
            filled = 0
    if not rows[-1]:
        rows.pop()
    if uneven:
        notes.append(f"{uneven} rows do not add up to the width of {width}; kept as found")
    layout = layout_pipe_rows(rows, width)
    layout.notes[:0] = notes
    caption = _caption_before(lines, start, floor)
    size = (len(rows), width)
    return _found(
        lines, (start, end), caption=caption, method="pipe-rows", size=size, layout=layout
    )


def _markdown_table(lines: Sequence[Line], start: int, floor: int) -> FoundTable | None:
    """`| a | b |` rows, as Markdown converters print tables (markitdown, pandoc, html2text).

    They print each row's visible cells: a cell covered by a row span is left out and a column
    span becomes the cell and empty cells after it, which is what pipe-rows carry too, so the
    same span inference places them. Empty cells before a row's first figure, or after its
    last cell, are span padding and dropped; empty cells among figures are blank figures."""
    rows: list[list[RawCell]] = []
    width = 0
    end = start
    while end < len(lines) and (match := _MARKDOWN_ROW.fullmatch(lines[end].text)):
        texts = [text.strip() for text in match["cells"].split("|")]
        end += 1
        width = max(width, len(texts))
        if all(_MARKDOWN_RULE.fullmatch(text) for text in texts) or not any(texts):
            continue  # the |---| rule and the empty header line some converters write
        rows.append(_markdown_cells(texts, lines[end - 1].number))
    if len(rows) < 2 or width < 2:
        return None
    layout = layout_pipe_rows(rows, width)
    caption = _caption_before(lines, start, floor)
    return _found(
        lines,
        (start, end),
        caption=caption,
        method="markdown",
        size=(len(rows), width),
        layout=layout,
    )


def _markdown_cells(texts: list[str], line: int) -> list[RawCell]:
    while texts and not texts[-1]:
        texts = texts[:-1]
    first_value = next((i for i, text in enumerate(texts) if text and is_figure(text)), len(texts))
    return [RawCell(text, line) for i, text in enumerate(texts) if text or i > first_value]


def _pipe_width(
    cells: list[RawCell], pipes: list[int], padded: list[bool], notes: list[str]
) -> int:
    """The table width: padding makes every row's pipes add up to it."""
    sums: list[int] = []
    running = 0
    for count, pad in zip(pipes, padded, strict=True):
        running += count
        if pad:
            sums.append(running)
            running = 0
    if not sums:
        return _unpadded_width(cells, notes)
    width = math.gcd(*sums)
    widest = max(pipes)
    if width >= widest:
        return width
    # Rows that span several padded lines would make the gcd too small; the smallest row sum
    # that can hold the widest line is the best remaining guess.
    guess = min(total for total in sums if total >= widest)
    notes.append(f"padding sums {sorted(set(sums))} share no usable width; guessed {guess}")
    return guess


def _unpadded_width(cells: list[RawCell], notes: list[str]) -> int:
    """Without padding, guess the width from how regularly a label followed by values recurs."""
    starts = [
        i
        for i, (cell, after) in enumerate(itertools.pairwise(cells))
        if not is_value(cell.text) and is_value(after.text)
    ]
    gaps = {b - a for a, b in itertools.pairwise(starts)}
    if len(gaps) != 1 or starts[0] % (width := gaps.pop()) or len(cells) % width:
        return 0
    notes.append(f"no padding pipes; width {width} guessed from the spacing of row labels")
    return width


# --- tab-cells -------------------------------------------------------------------------------


def _tab_table(lines: Sequence[Line], start: int, floor: int) -> FoundTable | None:
    if not lines[start].text.startswith("\t"):
        return None
    groups: list[list[RawCell]] = [[]]
    end = i = start
    while i < len(lines):
        text = lines[i].text
        if text.startswith("\t"):
            groups[-1].append(RawCell(text, lines[i].number))
            end = i + 1
        elif _is_blank(text):
            if groups[-1]:
                groups.append([])
        else:
            break
        i += 1
    groups = [group for group in groups if group]
    if len(groups) < 2:
        return None
    return _tab_rows(lines, (start, end), floor, groups)


def _tab_separated_table(lines: Sequence[Line], start: int, floor: int) -> FoundTable | None:
    """One row per line, cells separated by tabs."""

    def fields(text: str) -> list[str] | None:
        parts = text.strip(" ").split("\t")
        # Two filled cells at least, so that a stray trailing tab does not make a table.
        if text.startswith("\t") or sum(1 for part in parts if part.strip()) < 2:
            return None
        return parts

    if fields(lines[start].text) is None:
        return None
    groups: list[list[RawCell]] = []
    end = i = start
    while i < len(lines):
        parts = fields(lines[i].text)
        if parts is not None:
            groups.append([RawCell(part, lines[i].number) for part in parts])
            end = i + 1
        elif not _is_blank(lines[i].text):
            break
        i += 1
    if len(groups) < 2:
        return None
    return _tab_rows(lines, (start, end), floor, groups)


def _tab_rows(
    lines: Sequence[Line], span: tuple[int, int], floor: int, groups: list[list[RawCell]]
) -> FoundTable | None:
    sizes = Counter(len(group) for group in groups)
    width = max(sizes, key=lambda size: (sizes[size], size))
    if width < 2:
        return None
    notes: list[str] = []
    rows: list[list[RawCell]] = []
    merged = joined = 0
    for group in groups:
        if rows and len(rows[-1]) < width and len(rows[-1]) + len(group) == width:
            # A blank line inside a row (label, blank, unit and value) split it in two.
            rows[-1] = rows[-1] + group
            merged += 1
            continue
        if len(group) > width:
            tail = group[width - 1 :]
            text = " ".join(cell.text.strip() for cell in tail)
            rows.append([*group[: width - 1], RawCell(text, tail[0].line)])
            joined += 1
            continue
        rows.append(group)
    padded = sum(1 for row in rows if len(row) < width)
    if merged:
        notes.append(f"{merged} rows were split by a blank line and joined back together")
    if padded:
        notes.append(f"{padded} rows have fewer than {width} cells; their last cell spans")
    if joined:
        notes.append(f"{joined} rows had more than {width} cells; extra cells joined into the last")
    has_numbers = any(is_figure(cell.text) for row in rows for cell in row)
    header = has_numbers and not any(is_figure(cell.text) for cell in rows[0])
    layout = Layout(left_to_right(rows, width, {0} if header else set()), notes)
    caption = _caption_before(lines, span[0], floor)
    size = (len(rows), width)
    return _found(lines, span, caption=caption, method="tab-cells", size=size, layout=layout)


# --- cell-per-line ---------------------------------------------------------------------------


def _cell_per_line_table(lines: Sequence[Line], start: int, floor: int) -> FoundTable | None:
    if not _is_caption(lines[start].text):
        return None
    indexes = _cell_run(lines, start + 1)
    cells = [RawCell(lines[i].text, lines[i].number) for i in indexes]
    if len(cells) < 4 or not any(is_figure(cell.text) for cell in cells):
        return None
    numeric = [is_figure(cell.text) for cell in cells]
    fits = [w for w in range(2, len(cells) // 2 + 1) if _width_fits(numeric, w)]
    if not fits:
        return None
    width = fits[0]
    # With a single data row every split looks consistent, so such widths only compete when
    # nothing better fits.
    telling = [w for w in fits if len(cells) // w > 2]
    notes: list[str] = []
    if len(fits) > 1 and (len(telling) > 1 or width not in telling):
        notes.append(f"cells fit {fits} columns; took {width}")
    rows = [cells[k : k + width] for k in range(0, len(cells), width)]
    layout = Layout(left_to_right(rows, width, {0}), notes)
    size = (len(rows), width)
    return _found(
        lines,
        (indexes[0], indexes[-1] + 1),
        caption=start,
        method="cell-per-line",
        size=size,
        layout=layout,
    )


def _cell_run(lines: Sequence[Line], start: int) -> list[int]:
    """Indexes of the short lines from `start` on, blank lines skipped, up to a heading, prose
    or the next caption."""
    cells: list[int] = []
    for i in range(start, len(lines)):
        text = lines[i].text
        if _is_blank(text) and "\t" not in text:
            # A line of spaces (a blank paragraph kept by the source) often separates two tables.
            if text and _next_is_caption(lines, i + 1):
                break
            continue
        if not _is_cell_text(text):
            break
        if _is_caption(text) and len(text.strip()) >= MIN_CAPTION_BREAK_CHARS:
            break
        cells.append(i)
    return cells


def _next_is_caption(lines: Sequence[Line], start: int) -> bool:
    following = (lines[i].text for i in range(start, len(lines)) if not _is_blank(lines[i].text))
    return _is_caption(next(following, ""))


def _width_fits(numeric: list[bool], width: int) -> bool:
    """A header row without numbers, then rows whose columns are each all numbers or none."""
    if len(numeric) % width or any(numeric[:width]):
        return False
    body = [numeric[k : k + width] for k in range(width, len(numeric), width)]
    columns = [{row[c] for row in body} for c in range(width)]
    return all(len(kinds) == 1 for kinds in columns) and any(True in kinds for kinds in columns)
