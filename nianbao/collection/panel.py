"""A body's panel series across eras, read from a dataset's `panel.parquet`, and its jumps.

The panel (`annual_report.panel`) is comparable from 2008 to today, so a body's series of one
panel key is worth reading whole; a figure a hundred times the year before's (or a hundredth of
it) is more often a misreading (a cumulative, a unit, a column) than the year's truth, and is
worth a warning.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pyarrow.parquet as pq

from nianbao.forms import FORMS

__all__ = ["JUMP_FACTOR", "PanelJump", "PanelSeries", "panel_series"]

#: Two orders of magnitude between one year and the next.
JUMP_FACTOR = 100


@dataclass(frozen=True)
class PanelJump:
    year: int
    before: float
    after: float


@dataclass(frozen=True)
class PanelSeries:
    body: str
    key: str
    # Each year's values: more than one when two reports of the body's year disagree.
    years: tuple[tuple[int, tuple[float, ...]], ...]

    def text(self) -> str:
        return " · ".join(
            f"{year} {'/'.join(_number(v) for v in values)}" for year, values in self.years
        )

    def jumps(self) -> list[PanelJump]:
        """Consecutive years (one after the other) whose values differ by `JUMP_FACTOR` or
        more; a 0 counts as 1, so that 0 to 3 applications is no jump and 0 to 500 is."""
        found: list[PanelJump] = []
        for (year, values), (next_year, next_values) in pairwise(self.years):
            if next_year != year + 1 or len(values) != 1 or len(next_values) != 1:
                continue
            before, after = values[0], next_values[0]
            low, high = sorted((max(abs(before), 1.0), max(abs(after), 1.0)))
            if high >= JUMP_FACTOR * low:
                found.append(PanelJump(next_year, before, after))
        return found


def panel_series(directory: Path) -> list[PanelSeries]:
    """Each body's series of each panel key, bodies in name order, keys in the forms' order."""
    path = directory / "panel.parquet"
    if not path.is_file():
        return []
    rows = pq.read_table(path, columns=["body", "year", "key", "value"]).to_pylist()
    by_series: dict[tuple[str, str], dict[int, list[float]]] = defaultdict(dict)
    for row in rows:
        if row["body"] is None or row["year"] is None or row["value"] is None:
            continue
        values = by_series[(row["body"], row["key"])].setdefault(row["year"], [])
        if row["value"] not in values:
            values.append(row["value"])
    order = {key: i for i, key in enumerate(FORMS.panel_keys)}
    return [
        PanelSeries(
            body,
            key,
            tuple((year, tuple(sorted(values))) for year, values in sorted(years.items())),
        )
        for (body, key), years in sorted(
            by_series.items(), key=lambda item: (item[0][0], order.get(item[0][1], len(order)))
        )
    ]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
