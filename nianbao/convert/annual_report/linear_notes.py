"""What a linear reading left unread, said: no row is dropped silently (`linear`)."""

from __future__ import annotations

from collections.abc import Mapping

from nianbao.convert.annual_report.linear_runs import Run
from nianbao.forms import Label, TableSpec
from nianbao.schemas.model import Diagnostic


def say_unread(
    spec: TableSpec,
    rows: list[Label],
    runs: list[Run],
    cells: list[int],
    *,
    covered: set[int],
    unread: Mapping[int, str],
    left_out: set[int],
    wanted: set[str],
    diagnostics: list[Diagnostic],
) -> None:
    """The rows not read and the runs placed nowhere, each said: no row is dropped silently."""
    for k, why in sorted(unread.items()):
        if rows[k].key not in wanted:
            continue
        diagnostics.append(
            Diagnostic(
                code="figures.unaligned_row",
                severity="warning",
                message=f"{spec.key} row {rows[k].key} ({rows[k].label}) is not read: {why}",
            )
        )
    for k, missing in enumerate(rows):
        if k not in covered and k not in unread and not missing.optional and missing.key in wanted:
            diagnostics.append(
                Diagnostic(
                    code="figures.unaligned_row",
                    severity="warning",
                    message=f"{spec.key} row {missing.key} ({missing.label}) is not read: "
                    f"no run of {cells[k]} figures fits it in the form's order",
                )
            )
    for i in sorted(left_out):
        run = runs[i]
        if run.label is not None and run.label not in wanted:
            continue  # a row the tables read: not lost
        diagnostics.append(
            Diagnostic(
                code="figures.unplaced_values",
                severity="info",
                message=f"{run.printed()!r} in the {spec.key} table's text fits none of its rows "
                "in order: not read",
                origin=run.pieces[0].origin,
            )
        )
