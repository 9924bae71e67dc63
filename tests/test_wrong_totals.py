"""A published PDF whose printed totals are wrong: the checks fail, naming the cells, and the
figures stay as printed. (The fixture is the filled template with two totals misprinted, printed
to PDF by LibreOffice: `tests/fixtures/pdf/make_fixtures.py`, `wrong_totals_report`.)"""

from __future__ import annotations

from pathlib import Path

import nianbao

PDF = Path(__file__).resolve().parent / "fixtures" / "pdf" / "wrong-totals.pdf"


def test_wrong_printed_totals_fail_their_checks_and_are_kept_as_printed() -> None:
    report = nianbao.convert_document(PDF)
    annual = report.annual_report
    assert annual is not None
    # As printed, never "fixed": review total 10 over parts 2 + 1 + 4 + 0.
    assert annual.figures["review.total"].value == 10
    assert annual.figures["applications.new_received.total"].value == 264
    failed = {(c.rule, c.keys[0]): c for c in annual.checks if c.status == "fail"}
    assert set(failed) == {
        ("review.total", "review.total"),
        ("applications.row_totals", "applications.new_received.total"),
        ("applications.balance", "applications.new_received.total"),
    }
    review = failed["review.total", "review.total"]
    assert (review.expected, review.actual) == (10, 7)
    assert "review.total = 10 at table 2 row 3 col 4" in review.message
    row = failed["applications.row_totals", "applications.new_received.total"]
    assert (row.expected, row.actual) == (264, 263)
    warnings = [d for d in report.diagnostics if d.code == "check.failed"]
    assert len(warnings) == 3
    assert sum(1 for c in annual.checks if c.status == "pass") >= 39
