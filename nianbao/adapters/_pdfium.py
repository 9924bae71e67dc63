"""pdfium (pypdfium2) reads a PDF's pages: the default engine, several times pdfplumber's speed.

pdfminer parses content streams in pure Python, and that was most of the time nianbao spent on a
PDF. pdfium parses them in C++; this module asks it, through pypdfium2's raw C API, for what
pdfplumber would give of a page (`_pdf_page.PageRead`), in pdfplumber's coordinates, so that the
tables and text made from it are the same code and, on every PDF the tests hold, the same result.

Characters. pdfium's text page lists each glyph with its Unicode value, its origin and its text
object (font, size, matrix). Its boxes are the glyph's ink (`GetCharBox`) or a box grown to the
ink (`GetLooseCharBox`), and the ink changes with the font pdfium substitutes for one that is not
embedded. So a box is built as pdfminer builds it: from the origin, as wide as the advance the
font's widths give, one em tall from the font's descent (in vertical writing one em wide, the
vertical advance tall). Two differences from pdfminer remain: pdfium takes a font's descent from
its glyphs when the font descriptor says 0 (pdfminer keeps the 0: its boxes then sit on the
baseline), and it names some fonts without their subset prefix. Neither moves a character to
another line or cell (tests/test_pdf_engines.py).

pdfium's text page leaves out what it takes for a duplicate of the text just before it (fake
bold, which the adapter drops anyway). It also leaves out, without a word, every text object
whose glyphs have no box, which is what a font neither embedded nor installed gives: `page`
returns None for a page where a text object went missing that way, and the adapter reads that
page with pdfplumber. A lone space in a text object of its own goes missing the same way, and
pdfium gives no means to tell it from a glyph it could not place: its page goes to pdfplumber
too, slower, never wrong.

pdfium's content parser keeps the first 32,767 bytes of a string operand and drops the rest
unsaid (`CPDF_StreamParser`'s `kMaxStringLength`), so one `Tj` of 100,000 glyphs gives 32,767 of
them. A page with a text object of `_CUT_GLYPHS` glyphs or more, as many as a cut string can
hold at four bytes a glyph, has its content stream's strings measured (`_pdfium_lost`): where
one is longer than pdfium keeps, the page goes to pdfplumber, which keeps them all (pdfium
never parsed the glyphs past the cut, so it cannot place them); a long line that was not cut
(32,000 one-byte glyphs) is pdfium's. Text in a Form XObject is not measured: such a page
goes to pdfplumber. A ToUnicode map can map a
glyph to a surrogate pair, which pdfium gives as two characters, or to half of one, which no
UTF-8 text can hold: a pair enters nianbao as the character it stands for, a lone half as
U+FFFD, counted (`PageRead.lone_surrogates`), so that nothing downstream meets a surrogate.

Graphics are `_pdfium_graphics`'s. pdfium keeps one library state per process and must not be
called from two threads at once: the caller holds `_pdfium_api.LOCK` while a document is open.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Any

from nianbao.adapters._memory import give_back_freed
from nianbao.adapters._pdf_fonts import is_real_character, scan_fonts, unprefixed
from nianbao.adapters._pdf_page import PageRead
from nianbao.adapters._pdf_text import Char
from nianbao.adapters._pdf_unicode_maps import ToUnicodeMaps, count_outside, strays
from nianbao.adapters._pdfium_api import (
    DIGITS,
    FACTOR_DIGITS,
    Api,
    FsMatrix,
    FsRect,
    Matrix,
    Placement,
    Rounded,
    the_api,
)
from nianbao.adapters._pdfium_graphics import Graphics
from nianbao.adapters._pdfium_lost import ContentStreams, Shown
from nianbao.errors import DocumentLoadError

__all__ = ["PdfiumDocument"]

_PASSWORD = 4  # FPDF_ERR_PASSWORD
#: The fewest glyphs a string cut at pdfium's 32,767 bytes can hold (four bytes a glyph): a
#: text object this long may have lost glyphs. Far past any line of a report.
_CUT_GLYPHS = 32_767 // 4
_SURROGATES = range(0xD800, 0xE000)
_REPLACEMENT = "\ufffd"
#: Pages read between two openings of the document (`PdfiumDocument._fresh`): reopening costs
#: a parse of the cross-reference table, a millisecond or two.
_REOPEN_PAGES = 50


class PdfiumDocument:
    """An open PDF; hold `LOCK` from opening to `close`."""

    def __init__(self, data: bytes, source: str) -> None:
        self._source = source
        self._data = data
        self._streams: ContentStreams | None = None  # opened for the first page that needs it
        self._api = the_api()
        self._pdf: Any = None
        self._open()
        self._without_to_unicode, maps = scan_fonts(data)
        self._maps = ToUnicodeMaps(data, maps)
        self._pages = len(self._pdf) if self._pdf is not None else 0
        self._doctop = 0.0
        self._since_open = 0  # pages read since the document was last opened

    def _open(self) -> None:
        import pypdfium2  # noqa: PLC0415

        try:
            # pdfium tries the empty user password itself: an owner-only encryption opens
            self._pdf = pypdfium2.PdfDocument(self._data)
        except pypdfium2.PdfiumError as exc:
            if exc.err_code == _PASSWORD:
                raise DocumentLoadError(
                    "encrypted: needs a password (opening with an empty one failed)",
                    source=self._source,
                ) from exc
            raise DocumentLoadError(
                f"not a readable PDF, damaged or truncated ({exc})", source=self._source
            ) from exc
        self._handle = ctypes.cast(self._pdf.raw, ctypes.c_void_p).value

    def __len__(self) -> int:
        return self._pages

    def close(self) -> None:
        self._pdf.close()
        give_back_freed()

    def _fresh(self) -> None:
        """pdfium keeps every object it has parsed, each page's fonts and streams among them,
        until the document is closed: half a megabyte a page of a WPS report, 1.2 GB for 2,000
        pages. Opened anew every `_REOPEN_PAGES` pages, a document holds in memory what a few
        dozen pages need, whatever its length."""
        if self._since_open >= _REOPEN_PAGES:
            self._pdf.close()
            give_back_freed()
            self._open()
            self._since_open = 0
        self._since_open += 1

    def page(self, index: int) -> PageRead | None:
        """Page `index` (0-based) as pdfplumber would read it; None when pdfium's text page left
        out text it could not place (the caller reads the page another way)."""
        self._fresh()
        api = self._api
        page = api.load_page(self._handle, index)
        if not page:
            raise DocumentLoadError(
                f"not a readable PDF, damaged or truncated (page {index + 1} does not load)",
                source=self._source,
            )
        text = api.load_text(page)
        try:
            if not text:
                raise DocumentLoadError(
                    f"not a readable PDF, damaged or truncated (page {index + 1}'s text "
                    "does not load)",
                    source=self._source,
                )
            place = self._placement(page, index)
            graphics = Graphics(api, place, self._doctop)
            graphics.walk(page)
            chars, firsts, longest, lone, from_font, made = _chars(
                api, text, place, self._doctop, self._without_to_unicode
            )
            codes = [(unprefixed(f.name), f.widths) for f in made.values() if not f.own_map]
            outside = count_outside(api, chars, firsts, strays(self._maps, codes))
            left_out = [o for o in graphics.texts if o not in firsts and graphics.narrow(o)]
            lost = (longest >= _CUT_GLYPHS and self._cut(index, graphics)) or (
                bool(left_out)
                and not self._recover(index, left_out, graphics, place, chars, firsts)
            )
            read = PageRead(
                index + 1,
                place.width,
                place.height,
                chars,
                graphics.edges(),
                graphics.pictures,
                lone_surrogates=lone,
                font_unicode=from_font,
                outside_map=outside,
                visible=self._visible(page, place),
                area=graphics.area(),
            )
        finally:
            if text:
                api.close_text(text)
            api.close_page(page)
        self._doctop += place.height
        return None if lost else read

    def _streams_opened(self) -> ContentStreams:
        if self._streams is None:
            self._streams = ContentStreams(self._data)
        return self._streams

    def _cut(self, index: int, graphics: Graphics) -> bool:
        """Whether pdfium's parser cut a string of page `index`, leaving glyphs out; True where
        that cannot be seen (text inside a Form XObject, whose streams are not scanned)."""
        return bool(graphics.inner) or self._streams_opened().cut_by_pdfium(index)

    def _recover(  # noqa: PLR0917
        self,
        index: int,
        left_out: list[int],
        graphics: Graphics,
        place: Placement,
        chars: list[Char],
        firsts: dict[int, int],
    ) -> bool:
        """Put the characters of the text objects pdfium's text page left out into `chars`,
        each where its object comes in the page's order, as read from the page's content
        stream (`_pdfium_lost`); False, `chars` untouched, where that reading cannot be
        trusted."""
        if any(obj in graphics.inner for obj in left_out):
            return False
        shown = self._streams_opened().shown(index)
        top = [obj for obj in graphics.texts if obj not in graphics.inner]
        if shown is None or len(shown[0]) != len(top):
            return False
        strings, fonts = shown
        order = {obj: k for k, obj in enumerate(top)}
        found: list[tuple[int, int, Char]] = []  # where, in the page's order, what
        for obj in left_out:
            char = self._lost_char(obj, strings[order[obj]], fonts, place)
            if char is None:
                return False
            # before the first character of the next text object that has any
            later = (firsts.get(o) for o in top[order[obj] + 1 :])
            at = next((i for i in later if i is not None), len(chars))
            found.append((at, order[obj], char))
        # from the end, so that each insertion leaves the places still to come where they are
        for at, _, char in sorted(found, key=lambda spot: spot[:2], reverse=True):
            chars.insert(at, char)
        return True

    def _lost_char(
        self, obj: int, shown: Shown, fonts: dict[str, Any], place: Placement
    ) -> Char | None:
        """The one glyph of text object `obj`, its text decoded by pdfminer from what the
        content stream `shown`, its box made by pdfium as any other's."""
        api = self._api
        spec = fonts.get(shown.font)
        assert self._streams is not None
        if spec is None:
            return None
        font = _font(api, api.font(obj) or 0, self._without_to_unicode)
        if unprefixed(font.name) != unprefixed(self._streams.base_font(spec)):
            return None
        texts = self._streams.decode(spec, shown.data)
        if len(texts) != 1:
            return None
        size, m = ctypes.c_float(), FsMatrix()
        api.font_size(obj, size)
        if not api.object_matrix(obj, m):
            return None
        linear = tuple(round(v, FACTOR_DIGITS) for v in (m.a, m.b, m.c, m.d))
        run = _Run(font, round(size.value, DIGITS), linear, place.matrix)
        text = texts[0]
        code = ord(text) if len(text) == 1 else 0
        char = _box(api, code, run, round(m.e, DIGITS), round(m.f, DIGITS), place, text)
        char["doctop"] = self._doctop + char["top"]
        return char

    def _visible(self, page: int, place: Placement) -> tuple[float, float] | None:
        """The CropBox's left and right in the page's coordinates, where it is narrower than
        the MediaBox (`PageRead.visible`)."""
        x0, y0, x1, y1 = (ctypes.c_float() for _ in range(4))
        if not self._api.crop_box(page, x0, y0, x1, y1):
            return None
        m = place.matrix
        xs = [
            m[0] * x + m[2] * y + m[4] for x in (x0.value, x1.value) for y in (y0.value, y1.value)
        ]
        left, right = max(min(xs), 0.0), min(max(xs), place.width)
        if left <= 0 and right >= place.width:
            return None
        return left, right

    def _placement(self, page: int, index: int) -> Placement:
        api = self._api
        x0, y0, x1, y1 = (ctypes.c_float() for _ in range(4))
        if api.media_box(page, x0, y0, x1, y1):
            box = (x0.value, y0.value, x1.value, y1.value)
            if box[0] == box[2] or box[1] == box[3]:  # [0 0 5e2 842]: pdfplumber refuses it too
                raise DocumentLoadError(
                    f"not a readable PDF, damaged or truncated (page {index + 1} has no valid "
                    "MediaBox)",
                    source=self._source,
                )
        else:  # inherited from the page tree: pdfium's page box is it (less any CropBox)
            rect = FsRect()
            api.page_box(page, rect)
            box = (rect.left, rect.bottom, rect.right, rect.top)
        return Placement.of(box, api.rotation(page) * 90)


# --- characters --------------------------------------------------------------------------------


@dataclass
class _Font:
    handle: int
    name: str
    descent: float  # per 1000 units of the em, negative below the baseline
    widths: dict[int, float] = field(default_factory=dict)  # per 1000 units, by Unicode value
    own_map: bool = False  # no ToUnicode map: pdfium's Unicode is the font's own map's

    def width(self, api: Api, code: int) -> float:
        """The advance of the glyph for `code`: negative in vertical writing (pdfium's
        `GetGlyphWidth` then gives the vertical advance)."""
        width = self.widths.get(code)
        if width is None:
            out = ctypes.c_float()
            if not self.handle or not api.glyph_width(self.handle, code, 1000.0, out):
                out.value = 0.0
            width = self.widths[code] = round(out.value, DIGITS)
        return width


class _Run:
    """What the characters of one text object share."""

    __slots__ = ("a", "drop", "font", "linear", "plain", "rise", "size", "upright")

    def __init__(
        self, font: _Font, size: float, linear: tuple[float, float, float, float], place: Matrix
    ) -> None:
        self.font = font
        self.size = size  # the font size, in text space
        self.linear = linear  # text space -> user space, less the translation
        a, b, c, d = linear
        # pdfminer's `upright` is of the matrix to its device space: pdfplumber's, y not flipped
        da, db = a * place[0] + b * place[2], -(a * place[1] + b * place[3])
        dc, dd = c * place[0] + d * place[2], -(c * place[1] + d * place[3])
        self.upright = da * dd > 0 and db * dc <= 0
        # upright text on a page not turned: a box without corners to sort (most text)
        self.plain = a > 0 and b == 0 and c == 0 and d > 0 and place[:4] == (1, 0, 0, -1)
        # what `_chars` computes of each such box that is the run's, not the glyph's: the
        # same operations, in the same order, so the same bits
        self.a = a
        low = font.descent * size / 1000
        self.rise = d * (low + size)  # the box's top above the origin
        self.drop = d * low  # its bottom


#: What `_run_of` has made on a page: runs by font, size and matrix (text objects repeat them),
#: fonts by handle; and the buffers pdfium writes a text object's size and matrix into.
_Made = tuple[dict[tuple[float, ...], _Run], dict[int, _Font], ctypes.c_float, FsMatrix]


def _chars(  # noqa: PLR0915  # the per-glyph loop, kept in one frame for speed
    api: Api, text: int, place: Placement, doctop: float, without_to_unicode: frozenset[str]
) -> tuple[list[Char], dict[int, int], int, int, int, dict[int, _Font]]:
    """The page's characters, the text objects they came from (each with the index of its
    first character), the most characters in a row from one text object, how many lone
    surrogates became U+FFFD, how many characters' Unicode is their font's own (of a font
    in `without_to_unicode`; where that is no real character, the glyph is unmapped), and the
    fonts, by handle, with the Unicode values each gave (`_Font.widths`)."""
    chars: list[Char] = []
    longest = length = current = 0
    halves = False  # a character was half a surrogate pair
    from_font = 0
    runs: dict[int, _Run] = {}
    firsts: dict[int, int] = {}
    made: _Made = ({}, {}, ctypes.c_float(), FsMatrix())
    ox, oy = ctypes.c_double(), ctypes.c_double()
    # pdfium's per-character calls without ctypes' argument conversions (`Api.bare_*`)
    page_text, at_x, at_y = ctypes.c_void_p(text), ctypes.byref(ox), ctypes.byref(oy)
    bare_unicode, bare_text_object, bare_origin, bare_generated, bare_unmapped = (
        api.bare_unicode,
        api.bare_text_object,
        api.bare_origin,
        api.bare_generated,
        api.bare_unmapped,
    )
    right, down = place.matrix[4], place.matrix[5]
    rounded = Rounded()
    last_obj, last_x, last_y = 0, 0.0, 0.0
    for i in range(api.count_chars(text)):
        code = bare_unicode(page_text, i)
        if code == 0x20 and bare_generated(page_text, i):
            continue  # a space pdfium put between words
        obj = bare_text_object(page_text, i)
        if not obj:
            continue  # a line break pdfium put between lines
        if obj == current:
            length += 1
        else:
            longest, current, length = max(longest, length), obj, 1
        if 0xD800 <= code < 0xE000:
            halves = True
        bare_origin(page_text, i, at_x, at_y)
        x, y = rounded[ox.value], rounded[oy.value]
        if obj == last_obj and x == last_x and y == last_y:
            # one glyph, several characters (a ligature): pdfium lists each at the glyph's
            # origin, pdfminer gives the glyph their text
            chars[-1]["text"] += _text(api, text, i, code)
            continue
        last_obj, last_x, last_y = obj, x, y
        run = runs.get(obj)
        if run is None:
            run = runs[obj] = _run_of(api, text, i, obj, made, place, without_to_unicode)
            firsts[obj] = len(chars)
        font = run.font
        width = font.widths.get(code)
        if width is None:
            width = font.width(api, code)
        ordinary = (
            run.plain
            and width > 0
            and not font.own_map
            and code > 0x20
            and code != 0x7F
            and not 0xE000 <= code <= 0xF8FF
            and not bare_unmapped(page_text, i)
        )
        if ordinary or (run.plain and width >= 0 and run.size > 0):
            # the common case, computed as `_char` computes it, in the same order; other text
            # (a font's own map, an unmapped glyph, a control code) as `_text` spells it, and
            # a glyph its font does not know as wide as pdfium's loose box reaches
            top = down - (y + run.rise)
            bottom = down - (y + run.drop)
            reach = width * run.size / 1000 if width > 0 else _loose_right(api, text, i, x) / run.a
            char: Char = {
                "text": chr(code) if ordinary else _text(api, text, i, code),
                "x0": x + right,
                "x1": x + run.a * reach + right,
                "top": top,
                "bottom": bottom,
                "size": bottom - top,
                "fontname": font.name,
                "upright": run.upright,
                "doctop": doctop + top,
            }
            chars.append(char)
            if ordinary:
                continue
        else:
            char = _char(api, text, i, code, run, x, y, place)
            char["doctop"] = doctop + char["top"]
            chars.append(char)
        # (half a surrogate pair is `_join_halves`'s: a pair joined, a lone half U+FFFD, said)
        if (
            font.own_map
            and code > 0x20
            and code not in _SURROGATES
            and not bare_unmapped(page_text, i)
        ):
            if is_real_character(code):
                from_font += 1
            else:  # pdfminer's spelling of a glyph its font gives no Unicode for
                char["text"] = f"(cid:{code})"
    lone = _join_halves(chars) if halves else 0
    return chars, firsts, max(longest, length), lone, from_font, made[1]


def _run_of(  # noqa: PLR0917
    api: Api,
    text: int,
    i: int,
    obj: int,
    made: _Made,
    place: Placement,
    without_to_unicode: frozenset[str],
) -> _Run:
    """The run of text object `obj`, whose character `i` is: one already made for the same
    font, size and matrix (`made`: runs by those, fonts by handle), or a new one."""
    known, fonts, size, matrix = made
    handle = api.font(obj) or 0
    api.font_size(obj, size)
    api.char_matrix(text, i, matrix)
    key = (handle, size.value, matrix.a, matrix.b, matrix.c, matrix.d)
    run = known.get(key)
    if run is None:
        font = fonts.get(handle)
        if font is None:
            font = fonts[handle] = _font(api, handle, without_to_unicode)
        run = known[key] = _Run(
            font,
            round(size.value, DIGITS),
            (
                round(matrix.a, FACTOR_DIGITS),
                round(matrix.b, FACTOR_DIGITS),
                round(matrix.c, FACTOR_DIGITS),
                round(matrix.d, FACTOR_DIGITS),
            ),
            place.matrix,
        )
    return run


def _text(api: Api, text: int, i: int, code: int) -> str:
    if api.unmapped(text, i) or code == 0 or code >= 0x110000:
        return f"(cid:{code})"  # pdfminer's spelling of a glyph its font gives no Unicode for
    if code == 2 and api.hyphen(text, i):
        return "-"  # pdfium marks a hyphen that ends a line with U+0002
    return chr(code)  # half a surrogate pair too, until `_join_halves`


def _join_halves(chars: list[Char]) -> int:
    """Join the halves of each surrogate pair pdfium gives (a ToUnicode map's <D840DC00> is
    two characters at one origin, one `Char` by then) into the character they stand for, and
    make a half left alone U+FFFD, which no text can hold otherwise; how many were alone."""
    lone = 0
    for char in chars:
        text = str(char["text"])
        if any(ord(c) in _SURROGATES for c in text):
            whole = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
            lone += whole.count(_REPLACEMENT) - text.count(_REPLACEMENT)
            char["text"] = whole
    return lone


def _font(api: Api, handle: int, without_to_unicode: frozenset[str]) -> _Font:
    if not handle:
        return _Font(0, "", 0.0)
    buffer = ctypes.create_string_buffer(256)
    api.font_name(handle, buffer, 256)
    descent = ctypes.c_float()
    api.descent(handle, 1000.0, descent)
    name = buffer.value.decode("utf-8", "replace")
    font = _Font(handle, name, min(round(descent.value, DIGITS), 0.0))
    font.own_map = unprefixed(name) in without_to_unicode
    return font


def _char(  # noqa: PLR0917
    api: Api, text: int, i: int, code: int, run: _Run, x: float, y: float, place: Placement
) -> Char:
    """A character with its box as pdfminer makes it, in pdfplumber's coordinates."""
    loose = None
    if run.font.width(api, code) * run.size == 0 and run.linear[1:3] == (0, 0) and run.linear[0]:
        loose = _loose_right(api, text, i, x) / run.linear[0]  # the font does not know the glyph
    return _box(api, code, run, x, y, place, _text(api, text, i, code), loose)


def _box(  # noqa: PLR0917
    api: Api,
    code: int,
    run: _Run,
    x: float,
    y: float,
    place: Placement,
    shown: str,
    loose: float | None = None,
) -> Char:
    """The character `shown` at origin (x, y), its box from the font's advance for Unicode
    `code` (or `loose`, the reach of pdfium's box, where the font gives none)."""
    size = run.size
    width = run.font.width(api, code)
    a, b, c, d = run.linear
    if width < 0:  # vertical writing: pdfium's origin is the lower left of pdfminer's box
        x_low, x_high, y_low, y_high = 0.0, size, size + width * size / 1000, size
    else:
        advance = width * size / 1000
        if advance == 0 and loose is not None:
            advance = loose
        x_low, x_high = 0.0, advance
        y_low = run.font.descent * size / 1000
        y_high = y_low + size
    p = place.matrix
    xs, tops = [], []
    for dx in (x_low, x_high):
        for dy in (y_low, y_high):
            ux, uy = x + a * dx + c * dy, y + b * dx + d * dy
            xs.append(p[0] * ux + p[2] * uy + p[4])
            tops.append(p[1] * ux + p[3] * uy + p[5])
    x0, x1, top, bottom = min(xs), max(xs), min(tops), max(tops)
    return {
        "text": shown,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "size": x1 - x0 if width < 0 else bottom - top,
        "fontname": run.font.name,
        "upright": run.upright,
    }


def _loose_right(api: Api, text: int, i: int, x: float) -> float:
    """How far right of its origin pdfium's loose box of character `i` reaches."""
    rect = FsRect()
    if not api.loose_box(text, i, rect):
        return 0.0
    return max(float(rect.right) - x, 0.0)
