"""The splitter's input: a run of digits and the cells it may be cut into; sums over cells.

The token rules (what a cell is) are `splitting`'s module docstring; this module reads a run
once so that every cut tried afterwards is a table look-up.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

Cell = tuple[int, int]
"""(run index, cell index within the run)."""


@dataclass(frozen=True)
class CellEquation:
    """sum(left) == sum(right), exactly, over cells of the runs being split.

    Not the forms' `Equation` (over figure keys, with alternatives): the caller builds these
    from the forms' equations once each alternative is chosen (`Equation.choose`) and each key
    is placed in a run."""

    left: tuple[Cell, ...]
    right: tuple[Cell, ...]
    name: str = ""


FRACTION = re.compile(r"\.(\d+)")
_CELL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_PRINTABLE = frozenset("0123456789-.")


class DigitRun:
    """A run's text without whitespace, the boundaries whitespace forces, every valid cell's value.

    ``value[i][j]`` is the value of the cell text[i:j] scaled by 10**scale_digits, or None when
    text[i:j] is not a cell (see the token rules).
    """

    def __init__(self, index: int, printed: str, n_cells: int, scale_digits: int) -> None:
        if n_cells < 1:
            raise ValueError(f"run {index}: n_cells must be at least 1, not {n_cells}")
        pieces = printed.split()
        self.index = index
        self.printed = printed
        self.text = "".join(pieces)
        self.n_cells = n_cells
        stray = set(self.text) - _PRINTABLE
        if stray:
            raise ValueError(f"run {index} {printed!r}: {''.join(sorted(stray))!r} is not a cell")
        self.length = len(self.text)
        self.scale = 10**scale_digits
        # A cell may start or end where the printer kept whitespace, never span it: next_break[p]
        # is the first such boundary at or after offset p (or the end of the run).
        breaks = set(itertools.accumulate(len(piece) for piece in pieces[:-1]))
        self.next_break = [self.length] * (self.length + 1)
        for position in range(self.length - 1, -1, -1):
            self.next_break[position] = (
                position if position in breaks else self.next_break[position + 1]
            )
        self.digit_sums = list(
            itertools.accumulate((int(c) if c.isdigit() else 0 for c in self.text), initial=0)
        )
        self.dashes = _prefix_counts(self.text, "-")
        self.dots = _prefix_counts(self.text, ".")
        self.value = self._cell_values(scale_digits)

    def _cell_values(self, scale_digits: int) -> list[list[int | None]]:
        text, length = self.text, self.length
        longest = length - self.n_cells + 1  # every other cell takes one character at least
        value: list[list[int | None]] = [[None] * (length + 1) for _ in range(length + 1)]
        plain = text.isdigit()
        for start in range(length):
            # A cell never spans a kept whitespace: stop at the next one after start.
            stop = min(start + longest, self.next_break[start + 1])
            if plain:  # the common case, read digit by digit
                if text[start] == "0":
                    value[start][start + 1] = 0
                    continue
                number = 0
                for end in range(start + 1, stop + 1):
                    number = number * 10 + ord(text[end - 1]) - 48
                    value[start][end] = number * self.scale
                continue
            for end in range(start + 1, stop + 1):
                token = text[start:end]
                if _CELL.fullmatch(token):
                    value[start][end] = _scaled(token, scale_digits)
        return value

    def digit_sum_mod9(self, start: int, end: int) -> int:
        return (self.digit_sums[end] - self.digit_sums[start]) % 9

    def nonnegative(self, start: int, end: int) -> bool:
        return self.dashes[end] == self.dashes[start]

    def integral(self, start: int, end: int) -> bool:
        return self.dots[end] == self.dots[start]

    def cells(self, ends: tuple[int, ...]) -> tuple[str, ...]:
        starts = (0, *ends[:-1])
        return tuple(self.text[s:e] for s, e in zip(starts, ends, strict=True))

    def values(self, ends: tuple[int, ...]) -> tuple[int, ...]:
        starts = (0, *ends[:-1])
        return tuple(self.value[s][e] or 0 for s, e in zip(starts, ends, strict=True))


def _prefix_counts(text: str, char: str) -> list[int]:
    counts = [0]
    for c in text:
        counts.append(counts[-1] + (c == char))
    return counts


def _scaled(token: str, scale_digits: int) -> int | None:
    whole, _, fraction = token.partition(".")
    number: int = int(whole + fraction) * 10 ** (scale_digits - len(fraction))
    if number == 0 and token.startswith("-"):
        return None  # -0 is not a figure anyone prints on purpose
    return number


Terms = list[tuple[int, dict[int, int]]]
"""An equation as (run, {cell: coefficient}) per run it touches: left cells +1, right cells -1."""


def equation_terms(eq: CellEquation, runs: Sequence[DigitRun]) -> Terms:
    by_run: dict[int, dict[int, int]] = {}
    for sign, side in ((1, eq.left), (-1, eq.right)):
        for run, cell in side:
            if not (0 <= run < len(runs) and 0 <= cell < runs[run].n_cells):
                raise ValueError(f"{eq.name or eq}: no cell {(run, cell)}")
            coefficients = by_run.setdefault(run, {})
            coefficients[cell] = coefficients.get(cell, 0) + sign
    return [(r, {c: k for c, k in cells.items() if k}) for r, cells in sorted(by_run.items())]


def contribution(coefficients: dict[int, int], values: tuple[int, ...]) -> int:
    return sum(k * values[c] for c, k in coefficients.items())
