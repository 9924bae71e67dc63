"""Reports to one table: `nianbao export REPORTS... --csv figures.csv --xlsx figures.xlsx`.

One row per report, in the order the reports were named (a folder's reports, found recursively,
in path order). The columns are always the same, whatever the reports hold, so tables made from
different collections line up: `source`, `sha256`, `path` (where the input is now, if it is
found: `nianbao.collection.sources`), `organization`, `year`, `template`,
`published_on`, `title`, `publisher` and `url` (as the input states them), `checks_failed`,
`partial` (why the report is partial, blank when it is not: see
`nianbao.collection.partial`), `undetermined` (how many of its figures are undetermined),
then every canonical figure key of the forms in
`nianbao/forms`, in the order the official forms print them (section 二 of the 2021 form, then of
the 2019 form, section 三 row by row, section 四, then the figures stated in prose). The workbook
has a second sheet, `legend`, giving each column's section, row and column as the form prints
them in Chinese. A figure's cell holds its value, empty when it has none; `raw` text and origins
stay in the JSON, where they can be traced. Why a cell is empty is in the figure's companion
column, `state:KEY`, after all the figures: `value`, `blank` (printed blank), `undetermined`
(printed, but several readings fit: the JSON's `figures.undetermined` lists them) or `absent`
(the report does not give it), as `nianbao.collection.partial.figure_state` defines them.
Then the panel, `panel:KEY` (`annual_report.panel`: the few figures comparable across every
era, computed as each form says in `nianbao/forms`), empty where the report does not state one.

After the figures come the indicators of 2008-era 统计表, whose rows differ from province to
province: one column per indicator found in the reports exported (`indicator:` and the row's
path and label, with its unit in brackets), in the order first met; the legend gives their path,
label and unit. The fixed columns come first, so tables of different collections still line up.

`--parquet DIR` writes the collection as a dataset instead (`nianbao.collection.dataset`): long
tables of figures, indicators, checks and diagnostics, and the checks across reports.

With `labels` the header has a second row naming each column in Chinese (`column_label`), for
a person in a spreadsheet; the default is the one row of keys that programs read as a header.

The CSV is UTF-8 with a byte-order mark. Excel opens a CSV without one in the machine's
"ANSI" code page (GBK on Chinese Windows, cp1252 elsewhere) and turns every Chinese name into
mojibake; the BOM is how Excel learns the file is UTF-8, and Python (`utf-8-sig`), pandas and R
read it transparently.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from nianbao.collection.partial import figure_state, of_data
from nianbao.collection.progress import SILENT, Steps, counted
from nianbao.collection.report_file import read_report, read_reports, reports_in
from nianbao.collection.sources import source_path
from nianbao.errors import DocumentLoadError, NianbaoError
from nianbao.forms import FORMS
from nianbao.schemas.emit import write_named

if TYPE_CHECKING:  # pyarrow costs 0.4 s to import: only `--parquet` pays it
    from nianbao.collection import dataset

META_COLUMNS: tuple[str, ...] = (
    "source",
    "sha256",
    "path",
    "organization",
    "year",
    "template",
    "published_on",
    "title",
    "publisher",
    "url",
    "checks_failed",
    "partial",
    "undetermined",
)

FIGURE_COLUMNS: tuple[str, ...] = FORMS.figure_keys

#: Each figure's state, in the figures' order (`state:KEY`): why its cell is empty, if it is.
STATE_PREFIX = "state:"
STATE_COLUMNS: tuple[str, ...] = tuple(STATE_PREFIX + key for key in FIGURE_COLUMNS)

#: The panel (`annual_report.panel`), the figures comparable across every era (`panel:KEY`).
PANEL_PREFIX = "panel:"
PANEL_COLUMNS: tuple[str, ...] = tuple(PANEL_PREFIX + key for key in FORMS.panel_keys)

COLUMNS: tuple[str, ...] = META_COLUMNS + FIGURE_COLUMNS + STATE_COLUMNS + PANEL_COLUMNS

#: The header's second row, with `labels`: each meta column's name in Chinese.
META_LABELS: dict[str, str] = {
    "source": "文件名",
    "sha256": "文件SHA-256",
    "path": "文件路径",
    "organization": "机关",
    "year": "年度",
    "template": "格式",
    "published_on": "发布日期",
    "title": "标题",
    "publisher": "发布机构",
    "url": "原文链接",
    "checks_failed": "未通过的校验数",
    "partial": "不完整的原因",
    "undetermined": "无法确定的数字个数",
}
_STATE_LABEL = "状态："
_PANEL_LABEL = "可比："

INDICATOR_PREFIX = "indicator:"
_INDICATOR_SECTION = "统计表"
_PANEL_SECTION = "panel"
_PANEL_LEGEND = (
    "comparable across every era: where the report's form says it comes from (its figures, "
    "a 统计表 indicator, its prose); empty when the report does not state it"
)
_STATE_LEGEND = (
    "the figure's state: value; blank (printed blank); undetermined (printed, several readings "
    "fit, no value); absent (not in the report)"
)

Cell = str | int | float | None
Row = list[Cell]


def report_files(paths: Sequence[Path], not_reports: list[Path] | None = None) -> list[Path]:
    """The report files named, with each folder's found as `review` and `validate` find them
    (`reports_in`: its non-reports added to `not_reports`); a file named itself is read
    whatever it is. A folder with no reports is an input unread (`DocumentLoadError`), as
    `convert` and `review` of a folder with nothing for them.
    """
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        reports = reports_in(path, not_reports)
        if not reports:
            raise DocumentLoadError(
                "is a folder with no reports (*.json) to export", source=str(path)
            )
        found += reports
    return found


def read_row(path: Path) -> Row:
    """The table row of the report at `path`; a `NianbaoError` if it is not a report."""
    data = read_report(path)
    return row_of(data, source_path(path, data, None))


def row_of(data: dict[str, Any], path: Path | None = None) -> Row:
    """The table row of the report `data`, whose input is at `path` (None: not found)."""
    source = data.get("source") or {}
    document = data.get("document") or {}
    publication = document.get("publication") or {}
    annual = data.get("annual_report") or {}
    figures: dict[str, Any] = annual.get("figures") or {}
    checks: list[dict[str, Any]] = annual.get("checks") or []
    found = of_data(data)
    meta: Row = [
        source.get("name"),
        source.get("sha256"),
        None if path is None else str(path),
        annual.get("organization"),
        annual.get("year"),
        annual.get("template"),
        annual.get("published_on"),
        document.get("title"),
        publication.get("publisher"),
        publication.get("url"),
        sum(1 for check in checks if check.get("status") == "fail"),
        found.text() or None,  # why the report is partial; blank when complete
        found.undetermined,
    ]
    values: Row = [(figures.get(key) or {}).get("value") for key in FIGURE_COLUMNS]
    states: Row = [figure_state(figures.get(key)) for key in FIGURE_COLUMNS]
    panel: dict[str, Any] = annual.get("panel") or {}
    panel_values: Row = [(panel.get(key) or {}).get("value") for key in FORMS.panel_keys]
    return meta + values + states + panel_values


def indicators_of(data: dict[str, Any]) -> dict[str, Cell]:
    """The report's indicators by column name; a row printed twice gets `#2`, `#3`, ..."""
    annual = data.get("annual_report") or {}
    found: dict[str, Cell] = {}
    for indicator in annual.get("indicators") or []:
        name = indicator_column(indicator.get("path") or [], indicator["label"], indicator["unit"])
        n = 2
        unique = name
        while unique in found:
            unique = f"{name} #{n}"
            n += 1
        found[unique] = indicator.get("value")
    return found


def indicator_column(path: Sequence[str], label: str, unit: str | None) -> str:
    """`indicator:一、主动公开 › 主动公开信息数 [条]`"""
    name = INDICATOR_PREFIX + " › ".join((*path, label))
    return f"{name} [{unit}]" if unit else name


def column_label(column: str) -> str:
    """The column as a person reads it in Chinese, from the forms: a figure's row and column
    labels (`row › column`), `状态：` before a figure's state, the 2008 统计表's row for a panel
    figure, the indicator's path and label with its unit."""
    if column in META_LABELS:
        return META_LABELS[column]
    if column.startswith(STATE_PREFIX):
        return _STATE_LABEL + column_label(column.removeprefix(STATE_PREFIX))
    if column.startswith(PANEL_PREFIX):
        return _PANEL_LABEL + _panel_label(column.removeprefix(PANEL_PREFIX))
    if column.startswith(INDICATOR_PREFIX):
        return column.removeprefix(INDICATOR_PREFIX)
    described = FORMS.describe(column)
    if described is None:
        return column
    _, row_label, printed_column = described
    return f"{row_label} › {printed_column}" if printed_column else row_label


def _panel_label(key: str) -> str:
    """A panel figure by the first 统计表 row a form finds it under (受理政府信息公开申请总数), the
    words every era's reports print for it; else its prose figure's label; else its key."""
    sources = [p for form in FORMS.forms for p in form.panel if p.key == key]
    for source in sources:
        if source.indicators:
            return source.indicators[0]
    for source in sources:
        if source.text is not None:
            return column_label(source.text)
    return key


def csv_bytes(
    rows: Iterable[Row], columns: Sequence[str] = COLUMNS, *, labels: bool = False
) -> bytes:
    """The CSV; with `labels`, a second header row names each column in Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # the excel dialect: quoted as needed, CRLF line ends
    writer.writerow(columns)
    if labels:
        writer.writerow([column_label(c) for c in columns])
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(
    rows: Iterable[Row],
    columns: Sequence[str] = COLUMNS,
    indicators: Sequence[tuple[str, Sequence[str], str, str | None]] = (),
    *,
    labels: bool = False,
) -> bytes:
    """The workbook; `indicators` are the indicator columns' (name, path, label, unit); with
    `labels`, a second header row names each column in Chinese."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("reports")
    # The header (both rows) and the source name stay in view when scrolling.
    sheet.freeze_panes = "B3" if labels else "B2"
    sheet.column_dimensions[get_column_letter(1)].width = 32
    sheet.append(list(columns))
    if labels:
        sheet.append([column_label(c) for c in columns])
    for row in rows:
        sheet.append(row)  # None is an empty cell; numbers stay numbers
    legend = book.create_sheet("legend")
    legend.append(["column", "section", "row", "column label"])
    for key in FIGURE_COLUMNS:
        section, row_label, printed_column = FORMS.describe(key) or ("", "", "")
        legend.append([key, section, row_label, printed_column])
    legend.append([f"{STATE_PREFIX}…", "", _STATE_LEGEND, ""])
    for column in PANEL_COLUMNS:
        legend.append([column, _PANEL_SECTION, _PANEL_LEGEND, ""])
    for name, path, label, unit in indicators:
        legend.append([name, _INDICATOR_SECTION, " › ".join((*path, label)), unit or ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export(
    paths: Sequence[Path],
    *,
    csv_path: Path | None = None,
    xlsx_path: Path | None = None,
    parquet_dir: Path | None = None,
    steps: Steps = SILENT,
    labels: bool = False,
    sources: Sequence[Path] = (),
    not_reports: list[Path] | None = None,
) -> tuple[int, list[NianbaoError], dataset.Summary | None]:
    """Write the tables asked for; the number of rows, the reports that could not be read, and
    what the dataset update did (None without `parquet_dir`). `steps` is told each report read;
    with `labels` the CSV and the workbook have a second header row in Chinese. Each report's
    input is looked for beside it and under `sources` (`nianbao.collection.sources`). A folder's
    .json files that are not nianbao reports are passed over, added to `not_reports`
    (`report_files`).

    A report that cannot be read is left out and returned, so that one bad file in thousands
    costs its row, not the table.
    """
    files = report_files(paths, not_reports)
    problems: list[NianbaoError] = []
    rows = 0
    if csv_path is not None or xlsx_path is not None:
        folders = [p for p in paths if p.is_dir()]
        layouts = {file: _layout(file, folders) for file in files}
        wide = _Wide(layouts, sources, labels)
        rows, problems = _wide(files, csv_path, xlsx_path, steps, wide)
    summary = None
    if parquet_dir is not None:
        from nianbao.collection import dataset  # noqa: PLC0415

        summary = dataset.update(parquet_dir, files, steps)
        if csv_path is None and xlsx_path is None:
            problems = summary.problems
            rows = len(files) - len(problems)
    return rows, problems, summary


def _layout(file: Path, folders: Sequence[Path]) -> Path | None:
    """The folder named for export that `file` was found in, whose layout the sources keep."""
    return next((folder for folder in folders if file.is_relative_to(folder)), None)


@dataclass(frozen=True)
class _Wide:
    """How the wide table is made: each report's folder of reports, the folders of sources, and
    whether the header has its Chinese row."""

    layouts: Mapping[Path, Path | None]
    sources: Sequence[Path]
    labels: bool


def _wide(
    files: Sequence[Path],
    csv_path: Path | None,
    xlsx_path: Path | None,
    steps: Steps,
    wide: _Wide,
) -> tuple[int, list[NianbaoError]]:
    rows: list[Row] = []
    by_report: list[dict[str, Cell]] = []
    indicators: dict[str, tuple[str, Sequence[str], str, str | None]] = {}
    problems: list[NianbaoError] = []
    for path, data in read_reports(counted("reading reports", files, steps), problems):
        rows.append(row_of(data, source_path(path, data, wide.layouts[path], wide.sources)))
        values = indicators_of(data)
        by_report.append(values)
        annual = data.get("annual_report") or {}
        for indicator, name in zip(annual.get("indicators") or [], values, strict=True):
            indicators.setdefault(
                name, (name, indicator.get("path") or [], indicator["label"], indicator["unit"])
            )
    names = list(indicators)
    columns = (*COLUMNS, *names)
    full = [
        row + [values.get(name) for name in names]
        for row, values in zip(rows, by_report, strict=True)
    ]
    if csv_path is not None:  # named by the user: a device or FIFO is written through
        write_named(csv_path, csv_bytes(full, columns, labels=wide.labels))
    if xlsx_path is not None:
        book = xlsx_bytes(full, columns, list(indicators.values()), labels=wide.labels)
        write_named(xlsx_path, book)
    return len(rows), problems
