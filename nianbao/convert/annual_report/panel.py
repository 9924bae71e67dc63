"""The report's panel: a few figures comparable across every era, computed as its form says.

Each form's `[[panel]]` tables (nianbao/forms) say where a panel figure comes from: the sum of
the form's own figures, a 统计表 indicator by its label, or a prose figure. A figure the report
does not state is absent, never 0; a sum with a blank or undetermined term is absent too.
"""

from __future__ import annotations

from nianbao.forms import FORMS
from nianbao.forms.spec import PanelSource
from nianbao.schemas.model import Figure, Indicator, PanelFigure
from nianbao.text.numbering import after_numbering

__all__ = ["panel"]

# A prose figure's unit that is not the panel's: fees are in 元.
_SCALE = {"万元": 10_000}


def panel(
    template: str | None, figures: dict[str, Figure], indicators: list[Indicator]
) -> dict[str, PanelFigure]:
    """The panel of a report of form `template` with these figures and indicators."""
    if template not in FORMS.ids:
        return {}
    found: dict[str, PanelFigure] = {}
    for source in FORMS.form(template).panel:
        value = (
            _summed(source, figures) or _indicator(source, indicators) or _prose(source, figures)
        )
        if value is not None:
            found[source.key] = value
    return found


def _summed(source: PanelSource, figures: dict[str, Figure]) -> PanelFigure | None:
    terms = [figures.get(key) for key in source.figures]
    if not terms or any(t is None or t.value is None for t in terms):
        return None
    present = [t for t in terms if t is not None]
    return PanelFigure(
        value=sum(t.value for t in present if t.value is not None),
        source="figures",
        keys=list(source.figures),
        origin=present[0].origin,
        confidence=min(t.confidence for t in present),
    )


def _indicator(source: PanelSource, indicators: list[Indicator]) -> PanelFigure | None:
    wanted = {_compact(label) for label in source.indicators}
    for index, indicator in enumerate(indicators):
        if _compact(after_numbering(indicator.label)) not in wanted:
            continue
        if indicator.value is None:  # printed blank: the next row of the same label may say
            continue
        return PanelFigure(
            value=indicator.value,
            source="indicator",
            keys=[f"indicators[{index}]"],
            origin=indicator.origin,
            confidence=1.0,
        )
    return None


def _prose(source: PanelSource, figures: dict[str, Figure]) -> PanelFigure | None:
    figure = figures.get(source.text) if source.text is not None else None
    if figure is None or figure.value is None:
        return None
    value = figure.value * _SCALE.get(figure.unit or "", 1)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return PanelFigure(
        value=value,
        source="text",
        keys=[source.text] if source.text is not None else [],
        origin=figure.origin,
        confidence=figure.confidence,
    )


def _compact(label: str) -> str:
    return "".join(label.split()).rstrip("：:")
