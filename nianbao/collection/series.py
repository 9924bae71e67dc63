"""Checks across reports: the same body's reports of consecutive years, and its duplicates.

A report checks its own arithmetic; a collection can check one report against another:

- `series.carried_over` and `series.previous_year` (the forms' `[[series]]` checks, in
  `nianbao/forms/*.toml`): for each column of section 三, 二、上年结转 of year Y equals
  四、结转下年度 of year Y-1; for the 2019 form, 上一年项目数量 of year Y equals
  上一年项目数量 + 本年增/减 of year Y-1, in each row of section 二 that prints both. The
  checks that apply are those of the year-Y report's form; the figures compared are whatever
  the forms' equations name: nothing here is written for one form.
- `series.duplicate`: two reports (different bytes) of the same body and year. `pass` when their
  figures agree, `fail` naming the figures that differ. A figure one of them left undetermined
  (`figures.undetermined`: no value) is open, not a difference.
- `series.year_missing`: a year with no report between two years that have one.

A check that cannot be made because a figure is absent or printed blank is `skipped`, saying
which; a failure names both reports (sha256 and file name) and the cells involved (their keys
and origins), never "fixes" anything.

Bodies are matched on `body_key(organization)`: the name in Unicode NFKC form (full-width
letters and digits folded), in Simplified script (OpenCC, as labels are), without whitespace,
punctuation, symbols or control characters, Latin letters lower-cased. So `平潭综合实验区`,
`平潭综合实验区 ` and `平潭綜合實驗區` are one body; `（平潭）综合实验区管委会` is another. Reports
without an organization or a year take part in no series.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from nianbao.collection.progress import SILENT, Steps, counted
from nianbao.forms import FORMS, Instance
from nianbao.forms.equations import Number
from nianbao.text.script import simplified

Status = Literal["pass", "fail", "skipped"]

#: The rule ids of the checks made here rather than read from the forms.
DUPLICATE = "series.duplicate"
YEAR_MISSING = "series.year_missing"


def body_key(organization: str | None) -> str | None:
    """The normalised organization name that bodies are matched on; None for no name."""
    if not organization:
        return None
    text = simplified(unicodedata.normalize("NFKC", organization))
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "ZPSC")
    return kept.lower() or None


@dataclass(frozen=True)
class FigureValue:
    value: float | None
    raw: str
    origin: Mapping[str, Any] | None = None
    undetermined: bool = False  # printed, but the report could not decide its value
    candidates: tuple[float, ...] = ()  # then: the values its readings leave it


@dataclass(frozen=True)
class SeriesReport:
    """What the series checks need of one report."""

    report: str  # sha256 of the input
    source: str
    organization: str | None
    year: int | None
    template: str | None
    figures: Mapping[str, FigureValue] = field(default_factory=dict)

    @property
    def body(self) -> str | None:
        return body_key(self.organization)

    @cached_property
    def values(self) -> dict[str, float | None]:
        """Each printed figure's number (None: printed blank), as `Equation.evaluate` reads."""
        return {key: figure.value for key, figure in self.figures.items()}


@dataclass(frozen=True)
class SeriesCheck:
    """One check between two reports (`report` of `year`, `other_report` of `other_year`)."""

    rule: str
    status: Status
    body: str
    organization: str | None
    year: int
    report: str | None
    source: str | None
    other_year: int | None
    other_report: str | None
    other_source: str | None
    keys: tuple[str, ...]  # of `report`
    other_keys: tuple[str, ...]  # of `other_report`
    expected: float | None  # what `other_report` says the value should be
    actual: float | None  # what `report` prints
    cells: tuple[str, ...]  # `report`'s cells, as `key@origin`
    other_cells: tuple[str, ...]
    message: str


def origin_text(origin: Mapping[str, Any] | None) -> str:
    """`table 1 row 4 col 3`, `lines 12-14`, `page 3`, ...: where a figure was printed."""
    if not origin:
        return "?"
    kind = origin.get("kind")
    if kind == "table_cell":
        return f"table {origin['table']} row {origin['row']} col {origin['col']}"
    if kind == "lines":
        return f"lines {origin['line_start']}-{origin['line_end']}"
    if kind == "page":
        return f"page {origin['page']}"
    if kind == "pages":
        return "pages " + ",".join(str(p) for p in origin.get("pages") or ())
    if kind == "paragraph":
        return f"paragraph {origin['paragraph']}"
    if kind == "sheet":
        return f"{origin['sheet']}!{origin['cell_range']}"
    if kind == "element":
        return str(origin["path"])
    if kind == "text_span":
        return f"block {origin['block']} chars {origin['start']}-{origin['end']}"
    return str(kind)


def check_series(reports: Iterable[SeriesReport], steps: Steps = SILENT) -> list[SeriesCheck]:
    """Every series check over `reports`, body by body, year by year; `steps` is told each
    body checked."""
    bodies: dict[str, list[SeriesReport]] = defaultdict(list)
    for report in reports:
        body = report.body
        if body is not None and report.year is not None:
            bodies[body].append(report)
    results: list[SeriesCheck] = []
    for body in counted("checking series", sorted(bodies), steps):
        by_year: dict[int, list[SeriesReport]] = defaultdict(list)
        for report in sorted(bodies[body], key=lambda r: (r.year or 0, r.source, r.report)):
            assert report.year is not None
            by_year[report.year].append(report)
        years = sorted(by_year)
        for year in years:
            for a, b in itertools.combinations(by_year[year], 2):
                results.append(_duplicate(body, a, b))
        for year in years:
            for later in by_year[year]:
                for earlier in by_year.get(year - 1, ()):
                    results += _consecutive(body, later, earlier)
        for before, after in itertools.pairwise(years):
            for missing in range(before + 1, after):
                results.append(_missing(body, missing, by_year[after][0], by_year[before][0]))
    return results


def _consecutive(body: str, later: SeriesReport, earlier: SeriesReport) -> list[SeriesCheck]:
    if later.template is None or later.template not in FORMS.ids:
        return []
    form = FORMS.form(later.template)
    return [
        _equation(body, instance, later=later, earlier=earlier)
        for spec in form.series
        for instance in FORMS.instances(spec)
    ]


def _equation(
    body: str, instance: Instance, *, later: SeriesReport, earlier: SeriesReport
) -> SeriesCheck:
    """The left side read in `later`, the right in `earlier`: each side chooses its alternatives
    by the figures of its own report (`Equation.evaluate`)."""
    what = instance.what
    evaluation = instance.equation.evaluate(later.values, earlier.values)
    this_year, last_year = evaluation.left, evaluation.right
    status: Status
    if this_year.unread or last_year.unread:
        status = "skipped"
        absent = [f"{k} in {later.source}" for k in this_year.unread]
        absent += [f"{k} in {earlier.source}" for k in last_year.unread]
        message = f"{what}: not printed or blank: {', '.join(absent)}"
    else:
        assert this_year.total is not None and last_year.total is not None
        status = "pass" if evaluation.holds else "fail"
        message = (
            f"{what}: {later.source} ({later.year}) prints {_number(this_year.total)} at "
            f"{_cells(later, this_year.read)}; {earlier.source} ({earlier.year}) gives "
            f"{_number(last_year.total)} at {_cells(earlier, last_year.read)}"
        )
    return _result(
        instance.check.rule,
        status,
        body,
        later,
        earlier,
        keys=this_year.read,
        other_keys=last_year.read,
        expected=_float(last_year.total),
        actual=_float(this_year.total),
        message=message,
    )


def _float(total: Number | None) -> float | None:
    return None if total is None else float(total)


def _duplicate(body: str, a: SeriesReport, b: SeriesReport) -> SeriesCheck:
    # A figure one reading left undetermined does not disagree with the other's: it is open.
    differ = [
        key
        for key in sorted(set(a.figures) | set(b.figures), key=_key_order)
        if _value(a, key) != _value(b, key) and not _open(a, key) and not _open(b, key)
    ]
    if differ:
        shown = "; ".join(f"{key}: {_shown(a, key)} vs {_shown(b, key)}" for key in differ[:10]) + (
            f"; and {len(differ) - 10} more" if len(differ) > 10 else ""
        )
        message = (
            f"{a.source} and {b.source} are both {a.organization}'s report on {a.year} "
            f"and differ in {len(differ)} figure{'s' if len(differ) != 1 else ''}: {shown}"
        )
        status: Status = "fail"
    else:
        message = f"{a.source} and {b.source} are both the report on {a.year}, same figures"
        status = "pass"
    return _result(
        DUPLICATE,
        status,
        body,
        a,
        b,
        keys=differ,
        other_keys=differ,
        expected=None,
        actual=None,
        message=message,
    )


def _missing(body: str, year: int, after: SeriesReport, before: SeriesReport) -> SeriesCheck:
    return SeriesCheck(
        rule=YEAR_MISSING,
        status="fail",
        body=body,
        organization=after.organization,
        year=year,
        report=None,
        source=None,
        other_year=before.year,
        other_report=before.report,
        other_source=before.source,
        keys=(),
        other_keys=(),
        expected=None,
        actual=None,
        cells=(),
        other_cells=(),
        message=(
            f"no report of {after.organization} on {year}, between {before.source} "
            f"({before.year}) and {after.source} ({after.year})"
        ),
    )


def _result(
    rule: str,
    status: Status,
    body: str,
    report: SeriesReport,
    other: SeriesReport,
    *,
    keys: Sequence[str],
    other_keys: Sequence[str],
    expected: float | None,
    actual: float | None,
    message: str,
) -> SeriesCheck:
    assert report.year is not None
    return SeriesCheck(
        rule=rule,
        status=status,
        body=body,
        organization=report.organization,
        year=report.year,
        report=report.report,
        source=report.source,
        other_year=other.year,
        other_report=other.report,
        other_source=other.source,
        keys=tuple(keys),
        other_keys=tuple(other_keys),
        expected=expected,
        actual=actual,
        cells=tuple(_cell(report, k) for k in keys),
        other_cells=tuple(_cell(other, k) for k in other_keys),
        message=message,
    )


def _value(report: SeriesReport, key: str) -> float | None:
    figure = report.figures.get(key)
    return None if figure is None else figure.value


def _open(report: SeriesReport, key: str) -> bool:
    figure = report.figures.get(key)
    return figure is not None and figure.undetermined


def _shown(report: SeriesReport, key: str) -> str:
    figure = report.figures.get(key)
    if figure is None:
        return "absent"
    return figure.raw if figure.raw else "blank"


def _cell(report: SeriesReport, key: str) -> str:
    figure = report.figures.get(key)
    return f"{key}@{origin_text(figure.origin if figure else None)}"


def _cells(report: SeriesReport, keys: Sequence[str]) -> str:
    return " + ".join(_cell(report, k) for k in keys)


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


_ORDER = {key: i for i, key in enumerate(FORMS.figure_keys)}


def _key_order(key: str) -> tuple[int, str]:
    return (_ORDER.get(key, len(_ORDER)), key)
