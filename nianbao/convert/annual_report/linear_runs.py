"""The figures of a form table as a stream of runs, wherever the table's structure went.

A table that reaches us as text keeps two things whatever happened to its grid: the order of its
rows, and the labels printed beside some of them. This module reads a section of a document into
`Run`s: each a stretch of figures printed together (a table row's value cells, the digits after a
label in a one-line dump such as `行政规范性文件6233440`, consecutive one-value lines), with the
row its label names when a label is printed right before it. `linear` then lays the runs over the
form's rows.

Where a run ends matters more than where it starts: anything that is neither a figure nor a label
of the table (a column header, `第二十条第（五）项`, a sentence) ends it, and so does the end of a
table row. Sentences are never read: a block with a full stop is prose, and a number followed by
a counter (`34件`, `2024年`) is a count in a sentence, not a cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import pairwise

from nianbao.convert.annual_report.grids import classify, names_a_row
from nianbao.convert.annual_report.labels import (
    best_row,
    core,
    numbering,
    strip_numbering,
)
from nianbao.forms import FORMS, Label, SectionKey, TableSpec
from nianbao.schemas.model import (
    Block,
    Document,
    Origin,
    TableCell,
    TableCellOrigin,
    TextSpanOrigin,
)
from nianbao.text.numbering import numbering_level
from nianbao.text.numbers import parse_value
from nianbao.text.script import ascii_digits, fold

_PROSE = re.compile(r"[。；;！？]")
# Figures and the blanks between them; `/` and `-` alone are the not-applicable marks. Digits
# are ASCII (`fold` has made full-width ones so): `\d` would take any script's digits, which are
# no figure of these forms.
_FIGURES = re.compile(r"[0-9./\-]*[0-9][0-9./\-]*(?:[ \t]+[0-9./\-]+)*|(?<![\w.])[/\-](?![\w.])")
_MONEY = re.compile(r"\s*(万元|亿元|元)")
_COUNTER = re.compile(r"\s*(?:件|条|篇|次|人|个|项|家|户|期|场|年|月|日|号|%|％|万|亿)")
_SOLVABLE = re.compile(r"[0-9.\-]+")
_NOT_APPLICABLE = frozenset({"-", "/", "--"})
# What may stand between a label and its figures: spaces, pipes, a colon, quotes, a bracketed
# note, and a note the line breaks before it closes (`（二）…（区分处理的，只计这一情 29`).
_BETWEEN = re.compile(r"^(?:[\s|:：“”‘’\"'「」『』]|\([^()]*\)|（[^（）]*）)*(?:[(（][^()（）]*)?$")
_QUOTES = frozenset("“”‘’\"'「」『』")
_HEADING_MAX = 40
_BROKEN_NUMBERING_MAX = 3  # `二、`, `（三`: a heading's numbering alone on its line
_BROKEN_LINES = 4  # the lines a broken heading's words may take
_CELL_PER_LINE = "cell-per-line"  # `text.tables`' method for a table rebuilt from lines
# The most cells one value printed on a line of its own may stand for (section 四: 15 zeros).
MAX_CELLS_PER_LINE = 15


@dataclass(frozen=True)
class Piece:
    """Figures printed together: one table cell, or characters of a text block.

    `glued` pieces come from running text and may hold several cells run together; a table cell
    is one cell. An `optional` piece is a blank that a table pads its rows with (a trailing empty
    cell, the column a figure was stretched over): a cell only if the row needs one more.
    """

    text: str  # the figures as printed, without the unit; '' for a blank cell
    origin: Origin
    glued: bool
    optional: bool = False
    unit: str = ""  # a money unit printed right after the last figure (251000元)
    block: int = -1  # text pieces: the block and the offset of `text` in its text
    start: int = 0
    alone: bool = False  # a figure that is the whole of its line: one cell, never cut

    @property
    def not_applicable(self) -> bool:
        return self.text in _NOT_APPLICABLE


@dataclass
class Run:
    pieces: list[Piece] = field(default_factory=list)
    label: str | None = None  # the key of the row whose label is printed right before it
    # Printed one cell per line (`mark_lines_of_cells`): each piece is a cell, and, where the
    # text never prints two equal neighbours, may stand for several (`linear_repeats`).
    lines: bool = False
    equal_neighbours_dropped: bool = False

    def capacity(self) -> tuple[int, int]:
        """The fewest and the most cells the run can hold."""
        if self.lines and not self.equal_neighbours_dropped:
            return len(self.pieces), len(self.pieces)  # each line one cell, no more, no less
        if self.lines:
            # A value may stand for equal neighbours; a number may have broken over two lines.
            broken = 1 if len(self.pieces) > 1 else 0
            return len(self.pieces) - broken, MAX_CELLS_PER_LINE * len(self.pieces)
        fixed = [p for p in self.pieces if not p.glued]
        glued = [p for p in self.pieces if p.glued]
        least = sum(1 for p in fixed if not p.optional) + len(glued)
        most = len(fixed) + sum(sum(c.isdigit() for c in p.text) for p in glued)
        return least, most

    def printed(self) -> str:
        return " ".join(p.text or "(blank)" for p in self.pieces)

    def digits(self) -> str:
        """The run's pieces as the splitter reads them: full-width digits (a PDF's text keeps
        them as printed) as ASCII, one for one, so that a cell's place is its place in print."""
        return ascii_digits(" ".join(p.text for p in self.pieces))


# --- where a section's table is --------------------------------------------------------------


Heads = list[tuple[int, SectionKey]]


def section_heads(document: Document) -> Heads:
    """(block, section) of each heading that names a standard section, broken ones included:
    found once per document, as `regions` asks for them per form and table."""
    return [
        (i, key)
        for i, b in enumerate(document.blocks)
        if (key := _section_of(b) or _broken_heading(document.blocks, i))
    ]


def regions(document: Document, spec: TableSpec, heads: Heads) -> list[range]:
    """Block ranges headed by a heading of the table's section, each up to the next section's
    heading.

    Every heading that names the section counts, not only the first: a report may tell its work
    in chapters named like the standard sections and then print the standard sections again,
    tables and all. Headings that read as a row of a form table (section 三's last row, numbered
    四、, or its first row, numbered 一、, printed with its figures) are rows.

    A document with no section heading at all (a form table printed alone, as a PDF's text) is
    one region: the table's labels still have to be found there for it to be read. A section no
    heading names (left out, misspelt) may print its table under any heading: then each part of
    the document from a line that is one of the table's own labels (a column head, a row's) is a
    region, and the labels printed there choose (`linear._best_reading`). A
    heading whose numbering the markup broke onto a line of its own (`二、` / `主动公开…`) is a
    heading. `heads`: the document's `section_heads`.
    """
    if not heads:
        return [range(len(document.blocks))]
    ends = [start for start, _ in heads[1:]] + [len(document.blocks)]
    out = [
        range(start + 1, end)
        for (start, key), end in zip(heads, ends, strict=True)
        if key == spec.section
    ]
    if not out:
        # No heading names the section (left out, or misspelt past recognition): its table
        # may stand under any heading, from the first line that is one of its own labels.
        spans = [range(0, heads[0][0])]
        spans += [range(start + 1, end) for (start, _), end in zip(heads, ends, strict=True)]
        out = [
            range(first, span.stop)
            for span in spans
            if (first := _first_label(document, span, spec)) is not None
        ]
    return out


def _first_label(document: Document, span: range, spec: TableSpec) -> int | None:
    """The first block of `span` that is nothing but a label of the table (a row's, a group's,
    a column's; not one the forms' tables share): where a table without a heading begins."""
    own = _own_words(spec.key)
    return next((i for i in span if core(document.blocks[i].text) in own), None)


@cache
def _own_words(table_key: str) -> frozenset[str]:
    spec = FORMS.table(table_key)
    labels = (*spec.rows, *spec.groups, *spec.columns)
    return frozenset(
        core(text) for label in labels for text in label.labels if text not in FORMS.shared_labels
    ) - {""}


def _broken_heading(blocks: list[Block], index: int) -> SectionKey | None:
    """The section a heading names whose numbering the page's markup broke off onto a line of
    its own (`二、` / `主动公开政府信息情况`)."""
    first = fold(blocks[index].text).strip()
    if not first or len(first) > _BROKEN_NUMBERING_MAX or _section_of(blocks[index]):
        return None
    joined = first
    for block in blocks[index + 1 : index + 1 + _BROKEN_LINES]:
        joined += fold(block.text).strip()
        if len(joined) > _HEADING_MAX or _PROSE.search(joined):
            return None
        if numbering_level(joined) == 1 and not names_a_row(joined):
            key = next((k for k, words in FORMS.sections if any(w in joined for w in words)), None)
            if key is not None:
                return key
    return None


def _section_of(block: Block) -> SectionKey | None:
    text = fold(block.text).strip()
    numbered = numbering_level(text) == 1
    top = block.kind == "heading" and block.level in (None, 1)
    if not (top or (numbered and len(text) <= _HEADING_MAX and not _PROSE.search(text))):
        return None
    if names_a_row(text):
        return None
    return next((key for key, words in FORMS.sections if any(w in text for w in words)), None)


# --- runs ------------------------------------------------------------------------------------


@dataclass
class _Stream:
    """Runs as they are read: a label waits for the figures that follow it."""

    runs: list[Run] = field(default_factory=list)
    current: Run | None = None
    label: str | None = None
    named: set[str] = field(default_factory=set)  # every row whose label is printed

    def add_label(self, key: str) -> None:
        self.close()
        self.label = key
        self.named.add(key)

    def add(self, piece: Piece) -> None:
        if self.current is None:
            self.current = Run(label=self.label)
            self.label = None
        self.current.pieces.append(piece)

    def close(self) -> None:
        if self.current is not None:
            self.runs.append(self.current)
        self.current = None

    def stop(self) -> None:
        """Something that is neither a figure nor a label: the run and any waiting label end."""
        self.close()
        self.label = None


def runs_in(document: Document, blocks: range, spec: TableSpec) -> tuple[list[Run], set[str]]:
    """The runs of figures in `blocks`, read against the rows of `spec`; the rows named there."""
    stream = _Stream()
    for index in blocks:
        block = document.blocks[index]
        if block.kind == "table" and block.table is not None:
            stream.stop()
            _table_runs(document, block.table, spec, stream)
            stream.stop()
        else:
            _text_runs(block.text, index, spec, stream)
    stream.stop()
    return stream.runs, stream.named


def mark_lines_of_cells(runs: list[Run]) -> None:
    """Where the text prints its tables one cell per line (some run of two or more figures holds
    each on a line of its own: the evidence is the document's, all its form tables' runs), a
    figure alone on its line is one cell, never the digits of several cells run together: each
    run of such figures is marked `lines`, and where no two equal figures follow each other
    (a crawler dropped each line equal to the one before), `equal_neighbours_dropped`."""
    lines = [r for r in runs if all(p.alone for p in r.pieces)]
    if not any(len(r.pieces) > 1 for r in lines):
        return
    # A text that prints two equal neighbours one after the other (a row's `0`, `0`) did not
    # drop them: there a row short of cells lacks blanks, not repeats.
    dropped = not any(a.text == b.text for r in lines for a, b in pairwise(r.pieces))
    for run in lines:
        run.lines = True
        run.equal_neighbours_dropped = dropped


def _table_runs(document: Document, index: int, spec: TableSpec, stream: _Stream) -> None:
    """One run per table row holding figures: the cells after its labels."""
    table = document.tables[index]
    if classify(table) not in (None, spec.key):
        return  # another form table, or a 统计表: none of this table's figures
    # A table the text adapter built from lines, one cell per line: each cell is a line.
    lines = table.method == _CELL_PER_LINE
    for r, row in enumerate(table.grid()):
        cells: list[TableCell] = []
        for cell in row:
            if cell is not None and cell.row == r and (not cells or cells[-1] is not cell):
                cells.append(cell)
        first = next((n for n, c in enumerate(cells) if _is_figure(c.text)), None)
        if first is None:
            # A header row: its labels (行政复议, 复议后起诉) are evidence of the table only.
            stream.named |= {k for c in cells if (k := _row_of_cell(c.text, spec)) is not None}
            continue
        labels = [c for c in cells[:first] if c.text.strip()]
        stream.stop()
        if labels:
            key = _row_of_cell(labels[-1].text, spec)
            if key is not None:
                stream.add_label(key)
        values = cells[first:]
        while values and not values[-1].text.strip():
            values.pop()
        for cell in values:
            if cell.text.strip() and not _is_figure(cell.text):
                break  # a note where a figure should be: the row's figures end here
            origin = TableCellOrigin(table=index, row=r, col=cell.col)
            printed = cell.text.strip()
            stream.add(
                Piece(printed, origin, glued=False, alone=lines and _alone(printed, printed))
            )
        # Blanks a table pads a row with: empty cells after the last figure, and the columns
        # the last figure was stretched over when the empty cells were read as its span.
        last = values[-1] if values else cells[first]
        padding = [last.col + k for k in range(1, last.col_span)]
        padding += [c.col for c in cells[first:] if c.col > last.col and not c.text.strip()]
        for col in padding:
            origin = TableCellOrigin(table=index, row=r, col=col)
            stream.add(Piece("", origin, glued=False, optional=True))
        stream.stop()


def _is_figure(text: str) -> bool:
    """A cell holding a figure or a not-applicable mark; `1.` and the words after it are a label."""
    if numbering(text) is not None and strip_numbering(text):
        return False
    return bool(text.strip()) and parse_value(text).numeric


def _row_of_cell(text: str, spec: TableSpec) -> str | None:
    """The row a table's label cell names: its words, its numbering, nothing shared alone."""
    return _row_named(text, _Same(spec))


class _Same:
    """A form table compared by identity: a `TableSpec`'s own hash hashes every label it
    holds. The cache that holds one holds its spec too, so no other spec can take its id."""

    __slots__ = ("spec",)

    def __init__(self, spec: TableSpec) -> None:
        self.spec = spec

    def __hash__(self) -> int:
        return id(self.spec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.spec is self.spec


# Every table of a document is tried against every form's table: the same label cells, the
# same few dozen rows, a thousand times over for a document whose tables are no form's.
@lru_cache(maxsize=16384)
def _row_named(text: str, same: _Same) -> str | None:
    spec = same.spec
    numbered = numbering(text) is not None

    def not_shared_alone(row: Label) -> float | None:
        if not numbered and any(label in FORMS.shared_labels for label in row.labels):
            return None  # 其他 or 总计 alone may be a column header
        return 0.0

    row = best_row(text, spec, not_shared_alone)
    return row.key if row is not None else None


def _text_runs(text: str, block: int, spec: TableSpec, stream: _Stream) -> None:
    """Labels and figures of a text block, in order; a sentence ends any run."""
    if _PROSE.search(text):
        stream.stop()
        return
    folded = fold(text)
    position = 0
    for start, end, key in [*_labels_in(folded, spec), (len(text), len(text), None)]:
        _figures_between(text, folded, position, start, block=block, spec=spec, stream=stream)
        if key is not None:
            stream.add_label(key)
        position = end


def _figures_between(
    text: str,
    folded: str,
    start: int,
    end: int,
    *,
    block: int,
    spec: TableSpec,
    stream: _Stream,
) -> None:
    position = start
    for match in _FIGURES.finditer(folded, start, end):
        _between(folded[position : match.start()], spec, stream)
        after = folded[match.end() : end]
        if _COUNTER.match(after) and not _MONEY.match(after):
            stream.stop()  # 34件, 2024年: a count in a sentence
            position = match.end()
            continue
        money = _MONEY.match(after)
        pieces = list(re.finditer(r"\S+", folded[match.start() : match.end()]))
        for n, piece in enumerate(pieces):
            printed = piece.group()
            # `5.` before a label's words is its numbering, and nothing ends in a dot.
            numbering_mark = printed.endswith(".") and printed not in _NOT_APPLICABLE
            if numbering_mark or not (_SOLVABLE.fullmatch(printed) or printed in _NOT_APPLICABLE):
                stream.stop()
                continue
            offset = match.start() + piece.start()
            unit = money.group(1) if money and n == len(pieces) - 1 else ""
            origin = TextSpanOrigin(
                block=block, start=offset, end=offset + len(printed) + len(unit)
            )
            stream.add(
                Piece(
                    text[offset : offset + len(printed)],
                    origin,
                    glued=printed not in _NOT_APPLICABLE,
                    unit=unit,
                    block=block,
                    start=offset,
                    alone=_alone(printed, folded) and not unit,
                )
            )
        position = match.end() + (money.end() if money else 0)
    _between(folded[position:end], spec, stream)


def _alone(printed: str, line: str) -> bool:
    """A number that is the whole of its line."""
    return line.strip() == printed and parse_value(printed).value is not None


def _between(text: str, spec: TableSpec, stream: _Stream) -> None:
    """Text between figures: a label's note leaves the run open, anything else ends it.

    A piece of a row's or a group's label that a narrow label column wrapped onto lines of its
    own (`行政机关不再处理其政府信息公开 1 0 0 0 0 0` under `1.申请人无正当理由逾期不补正、 1`)
    leaves the run open too: the row's figures are printed around it. Where such a piece starts
    with a numbering (`（六）其`), a new row begins: the run ends, no label waits.
    """
    if _BETWEEN.match(text):
        return
    words = core(text)
    if words and any(words in label for label in _label_words(spec.key)):
        if numbering(text) is not None:
            stream.close()
        return
    stream.stop()


@cache
def _label_words(table_key: str) -> tuple[str, ...]:
    """The table's row and group labels as `core` compares them."""
    spec = FORMS.table(table_key)
    return tuple(core(label) for r in (*spec.rows, *spec.groups) for label in r.labels)


def _labels_in(folded: str, spec: TableSpec) -> list[tuple[int, int, str]]:
    """(start, end, row key) of each row label printed in `folded`, numbering included.

    Labels are found word for word (spaces and quotes aside): in running text there is no cell
    to compare a fuzzy label with. A label two rows share (其他) counts only with its numbering
    (3.其他); where labels overlap the longest wins (a longer label over the 其他 it begins with).
    """
    squeezed, where = _squeeze(folded)
    found: list[tuple[int, int, str]] = []
    for row, label, target in _label_targets(spec):
        for match in target.finditer(squeezed):
            start = where[match.start()]
            end = where[match.end() - 1] + 1
            numbered = _numbering_before(folded, start, row.numbering)
            if numbered is None and label in FORMS.shared_labels:
                continue
            found.append((numbered if numbered is not None else start, end, row.key))
    # Longest first, each kept where no longer one was: which characters are taken is one
    # byte each, so a candidate is checked in its own length, not against every label kept
    # (a long line repeating the table's labels has tens of thousands).
    taken = bytearray(len(folded) + 1)
    kept: list[tuple[int, int, str]] = []
    for candidate in sorted(found, key=lambda f: f[0] - f[1]):
        start, end, _ = candidate
        if taken.find(1, start, end) < 0:
            taken[start:end] = b"\x01" * (end - start)
            kept.append(candidate)
    return sorted(kept)


_Targets = list[tuple[Label, str, re.Pattern[str]]]
# Per table spec, held with it (so that its id is not reused) and found by identity: hashing a
# spec would walk all its labels. A handful per process (a table of each form).
_LABEL_TARGETS: dict[int, tuple[TableSpec, _Targets]] = {}
_LABEL_TARGETS_MAX = 256


def _label_targets(spec: TableSpec) -> _Targets:
    """Each row label of `spec` as `_labels_in` looks for it, squeezed and compiled, in the
    spec's order: a form's labels are fixed, so this is made once per process, not per line."""
    held = _LABEL_TARGETS.get(id(spec))
    if held is not None and held[0] is spec:
        return held[1]
    targets: _Targets = []
    for row in spec.rows:
        for label in row.labels:
            target, _ = _squeeze(fold(label))
            if target:
                targets.append((row, label, re.compile(re.escape(target))))
    if len(_LABEL_TARGETS) >= _LABEL_TARGETS_MAX:
        _LABEL_TARGETS.clear()
    _LABEL_TARGETS[id(spec)] = (spec, targets)
    return targets


def _squeeze(text: str) -> tuple[str, list[int]]:
    """`text` without spaces and quotes, and where each character left stood in `text`."""
    where = [i for i, c in enumerate(text) if not c.isspace() and c not in _QUOTES]
    return "".join(text[i] for i in where), where


def _numbering_before(folded: str, start: int, expected: str | None) -> int | None:
    """Where the row's own numbering (2. or （七）) starts, printed right before its label."""
    if expected is None:
        return None
    wanted = numbering(expected)
    for length in (2, 3, 4):
        prefix = folded[max(start - length, 0) : start]
        if len(prefix) == length and numbering(prefix) == wanted and not strip_numbering(prefix):
            return start - length
    return None
