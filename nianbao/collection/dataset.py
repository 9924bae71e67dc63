"""A collection of reports as a dataset: `nianbao export REPORTS... --parquet DIR`.

`DIR` holds one Parquet file per table, each with an explicit schema (`SCHEMAS`), so that DuckDB,
pandas and polars read the same types whatever the reports hold:

- `reports.parquet`: one row per report, keyed by `sha256` (of the input's bytes): source file
  name, the report file it was read from, format, template, organization, `body` (the normalised
  organization name series are matched on, see `nianbao.collection.series.body_key`), `year`,
  `published_on` (a date), `recognised` (profiled as an annual report), `partial` (recognised,
  but its form unknown or some figure the form prints absent), the number of figures, of
  indicators, of checks passed, failed and skipped, and of diagnostics.
- `figures.parquet`: one row per figure (long form): `report` (the sha256), `key`, `section`,
  `row`, `column` (the key's parts), `section_label`, `row_label`, `column_label` (as the form
  prints them, from `nianbao/forms`), `value` (float64, null for a blank cell), `raw` (the text
  as printed), `unit`, `source` (`table` or `text`), `origin` (a struct: `kind` and the fields
  of that kind of origin) and `confidence`.
- `indicators.parquet`: the rows of 2008-era 统计表: `report`, `index`, `path` (list of the
  parent rows' labels), `label`, `unit`, `value`, `raw`, `origin`.
- `checks.parquet`: each report's own checks: `report`, `index`, `rule`, `status`, `expected`,
  `actual`, `keys`, `message`.
- `diagnostics.parquet`: `report`, `index`, `code`, `severity`, `message`, `origin`.
- `series_checks.parquet`: the checks across reports (`nianbao.collection.series`).

Updating is incremental and keyed by sha256: the reports given replace the rows of the reports
of the same sha256 already in `DIR` (a re-converted input replaces its rows; the same report twice
is there once), every other row is kept. The tables are written into a staging folder inside
`DIR`, each file whole and synced, then renamed into place, `reports.parquet` last: a reader
never sees half a file, and a report is in `reports` only once its rows are in every other table.
An update interrupted between renames leaves whole files of two generations, which the next
update (or `nianbao check`) makes consistent again, since every row is keyed by its report.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from nianbao.collection.series import (
    FigureValue,
    SeriesCheck,
    SeriesReport,
    body_key,
    check_series,
)
from nianbao.errors import DocumentLoadError, NianbaoError
from nianbao.forms import FORMS
from nianbao.schemas.validation import check_schema_version, schema_errors

ORIGIN = pa.struct(
    [
        ("kind", pa.string()),
        ("line_start", pa.int32()),
        ("line_end", pa.int32()),
        ("page", pa.int32()),
        ("bbox", pa.list_(pa.float64())),
        ("pages", pa.list_(pa.int32())),
        ("paragraph", pa.int32()),
        ("sheet", pa.string()),
        ("cell_range", pa.string()),
        ("path", pa.string()),
        ("table", pa.int32()),
        ("row", pa.int32()),
        ("col", pa.int32()),
        ("block", pa.int32()),
        ("start", pa.int32()),
        ("end", pa.int32()),
    ]
)
_ORIGIN_FIELDS = tuple(f.name for f in ORIGIN)

STRINGS = pa.list_(pa.string())

SCHEMAS: dict[str, pa.Schema] = {
    "reports": pa.schema(
        [
            ("sha256", pa.string()),
            ("source", pa.string()),
            ("file", pa.string()),
            ("bytes", pa.int64()),
            ("media_type", pa.string()),
            ("format", pa.string()),
            ("adapter", pa.string()),
            ("encoding", pa.string()),
            ("pages", pa.int32()),
            ("title", pa.string()),
            ("recognised", pa.bool_()),
            ("partial", pa.bool_()),
            ("template", pa.string()),
            ("organization", pa.string()),
            ("body", pa.string()),
            ("year", pa.int32()),
            ("published_on", pa.date32()),
            ("figures", pa.int32()),
            ("indicators", pa.int32()),
            ("checks_passed", pa.int32()),
            ("checks_failed", pa.int32()),
            ("checks_skipped", pa.int32()),
            ("diagnostics", pa.int32()),
        ]
    ),
    "figures": pa.schema(
        [
            ("report", pa.string()),
            ("key", pa.string()),
            ("section", pa.string()),
            ("row", pa.string()),
            ("column", pa.string()),
            ("section_label", pa.string()),
            ("row_label", pa.string()),
            ("column_label", pa.string()),
            ("value", pa.float64()),
            ("raw", pa.string()),
            ("unit", pa.string()),
            ("source", pa.string()),
            ("origin", ORIGIN),
            ("confidence", pa.float64()),
        ]
    ),
    "indicators": pa.schema(
        [
            ("report", pa.string()),
            ("index", pa.int32()),
            ("path", STRINGS),
            ("label", pa.string()),
            ("unit", pa.string()),
            ("value", pa.float64()),
            ("raw", pa.string()),
            ("origin", ORIGIN),
        ]
    ),
    "checks": pa.schema(
        [
            ("report", pa.string()),
            ("index", pa.int32()),
            ("rule", pa.string()),
            ("status", pa.string()),
            ("expected", pa.float64()),
            ("actual", pa.float64()),
            ("keys", STRINGS),
            ("message", pa.string()),
        ]
    ),
    "diagnostics": pa.schema(
        [
            ("report", pa.string()),
            ("index", pa.int32()),
            ("code", pa.string()),
            ("severity", pa.string()),
            ("message", pa.string()),
            ("origin", ORIGIN),
        ]
    ),
    "series_checks": pa.schema(
        [
            ("rule", pa.string()),
            ("status", pa.string()),
            ("body", pa.string()),
            ("organization", pa.string()),
            ("year", pa.int32()),
            ("report", pa.string()),
            ("source", pa.string()),
            ("other_year", pa.int32()),
            ("other_report", pa.string()),
            ("other_source", pa.string()),
            ("keys", STRINGS),
            ("other_keys", STRINGS),
            ("expected", pa.float64()),
            ("actual", pa.float64()),
            ("cells", STRINGS),
            ("other_cells", STRINGS),
            ("message", pa.string()),
        ]
    ),
}

#: The tables made from reports, in the order they are committed (`reports` last).
REPORT_TABLES = ("figures", "indicators", "checks", "diagnostics", "reports")
SERIES = "series_checks"
_KEY = {name: ("sha256" if name == "reports" else "report") for name in REPORT_TABLES}
_BATCH = 500  # reports per Arrow batch while reading


@dataclass(frozen=True)
class FigureInfo:
    section: str
    row: str
    column: str | None
    section_label: str
    row_label: str
    column_label: str | None


def _figure_info(form: str | None = None) -> dict[str, FigureInfo]:
    """Each figure key's parts and labels, as `form` prints them where it does."""
    info: dict[str, FigureInfo] = {}
    for table in FORMS.tables:
        for row, col in table.cells():
            key = table.figure(row.key, col.key)
            heading, row_label, col_label = FORMS.describe(key, form) or ("", row.label, col.label)
            info.setdefault(
                key, FigureInfo(table.section, row.key, col.key, heading, row_label, col_label)
            )
    for prose in FORMS.prose:
        heading, label, _ = FORMS.describe(prose.key) or ("", prose.label, "")
        info[prose.key] = FigureInfo(prose.section, prose.key, None, heading, label, None)
    return info


#: Figure keys' parts and labels by the form of the report (None: a report of no known form).
FIGURES: dict[str | None, dict[str, FigureInfo]] = {
    form: _figure_info(form) for form in (None, *FORMS.ids)
}


@dataclass
class Summary:
    """What an update did."""

    added: int = 0  # reports new to the dataset
    replaced: int = 0  # reports whose rows were replaced
    total: int = 0  # reports in the dataset now
    problems: list[NianbaoError] = field(default_factory=list)
    series: list[SeriesCheck] = field(default_factory=list)

    @property
    def series_failed(self) -> list[SeriesCheck]:
        return [c for c in self.series if c.status == "fail"]


# --- a report as rows ----------------------------------------------------------------------------


def read_report(path: Path) -> dict[str, Any]:
    """The report at `path` as data, checked against the schema; a `NianbaoError` if it is not
    one."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DocumentLoadError("no such file", source=str(path)) from exc
    except OSError as exc:
        raise DocumentLoadError(f"cannot be read: {exc.strerror or exc}", source=str(path)) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentLoadError(f"is not JSON: {exc}", source=str(path)) from exc
    check_schema_version(data, source=str(path))
    problems = schema_errors(data)
    if problems:
        raise NianbaoError(f"is not a valid report: {problems[0]}", source=str(path))
    return data


def _origin(origin: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if origin is None:
        return None
    return {name: origin.get(name) for name in _ORIGIN_FIELDS}


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


_SEQ = "_seq"  # the report's place in the input order, while tables are being built


class _Rows:
    """Rows of the report tables, column by column, until they become Arrow tables."""

    def __init__(self) -> None:
        self.count = 0
        self.seq = 0
        self.columns: dict[str, dict[str, list[Any]]] = {}
        self.clear()

    def clear(self) -> None:
        self.count = 0
        self.columns = {
            name: {f.name: [] for f in SCHEMAS[name]} | {_SEQ: []} for name in REPORT_TABLES
        }

    def add(self, table: str, **row: Any) -> None:
        row[_SEQ] = self.seq
        columns = self.columns[table]
        for name, values in columns.items():
            values.append(row.get(name))

    def add_report(self, data: Mapping[str, Any], file: str) -> None:
        self.count += 1
        self.seq += 1
        source = data.get("source") or {}
        sha = source["sha256"]
        annual: Mapping[str, Any] = data.get("annual_report") or {}
        figures: Mapping[str, Any] = annual.get("figures") or {}
        indicators: list[Mapping[str, Any]] = annual.get("indicators") or []
        checks: list[Mapping[str, Any]] = annual.get("checks") or []
        diagnostics: list[Mapping[str, Any]] = data.get("diagnostics") or []
        labels = FIGURES.get(annual.get("template")) or FIGURES[None]
        for key, figure in figures.items():
            info = labels.get(key)
            self.add(
                "figures",
                report=sha,
                key=key,
                section=info.section if info else None,
                row=info.row if info else None,
                column=info.column if info else None,
                section_label=info.section_label if info else None,
                row_label=info.row_label if info else None,
                column_label=info.column_label if info else None,
                value=_float(figure.get("value")),
                raw=figure.get("raw"),
                unit=figure.get("unit"),
                source=figure.get("source"),
                origin=_origin(figure.get("origin")),
                confidence=_float(figure.get("confidence", 1.0)),
            )
        for index, indicator in enumerate(indicators):
            self.add(
                "indicators",
                report=sha,
                index=index,
                path=list(indicator.get("path") or []),
                label=indicator.get("label"),
                unit=indicator.get("unit"),
                value=_float(indicator.get("value")),
                raw=indicator.get("raw"),
                origin=_origin(indicator.get("origin")),
            )
        for index, check in enumerate(checks):
            self.add(
                "checks",
                report=sha,
                index=index,
                rule=check.get("rule"),
                status=check.get("status"),
                expected=_float(check.get("expected")),
                actual=_float(check.get("actual")),
                keys=list(check.get("keys") or []),
                message=check.get("message"),
            )
        for index, diagnostic in enumerate(diagnostics):
            self.add(
                "diagnostics",
                report=sha,
                index=index,
                code=diagnostic.get("code"),
                severity=diagnostic.get("severity"),
                message=diagnostic.get("message"),
                origin=_origin(diagnostic.get("origin")),
            )
        statuses = [c.get("status") for c in checks]
        published = annual.get("published_on")
        encoding = source.get("encoding") or {}
        self.add(
            "reports",
            sha256=sha,
            source=source.get("name"),
            file=file,
            bytes=source.get("bytes"),
            media_type=source.get("media_type"),
            format=source.get("format"),
            adapter=source.get("adapter"),
            encoding=encoding.get("name"),
            pages=source.get("pages"),
            title=(data.get("document") or {}).get("title"),
            recognised=bool(annual),
            partial=_partial(annual),
            template=annual.get("template"),
            organization=annual.get("organization"),
            body=body_key(annual.get("organization")),
            year=annual.get("year"),
            published_on=date.fromisoformat(published) if published else None,
            figures=len(figures),
            indicators=len(indicators),
            checks_passed=statuses.count("pass"),
            checks_failed=statuses.count("fail"),
            checks_skipped=statuses.count("skipped"),
            diagnostics=len(diagnostics),
        )

    def tables(self) -> dict[str, pa.Table]:
        tables = {
            name: pa.Table.from_pydict(
                self.columns[name], schema=SCHEMAS[name].append(pa.field(_SEQ, pa.int64()))
            )
            for name in REPORT_TABLES
        }
        self.clear()
        return tables


def _partial(annual: Mapping[str, Any]) -> bool:
    """Recognised, but with its form unknown or a figure its form prints absent."""
    if not annual:
        return False
    template = annual.get("template")
    if template is None or template not in FORMS.ids:
        return True
    figures = annual.get("figures") or {}
    return not _FORM_KEYS[template] <= figures.keys()


_FORM_KEYS = {form.id: frozenset(form.figure_keys()) for form in FORMS.forms}


@dataclass
class _Staged:
    """The new reports' rows, staged batch by batch in files with their `_seq` column."""

    files: dict[str, Path]
    last: dict[str, int]  # sha256 -> the seq of its last report (the one that counts)
    problems: list[NianbaoError]


def _stage_new(paths: Sequence[Path], staging: Path) -> _Staged:
    """Read the reports at `paths` into staged files, `_BATCH` reports at a time, so that memory
    holds one batch whatever the number of reports."""
    rows = _Rows()
    files = {name: staging / f"new-{name}.parquet" for name in REPORT_TABLES}
    schemas = {name: SCHEMAS[name].append(pa.field(_SEQ, pa.int64())) for name in REPORT_TABLES}
    writers = {name: pq.ParquetWriter(files[name], schemas[name]) for name in REPORT_TABLES}
    last: dict[str, int] = {}
    problems: list[NianbaoError] = []
    try:
        for path in paths:
            try:
                data = read_report(path)
            except NianbaoError as exc:
                problems.append(exc)
                continue
            rows.add_report(data, str(path))
            last[data["source"]["sha256"]] = rows.seq
            if rows.count >= _BATCH:
                for name, table in rows.tables().items():
                    writers[name].write_table(table)
        for name, table in rows.tables().items():
            writers[name].write_table(table)
    finally:
        for writer in writers.values():
            writer.close()
    return _Staged(files, last, problems)


def update(directory: Path, paths: Sequence[Path]) -> Summary:
    """Add the reports at `paths` to the dataset in `directory` (made if need be), replacing the
    rows of reports of the same sha256 (the last of several with one sha256 wins), then run the
    series checks over the whole dataset."""
    directory.mkdir(parents=True, exist_ok=True)
    before = _shas(directory / "reports.parquet")
    with _staging(directory) as staging:
        new = _stage_new(paths, staging)
        summary = Summary(problems=new.problems)
        summary.replaced = sum(1 for sha in new.last if sha in before)
        summary.added = len(new.last) - summary.replaced
        replaced = pa.array(sorted(new.last), type=pa.string())
        keep = pa.array(sorted(new.last.values()), type=pa.int64())
        for name in REPORT_TABLES:
            _merge(
                directory / f"{name}.parquet",
                staging / f"{name}.parquet",
                new.files[name],
                replaced=replaced,
                keep=keep,
            )
            new.files[name].unlink()
        summary.series = check_series(series_reports(staging))
        _write(series_table(summary.series), staging / f"{SERIES}.parquet")
        summary.total = pq.read_metadata(staging / "reports.parquet").num_rows
        _commit(staging, directory)
    return summary


def check(directory: Path) -> list[SeriesCheck]:
    """Run the series checks over the dataset in `directory`; write `series_checks.parquet`."""
    if not (directory / "reports.parquet").is_file():
        raise DocumentLoadError(
            "is not a dataset (no reports.parquet): make one with "
            "`nianbao export REPORTS... --parquet DIR`",
            source=str(directory),
        )
    results = check_series(series_reports(directory))
    with _staging(directory) as staging:
        _write(series_table(results), staging / f"{SERIES}.parquet")
        _commit(staging, directory)
    return results


def series_reports(directory: Path) -> list[SeriesReport]:
    """The reports of the dataset in `directory` that are in a series (a body with more than
    one report), with the figures the checks read: those the forms' series equations name, and
    every figure of a report that shares its body and year with another (to compare them)."""
    reports = pq.read_table(
        directory / "reports.parquet",
        columns=["sha256", "source", "organization", "body", "year", "template"],
    ).to_pylist()
    bodies: dict[str, int] = {}
    years: dict[tuple[str, int], int] = {}
    for row in reports:
        if row["body"] is not None and row["year"] is not None:
            bodies[row["body"]] = bodies.get(row["body"], 0) + 1
            years[row["body"], row["year"]] = years.get((row["body"], row["year"]), 0) + 1
    wanted = [r for r in reports if r["body"] is not None and bodies.get(r["body"], 0) > 1]
    if not wanted:
        return []
    twice = [r["sha256"] for r in wanted if years.get((r["body"], r["year"]), 0) > 1]
    keys = sorted(
        {key for spec in FORMS.series for i in FORMS.instances(spec) for key in i.equation.keys}
    )
    shas = pa.array([r["sha256"] for r in wanted], type=pa.string())
    report = pc.field("report")
    needed = pc.is_in(report, value_set=shas) & pc.is_in(
        pc.field("key"), value_set=pa.array(keys, type=pa.string())
    )
    if twice:
        needed = needed | pc.is_in(report, value_set=pa.array(twice, type=pa.string()))
    figures = pq.read_table(
        directory / "figures.parquet",
        columns=["report", "key", "value", "raw", "origin"],
        filters=needed,
    )
    by_report: dict[str, dict[str, FigureValue]] = {}
    for row in figures.to_pylist():
        origin = {k: v for k, v in (row["origin"] or {}).items() if v is not None}
        by_report.setdefault(row["report"], {})[row["key"]] = FigureValue(
            row["value"], row["raw"] or "", origin or None
        )
    return [
        SeriesReport(
            report=r["sha256"],
            source=r["source"] or r["sha256"],
            organization=r["organization"],
            year=r["year"],
            template=r["template"],
            figures=by_report.get(r["sha256"], {}),
        )
        for r in wanted
    ]


def series_table(checks: Sequence[SeriesCheck]) -> pa.Table:
    schema = SCHEMAS[SERIES]
    columns: dict[str, list[Any]] = {f.name: [] for f in schema}
    for check in checks:
        for name, values in columns.items():
            value = getattr(check, name)
            values.append(list(value) if isinstance(value, tuple) else value)
    return pa.Table.from_pydict(columns, schema=schema)


def _shas(path: Path) -> set[str]:
    if not path.is_file():
        return set()
    column = pq.read_table(path, columns=["sha256"]).column("sha256")
    return {sha for sha in column.to_pylist() if sha is not None}


def _merge(old: Path, out: Path, new: Path, *, replaced: pa.Array, keep: pa.Array) -> None:
    """Write `out`: the rows of `old` whose report is not in `replaced`, then the rows staged in
    `new` of the reports whose seq is in `keep`, batch by batch."""
    name = out.stem
    schema = SCHEMAS[name]
    key = _KEY[name]
    with pq.ParquetWriter(out, schema) as writer:
        if old.is_file():
            found = pq.read_schema(old)
            if not found.equals(schema):
                raise NianbaoError(
                    "was written by another version of nianbao (its columns differ): export "
                    "into a new folder",
                    source=str(old),
                )
            for batch in pq.ParquetFile(old).iter_batches(batch_size=65536):
                kept = batch.filter(pc.invert(pc.is_in(batch.column(key), value_set=replaced)))
                if kept.num_rows:
                    writer.write_batch(kept)
        for batch in pq.ParquetFile(new).iter_batches(batch_size=65536):
            kept = batch.filter(pc.is_in(batch.column(_SEQ), value_set=keep))
            if kept.num_rows:
                writer.write_batch(kept.drop_columns([_SEQ]).cast(schema))
    _sync(out)


def _write(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path)
    _sync(path)


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _staging(directory: Path) -> Iterator[Path]:
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=directory))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _commit(staging: Path, directory: Path) -> None:
    """Rename the staged tables into place, `reports.parquet` last."""
    order = [SERIES, *REPORT_TABLES]
    for name in order:
        staged = staging / f"{name}.parquet"
        if staged.exists():
            staged.replace(directory / f"{name}.parquet")
    with contextlib.suppress(OSError):  # not every file system syncs a folder
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
