"""Equal neighbours printed once: which cells a value printed on a line of its own stands for.

Some crawlers drop every line equal to the line before it, and some pages merge equal
neighbouring cells into one: a table flattened one cell per line then prints fewer values than
its row has cells. `一、本年新收… / 8 / 0 / 8` is a row of seven cells (自然人, five organisation
columns, 总计), a lone `0` a whole row of zeros. Each printed value stands for one or more
neighbouring cells, in order; how many is not printed. Only the form's equations can tell, so:

- every way to lay the printed values over the cells (each value over one or more neighbouring
  cells, all cells covered, in order) is a reading;
- a reading survives when every check of the forms whose figures are all known (the reading's
  own cells, cells printed alone, the tables' figures, and the cells other such rows have
  settled) holds; rows tied by a check settle each other, until nothing changes;
- a cell on which every surviving reading agrees is read, and is as certain as a printed cell:
  the arithmetic allows no other value; a cell on which they differ is undetermined (no value,
  its candidates named), and a row no reading fits is not read.

A digit is never split off a value here: a line of its own is a cell (the digits of a line are
cut only where the text ran cells together, which `splitting` does). Nothing is spread by
guessing: a value covers more than one cell only where the sums leave no other reading.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from math import comb

from nianbao.forms import FORMS
from nianbao.schemas.model import Diagnostic, Origin

Number = int | float
MAX_READINGS = 50_000  # ways to lay a row's printed values over its cells, tried at most
_TOLERANCE = 1e-6
_SHOWN = 20  # readings named in a diagnostic


@dataclass
class Repeated:
    """A row (or rows) printed with fewer values than cells, and what the sums made of it."""

    keys: list[str]  # the cells, in printed order
    values: list[Number]  # the values printed, in order
    readings: list[tuple[int, ...]] = field(default_factory=list)  # each cell's printed value
    note: str = ""  # why no reading is kept

    def settled(self) -> dict[str, int]:
        """The cells every reading gives the same value: key -> the index of a printed value
        that holds it (the first reading's)."""
        return {
            key: self.readings[0][i]
            for i, key in enumerate(self.keys)
            if len(self.candidates(key)) == 1
        }

    def candidates(self, key: str) -> list[Number]:
        """The values the readings leave for a cell, each once, in printed order."""
        i = self.keys.index(key)
        values = [self.values[n] for n in sorted({r[i] for r in self.readings})]
        return list(dict.fromkeys(values))

    def distinct(self) -> list[tuple[Number, ...]]:
        """The readings' values, each reading once (two layouts may give the same values)."""
        return list(dict.fromkeys(tuple(self.values[n] for n in r) for r in self.readings))

    def diagnostic(self, where: str, printed: str, origin: Origin) -> Diagnostic:
        """`figures.repeated_value` when the sums allow one reading, else
        `figures.undetermined` naming the open cells and every reading."""
        message = (
            f"{where}: {len(self.values)} values printed one per line ({printed}) for "
            f"{len(self.keys)} cells; a value printed once stands for equal neighbouring cells"
        )
        readings = self.distinct()
        if len(readings) == 1:
            return Diagnostic(
                code="figures.repeated_value",
                severity="info",
                message=f"{message}, and the table's sums allow one reading only",
                origin=origin,
            )
        shown = " | ".join(", ".join(_number(v) for v in r) for r in readings[:_SHOWN])
        shown += " | …" if len(readings) > _SHOWN else ""
        cells = "; ".join(
            f"{k} one of {', '.join(_number(v) for v in self.candidates(k))}"
            for k in self.keys
            if k not in self.settled()
        )
        return Diagnostic(
            code="figures.undetermined",
            severity="warning",
            message=f"{message}, and the table's sums allow {len(readings)} readings "
            f"({shown}): {cells}; left without a value",
            origin=origin,
        )


def layouts(printed: int, cells: int) -> Iterator[tuple[int, ...]]:
    """Each way `printed` values, in order and each over one or more neighbouring cells, cover
    `cells` cells: the index of the value each cell holds."""
    for cuts in combinations(range(1, cells), printed - 1):
        bounds = (0, *cuts, cells)
        yield tuple(n for n in range(printed) for _ in range(bounds[n + 1] - bounds[n]))


def read_repeats(rows: Sequence[Repeated], known: Mapping[str, Number]) -> None:
    """Fill each row's readings: those the forms' checks allow, together (see the module)."""
    for row in rows:
        count = comb(len(row.keys) - 1, len(row.values) - 1)
        if count > MAX_READINGS:
            row.note = f"{len(row.values)} values over {len(row.keys)} cells: {count} readings"
            continue
        row.readings = list(layouts(len(row.values), len(row.keys)))
    present = set(known) | {k for row in rows for k in row.keys}
    equations = list(_equations(present))
    changed = True
    while changed:
        changed = False
        for row in rows:
            if not row.readings:
                continue
            others = dict(known)
            for other in rows:
                if other is not row:
                    others |= {k: other.values[n] for k, n in other.settled().items()}
            kept = [r for r in row.readings if _holds(row, r, others, equations)]
            if len(kept) != len(row.readings):
                changed = True
                row.readings = kept
                if not kept:
                    row.note = (
                        f"no way to lay the printed values {_printed(row.values)} over its "
                        f"{len(row.keys)} cells satisfies the table's sums"
                    )


def _printed(values: Sequence[Number]) -> str:
    return " ".join(_number(v) for v in values)


def _number(value: Number) -> str:
    return f"{value:g}"


def _equations(present: set[str]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    out = []
    for check in FORMS.checks:
        for instance in FORMS.instances(check):
            left, right = instance.equation.choose(present)
            if all(k in present for k in (*left, *right)):
                out.append((left, right))
    return out


def _holds(
    row: Repeated,
    reading: tuple[int, ...],
    others: Mapping[str, Number],
    equations: list[tuple[tuple[str, ...], tuple[str, ...]]],
) -> bool:
    values = dict(others) | {k: row.values[n] for k, n in zip(row.keys, reading, strict=True)}
    mine = set(row.keys)
    for left, right in equations:
        keys = (*left, *right)
        if not any(k in mine for k in keys) or not all(k in values for k in keys):
            continue
        if abs(sum(values[k] for k in left) - sum(values[k] for k in right)) > _TOLERANCE:
            return False
    return True
