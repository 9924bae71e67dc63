"""pdfium's reading of a page's graphics: the edges of its lines, rectangles and curves, and
its pictures, as pdfplumber gives them.

Each path object, split at its moves, is a line (one segment), a rectangle (four sides, closed,
axis-aligned) or a curve, as pdfminer classifies subpaths (`PDFLayoutAnalyzer.paint_path`), and
the visible ones are made into edges as pdfplumber makes them (`_pdf_edges`). Pictures are
image objects. Form XObjects are entered, their matrices applied. The text objects are listed
for `_pdfium` to check that pdfium's text page left none out.

pdfium keeps an object's clip only where the object crosses it: a path at the top of the page
with a page-tall rectangle for its clip is a drawing cut at the sides of the area the page
shows (a browser's print with margins), which `area` gives.
"""

from __future__ import annotations

import ctypes
import itertools
from collections.abc import Callable
from typing import Any

from nianbao.adapters._pdf_edges import object_edges
from nianbao.adapters._pdf_tables import BBox, visible
from nianbao.adapters._pdfium_api import (
    IDENTITY,
    Api,
    FsMatrix,
    Matrix,
    Placement,
    Rounded,
    apply,
    times,
    to_user,
)

_TEXT, _PATH, _IMAGE, _FORM = 1, 2, 3, 5  # FPDF_PAGEOBJ_*
_LINETO, _BEZIERTO, _MOVETO = 0, 1, 2  # FPDF_SEGMENT_*
_EPSILON = 0.01  # pdfium's kSizeEpsilon: a text object narrower than this is left out


class Graphics:
    """The page's lines, rectangles, curves and pictures, forms entered."""

    def __init__(self, api: Api, place: Placement, doctop: float) -> None:
        self._api = api
        self._place = place
        self._doctop = doctop
        self.objects: list[dict[str, Any]] = []  # the visible lines, rectangles and curves
        self.pictures: list[BBox] = []
        self.texts: list[int] = []
        self.inner: set[int] = set()  # the text objects inside Form XObjects
        self._clips: set[tuple[float, float]] = set()  # (x0, x1) of page-tall clips crossed
        # buffers for what pdfium writes back
        self._fill, self._stroke = ctypes.c_int(), ctypes.c_int()
        self._rgba = [ctypes.c_uint() for _ in range(4)]
        self._m = FsMatrix()
        self._x, self._y = ctypes.c_float(), ctypes.c_float()
        self._rounded = Rounded()  # the page's coordinates, rounded once each

    def walk(self, page: int) -> None:
        api = self._api
        get, kind_of, texts = api.get_object, api.object_type, self.texts
        for k in range(api.count_objects(page)):
            obj = get(page, k)
            if kind_of(obj) == _TEXT:  # most objects, one a glyph in a WPS report: `_object`'s
                texts.append(obj)  # way with a text object at the top, without its call
            else:
                self._object(obj, IDENTITY, top=True)

    def _object(self, obj: int, outer: Matrix, *, top: bool) -> None:
        api = self._api
        kind = api.object_type(obj)
        if kind == _PATH:
            self._path(obj, outer)
        elif kind == _IMAGE:
            self.pictures.append(self._bounds(obj, outer))
        elif kind == _TEXT:
            self.texts.append(obj)
            if not top:
                self.inner.add(obj)
        elif kind == _FORM:
            inner = times(self._matrix(obj), outer)
            for k in range(api.count_form_objects(obj)):
                self._object(api.get_form_object(obj, k), inner, top=False)

    def narrow(self, obj: int) -> bool:
        """Whether pdfium's text page leaves the text object out for want of a box."""
        box = self._raw_bounds(obj)
        return box is not None and abs(box[2] - box[0]) < _EPSILON

    def _matrix(self, obj: int) -> Matrix:
        m = self._m
        if not self._api.object_matrix(obj, m):
            return IDENTITY
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
            apply(place, *to_user(outer, x, y)) for x in (box[0], box[2]) for y in (box[1], box[3])
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
        if not visible({"object_type": "rect", **paint}):
            return  # white, or not painted: no edge (`edges`), its segments left unread
        if outer is IDENTITY:
            self._clip(obj)
        # as `apply(place, *to_user(to_user, x, y))`, unrolled: most of a page's objects
        a, b, c, d, e, f = times(self._matrix(obj), outer)
        pa, pb, pc, pd, pe, pf = self._place.matrix
        rounded = self._rounded
        for shape, points in _subpaths(api, obj, self._x, self._y):
            placed = []
            for x, y in points:
                ux, uy = rounded[a * x + c * y + e], rounded[b * x + d * y + f]
                placed.append((pa * ux + pc * uy + pe, pb * ux + pd * uy + pf))
            made = _classify(shape, placed)
            if made is not None:
                self.objects.append(self._placed(*made, paint))

    def _clip(self, obj: int) -> None:
        """Note the clip of `obj` when it is one rectangle at least half the page tall."""
        api = self._api
        clip = api.clip_path(obj)
        if not clip or api.clip_paths(clip) != 1:
            return
        x, y, place = self._x, self._y, self._place.matrix
        points = []
        for k in range(api.clip_segments(clip, 0)):
            segment = api.clip_segment(clip, 0, k)
            if not segment or not api.segment_point(segment, x, y):
                return
            points.append(apply(place, x.value, y.value))
        if len(points) < 4:  # a rectangle's corners
            return
        xs, tops = sorted({round(p[0], 2) for p in points}), [p[1] for p in points]
        if len(xs) == 2 and max(tops) - min(tops) >= 0.5 * self._place.height:
            self._clips.add((xs[0], xs[1]))

    def area(self) -> tuple[float, float] | None:
        """(x0, x1) of the area the page's drawing is clipped to (`PageRead.area`)."""
        if not self._clips:
            return None
        return max(x0 for x0, _ in self._clips), min(x1 for _, x1 in self._clips)

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
        """pdfplumber's `page.edges`, less a curve's slanted pieces (orientation None), which
        nothing that reads edges takes (tables and rules want "h" and "v"): a browser's
        rounded borders and drawn glyphs are curves of hundreds of points each. The objects
        are the visible ones already (`_path`)."""
        return [
            edge
            for obj in self.objects
            for edge in (
                _straight_edges(obj) if obj["object_type"] == "curve" else object_edges(obj)
            )
        ]


def _straight_edges(curve: dict[str, Any]) -> list[dict[str, Any]]:
    """pdfplumber's `curve_to_edges`, only the pieces that run straight across or down."""
    points = curve["pts"]
    shift = curve["doctop"] - curve["top"]
    out = []
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x0 != x1 and y0 != y1:
            continue
        out.append(
            {
                "object_type": "curve_edge",
                "x0": min(x0, x1),
                "x1": max(x0, x1),
                "top": min(y0, y1),
                "doctop": min(y0, y1) + shift,
                "bottom": max(y0, y1),
                "width": abs(x0 - x1),
                "height": abs(y0 - y1),
                "orientation": "v" if x0 == x1 else "h",
            }
        )
    return out


def _subpaths(
    api: Api, obj: int, x: ctypes.c_float, y: ctypes.c_float
) -> list[tuple[str, list[tuple[float, float]]]]:
    """The path's subpaths in pdfminer's terms: a shape ("m", "l", "c", "h" for each operator)
    and each operator's end point, "h" the subpath's start."""
    out: list[tuple[str, list[tuple[float, float]]]] = []
    shape = ""
    points: list[tuple[float, float]] = []
    bezier = 0
    # pdfium's calls without ctypes' argument conversions (`Api.bare_*`)
    get, kind_of, point_of, closes = (
        api.bare_segment,
        api.bare_segment_type,
        api.bare_segment_point,
        api.bare_segment_close,
    )
    path, at_x, at_y = ctypes.c_void_p(obj), ctypes.byref(x), ctypes.byref(y)
    for k in range(api.count_segments(obj)):
        segment = get(path, k)
        kind = kind_of(segment)
        point_of(segment, at_x, at_y)
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
