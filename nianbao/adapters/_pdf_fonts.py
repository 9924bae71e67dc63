"""Which of a PDF's fonts map their glyphs to Unicode only by themselves, read from the file.

pdfium gives every glyph a Unicode value where it can: from the font's ToUnicode map, else from
the font's encoding (a standard one, a predefined CMap: pdfminer reads those too), else from the
font's own character map or the text's ActualText, which pdfminer does not read. Its API does not
say which. A glyph of the last kind is said in the report (`pdf.unicode_from_font`); for that, the
font dictionaries are found in the file's bytes (one scan, at C speed) and named as pdfium
names fonts: their BaseFont, less a subset's prefix. A font dictionary inside a compressed
object stream is not seen: its glyphs are read as before, unsaid.
"""

from __future__ import annotations

import re
import unicodedata

from nianbao.schemas.model import Diagnostic, PagesOrigin

_FONT = re.compile(rb"/Type\s*/Font(?![A-Za-z])")
_BASE_FONT = re.compile(rb"/BaseFont\s*/([^\s/<>\[\]()]+)")
_DESCENDANT = re.compile(rb"/Subtype\s*/CIDFontType[02]")  # its ToUnicode is its parent's
# An encoding that says what each code is, as pdfminer reads it too: a named one (WinAnsi, a
# predefined CMap such as UniGB-UCS2-H) other than Identity, a dictionary of differences, or
# one held elsewhere (an indirect reference, not looked into: taken as saying)
_SAYING_ENCODING = re.compile(rb"/Encoding\s*(?:/(?!Identity-[HV]\b)|<<|\d+\s+\d+\s+R)")
_TYPE3 = re.compile(rb"/Subtype\s*/Type3")
# The 14 standard fonts' own encodings are every reader's: nothing to say
_STANDARD_14 = re.compile(r"(?:Helvetica|Times|Courier|Symbol|ZapfDingbats)(?:[-,].*)?$")
_SUBSET = re.compile(r"^[A-Z]{6}\+")
_OBJECT_REACH = 65_536  # how far from `/Type /Font` its object's ends are looked for


def unprefixed(name: str) -> str:
    """A font's name less a subset's prefix (`ABCDEF+`), which pdfium may drop."""
    return _SUBSET.sub("", name)


def fonts_without_to_unicode(data: bytes) -> frozenset[str]:
    """The names of the fonts whose glyphs only the font itself can map to Unicode: no
    ToUnicode map, and a Type 3 font or one with no encoding or Identity (a standard encoding
    or a predefined CMap is a map pdfminer reads as well). A name some other font has a map
    under is left out: the glyphs cannot be told apart. "" names a font without a BaseFont."""
    lacking: set[str] = set()
    having: set[str] = set()
    for match in _FONT.finditer(data):
        start = data.rfind(b"obj", max(0, match.start() - _OBJECT_REACH), match.start())
        end = data.find(b"endobj", match.end(), match.end() + _OBJECT_REACH)
        if start < 0 or end < 0:
            continue
        body = data[start:end]
        if _DESCENDANT.search(body) and b"/DescendantFonts" not in body:
            continue
        base = _BASE_FONT.search(body)
        name = unprefixed(base.group(1).decode("latin-1")) if base else ""
        own = b"/ToUnicode" not in body and (
            _TYPE3.search(body) is not None
            or (_SAYING_ENCODING.search(body) is None and not _STANDARD_14.match(name))
        )
        (lacking if own else having).add(name)
    return frozenset(lacking - having)


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
