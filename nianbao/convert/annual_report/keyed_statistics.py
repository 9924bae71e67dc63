"""A 统计表's indicators as the canonical figures of a keyed 统计表 (`Form.indicator_tables`).

The national 统计表 of the later 2008-era years (一、主动公开情况 …
十四、政府信息公开会议和培训情况) is read as indicators like any 统计表; its rows are then
found by their label under their top row's label (the row's group in the form): （三）其他情形数
is 四、行政复议数量's, 五's or 六's by the top row it is printed under. Labels are compared
whole (`core`: numbering, notes, spaces and punctuation aside, and a leading 其中), never by
likeness: a province's 统计表 whose rows only resemble the national ones keeps its indicators
and gets no keys.

A table is the keyed one when its top rows name at least half of the form's groups. The figure is
the indicator's (its cell the origin); a row left unread by the 统计表's reader (a figure it could
not place) gets no figure, and a key two rows claim gets none either, with a diagnostic.
"""

from __future__ import annotations

from collections.abc import Sequence

from nianbao.convert.annual_report.indicators import Numbered
from nianbao.convert.annual_report.labels import whole_label
from nianbao.forms import FORMS, Forms, TableSpec
from nianbao.schemas.model import Diagnostic, Figure, Indicator

__all__ = ["keyed_figures"]


def keyed_figures(
    rows: Sequence[Numbered], diagnostics: list[Diagnostic], forms: Forms = FORMS
) -> tuple[dict[str, Figure], set[int]]:
    """The figures of the keyed 统计表 `rows` are, and the indices of the rows keyed."""
    indicators = [row.indicator for row in rows]
    for spec in forms.indicator_tables:
        if not _is_printed(spec, indicators):
            continue
        return _read(spec, indicators, diagnostics)
    return {}, set()


def _is_printed(spec: TableSpec, indicators: Sequence[Indicator]) -> bool:
    groups = {whole_label(g.label) for g in spec.groups}
    printed = {whole_label(i.label) for i in indicators if not i.path} & groups
    return 2 * len(printed) >= len(groups)


def _read(
    spec: TableSpec, indicators: Sequence[Indicator], diagnostics: list[Diagnostic]
) -> tuple[dict[str, Figure], set[int]]:
    column = spec.columns[0].key
    by_label: dict[tuple[str, str], str] = {}
    for row in spec.rows:
        assert row.group is not None  # validated on load
        for label in row.labels:
            by_label[whole_label(row.group), whole_label(label)] = spec.figure(row.key, column)
    claimed: dict[str, list[int]] = {}
    for index, indicator in enumerate(indicators):
        top = indicator.path[0] if indicator.path else indicator.label
        key = by_label.get((whole_label(top), whole_label(indicator.label)))
        if key is not None and _has_reading(indicator):
            claimed.setdefault(key, []).append(index)
    figures: dict[str, Figure] = {}
    keyed: set[int] = set()
    for key, indices in claimed.items():
        if len(indices) > 1:
            shown = "、".join(indicators[i].label for i in indices)
            diagnostics.append(
                Diagnostic(
                    code="indicators.ambiguous",
                    severity="warning",
                    message=f"统计表 rows {shown} all read as {key}: none of them is taken for it",
                    origin=indicators[indices[0]].origin,
                )
            )
            continue
        indicator = indicators[indices[0]]
        figures[key] = Figure(
            value=indicator.value,
            raw=indicator.raw,
            unit=indicator.unit,
            source="table",
            origin=indicator.origin,
        )
        keyed.add(indices[0])
    return figures, keyed


def _has_reading(indicator: Indicator) -> bool:
    """A value, or a cell printed without a number (blank, `-`): not a figure the 统计表's reader
    left unread for want of certainty (`indicators.unplaced`: a figure, no value)."""
    return indicator.value is not None or not any(c.isdigit() for c in indicator.raw)
