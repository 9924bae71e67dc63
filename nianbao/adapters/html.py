"""Web pages: a report as a government site serves it, with the site around it.

The bytes are decoded as the text adapter decodes them (BOM, then `<meta charset>`, then
detection), then parsed by lxml's HTML parser with the network off. What is not the report goes
first: scripts and styles, `nav`/`header`/`footer`/`aside`, elements whose class or id names a
menu, header, footer or share bar, and lists of nothing but links. The paragraphs left then pass
the text adapter's chrome rules (`nianbao.convert.textclean`), which catch 【打印】 bars and the
site name above the title.

Sites lay pages out with tables. A table whose cells hold tables is layout: its cells are read as
page content and the tables inside them are the tables. Data tables keep `rowspan`/`colspan`
(clamped: see `_MAX_COLSPAN`), and a `<br>` in a cell is a newline in the cell's text.

Origins are `ElementOrigin` paths such as `body/div[2]/table[1]/tr[3]/td[2]`: tag names with
1-based indexes among same-named siblings, as in XPath.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from nianbao.adapters._layout import (
    MAX_TABLE_AREA,
    Para,
    Placed,
    assemble,
    clean_text,
    make_table,
)
from nianbao.adapters.base import Adapter, AdapterResult
from nianbao.convert.encoding import decode
from nianbao.convert.model import Diagnostic, ElementOrigin, LineOrigin, Table
from nianbao.convert.sniff import InputInfo
from nianbao.convert.tables import Line
from nianbao.convert.textclean import remove_chrome
from nianbao.errors import DocumentLoadError, MissingDependencyError

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_DROP = frozenset(
    {"script", "style", "noscript", "template", "head", "nav", "header", "footer", "aside"}
    | {"iframe", "object", "embed", "svg", "canvas", "select", "button", "input", "textarea"}
)
_CHROME_NAME = re.compile(
    r"^(?:nav|navbar|menu|header|footer|breadcrumbs?|crumbs?|share|bdsharebuttonbox|sidebar|"
    r"toolbar|topbar|position|location)$",
    re.I,
)
_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd"}
    | {"blockquote", "section", "article", "main", "center", "pre", "address", "figure"}
    | {"figcaption", "hr", "form", "fieldset", "caption", "table", "tbody", "thead", "tfoot"}
    | {"tr", "td", "th"}
)
_HEADING = re.compile(r"^h([1-6])$")
_SPACE_RUN = re.compile(r"[ \t\r\n\f]+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# HTML's own limits (the spec clamps colspan at 1000, rowspan at 65534); rows are also clamped
# to the rows the table really has, so a `rowspan="65534"` on the last row costs nothing.
_MAX_COLSPAN = 1000
_MAX_ROWSPAN = 65534


class HtmlAdapter(Adapter):
    name: ClassVar[str] = "html"
    priority: ClassVar[float] = 0.0

    def accepts(self, head: bytes, info: InputInfo) -> bool:
        return info.format == "html"

    def convert(self, data: bytes, info: InputInfo) -> AdapterResult:
        decoded = decode(data)
        root = _parse(decoded.text, info)
        body = root.find("body")
        reader = _Reader()
        reader.flow(body if body is not None else root, "body" if body is not None else "html")
        items, chrome = _drop_chrome_paragraphs(reader.items)
        if not items:
            raise DocumentLoadError("the page holds no text", source=info.name)
        return AdapterResult(
            document=assemble(items),
            diagnostics=decoded.diagnostics + reader.diagnostics + chrome,
            encoding=decoded.encoding,
        )


def _parse(text: str, info: InputInfo) -> HtmlElement:
    try:
        # Imported on first use, like the other adapters' libraries (see docx._load).
        from lxml import etree  # noqa: PLC0415
        from lxml import html as lxml_html  # noqa: PLC0415
    except ImportError as exc:
        raise MissingDependencyError(
            f"reading HTML needs lxml ({exc}): pip install lxml", source=info.name
        ) from exc
    # No network: a page must not make us fetch its DTD. lxml refuses a str that still carries
    # an XML encoding declaration; the text is decoded already, so the declaration goes.
    parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        root: HtmlElement = lxml_html.document_fromstring(
            _XML_DECLARATION.sub("", text), parser=parser
        )
    except (etree.ParserError, ValueError) as exc:
        raise DocumentLoadError(f"not a readable HTML page: {exc}", source=info.name) from exc
    return root


@dataclass
class _Reader:
    """Walks the page in document order, collecting paragraphs and tables."""

    items: list[Para | Table] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _buffer: list[str] = field(default_factory=list)
    _buffer_path: str = ""

    def flow(self, element: HtmlElement, path: str, level: int | None = None) -> None:
        """Read `element`'s content as page flow: text runs become paragraphs at block edges."""
        if element.text:
            self._add(element.text, path)
        for child, child_path in _children(element, path):
            tag = child.tag
            if _is_chrome(child):
                self._flush(level)
                self._note_dropped(child, child_path)
            elif tag == "br":
                self._add("\n", path)
            elif tag == "table" and not _is_layout(child):
                self._flush(level)
                self.items.append(self._table(child, child_path))
            elif tag in _BLOCKS:
                self._flush(level)
                heading = _HEADING.match(tag)
                self.flow(child, child_path, int(heading.group(1)) if heading else None)
                self._flush(int(heading.group(1)) if heading else None)
            else:
                self.flow(child, path, level)  # inline: its text joins the paragraph around it
            if child.tail:
                self._add(child.tail, path)

    def _add(self, text: str, path: str) -> None:
        if not self._buffer:
            self._buffer_path = path
        self._buffer.append(text if text == "\n" else _SPACE_RUN.sub(" ", text))

    def _flush(self, level: int | None) -> None:
        text, self._buffer = "".join(self._buffer), []
        origin = ElementOrigin(path=self._buffer_path)
        # A `<br>` between two lines of a paragraph makes two paragraphs, as a reader sees them.
        for line in clean_text(text).split("\n"):
            if line:
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

    def _table(self, table: HtmlElement, path: str) -> Table:
        rows = list(_rows(table, path))
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
                occupied.update(
                    (rr, cc) for rr in range(r, r + row_span) for cc in range(col, col + col_span)
                )
                header = cell.tag == "th" or tr.getparent().tag == "thead"
                text = clean_text(_cell_text(cell))
                cells.append(
                    Placed(r, col, text, ElementOrigin(path=cell_path), row_span, col_span, header)
                )
                col += col_span
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
    cells = [c for tr, _ in _rows(table, "") for c, _ in _children(tr, "") if c.tag in ("td", "th")]
    return len(cells) <= 1 or any(c.find(".//table") is not None for c in cells)


def _is_chrome(element: HtmlElement) -> bool:
    if element.tag in _DROP:
        return True
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
    match = re.match(r"\s*(\d+)", value or "")
    if match is None:
        return 1
    number = int(match.group(1))
    return zero if number == 0 else min(number, maximum)


def _cell_text(cell: HtmlElement) -> str:
    out: list[str] = []
    _inline(cell, out)
    return "".join(out)


def _inline(element: HtmlElement, out: list[str]) -> None:
    if element.text:
        out.append(_SPACE_RUN.sub(" ", element.text))
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _DROP:
            if child.tag == "br":
                out.append("\n")
            elif child.tag in _BLOCKS:
                out.append("\n")
                _inline(child, out)
                out.append("\n")
            else:
                _inline(child, out)
        if child.tail:
            out.append(_SPACE_RUN.sub(" ", child.tail))


def _drop_chrome_paragraphs(
    items: list[Para | Table],
) -> tuple[list[Para | Table], list[Diagnostic]]:
    """The text adapter's chrome rules, applied to the paragraphs as if they were lines."""
    paras = [item for item in items if isinstance(item, Para)]
    lines = [Line(number, para.text) for number, para in enumerate(paras, 1)]
    cleaned = remove_chrome(lines)
    kept = {line.number for line in cleaned.lines}
    diagnostics = []
    for diagnostic in cleaned.diagnostics:
        if isinstance(diagnostic.origin, LineOrigin):
            diagnostic.origin = paras[diagnostic.origin.line_start - 1].origin
        diagnostics.append(diagnostic)
    texts = {line.number: line.text for line in cleaned.lines}
    out: list[Para | Table] = []
    number = 0
    for item in items:
        if isinstance(item, Para):
            number += 1
            # remove_chrome may also trim a line, such as a trailing 大 中 小 font switch
            if number not in kept or not texts[number].strip():
                continue
            item.text = texts[number].strip()
        out.append(item)
    return out, diagnostics
