"""A row whose figures a wrapped label spread over lines: its own sum decides their order.

A PDF's text comes out line by line, and a table row is one line only while its label fits on
one. When the label wraps, the row's cells stay on the line where each is aligned: a column
aligned to the top prints on the label's first line, the others on a later one. Section 三's
row （二）, its label and note over three lines, prints `…只计这一情 29` / `29 0 0 0 0 0` /
`形，不计其他情形）`: 29 in the first column and 29 in 总计. Read in printed order that is 29, 29,
0, 0, 0, 0, 0: a row that does not add up, though the report's row does. The line order is no
evidence of the column order, and a failing check would blame the report for our misreading.

So a row is read *as printed*, and a sum it breaks is the report's, only when its cells are
printed in one line (a table row, a line of text) or one per line (a flattening of a table, cell
after cell, keeps their order). When a few lines hold them, several on one line, each line keeps
its left-to-right order but the lines may interleave any way; every such order (up to
`_MAX_LINES` lines; beyond, the printed one alone) is tried against the row's own equations
(总计 = the six applicant columns; section 四's group totals):

- the values of exactly one order satisfy them: that order is read (`figures.reordered` says so
  where it is not the printed one);
- none does: the row is not read (`figures.unaligned_row`): a misreading is likelier than the
  report's misprint, which a reading this uncertain cannot show;
- several orders with different values do: the row is not read either, and the message names
  them.

A row with no equation of its own (section 二), or with a blank or a not-applicable mark in it,
has nothing to decide the order: it is read as printed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations

from nianbao.convert.annual_report.linear_runs import Piece
from nianbao.forms import FORMS, Label, TableSpec
from nianbao.forms.equations import Equation
from nianbao.schemas.model import Diagnostic, TableCellOrigin
from nianbao.text.numbers import parse_value

_MAX_LINES = 3  # lines whose interleavings are tried
_SHOWN = 4


@dataclass(frozen=True)
class Ordered:
    """The row's cells in the order read, or None when the row is not read; and why."""

    pieces: list[Piece] | None
    note: str = ""  # why the row is not read, or how it was reordered

    @property
    def reordered(self) -> bool:
        return self.pieces is not None and bool(self.note)

    def diagnostic(self, spec: TableSpec, row: Label) -> Diagnostic:
        """`figures.reordered`, for a row read in another order than printed."""
        assert self.pieces is not None
        return Diagnostic(
            code="figures.reordered",
            severity="info",
            message=f"{spec.key} row {row.key} ({row.label}): {self.note}",
            origin=self.pieces[0].origin,
        )


def order_row(spec: TableSpec, row: Label, columns: Sequence[str], pieces: list[Piece]) -> Ordered:
    """`pieces`, one per cell of `row` in printed order, in the order the row's sums allow."""
    lines = _lines(pieces)
    values = [parse_value(p.text).value for p in pieces]
    one_per_line = all(len(line) == 1 for line in lines)  # a flattening: the lines are the order
    if len(lines) == 1 or one_per_line or any(v is None for v in values):
        return Ordered(pieces)
    # Only now, as most rows stand on one line: the row's sums are sought among every check.
    equations = list(own_equations(spec, row.key))
    if not equations:
        return Ordered(pieces)
    keys = [spec.figure(row.key, col) for col in columns]
    # Too many lines to try their orders: the printed one only, read if it adds up.
    orders = list(_interleavings(lines)) if len(lines) <= _MAX_LINES else [list(range(len(keys)))]
    fitting: dict[tuple[str, ...], list[int]] = {}
    for order in orders:
        cells = {k: values[i] for k, i in zip(keys, order, strict=True)}
        if all(eq.evaluate(cells).holds for eq in equations):
            fitting.setdefault(tuple(pieces[i].text for i in order), order)
    printed = ", ".join(p.text for p in pieces)
    where = f"printed over {len(lines)} lines as {printed}"
    if not fitting:
        return Ordered(
            None,
            f"its figures are {where} and add up to its total in none of the {len(orders)} "
            "orders that keep each line's own: a misreading is likelier than the report's "
            "misprint",
        )
    if len(fitting) > 1:
        shown = " | ".join(", ".join(v) for v in list(fitting)[:_SHOWN])
        return Ordered(
            None,
            f"its figures are {where}, and {len(fitting)} orders of those lines add up to its "
            f"total ({shown}): the text cannot tell which",
        )
    ((read, order),) = fitting.items()
    if order == sorted(order):
        return Ordered(pieces)
    return Ordered(
        [pieces[i] for i in order],
        f"its figures are {where}; read as {', '.join(read)}, the one order of those lines "
        "that adds up to its total",
    )


def own_equations(spec: TableSpec, row: str) -> Iterator[Equation]:
    """The forms' equations over the cells of one row alone: those whose chosen keys, each
    choice resolved to the row (`Equation.choose`), all lie in the row."""
    own = {spec.figure(row, c.key) for c in spec.columns}
    for check in FORMS.checks:
        for instance in FORMS.instances(check):
            if own.isdisjoint(instance.equation.keys):
                continue  # over none of the row's cells (a cheap test before choosing)
            left, right = instance.equation.choose(own)
            if own.issuperset(left) and own.issuperset(right):
                yield instance.equation


def _lines(pieces: list[Piece]) -> list[list[int]]:
    """The indices of the pieces, grouped by the line (text block, table row) they stand on."""
    out: list[list[int]] = []
    last: object = None
    for i, piece in enumerate(pieces):
        origin = piece.origin
        line = (origin.table, origin.row) if isinstance(origin, TableCellOrigin) else piece.block
        if not out or line != last:
            out.append([])
        out[-1].append(i)
        last = line
    return out


def _interleavings(lines: list[list[int]]) -> Iterator[list[int]]:
    """Every order of the pieces that keeps each line's own order, the printed one first."""
    if len(lines) == 1:
        yield list(lines[0])
        return
    first, rest = lines[0], lines[1:]
    size = len(first) + sum(len(line) for line in rest)
    for places in combinations(range(size), len(first)):
        for others in _interleavings(rest):
            taken, other = iter(first), iter(others)
            chosen = set(places)
            yield [next(taken) if n in chosen else next(other) for n in range(size)]
