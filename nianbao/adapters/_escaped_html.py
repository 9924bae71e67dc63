"""HTML that a site delivers escaped: in a JavaScript string, or in a JSON API response.

Some government sites send the report body as data and build the page in the browser:
`var content = "<table><tr><td colspan=\"3\">…"` in a `<script>`, or
`{"data":{"content":"\u003ctable\u003e…"}}` from an API a crawler saved. The page's own HTML then
has no table, and a text reading sees only escaped markup. This module finds such strings and
undoes their escapes (JavaScript/JSON string escapes, then HTML entities if the markup was
entity-escaped too); `html.py` decides whether to read them and reads them as HTML.

Hostile input is expected: the string scanner is one regular expression without backtracking
(possessive quantifiers), so a huge or malformed script costs time in proportion to its size.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

# A string literal: "…", '…' (neither runs over a line end unescaped) or `…`. Every match
# succeeds once it starts (an unterminated literal ends at the line end), and nothing in it can
# backtrack, so scanning is linear even in a script of nothing but quotes and backslashes.
_LITERAL = re.compile(
    r""""(?:[^"\\\n]++|\\.?)*+(?:"|$)"""
    r"""|'(?:[^'\\\n]++|\\.?)*+(?:'|$)"""
    r"""|`(?:[^`\\]++|\\.?)*+(?:`|\Z)""",
    re.S | re.M,
)
# A tag a report body is made of; a menu's `<a>` alone is not one.
_MARKUP = re.compile(
    r"<\s*/?\s*(?:table|tr|td|th|tbody|p|div|br|h[1-6]|span|strong|li|section|article)\b", re.I
)
# The same tag seen through one more layer of escaping.
_ESCAPED_MARKUP = re.compile(
    r"(?:\\u003c|\\x3c|&lt;|&#0*60;|&#x0*3c;)\s*/?\s*"
    r"(?:table|tr|td|th|tbody|p|div|br|h[1-6]|span|strong|li|section|article)\b",
    re.I,
)
_JS_ESCAPE = re.compile(
    r"\\(?:u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(.))", re.S
)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_SIMPLE_ESCAPES["\n"] = ""  # a backslash at a line end continues the string
_MAX_DEPTH = 3  # a JSON string inside a JavaScript string inside a JSON string is enough
_TITLE_KEYS = frozenset({"title", "doctitle", "articletitle", "标题", "name"})


@dataclass(frozen=True)
class Escaped:
    """HTML found escaped in a text: where its literal stands (character offsets) and how it
    was escaped."""

    html: str
    start: int
    end: int
    escapes: str  # "JavaScript string", "JavaScript string, HTML entities", "JSON", ...


def has_markup(text: str) -> bool:
    return _MARKUP.search(text) is not None


def find_in_script(text: str) -> list[Escaped]:
    """The string literals of a script (or of any text) that hold HTML, unescaped, in order."""
    return list(_literals(text, 0, "JavaScript string"))


def _literals(text: str, depth: int, escapes: str) -> Iterator[Escaped]:
    for match in _LITERAL.finditer(text):
        literal = match.group()
        if len(literal) < 2 or literal[-1] != literal[0]:
            continue  # unterminated: not a string
        body = literal[1:-1]
        if "<" not in body and _ESCAPED_MARKUP.search(body) is None:
            continue  # cheap test first: most literals of a script are not markup
        decoded, how = _markup(unescape_js(body), escapes)
        if has_markup(decoded):
            yield Escaped(decoded, match.start(), match.end(), how)
        elif depth < _MAX_DEPTH and _ESCAPED_MARKUP.search(decoded):
            # a string holding a script or JSON of its own: its literals are where the HTML is
            for inner in _literals(decoded, depth + 1, f"{escapes} in {escapes}"):
                yield Escaped(inner.html, match.start(), match.end(), inner.escapes)


def _markup(text: str, escapes: str) -> tuple[str, str]:
    """`text`, its HTML entities undone when that is what hid its markup (`&lt;td&gt;`)."""
    if not has_markup(text) and "&" in text:
        entities = html.unescape(text)
        if has_markup(entities):
            return entities, f"{escapes}, HTML entities"
    return text, escapes


def unescape_js(body: str) -> str:
    """A JavaScript (or JSON) string literal's body as the string it stands for."""

    def one(match: re.Match[str]) -> str:
        braced, four, two, other = match.groups()
        code = braced or four or two
        if code is not None:
            value = int(code, 16)
            return chr(value) if value <= 0x10FFFF else "\ufffd"
        return _SIMPLE_ESCAPES.get(other, other)

    text = _JS_ESCAPE.sub(one, body)
    # \ud83d\ude00 came out as two lone surrogates: pair them as UTF-16 would
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def find_in_json(text: str) -> list[Escaped] | None:
    """The HTML in the strings of a JSON document, a title string before it as a heading;
    None when `text` is not JSON. JSON's own escapes are undone by the parser."""
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        data = json.loads(stripped)
    except (ValueError, RecursionError):
        return None
    title: str | None = None
    found: list[Escaped] = []
    for key, value in _strings(data):
        markup, escapes = _markup(value, "JSON")
        if has_markup(markup):
            found.append(Escaped(markup, 0, len(text), escapes))
        elif title is None and key.lower() in _TITLE_KEYS and 0 < len(value.strip()) <= 200:
            title = value.strip()
    if found and title is not None and title not in found[0].html:
        heading = f"<h1>{html.escape(title)}</h1>"
        found.insert(0, Escaped(heading, 0, len(text), found[0].escapes))
    return found


def _strings(data: object) -> Iterator[tuple[str, str]]:
    """(key, value) of every string in a parsed JSON document, in document order; no
    recursion, so a deeply nested document cannot exhaust the stack."""
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        key, value = stack.pop()
        if isinstance(value, str):
            yield key, value
        elif isinstance(value, dict):
            stack.extend(reversed([(str(k), v) for k, v in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(key, v) for v in value]))
