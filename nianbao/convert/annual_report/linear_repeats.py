"""Equal neighbours printed once: which cells a value printed on a line of its own stands for.

Some crawlers drop every line equal to the line before it, and some pages merge equal
neighbouring cells into one: a table flattened one cell per line then prints fewer values than
its row has cells. `一、本年新收… / 8 / 0 / 8` is a row of seven cells (six applicant
columns and their total), a lone `0` a whole row of zeros. Each printed value stands for one or more
neighbouring cells, in order; how many is not printed. Only the form's equations can tell, so:

- every way to lay the printed values over the cells (each value over one or more neighbouring
  cells, all cells covered, in order) is a reading;
- a reading survives when every check of the forms whose figures are all known (the reading's
  own cells, cells printed alone, the tables' figures, and the cells other such rows have
  settled) holds; rows tied by a check settle each other, until nothing changes;
- a cell on which every surviving reading agrees is read, and is as certain as a printed cell:
  the arithmetic allows no other value; a cell on which they differ is undetermined (no value,
  its candidates named), and a row no reading fits is not read;
- a number the page's markup broke over two lines (`1` / `62`) is joined only where the sums
  say so: a row its own sums fit in no reading, or the one row whose join makes the sums across
  rows hold when they hold in no reading otherwise;
- where the sums across rows still hold in no reading (a misprint, or a break nothing shows),
  what the rows settled for each other is not trusted: each row keeps every way its values lie
  over its cells, and only what those agree on is read.

A digit is never split off a value here: a line of its own is a cell (the digits of a line are
cut only where the text ran cells together, which `splitting` does). Nothing is spread by
guessing: a value covers more than one cell only where the sums leave no other reading.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from math import comb

from nianbao.convert.annual_report.linear_runs import Piece
from nianbao.forms import FORMS
from nianbao.schemas.model import Diagnostic, Origin
from nianbao.text.numbers import parse_value

Number = int | float
MAX_READINGS = 20_000  # ways to lay a row's printed values over its cells, tried at most
_TOLERANCE = 1e-6
_SHOWN = 20  # readings named in a diagnostic
_TOO_MANY = "too many readings"
_Equation = tuple[tuple[str, ...], tuple[str, ...]]  # the keys summed on each side


@dataclass
class Repeated:
    """A row (or rows) printed with fewer values than cells, and what the sums made of it."""

    keys: list[str]  # the cells, in printed order
    texts: list[str]  # the values as printed, one per line, in order
    # The values: those printed, then any two neighbours joined (`joined`: which, as printed).
    values: list[Number] = field(default_factory=list)
    joined: dict[int, int] = field(default_factory=dict)  # value index -> first line joined
    readings: list[tuple[int, ...]] = field(default_factory=list)  # each cell's value index
    note: str = ""  # why no reading is kept
    doubt: str = ""  # why the sums did not choose among the readings
    # The checks over the row's cells, and the list they were picked from.
    equations: tuple[list[_Equation], list[_Equation]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.values:
            self.values = [_value(t) for t in self.texts]

    def piece(self, pieces: Sequence[Piece], index: int) -> Piece:
        """The line value `index` was printed on (a number broken over two lines: the first)."""
        first = self.joined.get(index)
        return pieces[index] if first is None else replace(pieces[first], text=self.text(index))

    def text(self, index: int) -> str:
        """Value `index` as printed (a joined one: its two lines' characters)."""
        first = self.joined.get(index)
        return self.texts[index] if first is None else self.texts[first] + self.texts[first + 1]

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
            f"{where}: {len(self.texts)} values printed one per line ({printed}) for "
            f"{len(self.keys)} cells; a value printed once stands for equal neighbouring cells"
        )
        used = sorted({self.joined[n] for r in self.readings for n in r if n in self.joined})
        if used:
            message += (
                ", and no reading fits unless a number broke over two lines ("
                + ", ".join(
                    f"{self.texts[j]} / {self.texts[j + 1]} as {self.texts[j]}{self.texts[j + 1]}"
                    for j in used
                )
                + ")"
            )
        readings = self.distinct()
        if self.doubt:
            message += f"; {self.doubt}"
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
            message=f"{message}, and {len(readings)} readings are left ({shown}): {cells}; "
            "left without a value",
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
            row.note = (
                f"{_TOO_MANY} ({count}) of {len(row.values)} values over {len(row.keys)} cells"
            )
            continue
        row.readings = list(layouts(len(row.values), len(row.keys)))
    present = set(known) | {k for row in rows for k in row.keys}
    equations = list(_equations(present))
    layouts_of = {id(row): list(row.readings) for row in rows}
    # Each row under its own sums first (and the figures printed alone): a reading it leaves
    # holds whatever the other rows are.
    for row in rows:
        row.readings = [r for r in row.readings if _holds(row, r, known, equations)]
    # A row no reading fits may hold a number the page's markup broke over two lines (`1` /
    # `62`): joined, it is read only where its sums then allow it.
    for row in rows:
        if not row.readings and not row.note.startswith(_TOO_MANY):
            row.readings = _joined_readings(row, known, equations)
    alone = {id(row): list(row.readings) for row in rows}
    if not _consistent(rows, alone, known, equations):
        # A number broken over two lines reads under its row's own sums too (`1` / `3` / `0` /
        # `13` as 1, 3, 3, 3, 3, 0, 13): joined in the one row whose join makes every sum hold.
        joins = []
        for row in rows:
            joined = _joined_readings(row, known, equations) if len(row.texts) > 1 else []
            if joined and _consistent(rows, alone | {id(row): joined}, known, equations):
                joins.append((row, joined))
        if len(joins) == 1:
            alone[id(joins[0][0])] = joins[0][1]
        _consistent(rows, alone, known, equations)
    if any(alone[id(row)] and not row.readings for row in rows):
        # The rows' sums across rows hold in no reading: a misprint, or a value that is not what
        # the layout took it for. Nothing the other rows settled can be trusted: each row keeps
        # every way its values lie over its cells, and what they all agree on.
        for row in rows:
            if len(layouts_of[id(row)]) > 1:
                row.readings = layouts_of[id(row)]
                row.doubt = "the table's sums across its rows hold in no reading"
            else:
                row.readings = alone[id(row)]
    for row in rows:
        if not row.readings and not row.note:
            row.note = (
                f"no way to lay the printed values {' '.join(row.texts)} over its "
                f"{len(row.keys)} cells satisfies the table's sums"
            )


def _consistent(
    rows: Sequence[Repeated],
    start: Mapping[int, list[tuple[int, ...]]],
    known: Mapping[str, Number],
    equations: list[_Equation],
) -> bool:
    """Settle the rows from the readings `start` gives them; whether no row is left without."""
    for row in rows:
        row.readings = list(start[id(row)])
    _settle(rows, known, equations)
    return not any(start[id(row)] and not row.readings for row in rows)


def _settle(
    rows: Sequence[Repeated], known: Mapping[str, Number], equations: list[_Equation]
) -> None:
    """Drop each row's readings that break a check, until no row changes."""
    changed = True
    while changed:
        changed = False
        for row in rows:
            if not row.readings:
                continue
            others = _others(rows, row, known)
            kept = [r for r in row.readings if _holds(row, r, others, equations)]
            if len(kept) != len(row.readings):
                changed = True
                row.readings = kept


def _others(
    rows: Sequence[Repeated], row: Repeated, known: Mapping[str, Number]
) -> dict[str, Number]:
    """The figures known around `row`: `known`, and the cells the other rows settled."""
    others = dict(known)
    for other in rows:
        if other is not row:
            others |= {k: other.values[n] for k, n in other.settled().items()}
    return others


def _joined_readings(
    row: Repeated, others: Mapping[str, Number], equations: list[_Equation]
) -> list[tuple[int, ...]]:
    """The readings with two neighbouring lines joined into one number, any two, that the
    checks allow."""
    out: list[tuple[int, ...]] = []
    printed = len(row.texts)
    for first in range(printed - 1):
        joined = row.texts[first] + row.texts[first + 1]
        if not (joined.isdigit() and row.texts[first] != "0"):
            continue  # `0` / `7` is never 07; a fraction or a sign does not break so
        index = len(row.values)
        row.values.append(int(joined))
        row.joined[index] = first
        order = [*range(first), index, *range(first + 2, printed)]
        if comb(len(row.keys) - 1, len(order) - 1) > MAX_READINGS:
            continue
        for layout in layouts(len(order), len(row.keys)):
            reading = tuple(order[n] for n in layout)
            if _holds(row, reading, others, equations):
                out.append(reading)
    return out


def _value(text: str) -> Number:
    value = parse_value(text).value
    if value is None:
        raise ValueError(f"{text!r} is not a number")  # `Piece.alone` holds numbers only
    return value


def _number(value: Number) -> str:
    return f"{value:g}"


def _equations(present: set[str]) -> list[_Equation]:
    out = []
    for check in FORMS.checks:
        for instance in FORMS.instances(check):
            if present.isdisjoint(instance.equation.keys):
                continue  # over none of the cells present (a cheap test before choosing)
            left, right = instance.equation.choose(present)
            if all(k in present for k in (*left, *right)):
                out.append((left, right))
    return out


def _touching(row: Repeated, equations: list[_Equation]) -> list[_Equation]:
    """The equations over at least one of the row's cells (kept on the row: asked per reading)."""
    if row.equations is None or row.equations[0] is not equations:
        mine = set(row.keys)
        row.equations = (equations, [e for e in equations if mine.intersection((*e[0], *e[1]))])
    return row.equations[1]


def _holds(
    row: Repeated,
    reading: tuple[int, ...],
    others: Mapping[str, Number],
    equations: list[_Equation],
) -> bool:
    values = dict(others) | {k: row.values[n] for k, n in zip(row.keys, reading, strict=True)}
    for left, right in _touching(row, equations):
        keys = (*left, *right)
        if not all(k in values for k in keys):
            continue
        if abs(sum(values[k] for k in left) - sum(values[k] for k in right)) > _TOLERANCE:
            return False
    return True
