"""The checks' equations as the forms write them, and what they mean, decided once for every caller.

Written as `a.x + a.y = a.z + (b.p + b.q | b.r)`: a side is a sum of terms; a term is a figure
key, or a choice in brackets between sums of keys separated by `|` (the 2021 form splits （六）
into three rows where the 2019 form prints one). Placeholders such as `{col}` are kept in the
keys; `Equation.expand` fills them in, and `Forms.instances` (in `spec`, as it needs the tables)
repeats a check over its table's rows or columns.

What an equation means is decided here, and only here; the report's checks (`checks`), the
checks across reports (`series`) and the reading of tables from text (`linear`,
`linear_order`) all ask these verbs:

- **Which alternative counts** (`Term.choose`): the first alternative of which the report
  prints at least one key; when it prints none, the first (the forms write the newest form's
  rows first: those are the cells a skipped check names as missing). A report that prints part
  of an alternative (two of the 2021 form's three （六） rows, the third lost to a broken grid)
  is of that alternative's form: its missing cell leaves the equation unevaluated, and the other
  alternative is never summed in its place, which would hide the loss (precision before
  recall). The checks across reports read each side from one report (this year's left, last
  year's right), so each side chooses by its own report's figures under the same rule, and no
  parameter is needed; reading tables from text, "printed" means placed in a cell.
- **Evaluation** (`Equation.evaluate`): each side is the sum of its chosen keys' values. A key
  the report does not print is *missing*, a key printed without a number (blank, `-`, `/`) is
  *blank*; either way the side has no sum (a blank is not 0) and the equation neither holds nor
  fails. Whole numbers add exactly; a sum with a fraction is rounded to 6 decimals (so 0.1 +
  0.2 is 0.3), and the equation holds when the two sums are equal.

The callers used to choose four ways (the first alternative with any key printed, else the
last; the first with all keys, else the first; ...). No golden told them apart: no sample prints
part of an alternative. `tests/test_equations.py` pins the rule above in each caller's situation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from nianbao.errors import EquationError  # its home is the error tree; importable from here

_TOKEN = re.compile(r"\s*(?:([A-Za-z_][\w.{}]*)|(.))")

Number = int | float
_T = TypeVar("_T")


@dataclass(frozen=True)
class Term:
    """A key (one choice of one key), or a choice between sums of keys."""

    choices: tuple[tuple[str, ...], ...]

    # Computed once (here and in `Equation`): the forms are loaded once and asked per report.
    @cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for choice in self.choices for key in choice)

    def choose(self, present: Container[str]) -> tuple[str, ...]:
        """The keys this term sums in a report that prints `present` (see the module's rule)."""
        if len(self.choices) == 1:
            return self.choices[0]
        return next((c for c in self.choices if any(k in present for k in c)), self.choices[0])


@dataclass(frozen=True)
class Sum:
    """One side of an equation in one report."""

    keys: tuple[str, ...]  # the chosen keys, in the order written
    missing: tuple[str, ...]  # not printed
    blank: tuple[str, ...]  # printed without a number
    total: Number | None  # None when a key is missing or blank

    @property
    def read(self) -> tuple[str, ...]:
        """The keys that have a number."""
        return tuple(k for k in self.keys if k not in self.missing and k not in self.blank)

    @property
    def unread(self) -> tuple[str, ...]:
        """The keys missing or blank, in the order written."""
        return tuple(k for k in self.keys if k in self.missing or k in self.blank)


@dataclass(frozen=True)
class Evaluation:
    left: Sum
    right: Sum

    @property
    def keys(self) -> tuple[str, ...]:
        return (*self.left.keys, *self.right.keys)

    @property
    def missing(self) -> tuple[str, ...]:
        return (*self.left.missing, *self.right.missing)

    @property
    def blank(self) -> tuple[str, ...]:
        return (*self.left.blank, *self.right.blank)

    @property
    def holds(self) -> bool | None:
        """Whether the two sums are equal; None when a side has no sum."""
        if self.left.total is None or self.right.total is None:
            return None
        return self.left.total == self.right.total


@dataclass(frozen=True)
class Equation:
    left: tuple[Term, ...]
    right: tuple[Term, ...]

    @cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for term in (*self.left, *self.right) for key in term.keys)

    def expand(self, **values: str) -> Equation:
        """The equation with `{name}` placeholders replaced by `values`."""

        def fill(terms: tuple[Term, ...]) -> tuple[Term, ...]:
            return tuple(
                Term(tuple(tuple(key.format(**values) for key in c) for c in t.choices))
                for t in terms
            )

        return Equation(fill(self.left), fill(self.right))

    def choose(self, present: Container[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The keys the left and the right side sum in a report that prints `present`."""
        return _chosen(self.left, present), _chosen(self.right, present)

    def evaluate(
        self,
        values: Mapping[str, Number | None],
        right_values: Mapping[str, Number | None] | None = None,
    ) -> Evaluation:
        """Both sides summed over `values` (a key's number, None when printed blank; a key the
        report does not print is absent). `right_values`: the right side's, when it is read from
        another report (the checks across reports: last year's report)."""
        other = values if right_values is None else right_values
        return Evaluation(_sum_side(self.left, values), _sum_side(self.right, other))


def _chosen(terms: tuple[Term, ...], present: Container[str]) -> tuple[str, ...]:
    return tuple(key for term in terms for key in term.choose(present))


def _sum_side(terms: tuple[Term, ...], values: Mapping[str, Number | None]) -> Sum:
    keys = _chosen(terms, values)
    missing: list[str] = []
    blank: list[str] = []
    for key in keys:
        if key not in values:
            missing.append(key)
        elif values[key] is None:
            blank.append(key)
    total = None if missing or blank else add(values[k] for k in keys)
    return Sum(keys, tuple(missing), tuple(blank), total)


def add(values: Iterable[Number | None]) -> Number:
    """The sum as the checks compare it: exact for whole numbers, to 6 decimals otherwise (a
    None counts 0 here: callers that must not add a blank ask `Equation.evaluate`)."""
    total: Number = 0
    for value in values:
        total += value or 0
    return round(total, 6) if isinstance(total, float) else total


# --- reading ---------------------------------------------------------------------------------


def parse(text: str) -> Equation:
    tokens = _tokens(text)
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take(expected: str | None = None) -> str:
        nonlocal position
        token = peek()
        if token is None or (expected is not None and token != expected):
            found = "the end" if token is None else repr(token)
            wanted = repr(expected) if expected else "a key"
            raise EquationError(f"{text.strip()!r}: expected {wanted}, found {found}")
        position += 1
        return token

    def separated(item: Callable[[], _T], separator: str) -> tuple[_T, ...]:
        """`item`, then more of them while `separator` comes next."""
        found = [item()]
        while peek() == separator:
            take(separator)
            found.append(item())
        return tuple(found)

    def term() -> Term:
        if peek() != "(":
            return Term(((key(),),))
        take("(")
        choices = separated(lambda: separated(key, "+"), "|")
        take(")")
        return Term(choices)

    def key() -> str:
        token = take()
        if not (token[0].isalpha() or token[0] == "_"):
            raise EquationError(f"{text.strip()!r}: expected a key, found {token!r}")
        return token

    left = separated(term, "+")
    take("=")
    right = separated(term, "+")
    if peek() is not None:
        raise EquationError(f"{text.strip()!r}: unexpected {peek()!r} after the equation")
    return Equation(left, right)


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for match in _TOKEN.finditer(text):
        word, symbol = match.groups()
        if word:
            tokens.append(word)
        elif symbol and not symbol.isspace():
            if symbol not in "+=()|":
                raise EquationError(f"{text.strip()!r}: {symbol!r} is not + = ( ) | or a key")
            tokens.append(symbol)
    return tokens
