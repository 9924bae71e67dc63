"""Web pages: a report as a government site serves it, with the site around it.

The bytes are decoded as the text adapter decodes them (BOM, then `<meta charset>`, then
detection), then parsed by lxml's HTML parser with the network off. What is not the report goes
first: scripts and styles, `nav`/`header`/`footer`/`aside`, elements whose class or id names a
menu, header, footer or share bar, and lists of nothing but links. The paragraphs left then pass
the text adapter's chrome rules (`nianbao.text.clean`), which catch 【打印】 bars and the
site name above the title.

Sites lay pages out with tables. A table whose cells hold tables is layout: its cells are read as
page content and the tables inside them are the tables. Data tables keep `rowspan`/`colspan`
(clamped: see `_MAX_COLSPAN`), and a `<br>` in a cell is a newline in the cell's text.

Origins are `ElementOrigin` paths such as `body/div[2]/table[1]/tr[3]/td[2]`: tag names with
1-based indexes among same-named siblings, as in XPath.

Some sites deliver the report escaped in a `<script>` string, or crawlers save the JSON an API
returned (`_escaped_html`). That HTML is read where its script stands, in an `<unescaped>` block
(paths such as `body/div[2]/unescaped[1]/table[1]/tr[3]/td[2]`), but only when it holds what the
page lacks: more text than the page shows, or a table where the page has none. A menu written by
`document.write('<a>…')` holds neither and does not displace the body. `html.unescaped` names
the script (or the lines of a text or JSON file) where the HTML was found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from nianbao.adapters._escaped_html import Escaped, find_in_json, find_in_script
from nianbao.adapters._layout import (
    MAX_TABLE_AREA,
    Para,
    Placed,
    assemble,
    clean_text,
    make_table,
)
from nianbao.adapters.base import Adapter, AdapterOptions, AdapterResult
from nianbao.adapters.options import TextOptions
from nianbao.adapters.sniff import InputInfo
from nianbao.errors import DocumentLoadError, MissingDependencyError
from nianbao.schemas.model import Diagnostic, ElementOrigin, LineOrigin, Table
from nianbao.text.clean import remove_chrome
from nianbao.text.encoding import Decoded, decode
from nianbao.text.tables import Line

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
    | {"tr", "td", "th", "unescaped"}
)
_HEADING = re.compile(r"^h([1-6])$")
_SPACE_RUN = re.compile(r"[ \t\r\n\f]+")
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Formatting tags that hold no text of their own, dropped when a page nests too deeply to parse.
_INLINE_TAG = re.compile(
    r"</?(?:font|span|b|i|u|s|em|strong|small|big|sup|sub|o:p|a)(?:\s[^<>]*)?/?>", re.I
)
_CELLS = (
    "count(tr/*[self::td or self::th]"
    " | *[self::thead or self::tbody or self::tfoot]/tr/*[self::td or self::th])"
)
#: Table cells a page may hold: a report's tables have a few hundred.
MAX_PAGE_CELLS = 200_000
# A tag with more attributes than this is damage or an attack: libxml2 checks each attribute
# against the others, so 500,000 of them take minutes. Only tags this long can hold that many.
_MAX_ATTRIBUTES = 1000
_LONG_TAG = re.compile(rf"<[A-Za-z][^<>]{{{2 * _MAX_ATTRIBUTES},}}>")
_TAG_NAME = re.compile(r"<[A-Za-z][^\s/>]*")
_ATTRIBUTE = re.compile(r"""\s+[^\s=/>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']*))?""")
# HTML's own limits (the spec clamps colspan at 1000, rowspan at 65534); rows are also clamped
# to the rows the table really has, so a `rowspan="65534"` on the last row costs nothing.
_MAX_COLSPAN = 1000
_MAX_ROWSPAN = 65534
# Escaped HTML that brings a table to a page without one must also bring this much text: a
# calendar widget's table does not.
_MIN_ESCAPED_TEXT = 200
_UNESCAPED = "unescaped"  # the block that holds a script's content in the page read


class HtmlAdapter(Adapter):
    name: ClassVar[str] = "html"
    priority: ClassVar[float] = 0.0

    def __init__(self, options: TextOptions | None = None) -> None:
        self.options = options or TextOptions()  # the encoding, shared with the text adapter

    def with_options(self, options: AdapterOptions) -> HtmlAdapter:
        return self if options.text == self.options else HtmlAdapter(options.text)

    def accepts(self, head: bytes, info: InputInfo) -> bool:
        return info.format == "html"

    def convert(self, data: bytes, info: InputInfo) -> AdapterResult:
        decoded = decode(data, self.options.encoding)
        # A JSON API response with raw `<table>` in its strings sniffs as HTML; it is not a page.
        from_json = read_escaped_text(decoded, info, json_only=True)
        if from_json is not None:
            return from_json
        parsed: list[Diagnostic] = []
        root = _parse(decoded.text, info, parsed)
        reader = _read_page(root, info.name)
        items, chrome = _drop_chrome_paragraphs(reader.items)
        escaped = _escaped_content(root, items, info)
        unescaped: list[Diagnostic] = []
        if escaped is not None:
            script, fragment, note = escaped
            _splice(root, script, fragment)
            reader = _read_page(root, info.name)
            items, chrome = _drop_chrome_paragraphs(reader.items)
            unescaped.append(note)
        if not items:
            cut = [note.message for note in parsed if note.code == "html.truncated"]
            raise DocumentLoadError(
                f"the page holds no text that could be read: {cut[0]}"
                if cut
                else "the page holds no text",
                source=info.name,
            )
        return AdapterResult(
            document=assemble(items),
            diagnostics=decoded.diagnostics + parsed + unescaped + reader.diagnostics + chrome,
            encoding=decoded.encoding,
        )


def read_escaped_text(
    decoded: Decoded, info: InputInfo, *, json_only: bool = False
) -> AdapterResult | None:
    """A JSON document, or (unless `json_only`) a text such as a saved script, whose content is
    escaped HTML, read as that HTML; None when it is not one (no escaped HTML, or less text in
    it than around it)."""
    text = decoded.text
    found = find_in_json(text)
    where = "the strings of a JSON document"
    if found is None and json_only:
        return None
    if found is None:
        found = find_in_script(text)
        where = "string literals of the text"
    if not found:
        return None
    fragment = _fragment(_joined(found), info)
    reader = _Reader(source=info.name)
    reader.flow(fragment, "content")
    outside = _text_size_outside(text, found)
    if _text_size(reader.items) <= outside:
        return None
    items, chrome = _drop_chrome_paragraphs(reader.items)
    if not items:
        return None
    first, last = found[0], found[-1]
    note = Diagnostic(
        code="html.unescaped",
        severity="info",
        message=f"the document is HTML escaped in {where} ({first.escapes}): "
        f"{sum(len(f.html) for f in found)} characters of it read as HTML",
        origin=LineOrigin(
            line_start=text.count("\n", 0, first.start) + 1,
            line_end=text.count("\n", 0, last.end) + 1,
        ),
    )
    return AdapterResult(
        document=assemble(items),
        diagnostics=[*decoded.diagnostics, note, *reader.diagnostics, *chrome],
        encoding=decoded.encoding,
    )


def _read_page(root: HtmlElement, source: str) -> _Reader:
    body = root.find("body")
    reader = _Reader(source=source)
    reader.flow(body if body is not None else root, "body" if body is not None else "html")
    return reader


def _splice(root: HtmlElement, script: HtmlElement, fragment: HtmlElement) -> None:
    """The script's content put in its place, as the browser would show it, inside an
    `<unescaped>` block (so that origins say where it came from). The content of a script the
    reading never reaches (in `<head>`, in a dropped menu) goes to the top of the body."""
    from lxml import html as lxml_html  # noqa: PLC0415  # loaded already by _parse

    block: HtmlElement = lxml_html.Element(_UNESCAPED)
    # lxml's parser keeps control characters that its API refuses to be given back
    block.text = _XML_UNSAFE.sub("", fragment.text) if fragment.text else None
    block.extend(list(fragment))
    body = root.find("body")
    start = body if body is not None else root
    parent = script.getparent()
    if parent is not None and _reached(script, start):
        block.tail = _XML_UNSAFE.sub("", script.tail) if script.tail else None
        parent.replace(script, block)
    else:
        start.insert(0, block)


def _escaped_content(
    root: HtmlElement, page: list[Para | Table], info: InputInfo
) -> tuple[HtmlElement, HtmlElement, Diagnostic] | None:
    """The script whose escaped HTML holds what the page lacks, its content parsed, and the
    diagnostic that says so; None when no script holds more than the page shows."""
    page_text, page_tables = _text_size(page), any(isinstance(i, Table) for i in page)
    best: tuple[int, HtmlElement, HtmlElement, list[Escaped]] | None = None
    for script in root.iter("script"):
        found = find_in_script(script.text or "")
        if not found:
            continue
        fragment = _fragment(_joined(found), info)
        # Weighed by lxml (C) rather than read: the winner is read once, in the page.
        size = len("".join(fragment.text_content().split()))
        has_table = fragment.find(".//td") is not None or fragment.find(".//th") is not None
        lacking = size > page_text or (has_table and not page_tables and size >= _MIN_ESCAPED_TEXT)
        if lacking and (best is None or size > best[0]):
            best = (size, script, fragment, found)
    if best is None:
        return None
    size, script, fragment, found = best
    path = _path(script)
    note = Diagnostic(
        code="html.unescaped",
        severity="info",
        message=f"the report's HTML was found escaped in <script> {path} ({found[0].escapes}, "
        f"{sum(len(f.html) for f in found)} characters) and read where the script stands: "
        f"{size} characters of text against {page_text} in the page itself",
        origin=ElementOrigin(path=path),
    )
    return script, fragment, note


def _fragment(html: str, info: InputInfo) -> HtmlElement:
    """Escaped HTML parsed: its body, whether it was a whole page or a piece of one."""
    root = _parse(html, info)
    body = root.find("body")
    return body if body is not None else root


def _joined(found: list[Escaped]) -> str:
    # Pieces built up in one script (`html += "<tr>…"`) are one document, in order.
    return "\n".join(f.html for f in found)


def _text_size(items: list[Para | Table]) -> int:
    """How much a reading holds: its characters other than spaces, in paragraphs and cells."""
    texts = [i.text for i in items if isinstance(i, Para)]
    texts += [c.text for i in items if isinstance(i, Table) for c in i.cells]
    return sum(len(t) - t.count(" ") for t in texts)


def _text_size_outside(text: str, found: list[Escaped]) -> int:
    """Characters other than white space in `text` outside the literals that held HTML."""
    size, at = 0, 0
    for piece in found:
        if piece.start >= at:
            size += len("".join(text[at : piece.start].split()))
            at = piece.end
    return size + len("".join(text[at:].split()))


def _reached(element: HtmlElement, start: HtmlElement) -> bool:
    """Whether reading from `start` comes to `element`: it lies under `start`, and under no
    chrome the reading drops."""
    parent = element.getparent()
    while parent is not None and parent is not start:
        if _is_chrome(parent):
            return False
        parent = parent.getparent()
    return parent is start


def _path(element: HtmlElement) -> str:
    """`element`'s origin path, as the reading writes it (`body/div[2]/script[1]`)."""
    steps: list[str] = []
    node: HtmlElement | None = element
    while node is not None and (parent := node.getparent()) is not None:
        if parent.getparent() is None:
            steps.append(node.tag)  # the reading starts at `body` (or `head`), unnumbered
        else:
            same = [c for c in parent if c.tag == node.tag]
            steps.append(f"{node.tag}[{same.index(node) + 1}]")
        node = parent
    return "/".join(reversed(steps)) if steps else "html"


def _parse(text: str, info: InputInfo, notes: list[Diagnostic] | None = None) -> HtmlElement:
    """The page parsed whole. lxml stops at its default limits (elements 256 deep, a text node
    of 10 MB) and silently drops the rest of the page; `huge_tree` lifts them, but nesting stays
    capped at 2048. Pages deeper than that (thousands of unclosed `<font>` tags, as Word leaves
    them) are parsed again without their inline formatting tags, which hold no text; what is
    still cut off is said in `notes` (`html.truncated`), never dropped unsaid."""
    try:
        # Imported on first use, like the other adapters' libraries (see docx._load).
        from lxml import etree  # noqa: PLC0415
        from lxml import html as lxml_html  # noqa: PLC0415
    except ImportError as exc:
        raise MissingDependencyError(
            f"reading HTML needs lxml ({exc}): pip install lxml", source=info.name
        ) from exc
    notes = [] if notes is None else notes
    # No network: a page must not make us fetch its DTD. lxml refuses a str that still carries
    # an XML encoding declaration; the text is decoded already, so the declaration goes.
    text = _XML_DECLARATION.sub("", text)
    text, dropped = _cap_attributes(text)
    if dropped:
        notes.append(
            Diagnostic(
                code="html.attributes_dropped",
                severity="warning",
                message=f"{dropped:,} attributes beyond the first {_MAX_ATTRIBUTES:,} of a tag "
                "were dropped unread (the parser's time grows with their square)",
            )
        )
    for attempt in ("whole", "without inline tags"):
        parser = lxml_html.HTMLParser(
            no_network=True, remove_comments=True, remove_pis=True, huge_tree=True
        )
        try:
            root: HtmlElement = lxml_html.document_fromstring(text, parser=parser)
        except (etree.ParserError, ValueError) as exc:
            raise DocumentLoadError(f"not a readable HTML page: {exc}", source=info.name) from exc
        limit = next((e for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"), None)
        if limit is None:
            break
        if attempt == "whole":
            stripped = _INLINE_TAG.sub("", text)
            if stripped == text:
                break
            notes.append(
                Diagnostic(
                    code="html.deep_nesting",
                    severity="info",
                    message=f"{_limit_words(limit.message)} at line {limit.line}, as thousands "
                    "of unclosed <font> or <span> tags make them: read again without its inline "
                    "formatting tags, which hold no text",
                    origin=LineOrigin(line_start=limit.line, line_end=limit.line),
                )
            )
            text = stripped
    if limit is not None:
        lines = text.count("\n") + 1
        notes.append(
            Diagnostic(
                code="html.truncated",
                severity="warning",
                message=f"the page is cut off at line {limit.line} of {lines} "
                f"({_limit_words(limit.message)}): what follows was not read",
                origin=LineOrigin(line_start=limit.line, line_end=max(lines, limit.line)),
            )
        )
    return root


def _limit_words(message: str) -> str:
    """libxml2's resource-limit error in a reader's words, without its advice to programmers."""
    depth = re.search(r"depth in document: (\d+)", message)
    if depth:
        return f"elements nest more than {depth.group(1)} levels deep"
    return message.split(",", maxsplit=1)[0].strip()


def _cap_attributes(text: str) -> tuple[str, int]:
    """`text` with each tag cut to its first `_MAX_ATTRIBUTES` attributes, and how many were
    cut. Only tags long enough to hold that many are looked at."""
    dropped = 0

    def cap(match: re.Match[str]) -> str:
        nonlocal dropped
        tag = match.group()
        name = _TAG_NAME.match(tag)
        attributes = list(_ATTRIBUTE.finditer(tag, name.end() if name else 1))
        if len(attributes) <= _MAX_ATTRIBUTES:
            return tag
        dropped += len(attributes) - _MAX_ATTRIBUTES
        return tag[: attributes[_MAX_ATTRIBUTES - 1].end()] + ">"

    return _LONG_TAG.sub(cap, text), dropped


@dataclass
class _Reader:
    """Walks the page in document order, collecting paragraphs and tables."""

    items: list[Para | Table] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source: str = ""  # the input's name, for a refusal
    cells: int = 0  # table cells read so far
    _buffer: list[str] = field(default_factory=list)
    _buffer_path: str = ""

    def flow(self, element: HtmlElement, path: str, level: int | None = None) -> None:
        """Read `element`'s content as page flow: text runs become paragraphs at block edges.

        Steps wait on a stack rather than in Python's call stack: a page may nest elements
        thousands deep (unclosed `<font>` tags), past Python's recursion limit."""
        todo: list[Callable[[], None]] = []
        todo.append(partial(self._enter, element, path, level, todo))
        while todo:
            todo.pop()()

    def _enter(
        self, element: HtmlElement, path: str, level: int | None, todo: list[Callable[[], None]]
    ) -> None:
        """`element`'s own text now; the steps for its children onto `todo`, first on top."""
        if element.text:
            self._add(element.text, path)
        steps: list[Callable[[], None]] = []
        for child, child_path in _children(element, path):
            tag = child.tag
            if _is_chrome(child):
                steps += [
                    partial(self._flush, level),
                    partial(self._note_dropped, child, child_path),
                ]
            elif tag == "br":
                steps.append(partial(self._add, "\n", path))
            elif tag == "table" and not _is_layout(child):
                steps += [partial(self._flush, level), partial(self._add_table, child, child_path)]
            elif tag in _BLOCKS:
                heading = _HEADING.match(tag)
                inner = int(heading.group(1)) if heading else None
                steps.append(partial(self._flush, level))
                steps.append(partial(self._enter, child, child_path, inner, todo))
                steps.append(partial(self._flush, inner))
            else:  # inline: its text joins the paragraph around it
                steps.append(partial(self._enter, child, path, level, todo))
            if child.tail:
                steps.append(partial(self._add, child.tail, path))
        todo.extend(reversed(steps))

    def _add_table(self, table: HtmlElement, path: str) -> None:
        self.items.append(self._table(table, path))

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
            if isinstance(child.tag, str) and child.tag not in _DROP:
                if child.tag == "br":
                    pending.append("\n")
                elif child.tag in _BLOCKS:
                    pending += ["\n", child, "\n"]
                else:
                    pending.append(child)
            if child.tail:
                pending.append(_SPACE_RUN.sub(" ", child.tail))
        todo.extend(reversed(pending))


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
