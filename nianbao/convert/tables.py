"""Rebuild tables that text extraction flattened. (Being written; see the interface below.)"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from nianbao.convert.model import Diagnostic, Table


@dataclass(frozen=True)
class Line:
    """One line of the decoded, normalised text: spaces unified, tabs kept, not stripped."""

    number: int  # 1-based line number in the decoded input
    text: str


@dataclass
class FoundTable:
    """A table rebuilt from `lines[start:end]`; `caption` indexes the caption line, if any."""

    start: int
    end: int
    table: Table
    caption: int | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def find_tables(lines: Sequence[Line]) -> list[FoundTable]:
    """Every flattened table in `lines`, in order, never overlapping."""
    return []
