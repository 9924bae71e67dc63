"""Web pages: a report as a government site serves it, with the site around it.

The bytes are decoded as the text adapter decodes them (BOM, then `<meta charset>`, then
detection), then parsed by lxml's HTML parser with the network off. What is not the report goes
first: scripts and styles, `nav`/`header`/`footer`/`aside`, elements whose class or id names a
menu, header, footer or share bar, and lists of nothing but links. The paragraphs left then pass
the text adapter's chrome rules (`nianbao.text.clean`), which catch 【打印】 bars and the
site name above the title.

Parsing a page whatever it does to the parser is `_html_parse`; reading it in document order
(paragraphs, tables and their spans, layout tables, chrome elements, `ElementOrigin` paths) is
`_html_read`. This module is the adapter, and the escaped HTML below.

Some sites deliver the report escaped in a `<script>` string, or crawlers save the JSON an API
returned (`_escaped_html`). That HTML is read where its script stands, in an `<unescaped>` block
(paths such as `body/div[2]/unescaped[1]/table[1]/tr[3]/td[2]`), but only when it holds what the
page lacks: more text than the page shows, or a table where the page has none. A menu written by
`document.write('<a>…')` holds neither and does not displace the body. `html.unescaped` names
the script (or the lines of a text or JSON file) where the HTML was found.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from nianbao.adapters._accepts import html_accepts
from nianbao.adapters._escaped_html import Escaped, find_in_json, find_in_script
from nianbao.adapters._html_parse import parse_page
from nianbao.adapters._html_read import UNESCAPED, Reader, is_chrome
from nianbao.adapters._layout import Para, assemble
from nianbao.adapters._memory import give_back_freed
from nianbao.adapters._publication import from_meta
from nianbao.adapters.base import AdapterResult, GroupAdapter
from nianbao.adapters.options import TextOptions
from nianbao.adapters.sniff import InputInfo
from nianbao.errors import DocumentLoadError
from nianbao.schemas.model import Diagnostic, ElementOrigin, LineOrigin, Table
from nianbao.text.clean import remove_chrome
from nianbao.text.encoding import Decoded, decode
from nianbao.text.tables import Line

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Escaped HTML that brings a table to a page without one must also bring this much text: a
# calendar widget's table does not.
_MIN_ESCAPED_TEXT = 200


class HtmlAdapter(GroupAdapter[TextOptions]):
    name: ClassVar[str] = "html"
    group: ClassVar[str] = "text"
    priority: ClassVar[float] = 0.0

    def accepts(self, head: bytes, info: InputInfo) -> bool:
        return html_accepts(head, info)

    def convert(self, data: bytes, info: InputInfo) -> AdapterResult:
        decoded = decode(data, self.options.encoding)
        # A JSON API response with raw `<table>` in its strings sniffs as HTML; it is not a page.
        from_json = read_escaped_text(decoded, info, json_only=True)
        if from_json is not None:
            return from_json
        parsed: list[Diagnostic] = []
        root = parse_page(decoded.text, info, parsed)
        encoding, decoding = decoded.encoding, decoded.diagnostics
        del decoded  # the page's text, twice its bytes: the tree holds what is read now
        publication = from_meta(root)
        items, notes = _read_tree(root, info)
        if not items:
            cut = [note.message for note in parsed if note.code == "html.truncated"]
            raise DocumentLoadError(
                f"the page holds no text that could be read: {cut[0]}"
                if cut
                else "the page holds no text",
                source=info.name,
            )
        # The tree is read: let it go before the blocks are made, the most memory the reading
        # takes (a 43 MB page's tree is several hundred MB of libxml2's nodes)
        del root
        give_back_freed()
        document = assemble(items)
        if publication is not None:  # else the byline under the page's title, if it prints one
            document.publication = publication
        # The title the page prints is the report's own; a meta tag's may be the site's.
        if document.title is None and document.publication is not None:
            document.title = document.publication.title
        return AdapterResult(
            document=document, diagnostics=decoding + parsed + notes, encoding=encoding
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
    reader = Reader(source=info.name)
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


def _read_tree(root: HtmlElement, info: InputInfo) -> tuple[list[Para | Table], list[Diagnostic]]:
    """The page's paragraphs and tables, its chrome dropped, a script's escaped content read
    where the script stands when it holds what the page lacks; and what was said of them."""
    scripts = [
        (script, found)
        for script in root.iter("script")
        if (found := find_in_script(script.text or ""))
    ]
    # Without escaped HTML in a script, the tree is read once: each part let go once read
    reader = _read_page(root, info.name, let_go=not scripts)
    items, chrome = _drop_chrome_paragraphs(reader.items)
    escaped = _escaped_content(scripts, items, info)
    if escaped is None:
        return items, reader.diagnostics + chrome
    script, fragment, note = escaped
    _splice(root, script, fragment)
    reader = _read_page(root, info.name)
    items, chrome = _drop_chrome_paragraphs(reader.items)
    return items, [note, *reader.diagnostics, *chrome]


def _read_page(root: HtmlElement, source: str, *, let_go: bool = False) -> Reader:
    body = root.find("body")
    reader = Reader(source=source, let_go=let_go)
    reader.flow(body if body is not None else root, "body" if body is not None else "html")
    return reader


def _splice(root: HtmlElement, script: HtmlElement, fragment: HtmlElement) -> None:
    """The script's content put in its place, as the browser would show it, inside an
    `<unescaped>` block (so that origins say where it came from). The content of a script the
    reading never reaches (in `<head>`, in a dropped menu) goes to the top of the body."""
    from lxml import html as lxml_html  # noqa: PLC0415  # loaded already by _parse

    block: HtmlElement = lxml_html.Element(UNESCAPED)
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
    scripts: list[tuple[HtmlElement, list[Escaped]]], page: list[Para | Table], info: InputInfo
) -> tuple[HtmlElement, HtmlElement, Diagnostic] | None:
    """Of the `scripts` with escaped HTML (what each holds), the one whose HTML holds what the
    page lacks, its content parsed, and the diagnostic that says so; None when no script holds
    more than the page shows."""
    page_text, page_tables = _text_size(page), any(isinstance(i, Table) for i in page)
    best: tuple[int, HtmlElement, HtmlElement, list[Escaped]] | None = None
    for script, found in scripts:
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
    root = parse_page(html, info)
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
        if is_chrome(parent):
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
