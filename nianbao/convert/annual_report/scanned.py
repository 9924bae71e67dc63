"""Figures read by OCR: their confidence, and a diagnostic wherever a digit may be misread.

An OCR'd cell or paragraph carries the recogniser's lowest character probability in its origin
(`PageOrigin.confidence`). A figure read from it takes that confidence; below `UNSURE`, or where
ink was seen that nothing was read from, or where a check over it fails, a diagnostic names the
figure and its cell: a misread digit is never passed off as what the report prints.
"""

from __future__ import annotations

from nianbao.schemas.model import Check, Diagnostic, Figure, PageOrigin, TableCellOrigin

#: A figure whose least certain character the recogniser gave less than this is flagged.
UNSURE = 0.9
#: The confidence left to an OCR'd figure that a failed check involves.
CHECK_FAILED = 0.5


def scanned_figures(figures: dict[str, Figure], checks: list[Check]) -> list[Diagnostic]:
    """Set each OCR'd figure's confidence (its `place`, already found, says whether it was read
    by OCR and how surely); diagnostics for the unsure and the unread."""
    diagnostics: list[Diagnostic] = []
    read: dict[str, PageOrigin] = {}
    for key, fig in figures.items():
        origin = fig.place
        if not isinstance(origin, PageOrigin) or origin.confidence is None:
            continue
        read[key] = origin
        fig.confidence = min(fig.confidence, round(origin.confidence, 3))
        where = _where(fig, origin)
        if origin.confidence == 0.0:
            diagnostics.append(
                Diagnostic(
                    code="ocr.unread",
                    severity="warning",
                    message=f"{key}: the scanned cell at {where} shows ink but OCR read nothing "
                    "from it; the figure is left null, which here means unread, not blank",
                    origin=fig.origin,
                )
            )
        elif origin.confidence < UNSURE:
            diagnostics.append(
                Diagnostic(
                    code="ocr.unsure",
                    severity="warning",
                    message=f"{key} = {fig.raw!r} was read by OCR at {where} with confidence "
                    f"{origin.confidence:.2f}: a character may be misread",
                    origin=fig.origin,
                )
            )
    for check in checks:
        involved = [k for k in check.keys if k in read]
        if check.status != "fail" or not involved:
            continue
        for key in involved:
            figures[key].confidence = min(figures[key].confidence, CHECK_FAILED)
        cells = "; ".join(
            f"{k} = {figures[k].raw!r} at {_where(figures[k], read[k])}" for k in involved
        )
        diagnostics.append(
            Diagnostic(
                code="ocr.check_failed",
                severity="warning",
                message=f"{check.rule} fails over figures read by OCR, so a misread digit may be "
                f"why (or the report's own arithmetic): {cells}",
                origin=figures[involved[0]].origin,
            )
        )
    return diagnostics


def _where(fig: Figure, origin: PageOrigin) -> str:
    place = f"page {origin.page}"
    if origin.bbox is not None:
        place += f" ({', '.join(f'{v:g}' for v in origin.bbox)})"
    if isinstance(fig.origin, TableCellOrigin):
        o = fig.origin
        place = f"table {o.table} row {o.row} col {o.col}, {place}"
    return place
