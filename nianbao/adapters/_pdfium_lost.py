"""The text objects pdfium's text page leaves out, read from the page's content stream.

pdfium's text page drops, unsaid, a text object whose box is under 0.01 point wide: a lone
glyph without ink. A browser's print is full of them, a space between two inline elements in a
text object of its own (Chromium's `<0003> Tj`), and so is a font pdfium cannot draw. Reading
such a page whole through pdfminer cost a browser-printed PDF 15 times pdfium's time; instead
the page's content stream is scanned for its text-showing operators, in order (a regular
expression, at C speed), and the k-th operator that makes a text object is the page's k-th
text object pdfium lists: the strings of the objects left out are decoded with pdfminer's
fonts, as pdfplumber would decode them, and placed by pdfium.

The scan is only trusted when it agrees with pdfium: as many text objects as pdfium lists (text
inside Form XObjects is not scanned: such a page is read whole, as before), the font of each
one left out the one pdfium names, and one glyph in it (what pdfium drops: two glyphs already
make a box as wide as the first one's advance). Anything else returns None, and the caller
reads the page whole with pdfplumber, slower, never wrong.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from nianbao.adapters._pdfminer_objects import lazy_objects

# A literal string, balanced parentheses three deep (deeper reads as a mismatch, never wrong).
_LITERAL = rb"\((?:[^()\\]|\\.|\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\))*\)"
_HEX = rb"<[0-9A-Fa-f\s]*>"
_STRING = rb"(?:" + _LITERAL + rb"|" + _HEX + rb")"
_DELIMITED = rb"(?=[\s/\[\]()<>%]|$)"
_OPERATOR = (
    rb"(?=[%B/(<\[qQ])"  # what every alternative starts with: other bytes are passed at once
    rb"(?:%[^\r\n]*"  # a comment
    rb"|(?<![^\s\]>)])BI"
    + _DELIMITED
    + rb".*?\sID\s.*?\sEI"
    + _DELIMITED  # an inline image
    + rb"|/(?P<font>[^\s/\[\]()<>{}%]+)\s+[-+.\d]+\s+Tf"
    + _DELIMITED
    + rb"|(?P<shown>"
    + _STRING
    + rb")\s*(?P<show>Tj|'|\")"
    + _DELIMITED
    + rb"|\[(?P<array>(?:"
    + _STRING
    + rb"|[-+.\d\s]+)*)\]\s*TJ"
    + _DELIMITED
    + rb"|"
    + _STRING  # a string operand of another operator: skipped whole
    + rb"|(?<![^\s\]>)])(?P<state>[qQ])"
    + _DELIMITED
    + rb")"
)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_ESCAPE = rb"\\(?:([0-7]{1,3})|(\r\n|\r|\n)|(.))"


_FORGET_PAGES = 50  # pdfminer's parsed objects are let go every so many pages walked
#: pdfium's content parser keeps the first this many bytes of a string operand, the rest
#: dropped unsaid (`CPDF_StreamParser`'s `kMaxStringLength`)
KEPT_STRING_BYTES = 32_767


@functools.cache
def _compiled(pattern: bytes) -> re.Pattern[bytes]:
    """Compiled on first use: most PDFs never need a content stream read, and the scanner's
    expression takes milliseconds to compile, paid at import by every process otherwise."""
    return re.compile(pattern, re.S)


class Shown(NamedTuple):  # a tuple: a browser's print makes hundreds a page
    """One text object as the content stream makes it: its font's resource name and the
    string operand (`raw`, as written: a string, or a `TJ` array's inside), decoded only for
    the few objects pdfium left out."""

    font: str
    raw: bytes
    array: bool = False

    @property
    def data(self) -> bytes:
        return b"".join(self.strings())

    def strings(self) -> list[bytes]:
        """Each string operand, decoded: one, or a `TJ` array's each."""
        if not self.array:
            return [_string(self.raw)]
        return [_string(m.group()) for m in _compiled(_STRING).finditer(self.raw)]


def shown_strings(stream: bytes) -> list[Shown]:
    """The text objects `stream` makes, in order (pdfium's `AddTextObject`: a `Tj`, `'` or
    `"` of a non-empty string, a `TJ` with a string in its array, a font set)."""
    out: list[Shown] = []
    font: str | None = None
    saved: list[str | None] = []
    string = _compiled(_STRING)
    for match in _compiled(_OPERATOR).finditer(stream):
        name, shown, _, array, state = match.groups()
        if name is not None:
            font = name.decode("latin-1")
        elif state is not None:
            if state == b"q":
                saved.append(font)
            elif saved:
                font = saved.pop()
        elif font is None:
            continue  # no font yet: pdfium makes no object
        elif shown is not None:
            if not _empty(shown):
                out.append(Shown(font, shown))
        elif array is not None and string.search(array):
            out.append(Shown(font, array, array=True))
    return out


def _empty(token: bytes) -> bool:
    """Whether a string token holds no byte (most do: they are only decoded if one is)."""
    inside = token[1:-1]
    if token.startswith(b"<"):
        return not inside.strip()
    return not inside or (b"\\" in inside and not _string(token))


def _string(token: bytes) -> bytes:
    if token.startswith(b"<"):
        digits = b"".join(token[1:-1].split())
        return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))
    return _compiled(_ESCAPE).sub(_unescape, token[1:-1])


def _unescape(match: re.Match[bytes]) -> bytes:
    octal, newline, char = match.groups()
    if octal is not None:
        return bytes([int(octal, 8) & 0xFF])
    if newline is not None:
        return b""  # a backslash before a line break continues the string
    return _ESCAPES.get(char, char)


class ContentStreams:
    """pdfminer's view of a document's pages, opened on the first page that needs it: their
    content streams and fonts."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._document: Any = None
        self._walk: Iterator[Any] | None = None
        self._at: tuple[int, Any] = (-1, None)  # the page last reached, and its number
        self._fonts: dict[int, Any] = {}
        self._manager: Any = None

    def _page(self, index: int) -> Any | None:
        """Page `index`, walked to from the last one asked for (pages come in order); the
        objects pdfminer parsed for the pages before let go, so that memory stays the page's."""
        from pdfminer.pdfpage import PDFPage  # noqa: PLC0415

        if self._walk is None or index < self._at[0]:
            from pdfminer.pdfinterp import PDFResourceManager  # noqa: PLC0415
            from pdfminer.pdfparser import PDFParser  # noqa: PLC0415

            self._document = lazy_objects()(PDFParser(io.BytesIO(self._data)), password="")
            self._walk = iter(PDFPage.create_pages(self._document))
            self._manager = self._manager or PDFResourceManager()
            self._at = (-1, None)
        while self._at[0] < index:
            if self._at[0] % _FORGET_PAGES == _FORGET_PAGES - 1:
                for cache in ("_cached_objs", "_parsed_objs", "_layouts"):  # kept for ever
                    getattr(self._document, cache, {}).clear()
            page = next(self._walk, None)
            if page is None:
                return None
            self._at = (self._at[0] + 1, page)
        return self._at[1]

    def shown(self, index: int) -> tuple[list[Shown], dict[str, Any]] | None:
        """Page `index`'s text objects as its content stream makes them, and its fonts by
        resource name; None when pdfminer finds no such page."""
        from pdfminer.pdftypes import resolve1  # noqa: PLC0415

        page = self._page(index)
        if page is None:
            return None
        stream = b"\n".join(resolve1(s).get_data() for s in page.contents)
        strings = shown_strings(stream)
        fonts = resolve1(resolve1(page.resources or {}).get("Font")) or {}
        return strings, dict(fonts)

    def cut_by_pdfium(self, index: int) -> bool:
        """Whether page `index`'s content stream has a string operand longer than pdfium
        keeps (`KEPT_STRING_BYTES`); True when pdfminer finds no such page."""
        shown = self.shown(index)
        if shown is None:
            return True
        return any(
            len(string) > KEPT_STRING_BYTES for text in shown[0] for string in text.strings()
        )

    def decode(self, spec: Any, data: bytes) -> list[str]:
        """The text of each glyph in `data`, pdfminer's reading of it in the font `spec`
        (pdfminer's `(cid:N)` for a glyph its font maps to no Unicode)."""
        from pdfminer.pdffont import PDFUnicodeNotDefined  # noqa: PLC0415
        from pdfminer.pdftypes import PDFObjRef, resolve1  # noqa: PLC0415

        key = spec.objid if isinstance(spec, PDFObjRef) else id(spec)
        font = self._fonts.get(key)
        if font is None:
            objid = spec.objid if isinstance(spec, PDFObjRef) else None
            font = self._fonts[key] = self._manager.get_font(objid, resolve1(spec))
        out = []
        for cid in font.decode(data):
            try:
                out.append(font.to_unichr(cid))
            except PDFUnicodeNotDefined:
                out.append(f"(cid:{cid})")
        return out

    @staticmethod
    def base_font(spec: Any) -> str:
        from pdfminer.pdftypes import resolve1  # noqa: PLC0415
        from pdfminer.psparser import PSLiteral  # noqa: PLC0415

        name = resolve1(spec).get("BaseFont")
        if not isinstance(name, PSLiteral):
            return ""
        value = name.name
        return value.decode("latin-1") if isinstance(value, bytes) else str(value)
