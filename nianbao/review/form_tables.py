"""A form's tables laid out as the official form prints them: header cells, label cells and a
cell for each figure, with their spans, from the form files alone (`nianbao/forms`; no label is
written here).

Three layouts, as the forms say (`TableSpec.layout`):

- `header-rows` (section 二): each run of rows with the same columns under its own header row
  of those columns' labels; a row with fewer columns than the widest spans them;
- `row-labels` (section 三): the column groups printed above their columns, the row groups
  beside their rows, each label with its numbering;
- `column-groups` (section 四): the rows printed across, as groups of columns (a row group over
  its rows), the columns' labels under each, one row of figures.

A row the form marks optional is laid out only when the report has one of its figures; a row
the report prints in another form's way is not (the 2019 form's single （六） row in a 2021
report stands for the 2021 form's three rows: `collection.partial.missing_figures`), and a
group printed as one row gets one label.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from itertools import groupby

from nianbao.forms.spec import Label, TableSpec


@dataclass(frozen=True)
class Slot:
    """One cell of the laid-out table: a label (`text`) or a figure (`key`)."""

    text: str = ""
    key: str | None = None
    rows: int = 1
    cols: int = 1
    header: bool = False


Layout = list[list[Slot]]


def lay_out(table: TableSpec, present: Collection[str], missing: Collection[str]) -> Layout:
    """`table` as printed, for a report whose figures' keys are `present`; `missing`: those
    its form prints that the report lacks (the rest of the absent ones have stand-ins)."""
    rows = [
        r
        for r in table.rows
        if _any_present(table, r, present) or (not r.optional and _any_present(table, r, missing))
    ]
    if table.layout == "header-rows":
        return _header_rows(table, rows)
    if table.layout == "column-groups":
        return _column_groups(table, rows)
    return _row_labels(table, rows)


def _any_present(table: TableSpec, row: Label, keys: Collection[str]) -> bool:
    return any(table.figure(row.key, col) in keys for col in _columns_of(table, row))


def _columns_of(table: TableSpec, row: Label) -> tuple[str, ...]:
    return row.columns or tuple(c.key for c in table.columns)


def _printed(label: Label) -> str:
    return f"{label.numbering or ''}{label.label}"


def _group(table: TableSpec, key: str) -> Label:
    """The group a row or column names: by its key, or by its label (see `Label.group`)."""
    found = next((g for g in table.groups if key in (g.key, g.label)), None)
    return found or Label(key=key, label=key)


def _header_rows(table: TableSpec, rows: list[Label]) -> Layout:
    width = max(len(_columns_of(table, r)) for r in rows)
    layout: Layout = []
    for columns, run in groupby(rows, key=lambda r: _columns_of(table, r)):
        spans = _spread(width, len(columns))
        header = [Slot(header=True)]  # the row labels' own header is not in the forms' data
        header += [
            Slot(text=table.column(c).label, cols=span, header=True)
            for c, span in zip(columns, spans, strict=True)
        ]
        layout.append(header)
        for row in run:
            cells = [Slot(text=_printed(row), header=True)]
            cells += [
                Slot(key=table.figure(row.key, c), cols=span)
                for c, span in zip(columns, spans, strict=True)
            ]
            layout.append(cells)
    return layout


def _spread(width: int, count: int) -> list[int]:
    """`count` cells across `width` columns, the last taking what is left."""
    return [1] * (count - 1) + [width - count + 1]


def _row_labels(table: TableSpec, rows: list[Label]) -> Layout:
    grouped_rows = any(r.group for r in rows)
    label_cols = 2 if grouped_rows else 1
    column_groups = any(c.group for c in table.columns)
    header_rows = 2 if column_groups else 1
    top: list[Slot] = [Slot(rows=header_rows, cols=label_cols, header=True)]
    under: list[Slot] = []
    for group, run in groupby(table.columns, key=lambda c: c.group):
        columns = list(run)
        if group is None:
            top += [Slot(text=c.label, rows=header_rows, header=True) for c in columns]
        else:
            top.append(Slot(text=_group(table, group).label, cols=len(columns), header=True))
            under += [Slot(text=c.label, header=True) for c in columns]
    layout: Layout = [top, under] if column_groups else [top]
    for group, run in groupby(rows, key=lambda r: r.group):
        members = list(run)
        for i, row in enumerate(members):
            cells: list[Slot] = []
            if group is None or (len(members) == 1 and row.label == row.group):
                # A row of its own, or a group printed as one row (its label the group's).
                cells.append(Slot(text=_printed(row), cols=label_cols, header=True))
            else:
                if i == 0:
                    cells.append(
                        Slot(text=_printed(_group(table, group)), rows=len(members), header=True)
                    )
                cells.append(Slot(text=_printed(row), header=True))
            cells += list(_figure_slots(table, row))
            layout.append(cells)
    return layout


def _figure_slots(table: TableSpec, row: Label) -> Iterator[Slot]:
    own = set(_columns_of(table, row))
    for column in table.columns:
        yield Slot(key=table.figure(row.key, column.key)) if column.key in own else Slot()


def _column_groups(table: TableSpec, rows: list[Label]) -> Layout:
    width = len(table.columns)
    grouped = any(r.group for r in rows)
    top: list[Slot] = []
    middle: list[Slot] = []
    for group, run in groupby(rows, key=lambda r: r.group):
        members = list(run)
        if group is None:
            top += [
                Slot(text=_printed(r), cols=width, rows=2 if grouped else 1, header=True)
                for r in members
            ]
        else:
            top.append(
                Slot(text=_printed(_group(table, group)), cols=width * len(members), header=True)
            )
            middle += [Slot(text=_printed(r), cols=width, header=True) for r in members]
    labels = [Slot(text=c.label, header=True) for _ in rows for c in table.columns]
    figures = [Slot(key=table.figure(r.key, c.key)) for r in rows for c in table.columns]
    return [top, middle, labels, figures] if grouped else [top, labels, figures]
