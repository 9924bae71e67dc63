"""When a report is partial, and why: one definition for the terminal, the batch, the hot folder
and the export.

A report is *partial* when what it holds is known to be less than the document says:

- pages without a text layer (`pdf.no_text_layer`): scanned pages whose text and tables are
  missing;
- tables missing (`table.missing`): a standard section printed without its table;
- checks skipped: a consistency check that could not run because its figures are absent;
- not recognised as an annual report (`annual_report` is null): no figures at all. Such a report
  is counted apart, as *not a report*, and is partial for the same reason.

A failed check is not partiality: the figures are there, and disagree as printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from nianbao.schemas.model import PagesOrigin, Report

Status = Literal["complete", "partial", "not a report"]

NO_TEXT_LAYER = "pdf.no_text_layer"
TABLE_MISSING = "table.missing"


@dataclass(frozen=True)
class Completeness:
    status: Status
    #: Why the report is partial, each a short phrase; empty when it is complete.
    reasons: tuple[str, ...] = ()

    @property
    def partial(self) -> bool:
        return self.status != "complete"

    def text(self) -> str:
        """`2 pages without text (2, 5); 7 of 42 checks skipped`, or empty."""
        return "; ".join(self.reasons)


def completeness(
    *,
    recognised: bool,
    diagnostics: Iterable[tuple[str, Iterable[int]]],
    check_statuses: Iterable[str],
) -> Completeness:
    """The definition: from the report's diagnostics (code and the pages each names), whether it
    was recognised, and the statuses of its checks."""
    no_text: set[int] = set()
    scanned = tables_missing = 0
    for code, pages in diagnostics:
        if code == NO_TEXT_LAYER:
            scanned += 1
            no_text.update(pages)
        elif code == TABLE_MISSING:
            tables_missing += 1
    statuses = list(check_statuses)
    skipped = statuses.count("skipped")
    reasons: list[str] = []
    if not recognised:
        reasons.append("not recognised as an annual report")
    if no_text:
        listed = ", ".join(map(str, sorted(no_text)))
        reasons.append(f"{_count(len(no_text), 'page')} without text ({listed})")
    elif scanned:
        reasons.append("pages without text")
    if tables_missing:
        reasons.append(f"{_count(tables_missing, 'table')} missing")
    if skipped:
        reasons.append(f"{skipped} of {_count(len(statuses), 'check')} skipped")
    if not recognised:
        return Completeness("not a report", tuple(reasons))
    return Completeness("partial" if reasons else "complete", tuple(reasons))


def of_report(report: Report) -> Completeness:
    annual = report.annual_report
    return completeness(
        recognised=annual is not None,
        diagnostics=(
            (d.code, d.origin.pages if isinstance(d.origin, PagesOrigin) else ())
            for d in report.diagnostics
        ),
        check_statuses=(c.status for c in annual.checks) if annual is not None else (),
    )


def of_data(data: Mapping[str, Any]) -> Completeness:
    """`of_report` for a report read back from its JSON (the export)."""
    annual = data.get("annual_report")
    diagnostics = [
        (str(d.get("code")), (d.get("origin") or {}).get("pages") or ())
        for d in data.get("diagnostics") or ()
    ]
    checks = (annual or {}).get("checks") or ()
    return completeness(
        recognised=annual is not None,
        diagnostics=diagnostics,
        check_statuses=(str(c.get("status")) for c in checks),
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
