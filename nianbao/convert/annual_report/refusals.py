"""Documents that print a report's words, sections or tables but are not one report.

Each would otherwise be profiled with figures that belong to no single report:

- a notice or letter about the reports (关于做好…年度报告编制发布工作的通知), which quotes the
  form's headings and blank tables and last year's totals;
- a comparison of two years' reports, whose tables set two sets of figures side by side, or
  print the same form table twice, whole, with different figures;
- two whole reports in one file, whose statements of the period reported on name two years;
- the blank form itself (the official empty template, or a copy of it not yet filled in): its
  tables are the form's with every figure cell empty, and its title says it is the form (格式,
  模板), or its prose is the form's placeholder (（文字描述）), or it names no year at all. The
  words are the forms' data (`recognise.blank_title_words`, `recognise.placeholders`).

Each refusal is one diagnostic saying which it is and why; the document then has no
`annual_report`, rather than one that mixes figures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nianbao.convert.annual_report.figures import Figures, side_by_side
from nianbao.convert.annual_report.grids import Logical
from nianbao.convert.annual_report.recognise import names_a_year, period_years
from nianbao.forms import FORMS
from nianbao.schemas.model import Diagnostic, Document
from nianbao.text.script import fold

# A document whose title is a notice, letter or reply about something (关于…的通知) is about the
# reports, unless it publishes one: 关于印发《…2023年政府信息公开工作年度报告》的通知.
_NOTICE = re.compile(r"关于.{0,80}的(?:函|通知|批复|请示|决定|意见|方案|复函|通报)$")
_PUBLISHES_A_REPORT = re.compile(r"《[^》]*(?:报告|年报)》")
_TOP = 4  # blocks at the top where a title stands
_TITLE_MAX = 80


def refusal(
    document: Document, tables: list[Logical], read: Sequence[tuple[Logical, Figures]]
) -> Diagnostic | None:
    """Why `document` is not one annual report, or None when nothing says so. `read`: the
    figures of each form table (`table_figures`)."""
    title = _notice_title(document)
    if title is not None:
        return _refused(
            "annual_report.notice",
            f"not a report but a notice or letter about reports: {title!r}",
        )
    blank = _blank_form(document, read)
    if blank is not None:
        return _refused("annual_report.blank_form", blank)
    compared = [t for t in tables if side_by_side(t)]
    if compared:
        return _refused(
            "annual_report.comparison",
            f"{len(compared)} table(s) set two sets of figures side by side (a comparison of "
            "two reports, e.g. of two years): no single report's figures can be read from them",
        )
    repeated = _repeated_tables(read)
    if repeated is not None:
        return _refused(
            "annual_report.comparison",
            f"the {repeated} table is printed whole twice with different figures (a comparison "
            "of two reports, or two reports): no single report's figures can be read from them",
        )
    years = period_years(document)
    if len(years) >= 2:
        listed = ", ".join(str(y) for y in years)
        return _refused(
            "annual_report.several_reports",
            f"the document states {len(years)} different periods reported on ({listed}): it "
            "holds several reports, which are not mixed into one; split the file to read them",
        )
    return None


def _blank_form(document: Document, read: Sequence[tuple[Logical, Figures]]) -> str | None:
    """Why `document` is the empty form rather than a report, or None. Every figure cell of its
    form tables is empty (a report prints its figures, 0 included), and something besides says
    it is the form: its title's words, its placeholders, or no year named anywhere."""
    whole = [(table, figures) for table, figures in read if _whole(table, figures)]
    if not whole or any(f.value is not None for _, figures in read for f in figures.values()):
        return None
    cells = sum(len(figures) for _, figures in read)
    title = _blank_title(document)
    placeholder = _placeholder(document)
    if title is not None:
        evidence = f"its title is the form's: {title!r}"
    elif placeholder is not None:
        evidence = f"its text is the form's placeholder {placeholder!r}"
    elif not names_a_year(document):
        evidence = "it names no year"
    else:
        return None
    return (
        f"a blank form, not a report: the {cells} figure cells of its form tables are all "
        f"empty and {evidence}"
    )


def _whole(table: Logical, figures: Figures) -> bool:
    """A form table with half its cells or more found."""
    if table.kind not in {t.key for t in FORMS.tables}:
        return False
    return 2 * len(figures) >= len(FORMS.table(table.kind).figure_keys(optional=False))


def _blank_title(document: Document) -> str | None:
    words = {fold(w) for form in FORMS.forms for w in form.recognise.blank_title_words}
    top = [document.title or ""] + [b.text for b in document.blocks[:_TOP] if b.kind != "table"]
    for text in top:
        line = re.sub(r"\s+", "", fold(text))
        if len(line) <= _TITLE_MAX and any(w in line for w in words):
            return text.strip()
    return None


def _placeholder(document: Document) -> str | None:
    words = {fold(w) for form in FORMS.forms for w in form.recognise.placeholders}
    for block in document.blocks:
        if block.kind != "table" and re.sub(r"\s+", "", fold(block.text)) in words:
            return block.text.strip()
    return None


def _repeated_tables(read: Sequence[tuple[Logical, Figures]]) -> str | None:
    """A form table printed whole (half its cells or more) twice, with different figures."""
    whole: dict[str, list[dict[str, object]]] = {}
    for table, figures in read:
        if _whole(table, figures):
            found = {k: f.value for k, f in figures.items()}
            keys = FORMS.table(table.kind).figure_keys()
            whole.setdefault(table.kind, []).append({k: found.get(k) for k in keys})
    for kind, readings in whole.items():
        if any(reading != readings[0] for reading in readings[1:]):
            return kind
    return None


def _notice_title(document: Document) -> str | None:
    top = [document.title or ""] + [b.text for b in document.blocks[:_TOP] if b.kind != "table"]
    for text in top:
        line = re.sub(r"\s+", "", fold(text))
        if (
            len(line) <= _TITLE_MAX
            and _NOTICE.search(line)
            and not _PUBLISHES_A_REPORT.search(line)
        ):
            return text.strip()
    return None


def _refused(code: str, message: str) -> Diagnostic:
    return Diagnostic(code=code, severity="warning", message=message)
