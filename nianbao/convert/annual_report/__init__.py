"""The annual-report profile: a `Document` from any adapter -> the report's `annual_report` part.

    recognise  is it a 政府信息公开工作年度报告; sections, year, body, date, template
    grids      its tables sorted by kind (section 二/三/四, 统计表), split tables joined
    figures    the forms' tables -> canonical keys, by their labels (`nianbao/forms`, `labels`)
    prose      text.* figures from sentences
    indicators 2008-era 统计表 rows with their hierarchy
    keyed_statistics  the national 统计表's rows -> its canonical keys (`statistics.*`)
    checks     do the printed totals add up
    panel      the few figures comparable across every era, as the report's form says

Imports only the model: any adapter's `Document` goes in, nothing about the input format is
assumed. Problems found go into the returned diagnostics, never into exceptions.
"""

from __future__ import annotations

from collections.abc import Iterable

from nianbao.convert.annual_report.checks import run_checks
from nianbao.convert.annual_report.figures import table_figures
from nianbao.convert.annual_report.flat_statistics import flat_indicators
from nianbao.convert.annual_report.grids import Logical, logical_tables
from nianbao.convert.annual_report.indicators import Numbered, indicators
from nianbao.convert.annual_report.keyed_statistics import keyed_figures
from nianbao.convert.annual_report.linear import linear_figures
from nianbao.convert.annual_report.merged import merged_cells
from nianbao.convert.annual_report.panel import panel
from nianbao.convert.annual_report.prose import prose_against_table, prose_figures
from nianbao.convert.annual_report.recognise import (
    Template,
    find_sections,
    is_annual_report,
    recognise,
    template_from_figures,
)
from nianbao.convert.annual_report.refusals import refusal
from nianbao.convert.annual_report.scanned import scanned_figures
from nianbao.forms import FORMS
from nianbao.schemas.model import (
    AnnualReport,
    Diagnostic,
    Document,
    Figure,
    Indicator,
    PanelFigure,
    Section,
)
from nianbao.schemas.places import Places

__all__ = ["profile"]


def profile(
    document: Document, source_name: str | None = None
) -> tuple[AnnualReport | None, list[Diagnostic]]:
    """The annual report `document` is, or None (with a diagnostic) when it is not one.

    A document is a report when its title and sections say so, or, with neither, when its tables
    are a form's tables (a workbook of the three statistical tables). `source_name`, the file's
    name, is the last place a year is looked for.
    """
    diagnostics: list[Diagnostic] = []
    sections = find_sections(document)
    tables = logical_tables(document)
    # Each form table's figures, read once: the refusals compare them, the report keeps them.
    read = [(t, table_figures(t, diagnostics)) for t in tables if t.kind != "indicators"]
    refused = refusal(document, tables, read)
    if refused is not None:
        return None, [refused]
    figures: dict[str, Figure] = {}
    rows: list[Numbered] = []
    for table in tables:
        if table.kind == "indicators":
            rows += indicators(table, first_index=len(rows))
    for _, found in read:
        for key, fig in found.items():
            figures.setdefault(key, fig)
    merged_cells(figures, diagnostics)
    by_tables = recognised_by_tables(figures)
    if not is_annual_report(document, sections) and by_tables is None:
        # No title, no headings, no form table: a form table may still be there as text (a PDF
        # text dump of section 三 alone).
        as_text = linear_figures(document, figures, None, [])
        by_tables = recognised_by_tables({**figures, **as_text})
        if by_tables is None:
            return None, [
                Diagnostic(
                    code="annual_report.not_recognised",
                    severity="info",
                    message="not recognised as a 政府信息公开工作年度报告: no such title, fewer "
                    "than two of its standard sections, and no table of its forms",
                )
            ]
    if by_tables is not None and not sections:
        diagnostics.append(
            Diagnostic(
                code="annual_report.recognised_from_tables",
                severity="info",
                message=f"no title or section headings: recognised as a report by its {by_tables} "
                "table, which matches a form's rows and columns",
            )
        )
    recognised = recognise(document, sections, diagnostics, figures, source_name)
    figures.update(linear_figures(document, figures, recognised.template, diagnostics))
    recognised.template = recognised.template or template_from_figures(figures)
    spans = {s.key: (s.block_start, s.block_end) for s in sections}
    figures.update(prose_figures(document, spans, recognised.template))
    if not rows and recognised.template == "2008":
        rows = flat_indicators(document, recognised.year, diagnostics, figures)
    from_indicators, keyed = keyed_figures(rows, diagnostics)
    for key, fig in from_indicators.items():
        figures.setdefault(key, fig)
    prose_against_table(figures, [n.indicator for n in rows], diagnostics)
    diagnostics += _missing_tables(document, sections, tables, figures, recognised.template)

    checks, failed = run_checks(figures, rows, recognised.template, keyed=keyed)
    diagnostics += failed
    # Each figure's place, found once: the OCR confidences below are read from it.
    places = Places(document)
    _place(places, figures.values())
    diagnostics += scanned_figures(figures, checks)
    indicator_list = [n.indicator for n in rows]
    report = AnnualReport(
        template=recognised.template,
        organization=recognised.organization,
        year=recognised.year,
        published_on=recognised.published_on,
        sections=sections,
        figures=dict(sorted(figures.items())),
        indicators=indicator_list,
        checks=checks,
        panel=panel(recognised.template, figures, indicator_list),
    )
    _place(places, [*report.indicators, *report.panel.values()])
    return report, diagnostics


def _place(places: Places, items: Iterable[Figure | Indicator | PanelFigure]) -> None:
    """Each figure's, indicator's and panel figure's place in the input, resolved here, where
    the document is at hand, so that no reader of the report has to follow `origin` itself."""
    for item in items:
        item.place = places.place_of(item.origin)


def recognised_by_tables(figures: dict[str, Figure]) -> str | None:
    """The form table (`applications`, ...) whose figures the document prints at least half of."""
    for form in FORMS.forms:
        for table in form.tables:
            keys = table.figure_keys(optional=False)
            if keys and 2 * sum(1 for k in keys if k in figures) >= len(keys):
                return table.key
    return None


def _missing_tables(
    document: Document,
    sections: list[Section],
    tables: list[Logical],
    figures: dict[str, Figure],
    template: Template,
) -> list[Diagnostic]:
    """`table.missing` for a standard section 二/三/四 whose table is nowhere in the document."""
    if template not in FORMS.ids:
        return []
    # The 2008-era chapters carry prose, not these tables: that form has none.
    expected = {t.section: t.key for t in FORMS.form(template).tables}
    kinds = {t.kind for t in tables}
    # A table read back from the text (`linear`) is not missing either.
    kinds |= {t.key for t in FORMS.tables if any(k in figures for k in t.figure_keys())}
    return [
        Diagnostic(
            code="table.missing",
            severity="warning",
            message=f"section {section.heading.strip()!r} has no table: its figures are absent",
            origin=document.blocks[section.block_start].origin,
        )
        for section in sections
        if section.key in expected and expected[section.key] not in kinds
    ]
