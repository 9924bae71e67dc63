"""How far long work over many reports has got, told to whoever shows it.

An export of thousands of reports, or the checks across a big dataset, take seconds to minutes;
the command line shows a bar on a terminal (`nianbao.cli.progress`). The collection only says
what it is doing and how much of it is done, through a `Steps` its caller gives; without one it
says nothing. Nothing here knows of terminals.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sized
from typing import Protocol, TypeVar

T = TypeVar("T")


class Steps(Protocol):
    """Told as work goes: a phase begins (`what`, of `total` items), and each item is done."""

    def begin(self, what: str, total: int) -> None: ...

    def advance(self) -> None: ...


class Silent:
    """Steps that nobody watches."""

    def begin(self, what: str, total: int) -> None:
        pass

    def advance(self) -> None:
        pass


SILENT = Silent()


def counted(what: str, items: Iterable[T], steps: Steps, total: int | None = None) -> Iterator[T]:
    """`items` one by one, each counted done when the next is asked for (when the caller has
    finished with it), as the phase `what` of `steps`."""
    if total is None:
        total = len(items) if isinstance(items, Sized) else 0
    steps.begin(what, total)
    for item in items:
        yield item
        steps.advance()
