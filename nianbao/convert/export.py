"""Reports to one table: `nianbao export REPORTS... --csv figures.csv --xlsx figures.xlsx`.

One row per report, in the order the reports were named (a folder's reports, found recursively,
in path order). The columns are always the same, whatever the reports hold, so tables made from
different collections line up: `source`, `sha256`, `organization`, `year`, `template`,
`published_on`, `checks_failed`, `partial` (why the report is partial, blank when it is not:
see `nianbao.convert.partial`), then every canonical figure key of the forms in
`nianbao/forms`, in the order the official forms print them (section 二 of the 2021 form, then of
the 2019 form, section 三 row by row, section 四, then the figures stated in prose). The workbook
has a second sheet, `legend`, giving each column's section, row and column as the form prints
them in Chinese. A figure's cell holds its value, blank when the report lacks the figure or
printed the cell blank; `raw` text and origins stay in the JSON, where they can be traced.

The CSV is UTF-8 with a byte-order mark. Excel opens a CSV without one in the machine's
"ANSI" code page (GBK on Chinese Windows, cp1252 elsewhere) and turns every Chinese name into
mojibake; the BOM is how Excel learns the file is UTF-8, and Python (`utf-8-sig`), pandas and R
read it transparently.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from nianbao.convert.emit import write_atomic
from nianbao.convert.partial import of_data
from nianbao.convert.schema import check_schema_version, schema_errors
from nianbao.errors import DocumentLoadError, NianbaoError
from nianbao.forms import FORMS

META_COLUMNS: tuple[str, ...] = (
    "source",
    "sha256",
    "organization",
    "year",
    "template",
    "published_on",
    "checks_failed",
    "partial",
)

FIGURE_COLUMNS: tuple[str, ...] = FORMS.figure_keys

COLUMNS: tuple[str, ...] = META_COLUMNS + FIGURE_COLUMNS

Cell = str | int | float | None
Row = list[Cell]


def report_files(paths: Sequence[Path]) -> list[Path]:
    """The report files named, with folders searched recursively for `*.json`.

    The hot folder's `*.error.json` files are not reports and are left out of folders.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*.json")
                    if not p.name.endswith(".error.json") and not p.name.startswith(".")
                )
            )
        else:
            found.append(path)
    return found


def read_row(path: Path) -> Row:
    """The table row of the report at `path`; a `NianbaoError` if it is not a report."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DocumentLoadError("no such file", source=str(path)) from exc
    except OSError as exc:
        raise DocumentLoadError(f"cannot be read: {exc.strerror or exc}", source=str(path)) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentLoadError(f"is not JSON: {exc}", source=str(path)) from exc
    check_schema_version(data, source=str(path))
    problems = schema_errors(data)  # the row reads fields blindly: they must be where it looks
    if problems:
        raise NianbaoError(f"is not a valid report: {problems[0]}", source=str(path))
    return row_of(data)


def row_of(data: dict[str, Any]) -> Row:
    source = data.get("source") or {}
    annual = data.get("annual_report") or {}
    figures: dict[str, Any] = annual.get("figures") or {}
    checks: list[dict[str, Any]] = annual.get("checks") or []
    meta: Row = [
        source.get("name"),
        source.get("sha256"),
        annual.get("organization"),
        annual.get("year"),
        annual.get("template"),
        annual.get("published_on"),
        sum(1 for check in checks if check.get("status") == "fail"),
        of_data(data).text() or None,  # why the report is partial; blank when complete
    ]
    values: Row = [(figures.get(key) or {}).get("value") for key in FIGURE_COLUMNS]
    return meta + values


def csv_bytes(rows: Iterable[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # the excel dialect: quoted as needed, CRLF line ends
    writer.writerow(COLUMNS)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: Iterable[Row]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("reports")
    sheet.freeze_panes = "B2"  # the header and the source name stay in view when scrolling
    sheet.column_dimensions[get_column_letter(1)].width = 32
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)  # None is an empty cell; numbers stay numbers
    legend = book.create_sheet("legend")
    legend.append(["column", "section", "row", "column label"])
    for key in FIGURE_COLUMNS:
        section, row_label, column_label = FORMS.describe(key) or ("", "", "")
        legend.append([key, section, row_label, column_label])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export(
    paths: Sequence[Path], *, csv_path: Path | None = None, xlsx_path: Path | None = None
) -> tuple[int, list[NianbaoError]]:
    """Write the tables asked for; the number of rows and the reports that could not be read.

    A report that cannot be read is left out and returned, so that one bad file in thousands
    costs its row, not the table.
    """
    rows: list[Row] = []
    problems: list[NianbaoError] = []
    for path in report_files(paths):
        try:
            rows.append(read_row(path))
        except NianbaoError as exc:
            problems.append(exc)
    if csv_path is not None:
        write_atomic(csv_path, csv_bytes(rows))
    if xlsx_path is not None:
        write_atomic(xlsx_path, xlsx_bytes(rows))
    return len(rows), problems
