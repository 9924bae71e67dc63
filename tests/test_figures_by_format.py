"""The 2021 report typed into the official template gives every canonical figure right, read
from DOCX, XLSX and HTML alike. The expected keys are written out here from DESIGN.md, not taken
from the profile's own tables, so a mapping mistake in the profile fails this test."""

from __future__ import annotations

from pathlib import Path

import pytest

import nianbao
from tests.fixtures import report2021

#: The DOCX sample as markitdown prints it: Markdown tables, covered cells left out.
MARKDOWN = Path(__file__).resolve().parent.parent / "samples" / "text" / "report-2021-filled.md"

APPLICANTS = [
    "natural_person",
    "commercial",
    "research",
    "public_interest",
    "legal_service",
    "other_org",
    "total",
]
APPLICATION_ROWS = [
    "new_received", "carried_over", "granted", "partially_granted",
    "refused_state_secret", "refused_prohibited_by_law", "refused_security_stability",
    "refused_third_party_rights", "refused_internal_affairs", "refused_process_info",
    "refused_enforcement_files", "refused_administrative_inquiry",
    "unable_not_held", "unable_needs_creation", "unable_unclear",
    "not_processed_complaint", "not_processed_duplicate", "not_processed_publication",
    "not_processed_excessive", "not_processed_confirmation",
    "other_overdue_correction", "other_overdue_fee", "other_other",
    "total_handled", "carried_forward",
]  # fmt: skip
REVIEW = [f"{group}.{part}" for group in ("review", "litigation_direct", "litigation_after_review")
          for part in ("upheld", "corrected", "other", "pending", "total")]  # fmt: skip
PROACTIVE = [
    "proactive.regulations.issued", "proactive.regulations.repealed",
    "proactive.regulations.in_force", "proactive.normative_documents.issued",
    "proactive.normative_documents.repealed", "proactive.normative_documents.in_force",
    "proactive.licensing.decisions", "proactive.penalty.decisions",
    "proactive.coercion.decisions", "proactive.fees.amount",
]  # fmt: skip


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
    report = nianbao.convert(sample).annual_report
    assert report is not None
    assert report.template == "2021"
    got = {key: f.raw for key, f in report.figures.items() if f.source == "table"}
    assert got == expected
    fees = report.figures["proactive.fees.amount"]
    assert (fees.value, fees.unit) == (12.5, "万元")
