"""A whole 2019-form section 二 table (〔2019〕60号), every canonical key of DESIGN.md read by its
label, with the 2019 single （六）其他处理 row in section 三."""

from __future__ import annotations

from nianbao.convert.annual_report import profile
from tests.test_annual_report_helpers import application_rows, document, report, review_rows

SECTION_TWO_2019 = [
    ["第二十条第（一）项", "<", "<", "<"],
    ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
    ["规章", "0", "0", "3"],
    ["规范性文件", "2", "2", "15"],
    ["第二十条第（五）项", "<", "<", "<"],
    ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
    ["行政许可", "10", "-2", "120"],
    ["其他对外管理服务事项", "3", "0", "45"],
    ["第二十条第（六）项", "<", "<", "<"],
    ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
    ["行政处罚", "8", "+1", "30"],
    ["行政强制", "2", "0", "5"],
    ["第二十条第（八）项", "<", "<", "<"],
    ["信息内容", "上一年项目数量", "本年增/减", "<"],
    ["行政事业性收费", "1", "0", "<"],
    ["第二十条第（九）项", "<", "<", "<"],
    ["信息内容", "采购项目数量", "采购总金额", "<"],
    ["政府集中采购", "4", "251000元", "<"],
]

EXPECTED = {
    "proactive.regulations.new_made": 0,
    "proactive.regulations.new_published": 0,
    "proactive.regulations.total_published": 3,
    "proactive.normative_documents.new_made": 2,
    "proactive.normative_documents.new_published": 2,
    "proactive.normative_documents.total_published": 15,
    "proactive.licensing.previous_year": 10,
    "proactive.licensing.change": -2,
    "proactive.licensing.decisions": 120,
    "proactive.other_services.previous_year": 3,
    "proactive.other_services.change": 0,
    "proactive.other_services.decisions": 45,
    "proactive.penalty.previous_year": 8,
    "proactive.penalty.change": 1,
    "proactive.penalty.decisions": 30,
    "proactive.coercion.previous_year": 2,
    "proactive.coercion.change": 0,
    "proactive.coercion.decisions": 5,
    "proactive.fees.previous_year": 1,
    "proactive.fees.change": 0,
    "proactive.procurement.projects": 4,
    "proactive.procurement.amount": 251000,
}


def test_every_2019_section_two_key_is_read_by_its_label() -> None:
    document = report(
        SECTION_TWO_2019,
        application_rows(),
        review_rows(),
        title="某某区人民政府2019年政府信息公开工作年度报告",
    )
    annual, _ = profile(document)
    assert annual is not None
    assert annual.template == "2019"
    proactive = {k: f.value for k, f in annual.figures.items() if k.startswith("proactive.")}
    assert proactive == EXPECTED
    assert annual.figures["proactive.procurement.amount"].unit == "元"
    assert annual.year == 2019


def test_the_office_signing_for_the_body_the_title_names_is_not_the_organization() -> None:
    def organization(title: str, signature: str) -> str | None:
        annual, _ = profile(
            document(
                "一、总体情况",
                "本年度主动公开政府信息12条。",
                "二、主动公开政府信息情况",
                "三、收到和处理政府信息公开申请情况",
                signature,
                "2021年1月28日",
                title=title,
            )
        )
        assert annual is not None
        return annual.organization

    assert organization("某某县人民政府2020年政府信息公开工作年度报告", "某某县人民政府办公室") == (
        "某某县人民政府"
    )
    # The office's own report is the office's.
    office = "某某县人民政府办公室"
    assert organization(f"{office}2020年政府信息公开工作年度报告", office) == office
    assert organization("鹤城镇2017年政府信息公开工作年度报告", "鹤山市鹤城镇人民政府") == (
        "鹤山市鹤城镇人民政府"
    )
