"""Tables cut by a page break, as a browser prints them.

A browser prints a long table by cutting it where the page ends: the column rules run down to
the foot of the page's printable area and stop, with no rule across them (a row cut in two, or
a cell spanning rows, such as the vertical 三、本年度办理结果, left open), and the next page's
part starts with column rules and no rule across its top, even where the break fell between two
rows (with collapsed borders a row's top rule is the row above's, printed on the page before).
A table finder makes cells only where four rules meet, so the open cells at both sides of the
break fell out of the table: a header row cut in two, the label of a row cut at the foot, the
whole part of a table left at a page's foot.

`page_cuts` finds such an open end, at the lowest (or highest) reach of a page's column rules,
where three or more of them stop level and rules across cover only part of the width (but not
where text stands in columns whose rules stop short: a row Word left without its column rules,
which `_pdf_ruling` reports). Its `line` closes it for the table finder, and `open_cells` flags
the cells it closed, so that joining the parts across the page break (`_pdf_tables.join`) knows
which cells run on: a cut row is one row again, and a cell open at the foot of one page
continues in the cell under it at the head of the next.

A page's sides cut a table too: a browser prints a table wider than the paper as far as the
page goes and no further. A cell that reaches past the side is drawn (its glyphs past the side
are not, or only in part); one wholly past it is not in the PDF at all. `Sides.clip` finds such
a table, by its cells or its rules across running past the side, and keeps only its columns
within the page: a cell the side cut through may show "12" of "125", so its text is no reading
of the cell, and the columns beyond are simply not there (`cut_at_side`, which says so). A
table that reaches past the side by no more than a rule's width lost only its outer rule
(Chromium leaves out what lies wholly off the page): `side_rules` draws it again at the rules
across's end, so its last column is a column, not text beside the table.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from nianbao.adapters._pdf_tables import BBox, Side, boundaries
from nianbao.adapters._pdf_text import Char, Edges, cell_text, join_pieces, line_groups
from nianbao.schemas.model import Diagnostic, PageOrigin

if TYPE_CHECKING:
    from nianbao.adapters._pdf_tables import RawCell, RawTable

End = Literal["bottom", "top"]

_LEVEL = 1.5  # rules stopping this close stop level (a browser clips them all at one line)
_SNAP = 3.0  # a rule across this close to the cut closes the cells above it (the finder's snap)
_MIN_RULE = 3.0  # shorter vertical edges are a rule's own end, not a column rule
_MIN_OPEN = 3.0  # an opening narrower than this is the width of a rule, not a cell
_MIN_COLUMNS = 3  # rules for two columns at least: fewer are a frame, a bar, a box
_NAMED_SHOWN = 20  # characters of a cut table's first cell quoted to name it
_SIZE = 0.2  # text hanging below a cut is set in the table's size, give or take this share
_BEYOND = 3.0  # past a page's side by more than a rule's width: the table runs off the page


@dataclass(frozen=True)
class Cut:
    """A page break across a table: its column rules stop at `y` between `x0` and `x1`, and
    the `open` spans of that width have no rule across them there."""

    end: End
    y: float
    x0: float
    x1: float
    open: tuple[tuple[float, float], ...]

    def line(self) -> dict[str, Any]:
        """The rule that closes the cut, as a pdfplumber line object."""
        return {
            "object_type": "line",
            "x0": self.x0,
            "x1": self.x1,
            "top": self.y,
            "bottom": self.y,
            "width": self.x1 - self.x0,
            "height": 0.0,
        }

    def opens(self, box: BBox) -> bool:
        """Whether the cell at `box` has this cut as its side, with no rule of its own there."""
        side = box[3] if self.end == "bottom" else box[1]
        middle = (box[0] + box[2]) / 2
        return abs(side - self.y) <= _SNAP and any(a <= middle <= b for a, b in self.open)


@dataclass(frozen=True)
class Sides:
    """A page's left and right sides, and the rules across (top, x0, x1) that run past them."""

    left: float
    right: float
    overhangs: tuple[tuple[float, float, float], ...]
    #: The page's own visible sides (its CropBox), where they differ from `left` and `right`
    #: (a drawing clipped at a print's margin): what a line of text meets, as the print's own
    #: header and footer stand in the margin outside the drawing's clip
    page: tuple[float, float] | None = None

    @classmethod
    def of(
        cls,
        edges: Sequence[dict[str, Any]],
        visible: tuple[float, float],
        area: tuple[float, float] | None = None,
    ) -> Sides:
        """The sides of a page whose visible part runs from `visible[0]` to `visible[1]`, or of
        the `area` within it that its drawing is clipped to."""
        left, right = visible
        if area:
            left, right = max(left, area[0]), min(right, area[1])
        return cls(
            left,
            right,
            tuple(
                (float(e["top"]), float(e["x0"]), float(e["x1"]))
                for e in edges
                if e.get("orientation") == "h"
                and (float(e["x1"]) > right + _BEYOND or float(e["x0"]) < left - _BEYOND)
            ),
            visible if (left, right) != visible else None,
        )

    @property
    def edges(self) -> Edges:
        """The sides as the text's lines meet them: the page's, not a drawing's clip."""
        return Edges(*self.page) if self.page is not None else Edges(self.left, self.right)

    def clip(self, table: RawTable) -> tuple[Side, ...]:
        """The sides (`left`, `right`) that cut `table`, whose columns are then only those
        within the page: the cells that reach past a side are left out."""
        xs, top, bottom = table.xs, table.bbox[1] - _SNAP, table.bbox[3] + _SNAP
        across = [(x0, x1) for y, x0, x1 in self.overhangs if top <= y <= bottom]
        # a rule across from the table's outer boundary on past the side: the next column's
        # (a browser draws each cell's rules apart), whose other side the page cut away
        left = xs[0] < self.left - _BEYOND or any(
            x0 < xs[0] - _BEYOND and x1 > xs[0] - _BEYOND for x0, x1 in across
        )
        right = xs[-1] > self.right + _BEYOND or any(
            x1 > xs[-1] + _BEYOND and x0 < xs[-1] + _BEYOND for x0, x1 in across
        )
        cut: tuple[Side, ...] = (*(("left",) if left else ()), *(("right",) if right else ()))
        if cut:
            _keep_columns(table, self.left - _BEYOND, self.right + _BEYOND)
            table.cut_off.update(cut)
        return cut


def side_rules(edges: Sequence[dict[str, Any]], sides: Sides) -> list[dict[str, Any]]:
    """The outer column rules a page's side took away, as pdfplumber vertical edges: where rules
    across end past a side of `sides` (left or right) by no more than `_BEYOND` (a print's
    drawing clipped at its margin loses the rule past it alike), one rule down through
    their ends, as far as the column rule nearest it runs (a table the page's foot or head cut
    open runs on past its last rule across)."""
    ends: dict[Side, list[dict[str, Any]]] = {"left": [], "right": []}
    for e in edges:
        if e.get("orientation") == "h":
            if sides.right < float(e["x1"]) <= sides.right + _BEYOND:
                ends["right"].append(e)
            if sides.left - _BEYOND <= float(e["x0"]) < sides.left:
                ends["left"].append(e)
    out = []
    for side, found in ends.items():
        if len(found) < 2:
            continue
        right = side == "right"
        x = max(float(e["x1"]) for e in found) if right else min(float(e["x0"]) for e in found)
        top, bottom = min(float(e["top"]) for e in found), max(float(e["top"]) for e in found)
        inner = max(float(e["x0"]) for e in found) if right else min(float(e["x1"]) for e in found)
        columns = [
            v
            for v in edges
            if v.get("orientation") == "v"
            and float(v["bottom"]) - float(v["top"]) >= _MIN_RULE
            and (inner <= float(v["x0"]) < x if right else x < float(v["x0"]) <= inner)
            and float(v["top"]) <= bottom + _SNAP
            and float(v["bottom"]) >= top - _SNAP
        ]
        if any(abs(float(v["x0"]) - x) <= _BEYOND for v in columns):
            continue  # the rule is there, straddling the side
        if columns:
            near = (max if right else min)(float(v["x0"]) for v in columns)
            beside = [v for v in columns if abs(float(v["x0"]) - near) <= _LEVEL]
            top = min(top, *(float(v["top"]) for v in beside))
            bottom = max(bottom, *(float(v["bottom"]) for v in beside))
        if bottom - top >= _MIN_RULE:
            out.append(_vertical(x, top, bottom))
    return out


def _vertical(x: float, top: float, bottom: float) -> dict[str, Any]:
    return {
        "object_type": "line",
        "orientation": "v",
        "x0": x,
        "x1": x,
        "top": top,
        "bottom": bottom,
        "width": 0.0,
        "height": bottom - top,
    }


def _keep_columns(table: RawTable, left: float, right: float) -> None:
    """Keep the columns of `table` between `left` and `right`, and the cells wholly in them."""
    first = next((i for i, x in enumerate(table.xs) if x >= left), len(table.xs))
    last = max((i for i, x in enumerate(table.xs) if x <= right), default=-1)
    table.cells = [c for c in table.cells if c.col >= first and c.col + c.col_span <= last]
    for cell in table.cells:
        cell.col -= first
    table.xs = table.xs[first : last + 1]
    if table.xs:
        x0, x1 = round(table.xs[0], 1), round(table.xs[-1], 1)
        table.bbox = (x0, table.bbox[1], x1, table.bbox[3])


def page_cuts(edges: Sequence[dict[str, Any]], chars: Sequence[Char]) -> list[Cut]:
    """The cuts at the foot and the head of a page whose edges (pdfplumber's) are `edges` and
    whose characters are `chars`."""
    verticals = [
        e
        for e in edges
        if e.get("orientation") == "v" and float(e["bottom"]) - float(e["top"]) >= _MIN_RULE
    ]
    if not verticals:
        return []
    across = [e for e in edges if e.get("orientation") == "h"]
    cuts = []
    for end in ("bottom", "top"):
        key = "bottom" if end == "bottom" else "top"
        ends = [float(e[key]) for e in verticals]
        y = max(ends) if end == "bottom" else min(ends)
        level = [e for e in verticals if abs(float(e[key]) - y) <= _LEVEL]
        xs = boundaries([float(e["x0"]) for e in level])
        if len(xs) < _MIN_COLUMNS:
            continue
        x0, x1 = xs[0], xs[-1]
        covered = [
            (max(float(e["x0"]), x0), min(float(e["x1"]), x1))
            for e in across
            if abs(float(e["top"]) - y) <= _SNAP
        ]
        opening = _uncovered(x0, x1, covered)
        if opening and not any(
            _columns_stop(span, y, end, verticals, across, chars) for span in opening
        ):
            cuts.append(Cut(end, y, x0, x1, opening))
    return cuts


def _columns_stop(  # noqa: PLR0917
    span: tuple[float, float],
    y: float,
    end: End,
    verticals: Sequence[dict[str, Any]],
    across: Sequence[dict[str, Any]],
    chars: Sequence[Char],
) -> bool:
    """Whether the band between the cut and the last rule across `span` before it holds text
    set in the columns of the rows beyond, whose rules stop at that rule: a row Word left
    without its column rules, for `_pdf_ruling` to report, not one cell. A cell spanning those
    columns (a label) has its text run across their boundaries, or on one side of them."""
    a, b = span
    middle = (a + b) / 2
    beyond = [
        float(h["top"])
        for h in across
        if float(h["x0"]) <= middle <= float(h["x1"])
        and (float(h["top"]) < y - _SNAP if end == "bottom" else float(h["top"]) > y + _SNAP)
    ]
    if not beyond:
        return False
    last = max(beyond) if end == "bottom" else min(beyond)
    key = "bottom" if end == "bottom" else "top"
    inner = [
        float(v["x0"])
        for v in verticals
        if a + _SNAP < float(v["x0"]) < b - _SNAP and abs(float(v[key]) - last) <= _SNAP
    ]
    low, high = min(last, y), max(last, y)
    band = [
        c
        for c in chars
        if low <= (float(c["top"]) + float(c["bottom"])) / 2 <= high
        and a <= (float(c["x0"]) + float(c["x1"])) / 2 <= b
    ]
    return any(
        not any(float(c["x0"]) < x < float(c["x1"]) for c in band)
        and any(float(c["x1"]) <= x for c in band)
        and any(float(c["x0"]) >= x for c in band)
        for x in inner
    )


def _uncovered(
    x0: float, x1: float, covered: list[tuple[float, float]]
) -> tuple[tuple[float, float], ...]:
    """The spans of x0..x1 that no interval of `covered` reaches, the narrow ones left out."""
    out = []
    at = x0
    for a, b in sorted(c for c in covered if c[1] > c[0]):
        if a > at:
            out.append((at, a))
        at = max(at, b)
    if x1 > at:
        out.append((at, x1))
    return tuple((a, b) for a, b in out if b - a >= _MIN_OPEN)


def open_cells(table: RawTable, cuts: Sequence[Cut], chars: Sequence[Char]) -> None:
    """The cells of `table` the page's `cuts` left open, flagged, with their text."""
    _mark(table, cuts)
    _take_overflow(table, cuts, chars)


def _take_overflow(table: RawTable, cuts: Sequence[Cut], chars: Sequence[Char]) -> None:
    """Give the cells the foot's cut left open the lines of text that hang below the cut under
    them: the browser clips a cell's rules at the page's foot but may set the last lines of its
    text below them (a label spanning rows, cut). A line hangs from the cells when it starts
    within a line's height of the cut (or of the line above it), lies under them alone and is
    set in the table's size of type; the page's footer (a URL, a page number) is not. The
    cells' boxes stay where their rules are."""
    own = [float(c["size"]) for c in chars if id(c) in table.consumed]
    if not own:
        return
    size = statistics.median(own)
    for cut in cuts:
        cells = [c for c in table.cells if c.open_below and abs(c.bbox[3] - cut.y) <= _SNAP]
        if cut.end != "bottom" or not cells:
            continue
        under = [
            c for c in chars if id(c) not in table.consumed and float(c["top"]) >= cut.y - _SNAP
        ]
        hanging: dict[int, list[Char]] = {}
        bottom = cut.y
        for line in line_groups(under):
            top, low = min(float(c["top"]) for c in line), max(float(c["bottom"]) for c in line)
            owners = [_owner(cells, c) for c in line]
            if top - bottom > low - top or None in owners:
                break
            if abs(statistics.median(float(c["size"]) for c in line) - size) > _SIZE * size:
                break
            for cell, char in zip(owners, line, strict=True):
                hanging.setdefault(id(cell), []).append(char)
            bottom = low
        for cell in cells:
            if id(cell) in hanging:
                cell.text = join_pieces([cell.text, cell_text(hanging[id(cell)])])
                table.consumed.update(id(c) for c in hanging[id(cell)])


def _owner(cells: Sequence[RawCell], char: Char) -> RawCell | None:
    """The cell under whose width the character's centre stands."""
    middle = (float(char["x0"]) + float(char["x1"])) / 2
    return next((c for c in cells if c.bbox[0] <= middle <= c.bbox[2]), None)


def _mark(table: RawTable, cuts: Sequence[Cut]) -> None:
    """Flag the cells of `table` that a cut left open. At the foot such a cell runs on to the
    next page; at the head it may carry on from the page before, or start a row there (the
    browser draws no rule over a page's first row either way): which, the foot of the page
    before says."""
    for cut in cuts:
        for cell in table.cells:
            if cut.opens(cell.bbox):
                if cut.end == "bottom":
                    cell.open_below = True
                else:
                    cell.open_above = True


def cut_at_side(table: RawTable, sides: Sides, chars: list[Char]) -> Diagnostic | None:
    """Keep `table` to its columns within the page (`Sides.clip`) and say so, when the page's
    side cut it: the figures of the columns the print left out are absent, not guessed. The
    text beside its kept columns, within its rows, is the cut columns' (cells whose outer rule
    the side took, left to no cell): the table takes it, not to be read as prose."""
    before = table.bbox
    named = next((c.text for c in sorted(table.cells, key=lambda c: (c.row, c.col)) if c.text), "")
    cut = sides.clip(table)
    if not cut:
        return None
    if table.xs:
        _take_beside(table, before, cut, chars)
    named = named if len(named) <= _NAMED_SHOWN else named[:_NAMED_SHOWN] + "…"
    edges = " and ".join(cut)
    return Diagnostic(
        code="pdf.table_cut_at_page_edge",
        severity="warning",
        message=f"the table on page {table.pages[0]} at {', '.join(f'{v:g}' for v in before)} "
        f"(first cell {named!r}) runs past the page's {edges} edge: the print left out what "
        "lies beyond it, so only its columns within the page are read, and the figures of the "
        "others are absent",
        origin=PageOrigin(page=table.pages[0], bbox=before),
    )


def _take_beside(table: RawTable, before: BBox, cut: tuple[str, ...], chars: list[Char]) -> None:
    """The lines within `table`'s rows (its box `before` the cut) that no cell took and that
    stand wholly past its kept columns on the `cut` side: the cut columns' text, its cells'
    outer rules off the page. A line that starts within the table (a frame's prose) is not."""
    left, right = table.xs[0], table.xs[-1]
    loose = [
        c
        for c in chars
        if id(c) not in table.consumed and before[1] <= (c["top"] + c["bottom"]) / 2 <= before[3]
    ]
    for line in line_groups(loose):
        middles = [(c["x0"] + c["x1"]) / 2 for c in line]
        if ("right" in cut and min(middles) > right) or ("left" in cut and max(middles) < left):
            table.consumed.update(id(c) for c in line)
