"""The 2021 report typed into the official template gives every canonical figure right, read
from DOCX, XLSX and HTML alike. The expected keys are written out here from DESIGN.md, not taken
from the profile's own tables, so a mapping mistake in the profile fails this test."""

from __future__ import annotations

from pathlib import Path

import pytest

import nianbao
from tests.canonical_keys import APPLICANTS, APPLICATION_ROWS, PROACTIVE, REVIEW
from tests.fixtures import report2021

#: The DOCX sample as markitdown prints it: Markdown tables, covered cells left out.
MARKDOWN = Path(__file__).resolve().parent.parent / "samples" / "text" / "report-2021-filled.md"


def _expected() -> dict[str, str]:
    typed = report2021.figures()
    expected = dict(zip(PROACTIVE, [v for row in typed["proactive"] for v in row], strict=True))
    for row_key, row in zip(APPLICATION_ROWS, typed["applications"], strict=True):
        for column, value in zip(APPLICANTS, row, strict=True):
            expected[f"applications.{row_key}.{column}"] = value
    expected.update(zip(REVIEW, typed["review"][0], strict=True))
    return expected


@pytest.mark.parametrize(
    "sample",
    [report2021.SAMPLE_DOCX, report2021.SAMPLE_XLSX, report2021.SAMPLE_HTML, MARKDOWN],
    ids=lambda p: Path(p).suffix,
)  # fmt: skip
def test_every_canonical_figure_is_right(sample: Path) -> None:
    expected = _expected()
    assert len(expected) == 200
    report = nianbao.convert_document(sample).annual_report
    assert report is not None
    assert report.template == "2021"
    got = {key: f.raw for key, f in report.figures.items() if f.source == "table"}
    assert got == expected
    fees = report.figures["proactive.fees.amount"]
    assert (fees.value, fees.unit) == (12.5, "万元")
