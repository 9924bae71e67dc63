"""Tables as rows of cells, sorted into the kinds the profile reads, split tables joined.

A table is recognised by what its labels say, not by where it stands: the section 三 table is the
one whose rows read as the form spec's rows of that table, wherever the adapter put it. A table
that carries on a table of the same kind without headers of its own (a page break in a PDF) is
joined to it, its columns aligned on the right, where the figures are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from nianbao.convert.annual_report.labels import compact, core, matches_any
from nianbao.forms import FORMS, TableSpec
from nianbao.schemas.model import Document, Table, TableCell, TableCellOrigin
from nianbao.text.numbers import is_number, trailing_figures
from nianbao.text.script import fold

#: A form table's key (`proactive`, `applications`, `review`), or `indicators` for a 统计表.
Kind = str

_MATCH = 0.85  # a label this close to a canonical one counts as evidence of a table's kind


@dataclass
class Row:
    """One row of a (possibly joined) table; `cells` aligned on the first part's columns."""

    table: int
    row: int
    cells: list[TableCell | None]
    # The whole row's distinct cells, found once: every reader of a form table asks for them,
    # row after row (its header rows, its labels, whether it prints two reports side by side).
    _whole: list[tuple[int, TableCell]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def distinct(self, start: int = 0, stop: int | None = None) -> list[tuple[int, TableCell]]:
        """The cells of columns start..stop once each, with the column they start in (the
        whole row's list is shared between callers: not to be changed)."""
        if start == 0 and stop is None:
            if self._whole is None:
                self._whole = self._distinct(0, None)
            return self._whole
        return self._distinct(start, stop)

    def _distinct(self, start: int, stop: int | None) -> list[tuple[int, TableCell]]:
        seen: set[int] = set()
        out: list[tuple[int, TableCell]] = []
        for col, cell in enumerate(self.cells[start:stop], start):
            if cell is not None and id(cell) not in seen:
                seen.add(id(cell))
                out.append((col, cell))
        return out

    def origin(self, cell: TableCell) -> TableCellOrigin:
        return TableCellOrigin(table=self.table, row=cell.row, col=cell.col)


@dataclass
class Logical:
    kind: Kind
    tables: list[int]
    n_cols: int
    rows: list[Row] = field(default_factory=list)
    # A page's side cut one of its tables (a browser's print): its columns are not where the
    # form has them, counted from either end.
    cut: bool = False
    # Section 四's columns by group and its data rows (`figures._group_columns`), once found:
    # its figures and the test for two reports side by side both read them.
    group_columns: tuple[dict[int, str], list[Row]] | None = field(
        default=None, repr=False, compare=False
    )

    def add(self, index: int, table: Table, grid: list[list[TableCell | None]]) -> None:
        """Join `table` (its `grid()`) to this one, its columns aligned on the right."""
        self.cut = self.cut or table.cut_off is not None
        offset = self.n_cols - table.n_cols
        for r, cells in enumerate(grid):
            pad: list[TableCell | None] = [None] * max(offset, 0)
            aligned = pad + cells if offset >= 0 else cells[-offset:]
            self.rows.append(Row(index, r, aligned))
        self.tables.append(index)


def classify(table: Table, grid: list[list[TableCell | None]] | None = None) -> Kind | None:
    """What a table is, from its labels; None for any other table (e.g. a 微信 count).

    Each form table scores the distinct texts that read as one of its labels; labels that name
    more than one thing (其他, 总计) count for none. Two such texts make a table of that kind.
    `grid`: the table's `grid()`, where the caller has it already.
    """
    texts = {compact(c.text) for c in table.cells if c.text.strip() and not is_number(c.text)}
    if _is_statistics_table(table, texts, grid):
        return "indicators"
    scores = {spec.key: sum(1 for t in texts if _evidence(t, spec)) for spec in FORMS.tables}
    kind = max(scores, key=lambda k: scores[k])
    return kind if scores[kind] >= 2 else None


def _evidence(text: str, spec: TableSpec) -> bool:
    if any(anchor in text for anchor in spec.anchors):
        return True
    return matches_any(text, _distinctive(spec.key), _MATCH)


@cache
def _distinctive(table_key: str, columns_only: bool = False) -> tuple[str, ...]:
    """The labels of a table that name one thing only (not 其他 or 总计)."""
    spec = FORMS.table(table_key)
    labels = [lab for c in spec.columns for lab in c.labels]
    if not columns_only:
        labels += [lab for r in spec.rows for lab in r.labels]
        labels += [lab for g in spec.groups for lab in g.labels]
    return tuple(dict.fromkeys(lab for lab in labels if lab not in FORMS.shared_labels))


def has_headers(table: Table, kind: Kind) -> bool:
    """Whether a table of `kind` prints its own column headers (a continuation does not)."""
    if kind == "indicators":
        labels = _statistics_headers()
    elif FORMS.table(kind).layout == "header-rows":
        return True
    else:
        labels = _distinctive(kind, columns_only=True)
    return any(matches_any(c.text, labels, _MATCH) for c in table.cells)


def logical_tables(document: Document) -> list[Logical]:
    """The document's tables of known kinds, in order, with continuations joined."""
    out: list[Logical] = []
    for index, table in enumerate(document.tables):
        grid = table.grid()  # made once: classifying a table may need it, joining it does
        kind = classify(table, grid)
        last = out[-1] if out else None
        if last is not None and last.tables[-1] == index - 1 and _continues(last, kind, table):
            last.add(index, table, grid)
        elif kind is not None:
            logical = Logical(kind, [], table.n_cols)
            logical.add(index, table, grid)
            out.append(logical)
    return out


def _continues(last: Logical, kind: Kind | None, table: Table) -> bool:
    if last.cut or table.cut_off is not None:
        return False  # aligned on the right, a cut table's columns would take its neighbours'
    if kind is None:
        # Figures without labels we know, right after a table we know: its next page.
        return any(is_number(c.text) for c in table.cells) and table.n_cols <= last.n_cols + 1
    if kind != last.kind:
        return False
    # The section 二 form is often printed as four small tables: reading them as one is the same.
    return not has_headers(table, kind)


def _is_statistics_table(
    table: Table, texts: set[str], grid: list[list[TableCell | None]] | None
) -> bool:
    """A 2008-era 统计表: 统计指标 | 单位 | 统计数, or a column of units beside the figures."""
    spec = FORMS.statistics
    if spec is None:
        return False
    cores = {core(t) for t in texts}
    if cores & set(spec.indicator_headers) or (
        cores & set(spec.unit_headers) and cores & set(spec.value_headers)
    ):
        return True
    if table.n_cols < 3:
        return False
    grid = table.grid() if grid is None else grid
    units = sum(1 for row in grid if row[-2] is not None and compact(row[-2].text) in spec.units)
    return units >= 5 and units >= table.n_rows // 2


def _statistics_headers() -> tuple[str, ...]:
    spec = FORMS.statistics
    if spec is None:
        return ()
    return (*spec.indicator_headers, *spec.unit_headers, *spec.value_headers[:1])


def names_a_row(text: str) -> bool:
    """Whether `text` is a form table's row label, with the row's figures if printed after it
    (section 三's last row, numbered 四、; its first, numbered 一、 and followed by its seven
    figures): a row of a table, not a section heading, however it is numbered."""
    words, _ = trailing_figures(fold(text).strip())
    return core(words) in _row_labels()


@cache
def _row_labels() -> frozenset[str]:
    return frozenset(core(label) for t in FORMS.tables for r in t.rows for label in r.labels)
