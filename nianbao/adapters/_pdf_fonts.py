"""Which of a PDF's fonts map their glyphs to Unicode only by themselves, read from the file.

pdfium gives every glyph a Unicode value where it can: from the font's ToUnicode map, else from
the font's encoding (a standard one, a predefined CMap: pdfminer reads those too), else from the
font's own character map or the text's ActualText, which pdfminer does not read. Its API does not
say which. A glyph of the last kind is said in the report (`pdf.unicode_from_font`); for that, the
font dictionaries are found in the file's bytes (one scan, at C speed) and named as pdfium
names fonts: their BaseFont, less a subset's prefix. A font dictionary inside a compressed
object stream (PDF 1.5's `/Type /ObjStm`, as Word and qpdf write them) is read from the stream,
inflated (FlateDecode, the filter every writer uses for them; a stream with another filter, or
damaged, is passed over and its fonts' glyphs read as before, unsaid). The same scan takes the
object numbers of the other fonts' ToUnicode maps, for the glyphs a map lacks
(`_pdf_unicode_maps`).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterator

from nianbao.schemas.model import Diagnostic, PagesOrigin

_FONT = re.compile(rb"/Type\s*/Font(?![A-Za-z])")
_BASE_FONT = re.compile(rb"/BaseFont\s*/([^\s/<>\[\]()]+)")
_DESCENDANT = re.compile(rb"/Subtype\s*/CIDFontType[02]")  # its ToUnicode is its parent's
# An encoding that says what each code is, as pdfminer reads it too: a named one (WinAnsi, a
# predefined CMap such as UniGB-UCS2-H) other than Identity, a dictionary of differences, or
# one held elsewhere (an indirect reference, not looked into: taken as saying)
_SAYING_ENCODING = re.compile(rb"/Encoding\s*(?:/(?!Identity-[HV]\b)|<<|\d+\s+\d+\s+R)")
_TO_UNICODE = re.compile(rb"/ToUnicode\s+(\d+)\s+0\s+R")
_TYPE3 = re.compile(rb"/Subtype\s*/Type3")
# The 14 standard fonts' own encodings are every reader's: nothing to say
_STANDARD_14 = re.compile(r"(?:Helvetica|Times|Courier|Symbol|ZapfDingbats)(?:[-,].*)?$")
_SUBSET = re.compile(r"^[A-Z]{6}\+")
_OBJECT_REACH = 65_536  # how far from `/Type /Font` its object's ends are looked for
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm(?![A-Za-z])")
_FLATE = re.compile(rb"/Filter\s*(?:\[\s*)?/FlateDecode\s*\]?")
_FIRST = re.compile(rb"/First\s+(\d+)")
_STREAM_DATA = re.compile(rb"stream\r?\n")
#: The most of one object stream inflated: its dictionaries are small, and a stream that
#: inflates past this is damage or a bomb, its fonts left unseen
_MAX_INFLATED = 16 * 2**20


def unprefixed(name: str) -> str:
    """A font's name less a subset's prefix (`ABCDEF+`), which pdfium may drop."""
    return _SUBSET.sub("", name)


def fonts_without_to_unicode(data: bytes) -> frozenset[str]:
    """The names of the fonts whose glyphs only the font itself can map to Unicode: no
    ToUnicode map, and a Type 3 font or one with no encoding or Identity (a standard encoding
    or a predefined CMap is a map pdfminer reads as well). A name some other font has a map
    under is left out: the glyphs cannot be told apart. "" names a font without a BaseFont."""
    return scan_fonts(data)[0]


def scan_fonts(data: bytes) -> tuple[frozenset[str], dict[str, set[int]]]:
    """`fonts_without_to_unicode`, and the object numbers of the ToUnicode maps of the other
    fonts, by name (`_pdf_unicode_maps`)."""
    lacking: set[str] = set()
    having: set[str] = set()
    maps: dict[str, set[int]] = {}
    for body in _font_bodies(data):
        if _DESCENDANT.search(body) and b"/DescendantFonts" not in body:
            continue
        base = _BASE_FONT.search(body)
        name = unprefixed(base.group(1).decode("latin-1")) if base else ""
        own = b"/ToUnicode" not in body and (
            _TYPE3.search(body) is not None
            or (_SAYING_ENCODING.search(body) is None and not _STANDARD_14.match(name))
        )
        (lacking if own else having).add(name)
        if (reference := _TO_UNICODE.search(body)) is not None:
            maps.setdefault(name, set()).add(int(reference.group(1)))
    return frozenset(lacking - having), maps


def _font_bodies(data: bytes) -> Iterator[bytes]:
    """The body of each object of `data` that is a font dictionary: in the file, and in its
    object streams."""
    for match in _FONT.finditer(data):
        start = data.rfind(b"obj", max(0, match.start() - _OBJECT_REACH), match.start())
        end = data.find(b"endobj", match.end(), match.end() + _OBJECT_REACH)
        if start >= 0 and end >= 0:
            yield data[start:end]
    for objects in _object_streams(data):
        yield from (body for body in objects if _FONT.search(body))


def _object_streams(data: bytes) -> Iterator[list[bytes]]:
    """The objects of each object stream of `data` (`/Type /ObjStm`), each one's body."""
    for match in _OBJECT_STREAM.finditer(data):
        start = data.rfind(b"obj", max(0, match.start() - _OBJECT_REACH), match.start())
        stream = stream_at(data, start, match.end()) if start >= 0 else None
        if stream is None:
            continue
        head, raw = stream
        first = _FIRST.search(head)
        if first is None or not _FLATE.search(head) or b"/DecodeParms" in head:
            continue
        content = inflated(raw, _MAX_INFLATED)
        if content is None:
            continue
        at = int(first.group(1))
        numbers = content[:at].split()
        offsets = [int(n) for n in numbers[1::2] if n.isdigit()]
        ends = [*offsets[1:], len(content) - at]
        yield [content[at + a : at + b] for a, b in zip(offsets, ends, strict=True)]


def stream_at(data: bytes, start: int, keyword_from: int) -> tuple[bytes, bytes] | None:
    """The dictionary and the raw data of the stream object that starts at `start` in `data`,
    its `stream` keyword looked for from `keyword_from`, within reach; None where it has none."""
    opening = _STREAM_DATA.search(data, keyword_from, keyword_from + _OBJECT_REACH)
    end = data.find(b"endstream", opening.end()) if opening is not None else -1
    if opening is None or end < 0:
        return None
    return data[start : opening.start()], data[opening.end() : end]


def inflated(raw: bytes, limit: int) -> bytes | None:
    """`raw` inflated (FlateDecode); None where it is damaged, or inflates past `limit` (damage
    or a bomb: what lies past it is not read, rather than read cut short)."""
    inflater = zlib.decompressobj()
    try:
        content = inflater.decompress(raw, limit)
    except zlib.error:
        return None
    return None if inflater.unconsumed_tail else content


def is_real_character(code: int) -> bool:
    """Whether a font's own map gives a character text can hold as it is: not private-use,
    not a control code, not a noncharacter, not half a surrogate pair."""
    if code >= 0x110000:
        return False
    return unicodedata.category(chr(code)) not in ("Co", "Cc", "Cs", "Cn")


def font_unicode_diagnostic(counts: dict[int, int]) -> Diagnostic | None:
    """Said once per report: how many characters, on which pages, pdfium gave a Unicode value
    their font's ToUnicode map does not hold."""
    if not counts:
        return None
    pages = sorted(counts)
    return Diagnostic(
        code="pdf.unicode_from_font",
        severity="info",
        message=f"{sum(counts.values())} characters are of fonts without a ToUnicode map or a "
        "standard encoding "
        f"(pages {', '.join(map(str, pages))}): their text is pdfium's reading of the font's "
        "own encoding or character map (or of the text's ActualText); glyphs with no Unicode "
        "there are left out as unmapped",
        origin=PagesOrigin(pages=pages),
    )
