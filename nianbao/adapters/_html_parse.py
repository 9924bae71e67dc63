"""An HTML page parsed whole, whatever it does to the parser: the network off, the parser's
limits lifted, a page nested too deep read again without its inline formatting tags, a tag with
half a million attributes cut short. What still cannot be read is said, never dropped unsaid.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nianbao.adapters.sniff import InputInfo
from nianbao.errors import DocumentLoadError, MissingDependencyError
from nianbao.schemas.model import Diagnostic, LineOrigin

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Formatting tags that hold no text of their own, dropped when a page nests too deeply to parse.
_INLINE_TAG = re.compile(
    r"</?(?:font|span|b|i|u|s|em|strong|small|big|sup|sub|o:p|a)(?:\s[^<>]*)?/?>", re.I
)
# A tag with more attributes than this is damage or an attack: libxml2 checks each attribute
# against the others, so 500,000 of them take minutes. Only tags this long can hold that many.
_MAX_ATTRIBUTES = 1000
_LONG_TAG = re.compile(rf"<[A-Za-z][^<>]{{{2 * _MAX_ATTRIBUTES},}}>")
_TAG_NAME = re.compile(r"<[A-Za-z][^\s/>]*")
_ATTRIBUTE = re.compile(r"""\s+[^\s=/>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']*))?""")


def parse_page(text: str, info: InputInfo, notes: list[Diagnostic] | None = None) -> HtmlElement:
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
