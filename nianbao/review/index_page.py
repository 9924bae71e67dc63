"""The index of a site: a row per report (sortable and filterable in the page), then, per body,
a small inline-SVG chart of each panel figure across the years of its reports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from html import escape
from urllib.parse import quote

from nianbao.forms import FORMS
from nianbao.review.report_page import Entry, number_text
from nianbao.review.templates import template

#: One small chart per panel key, side by side in a body's figure.
CHART_WIDTH, CHART_HEIGHT, MARGIN = 150, 60, 14


def index_page(reviewed: Sequence[tuple[str, Entry]], failures: Sequence[str]) -> str:
    """The index of `reviewed` (each a report page's link and its entry); `failures` are the
    inputs that could not be reviewed, each a line saying why."""
    rows = "".join(_row(link, entry) for link, entry in reviewed)
    partial = sum(1 for _, e in reviewed if e.partial)
    failed = sum(1 for _, e in reviewed if e.checks_failed)
    unsure = sum(1 for _, e in reviewed if e.undetermined)
    summary = (
        f"{partial} partial, {failed} with failed checks, {unsure} with figures undetermined"
        + (f", {len(failures)} could not be reviewed" if failures else "")
    )
    failed_list = (
        '<section class="failures"><h2>Not reviewed</h2><ul>'
        + "".join(f"<li>{escape(line)}</li>" for line in failures)
        + "</ul></section>"
        if failures
        else ""
    )
    return template("index.html").substitute(
        count=len(reviewed),
        summary=escape(summary),
        rows=rows,
        failures=failed_list,
        charts=charts([entry for _, entry in reviewed]),
    )


def _row(link: str, entry: Entry) -> str:
    data = {
        "report": link,
        "title": entry.title,
        "body": entry.body or "",
        "year": "" if entry.year is None else str(entry.year),
        "form": entry.form or "",
        "figures": str(entry.figures_read),
        "failed": str(entry.checks_failed),
        "undetermined": str(entry.undetermined),
        "partial": "yes" if entry.partial else "no",
    }
    attributes = " ".join(f'data-{k}="{escape(v)}"' for k, v in data.items())
    cells = [
        f'<td><a href="{escape(quote(link))}">{escape(entry.title)}</a>'
        f"<br><small>{escape(entry.source)}</small></td>",
        f"<td>{escape(entry.body or '')}</td>",
        f'<td class="n">{data["year"]}</td>',
        f"<td>{escape(entry.form or '')}</td>",
        f'<td class="n">{entry.figures_read}</td>',
        f'<td class="n failed">{entry.checks_failed}</td>',
        f'<td class="n undetermined">{entry.undetermined}</td>',
        f'<td class="partial">{escape(entry.partial)}</td>',
    ]
    return f"<tr {attributes}>{''.join(cells)}</tr>"


def charts(entries: Sequence[Entry]) -> str:
    """Per body (in name order), its panel figures across years: a small line per panel key,
    each on its own scale, its first and last values written at the ends."""
    series: dict[str, dict[str, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    for entry in entries:
        if entry.body is None or entry.year is None:
            continue
        for key, value in entry.panel:
            series[entry.body][key].setdefault(entry.year, value)
    order = {key: i for i, key in enumerate(FORMS.panel_keys)}
    figures = []
    for body in sorted(series):
        keys = sorted(series[body], key=lambda k: order.get(k, len(order)))
        years = sorted({y for k in keys for y in series[body][k]})
        drawn = "".join(
            _spark(i, key, series[body][key], years[0], years[-1]) for i, key in enumerate(keys)
        )
        width = CHART_WIDTH * max(1, len(keys))
        figures.append(
            f'<figure class="chart" data-body="{escape(body)}"><figcaption>{escape(body)} '
            f"<small>{years[0]}-{years[-1]}</small></figcaption>"
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
            f'height="{CHART_HEIGHT + 2 * MARGIN}" role="img">{drawn}</svg></figure>'
        )
    return "".join(figures) or "<p>No body has panel figures.</p>"


def _spark(slot: int, key: str, values: dict[int, float], first: int, last: int) -> str:
    left = slot * CHART_WIDTH + MARGIN
    width = CHART_WIDTH - 2 * MARGIN
    low, high = min(values.values()), max(values.values())
    span_years = max(1, last - first)

    def point(year: int, value: float) -> tuple[float, float]:
        x = left + width * (year - first) / span_years
        y = MARGIN + CHART_HEIGHT * (1 - ((value - low) / (high - low) if high > low else 0.5))
        return x, y

    scale = number_text(low) if low == high else f"{number_text(low)} to {number_text(high)}"
    points = [point(year, value) for year, value in sorted(values.items())]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2"><title>{year}: {number_text(value)}</title>'
        "</circle>"
        for (x, y), (year, value) in zip(points, sorted(values.items()), strict=True)
    )
    return (
        f'<g data-panel="{escape(key)}"><text x="{left}" y="{MARGIN - 3}">{escape(key)}</text>'
        f'<text x="{left}" y="{MARGIN + CHART_HEIGHT + 11}">{escape(scale)}</text>'
        f'<polyline points="{line}"/>{dots}</g>'
    )
