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
- a cumulative smaller than the year's: one of them is misprinted;
- a table of one column headed 年末统计 (at the year's end): the year's figure or a running total
  since the records began. A 0 is the year's 0, a row whose label says 本年度 is the year's, and
  any other figure is left unread unless the text states the same figure for the year or the
  sums place it.

The sums place a figure only over a parent whose parts the form says partition it
(`partitions`): its parts' year's figures then add up to its year's. An unread figure is at least
its row's year's figure (a cumulative or running total is never less), so where a parent's year's
figure is known and its parts' printed figures add up to exactly it, each printed figure is its
row's year's; where the parts' year's figures are all known, a parent printing their sum prints
its year's. A table whose title (the line before its header) names another year is not read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from nianbao.convert.annual_report.indicators import Entry, Numbered, arrange
from nianbao.convert.annual_report.labels import compact, core, numbering, whole_label
from nianbao.forms import FORMS
from nianbao.schemas.model import (
    Diagnostic,
    Document,
    Figure,
    Origin,
    TableCellOrigin,
    TextSpanOrigin,
)

Column = Literal["year", "cumulative", "year_end"]

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
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})年")
_HEADER_LINES = 4  # 指 / 标 / 名 / 称: a header word broken one character a line


@dataclass(frozen=True)
class _Line:
    block: int
    text: str  # compact
    cell: TableCellOrigin | None = None  # a cell of a table the text adapter rebuilt

    def origin(self, document: Document) -> Origin:
        if self.cell is not None:
            return self.cell
        return TextSpanOrigin(block=self.block, start=0, end=len(document.blocks[self.block].text))


def flat_indicators(
    document: Document,
    year: int | None,
    diagnostics: list[Diagnostic],
    prose: Mapping[str, Figure] | None = None,
) -> list[Numbered]:
    """The indicators of the first 统计表 printed one cell per line, for the year `year`;
    `prose` holds the text's figures for the year (`text.*`), which can place a figure."""
    spec = FORMS.statistics
    if spec is None:
        return []
    lines = _lines(document)
    for at in range(len(lines)):
        after_name = _joined(lines, at, spec.flat_indicator_headers)
        if after_name is None:
            continue
        header = _header(lines, after_name, year, diagnostics)
        if header is None:
            continue
        if _titled_another_year(lines, at, year, diagnostics):
            return []
        columns, first = header
        pending: dict[int, Diagnostic] = {}
        rows = arrange(_rows(document, lines, first, columns, diagnostics, pending=pending))
        return _placed(rows, pending, diagnostics, prose or {})
    return []


def _lines(document: Document) -> list[_Line]:
    """The document's text one line a block; a table the text adapter rebuilt from the lines
    (the header and the first row of a 统计表, the rest not fitting) as its title and its cells,
    row by row, as they were printed."""
    out: list[_Line] = []
    for index, block in enumerate(document.blocks):
        if block.kind == "table" and block.table is not None:
            table = document.tables[block.table]
            if block.text.strip():
                out.append(_Line(index, compact(block.text)))
            out += [
                _Line(
                    index, compact(c.text), TableCellOrigin(table=block.table, row=c.row, col=c.col)
                )
                for c in sorted(table.cells, key=lambda c: (c.row, c.col))
                if c.text.strip()
            ]
        elif block.text.strip():
            out.append(_Line(index, compact(block.text)))
    return out


def _joined(lines: list[_Line], at: int, words: tuple[str, ...]) -> int | None:
    """Where the line after a header word starting at line `at` is: the word on one line or
    broken over a few (`指 标 / 名 / 称`, `计量 / 单位`), the longest (指标名称, not 指标);
    None if none of `words` starts there."""
    text, found = "", None
    for end in range(at, min(at + _HEADER_LINES, len(lines))):
        text += lines[end].text
        if len(text) > max(len(w) for w in words):
            break
        if core(text) in words:
            found = end + 1
    return found


def _titled_another_year(
    lines: list[_Line], at: int, year: int | None, diagnostics: list[Diagnostic]
) -> bool:
    """Whether the table's title, the line before its header, names a year not the report's
    (莆田市林业局's report on 2010 prints `…2011年度政府信息公开年度报告表`)."""
    if at == 0 or year is None or not lines[at - 1].text.endswith("表"):
        return False
    named = {int(y) for y in _TITLE_YEAR.findall(lines[at - 1].text)}
    if not named or year in named:
        return False
    diagnostics.append(
        Diagnostic(
            code="indicators.other_year",
            severity="warning",
            message=f"the 统计表 is titled {lines[at - 1].text!r}, not the report's year "
            f"{year}: its figures are not read as {year}'s",
        )
    )
    return True


def _placed(
    rows: list[Numbered],
    pending: dict[int, Diagnostic],
    diagnostics: list[Diagnostic],
    prose: Mapping[str, Figure],
) -> list[Numbered]:
    """The rows left unread (`pending`, each with its `indicators.unplaced` diagnostic) whose
    figure is the year's after all: the text says so (`indicators.placed_by_text`), or the sums
    over a partition do (`indicators.placed_by_sums`; 2012's `4.其他类型答复数 / 条 / 1` under
    对申请的答复总数 3 = 1 + 0 + 1 + 1). Repeated, as one placed figure can place another."""
    rows = list(rows)
    changed = True
    while changed:
        changed = False
        for index, said in list(pending.items()):
            figure = int(rows[index].indicator.raw)
            label = rows[index].indicator.label
            by_text = _said_for_the_year(label, prose)
            if by_text is not None and by_text.value == figure:
                code, why = "indicators.placed_by_text", f"the text says {by_text.raw}"
            elif figure in _sums_for(rows, index, pending):
                code, why = "indicators.placed_by_sums", "the rows around it add up to it"
            else:
                continue
            indicator = rows[index].indicator.model_copy(update={"value": figure})
            rows[index] = replace(rows[index], indicator=indicator)
            diagnostics.remove(said)
            diagnostics.append(
                Diagnostic(
                    code=code,
                    severity="info",
                    message=f"统计表 row {label!r}: its figure {figure}, which alone could be "
                    f"the year's or a total over the years, is the year's: {why}",
                    origin=said.origin,
                )
            )
            del pending[index]
            changed = True
    return rows


def _said_for_the_year(label: str, prose: Mapping[str, Figure]) -> Figure | None:
    """The text's figure for the year that states what the row `label` states (`prose.toml`'s
    `table_labels`)."""
    for rule in FORMS.prose:
        if core(label) in {core(t) for t in rule.table_labels} and rule.key in prose:
            return prose[rule.key]
    return None


def _sums_for(rows: list[Numbered], index: int, pending: Mapping[int, object]) -> list[int]:
    """What the year's figures around row `index` say it must be, over partitions only."""
    spec = FORMS.statistics
    partitions = {whole_label(p) for p in spec.partitions} if spec else set()

    def is_partition(at: int) -> bool:
        return whole_label(rows[at].indicator.label) in partitions

    out: list[int] = []
    parent = rows[index].parent
    if parent is not None and is_partition(parent):
        family = [j for j, r in enumerate(rows) if r.parent == parent]
        total = rows[parent].indicator.value
        known = [rows[j].indicator.value for j in family if j != index]
        if total is not None and all(v is not None for v in known):
            out.append(int(total - sum(v for v in known if v is not None)))
        # Each unread part prints at least its year's figure: printed parts adding up to the
        # year's total are each the year's.
        printed = [_printed(rows[j], j in pending) for j in family]
        if total is not None and None not in printed and sum(p or 0 for p in printed) == total:
            out.append(int(rows[index].indicator.raw))
    parts = [r.indicator.value for r in rows if r.parent == index]
    if is_partition(index) and parts and all(v is not None for v in parts):
        out.append(int(sum(v for v in parts if v is not None)))
    return out


def _printed(row: Numbered, pending: bool) -> int | float | None:
    """The figure a row prints: its value, or its unread figure."""
    return int(row.indicator.raw) if pending else row.indicator.value


def _header(
    lines: list[_Line], at: int, year: int | None, diagnostics: list[Diagnostic]
) -> tuple[list[Column], int] | None:
    """The columns after 指标名称 and 单位, and where the rows start; None if not a header."""
    spec = FORMS.statistics
    assert spec is not None
    after_unit = _joined(lines, at, spec.unit_headers)
    if after_unit is None:
        return None
    at = after_unit
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
        elif text in spec.year_end_headers:
            columns.append("year_end")
        else:
            break
        at += 1
    year_and_cumulative = columns.count("year") == 1 and columns.count("cumulative") <= 1
    if not (year_and_cumulative or columns == ["year_end"]):
        return None
    return columns, at


def _rows(
    document: Document,
    lines: list[_Line],
    at: int,
    columns: list[Column],
    diagnostics: list[Diagnostic],
    *,
    pending: dict[int, Diagnostic],
) -> list[Entry]:
    """The rows; `pending` gets the rows whose one figure, unread, may be the year's (one figure
    for two columns, or one under 年末统计), each with the diagnostic that says so."""
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
        year_end = columns == ["year_end"] and len(figures) == 1
        if (one_of_two or year_end) and entries[-1].value is None and len(diagnostics) > said:
            pending[len(entries) - 1] = diagnostics[-1]
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
    year_at = columns.index("year") if "year" in columns else 0
    label_origin = label_line.origin(document)

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

    if columns == ["year_end"] and figures:
        value = int(figures[0].text)
        if value == 0 or _says_this_year(label):
            return _read(document, label, unit, figures[0], depth, value=value, raw=figures[0].text)
        return unplaced(
            figures[0].text,
            f"its one figure ({value}) under 年末统计 is the year's or a total over the years, "
            "and neither the text nor the table's sums say which",
        )
    if run_together is not None:
        digits = run_together.text[len(unit or "") :]
        if columns == ["year_end"] and digits != "0":
            return unplaced(digits, f"{digits} runs into its unit under 年末统计")
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
    return Entry(label, unit, value, raw, line.origin(document), depth)


def _says_this_year(label: str) -> bool:
    """Whether a row's label says its figure is the year's (本年度对申请的答复总数)."""
    spec = FORMS.statistics
    return spec is not None and any(word in label for word in spec.this_year_words)


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
