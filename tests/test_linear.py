"""Form tables read back from text that lost their grid (issue 10): `annual_report.linear`.

Three linearisations of real tables, each with every figure checked:

- the 平潭 crawler dumps (`samples/text/pingtan-*.txt`): the body on one line, cells run together
  (`一、本年新收政府信息公开申请数量21710000218`). The same pages as HTML
  (`tests/fixtures/linear/pingtan-*.html`, real cells) are the reference, figure by figure;
- the 上海市科委 2024 report as a PDF-to-Markdown converter left it (`samples/text/kewei-2024.md`):
  labels in loose lines, value rows in unlabelled tables, a blank total. Its figures are written
  out below as read by eye off the document;
- seed 004 with the pipes of its `cell |` rows stripped: one cell per line, no caption.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import nianbao
from nianbao.convert.annual_report.figures import table_figures
from nianbao.convert.annual_report.grids import logical_tables
from nianbao.convert.annual_report.linear import Reading, read_linear
from nianbao.forms import FORMS
from nianbao.schemas.model import Document, Figure, Report
from tests.conftest import GOLDEN, SAMPLES

TEXT = SAMPLES / "text"
HTML = Path(__file__).resolve().parent / "fixtures" / "linear"
SEED_004 = TEXT / "004_7635fab03e0d303d.txt"


def _figures(report: Report) -> dict[str, Figure]:
    assert report.annual_report is not None
    return report.annual_report.figures


def _printed(figures: dict[str, Figure]) -> dict[str, tuple[object, str, str | None]]:
    return {k: (f.value, f.raw, f.unit) for k, f in figures.items()}


def _codes(report: Report, code: str) -> list[str]:
    return [d.message for d in report.diagnostics if d.code == code]


def _reading(report: Report) -> Reading:
    """The linear reading of a converted report again, to see what the arithmetic decided."""
    document: Document = report.document
    given: dict[str, Figure] = {}
    for table in logical_tables(document):
        if table.kind != "indicators":
            for key, fig in table_figures(table, []).items():
                given.setdefault(key, fig)
    assert report.annual_report is not None
    return read_linear(document, given, report.annual_report.template, [])


# --- the crawler's one-line dumps against their web pages -------------------------------------


def test_crawled_2024_text_gives_exactly_the_figures_of_its_web_page() -> None:
    text = nianbao.convert_document(TEXT / "pingtan-2024.txt")
    page = nianbao.convert_document(HTML / "pingtan-2024.html")
    assert text.annual_report is not None
    assert text.annual_report.template == "2021"
    assert text.annual_report.year == 2024
    assert len(_figures(page)) == 202
    # 6233440 splits 15 ways (section 二 has no sums): those three cells have no value.
    open_cells = {k for k, f in _figures(text).items() if f.value is None and f.confidence == 0}
    assert open_cells == {f"proactive.normative_documents.{c}" for c in OPEN_2024}
    read = {k: v for k, v in _printed(_figures(text)).items() if k not in open_cells}
    assert read == {k: v for k, v in _printed(_figures(page)).items() if k not in open_cells}
    # Every table figure points at the characters it was read from.
    for key, fig in _figures(text).items():
        if not key.startswith("text.") and key not in open_cells:
            assert fig.source == "table"
            assert fig.origin.kind == "text_span"
            block = text.document.blocks[fig.origin.block]
            assert block.text[fig.origin.start : fig.origin.end] == fig.raw
    assert not _codes(text, "table.missing")
    assert not _codes(text, "figures.unaligned_row")


OPEN_2024 = ("in_force", "issued", "repealed")


def test_the_2024_dump_needs_the_sums_to_split_and_leaves_what_they_cannot_decide_open() -> None:
    text = nianbao.convert_document(TEXT / "pingtan-2024.txt")
    figures = _figures(text)
    # 6233440 is 62 | 33 | 440 on the page; section 二 has no sums, so no reading is taken.
    undetermined = [k for k, f in figures.items() if f.confidence < 1]
    assert sorted(undetermined) == [f"proactive.normative_documents.{c}" for c in OPEN_2024]
    assert all(figures[k].value is None and figures[k].raw == "" for k in undetermined)
    (message,) = _codes(text, "figures.undetermined")
    assert "6233440" in message and "62, 33, 440" in message and "15 ways" in message
    assert "proactive.normative_documents.issued one of 62, 623, 6, 6233, 62334" in message
    # The open cells point at the characters every reading draws them from.
    origin = figures["proactive.normative_documents.issued"].origin
    assert origin.kind == "text_span"
    block = text.document.blocks[origin.block]
    assert block.text[origin.start : origin.end] == "62334"
    # Everything glued in sections 三 and 四 is certain, most of it only through the sums.
    reading = _reading(text)
    assert sorted(reading.undetermined) == sorted(undetermined)
    assert "applications.new_received.natural_person" in reading.by_arithmetic  # 217|1|…|218
    assert "litigation_after_review.upheld" in reading.by_arithmetic  # 13 of 1324019
    assert all(figures[k].confidence == 1 for k in reading.by_arithmetic)


# The 2019 form's section 二 prints 上一年项目数量 | 本年增/减 | 处理决定数量 with no sum between
# them: `行政许可3960181` is 396 | 0 | 181 on the page but 39 | 60 | 181 just as well. These are
# the figures the text cannot decide; each has no value and its diagnostic lists the page's reading.
UNDECIDABLE_2019 = {
    "proactive.normative_documents": "89, 89, 89",
    "proactive.licensing": "396, 0, 181",
    "proactive.other_services": "10, 0, 153",
    "proactive.penalty": "2648, 0, 430",
    "proactive.coercion": "126, 0, 25",
    "proactive.fees": "35, 0",
    "proactive.procurement": "135, 75394432.52",
}


def test_crawled_2019_text_gives_the_web_page_figures_or_none() -> None:
    text = nianbao.convert_document(TEXT / "pingtan-2019.txt")
    page = nianbao.convert_document(HTML / "pingtan-2019.html")
    assert text.annual_report is not None
    assert text.annual_report.template == "2019"
    got, want = _figures(text), _figures(page)
    assert set(got) == set(want)
    assert len(want) == 199
    messages = _codes(text, "figures.undetermined")
    for key, fig in got.items():
        row = key.rpartition(".")[0]
        if row in UNDECIDABLE_2019:
            assert (fig.value, fig.raw, fig.confidence) == (None, "", 0), key
            assert fig.candidates and want[key].value in fig.candidates, key
            assert any(UNDECIDABLE_2019[row] in m and key in m for m in messages), key
        else:
            assert (fig.value, fig.raw, fig.unit) == (
                want[key].value,
                want[key].raw,
                want[key].unit,
            )
            assert fig.confidence == 1, key
    # No figure read alone differs from the page: the 19 the dump cannot decide have no value.
    assert not [k for k in got if got[k].value is not None and got[k].value != want[k].value]
    assert sum(f.value is None and f.confidence == 0 for f in got.values()) == 19
    # Each open cell lists every value the readings leave it: 行政许可 3960181's first cell.
    assert got["proactive.licensing.previous_year"].candidates == [39, 3, 396, 3960, 39601]
    assert all(f.candidates is None for f in got.values() if f.value is not None)


def test_a_total_the_report_misprints_still_fails_its_checks() -> None:
    # The 平潭 2024 dump with （七）总计's 218 mistyped 228, as in the forms fixture's workbook.
    printed = (TEXT / "pingtan-2024.txt").read_text(encoding="utf-8")
    damaged = printed.replace("（七）总计21710000218", "（七）总计21710000228")
    assert damaged != printed
    report = nianbao.convert_document(
        damaged.encode("utf-8"), filename="pingtan-2024-misprinted.txt"
    )
    figures = _figures(report)
    assert figures["applications.total_handled.total"].raw == "228"
    assert figures["applications.total_handled.natural_person"].raw == "217"
    assert report.annual_report is not None
    failed = sorted(
        c.message.split(":")[0] + " " + c.rule
        for c in report.annual_report.checks
        if c.status == "fail"
    )
    assert failed == [
        "row total_handled (总计) applications.row_totals",
        "总计 column applications.balance",
        "总计 column applications.results_sum",
    ]


# --- the PDF converter's Markdown --------------------------------------------------------------

ZERO = (0, 0, 0, 0, 0, 0, 0)
# Read by eye off kewei-2024.md. Its value rows stay in form order while their labels wander
# into loose lines; the prose confirms 三类内部事务 1 and 本机关不掌握 4. The 四、结转下年度
# row prints its 总计 cell blank (a 1 is due there, and a lone `1` stands in a loose line above):
# blank is what is printed, so its figure is null.
KEWEI_APPLICATIONS: dict[str, tuple[int | None, ...]] = {
    "new_received": (32, 2, 0, 0, 0, 0, 34),
    "carried_over": (2, 0, 0, 0, 0, 0, 2),
    "granted": (9, 0, 0, 0, 0, 0, 9),
    "partially_granted": ZERO,
    "refused_state_secret": ZERO,
    "refused_prohibited_by_law": ZERO,
    "refused_security_stability": ZERO,
    "refused_third_party_rights": ZERO,
    "refused_internal_affairs": (1, 0, 0, 0, 0, 0, 1),
    "refused_process_info": (1, 0, 0, 0, 0, 0, 1),
    "refused_enforcement_files": ZERO,
    "refused_administrative_inquiry": ZERO,
    "unable_not_held": (4, 0, 0, 0, 0, 0, 4),
    "unable_needs_creation": (6, 0, 0, 0, 0, 0, 6),
    "unable_unclear": ZERO,
    "not_processed_complaint": ZERO,
    "not_processed_duplicate": ZERO,
    "not_processed_publication": ZERO,
    "not_processed_excessive": ZERO,
    "not_processed_confirmation": ZERO,
    "other_overdue_correction": (8, 2, 0, 0, 0, 0, 10),
    "other_overdue_fee": ZERO,
    "other_other": (4, 0, 0, 0, 0, 0, 4),
    "total_handled": (33, 2, 0, 0, 0, 0, 35),
    "carried_forward": (1, 0, 0, 0, 0, 0, None),
}
KEWEI_OTHERS: dict[str, int | None] = {
    "proactive.regulations.issued": 0,
    "proactive.regulations.repealed": 0,
    "proactive.regulations.in_force": 0,
    "proactive.normative_documents.issued": 13,
    "proactive.normative_documents.repealed": 0,
    "proactive.normative_documents.in_force": 55,
    "proactive.licensing.decisions": 97,
    "proactive.penalty.decisions": 0,
    "proactive.coercion.decisions": 0,
    "proactive.fees.amount": 0,
    "review.upheld": 1,
    "review.corrected": 0,
    "review.other": 0,
    "review.pending": 0,
    "review.total": 1,
    **{
        f"{g}.{c}": 0
        for g in ("litigation_direct", "litigation_after_review")
        for c in ("upheld", "corrected", "other", "pending", "total")
    },
    "text.applications.received": 34,
}


def _kewei_expected() -> dict[str, int | None]:
    columns = [c.key for c in FORMS.table("applications").columns]
    expected = {
        f"applications.{row}.{col}": value
        for row, values in KEWEI_APPLICATIONS.items()
        for col, value in zip(columns, values, strict=True)
    }
    return expected | KEWEI_OTHERS


def test_markdown_from_a_pdf_gives_every_figure_as_read_by_eye() -> None:
    report = nianbao.convert_document(TEXT / "kewei-2024.md")
    got = {k: f.value for k, f in _figures(report).items()}
    assert got == _kewei_expected()
    assert _figures(report)["applications.carried_forward.total"].raw == ""
    assert _figures(report)["proactive.fees.amount"].unit == "万元"


def test_markdown_figures_the_broken_tables_got_wrong_are_reread_and_said_so() -> None:
    report = nianbao.convert_document(TEXT / "kewei-2024.md")
    # The blank 总计 cell was read as the span of the 0 beside it: 0, a wrong value.
    (reread,) = _codes(report, "figures.reread")
    assert "applications.carried_forward.total" in reread and "'0'" in reread
    # The lone `1` fits no row of seven: left out, and said so.
    assert any(m.startswith("'1'") for m in _codes(report, "figures.unplaced_values"))
    assert not _codes(report, "figures.unaligned_row")
    assert report.annual_report is not None
    statuses = {(c.rule, c.message.split(":")[0]): c.status for c in report.annual_report.checks}
    # Its arithmetic holds wherever it prints both sides; the blank total is skipped, not 0.
    assert "fail" not in statuses.values()
    assert statuses["applications.balance", "总计 column"] == "skipped"


# --- one cell per line --------------------------------------------------------------------------


def _strip_pipes(text: str) -> str:
    """Seed 004's `cell |` rows (padded `| |||`) as one bare cell per line."""
    return re.sub(r"[ \t]*\|[ \t|]*$", "", text, flags=re.M)


def test_one_cell_per_line_without_pipes_gives_seed_004s_figures() -> None:
    stripped = _strip_pipes(SEED_004.read_text(encoding="utf-8"))
    assert "|" not in stripped
    report = nianbao.convert_document(stripped.encode("utf-8"), filename="004-stripped.txt")
    golden = nianbao.Report.model_validate_json(
        (GOLDEN / f"{SEED_004.name}.json").read_text(encoding="utf-8")
    )
    assert len(_figures(golden)) == 201
    assert _printed(_figures(report)) == _printed(_figures(golden))
    assert all(f.confidence == 1 for f in _figures(report).values())
    assert _codes(report, "figures.read_linearly")


# --- what it must not do ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["003_2a443156898f67a2.txt", "004_7635fab03e0d303d.txt"])
def test_no_reading_of_prose_or_of_tables_already_read(name: str) -> None:
    # 003 has no tables at all, only sentences with counts; 004's tables are read as tables.
    report = nianbao.convert_document(TEXT / name)
    assert not _codes(report, "figures.read_linearly")
    assert not _reading(report).figures


def test_split_statistics(capsys: pytest.CaptureFixture[str]) -> None:
    """How many glued figures only the arithmetic could cut, and how many stay undetermined."""
    rows = []
    for name in ("pingtan-2024.txt", "pingtan-2019.txt", "kewei-2024.md"):
        reading = _reading(nianbao.convert_document(TEXT / name))
        rows.append(
            (name, len(reading.figures), len(reading.by_arithmetic), len(reading.undetermined))
        )
    with capsys.disabled():
        for name, read, by_sums, ambiguous in rows:
            print(
                f"\n{name}: {read} figures read linearly, {by_sums} cut by the sums, "
                f"{ambiguous} undetermined",
                end="",
            )
    counts = {name: (read, by_sums, ambiguous) for name, read, by_sums, ambiguous in rows}
    assert counts["pingtan-2024.txt"][2] == 3
    assert counts["pingtan-2019.txt"][2] == 19
    assert counts["kewei-2024.md"][1:] == (0, 0)


def test_a_section_4_table_read_in_part_is_completed_in_the_form_s_order() -> None:
    # Seed 004 in Traditional script: the section 四 grid is rebuilt ambiguously and its table
    # mapping gives review.upheld alone; the one run of fifteen figures gives the other four.
    fixture = Path(__file__).resolve().parent / "fixtures" / "forms" / "004-traditional.txt"
    expected = json.loads(fixture.with_name(fixture.name + ".expected.json").read_text("utf-8"))
    report = nianbao.convert_document(fixture)
    assert {k: f.value for k, f in _figures(report).items()} == expected["figures"]


# --- a PDF's text of section 三 alone ------------------------------------------------------------

SECTION_3_ONLY = Path(__file__).resolve().parent / "fixtures" / "forms" / "section3-only.txt"
WRAPPED_29 = "（二）部分公开（区分处理的，只计这一情 29\n29 0 0 0 0 0\n"


def _section_3_only(text: str | None = None) -> Report:
    printed = SECTION_3_ONLY.read_text(encoding="utf-8")
    if text is None:
        return nianbao.convert_document(SECTION_3_ONLY)
    assert text != printed
    return nianbao.convert_document(text.encode("utf-8"), filename="section3-only-altered.txt")


def test_a_pdfs_text_of_section_3_alone_gives_every_figure_as_read_by_hand() -> None:
    # No title, no headings; labels wrapped over lines, the group labels interleaved with rows,
    # the 总计 of the three wrapped rows on their label's first line, （五）5's figures above it.
    expected = json.loads(
        SECTION_3_ONLY.with_name(SECTION_3_ONLY.name + ".expected.json").read_text("utf-8")
    )
    report = _section_3_only()
    assert report.annual_report is not None
    assert (report.annual_report.template, report.annual_report.year) == ("2021", None)
    assert {k: f.value for k, f in _figures(report).items()} == expected["figures"]
    assert all(f.confidence == 1 for f in _figures(report).values())
    statuses: dict[str, set[str]] = {}
    for check in report.annual_report.checks:
        statuses.setdefault(check.rule, set()).add(check.status)
    assert statuses == {rule: {status} for rule, status in expected["checks"].items()}
    for code in ("figures.unaligned_row", "figures.unplaced_values", "check.failed"):
        assert not _codes(report, code), code
    # The two rows whose 总计 stands on a line of its own are put in order by their own sum.
    reordered = _codes(report, "figures.reordered")
    assert [m.split()[2] for m in reordered] == ["partially_granted", "other_overdue_correction"]
    assert "29, 29, 0, 0, 0, 0, 0" in reordered[0] and "29, 0, 0, 0, 0, 0, 29" in reordered[0]
    # Its header lines are the table's words, not a web page's menus.
    assert not _codes(report, "boilerplate.removed")
    rows = [b for b in report.document.blocks if re.search(r"(?: \d+){7}$", b.text)]
    assert len(rows) == 21 and {b.kind for b in rows} == {"paragraph"}


def test_a_total_misprinted_on_a_row_of_its_own_line_is_the_reports() -> None:
    # One line, one cell per figure: the reading is as certain as a table's, the slip is printed.
    printed = SECTION_3_ONLY.read_text(encoding="utf-8")
    report = _section_3_only(
        printed.replace("（七）总计 217 1 0 0 0 0 218", "（七）总计 217 1 0 0 0 0 228")
    )
    assert _figures(report)["applications.total_handled.total"].value == 228
    assert report.annual_report is not None
    failed = {c.rule for c in report.annual_report.checks if c.status == "fail"}
    assert failed == {
        "applications.balance",
        "applications.results_sum",
        "applications.row_totals",
    }


def test_a_wrapped_row_adding_up_in_no_order_of_its_lines_is_not_read() -> None:
    # 28 on the label's line and 29 below: no order of the two lines adds up. Our reading is in
    # doubt, not the report's sums: the row is left out and said so, and no check blames it.
    printed = SECTION_3_ONLY.read_text(encoding="utf-8")
    report = _section_3_only(printed.replace(WRAPPED_29, WRAPPED_29.replace("情 29", "情 28")))
    assert not any(k.startswith("applications.partially_granted.") for k in _figures(report))
    (unaligned,) = _codes(report, "figures.unaligned_row")
    assert "partially_granted" in unaligned and "in none of the 7 orders" in unaligned
    assert report.annual_report is not None
    assert not [c for c in report.annual_report.checks if c.status == "fail"]
    assert not _codes(report, "check.failed")


def test_a_wrapped_row_adding_up_in_two_orders_is_not_read() -> None:
    # 29 above and 0 0 0 0 0 29 below: the 29 above is 自然人 (printed order), or 总计 and the 29
    # below 其他, or any other column just as well. The row's sum cannot tell: not read.
    printed = SECTION_3_ONLY.read_text(encoding="utf-8")
    altered = WRAPPED_29.replace("\n29 0 0 0 0 0", "\n0 0 0 0 0 29")
    report = _section_3_only(printed.replace(WRAPPED_29, altered))
    assert not any(k.startswith("applications.partially_granted.") for k in _figures(report))
    (unaligned,) = _codes(report, "figures.unaligned_row")
    assert "6 orders of those lines add up" in unaligned
    assert "(29, 0, 0, 0, 0, 0, 29 | 0, 29, 0, 0, 0, 0, 29 |" in unaligned
    assert not _codes(report, "check.failed")


def test_glued_digits_after_a_row_label_are_never_cut_into_the_next_row() -> None:
    """A landscape print of report-2021.html read section 二 as one line, its last row's label
    (行政事业性收费) in a table further on: `行政强制51` was cut into 5 for 行政强制 and 1 for the
    fees row, each with confidence 1, and no sum could catch it. The digits after a row's label
    are that row's cells; the fees row, printed nowhere here, is absent."""
    text = (
        "某某区人民政府2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
        "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章6 7 6"
        "行政规范性文件5 9 9第二十条第（五）项信息内容本年处理决定数量行政许可172"
        "第二十条第（六）项信息内容本年处理决定数量行政处罚324行政强制51第二十条第（八）项\n"
        "三、收到和处理政府信息公开申请情况\n"
    )
    report = nianbao.convert_bytes(text.encode(), filename="landscape-print.txt")
    figures = _figures(report)
    assert figures["proactive.penalty.decisions"].value == 324
    assert figures["proactive.coercion.decisions"].value == 51
    assert figures["proactive.coercion.decisions"].raw == "51"
    assert "proactive.fees.amount" not in figures or figures["proactive.fees.amount"].value is None
