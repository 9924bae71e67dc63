"""A report's page: its form's tables with each figure in its cell, the figure's source a click
away, then the panel, the prose figures, the 2008-era indicators, the checks and diagnostics.

Each figure's cell carries `data-key` (the figure key) and `data-state`:

- `ok`: read (or printed blank), and every check it is in passes;
- `failed`: part of a check that fails as printed (the check's equation and sums are shown);
- `unsure`: undetermined (several readings fit: its candidates are shown) or read by OCR with
  a confidence below 1;
- `missing`: the form prints it and the report does not give it.

Its source is the element `data-source-of="<key>"`, hidden until the figure is clicked
(`templates/review.js`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from nianbao.collection.partial import missing_figures, of_report
from nianbao.forms import FORMS
from nianbao.forms.spec import Form
from nianbao.review.form_tables import Slot, lay_out
from nianbao.review.pages import PageImage
from nianbao.review.places import place_of
from nianbao.review.sources import SourceViews
from nianbao.review.templates import template
from nianbao.schemas.model import AnnualReport, Check, Figure, Indicator, PageOrigin, Report
from nianbao.schemas.places import Places

#: What each state is called where the page says it in words.
STATE_WORDS = {
    "ok": "read, checks pass",
    "failed": "in a failed check",
    "unsure": "unsure",
    "missing": "not given by the report",
}


@dataclass(frozen=True)
class Entry:
    """What the index shows of a report."""

    title: str
    source: str
    body: str | None
    year: int | None
    form: str | None
    figures_read: int
    checks_failed: int
    undetermined: int
    partial: str
    panel: tuple[tuple[str, float], ...]


def pages_holding_figures(report: Report) -> set[int]:
    """The pages a figure, a prose figure or an indicator was read on: the ones to render."""
    annual = report.annual_report
    if annual is None:
        return set()
    places = Places(report.document)
    found: Iterable[Figure | Indicator] = [*annual.figures.values(), *annual.indicators]
    return {place.page for item in found if isinstance(place := place_of(places, item), PageOrigin)}


def entry_of(report: Report) -> Entry:
    annual = report.annual_report
    state = of_report(report)
    figures = annual.figures.values() if annual is not None else ()
    return Entry(
        title=report.document.title or report.source.name,
        source=report.source.name,
        body=annual.organization if annual else None,
        year=annual.year if annual else None,
        form=annual.template if annual else None,
        figures_read=sum(1 for f in figures if f.value is not None),
        checks_failed=sum(1 for c in (annual.checks if annual else ()) if c.status == "fail"),
        undetermined=state.undetermined,
        partial=state.text(),
        panel=tuple((k, float(p.value)) for k, p in (annual.panel.items() if annual else ())),
    )


def report_page(
    report: Report,
    images: dict[int, PageImage],
    *,
    up: str,
    notes: Iterable[str] = (),
    lines: list[str] | None = None,
) -> str:
    """The page's HTML. `images`: the rendered pages, by number (none: the source is not at
    hand, or is no PDF); `up`: the relative way to the site's root (its index and assets);
    `notes`: what to say about the source (not found, not the same bytes); `lines`: a text
    input's lines, when it is at hand."""
    page = _Page(report, images, lines)
    entry = entry_of(report)
    state = of_report(report)
    facts = [
        ("body", entry.body or "unknown"),
        ("year", str(entry.year or "unknown")),
        ("form", entry.form or "none"),
        ("source", f"{report.source.name} ({report.source.format})"),
        ("state", state.status + (f": {state.text()}" if state.reasons else "")),
    ]
    if state.undetermined:
        facts.append(("undetermined", state.unsure_text()))
    # In this order: the form's tables first (what they lay out is not listed again in prose),
    # the figures' sources and the tables they copy last (every part above adds to them).
    parts = {
        "tables": page.tables(),
        "panel": page.panel(),
        "prose": page.prose(),
        "indicators": page.indicators(),
        "checks": page.checks(),
        "diagnostics": page.diagnostics(),
    }
    return template("report.html").substitute(
        parts,
        title=escape(entry.title),
        assets=f"{up}/assets",
        index=f"{up}/index.html",
        facts="".join(f"<dt>{k}</dt><dd>{escape(v)}</dd>" for k, v in facts),
        notes="".join(f'<p class="note">{escape(n)}</p>' for n in notes),
        legend="".join(
            f'<span class="chip" data-state="{s}">{escape(w)}</span>'
            for s, w in STATE_WORDS.items()
        ),
        sources=page.source_elements(),
        templates=page.views.templates(),
    )


class _Page:
    def __init__(
        self, report: Report, images: dict[int, PageImage], lines: list[str] | None
    ) -> None:
        self.report = report
        self.annual: AnnualReport | None = report.annual_report
        self.places = Places(report.document)
        self.views = SourceViews(report.document, images, lines)
        self.failed: dict[str, list[Check]] = defaultdict(list)
        for check in self.annual.checks if self.annual else ():
            if check.status == "fail":
                for key in check.keys:
                    self.failed[key].append(check)
        self.form = _form_of(self.annual)
        self.laid_out: set[str] = set()
        self.sources: list[str] = []

    # --- the form's tables ----------------------------------------------------------------

    def tables(self) -> str:
        if self.annual is None:
            return '<p class="note">Not recognised as an annual report: no figures.</p>'
        if self.form is None or not self.form.tables:
            return ""
        present = self.annual.figures.keys()
        missing = set(missing_figures(self.form, present))
        parts = []
        for table in self.form.tables:
            heading = next((s.heading for s in self.form.sections if s.key == table.section), "")
            rows = "".join(
                "<tr>" + "".join(self._slot(s) for s in row) + "</tr>"
                for row in lay_out(table, present, missing)
                if row
            )
            parts.append(
                f'<section class="form-table" data-table="{table.key}"><h2>'
                f'{escape(heading or table.key)}</h2><table class="form">{rows}</table></section>'
            )
        return "".join(parts)

    def _slot(self, slot: Slot) -> str:
        spans = (f' rowspan="{slot.rows}"' if slot.rows > 1 else "") + (
            f' colspan="{slot.cols}"' if slot.cols > 1 else ""
        )
        if slot.key is None:
            tag = "th" if slot.header else "td"
            return f"<{tag}{spans}>{escape(slot.text)}</{tag}>"
        self.laid_out.add(slot.key)
        return self._figure_cell("td", slot.key, spans)

    def _figure_cell(self, tag: str, key: str, extra: str = "") -> str:
        assert self.annual is not None
        figure = self.annual.figures.get(key)
        state = _state(figure, self.failed.get(key, ()))
        shown = _shown(figure)
        self._source(key, figure, state)
        return (
            f'<{tag} class="fig" data-key="{escape(key)}" data-state="{state}" tabindex="0" '
            f'title="{escape(key)}: {STATE_WORDS[state]}"{extra}>{escape(shown)}</{tag}>'
        )

    # --- each figure's source ---------------------------------------------------------------

    def _source(
        self, key: str, item: Figure | Indicator | None, state: str, heading: str | None = None
    ) -> None:
        if heading is None:
            described = FORMS.describe(key, self.form.id if self.form else None)
            heading = " / ".join(p for p in described if p) if described else key
        lines = [f"<h3>{escape(heading)}</h3>", f'<p class="key">{escape(key)}</p>']
        if item is None:
            lines.append(f'<p class="state" data-state="missing">{STATE_WORDS["missing"]}</p>')
        else:
            if item.value is not None:
                value = escape(_shown(item))
            elif isinstance(item, Figure) and item.confidence < 1:
                value = "undetermined, no value: several readings fit what is printed"
            else:
                value = "printed blank"
            printed = f" (printed “{escape(item.raw)}”)" if item.raw else ""
            lines.append(
                f'<p class="state" data-state="{state}">{STATE_WORDS[state]}: {value}{printed}</p>'
            )
            if isinstance(item, Figure):
                lines += _unsure_lines(item)
            for check in self.failed.get(key, ()):
                lines.append(
                    f'<p class="check-failed">{escape(check.rule)}: {escape(check.message)}</p>'
                )
            lines.append(self.views.view(item.origin, place_of(self.places, item)))
        self.sources.append(
            f'<div class="source" data-source-of="{escape(key)}" hidden>{"".join(lines)}</div>'
        )

    def source_elements(self) -> str:
        return "".join(self.sources)

    # --- below the tables ---------------------------------------------------------------------

    def panel(self) -> str:
        if not self.annual or not self.annual.panel:
            return ""
        rows = "".join(
            f"<tr><th>{escape(key)}</th><td>{escape(number_text(p.value))}</td>"
            f"<td>{escape(p.source)}</td><td>"
            + " ".join(
                f'<button type="button" data-show="{escape(k)}">{escape(k)}</button>'
                for k in p.keys
            )
            + "</td></tr>"
            for key, p in self.annual.panel.items()
        )
        return _section("Panel", f'<table class="list">{rows}</table>', "panel")

    def prose(self) -> str:
        if self.annual is None:
            return ""
        keys = [k for k in self.annual.figures if k not in self.laid_out]
        if not keys:
            return ""
        rows = "".join(
            f"<tr><th>{escape(self._label(k))}</th>{self._figure_cell('td', k)}</tr>" for k in keys
        )
        return _section("Figures stated in prose", f'<table class="list">{rows}</table>', "prose")

    def _label(self, key: str) -> str:
        described = FORMS.describe(key, self.form.id if self.form else None)
        return " / ".join(p for p in described[1:] if p) if described else key

    def indicators(self) -> str:
        if not self.annual or not self.annual.indicators:
            return ""
        rows = []
        for i, indicator in enumerate(self.annual.indicators):
            key = f"indicators[{i}]"
            state = "failed" if key in self.failed else "ok"
            label = " / ".join([*indicator.path, indicator.label])
            self._source(key, indicator, state, heading=label)
            unit = f" {indicator.unit}" if indicator.unit else ""
            rows.append(
                f'<tr><th>{escape(label)}</th><td class="fig" data-key="{key}" '
                f'data-state="{state}" tabindex="0">{escape(_shown(indicator))}{escape(unit)}'
                "</td></tr>"
            )
        return _section("统计表 indicators", f'<table class="list">{"".join(rows)}</table>', "ind")

    def checks(self) -> str:
        if not self.annual or not self.annual.checks:
            return ""
        order = {"fail": 0, "skipped": 1, "pass": 2}
        rows = "".join(
            f'<tr data-status="{c.status}"><td>{c.status}</td><th>{escape(c.rule)}</th>'
            f"<td>{escape(c.message)}</td><td>"
            + " ".join(
                f'<button type="button" data-show="{escape(k)}">{escape(k)}</button>'
                for k in c.keys
            )
            + "</td></tr>"
            for c in sorted(self.annual.checks, key=lambda c: order[c.status])
        )
        return _section("Checks", f'<table class="list checks">{rows}</table>', "checks")

    def diagnostics(self) -> str:
        if not self.report.diagnostics:
            return ""
        rows = "".join(
            f'<tr data-severity="{d.severity}"><td>{d.severity}</td><th>{escape(d.code)}</th>'
            f"<td>{escape(d.message)}</td></tr>"
            for d in self.report.diagnostics
        )
        return _section("Diagnostics", f'<table class="list">{rows}</table>', "diagnostics")


def _form_of(annual: AnnualReport | None) -> Form | None:
    """The report's form; for a report on no form it knows (a scanned page of tables without
    its title), the form that prints the most of its figures, so they stand in their cells."""
    if annual is None:
        return None
    own = next((f for f in FORMS.forms if f.id == annual.template), None)
    if own is not None or annual.template is not None:
        return own
    shared = [(len(set(f.figure_keys()) & annual.figures.keys()), f) for f in FORMS.forms]
    count, best = max(shared, key=lambda pair: pair[0], default=(0, None))
    return best if count else None


def _state(figure: Figure | None, failed: Iterable[Check]) -> str:
    if figure is None:
        return "missing"
    if figure.value is None and figure.confidence < 1:
        return "unsure"  # undetermined
    if any(True for _ in failed):
        return "failed"
    return "unsure" if figure.confidence < 1 else "ok"


def _unsure_lines(figure: Figure) -> list[str]:
    lines = []
    if figure.candidates:
        shown = ", ".join(number_text(c) for c in figure.candidates)
        lines.append(f'<p class="candidates">candidates: {escape(shown)}</p>')
    if figure.confidence < 1:
        lines.append(f'<p class="confidence">confidence {figure.confidence:.2f}</p>')
    return lines


def _shown(item: Figure | Indicator | None) -> str:
    if item is None:
        return ""
    if item.value is None:
        return "?" if isinstance(item, Figure) and item.confidence < 1 else ""
    return number_text(item.value)


def number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _section(title: str, body: str, anchor: str) -> str:
    return f'<section class="below" id="{anchor}"><h2>{escape(title)}</h2>{body}</section>'
