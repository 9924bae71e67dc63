"""The canonical figure keys and the labels printed for them: the data the profile maps onto.

Everything the profile knows about the official forms lives here, as data: the six sections,
the rows and columns of the section 二/三/四 tables of the 2019 and 2021 templates
(国办公开办函〔2019〕60号 and 〔2021〕30号), and the check rule ids. The matching code in
`labels.py` and `figures.py` reads these tables and knows no label of its own.

A label is written as the official template prints it; matching normalises both sides (width,
script, spaces, brackets, numbering), so there is no need to list spelling variants here, only
genuinely different wordings (2019 vs 2021).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SectionKey = Literal[
    "overview", "proactive", "applications", "review_litigation", "problems", "other"
]

#: Words that identify a standard section heading, most specific first. Several chapters of a
#: 2008-era report may mention 申请 or 公开, so review_litigation and problems are tried before
#: applications and proactive.
SECTION_WORDS: tuple[tuple[SectionKey, tuple[str, ...]], ...] = (
    ("review_litigation", ("行政复议", "行政诉讼")),
    ("problems", ("存在的主要问题", "存在问题", "主要问题", "改进情况", "改进措施")),
    ("other", ("其他需要报告", "需要报告的事项", "需要说明的事项", "其他事项")),
    ("overview", ("总体情况", "概述", "基本情况")),
    ("proactive", ("主动公开",)),
    ("applications", ("收到和处理", "依申请公开", "公开申请", "申请情况", "申请的办理")),
)

#: Chapter words only the 2008-era reports use (the 2019/2021 forms have none of them).
SECTIONS_2008: tuple[str, ...] = ("概述", "依申请公开", "收费", "费用", "减免", "申请的办理")

# --- section 二 ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """A key part and the labels printed for it (the first is the official 2021 wording)."""

    key: str
    labels: tuple[str, ...]


#: Rows of the section 二 table: `proactive.<row>.<column>`.
PROACTIVE_ROWS: tuple[Label, ...] = (
    Label("regulations", ("规章",)),
    Label("normative_documents", ("行政规范性文件", "规范性文件")),
    Label("licensing", ("行政许可",)),
    Label("other_services", ("其他对外管理服务事项",)),
    Label("penalty", ("行政处罚",)),
    Label("coercion", ("行政强制",)),
    Label("fees", ("行政事业性收费",)),
    Label("procurement", ("政府集中采购",)),
)

#: Column headers of the section 二 table.
PROACTIVE_COLUMNS: tuple[Label, ...] = (
    # 2021
    Label("issued", ("本年制发件数",)),
    Label("repealed", ("本年废止件数",)),
    Label("in_force", ("现行有效件数",)),
    Label("decisions", ("本年处理决定数量", "处理决定数量")),
    Label("amount", ("本年收费金额", "采购总金额")),
    # 2019
    Label("new_made", ("本年新制作数量",)),
    Label("new_published", ("本年新公开数量",)),
    Label("total_published", ("对外公开总数量",)),
    Label("previous_year", ("上一年项目数量",)),
    Label("change", ("本年增/减", "本年增减")),
    Label("projects", ("采购项目数量",)),
)

#: The cells each row has, per template: a row/column pair outside these is not a canonical key.
PROACTIVE_KEYS_2021: tuple[str, ...] = (
    "proactive.regulations.issued",
    "proactive.regulations.repealed",
    "proactive.regulations.in_force",
    "proactive.normative_documents.issued",
    "proactive.normative_documents.repealed",
    "proactive.normative_documents.in_force",
    "proactive.licensing.decisions",
    "proactive.penalty.decisions",
    "proactive.coercion.decisions",
    "proactive.fees.amount",
)
PROACTIVE_KEYS_2019: tuple[str, ...] = (
    *(
        f"proactive.{row}.{col}"
        for row in ("regulations", "normative_documents")
        for col in ("new_made", "new_published", "total_published")
    ),
    *(
        f"proactive.{row}.{col}"
        for row in ("licensing", "other_services", "penalty", "coercion")
        for col in ("previous_year", "change", "decisions")
    ),
    "proactive.fees.previous_year",
    "proactive.fees.change",
    "proactive.procurement.projects",
    "proactive.procurement.amount",
)
PROACTIVE_KEYS: frozenset[str] = frozenset(PROACTIVE_KEYS_2021 + PROACTIVE_KEYS_2019)

#: Labels that only one template prints: they tell the templates apart.
TEMPLATE_2021_LABELS: tuple[str, ...] = ("本年制发件数", "本年废止件数", "现行有效件数")
TEMPLATE_2019_LABELS: tuple[str, ...] = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
)

# --- section 三 ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowSpec:
    """A row of the section 三 table: its label, the group label above it, its numbering."""

    key: str
    label: str
    numbering: tuple[int, int] | None  # (depth, number): 一、→(1, 1), （三）→(2, 3), 2.→(3, 2)
    group: str | None = None


APPLICATION_ROWS: tuple[RowSpec, ...] = (
    RowSpec("new_received", "本年新收政府信息公开申请数量", (1, 1)),
    RowSpec("carried_over", "上年结转政府信息公开申请数量", (1, 2)),
    RowSpec("granted", "予以公开", (2, 1)),
    RowSpec("partially_granted", "部分公开", (2, 2)),
    RowSpec("refused_state_secret", "属于国家秘密", (3, 1), "不予公开"),
    RowSpec("refused_prohibited_by_law", "其他法律行政法规禁止公开", (3, 2), "不予公开"),
    RowSpec("refused_security_stability", "危及三安全一稳定", (3, 3), "不予公开"),
    RowSpec("refused_third_party_rights", "保护第三方合法权益", (3, 4), "不予公开"),
    RowSpec("refused_internal_affairs", "属于三类内部事务信息", (3, 5), "不予公开"),
    RowSpec("refused_process_info", "属于四类过程性信息", (3, 6), "不予公开"),
    RowSpec("refused_enforcement_files", "属于行政执法案卷", (3, 7), "不予公开"),
    RowSpec("refused_administrative_inquiry", "属于行政查询事项", (3, 8), "不予公开"),
    RowSpec("unable_not_held", "本机关不掌握相关政府信息", (3, 1), "无法提供"),
    RowSpec("unable_needs_creation", "没有现成信息需要另行制作", (3, 2), "无法提供"),
    RowSpec("unable_unclear", "补正后申请内容仍不明确", (3, 3), "无法提供"),
    RowSpec("not_processed_complaint", "信访举报投诉类申请", (3, 1), "不予处理"),
    RowSpec("not_processed_duplicate", "重复申请", (3, 2), "不予处理"),
    RowSpec("not_processed_publication", "要求提供公开出版物", (3, 3), "不予处理"),
    RowSpec("not_processed_excessive", "无正当理由大量反复申请", (3, 4), "不予处理"),
    RowSpec(
        "not_processed_confirmation", "要求行政机关确认或重新出具已获取信息", (3, 5), "不予处理"
    ),
    RowSpec(
        "other_overdue_correction",
        "申请人无正当理由逾期不补正行政机关不再处理其政府信息公开申请",
        (3, 1),
        "其他处理",
    ),
    RowSpec(
        "other_overdue_fee",
        "申请人逾期未按收费通知要求缴纳费用行政机关不再处理其政府信息公开申请",
        (3, 2),
        "其他处理",
    ),
    RowSpec("other_other", "其他", (3, 3), "其他处理"),
    RowSpec("other_handling", "其他处理", (2, 6)),
    RowSpec("total_handled", "总计", (2, 7)),
    RowSpec("carried_forward", "结转下年度继续办理", (1, 4)),
)

APPLICATION_COLUMNS: tuple[Label, ...] = (
    Label("natural_person", ("自然人",)),
    Label("commercial", ("商业企业",)),
    Label("research", ("科研机构",)),
    Label("public_interest", ("社会公益组织",)),
    Label("legal_service", ("法律服务机构",)),
    Label("other_org", ("其他",)),
    Label("total", ("总计",)),
)

#: The rows whose sum is （七）总计. （六） is either the three 2021 rows or the single 2019 row.
RESULT_ROWS: tuple[str, ...] = tuple(
    r.key
    for r in APPLICATION_ROWS
    if r.key.startswith(("granted", "partially", "refused", "unable", "not_processed"))
)
OTHER_ROWS_2021: tuple[str, ...] = ("other_overdue_correction", "other_overdue_fee", "other_other")
OTHER_ROW_2019 = "other_handling"

APPLICATION_KEYS_2021: tuple[str, ...] = tuple(
    f"applications.{row.key}.{col.key}"
    for row in APPLICATION_ROWS
    if row.key != OTHER_ROW_2019
    for col in APPLICATION_COLUMNS
)

# --- section 四 ------------------------------------------------------------------------------

#: Column groups of the section 四 table, most specific first (复议后起诉 also says 复议).
REVIEW_GROUPS: tuple[Label, ...] = (
    Label("litigation_after_review", ("复议后起诉",)),
    Label("litigation_direct", ("未经复议直接起诉", "直接起诉")),
    Label("review", ("行政复议",)),
)
REVIEW_COLUMNS: tuple[Label, ...] = (
    Label("upheld", ("结果维持",)),
    Label("corrected", ("结果纠正",)),
    Label("other", ("其他结果",)),
    Label("pending", ("尚未审结",)),
    Label("total", ("总计",)),
)
REVIEW_KEYS: tuple[str, ...] = tuple(
    f"{group.key}.{col.key}" for group in reversed(REVIEW_GROUPS) for col in REVIEW_COLUMNS
)

# --- prose -----------------------------------------------------------------------------------

TEXT_PROACTIVE_ITEMS = "text.proactive.items"
TEXT_APPLICATIONS_RECEIVED = "text.applications.received"
TEXT_FEES_YUAN = "text.fees.yuan"

# --- checks ----------------------------------------------------------------------------------

RULE_BALANCE = "applications.balance"
RULE_RESULTS_SUM = "applications.results_sum"
RULE_ROW_TOTALS = "applications.row_totals"
RULE_REVIEW_TOTALS: tuple[str, ...] = (
    "review.total",
    "litigation_direct.total",
    "litigation_after_review.total",
)
RULE_CHILDREN_SUM = "indicators.children_sum"
