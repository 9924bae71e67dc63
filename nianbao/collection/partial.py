"""What state a report is in, and why: the one definition that the terminal line, the batch
summary, the hot folder's log, the CSV and XLSX export's `partial` column and the Parquet
dataset's `reports.partial` column all read.

A report is *complete*, *partial* or *not a report*. It is **partial** when what it holds is
known to be less than what the document prints, for one or more of these reasons (each a short
phrase in `Completeness.reasons`, in this order):

- **pages without text** (`pdf.no_text_layer`): scanned pages left unread, whose text and
  tables are missing;
- **tables missing** (`table.missing`): a standard section printed without its table;
- **form unknown**: recognised as an annual report, but on no form nianbao knows, so no figure
  is known to be there;
- **cut short by a limit** (`html.truncated`, `image.truncated`, `pdf.truncated`): a bound
  left part of the document unread, nianbao's own (a page past the parser's depth, a TIFF's
  frames past the 200th) or one asked for (a PDF's pages past `--max-pages`);
- **figures missing**: a figure that the report's form prints is absent from the report. A
  blank cell is printed (its figure is there, with no value), so it is not missing; a group of
  rows printed as one row (the 2019 form's single `other_handling` row in a 2021 report) stands
  for its rows, and the rows for the group, column by column.

A report that was **not recognised** as an annual report (`annual_report` null) holds no figures
at all: it is counted apart, as *not a report*, and is partial too (`Completeness.partial`).

A figure is in one of four states (`figure_state`), which every output marks alike: it has a
**value**; it is printed **blank** (no value, confidence 1: the report holds what the document
prints); it is **undetermined** (no value, confidence below 1: printed, but several readings
satisfy every constraint the document gives, `figures.undetermined` names the candidates); or
it is **absent** (not in the report). Undetermined figures do not make a report partial (they
are there, with their candidates; nothing is missing), but they are *unsure*: every place that
shows a report's state shows their count too (`Completeness.undetermined`, `unsure_text`). In a
dataset, an undetermined figure that other reports settle (`nianbao.collection.settle`) is
**resolved**: it has the value they give, and `resolved_by` says how.

Neither a failed check nor a skipped one makes a report partial. A failed check's figures are
there and disagree as printed. A check is skipped when a figure it reads has no number: either
the figure is absent, which `figures missing` already says, or its cell is printed blank, and
then the report holds exactly what the document prints.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from nianbao.forms import FORMS
from nianbao.forms.spec import Form, TableSpec
from nianbao.schemas.model import PagesOrigin, Report

Status = Literal["complete", "partial", "not a report"]
FigureState = Literal["value", "blank", "undetermined", "absent", "resolved"]
#: A dataset's state of an undetermined figure that other reports settled (`resolved_by`).
RESOLVED: FigureState = "resolved"
#: The states of a figure its own report could not decide.
UNSURE_STATES = ("undetermined", RESOLVED)

NO_TEXT_LAYER = "pdf.no_text_layer"
TABLE_MISSING = "table.missing"
NOT_RECOGNISED = "not recognised as an annual report"
#: The diagnostics of a bound that left part of the document unread: nianbao's own, or the
#: pages past `max_pages` that were asked not to be read (the report is of part of the PDF).
CUT_SHORT = ("html.truncated", "image.truncated", "pdf.truncated")


@dataclass(frozen=True)
class Completeness:
    status: Status
    #: Why the report is partial, each a short phrase; empty when it is complete.
    reasons: tuple[str, ...] = ()
    #: How many of its figures are undetermined (printed, no value: several readings fit).
    undetermined: int = 0

    @property
    def partial(self) -> bool:
        return self.status != "complete"

    def text(self) -> str:
        """`2 pages without text (2, 5); 21 of 238 figures missing`, or empty."""
        return "; ".join(self.reasons)

    def unsure_text(self) -> str:
        """`6 figures undetermined`, or empty when every figure read is sure."""
        return f"{_count(self.undetermined, 'figure')} undetermined" if self.undetermined else ""


def completeness(
    *,
    recognised: bool,
    form: str | None,
    figures: Collection[str],
    diagnostics: Iterable[tuple[str, Iterable[int]]],
    undetermined: int = 0,
) -> Completeness:
    """The definition: from whether the report was recognised, the id of its form, the keys of
    its figures, its diagnostics (each a code and the pages it names), and how many of its
    figures are undetermined (`figure_state`)."""
    no_text: set[int] = set()
    scanned = tables_missing = 0
    cut: list[str] = []
    for code, pages in diagnostics:
        if code == NO_TEXT_LAYER:
            scanned += 1
            no_text.update(pages)
        elif code == TABLE_MISSING:
            tables_missing += 1
        elif code in CUT_SHORT and code not in cut:
            cut.append(code)
    reasons: list[str] = []
    if not recognised:
        reasons.append(NOT_RECOGNISED)
    if no_text:
        listed = ", ".join(map(str, sorted(no_text)))
        reasons.append(f"{_count(len(no_text), 'page')} without text ({listed})")
    elif scanned:
        reasons.append("pages without text")
    if tables_missing:
        reasons.append(f"{_count(tables_missing, 'table')} missing")
    if cut:
        reasons.append(f"cut short by a limit ({', '.join(cut)})")
    if recognised:
        known = _form(form)
        if known is None:
            reasons.append(f"form {form} unknown" if form else "form unknown")
        else:
            printed = known.figure_keys()
            missing = missing_figures(known, figures)
            if missing:
                reasons.append(f"{len(missing)} of {_count(len(printed), 'figure')} missing")
    if not recognised:
        return Completeness("not a report", tuple(reasons))
    return Completeness("partial" if reasons else "complete", tuple(reasons), undetermined)


def missing_figures(form: Form, figures: Collection[str]) -> list[str]:
    """The keys of the figures `form` prints that are not in `figures`, in printed order; a
    group printed as one row counts for its rows, and its rows for it (see the module)."""
    return [
        key
        for table in form.tables
        for row, col in table.cells(optional=False)
        if (key := table.figure(row.key, col.key)) not in figures
        and not any(table.figure(other, col.key) in figures for other in _stand_ins(table, row.key))
    ]


def _stand_ins(table: TableSpec, row_key: str) -> list[str]:
    """The rows printed instead of `row_key`: its group's one row if it is in a group; the
    group's rows if it is a group printed as one row (its label is its group's)."""
    row = table.row(row_key)
    if row.group is None:
        return []
    as_one_row = row.label == row.group
    return [
        other.key
        for other in table.rows
        if other.key != row.key
        and other.group == row.group
        and (other.label == other.group) != as_one_row
    ]


def _form(form_id: str | None) -> Form | None:
    return next((f for f in FORMS.forms if f.id == form_id), None)


def of_report(report: Report) -> Completeness:
    annual = report.annual_report
    return completeness(
        recognised=annual is not None,
        form=annual.template if annual is not None else None,
        figures=annual.figures.keys() if annual is not None else (),
        diagnostics=(
            (d.code, d.origin.pages if isinstance(d.origin, PagesOrigin) else ())
            for d in report.diagnostics
        ),
        undetermined=sum(
            is_undetermined(f.value, f.confidence)
            for f in (annual.figures.values() if annual is not None else ())
        ),
    )


def of_data(data: Mapping[str, Any]) -> Completeness:
    """`of_report` for a report read back from its JSON (the exports)."""
    annual = data.get("annual_report")
    diagnostics = [
        (str(d.get("code")), (d.get("origin") or {}).get("pages") or ())
        for d in data.get("diagnostics") or ()
    ]
    figures: Mapping[str, Any] = (annual or {}).get("figures") or {}
    return completeness(
        recognised=annual is not None,
        form=(annual or {}).get("template"),
        figures=figures.keys(),
        diagnostics=diagnostics,
        undetermined=sum(figure_state(f) == "undetermined" for f in figures.values()),
    )


def figure_state(figure: Mapping[str, Any] | None) -> FigureState:
    """The state of a figure as its JSON gives it (None: absent from the report)."""
    if figure is None:
        return "absent"
    if figure.get("value") is not None:
        return "value"
    confidence = figure.get("confidence", 1.0)  # the JSON leaves out the default
    return "undetermined" if is_undetermined(None, confidence) else "blank"


def is_undetermined(value: object, confidence: float | None) -> bool:
    """A figure printed but left without a value because several readings satisfy every
    constraint the document gives (`figures.undetermined`): no value, confidence below 1. A
    printed blank has no value and confidence 1; an absent figure is not in the report."""
    return value is None and confidence is not None and confidence < 1


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
