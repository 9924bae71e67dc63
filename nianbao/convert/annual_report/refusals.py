"""Documents that print a report's words, sections or tables but are not one report.

Each would otherwise be profiled with figures that belong to no single report:

- a notice or letter about the reports (关于做好…年度报告编制发布工作的通知), which quotes the
  form's headings and blank tables and last year's totals;
- a comparison of two years' reports, whose tables set two sets of figures side by side, or
  print the same form table twice, whole, with different figures;
- two whole reports in one file, whose statements of the period reported on name two years.

Each refusal is one diagnostic saying which it is and why; the document then has no
`annual_report`, rather than one that mixes figures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nianbao.convert.annual_report.figures import Figures, side_by_side
from nianbao.convert.annual_report.grids import Logical
from nianbao.convert.annual_report.recognise import period_years
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


def _repeated_tables(read: Sequence[tuple[Logical, Figures]]) -> str | None:
    """A form table printed whole (half its cells or more) twice, with different figures."""
    whole: dict[str, list[dict[str, object]]] = {}
    for table, figures in read:
        if table.kind not in {t.key for t in FORMS.tables}:
            continue
        keys = FORMS.table(table.kind).figure_keys()
        found = {k: f.value for k, f in figures.items()}
        if 2 * len(found) >= len(FORMS.table(table.kind).figure_keys(optional=False)):
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
