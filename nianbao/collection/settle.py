"""A collection settles what one report cannot: undetermined figures decided across reports.

A report leaves a figure undetermined when several readings fit every constraint its own
document gives (`figures.undetermined`: no value, its `candidates` listed). Other reports of the
same body often decide it (issue 22):

- `series.duplicate`: two reports of the same body and year are the same report read twice (a
  page and its crawler's dump). A figure open in one and read for sure in the other takes the
  other's value, if it is one of its candidates; open in both, it takes the one candidate they
  share, if they share exactly one.
- the forms' `[[series]]` equations (`series.previous_year`, `series.carried_over`), between a
  report of year Y and one of year Y-1: where every figure of an equation is read for sure but a
  few undetermined ones, each combination of their candidates is tried, and a figure is settled
  when every combination that makes the equation hold gives it the same value.

Both are sound: a value is taken only when the evidence allows no other candidate. Every figure
settled becomes evidence for the next round, until a round settles nothing. A figure whose
candidates the other reports contradict (none of them fits) stays open. Nothing here rewrites a
report: `nianbao.collection.dataset.check` records the settled value in the dataset with the
rule and the other report (`resolved_by`).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from nianbao.collection.series import DUPLICATE, SeriesReport
from nianbao.forms import FORMS, Instance
from nianbao.forms.equations import Number

#: The most combinations of candidates tried for one equation (a few open cells of a row).
MAX_COMBINATIONS = 10_000

Cell = tuple[str, str]  # (report sha256, figure key)


@dataclass(frozen=True)
class Settled:
    """An undetermined figure of `report` the collection decided: `value`, by `rule` with
    `other_report` (its sha256) and `other_source` (its file name)."""

    report: str
    key: str
    value: Number
    rule: str
    other_report: str
    other_source: str

    @property
    def resolved_by(self) -> str:
        """`series.duplicate with pingtan-2019.html`: what the dataset's `resolved_by` says."""
        return f"{self.rule} with {self.other_source}"


def settle(reports: Iterable[SeriesReport]) -> list[Settled]:
    """Every undetermined figure of `reports` that the others decide (see the module)."""
    by_year: dict[tuple[str, int], list[SeriesReport]] = defaultdict(list)
    for report in reports:
        if report.body is not None and report.year is not None:
            by_year[(report.body, report.year)].append(report)
    known: dict[Cell, Number] = {}
    candidates: dict[Cell, tuple[Number, ...]] = {}
    for group in by_year.values():
        for report in group:
            for key, figure in report.figures.items():
                if figure.undetermined and figure.candidates:
                    candidates[(report.report, key)] = tuple(figure.candidates)
                elif figure.value is not None and not figure.undetermined:
                    known[(report.report, key)] = figure.value
    settled: dict[Cell, Settled] = {}
    while True:
        found = _round(by_year, known, candidates, settled)
        if not found:
            return list(settled.values())
        for item in found:
            settled[(item.report, item.key)] = item
            known[(item.report, item.key)] = item.value


def _round(
    by_year: Mapping[tuple[str, int], Sequence[SeriesReport]],
    known: Mapping[Cell, Number],
    candidates: Mapping[Cell, tuple[Number, ...]],
    settled: Mapping[Cell, Settled],
) -> list[Settled]:
    """What one pass over every pair of reports settles, given what is known so far."""
    found: dict[Cell, Settled] = {}

    def take(item: Settled) -> None:
        cell = (item.report, item.key)
        if cell not in settled and cell not in found:
            found[cell] = item

    for (body, year), group in by_year.items():
        for a, b in itertools.permutations(group, 2):
            for item in _duplicate(a, b, known, candidates):
                take(item)
        for later in group:
            for earlier in by_year.get((body, year - 1), ()):
                for item in _series(later, earlier, known, candidates):
                    take(item)
    return list(found.values())


def _duplicate(
    a: SeriesReport,
    b: SeriesReport,
    known: Mapping[Cell, Number],
    candidates: Mapping[Cell, tuple[Number, ...]],
) -> Iterable[Settled]:
    """`a`'s open figures that `b`, the same report read again, decides."""
    for key in a.figures:
        mine = (a.report, key)
        if mine in known or mine not in candidates:
            continue
        theirs = (b.report, key)
        if theirs in known:
            shared = {known[theirs]} & set(candidates[mine])
        else:
            shared = set(candidates.get(theirs, ())) & set(candidates[mine])
        if len(shared) == 1:
            yield Settled(a.report, key, shared.pop(), DUPLICATE, b.report, b.source)


def _series(
    later: SeriesReport,
    earlier: SeriesReport,
    known: Mapping[Cell, Number],
    candidates: Mapping[Cell, tuple[Number, ...]],
) -> Iterable[Settled]:
    """The open figures of `later` (year Y) and `earlier` (Y-1) that a series equation of
    `later`'s form decides."""
    if later.template is None or later.template not in FORMS.ids:
        return
    for spec in FORMS.form(later.template).series:
        for instance in FORMS.instances(spec):
            yield from _solve(instance, later, earlier, known, candidates)


def _solve(
    instance: Instance,
    later: SeriesReport,
    earlier: SeriesReport,
    known: Mapping[Cell, Number],
    candidates: Mapping[Cell, tuple[Number, ...]],
) -> Iterable[Settled]:
    left, right = _values(later, known), _values(earlier, known)
    unread = instance.equation.evaluate(left, right)
    open_cells = [
        (report, key)
        for report, side in ((later, unread.left), (earlier, unread.right))
        for key in side.unread
        if (report.report, key) in candidates
    ]
    if not open_cells or len(open_cells) < len(unread.left.unread) + len(unread.right.unread):
        return  # nothing open, or a figure absent or printed blank: the equation cannot tell
    options = [candidates[(r.report, k)] for r, k in open_cells]
    if _product(options) > MAX_COMBINATIONS:
        return
    holding: list[tuple[Number, ...]] = []
    for combination in itertools.product(*options):
        for (report, key), value in zip(open_cells, combination, strict=True):
            (left if report is later else right)[key] = value
        if instance.equation.evaluate(left, right).holds:
            holding.append(combination)
    for i, (report, key) in enumerate(open_cells):
        values = {c[i] for c in holding}
        if len(values) == 1:
            other = earlier if report is later else later
            yield Settled(
                report.report, key, values.pop(), instance.check.rule, other.report, other.source
            )


def _values(report: SeriesReport, known: Mapping[Cell, Number]) -> dict[str, Number | None]:
    """The report's figures as an equation reads them, with what has been settled so far."""
    return {
        key: known.get((report.report, key), figure.value) for key, figure in report.figures.items()
    }


def _product(options: Sequence[tuple[Number, ...]]) -> int:
    count = 1
    for option in options:
        count *= len(option)
    return count
