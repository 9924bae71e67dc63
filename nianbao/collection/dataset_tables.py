"""The dataset's tables and their Arrow schemas, derived from the report model.

Every Parquet file of the dataset has an explicit schema, so that DuckDB, pandas and polars read
the same types whatever the reports hold. Where a table mirrors a part of the report (a figure,
an indicator, a check, a diagnostic, an origin), its columns are read off the pydantic models in
`nianbao.schemas.model`, in their order: a field added to the model is a column of the dataset
without a second list to keep in step. `arrow_type` says how a field's type becomes a column's:

- `str` and `Literal` strings: string; `bool`: bool; `int`: int32; `float`: float64; a number
  that may be an int or a float (a figure's value): float64; `date`: date32;
- `list[X]` and `tuple[X, ...]` (or a fixed-length tuple, a bbox): a list of X;
- `X | None`: X, nullable (every column is);
- a model, or a union of models (`Origin`): a struct of the union of their fields, so that one
  `origin` column holds every kind of origin, `kind` saying which fields it fills.

The columns that are not in the model (the report a row belongs to, its index, a figure key's
parts and labels, the counts of `reports`) are named here, before the model's; a figure's
`state` (`nianbao.collection.partial.figure_state`) and `resolved_by` come after them.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

import pyarrow as pa
from pydantic import BaseModel

from nianbao.collection.series import SeriesCheck
from nianbao.schemas.model import Check, Diagnostic, Figure, Indicator, Origin, PanelFigure


def arrow_type(annotation: Any) -> pa.DataType:
    """The Arrow type of a column holding values of the (resolved) type `annotation`."""
    origin = get_origin(annotation)
    arguments = get_args(annotation)
    if origin is Annotated:  # `Origin`: a union with its discriminator
        return arrow_type(arguments[0])
    if origin is Union or origin is types.UnionType:
        present = [a for a in arguments if a is not type(None)]
        if all(isinstance(a, type) and issubclass(a, BaseModel) for a in present):
            return model_struct(present)
        if set(present) == {int, float}:  # a number as printed: 7 or 7730.28
            return pa.float64()
        if len(present) == 1:
            return arrow_type(present[0])
        raise TypeError(f"no single column type for {annotation!r}")
    if origin is Literal:
        if all(isinstance(a, str) for a in arguments):
            return pa.string()
        raise TypeError(f"no column type for {annotation!r}")
    if origin in (list, tuple):
        items = {a for a in arguments if a is not Ellipsis}
        if len(items) != 1:
            raise TypeError(f"no single item type for {annotation!r}")
        return pa.list_(arrow_type(items.pop()))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_struct([annotation])
    simple: dict[Any, pa.DataType] = {
        str: pa.string(),
        bool: pa.bool_(),
        int: pa.int32(),
        float: pa.float64(),
        date: pa.date32(),
    }
    if annotation in simple:
        return simple[annotation]
    raise TypeError(f"no column type for {annotation!r}")


def model_fields(model: type[BaseModel]) -> list[pa.Field]:
    """A column for each of the model's fields, in the model's order, by their JSON names."""
    return [
        pa.field(info.alias or name, arrow_type(info.annotation))
        for name, info in model.model_fields.items()
    ]


def dataclass_fields(cls: type[Any]) -> list[pa.Field]:
    """A column for each field of the dataclass `cls`, in its order."""
    hints = get_type_hints(cls)
    return [pa.field(f.name, arrow_type(hints[f.name])) for f in dataclasses.fields(cls)]


def model_struct(models: Sequence[type[BaseModel]]) -> pa.StructType:
    """A struct of every field of `models`, first met first; a field two models share must be of
    one type in both."""
    fields: dict[str, pa.Field] = {}
    for model in models:
        for field in model_fields(model):
            known = fields.setdefault(field.name, field)
            if not known.type.equals(field.type):
                raise TypeError(f"{model.__name__}.{field.name} is {field.type}, not {known.type}")
    return pa.struct(list(fields.values()))


#: Where a figure, indicator, cell or diagnostic came from: every kind of `Origin` in one struct.
ORIGIN = arrow_type(Origin)

STRINGS = pa.list_(pa.string())

#: Columns of `reports` read from the report's `source` (the input), as `(column, field)`.
SOURCE_COLUMNS = (
    ("sha256", "sha256"),
    ("source", "name"),
    ("bytes", "bytes"),
    ("media_type", "media_type"),
    ("format", "format"),
    ("adapter", "adapter"),
    ("encoding", "encoding"),  # its name, the codec
    ("pages", "pages"),
    ("ocr_pages", "ocr_pages"),
)

#: The columns before the model's in a table of a report's items: the report, the item's place.
_ITEM = [pa.field("report", pa.string()), pa.field("index", pa.int32())]

#: The columns before the model's in `figures`: the report, the figure's key, its parts and
#: their labels as the report's form prints them.
_FIGURE_KEY = [
    pa.field(name, pa.string())
    for name in (
        "report",
        "key",
        "section",
        "row",
        "column",
        "section_label",
        "row_label",
        "column_label",
    )
]

#: The columns after the model's in `figures`: `state`, `value`, `blank` or `undetermined`
#: (`nianbao.collection.partial.figure_state`), so that no one sums a guess or mistakes an
#: undetermined figure for a printed blank; or `resolved`, an undetermined figure that other
#: reports settled (`nianbao.collection.settle`), and then `resolved_by` says how.
_FIGURE_STATE = [pa.field("state", pa.string()), pa.field("resolved_by", pa.string())]

SCHEMAS: dict[str, pa.Schema] = {
    "reports": pa.schema(
        [
            ("sha256", pa.string()),
            ("source", pa.string()),
            ("file", pa.string()),
            ("bytes", pa.int64()),
            ("media_type", pa.string()),
            ("format", pa.string()),
            ("adapter", pa.string()),
            ("encoding", pa.string()),
            ("pages", pa.int32()),
            ("ocr_pages", pa.list_(pa.int32())),
            ("title", pa.string()),
            ("recognised", pa.bool_()),
            ("partial", pa.bool_()),
            ("partial_reasons", STRINGS),
            ("template", pa.string()),
            ("organization", pa.string()),
            ("body", pa.string()),
            ("year", pa.int32()),
            ("published_on", pa.date32()),
            ("publisher", pa.string()),
            ("url", pa.string()),
            ("figures", pa.int32()),
            ("figures_undetermined", pa.int32()),
            ("indicators", pa.int32()),
            ("checks_passed", pa.int32()),
            ("checks_failed", pa.int32()),
            ("checks_skipped", pa.int32()),
            ("diagnostics", pa.int32()),
        ]
    ),
    "figures": pa.schema([*_FIGURE_KEY, *model_fields(Figure), *_FIGURE_STATE]),
    "indicators": pa.schema([*_ITEM, *model_fields(Indicator)]),
    "checks": pa.schema([*_ITEM, *model_fields(Check)]),
    "diagnostics": pa.schema([*_ITEM, *model_fields(Diagnostic)]),
    # Long form, with the body and year a series is read by: one row per panel figure.
    "panel": pa.schema(
        [
            pa.field("report", pa.string()),
            pa.field("body", pa.string()),
            pa.field("year", pa.int32()),
            pa.field("key", pa.string()),
            *model_fields(PanelFigure),
        ]
    ),
    "series_checks": pa.schema(dataclass_fields(SeriesCheck)),
}

#: The tables whose rows mirror a model, by the model (each row is one of its instances).
MIRRORED: dict[str, type[BaseModel]] = {
    "figures": Figure,
    "indicators": Indicator,
    "checks": Check,
    "diagnostics": Diagnostic,
    "panel": PanelFigure,
}

#: The tables made from reports, in the order they are committed (`reports` last).
REPORT_TABLES = ("figures", "indicators", "checks", "diagnostics", "panel", "reports")
#: The checks across reports, made from the dataset itself.
SERIES = "series_checks"
#: The column naming the report a row of each report table belongs to.
REPORT_KEY = {name: ("sha256" if name == "reports" else "report") for name in REPORT_TABLES}
