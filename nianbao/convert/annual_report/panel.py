"""The report's panel: a few figures comparable across every era, computed as its form says.

Each form's `[[panel]]` tables (nianbao/forms) say where a panel figure comes from: the sum of
the form's own figures, a 统计表 indicator by its label, or a prose figure. A figure the report
does not state is absent, never 0; a sum with a blank or undetermined term is absent too.
"""

from __future__ import annotations

import re

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
        value=sum(_in_panel_unit(t.value, t.unit) for t in present if t.value is not None),
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
            value=_in_panel_unit(indicator.value, indicator.unit),
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
    return PanelFigure(
        value=_in_panel_unit(figure.value, figure.unit),
        source="text",
        keys=[source.text] if source.text is not None else [],
        origin=figure.origin,
        confidence=figure.confidence,
    )


def _in_panel_unit(value: float | int, unit: str | None) -> float | int:
    scaled = value * _SCALE.get(unit or "", 1)
    # 1.5万元 is 15000元: a whole number of 元 is written as one.
    return int(scaled) if isinstance(scaled, float) and scaled.is_integer() else scaled


def _compact(label: str) -> str:
    """The label as the forms write it: no spaces, no trailing colon, no bracketed note after
    it (主动公开政府信息数(不同渠道和方式公开相同信息计1条))."""
    return _NOTE.sub("", "".join(label.split())).rstrip("：:")


_NOTE = re.compile(r"[(（][^()（）]*[)）]$")
