"""The dataset's columns are the model's (`nianbao.collection.dataset_tables`): a field of the
report model that the Parquet schema lacks, or holds as another type, fails here."""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Literal, get_args

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pydantic import BaseModel, Field

from nianbao.collection import dataset
from nianbao.collection.dataset_tables import (
    MIRRORED,
    ORIGIN,
    SCHEMAS,
    SOURCE_COLUMNS,
    arrow_type,
    model_fields,
)
from nianbao.collection.series import SeriesCheck
from nianbao.schemas.model import (
    AnnualReport,
    Check,
    Diagnostic,
    Figure,
    Indicator,
    Origin,
    PageOrigin,
    Source,
)
from tests.conftest import GOLDEN

ORIGIN_MODELS: tuple[type[BaseModel], ...] = get_args(get_args(Origin)[0])


@pytest.mark.parametrize("model", ORIGIN_MODELS, ids=lambda m: m.__name__)
def test_every_field_of_every_origin_is_in_the_origin_struct(model: type[BaseModel]) -> None:
    struct = {field.name: field.type for field in ORIGIN}
    for name, info in model.model_fields.items():
        assert name in struct, f"{model.__name__}.{name} is not in the dataset's origin struct"
        assert struct[name].equals(arrow_type(info.annotation)), f"{model.__name__}.{name}"


def test_an_ocr_confidence_is_in_the_origin_struct() -> None:
    assert ORIGIN.field("confidence").type == pa.float64()
    assert "confidence" in PageOrigin.model_fields


@pytest.mark.parametrize(
    ("table", "model"),
    [
        ("figures", Figure),
        ("indicators", Indicator),
        ("checks", Check),
        ("diagnostics", Diagnostic),
    ],
)
def test_every_field_of_a_mirrored_model_is_a_column(table: str, model: type[BaseModel]) -> None:
    assert MIRRORED[table] is model
    schema = SCHEMAS[table]
    for name in model.model_fields:
        assert name in schema.names, f"{model.__name__}.{name} is not a column of {table}"
    columns = [f for f in schema if f.name in model.model_fields]
    assert columns == model_fields(model)  # in the model's order, of the model's types


def test_every_field_of_the_source_and_the_annual_report_is_a_column_of_reports() -> None:
    reports = SCHEMAS["reports"].names
    assert {field for _, field in SOURCE_COLUMNS} == set(Source.model_fields)
    assert all(column in reports for column, _ in SOURCE_COLUMNS)
    scalars = ("template", "organization", "year", "published_on")
    assert all(name in AnnualReport.model_fields and name in reports for name in scalars)


def test_every_field_of_a_series_check_is_a_column() -> None:
    names = [f.name for f in dataclasses.fields(SeriesCheck)]
    assert SCHEMAS["series_checks"].names == names


def test_a_field_added_to_a_model_is_a_column() -> None:
    class Extended(Figure):
        reviewed_on: date | None = None
        reviewers: list[str] = Field(default_factory=list)
        grade: Literal["a", "b"] = "a"

    added = {f.name: f.type for f in model_fields(Extended)}
    assert added["reviewed_on"] == pa.date32()
    assert added["reviewers"] == pa.list_(pa.string())
    assert added["grade"] == pa.string()
    assert added["value"] == pa.float64()  # an int or a float as printed


def test_a_type_with_no_column_type_is_refused() -> None:
    with pytest.raises(TypeError, match="no single column type"):
        arrow_type(int | str)
    with pytest.raises(TypeError, match="no column type"):
        arrow_type(bytes)


def test_an_ocr_confidence_reaches_the_dataset(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    data = json.loads((GOLDEN / "hongze-2024.pdf.json").read_text(encoding="utf-8"))
    key = "applications.new_received.total"
    data["annual_report"]["figures"][key]["origin"] = {
        "kind": "page",
        "page": 2,
        "bbox": [10, 20, 30, 40],
        "confidence": 0.75,
    }
    (reports / "ocr.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    shutil.copyfile(GOLDEN / "pingtan-2019.txt.json", reports / "pingtan.json")
    summary = dataset.update(tmp_path / "ds", [reports / "ocr.json", reports / "pingtan.json"])
    assert not summary.problems
    figures = pq.read_table(tmp_path / "ds" / "figures.parquet").to_pylist()
    (origin,) = [f["origin"] for f in figures if f["key"] == key and f["origin"]["kind"] == "page"]
    assert origin["confidence"] == 0.75 and origin["bbox"] == [10.0, 20.0, 30.0, 40.0]
    assert origin["table"] is None  # a field of another kind of origin
