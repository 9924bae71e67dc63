"""Consistency checks: do the printed totals add up? A wrong total is reported, never repaired.

One `Check` per column for the section 三 column rules (balance, results_sum), one per row for
row_totals, one per group for section 四, one per parent row of a 统计表: an auditor reading a
failure sees at once which column or row is wrong and which cells to look at, and a report
whose tables add up shows every rule as run. `expected` is always the figure printed as the
total (for the balance: 一 + 二), `actual` what the parts add up to (三（七）+ 四).

A rule whose cells are missing or blank is `skipped`, naming them: a blank is not 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from nianbao.convert.annual_report import canon
from nianbao.convert.annual_report.indicators import Numbered
from nianbao.convert.annual_report.recognise import Template
from nianbao.convert.model import Check, Diagnostic, Figure, Origin, TableCellOrigin

_COLUMN_NAMES = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "public_interest": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
_GROUP_NAMES = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼 未经复议直接起诉",
    "litigation_after_review": "行政诉讼 复议后起诉",
}

Number = int | float


def run_checks(
    figures: dict[str, Figure], indicators: Sequence[Numbered], template: Template
) -> tuple[list[Check], list[Diagnostic]]:
    checks: list[Check] = []
    standard = template in ("2019", "2021")
    if standard or any(k.startswith("applications.") for k in figures):
        checks += _application_checks(figures)
    if standard or any(k.split(".")[0] in _GROUP_NAMES for k in figures):
        checks += _review_checks(figures)
    checks += _indicator_checks(indicators)
    diagnostics = [
        Diagnostic(code="check.failed", severity="warning", message=c.message, origin=origin)
        for c, origin in ((c, _origin_of(c, figures, indicators)) for c in checks)
        if c.status == "fail"
    ]
    return checks, diagnostics


# --- section 三 ------------------------------------------------------------------------------


def _application_checks(figures: dict[str, Figure]) -> list[Check]:
    if not any(k.startswith("applications.") for k in figures):
        return [
            Check(rule=rule, status="skipped", message="no section 三 table figures to check")
            for rule in (canon.RULE_BALANCE, canon.RULE_RESULTS_SUM, canon.RULE_ROW_TOTALS)
        ]
    checks: list[Check] = []
    columns = [c.key for c in canon.APPLICATION_COLUMNS]

    def key(row: str, col: str) -> str:
        return f"applications.{row}.{col}"

    for col in columns:
        name = _COLUMN_NAMES[col]
        checks.append(
            _equation(
                canon.RULE_BALANCE,
                f"{name} column: 一、新收 + 二、上年结转 = 三（七）总计 + 四、结转下年度",
                [key("new_received", col), key("carried_over", col)],
                [key("total_handled", col), key("carried_forward", col)],
                figures,
            )
        )
    for col in columns:
        name = _COLUMN_NAMES[col]
        split = [k for k in canon.OTHER_ROWS_2021 if key(k, col) in figures]
        other = split or [canon.OTHER_ROW_2019]
        checks.append(
            _equation(
                canon.RULE_RESULTS_SUM,
                f"{name} column: （七）总计 = the sum of the 办理结果 rows",
                [key("total_handled", col)],
                [key(r, col) for r in (*canon.RESULT_ROWS, *other)],
                figures,
            )
        )
    for row in canon.APPLICATION_ROWS:
        if not any(key(row.key, c) in figures for c in columns):
            continue
        checks.append(
            _equation(
                canon.RULE_ROW_TOTALS,
                f"row {row.key} ({row.label}): 总计 = the six applicant columns",
                [key(row.key, "total")],
                [key(row.key, c) for c in columns[:-1]],
                figures,
            )
        )
    return checks


# --- section 四 ------------------------------------------------------------------------------


def _review_checks(figures: dict[str, Figure]) -> list[Check]:
    checks: list[Check] = []
    parts = [c.key for c in canon.REVIEW_COLUMNS if c.key != "total"]
    for rule in canon.RULE_REVIEW_TOTALS:
        group = rule.split(".")[0]
        if not any(k.startswith(group + ".") for k in figures):
            checks.append(
                Check(rule=rule, status="skipped", message=f"no section 四 figures for {group}")
            )
            continue
        checks.append(
            _equation(
                rule,
                f"{_GROUP_NAMES[group]}: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
                [f"{group}.total"],
                [f"{group}.{p}" for p in parts],
                figures,
            )
        )
    return checks


# --- 统计表 --------------------------------------------------------------------------------


def _indicator_checks(indicators: Sequence[Numbered]) -> list[Check]:
    """A parent equals its numbered children when they share its unit (其中 rows are subsets)."""
    checks: list[Check] = []
    for index, parent in enumerate(indicators):
        children = [
            (i, n)
            for i, n in enumerate(indicators)
            if n.parent == index and n.numbered and n.depth == int(n.depth)
        ]
        unit = parent.indicator.unit
        if len(children) < 2 or not unit or any(n.indicator.unit != unit for _, n in children):
            continue
        family = [parent.indicator, *(n.indicator for _, n in children)]
        if all(i.value is None for i in family):
            continue
        label = parent.indicator.label
        keys = [f"indicators[{index}]", *(f"indicators[{i}]" for i, _ in children)]
        blank = [k for k, i in zip(keys, family, strict=True) if i.value is None]
        if blank:
            names = "、".join(i.label for i in family if i.value is None)
            checks.append(
                Check(
                    rule=canon.RULE_CHILDREN_SUM,
                    status="skipped",
                    keys=keys,
                    message=f"{label}: blank cells, not checked (a blank is not 0): {names}",
                )
            )
            continue
        expected = parent.indicator.value
        actual = _sum(n.indicator.value for _, n in children)
        ok = expected == actual
        parts = " + ".join(f"{n.indicator.label} {n.indicator.raw}" for _, n in children)
        checks.append(
            Check(
                rule=canon.RULE_CHILDREN_SUM,
                status="pass" if ok else "fail",
                expected=expected,
                actual=actual,
                keys=keys,
                message=f"{label}: printed {parent.indicator.raw}"
                + (" = " if ok else f" but the rows below it add up to {actual}: ")
                + parts,
            )
        )
    return checks


# --- helpers ---------------------------------------------------------------------------------


def _equation(
    rule: str, what: str, left: list[str], right: list[str], figures: dict[str, Figure]
) -> Check:
    keys = left + right
    missing = [k for k in keys if k not in figures]
    if missing:
        return Check(
            rule=rule,
            status="skipped",
            keys=keys,
            message=f"{what}: not checked, no cell for {', '.join(missing)}",
        )
    blank = [k for k in keys if figures[k].value is None]
    if blank:
        shown = ", ".join(f"{k} ({figures[k].raw or 'blank'})" for k in blank)
        return Check(
            rule=rule,
            status="skipped",
            keys=keys,
            message=f"{what}: not checked, no number in {shown}",
        )
    expected = _sum(figures[k].value for k in left)
    actual = _sum(figures[k].value for k in right)
    if expected == actual:
        return Check(
            rule=rule,
            status="pass",
            expected=expected,
            actual=actual,
            keys=keys,
            message=f"{what}: {expected} = {actual}",
        )
    cells = "; ".join(f"{k} = {figures[k].raw} at {_cell(figures[k].origin)}" for k in keys)
    return Check(
        rule=rule,
        status="fail",
        expected=expected,
        actual=actual,
        keys=keys,
        message=f"{what}: printed {expected} but the parts add up to {actual} ({cells})",
    )


def _sum(values: Iterable[Number | None]) -> Number:
    total: Number = 0
    for value in values:
        total += value or 0
    return round(total, 6) if isinstance(total, float) else total


def _cell(origin: Origin) -> str:
    if isinstance(origin, TableCellOrigin):
        return f"table {origin.table} row {origin.row} col {origin.col}"
    return origin.kind


def _origin_of(
    check: Check, figures: dict[str, Figure], indicators: Sequence[Numbered]
) -> Origin | None:
    first = check.keys[0] if check.keys else None
    if first is None:
        return None
    if first in figures:
        return figures[first].origin
    if first.startswith("indicators["):
        return indicators[int(first[len("indicators[") : -1])].indicator.origin
    return None
