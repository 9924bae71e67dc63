"""pdfium's C functions as nianbao calls them (`Api`), and the geometry the page readers share.

pypdfium2's raw bindings type every handle as its own pointer class, which Python compares by
identity; `Api` re-types each function it uses with plain integers for handles, so that a text
object is its own dictionary key, and plain floats and ints for the rest. pdfium keeps one
library state per process and must not be called from two threads at once: `LOCK`.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nianbao.errors import MissingDependencyError

LOCK = threading.RLock()

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
# pdfium computes in single precision, about seven significant digits: a coordinate the PDF
# writes as 103.45 comes out as 103.44999695. Rounded to this many decimals (a matrix's factors
# to FACTOR_DIGITS) it is 103.45 again, and what is computed from it in double precision, in
# pdfminer's and pdfplumber's order, comes out as theirs does, down to the last bit when the
# PDF's numbers are short decimals: reports round their boxes to 0.1, and 103.45 must round
# the same way in both engines.
DIGITS = 4
FACTOR_DIGITS = 6


class Api:
    """The C functions used, typed with plain integers for handles so that a handle is its own
    key (pypdfium2's typed pointers compare by identity, not address)."""

    def __init__(self) -> None:
        from pypdfium2 import raw  # noqa: PLC0415

        c = ctypes
        ptr, i, u = c.c_void_p, c.c_int, c.c_uint
        f = c.POINTER(c.c_float)
        fu = c.POINTER(c.c_uint)
        fi = c.POINTER(c.c_int)

        def fn(name: str, restype: Any, *args: Any) -> Callable[..., Any]:
            function: Callable[..., Any] = c.CFUNCTYPE(restype, *args)(_address(raw, name))
            return function

        self._bare_calls(raw)
        self.load_page = fn("FPDF_LoadPage", ptr, ptr, i)
        self.close_page = fn("FPDF_ClosePage", None, ptr)
        self.load_text = fn("FPDFText_LoadPage", ptr, ptr)
        self.close_text = fn("FPDFText_ClosePage", None, ptr)
        self.count_chars = fn("FPDFText_CountChars", i, ptr)
        self.hyphen = fn("FPDFText_IsHyphen", i, ptr, i)
        self.unmapped = fn("FPDFText_HasUnicodeMapError", i, ptr, i)
        self.char_matrix = fn("FPDFText_GetMatrix", i, ptr, i, c.POINTER(FsMatrix))
        self.loose_box = fn("FPDFText_GetLooseCharBox", i, ptr, i, c.POINTER(FsRect))
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
        self.object_matrix = fn("FPDFPageObj_GetMatrix", i, ptr, c.POINTER(FsMatrix))
        self.bounds = fn("FPDFPageObj_GetBounds", i, ptr, f, f, f, f)
        self.stroke_color = fn("FPDFPageObj_GetStrokeColor", i, ptr, fu, fu, fu, fu)
        self.fill_color = fn("FPDFPageObj_GetFillColor", i, ptr, fu, fu, fu, fu)
        self.draw_mode = fn("FPDFPath_GetDrawMode", i, ptr, fi, fi)
        self.count_segments = fn("FPDFPath_CountSegments", i, ptr)
        self.media_box = fn("FPDFPage_GetMediaBox", i, ptr, f, f, f, f)
        self.crop_box = fn("FPDFPage_GetCropBox", i, ptr, f, f, f, f)
        self.page_box = fn("FPDF_GetPageBoundingBox", i, ptr, c.POINTER(FsRect))
        self.rotation = fn("FPDFPage_GetRotation", i, ptr)
        self.count_marks = fn("FPDFPageObj_CountMarks", i, ptr)
        self.get_mark = fn("FPDFPageObj_GetMark", ptr, ptr, c.c_ulong)
        self.mark_string = fn(
            "FPDFPageObjMark_GetParamStringValue",
            i,
            ptr,
            c.c_char_p,
            c.c_void_p,
            c.c_ulong,
            c.POINTER(c.c_ulong),
        )
        self.clip_path = fn("FPDFPageObj_GetClipPath", ptr, ptr)
        self.clip_paths = fn("FPDFClipPath_CountPaths", i, ptr)
        self.clip_segments = fn("FPDFClipPath_CountPathSegments", i, ptr, i)
        self.clip_segment = fn("FPDFClipPath_GetPathSegment", ptr, ptr, i, i)
        self.segment_point = fn("FPDFPathSegment_GetPoint", i, ptr, f, f)

    def _bare_calls(self, raw: Any) -> None:
        """pdfium's per-character calls (`_pdfium._chars`) declared without argument types:
        ctypes passes what it is given as it is (a ctypes instance, a byref, an int as a C
        int), not converting each argument through its type, half the cost of a call. Not
        variadic (no argument type declared), so any platform's calling convention fits. Pass
        the text page as a `c_void_p`, out-values by `byref`."""
        c = ctypes

        def bare(name: str, restype: Any) -> Callable[..., Any]:
            function: Callable[..., Any] = c.CFUNCTYPE(restype)(_address(raw, name))
            return function

        self.bare_unicode = bare("FPDFText_GetUnicode", c.c_uint)
        self.bare_text_object = bare("FPDFText_GetTextObject", c.c_void_p)
        self.bare_origin = bare("FPDFText_GetCharOrigin", c.c_int)
        self.bare_generated = bare("FPDFText_IsGenerated", c.c_int)
        self.bare_unmapped = bare("FPDFText_HasUnicodeMapError", c.c_int)
        # per path segment (`_pdfium_graphics._subpaths`): the path as a c_void_p; a segment
        # comes back as a `Handle`, which ctypes keeps a pointer, not an int
        self.bare_segment = bare("FPDFPath_GetPathSegment", Handle)
        self.bare_segment_point = bare("FPDFPathSegment_GetPoint", c.c_int)
        self.bare_segment_type = bare("FPDFPathSegment_GetType", c.c_int)
        self.bare_segment_close = bare("FPDFPathSegment_GetClose", c.c_int)


class Handle(ctypes.c_void_p):
    """A pointer pdfium returns that is passed back to it as it is: ctypes gives a subclass of
    `c_void_p` as the instance, where it would make `c_void_p` an int, which a call without
    argument types passes as a C int."""


def _address(raw: Any, name: str) -> int:
    address: int | None = ctypes.cast(getattr(raw, name), ctypes.c_void_p).value
    if address is None:
        raise MissingDependencyError(f"pypdfium2's pdfium lacks {name}")
    return address


class FsMatrix(ctypes.Structure):
    _fields_ = [(name, ctypes.c_float) for name in "abcdef"]


class FsRect(ctypes.Structure):
    _fields_ = [(name, ctypes.c_float) for name in ("left", "top", "right", "bottom")]


_api: Api | None = None


def the_api() -> Api:
    global _api  # noqa: PLW0603  # built once per process, on the first PDF
    if _api is None:
        _api = Api()
    return _api


@dataclass(frozen=True)
class Placement:
    """From PDF user space to pdfplumber's coordinates: pdfminer's device matrix for the
    page's MediaBox and rotation (`PDFPageInterpreter.process_page`), then pdfplumber's flip
    (`Page.process_object`), folded into x' = a x + c y + e, top = b x + d y + f."""

    matrix: Matrix
    width: float
    height: float

    @classmethod
    def of(cls, box: tuple[float, float, float, float], rotation: int) -> Placement:
        x0, x1 = sorted((round(box[0], DIGITS), round(box[2], DIGITS)))
        y0, y1 = sorted((round(box[1], DIGITS), round(box[3], DIGITS)))
        a, b, c, d, e, f = {
            90: (0.0, -1.0, 1.0, 0.0, -y0, x1),
            180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
            270: (0.0, 1.0, -1.0, 0.0, y1, -x0),
        }.get(rotation, (1.0, 0.0, 0.0, 1.0, -x0, -y0))
        nx0, ny0, nx1, ny1 = (y0, x0, y1, x1) if rotation in (90, 270) else (x0, y0, x1, y1)
        height = ny1 - ny0
        left, top = nx0, height - ny1  # pdfplumber's MediaBox, flipped
        return cls((a, -b, c, -d, e + left, height + top - f), nx1 - nx0, height)


class Rounded(dict[float, float]):
    """`round(value, DIGITS)` by value, each value rounded once: a page's coordinates repeat
    (a line's characters share their y, a table's rules their x), and `round` is a correctly
    rounded decimal conversion, slow beside a lookup. Zero is never kept: -0.0 and 0.0 are one
    key but round apart."""

    def __missing__(self, value: float) -> float:
        out = round(value, DIGITS)
        if value:
            self[value] = out
        return out


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def to_user(m: Matrix, x: float, y: float) -> tuple[float, float]:
    """pdfium's point (x, y) through its matrix `m` to the page's user space, rounded as
    pdfium's precision allows (`DIGITS`)."""
    ux, uy = apply(m, x, y)
    return round(ux, DIGITS), round(uy, DIGITS)


def times(m: Matrix, n: Matrix) -> Matrix:
    """`m` then `n`."""
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )
