"""The annual-report profile on small Documents built in the test, one damage at a time."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import nianbao
from nianbao.convert.annual_report import profile
from nianbao.schemas.model import AnnualReport, Diagnostic, Document, TableCellOrigin
from tests.test_annual_report_helpers import (
    APPLICATION_LABELS,
    PROACTIVE_2021,
    application_rows,
    document,
    report,
    review_rows,
)


def _profiled(doc: Document) -> tuple[AnnualReport, list[Diagnostic]]:
    annual, diagnostics = profile(doc)
    assert annual is not None, [d.message for d in diagnostics]
    return annual, diagnostics


def _replace_label(rows: list[list[str]], old: str, new: str) -> list[list[str]]:
    hits = [(r, c) for r, row in enumerate(rows) for c, text in enumerate(row) if text == old]
    assert len(hits) == 1, old
    r, c = hits[0]
    rows[r][c] = new
    return rows


# --- recognition -----------------------------------------------------------------------------


def test_a_letter_is_not_an_annual_report() -> None:
    doc = document(
        "关于报送2021年度政务公开工作要点的通知",
        "各镇人民政府：现将有关事项通知如下，请于2022年1月10日前报送。",
        title="关于报送2021年度政务公开工作要点的通知",
    )
    annual, diagnostics = profile(doc)
    assert annual is None
    assert [d.code for d in diagnostics] == ["annual_report.notice"]


def test_metadata_from_title_signature_and_date_line() -> None:
    doc = document(
        "一、概述",
        "2017年，我镇主动公开政府信息142条，其中通过微信公众号发布信息900条。",
        "二、主动公开政府信息情况",
        "三、依申请公开政府信息情况",
        "四、政府信息公开收费情况",
        "五、行政复议及行政诉讼情况",
        "鹤山市鹤城镇人民政府",
        "20183月21",
        title="鹤城镇2017年政府信息公开工作年度报告",
    )
    annual, diagnostics = _profiled(doc)
    assert (annual.template, annual.year, annual.organization) == (
        "2008",
        2017,
        "鹤山市鹤城镇人民政府",
    )
    assert annual.published_on == date(2018, 3, 21)
    assert "date.repaired" in [d.code for d in diagnostics]
    assert [s.key for s in annual.sections] == [
        "overview",
        "proactive",
        "applications",
        "review_litigation",
    ]


def test_year_is_the_statistics_period_not_the_first_year_named() -> None:
    doc = document(
        "根据2019年修订的《条例》，现公布本年度报告。本报告中所列数据的统计期限自2020年1月1日至"
        "2020年12月31日止。",
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
    )
    annual, _ = _profiled(doc)
    assert annual.year == 2020
    assert annual.template == "2019"  # the six standard headings and a 2020 period


def test_organization_from_prose_and_published_header() -> None:
    doc = report(title="某某镇2021年政府信息公开工作年度报告")
    doc.blocks.insert(
        0,
        doc.blocks[0].model_copy(update={"kind": "paragraph", "text": "发布日期:2022-01-21 09:52"}),
    )
    annual, _ = _profiled(doc)
    assert annual.organization == "某某镇人民政府"
    assert annual.published_on == date(2022, 1, 21)


def test_template_2019_from_its_labels() -> None:
    rows = [
        ["第二十条第（一）项", "<", "<", "<"],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", "0", "0", "3"],
        ["規範性檔案", "2", "2", "15"],
        ["第二十条第（九）项", "<", "<", "<"],
        ["信息内容", "采购项目数量", "采购总金额", "<"],
        ["政府集中采购", "4", "251000元", "<"],
    ]
    annual, _ = _profiled(report(rows, title="某某区2020年政府信息公开工作年度报告"))
    assert annual.template == "2019"
    figures = annual.figures
    assert figures["proactive.normative_documents.total_published"].value == 15
    assert figures["proactive.regulations.total_published"].value == 3
    amount = figures["proactive.procurement.amount"]
    assert (amount.value, amount.unit, amount.raw) == (251000, "元", "251000元")
    assert figures["proactive.procurement.projects"].value == 4


# --- section 二 ------------------------------------------------------------------------------


def test_section_two_values_as_printed() -> None:
    annual, _ = _profiled(report(PROACTIVE_2021))
    f = annual.figures
    assert annual.template == "2021"
    issued = f["proactive.normative_documents.issued"]
    assert (issued.value, issued.raw) == (22, "22（其中修订16件）")
    in_force = f["proactive.normative_documents.in_force"]
    assert in_force.value == 7730.28 and isinstance(in_force.value, float)
    assert f["proactive.licensing.decisions"].value == 5
    assert isinstance(f["proactive.licensing.decisions"].value, int)
    penalty = f["proactive.penalty.decisions"]
    assert (penalty.value, penalty.raw) == (None, "-")
    coercion = f["proactive.coercion.decisions"]
    assert (coercion.value, coercion.raw) == (None, "")  # blank is not 0
    fees = f["proactive.fees.amount"]
    assert (fees.value, fees.raw, fees.unit) == (None, "/", "万元")
    assert issued.origin == TableCellOrigin(table=0, row=3, col=1)
    assert issued.source == "table"


def test_section_two_traditional_script() -> None:
    rows = [list(r) for r in PROACTIVE_2021]
    _replace_label(rows, "行政规范性文件", "行政規範性檔案")
    _replace_label(rows, "本年制发件数", "本年製發件數")
    annual, _ = _profiled(report(rows))
    assert annual.figures["proactive.normative_documents.issued"].value == 22


# --- section 三 label variants -----------------------------------------------------------------


def _one_row(key: str, rows: list[list[str]]) -> dict[str, object]:
    annual, _ = _profiled(report([["第二十条第（一）项"]], rows))
    return {k: f.value for k, f in annual.figures.items() if k.startswith(f"applications.{key}.")}


_ROW = ["1", "2", "0", "0", "0", "0", "3"]


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("2.其他法律行政法规禁止公开", "2.其他法律行政止公开", "refused_prohibited_by_law"),
        ("4.保护第三方合法权益", "4.保护第三方\n合法 权益", "refused_third_party_rights"),
        ("1.属于国家秘密", "1、属于国家秘密", "refused_state_secret"),
        (
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            "(二)部分公开",
            "partially_granted",
        ),
        ("1.本机关不掌握相关政府信息", "1.本機關不掌握相關政府信息", "unable_not_held"),
        ("3.其他", "3.其他", "other_other"),
        ("2.重复申请", "2.重複申請", "not_processed_duplicate"),
    ],
)
def test_application_label_variants(old: str, new: str, key: str) -> None:
    rows = _replace_label(application_rows(), old, new)
    label_row = next(i for i, r in enumerate(rows) if new in r)
    rows[label_row][3:] = _ROW
    values = _one_row(key, rows)
    assert values[f"applications.{key}.natural_person"] == 1
    assert values[f"applications.{key}.commercial"] == 2
    assert values[f"applications.{key}.total"] == 3


def test_vertical_labels_one_character_per_line() -> None:
    rows = application_rows({"granted": ["4", "0", "0", "0", "0", "0", "4"]})
    _replace_label(rows, "三、本年度办理结果", "\n".join("三、本年度办理结果"))
    _replace_label(rows, "自然人", "自\n然\n人")
    annual, _ = _profiled(report([["x"]], rows))
    assert annual.figures["applications.granted.natural_person"].value == 4


def test_six_abbreviated_and_2019_single_row_is_other_handling() -> None:
    rows = application_rows()
    start = next(i for i, r in enumerate(rows) if "（六）其他处理" in r)
    for label in ("（六）其他", "（六）其他处理"):
        one = [*rows[:start], ["^", label, "<", "0", "0", "5", "0", "0", "0", "5"]]
        one += rows[start + 3 :]
        annual, _ = _profiled(report([["x"]], one))
        f = annual.figures
        assert f["applications.other_handling.research"].value == 5, label
        assert "applications.other_other.research" not in f
        assert "applications.other_overdue_fee.total" not in f


def test_table_split_across_two_tables() -> None:
    rows = application_rows({"carried_forward": ["0", "0", "0", "0", "0", "0", "0"]})
    split = 15
    first, second = rows[:split], rows[split:]
    # the page break drops the vertical label column's continuation: cells are re-anchored
    second = [["" if c == "^" else c for c in r] for r in second]
    second[-1] = ["四、结转下年度继续办理", "<", "<", "9", "0", "0", "0", "0", "0", "9"]
    doc = report([["x"]], first)
    doc.tables.append(document(second).tables[0])
    doc.blocks.insert(
        doc.blocks.index(next(b for b in doc.blocks if b.table == 1)) + 1,
        doc.blocks[0].model_copy(update={"kind": "table", "text": "", "table": 2}),
    )
    annual, diagnostics = _profiled(doc)
    # read with the first part's headers, not by guessing positions
    assert "figures.columns_by_position" not in [d.code for d in diagnostics]
    carried = annual.figures["applications.carried_forward.total"]
    assert carried.value == 9
    assert carried.origin == TableCellOrigin(table=2, row=len(second) - 1, col=9)
    assert annual.figures["applications.not_processed_complaint.total"].value == 0


# --- section 四 ------------------------------------------------------------------------------


def test_review_columns_by_group() -> None:
    values = ["1", "2", "3", "4", "10", "0", "1", "0", "0", "1", "0", "0", "0", "2", "2"]
    annual, _ = _profiled(report([["x"]], application_rows(), review_rows(values)))
    f = annual.figures
    assert f["review.total"].value == 10
    assert f["review.pending"].value == 4
    assert f["litigation_direct.corrected"].value == 1
    assert f["litigation_after_review.pending"].value == 2
    statuses = {c.rule: c.status for c in annual.checks if c.rule.endswith(".total")}
    assert statuses == {
        "review.total": "pass",
        "litigation_direct.total": "pass",
        "litigation_after_review.total": "pass",
    }


# --- checks ----------------------------------------------------------------------------------


def test_wrong_printed_totals_fail_naming_the_cells() -> None:
    rows = application_rows(
        {
            "new_received": ["5", "0", "0", "0", "0", "0", "5"],
            "granted": ["3", "0", "0", "0", "0", "0", "4"],  # row total printed wrong
            "total_handled": ["4", "0", "0", "0", "0", "0", "4"],  # 3 ≠ 4, and 5 ≠ 4 + 0
        }
    )
    review = ["0", "0", "0", "0", "0", "1", "1", "0", "0", "0"] + ["0"] * 5  # 0 over 1 + 1
    annual, diagnostics = _profiled(report([["x"]], rows, review_rows(review)))
    failed = {(c.rule, c.keys[0]): c for c in annual.checks if c.status == "fail"}
    row_total = failed[("applications.row_totals", "applications.granted.total")]
    assert (row_total.expected, row_total.actual) == (4, 3)
    assert "applications.granted.natural_person" in row_total.message
    assert "table 1 row" in row_total.message
    results = failed[("applications.results_sum", "applications.total_handled.natural_person")]
    assert (results.expected, results.actual) == (4, 3)
    balance = failed[("applications.balance", "applications.new_received.natural_person")]
    assert (balance.expected, balance.actual) == (5, 4)
    direct = failed[("litigation_direct.total", "litigation_direct.total")]
    assert (direct.expected, direct.actual) == (0, 2)
    assert annual.figures["litigation_direct.total"].value == 0  # never fixed silently
    codes = [d.code for d in diagnostics]
    assert codes.count("check.failed") == len(failed)
    assert all(d.severity == "warning" for d in diagnostics if d.code == "check.failed")


def test_blank_cells_skip_the_check() -> None:
    rows = application_rows({"granted": ["", "", "", "", "", "", ""]})
    annual, _ = _profiled(report([["x"]], rows))
    skipped = [
        c for c in annual.checks if c.status == "skipped" and c.rule.startswith("applications.")
    ]
    assert any("applications.granted.total" in c.keys for c in skipped)
    assert all("no number" in c.message for c in skipped)
    assert annual.figures["applications.granted.total"].value is None


def test_missing_tables_are_reported_and_checks_skipped() -> None:
    annual, diagnostics = _profiled(report())
    missing = [d for d in diagnostics if d.code == "table.missing"]
    assert len(missing) == 3
    assert {c.status for c in annual.checks} == {"skipped"}


# --- prose -----------------------------------------------------------------------------------


def test_prose_figures_skip_channel_counts() -> None:
    doc = report()
    doc.blocks[2] = doc.blocks[2].model_copy(
        update={
            "text": "2021年，通过“某某发布”微信公众号主动公开信息193条，主动公开政府信息77条。"
            "全年收到政府信息公开申请12件，收取信息处理费0元。"
        }
    )
    annual, _ = _profiled(doc)
    items = annual.figures["text.proactive.items"]
    assert (items.value, items.source) == (77, "text")
    assert annual.figures["text.applications.received"].value == 12
    fees = annual.figures["text.fees.yuan"]
    assert (fees.value, fees.unit) == (0, "元")
    origin = items.origin
    assert origin.kind == "text_span"
    assert doc.blocks[origin.block].text[origin.start : origin.end].endswith("77条。")


# --- 2008-era 统计表 ----------------------------------------------------------------------------


def test_statistics_table_indicators_and_children_sum() -> None:
    rows = [
        ["统 计 指 标", "单位", "统计数"],
        ["一、主动公开情况", "", ""],
        ["（一）主动公开政府信息数", "条", "142"],
        ["其中：主动公开规范性文件数", "条", "12"],
        ["制发规范性文件总数", "件", ""],
        ["三、依申请公开情况", "", ""],
        ["（一）收到申请数", "件", "5"],
        ["1.当面申请数", "件", "1"],
        ["2.网络申请数", "件", "1"],
        ["（二）从事政府信息公开工作人员数", "人", "2"],
        ["1.专职人员数", "人", "1"],
        ["2.兼职人员数", "人", "1"],
    ]
    doc = document(
        "一、概述", "二、主动公开政府信息情况", rows, title="某镇2017年度政府信息公开工作报告"
    )
    annual, diagnostics = _profiled(doc)
    assert annual.template == "2008"
    by_label = {i.label: i for i in annual.indicators}
    assert len(annual.indicators) == 11
    child = by_label["其中:主动公开规范性文件数"]
    assert child.path == ["一、主动公开情况", "(一)主动公开政府信息数"]
    assert by_label["制发规范性文件总数"].path == child.path
    assert (by_label["(一)主动公开政府信息数"].value, by_label["1.当面申请数"].unit) == (142, "件")
    assert by_label["制发规范性文件总数"].value is None
    checks = [c for c in annual.checks if c.rule == "indicators.children_sum"]
    assert [(c.status, c.expected, c.actual) for c in checks] == [("fail", 5, 2), ("pass", 2, 2)]
    assert "(一)收到申请数" in checks[0].message
    assert [d.code for d in diagnostics].count("check.failed") == 1


def test_the_same_form_table_printed_whole_twice_with_other_figures_is_refused() -> None:
    """Two years' section 三 tables one after the other: a comparison, not one report."""
    this_year = application_rows({"granted": ["5", "0", "0", "0", "0", "0", "5"]})
    last_year = application_rows({"granted": ["7", "0", "0", "0", "0", "0", "7"]})
    doc = document(
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "2021年",
        this_year,
        "2020年",
        last_year,
        title="某某镇2021年政府信息公开工作年度报告",
    )
    annual, diagnostics = profile(doc)
    assert annual is None
    assert [d.code for d in diagnostics] == ["annual_report.comparison"]
    # The same table printed twice with the same figures is one report's table, read once.
    doc = document(
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        this_year,
        "续表",
        this_year,
        title="某某镇2021年政府信息公开工作年度报告",
    )
    annual, diagnostics = profile(doc)
    assert annual is not None
    assert annual.figures["applications.granted.total"].value == 5


# --- the blank form (issue 19: the official empty template was "a recognised 2021 report") ----


def _blank_tables() -> tuple[list[list[str]], list[list[str]]]:
    keys = [key for _, key in APPLICATION_LABELS]
    return application_rows({key: [""] * 7 for key in keys}), review_rows([""] * 15)


def test_the_official_blank_template_is_a_form_not_a_report(samples: Path) -> None:
    report = nianbao.convert_document(samples / "real" / "template-2021-blank.docx")
    assert report.annual_report is None
    assert [d.code for d in report.diagnostics] == ["annual_report.blank_form"]
    assert "格式模板" in report.diagnostics[0].message


def test_a_blank_form_is_told_by_its_placeholder_or_by_naming_no_year() -> None:
    applications, review = _blank_tables()
    parts: list[str | list[list[str]]] = [
        "一、总体情况",
        "（文字描述）",
        "三、收到和处理政府信息公开申请情况",
        applications,
        "四、政府信息公开行政复议、行政诉讼情况",
        review,
    ]
    annual, diagnostics = profile(document(*parts, title="政府信息公开工作年度报告"))
    assert annual is None
    assert [d.code for d in diagnostics] == ["annual_report.blank_form"]
    assert "placeholder" in diagnostics[0].message
    parts[1] = "本单位认真落实条例。"  # no placeholder, no year: still the form
    annual, diagnostics = profile(document(*parts, title="政府信息公开工作年度报告"))
    assert annual is None
    assert "names no year" in diagnostics[0].message


def test_a_report_that_names_its_year_with_every_cell_blank_stays_a_report() -> None:
    applications, review = _blank_tables()
    annual, diagnostics = profile(report([["x"]], applications, review))
    assert annual is not None, [d.message for d in diagnostics]
    assert annual.year == 2021
    assert "annual_report.blank_form" not in [d.code for d in diagnostics]


def test_the_forms_title_words_do_not_refuse_a_filled_report() -> None:
    doc = report(
        [["x"]],
        application_rows(),
        review_rows(),
        title="附件：某某镇2021年政府信息公开工作年度报告",
    )
    annual, diagnostics = profile(doc)
    assert annual is not None, [d.message for d in diagnostics]
    assert annual.figures["applications.granted.total"].value == 0
