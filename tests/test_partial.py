"""What makes a report partial (`nianbao.collection.partial`), the one definition that the
terminal line, the batch summary, the watcher's log, the CSV/XLSX `partial` column and the
Parquet `reports.partial` column read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from nianbao.collection import dataset
from nianbao.collection.export import COLUMNS, read_row
from nianbao.collection.partial import missing_figures, of_data, of_report
from nianbao.forms import FORMS
from nianbao.forms.spec import Form
from nianbao.schemas.model import Report
from tests.conftest import GOLDEN

GOLDENS = sorted(GOLDEN.glob("*.json"))


def _golden(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    return data


def _form(form_id: str) -> Form:
    return next(f for f in FORMS.forms if f.id == form_id)


@pytest.mark.parametrize("path", GOLDENS, ids=lambda p: p.name)
def test_a_report_and_its_json_say_the_same(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert of_data(data) == of_report(Report.model_validate(data))


def test_a_2021_report_printing_the_2019_single_other_row_is_complete() -> None:
    hongze = _golden("hongze-2024.pdf.json")  # （六）其他处理 as one row, not three
    figures = hongze["annual_report"]["figures"]
    assert "applications.other_handling.total" in figures
    assert "applications.other_other.total" not in figures
    assert of_data(hongze).status == "complete"


def test_a_2019_report_printing_the_three_other_rows_is_complete() -> None:
    pingtan = _golden("pingtan-2019.txt.json")
    figures = pingtan["annual_report"]["figures"]
    for key in [k for k in figures if k.startswith("applications.other_handling.")]:
        figures[key.replace("other_handling", "other_other")] = figures.pop(key)
    assert of_data(pingtan).status == "complete"
    del figures["applications.other_other.total"]  # neither the group's row nor its parts
    assert of_data(pingtan).reasons == (f"1 of {len(_form('2019').figure_keys())} figures missing",)


def test_a_figure_the_form_prints_absent_makes_the_report_partial() -> None:
    zhongshan = _golden("004_7635fab03e0d303d.txt.json")
    assert of_data(zhongshan).status == "complete"
    del zhongshan["annual_report"]["figures"]["proactive.fees.amount"]  # in no check
    found = of_data(zhongshan)
    assert found.status == "partial"
    assert found.reasons == (f"1 of {len(_form('2021').figure_keys())} figures missing",)
    assert missing_figures(_form("2021"), zhongshan["annual_report"]["figures"]) == [
        "proactive.fees.amount"
    ]


def test_blank_cells_and_skipped_checks_are_not_partiality() -> None:
    # kewei-2024 prints one cell blank, and the checks over it are skipped. (The blank template
    # was the example until it became a form, not a report: `annual_report.blank_form`.)
    blank = _golden("kewei-2024.md.json")
    figures = blank["annual_report"]["figures"].values()
    assert any(f["value"] is None for f in figures)
    assert any(c["status"] == "skipped" for c in blank["annual_report"]["checks"])
    assert of_data(blank).status == "complete"


def test_a_report_of_no_known_form_is_partial() -> None:
    unknown = _golden("004_7635fab03e0d303d.txt.json")
    unknown["annual_report"]["template"] = None
    assert of_data(unknown).reasons == ("form unknown",)
    unknown["annual_report"]["template"] = "2030"
    assert of_data(unknown).reasons == ("form 2030 unknown",)


def test_a_document_that_is_not_a_report_is_counted_apart_and_partial() -> None:
    notice = _golden("004_7635fab03e0d303d.txt.json")
    notice["annual_report"] = None
    found = of_data(notice)
    assert found.status == "not a report" and found.partial
    assert found.reasons == ("not recognised as an annual report",)


def test_the_csv_and_the_parquet_say_what_the_definition_says(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    zhongshan = _golden("004_7635fab03e0d303d.txt.json")
    del zhongshan["annual_report"]["figures"]["proactive.fees.amount"]
    (reports / "zhongshan.json").write_text(json.dumps(zhongshan), encoding="utf-8")
    files = [reports / "zhongshan.json", GOLDEN / "001_32df0900e40a0d23.txt.json"]
    expected = {f.name: of_data(json.loads(f.read_text(encoding="utf-8"))) for f in files}
    assert expected["zhongshan.json"].partial and not expected[files[1].name].partial
    for path in files:
        assert read_row(path)[COLUMNS.index("partial")] == (expected[path.name].text() or None)
    dataset.update(tmp_path / "ds", files)
    rows = pq.read_table(tmp_path / "ds" / "reports.parquet").to_pylist()
    by_file = {Path(r["file"]).name: r for r in rows}
    for name, found in expected.items():
        assert by_file[name]["partial"] == found.partial
        assert by_file[name]["partial_reasons"] == list(found.reasons)
