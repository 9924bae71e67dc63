"""Canonical figures from the forms' tables, found by their labels; one reader per layout.

    header-rows    section 二: each header row names the columns of the rows below it
    row-labels     section 三: rows by their labels, columns by the headers above them
    column-groups  section 四: groups of columns over one row of figures

Columns are found from the header cells above them (the deepest header that names a canonical
column wins, a column under its group's header); rows from their label cells, scored against the
table's rows in the form spec with the group label above them (a row numbered 2. under
（三）, not under （四）) and their numbering. Positions are used only when a table prints no
headers at all, and then say so.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from nianbao.convert.annual_report.grids import Logical, Row
from nianbao.convert.annual_report.labels import (
    ROW_MATCH,
    best_label,
    best_row,
    compact,
    core,
    numbering,
    similarity,
    unit_note,
)
from nianbao.forms import FORMS, Label, TableSpec
from nianbao.schemas.model import Diagnostic, Figure, TableCell
from nianbao.text.numbers import is_number, parse_value

_COLUMN_MATCH = 0.8
_GROUP_MATCH = 0.6

Figures = dict[str, Figure]


def figure(row: Row, cell: TableCell, unit: str | None = None) -> Figure:
    parsed = parse_value(cell.text)
    # lean: every form table's figures are held until all are compared
    return Figure.lean(
        value=parsed.value,
        raw=cell.text.strip(),
        unit=parsed.unit or unit,
        source="table",
        origin=row.origin(cell),
    )


def _add(figures: Figures, key: str, fig: Figure, diagnostics: list[Diagnostic]) -> None:
    if key in figures:
        diagnostics.append(
            Diagnostic(
                code="figures.duplicate",
                severity="warning",
                message=f"{key} is printed twice; kept the first ({figures[key].raw!r}), "
                f"not {fig.raw!r}",
                origin=fig.origin,
            )
        )
        return
    figures[key] = fig


def table_figures(table: Logical, diagnostics: list[Diagnostic]) -> Figures:
    """The figures of a form table, read the way its layout prints them."""
    spec = FORMS.table(table.kind)
    readers = {
        "header-rows": _header_rows,
        "row-labels": _row_labels,
        "column-groups": _column_groups,
    }
    return readers[spec.layout](spec, table, diagnostics)


def side_by_side(table: Logical) -> bool:
    """Whether a form table sets two reports' figures side by side (2023 | 2024).

    A form prints each column label once in a header row, and section 四 one row of figures: a
    header row that names a column twice, or a section 四 table with two rows of figures, holds
    two sets of the same figures.
    """
    if table.kind not in {t.key for t in FORMS.tables}:
        return False
    spec = FORMS.table(table.kind)
    if spec.layout == "column-groups":
        columns, data = _group_columns(spec, table)
        with_numbers = [
            row for row in data if sum(1 for c in columns if _numeric(row.cells[c])) >= 2
        ]
        return len(with_numbers) >= 2
    match_column = _column_matcher(spec.columns)
    for row in table.rows:
        cells = row.distinct()
        if any(is_number(cell.text) for _, cell in cells):
            continue
        named = [found.key for _, cell in cells if (found := match_column(cell.text))]
        if len(named) != len(set(named)):
            return True
    return False


def _numeric(cell: TableCell | None) -> bool:
    return cell is not None and is_number(cell.text)


ColumnMatcher = Callable[[str], Label | None]


@lru_cache(maxsize=64)
def _column_matcher(labels: tuple[Label, ...]) -> ColumnMatcher:
    """The column of `labels` a header text names, or None: each distinct text compared once per
    process (bounded). One matcher per form table's columns, asked for once per table: a cache
    keyed on the labels themselves would hash every `Label`, field by field, on every cell."""

    # the same cells are matched against the same form's columns many times over
    @lru_cache(maxsize=65536)
    def match(text: str) -> Label | None:
        scored = [(best_label(text, c.labels), c) for c in labels]
        score, best = max(scored, key=lambda s: s[0])
        return best if score >= _COLUMN_MATCH else None

    return match


# --- header rows (section 二) ----------------------------------------------------------------


def _header_rows(spec: TableSpec, table: Logical, diagnostics: list[Diagnostic]) -> Figures:
    """Each 信息内容 header row sets the columns for the rows below it."""
    figures: Figures = {}
    keys = set(spec.figure_keys())
    first_form = FORMS.forms[0]
    columns: dict[int, tuple[str, str | None]] = {}  # column -> (column key, unit from header)
    match_column = _column_matcher(spec.columns)
    for row in table.rows:
        cells = [(col, cell) for col, cell in row.distinct() if cell.text.strip()]
        if not cells:
            continue
        header = [
            (col, cell, found)
            for col, cell in cells
            if (found := match_column(cell.text)) is not None
        ]
        if header and not any(is_number(cell.text) for _, cell in cells):
            columns = {}
            for col, cell, found in header:
                for c in range(col, col + cell.col_span):
                    columns[c] = (found.key, unit_note(cell.text))
            continue
        label_col, label = cells[0]
        row_spec = _match_row_label(spec, label.text)
        if row_spec is None:
            continue
        values = [(col, cell) for col, cell in row.distinct(label_col + 1) if cell is not label]
        if not columns:
            own = first_form.table(spec.key)
            defaults = own.row(row_spec).columns if own and row_spec in own_rows(own) else ()
            diagnostics.append(
                Diagnostic(
                    code="figures.columns_by_position",
                    severity="warning",
                    message=f"no column headers above {compact(label.text)}; "
                    f"its figures are read in the {first_form.id} template's column order",
                    origin=row.origin(label),
                )
            )
            pairs: list[tuple[str, str | None]] = [(d, None) for d in defaults]
            assigned = list(zip(pairs, [cell for _, cell in values], strict=False))
        else:
            assigned = [(columns[col], cell) for col, cell in values if col in columns]
        for (col_key, unit), cell in assigned:
            key = spec.figure(row_spec, col_key)
            if key in keys:
                _add(figures, key, figure(row, cell, unit), diagnostics)
    return figures


def own_rows(spec: TableSpec) -> set[str]:
    return {r.key for r in spec.rows}


def _match_row_label(spec: TableSpec, text: str) -> str | None:
    scored = [(best_label(text, r.labels), r.key) for r in spec.rows]
    score, key = max(scored)
    return key if score >= ROW_MATCH else None


# --- row labels (section 三) -------------------------------------------------------------------


def _row_labels(spec: TableSpec, table: Logical, diagnostics: list[Diagnostic]) -> Figures:
    """`<row>.<column>` from the header columns (申请人情况) and the labelled rows (办理结果)."""
    figures: Figures = {}
    columns, header_rows = _header_columns(table, spec.columns)
    if len(columns) < len(spec.columns):
        columns = _positional_columns(spec, table, columns, diagnostics)
    if not columns:
        return figures
    first_value = min(columns.values())
    group: str | None = None  # the last group row (（三）…) seen, for rows that do not repeat it
    for index, row in enumerate(table.rows):
        if index in header_rows:
            continue
        labels = [cell.text for _, cell in row.distinct(0, first_value) if cell.text.strip()]
        if not labels:
            continue
        leaf, above = labels[-1], labels[:-1]
        depth = (numbering(leaf) or (0, 0))[0]
        groups = [t for t in above if (numbering(t) or (0, 0))[0] == 2]
        if depth == 2:
            group = leaf
        elif depth == 1:
            group = None
        elif groups:
            group = groups[-1]
        elif depth == 3 and group is not None:
            above = [*above, group]
        row_spec = _match_row(spec, leaf, above)
        if row_spec is None:
            if any(is_number(c.text) for c in row.cells[first_value:] if c is not None):
                diagnostics.append(
                    Diagnostic(
                        code="figures.unmatched_row",
                        severity="info",
                        message=f"a {spec.key} table row labelled {compact(leaf)!r} matches "
                        "no canonical row; its figures are not mapped",
                        origin=row.origin(row.distinct(0, first_value)[-1][1]),
                    )
                )
            continue
        for col_key, col in columns.items():
            cell = row.cells[col] if col < len(row.cells) else None
            if cell is None or cell.col < first_value:
                continue
            _add(figures, spec.figure(row_spec.key, col_key), figure(row, cell), diagnostics)
    return figures


def _match_row(spec: TableSpec, leaf: str, above: list[str]) -> Label | None:
    def group_evidence(row: Label) -> float:
        if row.group is None or row.group == row.label:  # not in a group, or a group as one row
            return 0.0
        in_leaf = core(row.group) in core(leaf)
        found = in_leaf or any(similarity(t, row.group) >= _GROUP_MATCH for t in above)
        return 0.1 if found else -0.5

    return best_row(leaf, spec, group_evidence)


# --- column groups (section 四) ----------------------------------------------------------------


def _column_groups(spec: TableSpec, table: Logical, diagnostics: list[Diagnostic]) -> Figures:
    """`<group>.<column>`: each group (行政复议, 复议后起诉) a row of the spec, one data row."""
    figures: Figures = {}
    columns, data = _group_columns(spec, table)
    if not data:
        return figures
    with_numbers = [
        r for r in data if any(is_number(c.text) for c in (r.cells[i] for i in columns) if c)
    ]
    row = (with_numbers or data)[0]
    for col, key in columns.items():
        cell = row.cells[col]
        if cell is not None:
            _add(figures, key, figure(row, cell), diagnostics)
    return figures


def _group_columns(spec: TableSpec, table: Logical) -> tuple[dict[int, str], list[Row]]:
    """Column -> figure key from the group and leaf headers above it; the rows below them
    (found once per table, `spec` being always its kind's)."""
    if table.group_columns is None:
        table.group_columns = _find_group_columns(spec, table)
    return table.group_columns


def _find_group_columns(spec: TableSpec, table: Logical) -> tuple[dict[int, str], list[Row]]:
    # Only the header rows: the same leaf (结果维持) repeats under each group; read per column.
    match_column = _column_matcher(spec.columns)
    header_rows = _header_row_indices(table, match_column)
    if not header_rows:
        return {}, []
    columns: dict[int, str] = {}
    for col in range(table.n_cols):
        texts = _column_texts(table, header_rows, col)
        group = _best_group(spec, texts)
        leaf = next((found.key for t in reversed(texts) if (found := match_column(t))), None)
        if group is not None and leaf is not None:
            columns[col] = spec.figure(group, leaf)
    data = [
        row
        for index, row in enumerate(table.rows)
        if index > max(header_rows) and any(row.cells[c] is not None for c in columns)
    ]
    return columns, data


def _best_group(spec: TableSpec, texts: list[str]) -> str | None:
    """The group a column's header texts name, the closest match (复议后起诉 also says 复议)."""
    scored = [(best_label(t, g.labels), g.key) for g in spec.rows for t in texts]
    score, key = max(scored, default=(0.0, ""))
    return key if score >= _COLUMN_MATCH else None


# --- columns ---------------------------------------------------------------------------------


def _header_columns(table: Logical, labels: tuple[Label, ...]) -> tuple[dict[str, int], set[int]]:
    """Canonical column key -> column, from the rows that print two or more column labels."""
    match_column = _column_matcher(labels)
    header_rows = _header_row_indices(table, match_column)
    columns: dict[str, int] = {}
    for col in range(table.n_cols):
        for text in reversed(_column_texts(table, header_rows, col)):
            found = match_column(text)
            if found is not None:
                columns.setdefault(found.key, col)
                break
    return columns, header_rows


def _header_row_indices(table: Logical, match_column: ColumnMatcher) -> set[int]:
    """The rows that print two or more column labels and no figure."""
    return {
        index
        for index, row in enumerate(table.rows)
        if sum(1 for _, c in row.distinct() if match_column(c.text)) >= 2
        and not any(is_number(c.text) for _, c in row.distinct())
    }


def _column_texts(table: Logical, header_rows: set[int], col: int) -> list[str]:
    """The header texts over a column, top to bottom, each cell once (group labels included)."""
    texts: list[str] = []
    seen: set[int] = set()
    for row in table.rows[: max(header_rows, default=-1) + 1]:
        cell = row.cells[col] if col < len(row.cells) else None
        if cell is not None and id(cell) not in seen and cell.text.strip():
            seen.add(id(cell))
            texts.append(cell.text)
    return texts


def _positional_columns(
    spec: TableSpec, table: Logical, found: dict[str, int], diagnostics: list[Diagnostic]
) -> dict[str, int]:
    """The table's columns as the last ones, when headers are missing or damaged."""
    keys = [c.key for c in spec.columns]
    if table.n_cols < len(keys) + 1 or table.cut:
        return found  # a table the page's side cut does not end with the form's last column
    start = table.n_cols - len(keys)
    positional = {key: start + i for i, key in enumerate(keys)}
    if found and any(positional[k] != col for k, col in found.items()):
        return found  # the printed headers disagree with the positions: trust what is printed
    diagnostics.append(
        Diagnostic(
            code="figures.columns_by_position",
            severity="warning",
            message=f"{spec.key} table prints {len(found)} of {len(keys)} column headers; "
            f"the last {len(keys)} columns are read as " + ", ".join(c.label for c in spec.columns),
            origin=table.rows[0].origin(next(c for c in table.rows[0].cells if c is not None)),
        )
    )
    return positional
