"""Characters whose Unicode their font's ToUnicode map does not give (`pdf.unicode_outside_map`).

pdfium gives a glyph the value its font's ToUnicode map holds for the glyph's code; where the map
lacks the code, it falls back to the font's encoding or its own character map, and says nothing
(pdfminer does the same with an encoding: `partial-unicode-map.pdf`, a map lacking every other
entry, reads its 3 and 5 from the TrueType font's codes). pdfium gives neither the glyph's code
nor where its value came from. But a value that no entry of the map gives cannot be the map's:
the maps of the fonts a page uses are read from the file (each once a document, when a page
first needs it: found by their object numbers, inflated, the destinations of their `bfchar` and
`bfrange` entries kept), and a character whose value is none of its font's map's is counted.

Fonts are named as `_pdf_fonts` names them (their BaseFont less a subset's prefix, "" for a Type 3
font), so a character is looked up in the maps of every font of its name: a value some other
font of that name maps is taken as the map's (counted short, never over). Text in an ActualText
span is its writer's own statement, not a reading of the font (Chromium marks 人 so, whose glyph
its map gives as the radical ⼈): not counted. A map that cannot be read (another filter, damage)
counts nothing.
"""

from __future__ import annotations

import bisect
import ctypes
import operator
import re
from collections.abc import Iterable, Mapping, Sequence

from nianbao.adapters._pdf_fonts import inflated, is_real_character, stream_at, unprefixed
from nianbao.adapters._pdf_text import Char
from nianbao.adapters._pdfium_api import Api
from nianbao.schemas.model import Diagnostic, PagesOrigin

_FLATE = re.compile(rb"/FlateDecode\b")
_OTHER_FILTER = re.compile(rb"/(?:ASCII85|ASCIIHex|LZW|RunLength|DCT|JPX|JBIG2|CCITTFax)Decode\b")
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_CHAR_ENTRY = re.compile(rb"<[0-9A-Fa-f]*>\s*<([0-9A-Fa-f]*)>")
_RANGE_ENTRY = re.compile(
    rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]*)>|\[([^\]]*)\])"
)
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")
_MAX_INFLATED = 4 * 2**20  # a ToUnicode map inflating past this is damage: counted as unread
_ACTUAL_TEXT = b"ActualText"
_TEXT = operator.itemgetter("text")
_SIZE = ctypes.byref(ctypes.c_ulong())  # where pdfium writes a mark's value's size: not read
_FEW = 1024  # a range of fewer values is kept as its values, looked up at the speed of a set


class MapValues:
    """The values one name's ToUnicode maps give: code points, and ranges of them."""

    def __init__(self) -> None:
        self.points: set[int] = set()
        self.ranges: list[tuple[int, int]] = []

    def holds(self, code: int) -> bool:
        return code in self.points or any(low <= code <= high for low, high in self.ranges)

    def read(self, cmap: bytes) -> None:
        for block in _BFCHAR.findall(cmap):
            self.points.update(map(ord, _texts(_CHAR_ENTRY.findall(block))))
        for block in _BFRANGE.findall(cmap):
            for low, high, start, array in _RANGE_ENTRY.findall(block):
                if array:
                    self.points.update(map(ord, _texts(_HEX.findall(array))))
                    continue
                first = _texts([start])
                self.points.update(map(ord, first[:-1]))
                if first:  # the last code unit counts up through the range
                    low_value = ord(first[-1])
                    high_value = low_value + max(int(high, 16) - int(low, 16), 0)
                    if high_value - low_value < _FEW:
                        self.points.update(range(low_value, high_value + 1))
                    else:
                        self.ranges.append((low_value, high_value))


def _texts(values: list[bytes]) -> str:
    """Destinations of a map, UTF-16BE in hexadecimal, as one text: decoded together, one
    call for a whole block (a map of a few thousand entries is read in a millisecond)."""
    whole = b"".join(value for value in values if len(value) % 4 == 0)
    return bytes.fromhex(whole.decode("ascii")).decode("utf-16-be", "surrogatepass")


class ToUnicodeMaps:
    """The values of the ToUnicode maps of a document's fonts, by font name, read when asked."""

    def __init__(self, data: bytes, references: Mapping[str, Iterable[int]]) -> None:
        self._data = data
        self._references = references
        self._objects: dict[int, int] | None = None
        self._values: dict[str, MapValues | None] = {}
        self._seen: dict[str, set[int]] = {}  # values looked up, by font name
        self._outside: dict[str, set[int]] = {}  # those the maps do not give

    def values(self, name: str) -> MapValues | None:
        """What the maps of the fonts named `name` give; None where none has a readable map."""
        if name not in self._values:
            self._values[name] = self._read(name)
        return self._values[name]

    def outside(self, name: str, codes: set[int]) -> set[int]:
        """Of `codes`, values the fonts named `name` gave, the real characters their maps do
        not give; each value looked up once a document (a page's are mostly the last's)."""
        seen = self._seen.setdefault(name, set())
        new = codes - seen
        if new:
            seen |= new
            values = self.values(name)
            if values is not None:
                self._outside.setdefault(name, set()).update(
                    c for c in new if not values.holds(c) and c > 0x20 and is_real_character(c)
                )
        return codes & self._outside.get(name, set())

    def _read(self, name: str) -> MapValues | None:
        references = self._references.get(name)
        if not references:
            return None
        if self._objects is None:  # every map's object, found at once
            self._objects = _objects(self._data, set().union(*self._references.values()))
        values = MapValues()
        for number in references:
            cmap = self._stream(number)
            if cmap is None:
                return None  # a map that cannot be read says nothing of any glyph
            values.read(cmap)
        return values

    def _stream(self, number: int) -> bytes | None:
        assert self._objects is not None
        data, at = self._data, self._objects.get(number)
        if at is None:
            return None
        stream = stream_at(data, at, at)
        if stream is None:
            return None
        head, body = stream
        if _OTHER_FILTER.search(head):
            return None
        return inflated(body, _MAX_INFLATED) if _FLATE.search(head) else body


def _objects(data: bytes, numbers: Iterable[int]) -> dict[int, int]:
    """Where objects `numbers` (of generation 0) start in `data`, after their `obj` keyword.
    Writers write objects in the order of their numbers, mostly: each is looked for from where
    the one before it was found, then from the start, so that all take about one pass."""
    out: dict[int, int] = {}
    at = 0
    for number in sorted(set(numbers)):
        key = b"%d 0 obj" % number
        found = _find(data, key, at)
        if found < 0 and at:
            found = _find(data, key, 0)
        if found >= 0:
            out[number] = at = found + len(key)
    return out


def _find(data: bytes, key: bytes, start: int) -> int:
    """Where `key` (`N 0 obj`) stands in `data` from `start`, not inside a longer number."""
    found = data.find(key, start)
    while found > 0 and data[found - 1 : found].isdigit():
        found = data.find(key, found + 1)
    return found


def strays(maps: ToUnicodeMaps, codes: Iterable[tuple[str, Iterable[int]]]) -> dict[str, set[str]]:
    """Of the code points a page's fonts gave (`codes`: a font's name and its values), those
    their maps do not give, as text, by font name: real characters only (what is not one is
    unmapped anyway)."""
    by_name: dict[str, set[int]] = {}
    for name, seen in codes:
        by_name.setdefault(name, set()).update(seen)
    out: dict[str, set[str]] = {}
    for name, seen in by_name.items():
        if found := maps.outside(name, seen):
            out[name] = {chr(c) for c in found}
    return out


def count_outside(
    api: Api, chars: Sequence[Char], firsts: Mapping[int, int], found: Mapping[str, set[str]]
) -> int:
    """How many of `chars` are `found` (a value its font's map does not give) outside an
    ActualText span; `firsts` gives each text object's first character, its others following."""
    if not found:
        return 0
    texts = set().union(*found.values())
    hits = [
        i
        for i in _where(chars, texts)
        if chars[i]["text"] in found.get(unprefixed(str(chars[i]["fontname"])), ())
    ]
    if not hits:
        return 0
    # each object's first character, in the order of the page's characters (`firsts` is)
    objects, starts = list(firsts), list(firsts.values())
    spoken: dict[int, bool] = {}
    count = 0
    for i in hits:
        obj = objects[bisect.bisect_right(starts, i) - 1]
        if obj not in spoken:
            spoken[obj] = _in_actual_text(api, obj)
        count += not spoken[obj]
    return count


def _where(chars: Sequence[Char], texts: set[str]) -> list[int]:
    """The indexes of the characters whose text is one of `texts`, in order: looked for in the
    page's text at C speed where each character is one code point (nearly every page)."""
    page = "".join(map(_TEXT, chars))
    if len(page) != len(chars):
        return [i for i, text in enumerate(map(_TEXT, chars)) if text in texts]
    out: list[int] = []
    for text in texts:
        at = page.find(text)
        while at >= 0:
            out.append(at)
            at = page.find(text, at + 1)
    return sorted(out)


def _in_actual_text(api: Api, obj: int) -> bool:
    """Whether text object `obj` is in a marked-content span with an ActualText."""
    for k in range(api.count_marks(obj)):
        mark = api.get_mark(obj, k)
        if mark and api.mark_string(mark, _ACTUAL_TEXT, None, 0, _SIZE):
            return True
    return False


def outside_map_diagnostic(counts: dict[int, int]) -> Diagnostic | None:
    """Said once per report: how many characters, on which pages, have a Unicode value their
    font's ToUnicode map does not give."""
    if not counts:
        return None
    pages = sorted(counts)
    return Diagnostic(
        code="pdf.unicode_outside_map",
        severity="info",
        message=f"{sum(counts.values())} characters of fonts with a ToUnicode map have a "
        f"Unicode value the map does not give (pages {', '.join(map(str, pages))}): the map "
        "lacks their glyphs, and their text is pdfium's reading of the font's encoding or own "
        "character map",
        origin=PagesOrigin(pages=pages),
    )
