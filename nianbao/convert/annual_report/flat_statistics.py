"""A 2008-era 统计表 printed one cell per line, read as indicators for the report's year.

A crawler's text of the page gives the table as lines: `指标名称 / 计量单位 / 2015 / 年度 /
历年累计 / 制作、获取的政府信息总数 / 条 / 372 / 3391 / 其中：/ 1. / 主动公开信息数 / 条 / …`.
The header says which column is the year's and which the cumulative (历年累计); the indicator's
value is the year's, and the cumulative is never taken for it.

What cannot be placed with certainty is flagged, not guessed (`indicators.unplaced`), unless
the table's own sums place it (`indicators.placed_by_sums`):

- a row of two columns that prints one figure: the crawl drops a line equal to the line before,
  so `条 / 5` is 5 and 5, or 5 beside a blank. A single 0 is the year's 0 (the cumulative is
  at least the year's), any other single figure is left unread;
- figures run together with the unit (`条18535395`): split only when one split alone gives a
  cumulative at least the year's, else left unread with the candidates named;
- a cumulative smaller than the year's: one of them is misprinted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from nianbao.convert.annual_report.indicators import Entry, Numbered, arrange
from nianbao.convert.annual_report.labels import compact, core, numbering
from nianbao.forms import FORMS
from nianbao.schemas.model import Diagnostic, Document, TextSpanOrigin

Column = Literal["year", "cumulative"]

_MAX_LABEL = 40  # longer lines are prose: the table has ended
# A count: no more digits than any real one has (a line of thousands of digits is damage, and
# `int` refuses it); figures run together are two of them.
_FIGURE = re.compile(r"\d{1,12}")
_RUN_TOGETHER = re.compile(r"\d{1,24}")
_PREFIX = re.compile(
    r"^(?:其中[:：]?|[0-9]+[.．、]|[（(][一二三四五六七八九十0-9]+[）)]|[一二三四五六七八九十]+、)$"
)
_UNDER = re.compile(r"^其中[:：]?")
_YEAR_HEADER = re.compile(r"^((?:19|20)\d{2})(?:年度|年)?$")


@dataclass(frozen=True)
class _Line:
    block: int
    text: str  # compact


def flat_indicators(
    document: Document, year: int | None, diagnostics: list[Diagnostic]
) -> list[Numbered]:
    """The indicators of the first 统计表 printed one cell per line, for the year `year`."""
    spec = FORMS.statistics
    if spec is None:
        return []
    lines = [
        _Line(i, compact(b.text))
        for i, b in enumerate(document.blocks)
        if b.kind != "table" and b.text.strip()
    ]
    for at, line in enumerate(lines):
        if core(line.text) not in spec.flat_indicator_headers:
            continue
        header = _header(lines, at + 1, year, diagnostics)
        if header is not None:
            columns, first = header
            singles: dict[int, Diagnostic] = {}
            rows = arrange(_rows(document, lines, first, columns, diagnostics, singles=singles))
            return _placed_by_sums(rows, singles, diagnostics)
    return []


def _placed_by_sums(
    rows: list[Numbered], singles: dict[int, Diagnostic], diagnostics: list[Diagnostic]
) -> list[Numbered]:
    """A row's one figure for two columns is the year's when the table's sums say so: its
    parent less its siblings, or its parts added up, come to that figure (2012's
    `4.其他类型答复数 / 条 / 1` under 对申请的答复总数 3 = 1 + 0 + 1 + 1)."""
    rows = list(rows)
    changed = True
    while changed:
        changed = False
        for index, said in list(singles.items()):
            figure = int(rows[index].indicator.raw)
            if figure not in _sums_for(rows, index):
                continue
            indicator = rows[index].indicator.model_copy(update={"value": figure})
            rows[index] = replace(rows[index], indicator=indicator)
            diagnostics.remove(said)
            diagnostics.append(
                Diagnostic(
                    code="indicators.placed_by_sums",
                    severity="info",
                    message=f"统计表 row {indicator.label!r}: its one figure {figure} for two "
                    "columns is the year's, as the rows around it add up to",
                    origin=said.origin,
                )
            )
            del singles[index]
            changed = True
    return rows


def _sums_for(rows: list[Numbered], index: int) -> list[int | float]:
    """What the year's figures around row `index` say it must be, where all are known."""
    out: list[int | float] = []
    parent = rows[index].parent
    if parent is not None:
        siblings = [
            r.indicator.value for j, r in enumerate(rows) if r.parent == parent and j != index
        ]
        total = rows[parent].indicator.value
        if total is not None and all(v is not None for v in siblings):
            out.append(total - sum(v for v in siblings if v is not None))
    parts = [r.indicator.value for r in rows if r.parent == index]
    if parts and all(v is not None for v in parts):
        out.append(sum(v for v in parts if v is not None))
    return out


def _header(
    lines: list[_Line], at: int, year: int | None, diagnostics: list[Diagnostic]
) -> tuple[list[Column], int] | None:
    """The columns after 指标名称 and 单位, and where the rows start; None if not a header."""
    spec = FORMS.statistics
    assert spec is not None
    if at >= len(lines) or core(lines[at].text) not in spec.unit_headers:
        return None
    at += 1
    columns: list[Column] = []
    while at < len(lines):
        text = lines[at].text
        printed_year = _YEAR_HEADER.match(text)
        if printed_year is not None:
            if year is not None and int(printed_year.group(1)) != year:
                diagnostics.append(
                    Diagnostic(
                        code="indicators.other_year",
                        severity="warning",
                        message=f"the 统计表's column is headed {printed_year.group(1)}, not the "
                        f"report's year {year}: its figures are not read as {year}'s",
                    )
                )
                return None
            columns.append("year")
            if at + 1 < len(lines) and lines[at + 1].text in spec.year_headers:
                at += 1  # `2015` and `年度` on two lines are one header
        elif text in spec.year_headers:
            columns.append("year")
        elif text in spec.cumulative_headers:
            columns.append("cumulative")
        else:
            break
        at += 1
    if columns.count("year") != 1 or columns.count("cumulative") > 1:
        return None
    return columns, at


def _rows(
    document: Document,
    lines: list[_Line],
    at: int,
    columns: list[Column],
    diagnostics: list[Diagnostic],
    *,
    singles: dict[int, Diagnostic],
) -> list[Entry]:
    """The rows; `singles` gets the rows that print one figure for two columns, unread, each
    with the diagnostic that says so."""
    spec = FORMS.statistics
    assert spec is not None
    units = sorted(spec.units, key=len, reverse=True)
    entries: list[Entry] = []
    prefix = ""
    numbered_top: bool | None = None  # whether the first row is numbered (一、…)
    while at < len(lines):
        text = lines[at].text
        if "。" in text or len(text) > _MAX_LABEL or _FIGURE.fullmatch(text):
            break  # prose, or a figure where a label should be: the table has ended
        if _PREFIX.match(text):
            prefix += text
            at += 1
            continue
        # 其中 says the rows that follow are parts of the row above; it is not the label's.
        under = _UNDER.match(prefix + text) is not None
        label, label_line = _UNDER.sub("", prefix + text), lines[at]
        prefix = ""
        if at + 1 >= len(lines):
            break
        following = lines[at + 1].text
        run_together = None
        unit: str | None = following
        if following not in spec.units:
            unit = next((u for u in units if following.startswith(u)), None)
            if unit is None or not _RUN_TOGETHER.fullmatch(following[len(unit) :]):
                break  # every row prints its unit: a line without one is past the table
            run_together = lines[at + 1]
        at += 2
        if numbered_top is None:
            numbered_top = numbering(label) is not None
        figures: list[_Line] = []
        while run_together is None and at < len(lines) and len(figures) < len(columns):
            if not _FIGURE.fullmatch(lines[at].text):
                break
            figures.append(lines[at])
            at += 1
        said = len(diagnostics)
        entries.append(
            _entry(
                document,
                depth=None if numbered_top else _depth(label, under),
                label=label,
                label_line=label_line,
                unit=unit,
                columns=columns,
                figures=figures,
                run_together=run_together,
                diagnostics=diagnostics,
            )
        )
        one_of_two = run_together is None and 0 < len(figures) < len(columns)
        if one_of_two and entries[-1].value is None and len(diagnostics) > said:
            singles[len(entries) - 1] = diagnostics[-1]
    return entries


def _entry(
    document: Document,
    *,
    depth: float | None,
    label: str,
    label_line: _Line,
    unit: str | None,
    columns: list[Column],
    figures: list[_Line],
    run_together: _Line | None,
    diagnostics: list[Diagnostic],
) -> Entry:
    year_at = columns.index("year")
    label_origin = TextSpanOrigin(
        block=label_line.block, start=0, end=len(document.blocks[label_line.block].text)
    )

    def unplaced(raw: str, why: str) -> Entry:
        diagnostics.append(
            Diagnostic(
                code="indicators.unplaced",
                severity="warning",
                message=f"统计表 row {label!r}: {why}; its value for the year is left unread",
                origin=label_origin,
            )
        )
        return Entry(label, unit, None, raw, label_origin, depth)

    if run_together is not None:
        digits = run_together.text[len(unit or "") :]
        if len(columns) == 1:
            return _read(document, label, unit, run_together, depth, value=int(digits), raw=digits)
        splits = _splits(digits, year_first=year_at == 0)
        if len(splits) != 1:
            shown = ", ".join(f"{y} and {c}" for y, c in splits) or "none"
            return unplaced(
                digits,
                f"{digits} runs the year's figure and the cumulative "
                f"together; the splits that fit: {shown}",
            )
        return _read(document, label, unit, run_together, depth, value=splits[0][0], raw=digits)
    if not figures:
        return Entry(label, unit, None, "", label_origin, depth)
    if len(figures) < len(columns):
        value = int(figures[0].text)
        if value != 0:
            return unplaced(
                figures[0].text,
                f"one figure ({value}) for its {len(columns)} "
                "columns: the year's, the cumulative, or both",
            )
        return _read(document, label, unit, figures[0], depth, value=0, raw=figures[0].text)
    values = [int(f.text) for f in figures]
    year_value = values[year_at]
    if "cumulative" in columns and values[columns.index("cumulative")] < year_value:
        return unplaced(
            figures[year_at].text,
            f"its cumulative {values[columns.index('cumulative')]} "
            f"is less than the year's {year_value}",
        )
    printed = figures[year_at]
    return _read(document, label, unit, printed, depth, value=year_value, raw=printed.text)


def _read(
    document: Document,
    label: str,
    unit: str | None,
    line: _Line,
    depth: float | None,
    *,
    value: int,
    raw: str,
) -> Entry:
    end = len(document.blocks[line.block].text)
    origin = TextSpanOrigin(block=line.block, start=0, end=end)
    return Entry(label, unit, value, raw, origin, depth)


def _depth(label: str, under: bool) -> float:
    """The flat tables print their top rows unnumbered (主动公开信息数) and their parts
    numbered (1.政府网站公开) or after 其中. A table whose first row is numbered (一、…) is left
    to the numbering."""
    numbered = numbering(label)
    if numbered is not None:
        return float(numbered[0])
    return 0.5 if under else 0.0


def _splits(digits: str, year_first: bool) -> list[tuple[int, int]]:
    """(year's, cumulative) for each way `digits` splits into two counts, the cumulative at
    least the year's; a count has no leading zero."""
    out: list[tuple[int, int]] = []
    for cut in range(1, len(digits)):
        first, second = digits[:cut], digits[cut:]
        if any(len(part) > 1 and part[0] == "0" for part in (first, second)):
            continue
        year, cumulative = (int(first), int(second)) if year_first else (int(second), int(first))
        if cumulative >= year:
            out.append((year, cumulative))
    return out
