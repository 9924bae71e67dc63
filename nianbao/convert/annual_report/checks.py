"""Consistency checks: do the printed totals add up? A wrong total is reported, never repaired.

The checks are the forms' equations over figure keys (`[[checks]]` in `nianbao/forms`); the
2008-era 统计表's parent-equals-children rule is the one written here, as it follows the
numbering of whatever rows a table prints (run on the parents the form lists as partitions;
the national 统计表's own sums are its form's equations). One `Check` per column for the
section 三 column rules (balance, results_sum), one per row for row_totals, one per group for
section 四, one per parent row of a 统计表: an auditor reading a failure sees at once which
column or row is wrong and which cells to look at, and a report whose tables add up shows
every rule as run. `expected` is always the figure printed as the total (for the balance: 一 +
二), `actual` what the parts add up to (三（七）+ 四).

A rule whose cells are missing or blank is `skipped`, naming them: a blank is not 0. What an
equation means (which alternative of `(a + b | c)` counts, how its sides add up) is the forms'
rule, `nianbao.forms.equations`, asked here as everywhere.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from nianbao.convert.annual_report.indicators import Numbered
from nianbao.convert.annual_report.labels import whole_label
from nianbao.convert.annual_report.recognise import Template
from nianbao.forms import FORMS, CheckSpec, Forms, Instance
from nianbao.forms.equations import Number, add
from nianbao.schemas.model import Check, Diagnostic, Figure, Origin, TableCellOrigin


def run_checks(
    figures: dict[str, Figure],
    indicators: Sequence[Numbered],
    template: Template,
    forms: Forms = FORMS,
    *,
    keyed: Collection[int] = (),
) -> tuple[list[Check], list[Diagnostic]]:
    """Every check of the forms whose table the report has, or whose form it is; the 统计表's
    parents that are the form's figures (`keyed`, indices into `indicators`) are the form's
    checks' to check."""
    checks: list[Check] = []
    form = forms.form(template) if template in forms.ids else None
    # A form whose own tables every report prints has its checks run, or skipped, in each; the
    # 2008 form's keyed 统计表 is printed by some reports only: its checks run where it is.
    own = {c.rule for c in form.checks} if form is not None and form.figure_keys() else set()
    values = {key: figure.value for key, figure in figures.items()}
    for spec in forms.checks:
        checks += _run(spec, figures, values, forms, required=spec.rule in own)
    checks += _indicator_checks(indicators, forms, keyed)
    diagnostics = [
        Diagnostic(code="check.failed", severity="warning", message=c.message, origin=origin)
        for c, origin in ((c, _origin_of(c, figures, indicators)) for c in checks)
        if c.status == "fail"
    ]
    return checks, diagnostics


def _run(
    spec: CheckSpec,
    figures: dict[str, Figure],
    values: dict[str, Number | None],
    forms: Forms,
    *,
    required: bool,
) -> list[Check]:
    """One check per instance of `spec` that the report prints a figure of.

    When the report prints none of a rule's figures, the rule is `skipped` once if the report is
    of a form that has the rule, and left out otherwise (a 2008-era report has no section 三).
    """
    present = [i for i in forms.instances(spec) if not figures.keys().isdisjoint(i.equation.keys)]
    if present:
        return [_equation(instance, values, figures) for instance in present]
    if not required:
        return []
    table = spec.for_each[0] if spec.for_each else spec.rule.split(".")[0]
    return [Check(rule=spec.rule, status="skipped", message=f"no {table} figures to check")]


# --- 统计表 --------------------------------------------------------------------------------


def _indicator_checks(
    indicators: Sequence[Numbered], forms: Forms, keyed: Collection[int]
) -> list[Check]:
    """A parent equals its numbered children when they share its unit (其中 rows are subsets),
    where the form says its parts partition it (`partitions`, whole labels): elsewhere printed
    parts may overlap or leave some out, and a sum would fail where nothing is wrong."""
    checks: list[Check] = []
    spec = forms.statistics
    rule = spec.children_sum_rule if spec else "indicators.children_sum"
    partitions = {whole_label(label) for label in spec.partitions} if spec else set()
    for index, parent in enumerate(indicators):
        if index in keyed or whole_label(parent.indicator.label) not in partitions:
            continue
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
                    rule=rule,
                    status="skipped",
                    keys=keys,
                    message=f"{label}: blank cells, not checked (a blank is not 0): {names}",
                )
            )
            continue
        expected = parent.indicator.value
        actual = add(n.indicator.value for _, n in children)
        ok = expected == actual
        parts = " + ".join(f"{n.indicator.label} {n.indicator.raw}" for _, n in children)
        checks.append(
            Check(
                rule=rule,
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
    instance: Instance, values: dict[str, Number | None], figures: dict[str, Figure]
) -> Check:
    """`instance` evaluated over the report's figures (`Equation.evaluate`: which alternative
    counts, and that a missing or blank figure leaves it unchecked, are the forms' rules)."""
    evaluation = instance.equation.evaluate(values)
    what, keys, holds = instance.what, list(evaluation.keys), evaluation.holds
    if holds is None:
        if evaluation.missing:
            message = f"{what}: not checked, no cell for {', '.join(evaluation.missing)}"
        else:
            shown = ", ".join(f"{k} ({_no_number(figures[k])})" for k in evaluation.blank)
            message = f"{what}: not checked, no number in {shown}"
        return Check(rule=instance.check.rule, status="skipped", keys=keys, message=message)
    expected, actual = evaluation.left.total, evaluation.right.total
    if holds:
        message = f"{what}: {expected} = {actual}"
    else:
        cells = "; ".join(f"{k} = {figures[k].raw} at {_cell(figures[k].origin)}" for k in keys)
        message = f"{what}: printed {expected} but the parts add up to {actual} ({cells})"
    return Check(
        rule=instance.check.rule,
        status="pass" if holds else "fail",
        expected=expected,
        actual=actual,
        keys=keys,
        message=message,
    )


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


def _no_number(figure: Figure) -> str:
    """Why a figure has no number: its text, a blank, or undetermined (`figures.undetermined`)."""
    if figure.raw:
        return figure.raw
    return "undetermined" if figure.confidence < 1 else "blank"
