"""Reports from a whole archive nobody tuned for (issue 20): the 莆田 portal's crawl.

The crawler kept each page's text one run per line and dropped every line equal to the line
before it, so a run of equal neighbouring cells prints one value (`19 / 0 / 1 / 0 / 20` is a
row of seven cells). The files under tests/fixtures/putian/ are the crawler's `page.txt` as
stored. Each report's figures below were read by hand off the text, checked against the
tables' own sums and the year-to-year carry-over, and for 城市管理局 2023 against the page's
HTML (`page.html` in the crawl): what the text cannot decide is undetermined, never guessed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import nianbao
from nianbao.collection.partial import of_report
from nianbao.schemas.model import Figure, Report
from tests.conftest import SAMPLES

PUTIAN = Path(__file__).resolve().parent / "fixtures" / "putian"
APPLICANTS = ("natural_person", "commercial", "research", "public_interest", "legal_service")
COLUMNS = (*APPLICANTS, "other_org", "total")
OPEN = None  # undetermined: no value, the candidates in a figures.undetermined diagnostic


def _report(name: str) -> Report:
    report = nianbao.convert_document(PUTIAN / name)
    assert report.annual_report is not None
    return report


def _figures(report: Report) -> dict[str, Figure]:
    assert report.annual_report is not None
    return report.annual_report.figures


def _row(figures: dict[str, Figure], row: str) -> list[object]:
    return [figures[f"applications.{row}.{col}"].value for col in COLUMNS]


def _undetermined(report: Report) -> set[str]:
    return {k for k, f in _figures(report).items() if f.value is None and f.confidence < 1}


def _zero_rows(figures: dict[str, Figure], but: set[str]) -> list[str]:
    """The section 三 rows read, other than `but`, that are not all zeros."""
    rows = {k.split(".")[1] for k in figures if k.startswith("applications.")}
    return sorted(r for r in rows - but if _row(figures, r) != [0] * 7)


def test_a_number_alone_on_its_line_is_never_split_into_cells() -> None:
    """`19` on its own line was 自然人 1 | 商业企业 9, `20` was 其他 2 | 总计 0, each with
    confidence 1 and no diagnostic. The row `19 / 0 / 1 / 0 / 20` is seven cells: 自然人 19,
    商业企业 0, 其他 0, 总计 20, and the 1 in one of three organisation columns the sums cannot
    tell (the page's HTML has it under 社会公益组织)."""
    report = _report("putian-cg-2023.txt")
    figures = _figures(report)
    for row in ("new_received", "total_handled"):
        assert _row(figures, row) == [19, 0, OPEN, OPEN, OPEN, 0, 20]
    assert _row(figures, "partially_granted") == [3, 0, OPEN, OPEN, OPEN, 0, 4]
    open_cells = {
        f"applications.{row}.{col}"
        for row in ("new_received", "total_handled", "partially_granted")
        for col in ("research", "public_interest", "legal_service")
    }
    assert open_cells <= _undetermined(report)
    said = [d for d in report.diagnostics if d.code == "figures.undetermined"]
    assert any("applications.new_received.public_interest one of 0, 1" in d.message for d in said)
    assert figures["applications.new_received.public_interest"].candidates == [0, 1]
    assert report.annual_report is not None
    skipped = [c.message for c in report.annual_report.checks if c.status == "skipped"]
    assert any("applications.new_received.research (undetermined)" in m for m in skipped)
    assert not [f for f in figures.values() if f.value is not None and f.confidence < 1]


def test_a_lone_number_on_its_line_in_section_two_is_one_cell() -> None:
    """`行政规范性文件 / 0 / 17`: three cells, two of them equal, and section 二 has no sum to say
    which: 本年制发 0, 现行有效 17, 本年废止 0 or 17 undetermined (it was 废止 1 | 现行有效 7)."""
    report = _report("putian-yjglj-2024.txt")
    figures = _figures(report)
    assert figures["proactive.normative_documents.issued"].value == 0
    assert figures["proactive.normative_documents.repealed"].value is None
    assert figures["proactive.normative_documents.in_force"].value == 17
    assert _undetermined(report) == {"proactive.normative_documents.repealed"}
    # Section 三 read by hand: `4 / 1 / 0 / 5` can only be 4, 1, 0, 0, 0, 0, 5 (4a + b = 5);
    # 予以公开 1 and 本机关不掌握 3 + 1 make the 总计 row, as the column sums say.
    for row in ("new_received", "total_handled"):
        assert _row(figures, row) == [4, 1, 0, 0, 0, 0, 5]
    assert _row(figures, "granted") == [1, 0, 0, 0, 0, 0, 1]
    assert _row(figures, "unable_not_held") == [3, 1, 0, 0, 0, 0, 4]
    varied = {"new_received", "total_handled", "granted", "unable_not_held"}
    assert _zero_rows(figures, varied) == []
    assert figures["proactive.licensing.decisions"].value == 338
    assert figures["proactive.fees.amount"].value == 79.1575
    said = [d.message for d in report.diagnostics if d.code == "figures.undetermined"]
    assert said and "proactive.normative_documents.repealed one of 0, 17" in said[0]


def test_equal_neighbours_printed_once_are_read_where_the_sums_allow_one_reading() -> None:
    """城市管理局 2023, every figure read by hand: the rows' totals decide `2 / 0 / 2`,
    `13 / 0 / 13`, `1 / 0 / 1`; a lone `0` is a whole row; section 四's `0 / 1 / 0` puts the 1 in
    行政复议's 尚未审结 and 总计 or in 未经复议直接起诉's (the page: 行政复议), the rest 0."""
    report = _report("putian-cg-2023.txt")
    figures = _figures(report)
    assert report.annual_report is not None
    assert _row(figures, "granted") == [2, 0, 0, 0, 0, 0, 2]
    assert _row(figures, "unable_not_held") == [13, 0, 0, 0, 0, 0, 13]
    assert _row(figures, "refused_third_party_rights") == [1, 0, 0, 0, 0, 0, 1]
    varied = {"new_received", "total_handled", "partially_granted", "granted", "unable_not_held"}
    assert _zero_rows(figures, varied | {"refused_third_party_rights"}) == []
    proactive = {k: f.value for k, f in figures.items() if k.startswith("proactive.")}
    assert proactive == {
        "proactive.regulations.issued": 0,
        "proactive.regulations.repealed": 0,
        "proactive.regulations.in_force": 0,
        "proactive.normative_documents.issued": 1,
        "proactive.normative_documents.repealed": 7,
        "proactive.normative_documents.in_force": 16,
        "proactive.licensing.decisions": 77,
        "proactive.penalty.decisions": 1,
        "proactive.coercion.decisions": 0,
        "proactive.fees.amount": 279.44,
    }
    review = {
        group: [
            figures[f"{group}.{c}"].value
            for c in ("upheld", "corrected", "other", "pending", "total")
        ]
        for group in ("review", "litigation_direct", "litigation_after_review")
    }
    assert review == {
        "review": [0, 0, 0, OPEN, OPEN],
        "litigation_direct": [0, 0, 0, OPEN, OPEN],
        "litigation_after_review": [0, 0, 0, 0, 0],
    }
    assert not [c for c in report.annual_report.checks if c.status == "fail"]


def test_eight_zero_eight_is_one_natural_person_column_and_zeros() -> None:
    """统计局 2023: `8 / 0 / 8` is 自然人 8, the five organisation columns 0, 总计 8 (the
    prose: 8 applications; 2022's 结转下年度 0 is 2023's 上年结转 0); every other row one `0`."""
    report = _report("putian-stjj-2023.txt")
    figures = _figures(report)
    for row in ("new_received", "granted", "total_handled"):
        assert _row(figures, row) == [8, 0, 0, 0, 0, 0, 8]
    assert _zero_rows(figures, {"new_received", "granted", "total_handled"}) == []
    assert len([k for k in figures if k.startswith("applications.")]) == 25 * 7
    assert all(
        figures[f"{g}.{c}"].value == 0
        for g in ("review", "litigation_direct", "litigation_after_review")
        for c in ("upheld", "corrected", "other", "pending", "total")
    )
    assert _undetermined(report) == set()
    assert report.annual_report is not None
    assert {c.status for c in report.annual_report.checks} == {"pass"}


@pytest.mark.parametrize("name", ["putian-smzj-2020.txt", "putian-stjj-2022.txt"])
def test_a_section_whose_heading_is_broken_or_missing_is_found_by_its_table(name: str) -> None:
    """民宗局 2020 prints `二、` and `四、` on lines of their own before their headings' words;
    统计局 2022 prints section 二's table under 一、总体情况 with no heading of its own."""
    report = _report(name)
    assert report.annual_report is not None
    assert of_report(report).status == "complete"
    figures = _figures(report)
    if name == "putian-smzj-2020.txt":
        assert figures["proactive.licensing.previous_year"].value == 5
        assert figures["proactive.licensing.decisions"].value == 12
        assert figures["proactive.other_services.previous_year"].value == 36
        assert figures["review.total"].value == 0
    else:
        assert figures["proactive.penalty.decisions"].value == 1
        assert _row(figures, "new_received") == [15, 0, 0, 0, 0, 0, 15]


def test_a_row_short_of_cells_is_not_read_as_repeats_where_the_text_prints_equal_neighbours(
    tmp_path: Path,
) -> None:
    """Equal neighbours printed once is a crawler's habit, not a rule: a text that prints a row
    of seven `0` lines did not drop repeats, so its `8 / 0 / 8` row lacks blanks, not repeats,
    and is not read (said as figures.unaligned_row), never spread over the row."""
    text = (PUTIAN / "putian-stjj-2023.txt").read_text(encoding="utf-8")
    carried = "二、上年结转政府信息公开申请数量\n0\n"
    assert carried in text
    source = tmp_path / "report.txt"
    source.write_text(text.replace(carried, carried.replace("0\n", "0\n" * 7)), encoding="utf-8")
    report = nianbao.convert_document(source)
    figures = _figures(report)
    assert _row(figures, "carried_over") == [0] * 7
    assert not [k for k in figures if k.startswith("applications.new_received.")]
    said = [d.message for d in report.diagnostics if d.code == "figures.unaligned_row"]
    assert any("new_received" in m for m in said)
    assert not [d for d in report.diagnostics if d.code == "figures.repeated_value"]


def test_a_section_whose_heading_is_misspelt_is_found_by_its_table_s_own_words(
    tmp_path: Path,
) -> None:
    """`四、政府信息公开行政法复议、行政讼诉情况` names no section: the section 四 table is found
    from its first own label on a line (行政复议), and its `0 / 1 / 0` is not taken for a row of
    section 三, whose region it falls in."""
    text = (PUTIAN / "putian-cg-2023.txt").read_text(encoding="utf-8")
    heading = "四、政府信息公开行政复议、行政诉讼情况\n"
    assert heading in text
    source = tmp_path / "report.txt"
    source.write_text(text.replace(heading, "四、政府信息公开行政法复议、行政讼诉情况\n"), "utf-8")
    figures = _figures(nianbao.convert_document(source))
    review = [figures[f"review.{c}"].value for c in ("upheld", "corrected", "other", "pending")]
    assert review == [0, 0, 0, OPEN]
    assert figures["litigation_after_review.total"].value == 0
    assert _row(figures, "carried_forward") == [0] * 7


def _with(tmp_path: Path, name: str, old: str, new: str) -> Report:
    text = (PUTIAN / name).read_text(encoding="utf-8")
    assert old in text
    source = tmp_path / "report.txt"
    source.write_text(text.replace(old, new), encoding="utf-8")
    return nianbao.convert_document(source)


def test_a_number_broken_over_two_lines_is_joined_only_where_the_sums_say_so(
    tmp_path: Path,
) -> None:
    """`13` printed as `1` / `3`: its row alone reads 1, 3, 3, 3, 3, 0, 13 (its own total holds),
    but the 自然人 column's sum then holds in no reading; joined, every sum holds: 13, 0 … 13."""
    row = "1.本机关不掌握相关政府信息\n13\n0\n13\n"
    report = _with(tmp_path, "putian-cg-2023.txt", row, row.replace("13\n0", "1\n3\n0"))
    figures = _figures(report)
    assert _row(figures, "unable_not_held") == [13, 0, 0, 0, 0, 0, 13]
    said = [d.message for d in report.diagnostics if "unable_not_held" in d.message]
    assert any("1 / 3 as 13" in m for m in said)
    assert report.annual_report is not None
    assert not [c for c in report.annual_report.checks if c.status == "fail"]


def test_a_row_no_reading_fits_is_not_read_and_said(tmp_path: Path) -> None:
    """`2 / 0 / 2` misprinted `2 / 0 / 3`: however the three values lie over the seven cells,
    the parts never add up to the total, and no two lines join into a number that would (`20`,
    `03`). The row is not read (figures.unaligned_row), never spread; the other rows are."""
    row = "（一）予以公开\n2\n0\n2\n"
    report = _with(tmp_path, "putian-cg-2023.txt", row, row.replace("0\n2", "0\n3"))
    figures = _figures(report)
    assert not [k for k in figures if k.startswith("applications.granted.")]
    said = [d.message for d in report.diagnostics if d.code == "figures.unaligned_row"]
    assert any("granted" in m for m in said)
    assert _row(figures, "unable_not_held") == [13, 0, 0, 0, 0, 0, 13]


ROW = "<tr><td>2.其他法律行政法规禁止公开</td>{}<td>1</td><td>1</td></tr>"


def _merged_page(tmp_path: Path, cells: str) -> Report:
    html = (SAMPLES / "html" / "report-2021.html").read_text(encoding="gbk")
    printed = ROW.format("<td>0</td>" * 5)
    assert printed in html
    source = tmp_path / "report.html"
    source.write_text(html.replace(printed, ROW.format(cells)), encoding="gbk")
    return nianbao.convert_document(source)


def test_a_merged_cell_of_zeros_is_zero_in_each_column(tmp_path: Path) -> None:
    """A page that merges five equal neighbouring cells prints `0` once: 0 in each however the
    merged cell is taken (each, their sum, one of them)."""
    figures = _figures(_merged_page(tmp_path, '<td colspan="5">0</td>'))
    assert _row(figures, "refused_prohibited_by_law") == [0, 0, 0, 0, 0, 1, 1]


def test_a_merged_cell_the_sums_do_not_confirm_is_undetermined(tmp_path: Path) -> None:
    """`1` merged over five columns whose row total says the five hold 0 in all: read in each
    column it was 1, 1, 1, 1, 1, a row adding up to 6 blamed on the report. It may stand for
    each cell, their sum or one of them: undetermined, said, and no check blames the report."""
    report = _merged_page(tmp_path, '<td colspan="5">1</td>')
    figures = _figures(report)
    assert _row(figures, "refused_prohibited_by_law") == [OPEN] * 5 + [1, 1]
    said = [d.message for d in report.diagnostics if d.code == "figures.undetermined"]
    assert any("merged over 5 columns" in m for m in said)
    assert report.annual_report is not None
    failed = [c for c in report.annual_report.checks if c.status == "fail"]
    assert not [c for c in failed if "refused_prohibited_by_law" in " ".join(c.keys)]


def test_the_completeness_script_measures_a_folder_with_its_manifest(tmp_path: Path) -> None:
    """`benchmarks/completeness.py`: one line per report and a total, the manifest's files only,
    and a manifest year nianbao did not read is said."""
    manifest = tmp_path / "manifest.tsv"
    manifest.write_text(
        "file\tyear\tbody\nputian-stjj-2023.txt\t2023\t莆田市统计局\n"
        "putian-cg-2023.txt\t2022\t莆田市城市管理局\n",
        encoding="utf-8",
    )
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "completeness.py"
    done = subprocess.run(
        [sys.executable, str(script), str(PUTIAN), "--manifest", str(manifest)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    lines = done.stdout.splitlines()
    stjj = next(line for line in lines if line.startswith("putian-stjj-2023.txt"))
    assert "200/200" in stjj and "42/0/0" in stjj and stjj.endswith("complete")
    cg = next(line for line in lines if line.startswith("putian-cg-2023.txt"))
    assert "year 2023, manifest 2022" in cg
    assert " 13 " in cg  # undetermined: the 1 in three columns, three rows; section 四's four
    assert lines[-1].startswith("all: 2 reports, 2 complete")
    assert not [line for line in lines if line.startswith("putian-yjglj")]
