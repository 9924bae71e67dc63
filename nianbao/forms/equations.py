"""The checks' equations as the forms write them: `a.x + a.y = a.z + (b.p + b.q | b.r)`.

A side is a sum of terms. A term is a figure key, or a choice in brackets between sums of keys
separated by `|`: the first choice whose figures the report prints is the one summed (the 2021
form splits （六） into three rows where the 2019 form prints one). Placeholders such as
`{col}` are kept in the keys; `Equation.expand` fills them in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nianbao.errors import EquationError  # its home is the error tree; importable from here

_TOKEN = re.compile(r"\s*(?:([A-Za-z_][\w.{}]*)|(.))")


@dataclass(frozen=True)
class Term:
    """A key (one choice of one key), or a choice between sums of keys, the first printed wins."""

    choices: tuple[tuple[str, ...], ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for choice in self.choices for key in choice)


@dataclass(frozen=True)
class Equation:
    left: tuple[Term, ...]
    right: tuple[Term, ...]

    @property
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

    def term() -> Term:
        if peek() != "(":
            return Term(((key(),),))
        take("(")
        choices = [keys()]
        while peek() == "|":
            take("|")
            choices.append(keys())
        take(")")
        return Term(tuple(choices))

    def keys() -> tuple[str, ...]:
        found = [key()]
        while peek() == "+":
            take("+")
            found.append(key())
        return tuple(found)

    def key() -> str:
        token = take()
        if not (token[0].isalpha() or token[0] == "_"):
            raise EquationError(f"{text.strip()!r}: expected a key, found {token!r}")
        return token

    def side() -> tuple[Term, ...]:
        terms = [term()]
        while peek() == "+":
            take("+")
            terms.append(term())
        return tuple(terms)

    left = side()
    take("=")
    right = side()
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
