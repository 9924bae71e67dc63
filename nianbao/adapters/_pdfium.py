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
page with pdfplumber.

Graphics. Each path object, split at its moves, is a line (one segment), a rectangle (four sides,
closed, axis-aligned) or a curve, as pdfminer classifies subpaths, and pdfplumber's own functions
turn the visible ones into edges. Pictures are image objects. Form XObjects are entered.

pdfium keeps one library state per process and must not be called from two threads at once:
`LOCK` is held while a document is open (the scans' rendering takes it too).
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nianbao.adapters._pdf_page import PageRead
from nianbao.adapters._pdf_tables import BBox, visible
from nianbao.adapters._pdf_text import Char
from nianbao.errors import DocumentLoadError, MissingDependencyError

LOCK = threading.RLock()

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_TEXT, _PATH, _IMAGE, _FORM = 1, 2, 3, 5  # FPDF_PAGEOBJ_*
_LINETO, _BEZIERTO, _MOVETO = 0, 1, 2  # FPDF_SEGMENT_*
_PASSWORD = 4  # FPDF_ERR_PASSWORD
_SPACES = (0x20, 0x0D, 0x0A)  # what pdfium's text page also generates between words and lines
_EPSILON = 0.01  # pdfium's kSizeEpsilon: a text object narrower than this is left out
# pdfium computes in single precision, about seven significant digits: a coordinate the PDF
# writes as 103.45 comes out as 103.44999695. Rounded to this many decimals (a matrix's factors
# to _FACTOR_DIGITS) it is 103.45 again, and what is computed from it in double precision, in
# pdfminer's and pdfplumber's order, comes out as theirs does, down to the last bit when the
# PDF's numbers are short decimals: reports round their boxes to 0.1, and 103.45 must round
# the same way in both engines.
_DIGITS = 4
_FACTOR_DIGITS = 6


class _Api:
    """The C functions used, typed with plain integers for handles so that a handle is its own
    key (pypdfium2's typed pointers compare by identity, not address)."""

    def __init__(self) -> None:
        from pypdfium2 import raw  # noqa: PLC0415

        c = ctypes
        ptr, i, u = c.c_void_p, c.c_int, c.c_uint
        d, f = c.POINTER(c.c_double), c.POINTER(c.c_float)
        fu = c.POINTER(c.c_uint)
        fi = c.POINTER(c.c_int)

        def fn(name: str, restype: Any, *args: Any) -> Callable[..., Any]:
            address = c.cast(getattr(raw, name), c.c_void_p).value
            if address is None:
                raise MissingDependencyError(f"pypdfium2's pdfium lacks {name}")
            function: Callable[..., Any] = c.CFUNCTYPE(restype, *args)(address)
            return function

        self.load_page = fn("FPDF_LoadPage", ptr, ptr, i)
        self.close_page = fn("FPDF_ClosePage", None, ptr)
        self.load_text = fn("FPDFText_LoadPage", ptr, ptr)
        self.close_text = fn("FPDFText_ClosePage", None, ptr)
        self.count_chars = fn("FPDFText_CountChars", i, ptr)
        self.unicode = fn("FPDFText_GetUnicode", u, ptr, i)
        self.text_object = fn("FPDFText_GetTextObject", ptr, ptr, i)
        self.origin = fn("FPDFText_GetCharOrigin", i, ptr, i, d, d)
        self.generated = fn("FPDFText_IsGenerated", i, ptr, i)
        self.hyphen = fn("FPDFText_IsHyphen", i, ptr, i)
        self.unmapped = fn("FPDFText_HasUnicodeMapError", i, ptr, i)
        self.char_matrix = fn("FPDFText_GetMatrix", i, ptr, i, c.POINTER(_FsMatrix))
        self.loose_box = fn("FPDFText_GetLooseCharBox", i, ptr, i, c.POINTER(_FsRect))
        self.font = fn("FPDFTextObj_GetFont", ptr, ptr)
        self.font_size = fn("FPDFTextObj_GetFontSize", i, ptr, f)
        self.font_name = fn("FPDFFont_GetBaseFontName", c.c_size_t, ptr, c.c_char_p, c.c_size_t)
        self.descent = fn("FPDFFont_GetDescent", i, ptr, c.c_float, f)
        self.glyph_width = fn("FPDFFont_GetGlyphWidth", i, ptr, u, c.c_float, f)
        self.count_objects = fn("FPDFPage_CountObjects", i, ptr)
        self.get_object = fn("FPDFPage_GetObject", ptr, ptr, i)
        self.count_form_objects = fn("FPDFFormObj_CountObjects", i, ptr)
        self.get_form_object = fn("FPDFFormObj_GetObject", ptr, ptr, c.c_ulong)
        self.object_type = fn("FPDFPageObj_GetType", i, ptr)
        self.object_matrix = fn("FPDFPageObj_GetMatrix", i, ptr, c.POINTER(_FsMatrix))
        self.bounds = fn("FPDFPageObj_GetBounds", i, ptr, f, f, f, f)
        self.stroke_color = fn("FPDFPageObj_GetStrokeColor", i, ptr, fu, fu, fu, fu)
        self.fill_color = fn("FPDFPageObj_GetFillColor", i, ptr, fu, fu, fu, fu)
        self.draw_mode = fn("FPDFPath_GetDrawMode", i, ptr, fi, fi)
        self.count_segments = fn("FPDFPath_CountSegments", i, ptr)
        self.segment = fn("FPDFPath_GetPathSegment", ptr, ptr, i)
        self.segment_point = fn("FPDFPathSegment_GetPoint", i, ptr, f, f)
        self.segment_type = fn("FPDFPathSegment_GetType", i, ptr)
        self.segment_close = fn("FPDFPathSegment_GetClose", i, ptr)
        self.media_box = fn("FPDFPage_GetMediaBox", i, ptr, f, f, f, f)
        self.page_box = fn("FPDF_GetPageBoundingBox", i, ptr, c.POINTER(_FsRect))
        self.rotation = fn("FPDFPage_GetRotation", i, ptr)


class _FsMatrix(ctypes.Structure):
    _fields_ = [(name, ctypes.c_float) for name in "abcdef"]


class _FsRect(ctypes.Structure):
    _fields_ = [(name, ctypes.c_float) for name in ("left", "top", "right", "bottom")]


_api: _Api | None = None


def _the_api() -> _Api:
    global _api  # noqa: PLW0603  # built once per process, on the first PDF
    if _api is None:
        _api = _Api()
    return _api


class PdfiumDocument:
    """An open PDF; hold `LOCK` from opening to `close`."""

    def __init__(self, data: bytes, source: str) -> None:
        import pypdfium2  # noqa: PLC0415

        self._source = source
        self._api = _the_api()
        try:
            # pdfium tries the empty user password itself: an owner-only encryption opens
            self._pdf = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as exc:
            if exc.err_code == _PASSWORD:
                raise DocumentLoadError(
                    "encrypted: needs a password (opening with an empty one failed)",
                    source=source,
                ) from exc
            raise DocumentLoadError(
                f"not a readable PDF, damaged or truncated ({exc})", source=source
            ) from exc
        self._handle = ctypes.cast(self._pdf.raw, ctypes.c_void_p).value
        self._doctop = 0.0

    def __len__(self) -> int:
        return len(self._pdf)

    def close(self) -> None:
        self._pdf.close()

    def page(self, index: int) -> PageRead | None:
        """Page `index` (0-based) as pdfplumber would read it; None when pdfium's text page left
        out text it could not place (the caller reads the page another way)."""
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
            graphics = _Graphics(api, place, self._doctop)
            graphics.walk(page)
            chars, seen = _chars(api, text, place, self._doctop)
            lost = any(obj not in seen and graphics.narrow(obj) for obj in graphics.texts)
            read = PageRead(
                index + 1,
                place.width,
                place.height,
                chars,
                graphics.edges(),
                graphics.pictures,
            )
        finally:
            if text:
                api.close_text(text)
            api.close_page(page)
        self._doctop += place.height
        return None if lost else read

    def _placement(self, page: int, index: int) -> _Placement:
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
            rect = _FsRect()
            api.page_box(page, rect)
            box = (rect.left, rect.bottom, rect.right, rect.top)
        return _Placement.of(box, api.rotation(page) * 90)


@dataclass(frozen=True)
class _Placement:
    """From PDF user space to pdfplumber's coordinates: pdfminer's device matrix for the
    page's MediaBox and rotation (`PDFPageInterpreter.process_page`), then pdfplumber's flip
    (`Page.process_object`), folded into x' = a x + c y + e, top = b x + d y + f."""

    matrix: Matrix
    width: float
    height: float

    @classmethod
    def of(cls, box: tuple[float, float, float, float], rotation: int) -> _Placement:
        x0, x1 = sorted((round(box[0], _DIGITS), round(box[2], _DIGITS)))
        y0, y1 = sorted((round(box[1], _DIGITS), round(box[3], _DIGITS)))
        a, b, c, d, e, f = {
            90: (0.0, -1.0, 1.0, 0.0, -y0, x1),
            180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
            270: (0.0, 1.0, -1.0, 0.0, y1, -x0),
        }.get(rotation, (1.0, 0.0, 0.0, 1.0, -x0, -y0))
        nx0, ny0, nx1, ny1 = (y0, x0, y1, x1) if rotation in (90, 270) else (x0, y0, x1, y1)
        height = ny1 - ny0
        left, top = nx0, height - ny1  # pdfplumber's MediaBox, flipped
        return cls((a, -b, c, -d, e + left, height + top - f), nx1 - nx0, height)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _user(m: Matrix, x: float, y: float) -> tuple[float, float]:
    """pdfium's point (x, y) through its matrix `m` to the page's user space, rounded as
    pdfium's precision allows (`_DIGITS`)."""
    ux, uy = _apply(m, x, y)
    return round(ux, _DIGITS), round(uy, _DIGITS)


def _times(m: Matrix, n: Matrix) -> Matrix:
    """`m` then `n`."""
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )


# --- characters --------------------------------------------------------------------------------


@dataclass
class _Font:
    handle: int
    name: str
    descent: float  # per 1000 units of the em, negative below the baseline
    widths: dict[int, float] = field(default_factory=dict)  # per 1000 units, by Unicode value

    def width(self, api: _Api, code: int) -> float:
        """The advance of the glyph for `code`: negative in vertical writing (pdfium's
        `GetGlyphWidth` then gives the vertical advance)."""
        width = self.widths.get(code)
        if width is None:
            out = ctypes.c_float()
            if not self.handle or not api.glyph_width(self.handle, code, 1000.0, out):
                out.value = 0.0
            width = self.widths[code] = round(out.value, _DIGITS)
        return width


class _Run:
    """What the characters of one text object share."""

    __slots__ = ("font", "linear", "plain", "size", "upright")

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


def _chars(api: _Api, text: int, place: _Placement, doctop: float) -> tuple[list[Char], set[int]]:
    """The page's characters, and the text objects they came from."""
    chars: list[Char] = []
    runs: dict[int, _Run] = {}
    known: dict[tuple[float, ...], _Run] = {}  # by font, size and matrix: objects repeat them
    fonts: dict[int, _Font] = {}
    ox, oy, size, matrix = ctypes.c_double(), ctypes.c_double(), ctypes.c_float(), _FsMatrix()
    unicode, text_object, origin, generated = (
        api.unicode,
        api.text_object,
        api.origin,
        api.generated,
    )
    unmapped = api.unmapped
    right, down = place.matrix[4], place.matrix[5]
    last = (0, 0.0, 0.0)
    for i in range(api.count_chars(text)):
        code = unicode(text, i)
        if code == 0x20 and generated(text, i):
            continue  # a space pdfium put between words
        obj = text_object(text, i)
        if not obj:
            continue  # a line break pdfium put between lines
        origin(text, i, ox, oy)
        x, y = round(ox.value, _DIGITS), round(oy.value, _DIGITS)
        if last == (obj, x, y):
            # one glyph, several characters (a ligature): pdfium lists each at the glyph's
            # origin, pdfminer gives the glyph their text
            chars[-1]["text"] += _text(api, text, i, code)
            continue
        last = (obj, x, y)
        run = runs.get(obj)
        if run is None:
            handle = api.font(obj) or 0
            api.font_size(obj, size)
            api.char_matrix(text, i, matrix)
            key = (handle, size.value, matrix.a, matrix.b, matrix.c, matrix.d)
            run = known.get(key)
            if run is None:
                font = fonts.get(handle)
                if font is None:
                    font = fonts[handle] = _font(api, handle)
                linear = (matrix.a, matrix.b, matrix.c, matrix.d)
                run = known[key] = _Run(
                    font,
                    round(size.value, _DIGITS),
                    (
                        round(linear[0], _FACTOR_DIGITS),
                        round(linear[1], _FACTOR_DIGITS),
                        round(linear[2], _FACTOR_DIGITS),
                        round(linear[3], _FACTOR_DIGITS),
                    ),
                    place.matrix,
                )
            runs[obj] = run
        font = run.font
        width = font.widths.get(code)
        if width is None:
            width = font.width(api, code)
        if (
            code > 0x20
            and code != 0x7F
            and not 0xE000 <= code <= 0xF8FF
            and not unmapped(text, i)
            and run.plain
            and width > 0
        ):
            # the common case, computed as `_char` computes it, in the same order
            a, d = run.linear[0], run.linear[3]
            low = font.descent * run.size / 1000
            top = down - (y + d * (low + run.size))
            bottom = down - (y + d * low)
            chars.append(
                {
                    "text": chr(code),
                    "x0": x + right,
                    "x1": x + a * (width * run.size / 1000) + right,
                    "top": top,
                    "bottom": bottom,
                    "size": bottom - top,
                    "fontname": font.name,
                    "upright": run.upright,
                    "doctop": doctop + top,
                }
            )
            continue
        char = _char(api, text, i, code, run, x, y, place)
        char["doctop"] = doctop + char["top"]
        chars.append(char)
    return chars, set(runs)


def _text(api: _Api, text: int, i: int, code: int) -> str:
    if api.unmapped(text, i) or code == 0 or code >= 0x110000:
        return f"(cid:{code})"  # pdfminer's spelling of a glyph its font gives no Unicode for
    if code == 2 and api.hyphen(text, i):
        return "-"  # pdfium marks a hyphen that ends a line with U+0002
    return chr(code)


def _font(api: _Api, handle: int) -> _Font:
    if not handle:
        return _Font(0, "", 0.0)
    buffer = ctypes.create_string_buffer(256)
    api.font_name(handle, buffer, 256)
    descent = ctypes.c_float()
    api.descent(handle, 1000.0, descent)
    name = buffer.value.decode("utf-8", "replace")
    return _Font(handle, name, min(round(descent.value, _DIGITS), 0.0))


def _char(  # noqa: PLR0917
    api: _Api, text: int, i: int, code: int, run: _Run, x: float, y: float, place: _Placement
) -> Char:
    """A character with its box as pdfminer makes it, in pdfplumber's coordinates."""
    size = run.size
    width = run.font.width(api, code)
    a, b, c, d = run.linear
    if width < 0:  # vertical writing: pdfium's origin is the lower left of pdfminer's box
        x_low, x_high, y_low, y_high = 0.0, size, size + width * size / 1000, size
    else:
        advance = width * size / 1000
        if advance == 0 and b == 0 and c == 0 and a:
            advance = _loose_right(api, text, i, x) / a  # the font does not know the glyph
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
        "text": _text(api, text, i, code),
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "size": x1 - x0 if width < 0 else bottom - top,
        "fontname": run.font.name,
        "upright": run.upright,
    }


def _loose_right(api: _Api, text: int, i: int, x: float) -> float:
    """How far right of its origin pdfium's loose box of character `i` reaches."""
    rect = _FsRect()
    if not api.loose_box(text, i, rect):
        return 0.0
    return max(float(rect.right) - x, 0.0)


# --- graphics ----------------------------------------------------------------------------------


class _Graphics:
    """The page's lines, rectangles, curves and pictures, forms entered."""

    def __init__(self, api: _Api, place: _Placement, doctop: float) -> None:
        self._api = api
        self._place = place
        self._doctop = doctop
        self.objects: list[dict[str, Any]] = []
        self.pictures: list[BBox] = []
        self.texts: list[int] = []
        # buffers for what pdfium writes back
        self._fill, self._stroke = ctypes.c_int(), ctypes.c_int()
        self._rgba = [ctypes.c_uint() for _ in range(4)]
        self._m = _FsMatrix()
        self._x, self._y = ctypes.c_float(), ctypes.c_float()

    def walk(self, page: int) -> None:
        api = self._api
        for k in range(api.count_objects(page)):
            self._object(api.get_object(page, k), _IDENTITY)

    def _object(self, obj: int, outer: Matrix) -> None:
        api = self._api
        kind = api.object_type(obj)
        if kind == _PATH:
            self._path(obj, outer)
        elif kind == _IMAGE:
            self.pictures.append(self._bounds(obj, outer))
        elif kind == _TEXT:
            self.texts.append(obj)
        elif kind == _FORM:
            inner = _times(self._matrix(obj), outer)
            for k in range(api.count_form_objects(obj)):
                self._object(api.get_form_object(obj, k), inner)

    def narrow(self, obj: int) -> bool:
        """Whether pdfium's text page leaves the text object out for want of a box."""
        box = self._raw_bounds(obj)
        return box is not None and abs(box[2] - box[0]) < _EPSILON

    def _matrix(self, obj: int) -> Matrix:
        m = self._m
        if not self._api.object_matrix(obj, m):
            return _IDENTITY
        return (m.a, m.b, m.c, m.d, m.e, m.f)

    def _raw_bounds(self, obj: int) -> tuple[float, float, float, float] | None:
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        if not self._api.bounds(obj, left, bottom, right, top):
            return None
        return left.value, bottom.value, right.value, top.value

    def _bounds(self, obj: int, outer: Matrix) -> BBox:
        box = self._raw_bounds(obj) or (0.0, 0.0, 0.0, 0.0)
        place = self._place.matrix
        points = [
            _apply(place, *_user(outer, x, y)) for x in (box[0], box[2]) for y in (box[1], box[3])
        ]
        xs, tops = [p[0] for p in points], [p[1] for p in points]
        return (min(xs), min(tops), max(xs), max(tops))

    def _path(self, obj: int, outer: Matrix) -> None:
        api = self._api
        api.draw_mode(obj, self._fill, self._stroke)
        stroke, fill = self._stroke.value, self._fill.value
        paint = {
            "stroke": bool(stroke),
            "fill": bool(fill),
            "stroking_color": self._color(api.stroke_color, obj) if stroke else None,
            "non_stroking_color": self._color(api.fill_color, obj) if fill else None,
        }
        # as `_apply(place, *_user(to_user, x, y))`, unrolled: most of a page's objects
        a, b, c, d, e, f = _times(self._matrix(obj), outer)
        pa, pb, pc, pd, pe, pf = self._place.matrix
        for shape, points in _subpaths(api, obj, self._x, self._y):
            placed = []
            for x, y in points:
                ux, uy = round(a * x + c * y + e, _DIGITS), round(b * x + d * y + f, _DIGITS)
                placed.append((pa * ux + pc * uy + pe, pb * ux + pd * uy + pf))
            made = _classify(shape, placed)
            if made is not None:
                self.objects.append(self._placed(*made, paint))

    def _color(self, getter: Callable[..., int], obj: int) -> tuple[float, ...] | None:
        r, g, b, a = self._rgba
        if not getter(obj, r, g, b, a):
            return None
        return (r.value / 255, g.value / 255, b.value / 255)

    def _placed(
        self, kind: str, points: list[tuple[float, float]], paint: dict[str, Any]
    ) -> dict[str, Any]:
        xs, tops = [p[0] for p in points], [p[1] for p in points]
        x0, x1, top, bottom = min(xs), max(xs), min(tops), max(tops)
        height = self._place.height
        return {
            "object_type": kind,
            "x0": x0,
            "x1": x1,
            "top": top,
            "bottom": bottom,
            "doctop": self._doctop + top,
            "y0": height - bottom,
            "y1": height - top,
            "width": x1 - x0,
            "height": bottom - top,
            "pts": points,
            **paint,
        }

    def edges(self) -> list[dict[str, Any]]:
        from pdfplumber.utils.geometry import obj_to_edges  # noqa: PLC0415

        return [edge for obj in self.objects if visible(obj) for edge in obj_to_edges(obj)]


def _subpaths(
    api: _Api, obj: int, x: ctypes.c_float, y: ctypes.c_float
) -> list[tuple[str, list[tuple[float, float]]]]:
    """The path's subpaths in pdfminer's terms: a shape ("m", "l", "c", "h" for each operator)
    and each operator's end point, "h" the subpath's start."""
    out: list[tuple[str, list[tuple[float, float]]]] = []
    shape = ""
    points: list[tuple[float, float]] = []
    bezier = 0
    get, kind_of, point_of, closes = (
        api.segment,
        api.segment_type,
        api.segment_point,
        api.segment_close,
    )
    for k in range(api.count_segments(obj)):
        segment = get(obj, k)
        kind = kind_of(segment)
        point_of(segment, x, y)
        point = (x.value, y.value)
        if kind == _MOVETO:
            if shape:
                out.append((shape, points))
            shape, points, bezier = "m", [point], 0
        elif kind == _LINETO:
            shape, bezier = shape + "l", 0
            points.append(point)
        elif kind == _BEZIERTO:
            bezier += 1
            if bezier % 3 == 0:  # two control points, then the end point
                shape += "c"
                points.append(point)
        if closes(segment) and points:
            shape += "h"
            points.append(points[0])
    if shape:
        out.append((shape, points))
    return out


def _classify(
    shape: str, points: list[tuple[float, float]]
) -> tuple[str, list[tuple[float, float]]] | None:
    """pdfminer's `PDFLayoutAnalyzer.paint_path` for one subpath (points already placed)."""
    if not shape.startswith("m"):
        return None
    if len(shape) > 3 and shape[-2:] == "lh" and points[-2] == points[0]:
        shape = shape[:-2] + "h"
        points = points[:-1]
    if shape in ("mlh", "ml"):
        return "line", points[:2]
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = points
        closed = points[0] == points[4]
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
            y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
        )
        if closed and square:
            return "rect", [points[0], points[2]]
    return "curve", points
