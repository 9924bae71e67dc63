"""The review queue: `DIR/review.csv`, what a person still has to look at in a dataset.

`nianbao check DIR` (and `export --parquet`, which runs it) writes one row per open item, and
nothing else:

- `undetermined`: a figure its report could not decide and no other report settled (a figure
  the collection settled, state `resolved`, is not listed); with its candidates and the reports
  that could settle it: the body's other reports of the same year (the same report read again)
  and of the years before and after (the forms' series equations), or, where the dataset has
  none, what to add;
- `check failed`: one of a report's own checks that fails as printed;
- `series check failed`: a check across two reports that fails (`series_checks.parquet`);
- `partial`: a report that holds less than its document prints, and why.

Columns: `kind`, `source` (the report's input file), `organization`, `year`, `item` (the figure
key, or the check's rule), `where` (the cell, page or characters: `origin_text`), `candidates`,
`message`, `could_settle`. UTF-8 with a byte-order mark, as the export's CSV.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from nianbao.collection.series import origin_text

REVIEW = "review.csv"
COLUMNS = (
    "kind",
    "source",
    "organization",
    "year",
    "item",
    "where",
    "candidates",
    "message",
    "could_settle",
)


def review_bytes(directory: Path) -> bytes:
    """The review queue of the dataset in `directory`, as CSV bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(_rows(directory))
    return buffer.getvalue().encode("utf-8-sig")


def _rows(directory: Path) -> Iterator[tuple[Any, ...]]:
    reports = {
        r["sha256"]: r
        for r in pq.read_table(
            directory / "reports.parquet",
            columns=["sha256", "source", "organization", "body", "year", "partial_reasons"],
        ).to_pylist()
    }
    neighbours = _neighbours(reports)
    figures = pq.read_table(
        directory / "figures.parquet",
        columns=["report", "key", "origin", "candidates", "state"],
        filters=[("state", "=", "undetermined")],
    ).to_pylist()
    for row in figures:
        report = reports[row["report"]]
        origin = {k: v for k, v in (row["origin"] or {}).items() if v is not None}
        yield (
            "undetermined",
            *_who(report),
            row["key"],
            origin_text(origin),
            " | ".join(_number(c) for c in row["candidates"] or ()),
            "several readings fit every constraint the report gives",
            _could_settle(report, neighbours[row["report"]]),
        )
    checks = pq.read_table(
        directory / "checks.parquet",
        columns=["report", "rule", "keys", "message"],
        filters=[("status", "=", "fail")],
    ).to_pylist()
    for row in checks:
        yield (
            "check failed",
            *_who(reports[row["report"]]),
            row["rule"],
            ", ".join(row["keys"] or ()),
            "",
            row["message"],
            "",
        )
    series = directory / "series_checks.parquet"
    if series.is_file():
        failed = pq.read_table(
            series,
            columns=["rule", "report", "source", "organization", "year", "cells", "message"],
            filters=[("status", "=", "fail")],
        ).to_pylist()
        for row in failed:
            yield (
                "series check failed",
                row["source"] or "",
                row["organization"] or "",
                row["year"],
                row["rule"],
                ", ".join(row["cells"] or ()),
                "",
                row["message"],
                "",
            )
    for report in reports.values():
        if report["partial_reasons"]:
            yield ("partial", *_who(report), "", "", "", "; ".join(report["partial_reasons"]), "")


def _who(report: dict[str, Any]) -> tuple[str, str, int | None]:
    return report["source"] or report["sha256"], report["organization"] or "", report["year"]


def _neighbours(reports: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each report's body's other reports of the same year and of the years next to it."""
    by_body: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for report in reports.values():
        if report["body"] is not None and report["year"] is not None:
            by_body[report["body"]].append(report)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for sha, report in reports.items():
        if report["body"] is None or report["year"] is None:
            continue
        out[sha] = [
            other
            for other in by_body[report["body"]]
            if other["sha256"] != sha and abs(other["year"] - report["year"]) <= 1
        ]
    return out


def _could_settle(report: dict[str, Any], others: list[dict[str, Any]]) -> str:
    if others:
        return "; ".join(f"{o['source'] or o['sha256']} ({o['year']})" for o in others)
    year = report["year"]
    if year is None:
        return "none: the report has no year"
    return (
        f"none in the dataset: the same report from another source ({year}), or the body's "
        f"report of {year - 1} or {year + 1}"
    )


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)
