"""The page read in document order: paragraphs at block edges, tables with their spans, the
site's chrome (menus, headers, share bars, lists of links) dropped and said.

Sites lay pages out with tables. A table whose cells hold tables is layout: its cells are read as
page content and the tables inside them are the tables. Data tables keep `rowspan`/`colspan`
(clamped: see `_MAX_COLSPAN`), and a `<br>` in a cell is a newline in the cell's text. Origins
are paths such as `body/div[2]/table[1]/tr[3]/td[2]`: tag names with 1-based indexes among
same-named siblings, as in XPath.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from nianbao.adapters._layout import MAX_TABLE_AREA, Para, Placed, clean_text, make_table
from nianbao.adapters._memory import give_back_freed
from nianbao.errors import DocumentLoadError
from nianbao.schemas.model import Diagnostic, ElementOrigin, Table

if TYPE_CHECKING:
    from lxml.html import HtmlElement

#: The block that holds a script's escaped content where the page is read (see `html`).
UNESCAPED = "unescaped"
_DROP = frozenset(
    {"script", "style", "noscript", "template", "head", "nav", "header", "footer", "aside"}
    | {"iframe", "object", "embed", "svg", "canvas", "select", "button", "input", "textarea"}
)
#: Dropped elements that an unclosed start tag can make hold the rest of the page: libxml2
#: knows no HTML5 void `<embed>`, and an unclosed `<button>` or `<canvas>` nests what follows.
_SWALLOWING = frozenset({"embed", "button", "canvas", "object", "iframe", "select"})
#: Text past this, or a table, is no button's label or canvas's fallback but the page itself.
_SWALLOWED_TEXT = 200
_CHROME_NAME = re.compile(
    r"^(?:nav|navbar|menu|header|footer|breadcrumbs?|crumbs?|share|bdsharebuttonbox|sidebar|"
    r"toolbar|topbar|position|location)$",
    re.I,
)
_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd"}
    | {"blockquote", "section", "article", "main", "center", "pre", "address", "figure"}
    | {"figcaption", "hr", "form", "fieldset", "caption", "table", "tbody", "thead", "tfoot"}
    | {"tr", "td", "th", UNESCAPED}
)
_HEADING = re.compile(r"^h([1-6])$")
_SPACE_RUN = re.compile(r"[ \t\r\n\f]+")
_CELLS = (
    "count(tr/*[self::td or self::th]"
    " | *[self::thead or self::tbody or self::tfoot]/tr/*[self::td or self::th])"
)
#: Elements let go between two givings back of what libxml2 freed (`Reader.let_go`)
_GIVE_BACK_EVERY = 2000
#: The walk of an element: it yields the walks of the children it enters
_Walk: TypeAlias = Iterator["_Walk"]
#: Table cells a page may hold: a report's tables have a few hundred.
MAX_PAGE_CELLS = 200_000
# HTML's own limits (the spec clamps colspan at 1000, rowspan at 65534); rows are also clamped
# to the rows the table really has, so a `rowspan="65534"` on the last row costs nothing.
_MAX_COLSPAN = 1000
_MAX_ROWSPAN = 65534


@dataclass
class Reader:
    """Walks the page in document order, collecting paragraphs and tables."""

    items: list[Para | Table] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source: str = ""  # the input's name, for a refusal
    cells: int = 0  # table cells read so far
    #: Each element emptied (`clear`) once read, libxml2's nodes freed as the reading goes:
    #: for a tree that is read once and never again
    let_go: bool = False
    _buffer: list[str] = field(default_factory=list)
    _buffer_path: str = ""
    _cleared: int = 0

    def flow(self, element: HtmlElement, path: str, level: int | None = None) -> None:
        """Read `element`'s content as page flow: text runs become paragraphs at block edges.

        Each element is walked by a generator of its own (`_walk`), and the walks wait on a
        stack rather than in Python's call stack: a page may nest elements thousands deep
        (unclosed `<font>` tags), past Python's recursion limit. A walk goes through its
        children one at a time, so that memory holds the path from the root, not a step for
        each of a long page's hundred thousand paragraphs at once."""
        walks: list[_Walk] = [self._walk(element, path, level)]
        while walks:
            inner = next(walks[-1], None)
            if inner is None:
                walks.pop()
            else:
                walks.append(inner)

    def _walk(self, element: HtmlElement, path: str, level: int | None) -> _Walk:
        """Read `element`: its own text, then each child in turn, yielding the walk of a child
        to enter (which `flow` finishes before this one goes on)."""
        if element.text:
            self._add(element.text, path)
        for child, child_path in _children(element, path):
            tag = child.tag
            if swallowed(child):
                self._flush(level)
                self._note_unclosed(child, child_path)
                yield self._walk(child, child_path, level)
                self._flush(level)
            elif is_chrome(child):
                self._flush(level)
                self._note_dropped(child, child_path)
            elif tag == "br":
                self._add("\n", path)
            elif tag == "table" and not _is_layout(child):
                self._flush(level)
                self._add_table(child, child_path)
            elif tag in _BLOCKS:
                heading = _HEADING.match(tag)
                inner = int(heading.group(1)) if heading else None
                self._flush(level)
                yield self._walk(child, child_path, inner)
                self._flush(inner)
            else:  # inline: its text joins the paragraph around it
                yield self._walk(child, path, level)
            if child.tail:
                self._add(child.tail, path)
            self._done(child)

    def _done(self, element: HtmlElement) -> None:
        """`element` is read: emptied, where the tree is not read again (`let_go`), and what
        libxml2 freed given back every so often, for Python does not take its memory."""
        if self.let_go:
            element.clear()
            self._cleared += 1
            if self._cleared % _GIVE_BACK_EVERY == 0:
                give_back_freed()

    def _add_table(self, table: HtmlElement, path: str) -> None:
        self.items.append(self._table(table, path))

    def _add(self, text: str, path: str) -> None:
        if not self._buffer:
            self._buffer_path = path
        self._buffer.append(text if text == "\n" else _SPACE_RUN.sub(" ", text))

    def _flush(self, level: int | None) -> None:
        if not self._buffer:
            return
        text, self._buffer = "".join(self._buffer), []
        origin: ElementOrigin | None = None  # made for a paragraph only, shared by its lines
        # A `<br>` between two lines of a paragraph makes two paragraphs, as a reader sees them.
        for line in clean_text(text).split("\n"):
            if line:
                origin = origin or ElementOrigin(path=self._buffer_path)
                self.items.append(Para(line, origin, level))

    def _note_dropped(self, element: HtmlElement, path: str) -> None:
        text = clean_text(_cell_text(element)).replace("\n", " / ")
        if text and element.tag not in ("script", "style", "head", "noscript", "template"):
            shown = text if len(text) <= 80 else text[:80] + "…"
            self.diagnostics.append(
                Diagnostic(
                    code="boilerplate.removed",
                    severity="info",
                    message=f"removed web page chrome <{element.tag}>: {shown}",
                    origin=ElementOrigin(path=path),
                )
            )

    def _note_unclosed(self, element: HtmlElement, path: str) -> None:
        self.diagnostics.append(
            Diagnostic(
                code="html.unclosed_element",
                severity="info",
                message=f"<{element.tag}> left unclosed holds the page after it "
                f"({len(element.findall('.//table'))} tables): read as page content, not dropped "
                "as chrome",
                origin=ElementOrigin(path=path),
            )
        )

    def _table(self, table: HtmlElement, path: str) -> Table:
        rows = list(_rows(table, path))
        # Counted before any is built: a page of four million cells must not become four
        # million cell objects (gigabytes) before we notice.
        self.cells += _cell_count(table)
        if self.cells > MAX_PAGE_CELLS:
            raise DocumentLoadError(
                f"refused: the page's tables hold more than {MAX_PAGE_CELLS:,} cells, more than "
                "any report's",
                source=self.source,
            )
        occupied: set[tuple[int, int]] = set()
        cells: list[Placed] = []
        clamped = False
        for r, (tr, tr_path) in enumerate(rows):
            col = 0
            for cell, cell_path in _children(tr, tr_path):
                if cell.tag not in ("td", "th"):
                    continue
                while (r, col) in occupied:
                    col += 1
                row_span = _span(cell.get("rowspan"), _MAX_ROWSPAN, zero=len(rows) - r)
                col_span = _span(cell.get("colspan"), _MAX_COLSPAN, zero=1)
                row_span = min(row_span, len(rows) - r)
                if (r + row_span) * (col + col_span) > MAX_TABLE_AREA:
                    row_span, col_span, clamped = 1, 1, True
                # the rows below only: this row's next cell starts past this one anyway
                occupied.update(
                    (rr, cc)
                    for rr in range(r + 1, r + row_span)
                    for cc in range(col, col + col_span)
                )
                header = cell.tag == "th" or tr.getparent().tag == "thead"
                text = clean_text(_cell_text(cell))
                cells.append(
                    Placed(r, col, text, ElementOrigin(path=cell_path), row_span, col_span, header)
                )
                col += col_span
            self._done(tr)  # a long table's rows let go as its cells are made
        if clamped:
            self.diagnostics.append(
                Diagnostic(
                    code="table.span_clamped",
                    severity="warning",
                    message="cell spans larger than the table were reduced to one cell",
                    origin=ElementOrigin(path=path),
                )
            )
        result = make_table(cells, method="html", origin=ElementOrigin(path=path))
        caption = table.find("caption")
        if caption is not None:
            result.caption = clean_text(caption.text_content()).replace("\n", " ") or None
        return result


def _children(element: HtmlElement, path: str) -> Iterator[tuple[HtmlElement, str]]:
    """Element children with their paths; comments and processing instructions skipped."""
    seen: dict[str, int] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        seen[child.tag] = seen.get(child.tag, 0) + 1
        yield child, f"{path}/{child.tag}[{seen[child.tag]}]"


def _rows(table: HtmlElement, path: str) -> Iterator[tuple[HtmlElement, str]]:
    """The table's own rows, in thead/tbody/tfoot or bare; never a nested table's rows."""
    for child, child_path in _children(table, path):
        if child.tag == "tr":
            yield child, child_path
        elif child.tag in ("thead", "tbody", "tfoot"):
            yield from ((tr, p) for tr, p in _children(child, child_path) if tr.tag == "tr")


def _is_layout(table: HtmlElement) -> bool:
    """A table that frames tables, or a single cell framing the page."""
    if _cell_count(table) <= 1:
        return True
    # most tables hold no table at all: one search in C settles it, not one per cell
    if table.find(".//table") is None:
        return False
    cells = [c for tr, _ in _rows(table, "") for c in tr if c.tag in ("td", "th")]
    return any(c.find(".//table") is not None for c in cells)


def _cell_count(table: HtmlElement) -> int:
    """The table's own cells (`_rows`' cells), counted by libxml2 without making an element
    object of each: a page of millions of cells is measured in a fraction of a second."""
    return int(table.xpath(_CELLS))


def swallowed(element: HtmlElement) -> bool:
    """An element dropped as chrome that holds page content instead: a table, or more text than
    a button or a canvas's fallback has. Only an unclosed tag gives it that."""
    if element.tag not in _SWALLOWING:
        return False
    if element.find(".//table") is not None:
        return True
    return len("".join(element.text_content().split())) > _SWALLOWED_TEXT


def is_chrome(element: HtmlElement) -> bool:
    if element.tag in _DROP:
        return not swallowed(element)
    names = (element.get("class") or "").split() + (element.get("id") or "").split()
    if any(_CHROME_NAME.match(name) for name in names):
        return True
    return element.tag in ("ul", "ol") and _is_link_list(element)


def _is_link_list(element: HtmlElement) -> bool:
    """A menu: every item is a link and nothing else."""
    items = [li for li in element if li.tag == "li"]
    if len(items) < 2:
        return False
    for li in items:
        links = "".join(a.text_content() for a in li.iter("a")).strip()
        if not links or links != li.text_content().strip():
            return False
    return True


def _span(value: str | None, maximum: int, *, zero: int) -> int:
    """HTML's lenient integer parsing: leading digits count, junk after them is ignored."""
    match = re.match(r"\s*([0-9]+)", value or "")  # ASCII digits: `int("²")` fails
    if match is None:
        return 1
    digits = match.group(1).lstrip("0") or "0"
    number = int(digits) if len(digits) <= 9 else maximum
    return zero if number == 0 else min(number, maximum)


def _cell_text(cell: HtmlElement) -> str:
    out: list[str] = []
    _inline(cell, out)
    return "".join(out)


def _inline(element: HtmlElement, out: list[str]) -> None:
    """`element`'s text, a block inside it on lines of its own; iterative, like `flow`."""
    todo: list[HtmlElement | str] = [element]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        pending: list[HtmlElement | str] = []
        if item.text:
            pending.append(_SPACE_RUN.sub(" ", item.text))
        for child in item:
            if isinstance(child.tag, str) and (child.tag not in _DROP or swallowed(child)):
                if child.tag == "br":
                    pending.append("\n")
                elif child.tag in _BLOCKS:
                    pending += ["\n", child, "\n"]
                else:
                    pending.append(child)
            if child.tail:
                pending.append(_SPACE_RUN.sub(" ", child.tail))
        todo.extend(reversed(pending))
