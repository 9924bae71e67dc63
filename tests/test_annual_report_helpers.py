"""Builders, not tests: small Documents for the annual-report profile tests, from rows of text.

In a row, `<` continues the cell to its left and `^` the cell above, so spans read as printed:

    [["三、本年度办理结果", "（一）予以公开", "<", "1", ...],
     ["^",                 "（二）部分公开", "<", "0", ...]]
"""

from __future__ import annotations

from collections.abc import Sequence

from nianbao.convert.annual_report.labels import numbering
from nianbao.schemas.model import Block, Document, LineOrigin, Table, TableCell

Rows = Sequence[Sequence[str]]


def table(rows: Rows) -> Table:
    n_rows, n_cols = len(rows), max(len(r) for r in rows)
    grid = [list(r) + [""] * (n_cols - len(r)) for r in rows]
    cells: list[TableCell] = []
    for r in range(n_rows):
        for c in range(n_cols):
            if grid[r][c] in ("<", "^"):
                continue
            col_span = 1
            while c + col_span < n_cols and grid[r][c + col_span] == "<":
                col_span += 1
            row_span = 1
            while r + row_span < n_rows and grid[r + row_span][c] == "^":
                row_span += 1
            cells.append(
                TableCell(
                    row=r,
                    col=c,
                    row_span=row_span,
                    col_span=col_span,
                    text=grid[r][c],
                    origin=LineOrigin(line_start=r + 1, line_end=r + 1),
                )
            )
    return Table(
        n_rows=n_rows,
        n_cols=n_cols,
        method="native",
        confidence=1.0,
        cells=cells,
        origin=LineOrigin(line_start=1, line_end=n_rows),
    )


def document(*parts: str | Rows, title: str | None = None) -> Document:
    """Blocks in order: a string is a heading when numbered and short, else a paragraph."""
    blocks: list[Block] = []
    tables: list[Table] = []
    if title is not None:
        blocks.append(Block(kind="title", text=title, origin=LineOrigin(line_start=1, line_end=1)))
    for part in parts:
        origin = LineOrigin(line_start=len(blocks) + 1, line_end=len(blocks) + 1)
        if isinstance(part, str):
            printed = numbering(part)
            level = printed[0] if printed is not None else None
            if level is not None and len(part) < 30:
                blocks.append(Block(kind="heading", text=part, level=level, origin=origin))
            else:
                blocks.append(Block(kind="paragraph", text=part, origin=origin))
        else:
            blocks.append(Block(kind="table", text="", table=len(tables), origin=origin))
            tables.append(table(part))
    return Document(title=title, blocks=blocks, tables=tables)


_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT_HEADER: list[list[str]] = [
    [_NOTE, "<", "<", "申请人情况", *(["<"] * 6)],
    ["^", "^", "^", "自然人", "法人或其他组织", "<", "<", "<", "<", "总计"],
    ["^", "^", "^", "^", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "^"],
]

#: The 2021 section 三 rows as printed: (label cells, row key).
APPLICATION_LABELS: list[tuple[list[str], str]] = [
    (["一、本年新收政府信息公开申请数量", "<", "<"], "new_received"),
    (["二、上年结转政府信息公开申请数量", "<", "<"], "carried_over"),
    (["三、本年度办理结果", "（一）予以公开", "<"], "granted"),
    (["^", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "<"], "partially_granted"),
    (["^", "（三）不予公开", "1.属于国家秘密"], "refused_state_secret"),
    (["^", "^", "2.其他法律行政法规禁止公开"], "refused_prohibited_by_law"),
    (["^", "^", "3.危及“三安全一稳定”"], "refused_security_stability"),
    (["^", "^", "4.保护第三方合法权益"], "refused_third_party_rights"),
    (["^", "^", "5.属于三类内部事务信息"], "refused_internal_affairs"),
    (["^", "^", "6.属于四类过程性信息"], "refused_process_info"),
    (["^", "^", "7.属于行政执法案卷"], "refused_enforcement_files"),
    (["^", "^", "8.属于行政查询事项"], "refused_administrative_inquiry"),
    (["^", "（四）无法提供", "1.本机关不掌握相关政府信息"], "unable_not_held"),
    (["^", "^", "2.没有现成信息需要另行制作"], "unable_needs_creation"),
    (["^", "^", "3.补正后申请内容仍不明确"], "unable_unclear"),
    (["^", "（五）不予处理", "1.信访举报投诉类申请"], "not_processed_complaint"),
    (["^", "^", "2.重复申请"], "not_processed_duplicate"),
    (["^", "^", "3.要求提供公开出版物"], "not_processed_publication"),
    (["^", "^", "4.无正当理由大量反复申请"], "not_processed_excessive"),
    (["^", "^", "5.要求行政机关确认或重新出具已获取信息"], "not_processed_confirmation"),
    (
        ["^", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"],
        "other_overdue_correction",
    ),
    (
        ["^", "^", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"],
        "other_overdue_fee",
    ),
    (["^", "^", "3.其他"], "other_other"),
    (["^", "（七）总计", "<"], "total_handled"),
    (["四、结转下年度继续办理", "<", "<"], "carried_forward"),
]


def application_rows(values: dict[str, list[str]] | None = None) -> list[list[str]]:
    """The 2021 section 三 table, all zeros except the rows given (seven cells each)."""
    values = values or {}
    rows = [list(r) for r in APPLICANT_HEADER]
    for labels, key in APPLICATION_LABELS:
        rows.append(labels + values.get(key, ["0"] * 7))
    return rows


REVIEW_ROWS: list[list[str]] = [
    ["行政复议", "<", "<", "<", "<", "行政诉讼"] + ["<"] * 9,
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉"]
    + ["<"] * 4
    + ["复议后起诉", "<", "<", "<", "<"],
    ["^"] * 5 + ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
]


def review_rows(values: list[str] | None = None) -> list[list[str]]:
    return [*(list(r) for r in REVIEW_ROWS), values or ["0"] * 15]


PROACTIVE_2021: list[list[str]] = [
    ["第二十条第（一）项", "<", "<", "<"],
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "0", "0", "0"],
    ["行政规范性文件", "22（其中修订16件）", "0", "7730.28"],
    ["第二十条第（五）项", "<", "<", "<"],
    ["信息内容", "本年处理决定数量", "<", "<"],
    ["行政许可", "5", "<", "<"],
    ["第二十条第（六）项", "<", "<", "<"],
    ["信息内容", "本年处理决定数量", "<", "<"],
    ["行政处罚", "-", "<", "<"],
    ["行政强制", "", "<", "<"],
    ["第二十条第（八）项", "<", "<", "<"],
    ["信息内容", "本年收费金额（单位：万元）", "<", "<"],
    ["行政事业性收费", "/", "<", "<"],
]


def report(*tables: Rows, title: str = "某某镇2021年政府信息公开工作年度报告") -> Document:
    """A 2021-form report with the given tables under sections 二, 三, 四 in turn."""
    parts: list[str | Rows] = ["一、总体情况", "2021年，某某镇人民政府坚持以公开为常态。"]
    headings = [
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    for i, heading in enumerate(headings):
        parts.append(heading)
        if i < len(tables):
            parts.append(tables[i])
    parts += ["五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。"]
    return document(*parts, title=title)


def test_label_matching_shortcuts_give_the_answers_of_comparing_every_label() -> None:
    # best_label and matches_any pass over labels that cannot win; the answers must be those
    # of computing every similarity, on every cell text of the samples against every form table.
    from nianbao.convert.annual_report.labels import (  # noqa: PLC0415
        best_label,
        matches_any,
        similarity,
    )
    from nianbao.convert.pipeline import convert_path  # noqa: PLC0415
    from nianbao.forms import FORMS  # noqa: PLC0415
    from tests.conftest import ALL_SAMPLES  # noqa: PLC0415

    texts = {
        cell.text
        for sample in ALL_SAMPLES
        for table in convert_path(sample).document.tables
        for cell in table.cells
        if cell.text.strip()
    }
    label_sets = [
        tuple(label for part in (*spec.rows, *spec.columns) for label in part.labels)
        for spec in FORMS.tables
    ]
    assert len(texts) > 200 and len(label_sets) == len(FORMS.tables) >= 3
    for labels in label_sets:
        for text in texts:
            every = max((similarity(text, label) for label in labels), default=0.0)
            assert best_label(text, labels) == every, (text, labels)
            for threshold in (0.5, 0.85):
                assert matches_any(text, labels, threshold) == (every >= threshold), text
