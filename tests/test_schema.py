from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

import nianbao
from nianbao.errors import NianbaoError, ReportValidationError
from nianbao.schemas.emit import report_data
from nianbao.schemas.validation import (
    SCHEMA_ID,
    build_schema,
    check_schema_version,
    schema_errors,
    schema_text,
    validate_report_data,
)
from tests.conftest import REGENERATE, ROOT

COMMITTED = ROOT / "nianbao" / "schemas" / "report.schema.json"


def test_committed_schema_matches_the_models() -> None:
    generated = schema_text(build_schema())
    if REGENERATE:
        COMMITTED.write_text(generated, encoding="utf-8")
    assert COMMITTED.read_text(encoding="utf-8") == generated, (
        "the models changed: run NIANBAO_REGENERATE=1 pytest tests/test_schema.py and commit"
    )


def test_schema_is_draft_2020_12_with_id_and_version() -> None:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID
    assert schema["version"] == "nianbao.report/1"


def test_schema_ships_inside_the_package() -> None:
    shipped = resources.files("nianbao.schemas").joinpath("report.schema.json")
    assert json.loads(shipped.read_text(encoding="utf-8"))["$id"] == SCHEMA_ID


def test_schema_rejects_a_broken_report(text_sample: dict[str, Path]) -> None:
    data = report_data(nianbao.convert_document(text_sample["004"]))
    assert schema_errors(data) == []
    data["document"]["tables"][0]["cells"][0]["row_span"] = 0
    del data["source"]["sha256"]
    errors = schema_errors(data)
    assert any("sha256" in e for e in errors)
    assert any("row_span" in e for e in errors)
    with pytest.raises(ReportValidationError, match="does not match its schema"):
        validate_report_data(data, source="x.json")


@pytest.mark.parametrize("tag", ["nianbao.report/2", "other.report/1", None])
def test_readers_reject_newer_majors_and_strangers(tag: str | None) -> None:
    with pytest.raises(NianbaoError):
        check_schema_version({"schema": tag})


def test_current_major_is_accepted() -> None:
    check_schema_version({"schema": "nianbao.report/1"})
