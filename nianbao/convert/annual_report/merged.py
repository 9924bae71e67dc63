"""A table cell merged over several of the form's columns: one value printed for several figures.

A web page, a Word or an Excel table may merge neighbouring cells (`colspan`, a merged range)
and print one value in the merged cell. The table mapping gives that value to each column it
covers; but a merged cell may as well stand for the sum of the cells it covers, or for one of
them with the others blank. Which one is printed nowhere; only the form's sums can tell:

- a merged `0` (or a blank) is 0 (or blank) in every column whichever it stands for: kept;
- any other value is kept in each column only when every check of the forms over those columns
  (a row's total, a column's sum) can be evaluated and holds with it repeated: the sums then
  allow no other reading (repeated, a total would differ by the value times the columns less one);
- otherwise the columns are undetermined: no value, confidence 0, and a `figures.undetermined`
  diagnostic naming them and the readings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from nianbao.forms import FORMS
from nianbao.schemas.model import Diagnostic, Figure, TableCellOrigin

_TOLERANCE = 1e-6


def merged_cells(figures: dict[str, Figure], diagnostics: list[Diagnostic]) -> None:
    """Replace the figures of merged cells the sums do not confirm by undetermined ones."""
    shared: dict[tuple[int, int, int], list[str]] = defaultdict(list)
    for key, fig in figures.items():
        origin = fig.origin
        if fig.source == "table" and isinstance(origin, TableCellOrigin):
            shared[(origin.table, origin.row, origin.col)].append(key)
    for keys in shared.values():
        if len(keys) < 2:
            continue
        value = figures[keys[0]].value
        if value is None or value == 0:
            continue
        confirmed = _confirmed(keys, figures)
        raw = figures[keys[0]].raw
        names = ", ".join(keys)
        if confirmed:
            diagnostics.append(
                Diagnostic(
                    code="figures.repeated_value",
                    severity="info",
                    message=f"{raw!r} is printed once in a cell merged over {len(keys)} columns "
                    f"({names}); the table's sums hold with it in each, and with no other "
                    "reading: read in each",
                    origin=figures[keys[0]].origin,
                )
            )
            continue
        diagnostics.append(
            Diagnostic(
                code="figures.undetermined",
                severity="warning",
                message=f"{raw!r} is printed once in a cell merged over {len(keys)} columns "
                f"({names}): it may stand for each of them, for their sum, or for one of them, "
                "and the table's sums do not tell which; left without a value",
                origin=figures[keys[0]].origin,
            )
        )
        for key in keys:
            figures[key] = figures[key].model_copy(
                update={"value": None, "raw": "", "confidence": 0.0}
            )


def _confirmed(keys: list[str], figures: Mapping[str, Figure]) -> bool:
    """Whether some check over the merged columns can be evaluated, and every such one holds."""
    values = {k: f.value for k, f in figures.items() if f.value is not None}
    mine = set(keys)
    checked = False
    for check in FORMS.checks:
        for instance in FORMS.instances(check):
            if mine.isdisjoint(instance.equation.keys):
                continue  # not over these columns (a cheap test before choosing)
            left, right = instance.equation.choose(figures)
            both = (*left, *right)
            if not mine.intersection(both) or not all(k in figures for k in both):
                continue  # not over these columns, or not this report's form
            if not all(k in values for k in both):
                return False  # a sum that would tell is printed blank: nothing confirms
            if abs(sum(values[k] for k in left) - sum(values[k] for k in right)) > _TOLERANCE:
                return False
            checked = True
    return checked
