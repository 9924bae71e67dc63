"""A collection of reports as a dataset: `nianbao export REPORTS... --parquet DIR`.

`DIR` holds one Parquet file per table, each with an explicit schema whose columns mirror the
report model (`nianbao.collection.dataset_tables`), filled from each report
(`nianbao.collection.dataset_rows`):

- `reports.parquet`: one row per report, keyed by `sha256` (of the input's bytes): the input's
  `source` fields (file name, bytes, format, adapter, encoding, pages, OCR'd pages), the report
  file it was read from, title, template, organization, `body` (the normalised organization
  name series are matched on, see `nianbao.collection.series.body_key`), `year`,
  `published_on` (a date), `recognised` (profiled as an annual report), `partial` and
  `partial_reasons` (whether the report holds less than the document prints, and why: see
  `nianbao.collection.partial`), the number of figures, of indicators, of checks passed, failed
  and skipped, and of diagnostics.
- `figures.parquet`: one row per figure (long form): `report` (the sha256), `key`, `section`,
  `row`, `column` (the key's parts), `section_label`, `row_label`, `column_label` (as the form
  prints them, from `nianbao/forms`), then the model's `Figure` fields: `value` (float64, null
  for a blank cell), `raw` (the text as printed), `unit`, `source` (`table` or `text`), `origin`
  (a struct: `kind` and the fields of every kind of origin) and `confidence`.
- `indicators.parquet`: the rows of 2008-era 统计表: `report`, `index`, `path` (list of the
  parent rows' labels), `label`, `unit`, `value`, `raw`, `origin`.
- `checks.parquet`: each report's own checks: `report`, `index`, `rule`, `status`, `expected`,
  `actual`, `keys`, `message`.
- `diagnostics.parquet`: `report`, `index`, `code`, `severity`, `message`, `origin`.
- `panel.parquet`: the panel (`annual_report.panel`, the figures comparable across every era) in
  long form: `report`, `body`, `year`, `key`, then the model's `PanelFigure` fields: `value`,
  `source` (`figures`, `indicator` or `text`), `keys`, `origin`, `confidence`.
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
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from nianbao.collection.dataset_rows import (
    FIGURES,
    SEQ,
    FigureInfo,
    ReportRows,
    series_table,
    staged_schema,
)
from nianbao.collection.dataset_tables import (
    ORIGIN,
    REPORT_KEY,
    REPORT_TABLES,
    SCHEMAS,
    SERIES,
)
from nianbao.collection.partial import RESOLVED, UNSURE_STATES
from nianbao.collection.progress import SILENT, Steps, counted
from nianbao.collection.report_file import read_report, read_reports
from nianbao.collection.review import REVIEW, review_bytes
from nianbao.collection.series import (
    FigureValue,
    SeriesCheck,
    SeriesReport,
    check_series,
)
from nianbao.collection.settle import Settled, settle
from nianbao.errors import DocumentLoadError, NianbaoError
from nianbao.forms import FORMS

__all__ = [
    "FIGURES",
    "ORIGIN",
    "REPORT_TABLES",
    "REVIEW",
    "SCHEMAS",
    "SERIES",
    "FigureInfo",
    "Summary",
    "check",
    "read_report",
    "series_reports",
    "series_table",
    "update",
]

_BATCH = 500  # reports per Arrow batch while reading


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


@dataclass
class _Staged:
    """The new reports' rows, staged batch by batch in files with their `_seq` column."""

    files: dict[str, Path]
    last: dict[str, int]  # sha256 -> the seq of its last report (the one that counts)
    problems: list[NianbaoError]


def _stage_new(paths: Sequence[Path], staging: Path, steps: Steps) -> _Staged:
    """Read the reports at `paths` into staged files, `_BATCH` reports at a time, so that memory
    holds one batch whatever the number of reports."""
    rows = ReportRows()
    files = {name: staging / f"new-{name}.parquet" for name in REPORT_TABLES}
    writers = {name: pq.ParquetWriter(files[name], staged_schema(name)) for name in REPORT_TABLES}
    last: dict[str, int] = {}
    problems: list[NianbaoError] = []
    try:
        for path, data in read_reports(counted("adding to the dataset", paths, steps), problems):
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


def update(directory: Path, paths: Sequence[Path], steps: Steps = SILENT) -> Summary:
    """Add the reports at `paths` to the dataset in `directory` (made if need be), replacing the
    rows of reports of the same sha256 (the last of several with one sha256 wins), then run the
    series checks over the whole dataset. `steps` is told each report added, each body checked."""
    directory.mkdir(parents=True, exist_ok=True)
    _refuse_older(directory)
    before = _shas(directory / "reports.parquet")
    with _staging(directory) as staging:
        new = _stage_new(paths, staging, steps)
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
        in_series = series_reports(staging)
        summary.series = check_series(in_series, steps)
        _write(series_table(summary.series), staging / f"{SERIES}.parquet")
        figures = staging / "figures.parquet"
        _record_settled(figures, figures, settle(in_series))
        summary.total = pq.read_metadata(staging / "reports.parquet").num_rows
        _commit(staging, directory)
        _write_review(directory, staging)
    return summary


def check(directory: Path, steps: Steps = SILENT) -> list[SeriesCheck]:
    """Run the series checks over the dataset in `directory`; write `series_checks.parquet`.
    `steps` is told each body checked."""
    if not (directory / "reports.parquet").is_file():
        raise DocumentLoadError(
            "is not a dataset (no reports.parquet): make one with "
            "`nianbao export REPORTS... --parquet DIR`",
            source=str(directory),
        )
    _refuse_older(directory)
    for name in REPORT_TABLES:
        _same_columns(directory / f"{name}.parquet", SCHEMAS[name])
    in_series = series_reports(directory)
    results = check_series(in_series, steps)
    with _staging(directory) as staging:
        _write(series_table(results), staging / f"{SERIES}.parquet")
        _record_settled(
            directory / "figures.parquet", staging / "figures.parquet", settle(in_series)
        )
        _commit(staging, directory)
        _write_review(directory, staging)
    return results


def unsure_counts(directory: Path) -> tuple[int, int]:
    """How many figures of the dataset in `directory` other reports settled (`resolved`), and
    how many stay undetermined."""
    states = pq.read_table(directory / "figures.parquet", columns=["state"]).column("state")
    counts = pc.value_counts(states).to_pylist()
    found = {c["values"]: c["counts"] for c in counts}
    return found.get(RESOLVED, 0), found.get("undetermined", 0)


def _record_settled(source: Path, target: Path, settled: Sequence[Settled]) -> None:
    """`source`'s figures with each figure settled across reports given its value, its state
    `resolved` and `resolved_by`, and those an earlier check settled open again unless settled
    now; written to `target` where anything changes."""
    table = pq.read_table(source)
    states = table.column("state").to_pylist()
    if not settled and RESOLVED not in states:
        return
    values = table.column("value").to_pylist()
    by = table.column("resolved_by").to_pylist()
    found = {(s.report, s.key): s for s in settled}
    cells = zip(table.column("report").to_pylist(), table.column("key").to_pylist(), strict=True)
    for i, cell in enumerate(cells):
        if states[i] == RESOLVED:
            values[i], states[i], by[i] = None, "undetermined", None
        item = found.get(cell)
        if item is not None:
            values[i], states[i], by[i] = float(item.value), RESOLVED, item.resolved_by
    schema = table.schema
    for name, column in (("value", values), ("state", states), ("resolved_by", by)):
        index = schema.get_field_index(name)
        table = table.set_column(
            index, schema.field(index), pa.array(column, schema.field(index).type)
        )
    _write(table, target)


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
        columns=["report", "key", "value", "raw", "origin", "confidence", "candidates", "state"],
        filters=needed,
    )
    by_report: dict[str, dict[str, FigureValue]] = {}
    for row in figures.to_pylist():
        origin = {k: v for k, v in (row["origin"] or {}).items() if v is not None}
        by_report.setdefault(row["report"], {})[row["key"]] = FigureValue(
            None if row["state"] == RESOLVED else row["value"],
            row["raw"] or "",
            origin or None,
            # A figure settled by an earlier `check` is open again until this one settles it.
            undetermined=row["state"] in UNSURE_STATES,
            candidates=tuple(row["candidates"] or ()),
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
    key = REPORT_KEY[name]
    with pq.ParquetWriter(out, schema) as writer:
        if old.is_file():
            _same_columns(old, schema)
            for batch in pq.ParquetFile(old).iter_batches(batch_size=65536):
                kept = batch.filter(pc.invert(pc.is_in(batch.column(key), value_set=replaced)))
                if kept.num_rows:
                    writer.write_batch(kept)
        for batch in pq.ParquetFile(new).iter_batches(batch_size=65536):
            kept = batch.filter(pc.is_in(batch.column(SEQ), value_set=keep))
            if kept.num_rows:
                writer.write_batch(kept.drop_columns([SEQ]).cast(schema))
    _sync(out)


def _write_review(directory: Path, staging: Path) -> None:
    """`review.csv` (`nianbao.collection.review`) of the tables just committed, renamed into
    place whole."""
    staged = staging / REVIEW
    staged.write_bytes(review_bytes(directory))
    _sync(staged)
    staged.replace(directory / REVIEW)


def _refuse_older(directory: Path) -> None:
    """Refuse a dataset an earlier nianbao wrote without one of today's tables (`panel`): its
    reports' rows would be missing from it, without a word. `reports.parquet` is committed last,
    so a dataset that has it has every table its nianbao wrote."""
    if not (directory / "reports.parquet").is_file():
        return
    for name in REPORT_TABLES:
        if not (directory / f"{name}.parquet").is_file():
            raise NianbaoError(
                f"was written by another version of nianbao (no {name}.parquet): export into a "
                "new folder",
                source=str(directory),
            )


def _same_columns(path: Path, schema: pa.Schema) -> None:
    """Refuse a table an earlier nianbao wrote with other columns, naming it."""
    if path.is_file() and not pq.read_schema(path).equals(schema):
        raise NianbaoError(
            "was written by another version of nianbao (its columns differ): export into a new "
            "folder",
            source=str(path),
        )


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
