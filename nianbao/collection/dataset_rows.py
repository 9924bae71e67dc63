"""A report as rows of the dataset's tables (`nianbao.collection.dataset_tables`).

A table that mirrors a model takes each of the model's fields from the report's JSON by name,
the field's default where the JSON leaves it out (a figure's confidence of 1), and casts it to
its column's type; so a field added to the model is filled without a line here. What is not in
the model comes first: the report a row belongs to, its index, a figure key's parts and labels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from nianbao.collection.dataset_tables import (
    MIRRORED,
    REPORT_TABLES,
    SCHEMAS,
    SERIES,
    SOURCE_COLUMNS,
)
from nianbao.collection.partial import figure_state, of_data
from nianbao.collection.series import SeriesCheck, body_key
from nianbao.forms import FORMS

#: The report's place in the input order, while its rows wait to be merged.
SEQ = "_seq"


@dataclass(frozen=True)
class FigureInfo:
    section: str
    row: str
    column: str | None
    section_label: str
    row_label: str
    column_label: str | None


def _figure_info(form: str | None = None) -> dict[str, FigureInfo]:
    """Each figure key's parts and labels, as `form` prints them where it does."""
    info: dict[str, FigureInfo] = {}
    for table in (*FORMS.tables, *FORMS.indicator_tables):
        for row, col in table.cells():
            key = table.figure(row.key, col.key)
            heading, row_label, col_label = FORMS.describe(key, form) or ("", row.label, col.label)
            info.setdefault(
                key, FigureInfo(table.section, row.key, col.key, heading, row_label, col_label)
            )
    for prose in FORMS.prose:
        heading, label, _ = FORMS.describe(prose.key) or ("", prose.label, "")
        info[prose.key] = FigureInfo(prose.section, prose.key, None, heading, label, None)
    return info


#: Figure keys' parts and labels by the form of the report (None: a report of no known form).
FIGURES: dict[str | None, dict[str, FigureInfo]] = {
    form: _figure_info(form) for form in (None, *FORMS.ids)
}


def staged_schema(table: str) -> pa.Schema:
    """The schema of `table` with the `SEQ` column its rows carry until they are merged."""
    return SCHEMAS[table].append(pa.field(SEQ, pa.int64()))


def cell(value: Any, column: pa.DataType) -> Any:
    """`value` from the JSON as its column holds it: a float where the JSON has an int, an
    origin with every field of the struct (those of other kinds null), a list for a tuple."""
    if value is None:
        return None
    if pa.types.is_struct(column):
        return {field.name: cell(value.get(field.name), field.type) for field in column}
    if pa.types.is_list(column):
        return [cell(item, column.value_type) for item in value]
    if pa.types.is_floating(column):
        return float(value)
    return value


class ReportRows:
    """Rows of the report tables, column by column, until they become Arrow tables."""

    def __init__(self) -> None:
        self.count = 0  # reports since the last `tables()`
        self.seq = 0  # reports ever added: the last report's `SEQ`
        self.columns: dict[str, dict[str, list[Any]]] = {}
        self.clear()

    def clear(self) -> None:
        self.count = 0
        self.columns = {name: {f.name: [] for f in staged_schema(name)} for name in REPORT_TABLES}

    def add(self, table: str, **row: Any) -> None:
        row[SEQ] = self.seq
        for name, values in self.columns[table].items():
            values.append(row.get(name))

    def add_mirrored(self, table: str, item: Mapping[str, Any], **row: Any) -> None:
        """A row of a table that mirrors a model: `item` (the JSON of an instance) gives the
        model's fields, `row` the columns before them."""
        schema = SCHEMAS[table]
        for name, info in MIRRORED[table].model_fields.items():
            field = info.alias or name
            value = item[field] if field in item else info.get_default(call_default_factory=True)
            row[field] = cell(value, schema.field(field).type)
        self.add(table, **row)

    def add_report(self, data: Mapping[str, Any], file: str) -> None:
        self.count += 1
        self.seq += 1
        source = data.get("source") or {}
        sha = source["sha256"]
        annual: Mapping[str, Any] = data.get("annual_report") or {}
        figures: Mapping[str, Any] = annual.get("figures") or {}
        indicators: list[Mapping[str, Any]] = annual.get("indicators") or []
        checks: list[Mapping[str, Any]] = annual.get("checks") or []
        diagnostics: list[Mapping[str, Any]] = data.get("diagnostics") or []
        labels = FIGURES.get(annual.get("template")) or FIGURES[None]
        for key, figure in figures.items():
            info = labels.get(key)
            self.add_mirrored(
                "figures",
                figure,
                report=sha,
                key=key,
                state=figure_state(figure),
                section=info.section if info else None,
                row=info.row if info else None,
                column=info.column if info else None,
                section_label=info.section_label if info else None,
                row_label=info.row_label if info else None,
                column_label=info.column_label if info else None,
            )
        for table, items in (
            ("indicators", indicators),
            ("checks", checks),
            ("diagnostics", diagnostics),
        ):
            for index, item in enumerate(items):
                self.add_mirrored(table, item, report=sha, index=index)
        body = body_key(annual.get("organization"))
        for key, figure in (annual.get("panel") or {}).items():
            self.add_mirrored(
                "panel", figure, report=sha, body=body, year=annual.get("year"), key=key
            )
        statuses = [c.get("status") for c in checks]
        published = annual.get("published_on")
        completeness = of_data(data)
        inputs = {column: source.get(field) for column, field in SOURCE_COLUMNS}
        inputs["encoding"] = (source.get("encoding") or {}).get("name")  # the codec
        document = data.get("document") or {}
        publication = document.get("publication") or {}
        self.add(
            "reports",
            **inputs,
            file=file,
            title=document.get("title"),
            recognised=completeness.status != "not a report",
            partial=completeness.partial,
            partial_reasons=list(completeness.reasons),
            template=annual.get("template"),
            organization=annual.get("organization"),
            body=body,
            year=annual.get("year"),
            published_on=date.fromisoformat(published) if published else None,
            publisher=publication.get("publisher"),
            url=publication.get("url"),
            figures=len(figures),
            figures_undetermined=completeness.undetermined,
            indicators=len(indicators),
            checks_passed=statuses.count("pass"),
            checks_failed=statuses.count("fail"),
            checks_skipped=statuses.count("skipped"),
            diagnostics=len(diagnostics),
        )

    def tables(self) -> dict[str, pa.Table]:
        """The rows so far as Arrow tables (with `SEQ`); the rows are then let go."""
        tables = {
            name: pa.Table.from_pydict(self.columns[name], schema=staged_schema(name))
            for name in REPORT_TABLES
        }
        self.clear()
        return tables


def series_table(checks: Sequence[SeriesCheck]) -> pa.Table:
    schema = SCHEMAS[SERIES]
    columns: dict[str, list[Any]] = {f.name: [] for f in schema}
    for check in checks:
        for name, values in columns.items():
            value = getattr(check, name)
            values.append(list(value) if isinstance(value, tuple) else value)
    return pa.Table.from_pydict(columns, schema=schema)
