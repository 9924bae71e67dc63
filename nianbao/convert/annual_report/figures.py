"""Canonical figures from the section 二, 三 and 四 tables, found by their labels.

Columns are found from the header cells above them (the deepest header that names a canonical
column wins: 商业企业 under 法人或其他组织); rows from their label cells, scored against the rows
of `canon` with the group label above them (不予公开 › 2.其他法律行政法规禁止公开) and their
numbering. Positions are used only when a table prints no headers at all, and then say so.
"""

from __future__ import annotations

from nianbao.convert.annual_report import canon
from nianbao.convert.annual_report.grids import Logical, Row
from nianbao.convert.annual_report.labels import (
    best_label,
    compact,
    core,
    numbering,
    similarity,
    unit_note,
)
from nianbao.convert.annual_report.values import is_number, parse_value
from nianbao.convert.model import Diagnostic, Figure, TableCell

_COLUMN_MATCH = 0.8
_ROW_MATCH = 0.75
_LEAF_MIN = 0.55
_GROUP_MATCH = 0.6

Figures = dict[str, Figure]


def figure(row: Row, cell: TableCell, unit: str | None = None) -> Figure:
    parsed = parse_value(cell.text)
    return Figure(
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


def _match_column(text: str, labels: tuple[canon.Label, ...]) -> canon.Label | None:
    scored = [(best_label(text, c.labels), c) for c in labels]
    score, best = max(scored, key=lambda s: s[0])
    return best if score >= _COLUMN_MATCH else None


# --- section 二 ------------------------------------------------------------------------------

_PROACTIVE_DEFAULT_2021 = {
    "regulations": ("issued", "repealed", "in_force"),
    "normative_documents": ("issued", "repealed", "in_force"),
    "licensing": ("decisions",),
    "penalty": ("decisions",),
    "coercion": ("decisions",),
    "fees": ("amount",),
}


def proactive_figures(table: Logical, diagnostics: list[Diagnostic]) -> Figures:
    """`proactive.*`: each 信息内容 header row sets the columns for the rows below it."""
    figures: Figures = {}
    columns: dict[int, tuple[str, str | None]] = {}  # column -> (column key, unit from header)
    for row in table.rows:
        cells = [(col, cell) for col, cell in row.distinct() if cell.text.strip()]
        if not cells:
            continue
        header = [
            (col, cell, found)
            for col, cell in cells
            if (found := _match_column(cell.text, canon.PROACTIVE_COLUMNS)) is not None
        ]
        if header and not any(is_number(cell.text) for _, cell in cells):
            columns = {}
            for col, cell, found in header:
                for c in range(col, col + cell.col_span):
                    columns[c] = (found.key, unit_note(cell.text))
            continue
        label_col, label = cells[0]
        row_spec = _match_row_label(label.text)
        if row_spec is None:
            continue
        values = [(col, cell) for col, cell in row.distinct(label_col + 1) if cell is not label]
        if not columns:
            defaults = _PROACTIVE_DEFAULT_2021.get(row_spec, ())
            diagnostics.append(
                Diagnostic(
                    code="figures.columns_by_position",
                    severity="warning",
                    message=f"no column headers above {compact(label.text)}; "
                    "its figures are read in the 2021 template's column order",
                    origin=row.origin(label),
                )
            )
            pairs: list[tuple[str, str | None]] = [(d, None) for d in defaults]
            assigned = list(zip(pairs, [cell for _, cell in values], strict=False))
        else:
            assigned = [(columns[col], cell) for col, cell in values if col in columns]
        for (col_key, unit), cell in assigned:
            key = f"proactive.{row_spec}.{col_key}"
            if key in canon.PROACTIVE_KEYS:
                _add(figures, key, figure(row, cell, unit), diagnostics)
    return figures


def _match_row_label(text: str) -> str | None:
    scored = [(best_label(text, r.labels), r.key) for r in canon.PROACTIVE_ROWS]
    score, key = max(scored)
    return key if score >= _ROW_MATCH else None


# --- section 三 ------------------------------------------------------------------------------


def application_figures(table: Logical, diagnostics: list[Diagnostic]) -> Figures:
    """`applications.<row>.<column>` from the 申请人情况 columns and the 办理结果 rows."""
    figures: Figures = {}
    columns, header_rows = _header_columns(table, canon.APPLICATION_COLUMNS)
    if len(columns) < len(canon.APPLICATION_COLUMNS):
        columns = _positional_columns(table, columns, diagnostics)
    if not columns:
        return figures
    first_value = min(columns.values())
    group: str | None = None  # the last （三）不予公开 seen, for rows that don't repeat it
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
        spec = _match_application_row(leaf, above)
        if spec is None:
            if any(is_number(c.text) for c in row.cells[first_value:] if c is not None):
                diagnostics.append(
                    Diagnostic(
                        code="figures.unmatched_row",
                        severity="info",
                        message=f"a section 三 row labelled {compact(leaf)!r} matches no "
                        "canonical row; its figures are not mapped",
                        origin=row.origin(row.distinct(0, first_value)[-1][1]),
                    )
                )
            continue
        for col_key, col in columns.items():
            cell = row.cells[col] if col < len(row.cells) else None
            if cell is None or cell.col < first_value:
                continue
            _add(figures, f"applications.{spec.key}.{col_key}", figure(row, cell), diagnostics)
    return figures


def _match_application_row(leaf: str, above: list[str]) -> canon.RowSpec | None:
    best: tuple[float, canon.RowSpec] | None = None
    printed = numbering(leaf)
    for spec in canon.APPLICATION_ROWS:
        leaf_score = similarity(leaf, spec.label)
        if leaf_score < _LEAF_MIN:
            continue
        score = leaf_score
        if printed is not None and spec.numbering is not None:
            score += 0.25 if printed == spec.numbering else -0.25
        if spec.group is not None:
            in_leaf = core(spec.group) in core(leaf)
            found = in_leaf or any(similarity(t, spec.group) >= _GROUP_MATCH for t in above)
            score += 0.1 if found else -0.5
        if best is None or score > best[0]:
            best = (score, spec)
    return best[1] if best is not None and best[0] >= _ROW_MATCH else None


# --- section 四 ------------------------------------------------------------------------------


def review_figures(table: Logical, diagnostics: list[Diagnostic]) -> Figures:
    """`review.*`, `litigation_direct.*`, `litigation_after_review.*` from the one data row."""
    figures: Figures = {}
    leaves, header_rows = _header_columns(table, canon.REVIEW_COLUMNS)
    del leaves  # the same leaf (结果维持) repeats under each group; read per column below
    if not header_rows:
        return figures
    columns: dict[int, str] = {}
    for col in range(table.n_cols):
        texts = _column_texts(table, header_rows, col)
        group = next(
            (
                g.key
                for g in canon.REVIEW_GROUPS
                if any(best_label(t, g.labels) >= _COLUMN_MATCH for t in texts)
            ),
            None,
        )
        leaf = next(
            (
                found.key
                for t in reversed(texts)
                if (found := _match_column(t, canon.REVIEW_COLUMNS))
            ),
            None,
        )
        if group is not None and leaf is not None:
            columns[col] = f"{group}.{leaf}"
    data = [
        row
        for index, row in enumerate(table.rows)
        if index > max(header_rows) and any(row.cells[c] is not None for c in columns)
    ]
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


# --- columns ---------------------------------------------------------------------------------


def _header_columns(
    table: Logical, labels: tuple[canon.Label, ...]
) -> tuple[dict[str, int], set[int]]:
    """Canonical column key -> column, from the rows that print two or more column labels."""
    header_rows = {
        index
        for index, row in enumerate(table.rows)
        if sum(1 for _, c in row.distinct() if _match_column(c.text, labels)) >= 2
        and not any(is_number(c.text) for _, c in row.distinct())
    }
    columns: dict[str, int] = {}
    for col in range(table.n_cols):
        for text in reversed(_column_texts(table, header_rows, col)):
            found = _match_column(text, labels)
            if found is not None:
                columns.setdefault(found.key, col)
                break
    return columns, header_rows


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
    table: Logical, found: dict[str, int], diagnostics: list[Diagnostic]
) -> dict[str, int]:
    """The seven applicant columns as the last seven, when headers are missing or damaged."""
    keys = [c.key for c in canon.APPLICATION_COLUMNS]
    if table.n_cols < len(keys) + 1:
        return found
    start = table.n_cols - len(keys)
    positional = {key: start + i for i, key in enumerate(keys)}
    if found and any(positional[k] != col for k, col in found.items()):
        return found  # the printed headers disagree with the positions: trust what is printed
    diagnostics.append(
        Diagnostic(
            code="figures.columns_by_position",
            severity="warning",
            message=f"section 三 table prints {len(found)} of 7 applicant column headers; "
            "the last 7 columns are read as 自然人, 商业企业, 科研机构, 社会公益组织, "
            "法律服务机构, 其他, 总计",
            origin=table.rows[0].origin(next(c for c in table.rows[0].cells if c is not None)),
        )
    )
    return positional
