"""Issue 24 (model24b): the warm cost after the pages are read, cut without changing a report.

Each shortcut taken for speed is held here to the slow way it replaced: the table's grid (one
slot per cell without walking its span), the linear reader's label patterns (made once per
form table), the caches keyed on a form's labels (asked by identity, never stale).
"""

from __future__ import annotations

import random
import re

from nianbao.convert.annual_report import figures
from nianbao.convert.annual_report.linear_runs import _label_targets, _squeeze
from nianbao.forms import FORMS
from nianbao.schemas.model import ElementOrigin, Table, TableCell
from nianbao.text.script import fold


def _slow_grid(table: Table) -> list[list[TableCell | None]]:
    """`Table.grid` as it was before issue 24: every cell's span walked."""
    rows: list[list[TableCell | None]] = [[None] * table.n_cols for _ in range(table.n_rows)]
    for cell in table.cells:
        for r in range(cell.row, min(cell.row + cell.row_span, table.n_rows)):
            for c in range(cell.col, min(cell.col + cell.col_span, table.n_cols)):
                rows[r][c] = cell
    return rows


def test_grid_of_single_slot_cells_is_the_grid_of_spans_walked() -> None:
    chance = random.Random(24)
    origin = ElementOrigin(path="body/table[1]")
    for _ in range(300):
        n_rows, n_cols = chance.randint(0, 6), chance.randint(0, 6)
        cells = [
            TableCell(
                # some cells start outside the table or span past its edge: kept out, as before
                row=chance.randint(0, n_rows + 1),
                col=chance.randint(0, n_cols + 1),
                row_span=chance.choice([1, 1, 1, 2, 3]),
                col_span=chance.choice([1, 1, 1, 2, 3]),
                text=str(n),
                origin=origin,
            )
            for n in range(chance.randint(0, 12))
        ]
        table = Table(
            n_rows=n_rows, n_cols=n_cols, method="html", confidence=1.0, cells=cells, origin=origin
        )
        assert table.grid() == _slow_grid(table)
        assert [[id(c) for c in row] for row in table.grid()] == [
            [id(c) for c in row] for row in _slow_grid(table)
        ]


def test_label_patterns_are_each_forms_row_labels_squeezed_in_order() -> None:
    for form in FORMS.forms:
        for spec in form.tables:
            expected = [
                (row.key, label, re.escape(_squeeze(fold(label))[0]))
                for row in spec.rows
                for label in row.labels
                if _squeeze(fold(label))[0]
            ]
            made = _label_targets(spec)
            assert [(row.key, label, p.pattern) for row, label, p in made] == expected
            assert _label_targets(spec) is made  # once per process


def test_column_matcher_answers_as_the_labels_do_and_once_per_columns() -> None:
    spec = FORMS.table("applications")
    match = figures._column_matcher(spec.columns)
    assert figures._column_matcher(spec.columns) is match
    for column in spec.columns:
        found = match(column.label)
        assert found is not None and found.label == column.label
    assert match("与表格无关的一段文字") is None
